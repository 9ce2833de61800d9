// The readiness engine's two backends (native/engine/): libuv's poll handle (Node's default) and the
// waiter thread (Bun, Deno; SOCKFD_ENGINE=thread). The whole suite runs under each (.ci/run); these are
// the race classes the waiter thread adds, run under both in child processes, so that a crash or a
// hang fails a test instead of the suite. Each child must exit 0 with nothing on stderr.
import { spawnSync } from 'node:child_process';

import { describe, expect, it } from 'vitest';

import * as s from 'sockfd';
import * as p from 'sockfd/promises';

import { native } from '../dist/binding.js';

function child(backend: string, source: string, timeout = 60_000) {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', source], {
    encoding: 'utf8',
    timeout,
    cwd: import.meta.dirname,
    env: { ...process.env, SOCKFD_ENGINE: backend },
  });
  expect(r.signal, r.stderr).toBeNull();
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

const prelude = `
import * as s from 'sockfd';
import * as p from 'sockfd/promises';
import assert from 'node:assert/strict';
import { native } from '../dist/binding.js';
const pair = () => s.socketpair(s.AF_UNIX, s.SOCK_STREAM, 0);
const settle = (promise) => promise.then((v) => ({ v }), (e) => ({ e }));
`;

describe.each(['libuv', 'thread'])('the %s backend', (backend) => {
  it('the sync API starts no engine; the first wait starts this backend, and nothing waits after', () => {
    const out = child(backend, `${prelude}
      const [a, b] = pair();
      s.send(b, 'x');
      assert.equal(s.recv(a, new Uint8Array(1)), 1);
      assert.equal(native.engineStats().backend, null);
      setTimeout(() => s.send(b, 'y'), 10);
      assert.equal(await p.recv(a, new Uint8Array(1)), 1);
      const stats = native.engineStats();
      console.log(JSON.stringify(stats));
      assert.equal(stats.referenced, false);
      s.close(a);
      s.close(b);
    `);
    const stats = JSON.parse(out);
    expect(stats.backend).toBe(backend);
    if (backend === 'thread') expect(stats.waiterThreads).toBe(1);
    else expect(stats.loopPollHandles).toBe(1);
  });

  it('close() while the waiter is inside epoll_wait: every wait rejects with ECANCELED, and the engine still wakes', () => {
    child(backend, `${prelude}
      for (let round = 0; round < 200; round++) {
        const pairs = Array.from({ length: 8 }, pair);
        const waits = pairs.map(([a]) => settle(p.recv(a, new Uint8Array(1))));
        await new Promise((r) => setTimeout(r, round % 10 === 0 ? 5 : 0));
        for (const [a, b] of pairs) { s.close(a); s.close(b); }
        for (const w of await Promise.all(waits)) assert.equal(w.e?.code, 'ECANCELED');
      }
      const [a, b] = pair();
      setTimeout(() => s.send(b, 'z'), 5);
      assert.equal(await p.recv(a, new Uint8Array(1)), 1);
      s.close(a);
      s.close(b);
      const stats = native.engineStats();
      assert.equal(stats.waiting + stats.tokens + stats.fdStates, 0);
    `);
  });

  it('a wake in flight when a Worker is torn down: 40 Workers terminated as their data arrives', () => {
    child(backend, `${prelude}
      import { Worker } from 'node:worker_threads';
      const body = \`
        const { parentPort } = require('node:worker_threads');
        import('sockfd/promises').then(async (p) => {
          const s = await import('sockfd');
          const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM, 0);
          const w = p.recv(a, new Uint8Array(1));
          parentPort.postMessage(b);
          await w;
        });\`;
      for (let i = 0; i < 40; i++) {
        const worker = new Worker(body, { eval: true, execArgv: [] });
        const peer = await new Promise((r) => worker.once('message', r));
        s.send(peer, 'x');          // the Worker's engine wakes for this...
        await worker.terminate();   // ...while it is being torn down
      }
    `);
  });

  it('many Workers, each with its own engine, all waiting at once', () => {
    const out = child(backend, `${prelude}
      import { Worker } from 'node:worker_threads';
      const body = \`
        const { parentPort } = require('node:worker_threads');
        Promise.all([import('sockfd'), import('sockfd/promises'), import(${JSON.stringify(new URL('../dist/binding.js', import.meta.url).href)})]).then(async ([s, p, b]) => {
          const [x, y] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM, 0);
          const buf = new Uint8Array(1);
          for (let i = 0; i < 500; i++) {
            const w = p.recv(x, buf);
            setImmediate(() => s.send(y, 'x'));
            await w;
          }
          const stats = b.native.engineStats();
          s.close(x);
          s.close(y);
          parentPort.postMessage(stats.backend + ' ' + (stats.waiterThreads ?? stats.loopPollHandles));
        });\`;
      const results = await Promise.all(Array.from({ length: 8 }, () => {
        const worker = new Worker(body, { eval: true, execArgv: [] });
        return new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
      }));
      console.log(results.join(','));
    `);
    expect(out.trim()).toBe(Array(8).fill(`${backend} 1`).join(','));
  });

  it('5000 waits started and aborted while wakes arrive: each settles once, nothing is left', () => {
    child(backend, `${prelude}
      const [a, b] = pair();
      const sender = setInterval(() => s.send(b, 'x'.repeat(7)), 1);
      let got = 0, aborted = 0;
      for (let i = 0; i < 5000; i++) {
        const ac = new AbortController();
        const w = settle(p.recv(a, new Uint8Array(3), undefined, 0, { signal: ac.signal }));
        if (i % 3 !== 2) queueMicrotask(() => ac.abort());
        else setImmediate(() => ac.abort());
        const r = await w;
        if (r.e) { assert.equal(r.e.name, 'AbortError'); aborted++; } else got += r.v;
      }
      clearInterval(sender);
      assert.ok(aborted > 0);
      const stats = native.engineStats();
      assert.equal(stats.waiting + stats.tokens + stats.counted, 0);
      assert.equal(stats.referenced, false);
      s.close(a);
      s.close(b);
    `);
  });
});

describe('the engine keeps its own fds', () => {
  it("close() and dup2() refuse the engine's fds with EBADF, and awaited calls go on working", async () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM, 0);
    setTimeout(() => s.send(b, 'x'), 5);
    await p.recv(a, new Uint8Array(1));
    const own = native.engineStats().fds;
    expect(own.length).toBeGreaterThan(0);
    for (const fd of own) {
      expect(() => s.close(fd)).toThrow(expect.objectContaining({ code: 'EBADF', syscall: 'close', message: expect.stringContaining("sockfd's own") }));
      expect(() => s.dup2(a, fd)).toThrow(expect.objectContaining({ code: 'EBADF', syscall: 'dup2' }));
    }
    setTimeout(() => s.send(b, 'y'), 5);
    expect(await p.recv(a, new Uint8Array(1))).toBe(1);
    s.close(a);
    s.close(b);
  });
});
