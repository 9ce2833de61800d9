// Faults: the peer resets mid-transfer, the peer process dies mid-transfer, sends to a closed peer,
// and close() racing every awaitable call at every point of its life. (A Worker terminated with calls
// pending: test/worker.test.ts; an fd number reused right after close: test/promises.test.ts.)
import { spawn } from 'node:child_process';

import { describe, expect, it } from 'vitest';

import * as s from 'sockfd';
import * as p from 'sockfd/promises';

import { closeAll, fillSendBuffer, hasPython, pendingConnectTarget, settledWithin, tcpListener, tcpPair } from './helpers.js';

const MiB = 2 ** 20;

/** After this, close() resets the connection (an RST) instead of ending it (a FIN). */
function resetOnClose(fd: number): void {
  s.setsockopt(fd, s.SOL_SOCKET, s.SO_LINGER, { onoff: 1, linger: 0 });
}

describe('the peer resets the connection (SO_LINGER 0, then close: an RST)', () => {
  it('mid-transfer: a waiting sendAll rejects with ECONNRESET and says how much it wrote', async () => {
    const [client, server] = tcpPair();
    try {
      const transfer = p.sendAll(server, new Uint8Array(64 * MiB));
      // the peer reads a little, then resets with most of the transfer still to come
      const buf = new Uint8Array(65536);
      for (let got = 0; got < MiB; ) got += await p.recv(client, buf);
      resetOnClose(client);
      s.close(client);
      const error = await settledWithin(transfer.catch((e: unknown) => e), 5000);
      expect(error).toMatchObject({ code: 'ECONNRESET', errno: s.ECONNRESET, syscall: 'send' });
      expect((error as { bytesWritten: number }).bytesWritten).toBeGreaterThanOrEqual(MiB);
      expect((error as { bytesWritten: number }).bytesWritten).toBeLessThan(64 * MiB);
    } finally {
      s.close(server);
    }
  });

  it('a waiting recv rejects with ECONNRESET; the next call on the fd gives the kernel\'s answer', async () => {
    const [client, server] = tcpPair();
    try {
      const pending = p.recv(server, new Uint8Array(16));
      s.send(client, 'partial');
      expect(await pending).toBe(7);
      const waiting = p.recv(server, new Uint8Array(16));
      resetOnClose(client);
      s.close(client);
      await expect(settledWithin(waiting, 5000)).rejects.toMatchObject({ code: 'ECONNRESET', syscall: 'recv' });
      // after the RST has been reported once, the connection reads as ended, as in C
      expect(await p.recv(server, new Uint8Array(16))).toBe(0);
      await expect(p.send(server, 'x')).rejects.toMatchObject({ code: 'EPIPE' });
    } finally {
      s.close(server);
    }
  });
});

describe.skipIf(!hasPython)('the peer process is killed (SIGKILL) mid-transfer', () => {
  // A Python peer that sends without end and never reads: whatever sockfd sent it is unread when it dies,
  // so the kernel resets the connection.
  const peer = 'import socket, sys\ns = socket.create_connection(("127.0.0.1", int(sys.argv[1])))\nwhile True: s.sendall(b"x" * 65536)\n';

  it('both directions end with an error or end of stream, within seconds, and the fds close cleanly', async () => {
    const listener = tcpListener();
    const child = spawn('python3', ['-c', peer, String(listener.port)], { stdio: ['ignore', 'ignore', 'inherit'] });
    const exited = new Promise((r) => child.once('exit', r));
    let fd = -1;
    try {
      ({ fd } = await p.accept(listener.fd));
      let received = 0;
      const reading = (async () => {
        const buf = new Uint8Array(65536);
        for (;;) {
          const n = await p.recv(fd, buf);
          if (n === 0) return 'end of stream';
          received += n;
          if (received >= 4 * MiB && !child.killed) child.kill('SIGKILL');
        }
      })().catch((e: { code: string }) => e.code);
      const writing = p.sendAll(fd, new Uint8Array(256 * MiB)).then(() => 'sent all', (e: { code: string }) => e.code);
      const [readEnd, writeEnd] = await settledWithin(Promise.all([reading, writing]), 10_000);
      await exited;
      expect(child.signalCode).toBe('SIGKILL');
      expect(received).toBeGreaterThanOrEqual(4 * MiB);
      expect(['ECONNRESET', 'end of stream']).toContain(readEnd);
      expect(['ECONNRESET', 'EPIPE']).toContain(writeEnd);
    } finally {
      child.kill('SIGKILL');
      await exited;
      closeAll(listener.fd, ...(fd >= 0 ? [fd] : []));
    }
  });
});

describe('send to a peer that has closed', () => {
  it('every send call gives EPIPE and the process lives on (no SIGPIPE death), sync and awaited', async () => {
    // In a child process, so that a death by signal would show as such.
    const script = `
      import * as s from 'sockfd';
      import * as p from 'sockfd/promises';
      import { readFileSync } from 'node:fs';
      const codes = [];
      const attempt = async (name, call) => {
        const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
        s.close(b);
        try { await call(a); codes.push(name + ' returned'); } catch (e) { codes.push(name + ' ' + e.code); }
        s.close(a);
      };
      await attempt('send', (fd) => s.send(fd, 'x'));
      await attempt('sendto', (fd) => s.sendto(fd, 'x', undefined, 0, null));
      await attempt('write', (fd) => s.write(fd, 'x'));
      await attempt('writev', (fd) => s.writev(fd, ['x', 'y']));
      await attempt('sendmsg', (fd) => s.sendmsg(fd, { iov: ['x'] }));
      await attempt('sendmmsg', (fd) => s.sendmmsg(fd, ['x']));
      await attempt('promises.send', (fd) => p.send(fd, 'x'));
      await attempt('promises.sendAll', (fd) => p.sendAll(fd, new Uint8Array(1 << 20)));
      await attempt('promises.sendmsg', (fd) => p.sendmsg(fd, ['x']));
      const sigIgn = BigInt('0x' + readFileSync('/proc/self/status', 'utf8').match(/SigIgn:\\s*(\\w+)/)[1]);
      console.log(JSON.stringify({ codes, sigpipeIgnored: (sigIgn & (1n << 12n)) !== 0n }));
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    const [code, signal] = await new Promise<[number | null, string | null]>((r) => child.on('exit', (c, sig) => r([c, sig])));
    expect(signal).toBeNull();
    expect(code).toBe(0);
    const { codes, sigpipeIgnored } = JSON.parse(out);
    expect(codes).toEqual(['send', 'sendto', 'write', 'writev', 'sendmsg', 'sendmmsg', 'promises.send', 'promises.sendAll', 'promises.sendmsg'].map((n) => `${n} EPIPE`));
    // Node ignores SIGPIPE from startup, and sockfd leaves it so: a C program would have died here.
    expect(sigpipeIgnored).toBe(true);
  });
});

describe('close() racing every awaitable call', () => {
  // Each call, made so that it has to wait: on a socketpair end with nothing to read, or with its send
  // buffer full; accept on an idle listener; connect to a full backlog.
  type Setup = { fd: number; peer?: number; call: (fd: number) => Promise<unknown>; wake?: () => void; cleanup: () => void };
  const buf = () => new Uint8Array(8);
  const reader = (call: (fd: number) => Promise<unknown>) => (): Setup => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    return { fd: a, call, wake: () => s.send(b, 'wake up'), cleanup: () => s.close(b) };
  };
  const writer = (call: (fd: number) => Promise<unknown>) => (): Setup => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    fillSendBuffer(a);
    return { fd: a, call, wake: () => s.recv(b, new Uint8Array(1 << 20), undefined, s.MSG_DONTWAIT), cleanup: () => s.close(b) };
  };
  const ops: Record<string, () => Setup> = {
    recv: reader((fd) => p.recv(fd, buf())),
    recvfrom: reader((fd) => p.recvfrom(fd, buf())),
    recvmsg: reader((fd) => p.recvmsg(fd, buf())),
    recvmmsg: reader((fd) => p.recvmmsg(fd, [buf(), buf()])),
    recvFds: reader((fd) => p.recvFds(fd, buf(), 2)),
    'Socket.recv': reader((fd) => s.Socket.from(fd).recv(buf())),
    send: writer((fd) => p.send(fd, 'x')),
    sendto: writer((fd) => p.sendto(fd, 'x', undefined, 0, null)),
    sendAll: writer((fd) => p.sendAll(fd, new Uint8Array(300_000))),
    sendmsg: writer((fd) => p.sendmsg(fd, ['x', 'y'])),
    sendmmsg: writer((fd) => p.sendmmsg(fd, ['x', 'y'])),
    sendFds: writer((fd) => p.sendFds(fd, 'x', [0])),
    accept() {
      const l = tcpListener();
      return { fd: l.fd, call: (fd) => p.accept(fd), cleanup: () => {} };
    },
    connect() {
      const target = pendingConnectTarget();
      return { fd: s.socket(s.AF_INET, s.SOCK_STREAM), call: (fd) => p.connect(fd, target.addr), cleanup: target.close };
    },
  };
  // When close() comes: in the same tick as the call, after a microtask, after a turn of the event loop,
  // and right after the fd was made ready (the call may complete first or be cancelled: either is fine).
  const moments: Record<string, (setup: Setup) => Promise<void>> = {
    'same tick': async () => {},
    'after a microtask': () => Promise.resolve(),
    'after a loop turn': () => new Promise((r) => setImmediate(r)),
    'as it becomes ready': async (setup) => {
      setup.wake?.();
      await new Promise((r) => setImmediate(r));
    },
  };

  for (const [name, make] of Object.entries(ops)) {
    it(`${name}: rejects with ECANCELED (or completes, if it got there first), 50 times at each of 4 moments`, async () => {
      const outcomes = new Map<string, number>();
      for (const [moment, before] of Object.entries(moments)) {
        for (let i = 0; i < 50; i++) {
          const setup = make();
          try {
            const call = setup.call(setup.fd);
            await before(setup);
            s.close(setup.fd);
            const result = await settledWithin(
              call.then(() => 'completed', (e: { code?: string }) => e.code),
              2000,
            );
            const allowed = moment === 'as it becomes ready' ? ['ECANCELED', 'completed'] : ['ECANCELED'];
            expect(allowed, `${moment}: ${result}`).toContain(result);
            outcomes.set(`${moment}: ${result}`, (outcomes.get(`${moment}: ${result}`) ?? 0) + 1);
          } finally {
            setup.cleanup();
          }
        }
      }
      expect([...outcomes.values()].reduce((a, b) => a + b)).toBe(200);
    });
  }
});
