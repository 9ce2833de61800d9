// sockfd-timeline's time-sequence graph (Stevens'; tcptrace's and Wireshark's "Stream Graph"): for
// each direction of each connection, the sequence numbers sent against time, to scale. Each segment
// that takes sequence space is a vertical bar from its first byte to its last (a SYN or FIN, one
// number); a segment sent again is red, a dropped one a red cross, a held one an open circle where it
// arrived. The other end's acknowledgments are a green step line, and the window it offered (ack +
// window, scaled as its SYN said: RFC 7323) a grey one above it: the sender may send up to that line.
import type { Lane, Timeline, WireEvent } from './story.js';
import { ACK, FIN, SYN } from './wire.js';

const PANEL = 200; // px of sequence space per panel
const HEAD = 40; // the panel's title and its gap above
const LEFT = 86; // the y axis labels
const FOOT = 34; // the time axis labels
const RIGHT = 24;

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const colors: Record<Lane, string> = { client: '#3367d6', server: '#e37400' };

// About five round numbers from 0 to max: 0, 200, 400... (whole ones only, for sequence numbers)
function ticks(max: number, whole = false): number[] {
  if (max <= 0) return [0];
  const raw = max / 5;
  const round = [1, 2, 5, 10].map((m) => m * 10 ** Math.floor(Math.log10(raw))).find((s) => s >= raw) ?? raw;
  const step = whole ? Math.max(1, round) : round;
  const out: number[] = [];
  for (let v = 0; v <= max + step / 1e6; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** The graphs of a timeline, as SVG drawn from (0, top), `width` wide; and their height. */
export function renderTsg(timeline: Timeline, top: number, width: number): { svg: string; height: number } {
  const wire = timeline.events.filter((e): e is WireEvent => e.kind === 'wire');
  const out: string[] = [];
  let y0 = top;
  for (let c = 0; c < timeline.connections; c++) {
    const conn = wire.filter((e) => e.connection === c);
    if (conn.length === 0) continue;
    // each end's window scale, in effect only when both SYNs carried the option
    const wscale: Partial<Record<Lane, number>> = {};
    for (const e of conn) if (e.segment.flags & SYN && e.segment.wscale !== undefined) wscale[e.from] = e.segment.wscale;
    const scaled = wscale.client !== undefined && wscale.server !== undefined;
    const tStart = conn[0]!.t, tEnd = conn[conn.length - 1]!.t;
    const span = Math.max(Number(tEnd - tStart) / 1e9, 1e-6);
    for (const from of ['client', 'server'] as const) {
      const to: Lane = from === 'client' ? 'server' : 'client';
      const sent = conn.filter((e) => e.from === from && (e.segment.len > 0 || e.segment.flags & (SYN | FIN)));
      if (sent.length === 0) continue;
      const acks = conn.filter((e) => e.from === to && e.segment.flags & ACK && !e.segment.dropped && e.ack !== null);
      const windowOf = (e: WireEvent) => (e.ack ?? 0) + e.segment.win * 2 ** (scaled ? (wscale[to] ?? 0) : 0);
      const highest = Math.max(1, ...sent.map((e) => e.seq + Math.max(e.segment.len, 1)), ...acks.map((e) => e.ack ?? 0));
      // the window line can run far above what was sent: the axis reaches it only if it is within 4x
      const maxWindow = Math.max(0, ...acks.map(windowOf));
      const windowShown = maxWindow <= highest * 4;
      const yMax = windowShown ? Math.max(highest, maxWindow) : highest;
      const x = (t: bigint) => LEFT + (Number(t - tStart) / 1e9 / span) * (width - LEFT - RIGHT);
      const y = (seq: number) => y0 + HEAD + PANEL - (Math.min(seq, yMax) / yMax) * PANEL;
      const panelTop = y0 + HEAD;
      const title = `${from} to ${to}${timeline.connections > 1 ? ` (connection ${c + 1})` : ''}: sequence number (relative, bytes) against time (s)${windowShown ? '' : `; the window offered, up to ${maxWindow}, is above the scale`}`;
      out.push(
        `<text x="${LEFT}" y="${y0 + HEAD - 12}" font-weight="bold" fill="${colors[from]}">${escape(title)}</text>`,
        `<path d="M${LEFT},${panelTop}V${panelTop + PANEL}H${width - RIGHT}" fill="none" stroke="#5f6368"/>`,
      );
      for (const v of ticks(yMax, true)) {
        out.push(`<text x="${LEFT - 6}" y="${y(v) + 4}" text-anchor="end" font-family="DejaVu Sans Mono, monospace" fill="#5f6368">${v}</text>`);
      }
      for (const s of ticks(span)) {
        const tx = LEFT + (s / span) * (width - LEFT - RIGHT);
        out.push(`<text x="${tx}" y="${panelTop + PANEL + 18}" text-anchor="middle" font-family="DejaVu Sans Mono, monospace" fill="#5f6368">${s}</text>`);
      }
      // the window and the acknowledgments: step lines, each value holding until the next
      const steps = (points: [number, number][]) => points.map(([px, py], i) => (i === 0 ? `M${px},${py}` : `H${px}V${py}`)).join('') + (points.length ? `H${width - RIGHT}` : '');
      if (windowShown) out.push(`<path data-kind="window" d="${steps(acks.map((e) => [x(e.t), y(windowOf(e))]))}" fill="none" stroke="#9aa0a6" stroke-width="1.5" stroke-dasharray="4 3"/>`);
      out.push(`<path data-kind="ack" d="${steps(acks.map((e) => [x(e.t), y(e.ack!)]))}" fill="none" stroke="#188038" stroke-width="1.5"/>`);
      for (const e of sent) {
        const px = x(e.t), lo = y(e.seq), hi = y(e.seq + Math.max(e.segment.len, 1));
        const tip = `${e.seq}:${e.seq + e.segment.len}${e.retransmission ? ' sent again' : ''}${e.segment.dropped ? ' dropped' : ''}`;
        if (e.segment.dropped) {
          out.push(`<path data-kind="dropped" d="M${px - 5},${lo - 5}L${px + 5},${lo + 5}M${px - 5},${lo + 5}L${px + 5},${lo - 5}" stroke="#c5221f" stroke-width="2"><title>${tip}</title></path>`);
          continue;
        }
        const color = e.retransmission ? '#c5221f' : colors[from];
        out.push(`<path data-kind="${e.retransmission ? 'retransmission' : 'segment'}" d="M${px - 3},${lo}H${px + 3}M${px},${lo}V${hi - 1}M${px - 3},${hi - 1}H${px + 3}" stroke="${color}" stroke-width="2" fill="none"><title>${tip}</title></path>`);
        if (e.segment.heldMs !== undefined) out.push(`<circle data-kind="held" cx="${px}" cy="${lo}" r="5" fill="none" stroke="#c5221f"><title>held ${e.segment.heldMs} ms</title></circle>`);
      }
      y0 += HEAD + PANEL + FOOT;
    }
  }
  if (y0 === top) return { svg: '', height: 0 };
  const legend = [['#3367d6', 'sent (client)'], ['#e37400', 'sent (server)'], ['#c5221f', 'sent again / dropped (x) / held (o)'], ['#188038', 'acknowledged'], ['#9aa0a6', 'window offered']];
  let lx = LEFT;
  for (const [color, text] of legend) {
    const w = 24 + text!.length * 7 + 24;
    if (lx + w > width - RIGHT) [lx, y0] = [LEFT, y0 + 20]; // the next line
    out.push(`<path d="M${lx},${y0 + 8}h18" stroke="${color}" stroke-width="3"/>`, `<text x="${lx + 24}" y="${y0 + 12}" fill="#202124">${text}</text>`);
    lx += w;
  }
  return { svg: out.join('\n'), height: y0 + 24 - top };
}
