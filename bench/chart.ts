// The benchmark chart, as plain SVG (no browser, no dependency). Every panel shares one axis: how many
// times better than node:net each contender did (x C where a workload has no node:net contender), on a
// log scale, so a bar's length means the same in every panel. Each bar is a median; its whisker spans
// the runs' min to max; a tick marks each target on the contender it is for; the text beside gives the
// median in the workload's unit, the ratios to node:net and to C, and p99 where it was measured.
import { type ContenderId, fmtIn, type Summary } from './workloads.js';

/** A target as evaluateTargets states it: `contender` >= `min` x `versus` on workload `id`. */
export interface ChartTarget {
  id: string;
  placement?: string;
  contender: ContenderId;
  versus: ContenderId;
  min: number;
  met: boolean;
}

interface Report {
  mode: string;
  runs: number;
  machine: { cpu: string; cores: number; memGiB: number; node: string; kernel: string; date: string };
  placements?: string[];
  workloads: Summary[];
  targets?: ({ text: string; met: boolean; measured: string } & Partial<ChartTarget>)[];
}

const COLORS: Record<ContenderId, string> = {
  promises: '#1f6fb2',
  sync: '#74a9cf',
  epoll: '#31a354',
  node: '#e6550d',
  c: '#525252',
  'c-epoll': '#969696',
  baseline: '#9ecae1',
  'baseline-sync': '#c6dbef',
  thread: '#6a51a3',
  'bun-promises': '#b8860b',
  'bun-net': '#f0c75e',
  bun: '#8c6d31',
  'deno-promises': '#17becf',
  'deno-net': '#9edae5',
  deno: '#0b6e79',
};

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const LO = 1 / 4, HI = 8; // the axis: 1/4x to 8x, log2 (a ratio past it is drawn at its end)
const TICKS = [1 / 4, 1 / 2, 1, 2, 4, 8];
const tickText = (t: number) => (t < 1 ? `1/${1 / t}` : `${t}`);

export function chart(report: Report): string {
  const width = 1100, labelX = 16, axisX = 190, axisW = 520, textX = axisX + axisW + 12, row = 20, bar = 13;
  const x = (ratio: number) => axisX + (Math.log2(Math.min(HI, Math.max(LO, ratio)) / LO) / Math.log2(HI / LO)) * axisW;
  const out: string[] = [];
  const text = (tx: number, ty: number, s: string, attrs = '') => out.push(`<text x="${tx.toFixed(1)}" y="${ty.toFixed(1)}"${attrs}>${escape(s)}</text>`);
  const line = (x1: number, y1: number, x2: number, y2: number, attrs: string) =>
    out.push(`<line x1="${x1.toFixed(1)}" y1="${y1.toFixed(1)}" x2="${x2.toFixed(1)}" y2="${y2.toFixed(1)}" ${attrs}/>`);
  const m = report.machine;
  let y = 26;
  text(labelX, y, `sockfd benchmark (${report.mode} run): how many times node:net's throughput, median of ${report.runs} runs`, ' font-size="16" font-weight="bold"');
  y += 19;
  text(labelX, y, `${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB; Linux ${m.kernel}; Node ${m.node}; ${m.date.slice(0, 10)}; pinned: ${(report.placements ?? []).join(', ')}`, ' fill="#444"');
  y += 17;
  text(labelX, y, 'Bars: median ratio on one log scale for every panel (1 = node:net; x C where there is no node:net). Whiskers: min-max of the runs. Red/green tick: a target, missed/met.', ' fill="#444"');

  for (const w of report.workloads) {
    const ref: ContenderId | undefined = w.results.node ? 'node' : w.results.c ? 'c' : undefined;
    if (!ref) continue;
    const refMedian = w.results[ref]!.median;
    // > 1: better than the reference, whichever way the unit points
    const vsRef = (v: number) => (w.lowerIsBetter ? refMedian / v : v / refMedian);
    y += 30;
    const refName = ref === 'node' ? 'node:net' : 'C';
    text(labelX, y, w.placement ? `${w.title}, ${w.placement}` : w.title, ' font-weight="bold"');
    text(axisX + axisW, y, `x ${refName}`, ' text-anchor="end" fill="#444"');
    const top = y + 6;
    const entries = Object.entries(w.results) as [ContenderId, NonNullable<Summary['results'][ContenderId]>][];
    const bottom = top + entries.length * row;
    // the shared axis: grid lines, the reference's 1x bolder, labels under the panel
    for (const t of TICKS) line(x(t), top, x(t), bottom, t === 1 ? 'stroke="#333" stroke-width="1.5"' : 'stroke="#ddd"');
    for (const t of TICKS) text(x(t), bottom + 11, tickText(t), ' text-anchor="middle" font-size="10" fill="#666"');
    entries.forEach(([c, r], i) => {
      const yy = top + i * row + 3;
      const mid = yy + bar / 2;
      text(labelX, yy + bar - 2, r.label);
      const r0 = vsRef(r.median);
      out.push(`<rect x="${axisX}" y="${yy}" width="${(x(r0) - axisX).toFixed(1)}" height="${bar}" fill="${COLORS[c]}" fill-opacity="0.85"/>`);
      // the whisker: a white halo under a black line, so it shows on dark bars and on white
      const [lo, hi] = [x(vsRef(w.lowerIsBetter ? r.max : r.min)), x(vsRef(w.lowerIsBetter ? r.min : r.max))];
      for (const [color, widthPx] of [['#fff', 4], ['#000', 1.5]] as const) {
        line(lo, mid, hi, mid, `stroke="${color}" stroke-width="${widthPx}"`);
        line(lo, mid - 4, lo, mid + 4, `stroke="${color}" stroke-width="${widthPx}"`);
        line(hi, mid - 4, hi, mid + 4, `stroke="${color}" stroke-width="${widthPx}"`);
      }
      for (const t of report.targets ?? []) {
        if (t.id !== w.id || t.contender !== c || t.placement !== w.placement || !t.versus || t.min === undefined) continue;
        const versus = w.results[t.versus];
        if (!versus) continue;
        const at = x(t.min * vsRef(versus.median)); // "c >= min x versus", on this panel's axis
        line(at, yy - 2, at, yy + bar + 2, `stroke="${t.met ? '#2ca02c' : '#d62728'}" stroke-width="3"`);
      }
      const ratios = [`${r0.toFixed(2)}x ${refName}`];
      if (ref === 'node' && w.results.c && c !== 'c') ratios.push(`${(r0 / vsRef(w.results.c.median)).toFixed(2)}x C`);
      const p99 = r.p99 !== undefined ? `, p99 ${fmtIn('us', r.p99)} us` : '';
      const parts = [`${fmtIn(w.unit, r.median)} ${w.unit}`, ...(c === ref ? [] : ratios)];
      text(textX, yy + bar - 2, parts.join(', ') + p99);
    });
    y = bottom + 12;
  }
  y += 20;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}
