// The benchmark's programs work and check what they measure: a short run of `npm run bench` through
// every contender, and a contender that must refuse a corrupted echo.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

import { run } from './helpers.js';

const root = join(import.meta.dirname, '..');

describe('npm run bench', () => {
  it('runs a workload of each kind through every contender and writes the JSON and the chart', { timeout: 300_000 } /* under ASan on a loaded machine it has taken over 120 s */, async () => {
    const out = mkdtempSync(join(tmpdir(), 'sockfd-bench-test-'));
    try {
      const ids = ['tcp-pp-64', 'tcp-conns-8', 'bulk-1m', 'file-sendfile', 'accept', 'udp-flood', 'udp-flood-mmsg', 'unix-pp-64', 'calls', 'calls-recvfrom'];
      const only = `^(${ids.join('|')})$`;
      const { stdout } = await promisify(execFile)(process.execPath, ['dist/bench/run.js', '--quick', '--runs', '1', '--no-strace', '--only', only, '--out', out], { cwd: root });
      const report = JSON.parse(readFileSync(join(out, 'quick.json'), 'utf8'));
      // both placements, each workload once in each, the placement named in the JSON and the chart
      expect(report.placements).toEqual(['one core', 'two cores']);
      expect(report.workloads.map((w: { id: string; placement: string }) => `${w.id} ${w.placement}`)).toEqual(
        ['one core', 'two cores'].flatMap((p) => ids.map((id) => `${id} ${p}`)),
      );
      for (const w of report.workloads) {
        expect(stdout).toContain(w.title);
        for (const r of Object.values(w.results) as { values: number[]; median: number }[]) {
          expect(r.values).toHaveLength(1);
          expect(r.median).toBeGreaterThan(0);
        }
      }
      // then sockfd/promises with the thread backend, and the Bun and Deno contenders where they are on PATH
      expect(Object.keys(report.workloads[0].results).slice(0, 7)).toEqual(['promises', 'sync', 'node', 'c', 'epoll', 'c-epoll', 'thread']);
      expect(report.machine.node).toBe(process.version);
      const svg = readFileSync(join(out, 'quick.svg'), 'utf8');
      expect(svg).toMatch(/^<svg /);
      for (const label of ['sockfd/promises', 'promises thread', 'sockfd sync', 'sockfd epoll', 'node:net', 'node:dgram', 'node:fs pipe', 'C blocking', 'C epoll', 'one core', 'two cores']) expect(svg).toContain(label);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it.each(['promises', 'sync', 'epoll', 'node'])('the %s client refuses an echo with one byte changed', async (contender) => {
    const server = createServer((sock) => sock.on('data', (d: Buffer) => sock.write(d.length > 10 ? Buffer.from(d).fill(0, 10, 11) : d)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const { done } = run(process.execPath, [join(root, `dist/bench/contender-${contender}.js`), 'client'], `pingpong family=inet port=${port} size=64 count=10\n`);
      const { code, stdout } = await done;
      expect(stdout).toBe('error echo differs\n');
      expect(code).toBe(1);
    } finally {
      server.close();
    }
  });
});
