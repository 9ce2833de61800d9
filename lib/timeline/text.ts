// sockfd-timeline's text: one line per event, seconds from the first event, who (client, server or
// the wire between them), and what: the call as the trace showed it, or the segment as tcpdump would,
// with the states it moved each end to.
import { flagText, RST, SYN } from './wire.js';
import type { Event, Timeline } from './story.js';

/** Seconds since t0 with microseconds: `0.000431`. */
export function seconds(t: bigint, t0: bigint): string {
  const us = Number((t - t0) / 1000n);
  return `${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')}`;
}

/** The segment's numbers as tcpdump prints them: `seq 1:6 ack 1 len 5`. */
export function segmentNumbers(e: Extract<Event, { kind: 'wire' }>): string {
  const { len } = e.segment;
  const parts = [len > 0 ? `seq ${e.seq}:${(e.seq + len) >>> 0}` : `seq ${e.seq}`];
  if (e.ack !== null) parts.push(`ack ${e.ack}`);
  if (e.segment.win === 0 && !(e.segment.flags & (SYN | RST))) parts.push('win 0'); // a closed window (not RST's 0)
  if (len > 0) parts.push(`len ${len}`);
  return parts.join(' ');
}

/** What the segment was beyond its numbers: sent again, a window probe, dropped or held (--drop, --delay). */
export function segmentNote(e: Extract<Event, { kind: 'wire' }>): string {
  const notes = [e.retransmission ? ' (again)' : '', e.probe ? ' (window probe)' : ''];
  if (e.segment.dropped) notes.push(' DROPPED');
  if (e.segment.heldMs !== undefined) notes.push(` (held ${e.segment.heldMs} ms)`);
  return notes.join('');
}

function what(e: Event): string {
  if (e.kind === 'call') {
    if (e.part === 'start') return `${e.text} ...`;
    if (e.part === 'end') return `... ${e.call.name} = ${e.result}`;
    return `${e.text} = ${e.result}`;
  }
  const s = e.segment;
  const ends = s.src.includes(':') ? `[${s.src}]:${s.sport} > [${s.dst}]:${s.dport}` : `${s.src}:${s.sport} > ${s.dst}:${s.dport}`;
  const moved = e.changed.map((lane) => `${lane} ${e.states[lane]}`).join(', ');
  const numbers = `${segmentNumbers(e)}${segmentNote(e)}`;
  return `${ends}  ${`[${flagText(s.flags)}]`.padEnd(10)} ${numbers.padEnd(22)}${moved ? ` -> ${moved}` : ''}`.trimEnd();
}

/** The timeline as text, one line per event, then the states the kernel held at exit. */
export function renderText(timeline: Timeline): string {
  if (timeline.events.length === 0) return '(no socket calls and no segments)\n';
  const lines = timeline.events.map((e) => `${seconds(e.t, timeline.t0).padStart(10)}  ${(e.kind === 'wire' ? ' wire' : e.lane).padEnd(6)}  ${what(e)}`);
  if (timeline.final.length > 0) {
    lines.push(`${'at exit'.padStart(10)}  kernel  ${timeline.final.map((f) => `${f.lane} ${f.address} ${f.state}`).join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}
