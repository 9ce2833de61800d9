// The benchmark chart: one horizontal bar per contender and workload, drawn as plain SVG (no browser,
// no dependency), with the machine it ran on written beside it.
import { type ContenderId, fmtIn, isSockfd, ratio, type Summary } from './workloads.js';

interface Report {
  mode: string;
  runs: number;
  machine: { cpu: string; cores: number; memGiB: number; node: string; kernel: string; date: string };
  placements?: string[];
  workloads: Summary[];
}

const COLORS: Record<ContenderId, string> = {
  promises: '#1f6fb2',
  sync: '#74a9cf',
  epoll: '#31a354',
  node: '#e6550d',
  c: '#525252',
  'c-epoll': '#969696',
  baseline: '#9ecae1',
};

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function chart(report: Report): string {
  const width = 900, labelX = 16, barX = 170, barMax = 480, row = 20, bar = 14;
  const out: string[] = [];
  let y = 28;
  const text = (x: number, yy: number, s: string, attrs = '') => out.push(`<text x="${x}" y="${yy}"${attrs}>${escape(s)}</text>`);
  const m = report.machine;
  text(labelX, y, `sockfd benchmark, ${report.mode} run: median of ${report.runs} runs (whiskers: min-max)`, ' font-size="16" font-weight="bold"');
  y += 20;
  text(labelX, y, `${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB; Linux ${m.kernel}; Node ${m.node}; ${m.date.slice(0, 10)}; pinned: ${(report.placements ?? []).join(', ')}`, ' fill="#555"');
  y += 14;
  for (const w of report.workloads) {
    y += 26;
    text(labelX, y, `${w.title}${w.placement ? `, ${w.placement}` : ''} (${w.unit}, ${w.lowerIsBetter ? 'lower' : 'higher'} is better)`, ' font-weight="bold"');
    y += 8;
    const entries = Object.entries(w.results) as [ContenderId, NonNullable<Summary['results'][ContenderId]>][];
    const scale = barMax / Math.max(...entries.map(([, r]) => r.max));
    for (const [c, r] of entries) {
      const yy = y + 4;
      text(labelX, yy + bar - 3, r.label);
      out.push(`<rect x="${barX}" y="${yy}" width="${(r.median * scale).toFixed(1)}" height="${bar}" fill="${COLORS[c]}"/>`);
      const [lo, hi] = [barX + r.min * scale, barX + r.max * scale];
      out.push(`<line x1="${lo.toFixed(1)}" x2="${hi.toFixed(1)}" y1="${yy + bar / 2}" y2="${yy + bar / 2}" stroke="#000" stroke-width="1"/>`);
      const node = w.results.node;
      const vsNode = isSockfd(c) && node ? `  ${ratio(w, c, 'node')!.toFixed(2)}x ${node.label}` : '';
      text(Math.max(barX + r.median * scale, hi) + 6, yy + bar - 3, `${fmtIn(w.unit, r.median)} ${w.unit}${vsNode}`);
      y += row;
    }
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
