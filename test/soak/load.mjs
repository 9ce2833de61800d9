// Load: 10,000 concurrent TCP connections to one echo server in one process: a sockfd/promises server,
// a sockfd epoll reactor (sync non-blocking calls around the awaitable epoll_wait, one buffer for
// all connections), then node:net's for comparison, driven by the same node:net clients in a second
// process.
// Each client sends its own pseudo-random bytes and checks that the same bytes come back (length and
// SHA-256); all connections stay open until every one has finished, and then the server reports its
// RSS. Nothing may stall: the whole run has a deadline.
//
//   node test/soak/load.mjs [--conns 10000] [--bytes 16384] [--buf 4096]
//
// --buf is the sockfd server's receive buffer, one per connection, held while its recv waits (node:net
// reads into a shared pool only when data is there, so the buffer is most of the difference).
//
// Both children raise RLIMIT_NOFILE to the hard limit first (bash's ulimit: node has no setrlimit).
//   node test/soak/load.mjs server sockfd|epoll|net BUF (a child: the server)
//   node test/soak/load.mjs clients PORT N BYTES (a child: the clients)
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const self = fileURLToPath(import.meta.url);
const [role, ...rest] = process.argv.slice(2);

// What the process holds, after a full collection: its RSS, the live JS heap, the V8 heap reserved
// (it grows under allocation pressure and keeps its pages), and the resident part of malloc's main
// arena ([heap] in smaps: the addon's and Node's own C++ allocations).
const memory = () => {
  globalThis.gc?.();
  const { rss, heapUsed, heapTotal } = process.memoryUsage();
  const smaps = readFileSync('/proc/self/smaps', 'utf8');
  const arena = /\[heap\]\n(?:.*\n)*?Rss:\s+(\d+) kB/.exec(smaps);
  return { rss, heapUsed, heapTotal, malloc: arena ? Number(arena[1]) * 1024 : 0 };
};
const mib = (n) => (n / 2 ** 20).toFixed(1);

// ---- the servers: echo; on "report" from stdin, print live connections and memory ------------------

async function sockfdServer(bufSize) {
  const s = await import('sockfd');
  const p = await import('sockfd/promises');
  const listener = s.socket(s.AF_INET, s.SOCK_STREAM);
  s.setsockopt(listener, s.SOL_SOCKET, s.SO_REUSEADDR, 1);
  s.bind(listener, { family: 'AF_INET', address: '127.0.0.1', port: 0 });
  s.listen(listener, 4096);
  let live = 0;
  let bytes = 0;
  const serve = async (fd) => {
    const buf = Buffer.allocUnsafe(bufSize);
    try {
      for (;;) {
        const n = await p.recv(fd, buf);
        if (n === 0) break;
        bytes += n;
        await p.sendAll(fd, buf, n);
      }
    } catch (e) {
      if (e.code !== 'ECONNRESET') throw e;
    } finally {
      s.close(fd);
      live--;
    }
  };
  (async () => {
    for (;;) {
      const { fd } = await p.accept(listener);
      live++;
      serve(fd);
    }
  })();
  return { port: s.getsockname(listener).port, stats: () => ({ live, bytes }) };
}

// The reactor: every connection registered once, edge-triggered; one shared read buffer (what a
// connection's data needs while it waits is a copy of an unsent remainder, rare).
async function epollServer(bufSize) {
  const s = await import('sockfd');
  const p = await import('sockfd/promises');
  const listener = s.socket(s.AF_INET, s.SOCK_STREAM | s.SOCK_NONBLOCK);
  s.setsockopt(listener, s.SOL_SOCKET, s.SO_REUSEADDR, 1);
  s.bind(listener, { family: 'AF_INET', address: '127.0.0.1', port: 0 });
  s.listen(listener, 4096);
  const ep = s.epoll_create1(s.EPOLL_CLOEXEC);
  s.epoll_ctl(ep, s.EPOLL_CTL_ADD, listener, { events: s.EPOLLIN });
  const buf = Buffer.allocUnsafe(Math.max(bufSize, 65536));
  const unsent = new Map(); // fd -> the bytes a full send buffer left over
  let live = 0;
  let bytes = 0;
  const again = (e) => e.code === 'EAGAIN';
  const close = (fd) => {
    s.close(fd); // leaves the epoll set with the file
    unsent.delete(fd);
    live--;
  };
  // send(MSG_DONTWAIT) what it can of `data`: the count (0 when the socket's buffer is full)
  const trySend = (fd, data) => {
    try {
      return s.send(fd, data, undefined, s.MSG_DONTWAIT);
    } catch (e) {
      if (again(e)) return 0;
      throw e;
    }
  };
  const serve = (fd) => {
    const left = unsent.get(fd);
    if (left) {
      const n = trySend(fd, left);
      if (n < left.length) return void unsent.set(fd, left.subarray(n)); // reads wait for the echo to go out
      unsent.delete(fd);
    }
    for (;;) {
      let n;
      try {
        n = s.recv(fd, buf, undefined, s.MSG_DONTWAIT);
      } catch (e) {
        if (again(e)) return;
        if (e.code !== 'ECONNRESET') throw e;
        n = 0;
      }
      if (n === 0) return close(fd);
      bytes += n;
      const sent = trySend(fd, buf.subarray(0, n));
      if (sent < n) return void unsent.set(fd, Buffer.from(buf.subarray(sent, n))); // EPOLLOUT says when
      if (n < buf.length) return; // a short read: all there was (edge-triggered: the next comes as an event)
    }
  };
  (async () => {
    for (;;) {
      for (const { events, data: fd } of await p.epoll_wait(ep, 256)) {
        if (fd !== listener) {
          if (events & (s.EPOLLIN | s.EPOLLOUT | s.EPOLLRDHUP | s.EPOLLHUP | s.EPOLLERR)) serve(fd);
          continue;
        }
        for (;;) {
          let conn;
          try {
            conn = s.accept(listener, s.SOCK_NONBLOCK).fd;
          } catch (e) {
            if (again(e)) break;
            throw e;
          }
          live++;
          s.epoll_ctl(ep, s.EPOLL_CTL_ADD, conn, { events: s.EPOLLIN | s.EPOLLOUT | s.EPOLLRDHUP | s.EPOLLET });
        }
      }
    }
  })();
  return { port: s.getsockname(listener).port, stats: () => ({ live, bytes }) };
}

async function netServer() {
  let live = 0;
  let bytes = 0;
  const server = net.createServer((sock) => {
    live++;
    sock.on('data', (d) => {
      bytes += d.length;
      sock.write(d);
    });
    sock.on('end', () => sock.end());
    sock.on('error', () => {});
    sock.on('close', () => live--);
  });
  await new Promise((r) => server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, r));
  return { port: server.address().port, stats: () => ({ live, bytes }) };
}

async function server(kind, bufSize) {
  const before = memory();
  const { port, stats } = await (kind === 'sockfd' ? sockfdServer(bufSize) : kind === 'epoll' ? epollServer(bufSize) : netServer());
  console.log(JSON.stringify({ port }));
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'report') console.log(JSON.stringify({ ...stats(), before, now: memory() }));
    if (line === 'exit') process.exit(0);
  }
}

// ---- the clients: connect N, each sends BYTES and reads them back; "done", then close on "close" ----

async function clients(port, count, size) {
  const sockets = [];
  let failures = 0;
  const one = (i) =>
    new Promise((resolveOne) => {
      // bytes of a simple LCG seeded by the connection's number: each connection's data is its own
      const data = Buffer.allocUnsafe(size);
      let x = (i * 2654435761) >>> 0;
      for (let j = 0; j < size; j++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        data[j] = x >>> 24;
      }
      const want = createHash('sha256').update(data).digest('hex');
      const got = createHash('sha256');
      let received = 0;
      const sock = net.connect({ host: '127.0.0.1', port }, () => sock.write(data));
      sockets.push(sock);
      sock.on('data', (d) => {
        got.update(d);
        received += d.length;
        if (received >= size) {
          if (received !== size || got.digest('hex') !== want) failures++;
          resolveOne();
        }
      });
      sock.on('error', (e) => {
        failures++;
        console.error(`connection ${i}: ${e.code}`);
        resolveOne();
      });
    });
  // At most 1,000 connects in flight, so the listen backlog (somaxconn) never overflows into SYN retries.
  const pending = new Set();
  for (let i = 0; i < count; i++) {
    const done = one(i).then(() => pending.delete(done));
    pending.add(done);
    if (pending.size >= 1000) await Promise.race(pending);
  }
  await Promise.all(pending);
  console.log(JSON.stringify({ open: sockets.filter((x) => !x.destroyed).length, failures }));
  for await (const line of createInterface({ input: process.stdin })) {
    if (line !== 'close') continue;
    await Promise.all(sockets.map((sock) => new Promise((r) => (sock.destroyed ? r() : sock.end(r)))));
    process.exit(0);
  }
}

// ---- the driver --------------------------------------------------------------------------------

function child(...args) {
  const proc = spawn('bash', ['-c', 'ulimit -n "$(ulimit -Hn)" && exec "$0" --expose-gc "$@"', process.execPath, self, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  return {
    proc,
    async next() {
      const { value, done } = await lines.next();
      if (done) throw new Error(`${args[0]} ended early (exit ${proc.exitCode ?? proc.signalCode})`);
      return JSON.parse(value);
    },
    send: (line) => proc.stdin.write(`${line}\n`),
  };
}

async function measure(kind, conns, bytes, bufSize) {
  const started = performance.now();
  const srv = child('server', kind, String(bufSize));
  const { port } = await srv.next();
  const cli = child('clients', String(port), String(conns), String(bytes));
  const { open, failures } = await cli.next();
  const exchanged = performance.now() - started;
  srv.send('report');
  const peak = await srv.next();
  cli.send('close');
  await new Promise((r) => cli.proc.on('exit', r));
  // the server closes its side as each end of stream arrives
  let after;
  for (let tries = 0; tries < 100; tries++) {
    srv.send('report');
    after = await srv.next();
    if (after.live === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  srv.send('exit');
  const perConnection = (key) => Number(((peak.now[key] - peak.before[key]) / 1024 / conns).toFixed(2));
  return {
    kind,
    open,
    failures,
    live: peak.live,
    bytesEchoed: peak.bytes,
    liveAfterClose: after.live,
    seconds: Number((exchanged / 1000).toFixed(1)),
    rssBeforeMiB: Number(mib(peak.before.rss)),
    rssPeakMiB: Number(mib(peak.now.rss)),
    kibPerConnection: perConnection('rss'),
    // where it went: live JS objects, and malloc's arena (C++), per connection; V8's reserved heap
    jsHeapKibPerConnection: perConnection('heapUsed'),
    mallocKibPerConnection: perConnection('malloc'),
    v8HeapMiB: Number(mib(peak.now.heapTotal)),
  };
}

async function main() {
  const { values } = parseArgs({
    options: { conns: { type: 'string', default: '10000' }, bytes: { type: 'string', default: '16384' }, buf: { type: 'string', default: '4096' } },
  });
  const conns = Number(values.conns);
  const bytes = Number(values.bytes);
  const bufSize = Number(values.buf);
  const deadline = setTimeout(() => {
    console.error(`load: not done after 450 s: stalled`);
    process.exit(1);
  }, 450_000);
  const results = [];
  for (const kind of ['sockfd', 'epoll', 'net']) results.push(await measure(kind, conns, bytes, bufSize));
  clearTimeout(deadline);
  console.log(JSON.stringify(results, null, 2));
  const [mine, reactor, theirs] = results;
  console.error(
    `load: ${conns.toLocaleString('en')} concurrent connections x ${bytes.toLocaleString('en')} bytes echoed (sockfd buffer ${bufSize} bytes); ` +
      results
        .map(
          (r) =>
            `${r.kind}: ${r.bytesEchoed.toLocaleString('en')} bytes, ${r.failures} failures, ${r.kibPerConnection} KiB RSS per connection ` +
            `(JS heap ${r.jsHeapKibPerConnection}, malloc ${r.mallocKibPerConnection}; V8 heap reserved ${r.v8HeapMiB} MiB), ${r.seconds} s`,
        )
        .join('; ') +
      `; memory per connection, sockfd/net ${(mine.kibPerConnection / theirs.kibPerConnection).toFixed(2)}x, epoll/net ${(reactor.kibPerConnection / theirs.kibPerConnection).toFixed(2)}x`,
  );
  const bad = results.filter((r) => r.failures !== 0 || r.open !== conns || r.live !== conns || r.bytesEchoed !== conns * bytes || r.liveAfterClose !== 0);
  if (bad.length) {
    console.error(`load FAILED: ${JSON.stringify(bad)}`);
    process.exit(1);
  }
}

if (role === 'server') await server(rest[0], Number(rest[1]));
else if (role === 'clients') await clients(Number(rest[0]), Number(rest[1]), Number(rest[2]));
else await main();
