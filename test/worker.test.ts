// The addon is context-aware: it loads in Worker threads (each with its own instance data) and works
// there while the main thread uses it too.
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

import { describe, expect, it } from 'vitest';

import * as s from 'sockfd';
import * as p from 'sockfd/promises';

import { isOpen } from './helpers.js';

const entry = pathToFileURL(createRequire(import.meta.url).resolve('sockfd')).href;

// Runs in each Worker: a TCP exchange on loopback and a socketpair exchange, with the sync API.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.entry).then((s) => {
  const server = s.socket(s.AF_INET, s.SOCK_STREAM);
  s.bind(server, { family: 'AF_INET', address: '127.0.0.1', port: 0 });
  s.listen(server);
  const client = s.socket(s.AF_INET, s.SOCK_STREAM);
  s.connect(client, s.getsockname(server));
  const conn = s.accept(server).fd;
  s.send(client, 'from worker ' + workerData.id);
  const buf = Buffer.alloc(64);
  const n = s.recv(conn, buf);
  const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_DGRAM);
  s.send(a, buf.subarray(0, n));
  const m = s.recv(b, buf);
  let error;
  try { s.close(-1); } catch (e) { error = { name: e.name, code: e.code }; }
  for (const fd of [client, conn, server, a, b]) s.close(fd);
  parentPort.postMessage({ text: buf.toString('utf8', 0, m), AF_INET: s.AF_INET, error });
}).catch((e) => parentPort.postMessage({ failed: String(e && e.stack || e) }));
`;

function runWorker(id: number): Promise<any> {
  return new Promise((resolve, reject) => {
    const w = new Worker(workerSource, { eval: true, workerData: { entry, id } });
    let result: any;
    w.on('message', (m) => (result = m));
    w.on('error', reject);
    w.on('exit', (code) => (code === 0 ? resolve(result) : reject(new Error(`worker exited with ${code}`))));
  });
}

describe('Worker threads', () => {
  it('loads and works in several Workers at once, alongside the main thread', async () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM); // the main thread holds sockets meanwhile
    try {
      const results = await Promise.all([1, 2, 3, 4].map(runWorker));
      results.forEach((r, i) => {
        expect(r.failed).toBeUndefined();
        expect(r).toEqual({ text: `from worker ${i + 1}`, AF_INET: s.AF_INET, error: { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' } });
      });
      s.send(a, 'main thread still fine');
      expect(s.recv(b, Buffer.alloc(64))).toBe(22);
    } finally {
      s.close(a);
      s.close(b);
    }
  });

  it('a Worker can load the addon again after earlier Workers ended (environment teardown is clean)', async () => {
    for (let i = 0; i < 3; i++) expect((await runWorker(10 + i)).text).toBe(`from worker ${10 + i}`);
  });
});

// Runs in a Worker: waits on sockets in every way, then tells the main thread which fds it made.
const pendingSource = `
const { parentPort, workerData } = require('node:worker_threads');
Promise.all([import(workerData.entry), import(workerData.promises)]).then(([s, p]) => {
  const listener = new s.Socket(s.AF_INET, s.SOCK_STREAM);
  listener.bind({ family: 'AF_INET', address: '127.0.0.1', port: 0 });
  listener.listen();
  listener.accept().catch(() => {});
  const owned = new s.Socket(s.AF_UNIX, s.SOCK_STREAM);
  owned.connect({ family: 'AF_UNIX', path: '\\0sockfd-worker-nobody-' + workerData.id }).catch(() => {});
  const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
  p.recv(a, new Uint8Array(16)).catch(() => {});
  const chunk = new Uint8Array(65536);
  try { for (;;) s.send(b, chunk, undefined, s.MSG_DONTWAIT); } catch {}
  p.sendAll(b, new Uint8Array(1 << 20)).catch(() => {});
  // A busy exchange that is still running when the Worker is terminated.
  const [c, d] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
  (async () => { const buf = new Uint8Array(64); for (;;) { await p.send(c, 'ping'); await p.recv(d, buf); } })().catch(() => {});
  parentPort.postMessage({ socketFds: [listener.fd, owned.fd], rawFds: [a, b, c, d] });
});
`;

describe('Worker threads with sockfd/promises', () => {
  const promisesEntry = pathToFileURL(createRequire(import.meta.url).resolve('sockfd/promises')).href;

  it('terminating Workers with pending operations crashes nothing and closes the Socket objects\' fds', async () => {
    for (let i = 0; i < 20; i++) {
      const w = new Worker(pendingSource, { eval: true, workerData: { entry, promises: promisesEntry, id: i } });
      const [msg] = (await once(w, 'message')) as [{ socketFds: number[]; rawFds: number[] }];
      await new Promise((resolve) => setTimeout(resolve, i % 4)); // terminate at different moments
      await w.terminate();
      // Socket objects die with their thread, like net.Sockets; plain fds stay open, like fs.openSync's.
      for (const fd of msg.socketFds) expect(isOpen(fd)).toBe(false);
      const [a, b, c, d] = msg.rawFds as [number, number, number, number];
      try {
        // The plain fds still work here, with this thread's own event loop waiting on them.
        const buf = new Uint8Array(16);
        expect(await p.recv(a, buf)).toBe(16); // what the Worker's sends left there
        const got = p.recv(c, buf);
        await p.sendAll(d, 'from main');
        expect(await got).toBeGreaterThan(0);
      } finally {
        for (const fd of [a, b, c, d]) s.close(fd);
      }
    }
  });
});
