// What sockfd/promises does to a process's lifetime and CPU, observed from outside: each case runs in
// its own Node process (cwd = the package, so 'sockfd' resolves to it).
import { spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { waitForOutput } from './helpers.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function node(source: string) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', source], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, exited };
}

const prelude = `
import * as s from 'sockfd';
import * as p from 'sockfd/promises';
const listener = () => {
  const fd = s.socket(s.AF_INET, s.SOCK_STREAM);
  s.bind(fd, { family: 'AF_INET', address: '127.0.0.1', port: 0 });
  s.listen(fd);
  return { fd, port: s.getsockname(fd).port };
};
`;

describe('process lifetime', () => {
  it('a process whose sockets are idle exits on its own, even after its calls have waited', async () => {
    const { exited } = node(`${prelude}
      const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
      const buf = new Uint8Array(8);
      const waited = p.recv(a, buf);          // waits: the fd joins the engine's epoll set
      setTimeout(() => s.send(b, 'x'), 20);
      await waited;                           // ... and stopped again: nothing waits now
      const l = listener();                   // an idle listening socket
      console.log('idle with fds', a, b, l.fd);
    `);
    const r = await exited;
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^idle with fds/);
    expect(r.code).toBe(0);
  });

  it('a pending accept keeps the process alive until it resolves', async () => {
    const { child, exited } = node(`${prelude}
      const l = listener();
      console.log('port', l.port);
      const { fd } = await p.accept(l.fd);
      console.log('accepted');
      s.close(fd);
      s.close(l.fd);
    `);
    const [, port] = await waitForOutput(child, /port (\d+)/);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(child.exitCode).toBeNull(); // still waiting
    const c = net.connect(Number(port), '127.0.0.1');
    const r = await exited;
    c.destroy();
    expect(r.stdout).toContain('accepted');
    expect(r.code).toBe(0);
  });

  it('... or until its fd is closed: the accept rejects with ECANCELED and the process exits', async () => {
    const { exited } = node(`${prelude}
      const l = listener();
      setTimeout(() => s.close(l.fd), 200);
      await p.accept(l.fd).catch((e) => console.log('rejected', e.code));
    `);
    const r = await exited;
    expect(r.stdout.trim()).toBe('rejected ECANCELED');
    expect(r.code).toBe(0);
  });

  it('no busy loop: awaiting accept for 1 s uses well under 50 ms of CPU', async () => {
    const { exited } = node(`${prelude}
      const l = listener();
      const pending = p.accept(l.fd).catch((e) => e.code);
      const before = process.cpuUsage();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const used = process.cpuUsage(before);
      s.close(l.fd);
      console.log(JSON.stringify({ cpuMs: (used.user + used.system) / 1000, outcome: await pending }));
    `);
    const r = await exited;
    expect(r.code).toBe(0);
    const { cpuMs, outcome } = JSON.parse(r.stdout);
    expect(outcome).toBe('ECANCELED');
    expect(cpuMs).toBeLessThan(50);
    console.log(`[figure] CPU used while awaiting accept for 1 s: ${cpuMs.toFixed(1)} ms`);
  });

  it('no busy loop either with data left unread on a socket nobody waits on', async () => {
    const { exited } = node(`${prelude}
      const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
      const buf = new Uint8Array(1);
      const first = p.recv(a, buf);
      s.send(b, 'xyz');                       // one byte is read, two stay readable
      await first;
      const l = listener();
      const pending = p.accept(l.fd).catch(() => {});  // keeps the loop alive
      const before = process.cpuUsage();
      await new Promise((resolve) => setTimeout(resolve, 500));
      const used = process.cpuUsage(before);
      s.close(l.fd);
      await pending;
      console.log((used.user + used.system) / 1000);
    `);
    const r = await exited;
    expect(r.code).toBe(0);
    expect(Number(r.stdout)).toBeLessThan(50);
  });
});
