// sockfd-timeline's picture: the sequence diagram the seeds draw by hand, drawn from a run. Client and
// server are lanes (vertical lines); each call is a box beside its lane at its row, a call that spans
// segments a tall box from where it started to where it returned; each segment an arrow from the
// sender's lane to the receiver's, labelled as tcpdump would; the states a segment moved each end to
// beside the lanes. Rows are in time order, one event each (not to scale: the handshake takes
// microseconds and a retransmission a second); each row gives its time on the left.
import { flagText } from './wire.js';
import { seconds, segmentNote, segmentNumbers } from './text.js';
import type { CallEvent, Lane, Timeline } from './story.js';
import { renderTsg } from './tsg.js';

const ROW = 30; // px per event
const TOP = 64; // the lane names above the first row
const CHAR = 7.8; // the width of a 13 px monospace character
const MAX_CHARS = 56; // longer call text is cut (the whole of it is the box's tooltip)
const TIME_COLUMN = 86;
const WIRE = 360; // between the two lanes
const PAD = 8;

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
// Cut to `max` characters, keeping the closing parenthesis: `socket(AF_INET, SOCK_STR…)`.
const cut = (s: string, max = MAX_CHARS) => (s.length > max ? `${s.slice(0, max - 2)}…)` : s);

const colors: Record<Lane, { fill: string; stroke: string }> = {
  client: { fill: '#e8f0fe', stroke: '#3367d6' },
  server: { fill: '#fef3e0', stroke: '#e37400' },
};
function segmentColor(flags: number): string {
  if (flags & 0x04) return '#c5221f'; // RST
  if (flags & 0x02) return '#188038'; // SYN
  if (flags & 0x01) return '#7b1fa2'; // FIN
  return '#202124';
}

/** The timeline as an SVG document (`title` heads it). */
export function renderSvg(timeline: Timeline, title: string): string {
  const { events, t0 } = timeline;
  // Each call's row, and for a call that spans others the row it returned on.
  const rows: { row: number; end?: number; event: (typeof events)[number] }[] = [];
  const open = new Map<string, { end?: number }>();
  events.forEach((e, row) => {
    if (e.kind === 'call' && e.part === 'end') {
      const started = open.get(`${e.call.pid} ${e.call.start}`);
      if (started) started.end = row;
      return;
    }
    const entry = { row, event: e } as { row: number; end?: number; event: typeof e };
    if (e.kind === 'call' && e.part === 'start') open.set(`${e.call.pid} ${e.call.start}`, entry);
    rows.push(entry);
  });
  // the result is never cut: it is what the call did
  const label = (e: CallEvent) => (e.part === 'whole' ? `${cut(e.text, MAX_CHARS - e.result.length - 3)} = ${e.result}` : cut(e.text));
  const widest = (lane: Lane) => Math.max(10, ...events.filter((e): e is CallEvent => e.kind === 'call' && e.lane === lane).map((e) => label(e).length));
  const columnWidth = (lane: Lane) => Math.ceil(widest(lane) * CHAR) + 2 * PAD + 14;
  const clientX = TIME_COLUMN + columnWidth('client') + PAD;
  const serverX = clientX + WIRE;
  const width = serverX + columnWidth('server') + PAD;
  const finalRow = events.length + (timeline.final.length > 0 ? 1 : 0);
  const diagramHeight = TOP + finalRow * ROW + 24;
  const svgWidth = Math.max(width, 900); // room for the graphs' legend
  const graphs = renderTsg(timeline, diagramHeight, svgWidth);
  const height = diagramHeight + graphs.height;
  const laneX: Record<Lane, number> = { client: clientX, server: serverX };
  const y = (row: number) => TOP + row * ROW;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${svgWidth}" height="${height}" viewBox="0 0 ${svgWidth} ${height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">`,
    `<title>${escape(title)}</title>`,
    `<defs>${['#202124', '#188038', '#7b1fa2', '#c5221f'].map((c) => `<marker id="a${c.slice(1)}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="${c}"/></marker>`).join('')}</defs>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
  );
  // the time column's rules and the lanes
  rows.forEach(({ row }) => {
    if (row % 2 === 0) out.push(`<rect x="0" y="${y(row)}" width="${width}" height="${ROW}" fill="#f8f9fa"/>`);
  });
  out.push(`<text x="${TIME_COLUMN - PAD}" y="${TOP - 12}" text-anchor="end" fill="#5f6368">time (s)</text>`);
  for (const lane of ['client', 'server'] as const) {
    const x = laneX[lane];
    out.push(
      `<line x1="${x}" y1="${TOP - 8}" x2="${x}" y2="${diagramHeight - 16}" stroke="${colors[lane].stroke}" stroke-width="2"/>`,
      `<text x="${x}" y="${TOP - 24}" text-anchor="middle" font-size="15" font-weight="bold" fill="${colors[lane].stroke}">${lane}</text>`,
    );
  }
  const timeText = (row: number, t: bigint) => `<text x="${TIME_COLUMN - PAD}" y="${y(row) + 19}" text-anchor="end" font-family="DejaVu Sans Mono, monospace" fill="#5f6368">${seconds(t, t0)}</text>`;
  for (const { row, end, event } of rows) {
    out.push(timeText(row, event.t));
    if (event.kind === 'call') {
      const lane = event.lane;
      const text = label(event);
      const w = Math.ceil(text.length * CHAR) + 2 * PAD;
      const x = lane === 'client' ? laneX.client - PAD - w : laneX.server + PAD;
      const last = end ?? row;
      const h = (last - row + 1) * ROW - 6;
      out.push(
        `<g><title>${escape(`${event.text} = ${event.result}`)}</title>`,
        `<rect x="${x}" y="${y(row) + 3}" width="${w}" height="${h}" rx="4" fill="${colors[lane].fill}" stroke="${colors[lane].stroke}"/>`,
        `<text x="${x + PAD}" y="${y(row) + 19}" font-family="DejaVu Sans Mono, monospace" font-size="13" fill="#202124">${escape(text)}</text>`,
      );
      if (end !== undefined) {
        out.push(
          `<text x="${x + PAD}" y="${y(last) + 19}" font-family="DejaVu Sans Mono, monospace" font-size="13" fill="#202124">${escape(`= ${event.result}`)}</text>`,
          timeText(last, events[last]!.t),
        );
      }
      out.push('</g>');
    } else {
      const from = laneX[event.from], to = laneX[event.from === 'client' ? 'server' : 'client'];
      const color = segmentColor(event.segment.flags);
      const dir = to > from ? 1 : -1;
      const ports = timeline.connections > 1 ? ` :${event.from === 'client' ? event.segment.sport : event.segment.dport}` : '';
      // a dropped segment stops half way, at a cross
      const dropped = event.segment.dropped === true;
      const end = dropped ? (from + to) / 2 : to - dir * 3;
      out.push(
        `<line x1="${from + dir * 3}" y1="${y(row) + 14}" x2="${end}" y2="${y(row) + (dropped ? 20 : 26)}" stroke="${color}" stroke-width="1.8"${dropped ? ' stroke-dasharray="5 3"' : ''} marker-end="url(#a${color.slice(1)})"/>`,
        `<text x="${(from + to) / 2}" y="${y(row) + 13}" text-anchor="middle" fill="${color}"><tspan font-weight="bold">${flagText(event.segment.flags)}</tspan> ${escape(segmentNumbers(event))}${ports}${escape(segmentNote(event))}</text>`,
      );
      if (dropped) out.push(`<path d="M${end + dir * 6},${y(row) + 15}l${dir * 10},10m0,-10l${-dir * 10},10" stroke="#c5221f" stroke-width="2.5"/>`);
      for (const lane of event.changed) {
        const x = lane === 'client' ? laneX.client - PAD : laneX.server + PAD;
        out.push(`<text x="${x}" y="${y(row) + 24}" text-anchor="${lane === 'client' ? 'end' : 'start'}" font-style="italic" fill="${colors[lane].stroke}">${event.states[lane]}</text>`);
      }
    }
  }
  if (timeline.final.length > 0) {
    const row = events.length;
    out.push(`<text x="${TIME_COLUMN - PAD}" y="${y(row) + 19}" text-anchor="end" fill="#5f6368">at exit</text>`);
    for (const lane of ['client', 'server'] as const) {
      const states = timeline.final.filter((f) => f.lane === lane).map((f) => f.state);
      if (states.length === 0) continue;
      const text = `kernel: ${[...new Set(states)].join(', ')}`;
      const x = lane === 'client' ? laneX.client - PAD : laneX.server + PAD;
      out.push(`<text x="${x}" y="${y(row) + 19}" text-anchor="${lane === 'client' ? 'end' : 'start'}" font-weight="bold" fill="${colors[lane].stroke}">${escape(text)}</text>`);
    }
  }
  out.push(graphs.svg, '</svg>');
  return `${out.join('\n')}\n`;
}

/** The diagram and the text timeline in one HTML page. */
export function renderHtml(timeline: Timeline, title: string, text: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font-family:DejaVu Sans,Helvetica,Arial,sans-serif;margin:24px;color:#202124}pre{font-size:12px;background:#f8f9fa;padding:12px;overflow-x:auto}</style>
</head><body>
<h1 style="font-size:18px">${escape(title)}</h1>
<p>Calls and segments on one clock (CLOCK_REALTIME): each row is one event, in time order.</p>
${renderSvg(timeline, title)}
<pre>${escape(text)}</pre>
</body></html>
`;
}
