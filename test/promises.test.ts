// sockfd/promises against the real kernel on loopback: immediate and waiting calls, partial send and
// sendAll, non-blocking connect, UDP, name resolution on the thread pool, AbortSignal, close() while
// calls wait, queueing order, and buffers detached while a call waits.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { describe, expect, it } from 'vitest';

import * as s from 'sockfd';
import * as p from 'sockfd/promises';

import { closeAll, fdFlags, fillSendBuffer, O_NONBLOCK, pendingConnectTarget, settledWithin, tcpListener, tcpPair } from './helpers.js';

const text = (buf: Uint8Array, n: number) => Buffer.from(buf.buffer, buf.byteOffset, n).toString();

describe('waiting and immediate calls', () => {
  it('recv resolves at once when data is there, and waits for it otherwise', async () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    try {
      s.send(b, 'ready');
      const buf = new Uint8Array(16);
      expect(await p.recv(a, buf)).toBe(5);
      expect(text(buf, 5)).toBe('ready');
      const waiting = p.recv(a, buf);
      expect(await settledWithin(waiting, 30)).toBe('pending');
      s.send(b, 'later');
      expect(await waiting).toBe(5);
      expect(text(buf, 5)).toBe('later');
      s.close(b);
      expect(await p.recv(a, buf)).toBe(0); // end of stream
    } finally {
      closeAll(a, b);
    }
  });

  it('a call that completes at once still returns a promise; after reads that waited, data already there is read at once', async () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    try {
      const buf = new Uint8Array(4);
      const sent = p.send(b, 'abcd');
      expect(sent).toBeInstanceOf(Promise);
      expect(await sent).toBe(4);
      expect(await p.recv(a, buf)).toBe(4);
      // Reads that find nothing make the next ones wait for readiness before trying (no EAGAIN per
      // message); readiness is level-triggered, so bytes sent before the call are still read.
      for (let i = 0; i < 100; i++) {
        const waiting = p.recv(a, buf);
        s.send(b, `m${String(i).padStart(2, '0')}!`.slice(0, 4));
        expect(await waiting).toBe(4);
      }
      s.send(b, 'wxyz');
      s.send(b, '1234');
      expect(await settledWithin(p.recv(a, buf), 1000)).toBe(4);
      expect(text(buf, 4)).toBe('wxyz');
      expect(await settledWithin(p.recv(a, buf), 1000)).toBe(4);
      expect(text(buf, 4)).toBe('1234');
    } finally {
      closeAll(a, b);
    }
  });

  it('accept waits for a connection, switches the listener to O_NONBLOCK, and gives a close-on-exec fd', async () => {
    const server = tcpListener();
    const client = s.socket(s.AF_INET, s.SOCK_STREAM);
    let conn = -1;
    try {
      expect(fdFlags(server.fd) & O_NONBLOCK).toBe(0);
      const accepting = p.accept(server.fd);
      expect(fdFlags(server.fd) & O_NONBLOCK).toBe(O_NONBLOCK);
      expect(await settledWithin(accepting, 20)).toBe('pending');
      await p.connect(client, { family: 'AF_INET', address: '127.0.0.1', port: server.port });
      const accepted = await accepting;
      conn = accepted.fd;
      expect(accepted.addr).toEqual(s.getsockname(client));
      expect(s.getpeername(conn)).toEqual(s.getsockname(client));
    } finally {
      closeAll(conn, client, server.fd);
    }
  });

  it('connect: refused gives ECONNREFUSED with the address; IPv6 and AF_UNIX connect too', async () => {
    const fd = s.socket(s.AF_INET, s.SOCK_STREAM);
    const free = tcpListener();
    s.close(free.fd); // a port nobody listens on
    try {
      const error = await p.connect(fd, { family: 'AF_INET', address: '127.0.0.1', port: free.port }).catch((e) => e);
      expect(error).toMatchObject({ code: 'ECONNREFUSED', errno: s.ECONNREFUSED, syscall: 'connect', address: '127.0.0.1', port: free.port });
      expect(error.message).toBe(`connect ECONNREFUSED: connection refused 127.0.0.1:${free.port}`);
    } finally {
      s.close(fd);
    }
    const v6 = tcpListener('AF_INET6');
    const c6 = s.socket(s.AF_INET6, s.SOCK_STREAM);
    try {
      const [accepted] = await Promise.all([p.accept(v6.fd), p.connect(c6, { family: 'AF_INET6', address: '::1', port: v6.port })]);
      s.close(accepted.fd);
    } finally {
      closeAll(c6, v6.fd);
    }
    const path = `\0sockfd-test-${process.pid}-${Date.now()}`;
    const l = s.socket(s.AF_UNIX, s.SOCK_STREAM);
    const u = s.socket(s.AF_UNIX, s.SOCK_STREAM);
    try {
      s.bind(l, { family: 'AF_UNIX', path });
      s.listen(l);
      await p.connect(u, { family: 'AF_UNIX', path });
      s.close((await p.accept(l)).fd);
      const missing = s.socket(s.AF_UNIX, s.SOCK_STREAM);
      await expect(p.connect(missing, { family: 'AF_UNIX', path: path + 'x' }).finally(() => s.close(missing))).rejects.toMatchObject({ code: 'ECONNREFUSED', syscall: 'connect' });
    } finally {
      closeAll(u, l);
    }
  });

  it('send may be partial and says how much; sendAll sends 64 MiB to a slow reader whole and in order', async () => {
    const [a, b] = tcpPair();
    try {
      // A 16 MiB send with nobody reading: the kernel takes what fits, and send resolves with that.
      const big = new Uint8Array(16 << 20);
      const n = await p.send(a, big);
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThan(big.length);
      // Drain it, then the real test.
      const sink = new Uint8Array(1 << 20);
      for (let left = n; left > 0; ) left -= await p.recv(b, sink, Math.min(left, sink.length));

      const data = new Uint8Array(64 << 20);
      for (let i = 0; i < data.length; i += 4096) data[i] = (i >>> 12) & 0xff; // position-dependent bytes
      data[data.length - 1] = 0x5a;
      const sent = p.sendAll(a, data);
      const hash = createHash('sha256');
      let received = 0;
      let reads = 0;
      const chunk = new Uint8Array(256 << 10);
      while (received < data.length) {
        const got = await p.recv(b, chunk);
        expect(got).toBeGreaterThan(0);
        hash.update(chunk.subarray(0, got));
        received += got;
        if (++reads % 16 === 0) await sleep(1); // a slow reader: sendAll has to wait many times
      }
      expect(await sent).toBe(data.length);
      expect(received).toBe(data.length);
      expect(hash.digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
    } finally {
      closeAll(a, b);
    }
  });

  it('sendAll takes a string and a len, and a failure says how many bytes were written', async () => {
    const [a, b] = tcpPair();
    try {
      expect(await p.sendAll(a, 'héllo', 3)).toBe(3);
      const buf = new Uint8Array(8);
      expect(await p.recv(b, buf)).toBe(3);
      fillSendBuffer(a);
      const pending = p.sendAll(a, new Uint8Array(1 << 20));
      s.close(a);
      const error = await pending.catch((e) => e);
      expect(error).toMatchObject({ code: 'ECANCELED', syscall: 'send', bytesWritten: expect.any(Number) });
    } finally {
      closeAll(a, b);
    }
  });

  it('UDP: recvfrom waits and gives the sender; sendto with an address; the fd flags stay as they were (MSG_DONTWAIT)', async () => {
    const rx = s.socket(s.AF_INET, s.SOCK_DGRAM);
    const tx = s.socket(s.AF_INET, s.SOCK_DGRAM);
    try {
      s.bind(rx, { family: 'AF_INET', address: '127.0.0.1', port: 0 });
      s.bind(tx, { family: 'AF_INET', address: '127.0.0.1', port: 0 });
      const buf = new Uint8Array(64);
      const receiving = p.recvfrom(rx, buf);
      expect(fdFlags(rx) & O_NONBLOCK).toBe(0);
      expect(await p.sendto(tx, 'datagram', undefined, 0, s.getsockname(rx))).toBe(8);
      const r = await receiving;
      expect(r.bytes).toBe(8);
      expect(r.addr).toEqual(s.getsockname(tx));
      expect(text(buf, 8)).toBe('datagram');
      // A connected UDP socket that sends to a closed port: the ICMP error surfaces on the next recv.
      const closed = s.socket(s.AF_INET, s.SOCK_DGRAM);
      s.bind(closed, { family: 'AF_INET', address: '127.0.0.1', port: 0 });
      const deadAddr = s.getsockname(closed)!;
      s.close(closed);
      s.connect(tx, deadAddr);
      await p.send(tx, 'x');
      await expect(p.recv(tx, buf)).rejects.toMatchObject({ code: 'ECONNREFUSED', syscall: 'recv' });
    } finally {
      closeAll(rx, tx);
    }
  });

  it('getaddrinfo and getnameinfo run on the thread pool and resolve like their sync twins', async () => {
    const hints = { family: s.AF_INET, socktype: s.SOCK_STREAM };
    expect(await p.getaddrinfo('localhost', 80, hints)).toEqual(s.getaddrinfo('localhost', 80, hints));
    const addr = { family: 'AF_INET', address: '127.0.0.1', port: 4321 } as const;
    expect(await p.getnameinfo(addr, s.NI_NUMERICHOST | s.NI_NUMERICSERV)).toEqual({ host: '127.0.0.1', service: '4321' });
    await expect(p.getaddrinfo('not-an-address', null, { flags: s.AI_NUMERICHOST })).rejects.toMatchObject({ code: 'EAI_NONAME', syscall: 'getaddrinfo', hostname: 'not-an-address' });
    await expect(p.getaddrinfo(42 as never)).rejects.toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  });

  it('bad arguments reject (they do not throw) with Node codes, before any syscall', async () => {
    const buf = new Uint8Array(4);
    const cases: [() => Promise<unknown>, string][] = [
      [() => p.recv(-1, buf), 'ERR_OUT_OF_RANGE'],
      [() => p.recv(0, 'nope' as never), 'ERR_INVALID_ARG_TYPE'],
      [() => p.recv(0, buf, 5), 'ERR_OUT_OF_RANGE'],
      [() => p.send(0, buf, 5), 'ERR_OUT_OF_RANGE'],
      [() => p.sendAll(1.5, buf), 'ERR_OUT_OF_RANGE'],
      [() => p.sendto(0, buf, undefined, 0, { family: 'AF_INET', address: 'x', port: 1 }), 'ERR_INVALID_IP_ADDRESS'],
      [() => p.connect(0, { family: 'AF_INET', address: '127.0.0.1', port: 70000 }), 'ERR_SOCKET_BAD_PORT'],
      [() => p.accept('3' as never), 'ERR_INVALID_ARG_TYPE'],
      [() => p.recvfrom(0, buf, undefined, 0, 'x' as never), 'ERR_INVALID_ARG_TYPE'],
      [() => p.recv(0, buf, undefined, 0, { signal: {} as never }), 'ERR_INVALID_ARG_TYPE'],
    ];
    for (const [call, code] of cases) {
      let promise: Promise<unknown> | undefined;
      expect(() => (promise = call())).not.toThrow();
      await expect(promise).rejects.toMatchObject({ code });
    }
    const closedFd = s.socket(s.AF_INET, s.SOCK_STREAM);
    s.close(closedFd);
    await expect(p.recv(closedFd, buf)).rejects.toMatchObject({ code: 'EBADF', syscall: 'recv' });
    await expect(p.accept(closedFd)).rejects.toMatchObject({ code: 'EBADF', syscall: 'fcntl' });
  });
});

describe('AbortSignal', () => {
  // Each waiting call, made to wait, then aborted: it rejects with an AbortError and is gone.
  const waiters: [string, () => { call: (signal: AbortSignal) => Promise<unknown>; cleanup(): void }][] = [
    ['accept', () => {
      const l = tcpListener();
      return { call: (signal) => p.accept(l.fd, 0, { signal }), cleanup: () => s.close(l.fd) };
    }],
    ['connect', () => {
      const target = pendingConnectTarget();
      const fd = s.socket(s.AF_INET, s.SOCK_STREAM);
      return { call: (signal) => p.connect(fd, target.addr, { signal }), cleanup: () => (s.close(fd), target.close()) };
    }],
    ['recv', () => {
      const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
      return { call: (signal) => p.recv(a, new Uint8Array(8), undefined, 0, { signal }), cleanup: () => closeAll(a, b) };
    }],
    ['recvfrom', () => {
      const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_DGRAM);
      return { call: (signal) => p.recvfrom(a, new Uint8Array(8), undefined, 0, { signal }), cleanup: () => closeAll(a, b) };
    }],
    ['send', () => {
      const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
      fillSendBuffer(a);
      return { call: (signal) => p.send(a, 'x', undefined, 0, { signal }), cleanup: () => closeAll(a, b) };
    }],
    ['sendto', () => {
      const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_DGRAM);
      fillSendBuffer(a, 1024);
      return { call: (signal) => p.sendto(a, 'x', undefined, 0, null, { signal }), cleanup: () => closeAll(a, b) };
    }],
    ['sendAll', () => {
      const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
      fillSendBuffer(a);
      return { call: (signal) => p.sendAll(a, new Uint8Array(1 << 20), undefined, 0, { signal }), cleanup: () => closeAll(a, b) };
    }],
  ];

  it.each(waiters)('%s: abort rejects with an AbortError carrying the reason', async (_name, setup) => {
    const { call, cleanup } = setup();
    try {
      const controller = new AbortController();
      const pending = call(controller.signal);
      expect(await settledWithin(pending, 20)).toBe('pending');
      const reason = new Error('enough');
      controller.abort(reason);
      const error = await pending.catch((e) => e);
      expect(error).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', cause: reason });
      expect(error).toBeInstanceOf(p.AbortError);
      // An already aborted signal rejects at once, without a syscall.
      await expect(call(AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
    } finally {
      cleanup();
    }
  });

  it('an aborted recv is gone: the data goes to the next recv, and a finished call ignores a later abort', async () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    try {
      const controller = new AbortController();
      const first = new Uint8Array(8);
      const aborted = p.recv(a, first, undefined, 0, { signal: controller.signal });
      controller.abort();
      await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
      s.send(b, 'data');
      const second = new Uint8Array(8);
      expect(await p.recv(a, second)).toBe(4);
      expect(text(second, 4)).toBe('data');
      expect(first.every((x) => x === 0)).toBe(true);
      const later = new AbortController();
      s.send(b, 'more');
      expect(await p.recv(a, second, undefined, 0, { signal: later.signal })).toBe(4);
      later.abort(); // nothing waits any more: nothing happens
    } finally {
      closeAll(a, b);
    }
  });
});

describe('close() while calls wait', () => {
  it('rejects pending accept, recv, connect and send with ECANCELED, 1,000 times over', async () => {
    const target = pendingConnectTarget();
    try {
      for (let i = 0; i < 1000; i++) {
        const l = tcpListener();
        const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
        const [c, d] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
        fillSendBuffer(c);
        const e = s.socket(s.AF_INET, s.SOCK_STREAM);
        const pending = [p.accept(l.fd), p.recv(a, new Uint8Array(4)), p.recv(a, new Uint8Array(4)), p.send(c, 'x'), p.connect(e, target.addr)];
        // Close in a different order each time, some now and some after a turn of the event loop.
        const fds = [l.fd, a, c, e];
        const order = i % 2 === 0 ? fds : fds.reverse();
        if (i % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
        for (const fd of order) s.close(fd);
        const results = await Promise.allSettled(pending);
        for (const r of results) {
          expect(r.status).toBe('rejected');
          expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'ECANCELED', errno: s.ECANCELED });
        }
        s.close(b);
        s.close(d);
      }
    } finally {
      target.close();
    }
  });

  it('a new socket that reuses a closed fd number never sees the old waiters', async () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    const old = p.recv(a, new Uint8Array(4));
    s.close(a);
    await expect(old).rejects.toMatchObject({ code: 'ECANCELED' });
    const [c, d] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    try {
      expect([c, d]).toContain(a); // the kernel hands out the lowest free number
      const reused = c === a ? c : d;
      const peer = c === a ? d : c;
      const buf = new Uint8Array(4);
      const now = p.recv(reused, buf);
      s.send(peer, 'new');
      expect(await now).toBe(3);
      expect(text(buf, 3)).toBe('new');
    } finally {
      closeAll(b, c, d);
    }
  });
});

describe('ordering', () => {
  it('two recv() on one fd complete in call order, even when data arrives before the second is made; a send() on the same fd does not wait behind them', async () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_SEQPACKET);
    try {
      const first = new Uint8Array(16);
      const second = new Uint8Array(16);
      const r1 = p.recv(a, first);
      s.send(b, 'one'); // ready now, but r1 has not been told yet
      const r2 = p.recv(a, second); // must queue behind r1, not take 'one'
      expect(await p.send(a, 'reply')).toBe(5); // the other direction is independent
      expect(await r1).toBe(3);
      expect(text(first, 3)).toBe('one');
      expect(await settledWithin(r2, 20)).toBe('pending');
      s.send(b, 'two');
      expect(await r2).toBe(3);
      expect(text(second, 3)).toBe('two');
      expect(s.recv(b, first)).toBe(5);
    } finally {
      closeAll(a, b);
    }
  });

  it('writes queue in call order: a send() made while sendAll() waits goes after all of its bytes', async () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    try {
      const filled = fillSendBuffer(a);
      const bulk = new Uint8Array(1 << 20).fill(1);
      const all = p.sendAll(a, bulk);
      const tail = p.send(a, new Uint8Array([2]));
      const buf = new Uint8Array(1 << 16);
      let ones = 0;
      let total = 0;
      let last = -1;
      while (total < filled + bulk.length + 1) {
        const n = await p.recv(b, buf);
        for (let i = 0; i < n; i++) if (buf[i] === 1) ones++;
        last = buf[n - 1]!;
        total += n;
      }
      expect(await all).toBe(bulk.length);
      expect(await tail).toBe(1);
      expect(ones).toBe(bulk.length);
      expect(last).toBe(2);
    } finally {
      closeAll(a, b);
    }
  });
});

describe('buffers of waiting calls', () => {
  it('a buffer detached while recv waits rejects with ERR_INVALID_STATE instead of receiving into freed memory', async () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    try {
      const buf = new Uint8Array(new ArrayBuffer(64));
      const pending = p.recv(a, buf);
      structuredClone(buf.buffer, { transfer: [buf.buffer] }); // detaches it
      expect(buf.byteLength).toBe(0);
      s.send(b, 'data');
      await expect(pending).rejects.toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_STATE' });
      // The data is still there for the next call.
      const next = new Uint8Array(8);
      expect(await p.recv(a, next)).toBe(4);
    } finally {
      closeAll(a, b);
    }
  });
});

describe('JS that runs while a result is built', () => {
  it('a throwing setter on Object.prototype: accept, awaited and sync, still gives the new fd (its result is a JS literal, which no setter sees)', async () => {
    const server = tcpListener();
    const clients = [s.socket(s.AF_INET, s.SOCK_STREAM), s.socket(s.AF_INET, s.SOCK_STREAM)];
    const boom = new Error('setter');
    try {
      for (const c of clients) s.connect(c, { family: 'AF_INET', address: '127.0.0.1', port: server.port });
      Object.defineProperty(Object.prototype, 'addr', { set() { throw boom; }, configurable: true });
      try {
        for (const accepted of [await p.accept(server.fd), s.accept(server.fd)]) {
          clients.push(accepted.fd); // closed below: the fd check finds none left open
          expect(accepted.addr).toMatchObject({ family: 'AF_INET', address: '127.0.0.1' });
        }
      } finally {
        delete (Object.prototype as { addr?: unknown }).addr;
      }
    } finally {
      closeAll(...clients, server.fd); // the test's fd check: neither accepted fd is left open
    }
  });
});

describe('echo over sockfd/promises in one process', () => {
  it('10,000 round trips with a checksum', async () => {
    const server = tcpListener();
    const client = s.socket(s.AF_INET, s.SOCK_STREAM);
    const serve = (async () => {
      const { fd } = await p.accept(server.fd);
      const buf = new Uint8Array(4096);
      try {
        for (;;) {
          const n = await p.recv(fd, buf);
          if (n === 0) return;
          await p.sendAll(fd, buf, n);
        }
      } finally {
        s.close(fd);
      }
    })();
    try {
      await p.connect(client, { family: 'AF_INET', address: '127.0.0.1', port: server.port });
      const out = createHash('sha256');
      const back = createHash('sha256');
      const msg = new Uint8Array(256);
      const reply = new Uint8Array(256);
      const started = performance.now();
      for (let i = 0; i < 10_000; i++) {
        const size = 1 + (i % 256);
        for (let j = 0; j < size; j++) msg[j] = (i * 31 + j) & 0xff;
        await p.sendAll(client, msg, size);
        out.update(msg.subarray(0, size));
        for (let got = 0; got < size; ) {
          const n = await p.recv(client, reply, size - got);
          expect(n).toBeGreaterThan(0);
          back.update(reply.subarray(0, n));
          got += n;
        }
      }
      const ms = performance.now() - started;
      s.shutdown(client, s.SHUT_WR);
      await serve;
      expect(back.digest('hex')).toBe(out.digest('hex'));
      console.log(`[figure] 10,000 echo round trips over sockfd/promises (client and server in one process): ${ms.toFixed(0)} ms, ${((ms * 1000) / 10_000).toFixed(1)} µs per round trip`);
    } finally {
      closeAll(client, server.fd);
    }
  });

  it('1,000 concurrent connections served by one process, every byte accounted for', async () => {
    const clients = 1000;
    const perClient = 8192;
    const server = tcpListener();
    s.listen(server.fd, clients);
    let served = 0;
    let bytesIn = 0;
    const handlers: Promise<void>[] = [];
    const acceptLoop = (async () => {
      while (served < clients) {
        const { fd } = await p.accept(server.fd);
        served++;
        handlers.push(
          (async () => {
            const buf = new Uint8Array(2048);
            try {
              for (;;) {
                const n = await p.recv(fd, buf);
                if (n === 0) return;
                bytesIn += n;
                await p.sendAll(fd, buf, n);
              }
            } finally {
              s.close(fd);
            }
          })(),
        );
      }
    })();
    const fds: number[] = [];
    try {
      const started = performance.now();
      const results = await Promise.all(
        Array.from({ length: clients }, async (_, id) => {
          const fd = s.socket(s.AF_INET, s.SOCK_STREAM);
          fds.push(fd);
          await p.connect(fd, { family: 'AF_INET', address: '127.0.0.1', port: server.port });
          const data = new Uint8Array(perClient);
          for (let j = 0; j < perClient; j++) data[j] = (id + j * 7) & 0xff;
          const echoed = new Uint8Array(perClient);
          let got = 0;
          const reading = (async () => {
            while (got < perClient) {
              const n = await p.recv(fd, echoed.subarray(got));
              if (n === 0) break;
              got += n;
            }
          })();
          await p.sendAll(fd, data);
          s.shutdown(fd, s.SHUT_WR);
          await reading;
          return got === perClient && Buffer.compare(data, echoed) === 0;
        }),
      );
      await acceptLoop;
      await Promise.all(handlers);
      const ms = performance.now() - started;
      expect(results.filter((ok) => !ok)).toEqual([]);
      expect(served).toBe(clients);
      expect(bytesIn).toBe(clients * perClient);
      console.log(`[figure] 1,000 concurrent connections x 8 KiB echoed by one sockfd/promises process: ${ms.toFixed(0)} ms`);
    } finally {
      closeAll(...fds, server.fd);
    }
  });
});

describe('read, write, readv, writev on any fd (a FIFO, a socket)', () => {
  it('read waits on a FIFO until it is written; readv and writev scatter and gather; flags put back on failure', async () => {
    const { closeSync, mkdtempSync, openSync, rmSync, constants } = await import('node:fs');
    const { execFileSync } = await import('node:child_process');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'sockfd-fifo-'));
    const path = join(dir, 'fifo');
    execFileSync('mkfifo', [path]);
    const fd = openSync(path, constants.O_RDWR); // both ends in one fd
    try {
      const buf = new Uint8Array(16);
      const reading = p.read(fd, buf);
      expect(await settledWithin(reading, 30)).toBe('pending');
      expect(fdFlags(fd) & O_NONBLOCK).toBe(O_NONBLOCK); // read(2) has no MSG_DONTWAIT
      expect(await p.write(fd, 'through a fifo')).toBe(14);
      expect(await reading).toBe(14);
      expect(text(buf, 14)).toBe('through a fifo');
      const [x, y] = [new Uint8Array(3), new Uint8Array(8)];
      const scattered = p.readv(fd, [x, y]);
      expect(await p.writev(fd, ['abc', Buffer.from('defgh')])).toBe(8);
      expect(await scattered).toBe(8);
      expect([text(x, 3), text(y, 5)]).toEqual(['abc', 'defgh']);
      await expect(p.read(fd, buf, 17)).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    } finally {
      // node:fs opened it, so node:fs closes it: a Worker's environment closes at exit the fds fs opened
      // and did not see closed (whatever number they have by then). release() first: sockfd forgets it.
      p.release(fd);
      closeSync(fd);
      rmSync(dir, { recursive: true });
    }
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    try {
      const buf = new Uint8Array(4);
      const reading = p.read(a, buf);
      s.write(b, 'sock');
      expect(await reading).toBe(4);
      s.close(b);
      expect(await p.read(a, buf)).toBe(0);
    } finally {
      s.close(a);
    }
  });
});
