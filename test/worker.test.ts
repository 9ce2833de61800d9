// The addon is context-aware: it loads in Worker threads (each with its own instance data) and works
// there while the main thread uses it too.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

import { describe, expect, it } from 'vitest';

import * as s from 'sockfd';

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
