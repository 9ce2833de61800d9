// The conformance suite: one program, run unchanged under every runtime sockfd claims (Node 20 to 26,
// Bun, Deno), from a project that installed the package (test/conformance/run.sh). Plain JavaScript
// and node: modules only, so each runtime runs it as it is. Prints one line per check; any failure
// throws, and the runner also requires exit status 0 and nothing on stderr.
//
// In a Worker (where the runtime has worker_threads) it runs worker() instead.
import * as s from 'sockfd';
import * as p from 'sockfd/promises';
import { Socket } from 'sockfd';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';

const runtime = typeof globalThis.Deno !== 'undefined' ? `deno ${Deno.version.deno}` : process.versions.bun ? `bun ${process.versions.bun}` : `node ${process.versions.node}`;
const LOOPBACK = { family: 'AF_INET', address: '127.0.0.1', port: 0 };

async function check(name, fn) {
  const start = performance.now();
  await fn();
  console.log(`ok   ${name} (${(performance.now() - start).toFixed(0)} ms)`);
}

function listener() {
  const fd = s.socket(s.AF_INET, s.SOCK_STREAM, 0);
  s.setsockopt(fd, s.SOL_SOCKET, s.SO_REUSEADDR, 1);
  s.bind(fd, LOOPBACK);
  s.listen(fd, 16);
  return { fd, addr: s.getsockname(fd) };
}

async function tcpPair() {
  const l = listener();
  const c = s.socket(s.AF_INET, s.SOCK_STREAM, 0);
  const [accepted] = await Promise.all([p.accept(l.fd), p.connect(c, l.addr)]);
  s.close(l.fd);
  return [c, accepted.fd];
}

const rejection = async (promise) => {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  assert.fail('expected a rejection');
};

// Sync calls and their errors, from a Worker too.
async function syncCalls() {
  const fd = s.socket(s.AF_INET, s.SOCK_STREAM, 0);
  assert.equal(s.getsockopt(fd, s.SOL_SOCKET, s.SO_TYPE), s.SOCK_STREAM);
  const taken = listener();
  let err;
  try {
    s.bind(fd, taken.addr);
  } catch (e) {
    err = e;
  }
  assert.equal(err.code, 'EADDRINUSE');
  assert.equal(err.errno, 98);
  assert.equal(err.syscall, 'bind');
  assert.equal(err.message, `bind EADDRINUSE: address already in use 127.0.0.1:${taken.addr.port}`);  // libuv's wording, everywhere
  assert.throws(() => s.socket('AF_INET', 1, 0), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => s.send(9999, 'x'), { code: 'EBADF', errno: 9, syscall: 'send' });
  assert.equal(s.htons(4321), 0xe110);
  assert.equal(s.inet_ntop(s.AF_INET6, s.inet_pton(s.AF_INET6, '::1')), '::1');
  s.close(fd);
  s.close(taken.fd);
}

async function main() {
  console.log(`sockfd conformance under ${runtime}`);

  await check('sync calls and thrown errors (code, errno, syscall, message)', syncCalls);

  await check('accept and connect, awaited', async () => {
    const [c, a] = await tcpPair();
    assert.equal(s.getpeername(c).port, s.getsockname(a).port);
    s.close(c);
    s.close(a);
  });

  await check('2000 awaited wake-ups in a row (each recv waits for its byte)', async () => {
    const [c, a] = await tcpPair();
    const buf = new Uint8Array(1);
    let waited = 0;
    for (let i = 0; i < 2000; i++) {
      const got = p.recv(a, buf);
      setImmediate(() => s.send(c, new Uint8Array([i & 0xff])));
      assert.equal(await got, 1);
      assert.equal(buf[0], i & 0xff);
      waited++;
    }
    assert.equal(waited, 2000);
    s.close(c);
    s.close(a);
  });

  await check('bulk: 8 MiB both ways through sendAll and recv', async () => {
    const [c, a] = await tcpPair();
    const data = new Uint8Array(8 << 20).map((_, i) => i * 7);
    const sent = p.sendAll(c, data);
    const got = new Uint8Array(data.length);
    for (let off = 0; off < got.length; ) off += await p.recv(a, got.subarray(off));
    assert.equal(await sent, data.length);
    assert.deepEqual(got, data);
    s.close(c);
    s.close(a);
  });

  await check('close() cancels a waiting call with ECANCELED', async () => {
    const l = listener();
    const pending = p.accept(l.fd);
    s.close(l.fd);
    const err = await rejection(pending);
    assert.equal(err.code, 'ECANCELED');
    assert.equal(err.syscall, 'accept4');
  });

  await check('AbortSignal cancels a waiting call (AbortError), and its timeout form', async () => {
    const [c, a] = await tcpPair();
    const ac = new AbortController();
    const pending = p.recv(a, new Uint8Array(4), undefined, 0, { signal: ac.signal });
    ac.abort();
    assert.equal((await rejection(pending)).name, 'AbortError');
    const timedOut = await rejection(p.recv(a, new Uint8Array(4), undefined, 0, { signal: AbortSignal.timeout(20) }));
    assert.equal(timedOut.name, 'AbortError');
    // the socket still works after both
    s.send(c, 'hi');
    assert.equal(await p.recv(a, new Uint8Array(4)), 2);
    s.close(c);
    s.close(a);
  });

  await check('poll timeout: resolves 0 after the time, with nothing ready', async () => {
    const [c, a] = await tcpPair();
    const start = performance.now();
    assert.equal(await p.poll([{ fd: a, events: s.POLLIN }], 50), 0);
    assert.ok(performance.now() - start >= 45);
    s.close(c);
    s.close(a);
  });

  await check('the Socket class: awaited calls, inspect, close', async () => {
    const server = new Socket(s.AF_INET, s.SOCK_STREAM);
    server.setsockopt(s.SOL_SOCKET, s.SO_REUSEADDR, 1);
    server.bind(LOOPBACK);
    server.listen(4);
    const client = new Socket(s.AF_INET, s.SOCK_STREAM);
    assert.match(inspect(client), /^Socket \{ fd: \d+, family: 'AF_INET', type: 'SOCK_STREAM'/);  // not connected yet
    const [[conn], ] = await Promise.all([server.accept(), client.connect(server.getsockname())]);
    await client.sendAll('ping');
    const buf = Buffer.alloc(4);
    assert.equal(await conn.recv(buf), 4);
    assert.equal(buf.toString(), 'ping');
    assert.match(inspect(conn), /raddr: '127\.0\.0\.1:\d+'/);
    conn.close();
    assert.equal(conn.fd, -1);
    client.close();
    server.close();
  });

  await check('fd passing: sendFds / recvFds over AF_UNIX', async () => {
    const [x, y] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM, 0);
    const [c, a] = await tcpPair();
    const receiving = p.recvFds(y, new Uint8Array(8), 1);
    await p.sendFds(x, 'fd', [c]);
    const got = await receiving;
    assert.equal(got.fds.length, 1);
    s.send(got.fds[0], 'via the passed fd');
    const buf = new Uint8Array(32);
    assert.equal(new TextDecoder().decode(buf.subarray(0, await p.recv(a, buf))), 'via the passed fd');
    for (const fd of [x, y, c, a, got.fds[0]]) s.close(fd);
  });

  await check('getaddrinfo on the runtime\'s worker pool (localhost)', async () => {
    const list = await p.getaddrinfo('localhost', '80', { family: s.AF_INET, socktype: s.SOCK_STREAM });
    assert.deepEqual(list[0].addr, { family: 'AF_INET', address: '127.0.0.1', port: 80 });
  });

  await check('Workers: each with its own engine, waiting at once', async () => {
    let Worker;
    try {
      ({ Worker } = await import('node:worker_threads'));
    } catch {
      console.log('     (no worker_threads in this runtime)');
      return;
    }
    const runs = Array.from({ length: 3 }, () => new Promise((resolve, reject) => {
      const w = new Worker(new URL(import.meta.url));
      w.once('message', resolve);
      w.once('error', reject);
      w.once('exit', (code) => (code === 0 ? resolve('exited') : reject(new Error(`worker exit ${code}`))));
    }));
    assert.deepEqual(await Promise.all(runs), ['done', 'done', 'done']);
  });
}

async function worker() {
  const { parentPort } = await import('node:worker_threads');
  await syncCalls();
  const [c, a] = await tcpPair();
  const buf = new Uint8Array(1);
  for (let i = 0; i < 200; i++) {
    const got = p.recv(a, buf);
    setImmediate(() => s.send(c, 'x'));
    assert.equal(await got, 1);
  }
  s.close(c);
  s.close(a);
  parentPort.postMessage('done');
}

const { isMainThread } = await import('node:worker_threads');
if (isMainThread) await main();
else await worker();
