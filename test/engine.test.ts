// The readiness engine's defects found by adversarial testing, each one a case that must now pass: an
// abort from a setter re-entering close(), an abort when another thread closes an fd a Worker waits
// on, a busy loop on a non-empty error queue, quadratic cancellation, O_NONBLOCK left behind by a
// failed accept/connect, and recvmmsg's control buffers. The ones that could abort the process (or
// burn its CPU) run in a child process of their own.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import * as s from 'sockfd';
import * as p from 'sockfd/promises';

import { closeAll, fdFlags, O_NONBLOCK } from './helpers.js';

const root = fileURLToPath(new URL('..', import.meta.url));

// A module run by a fresh node in the package (so 'sockfd' resolves to it); what it printed and how it ended.
function child(source: string, input?: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, ['--input-type=module', '-e', `import * as s from 'sockfd'; import * as P from 'sockfd/promises';\n${source}`], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => (stdout += d));
    proc.stderr.on('data', (d) => (stderr += d));
    proc.stdin.end(input ?? '');
    proc.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('nothing reachable from JavaScript aborts the process', () => {
  it('a setter on Object.prototype that starts a recv while close() settles: the new call rejects ECANCELED', async () => {
    const r = await child(`
      const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
      const buf = new Uint8Array(8);
      const reentered = [];
      let calls = 0;
      Object.defineProperty(Object.prototype, 'errno', {
        configurable: true,
        set(v) {
          Object.defineProperty(this, 'errno', { value: v, writable: true, enumerable: true, configurable: true });
          if (calls++ < 3) reentered.push(P.recv(a, buf).then(() => 'resolved', (e) => e.code));
        },
      });
      const waiting = [P.recv(a, buf), P.recv(a, buf)].map((w) => w.catch((e) => e.code));
      s.close(a);
      console.log((await Promise.all(waiting)).join(' '));
      console.log((await Promise.all(reentered)).join(' '));
      await new Promise((r) => setTimeout(r, 100)); // a few loop turns: the first engine aborted here
      s.close(b);
      console.log('alive');
    `);
    expect(r.signal, r.stderr).toBe(null);
    expect(r.stdout).toBe('ECANCELED ECANCELED\nECANCELED ECANCELED ECANCELED\nalive\n');
  });

  it('the main thread closes an fd a Worker keeps waiting on (signal timeouts): the Worker gets EBADF', async () => {
    const r = await child(`
      import { Worker } from 'node:worker_threads';
      const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
      const worker = new Worker(\`
        import { parentPort, workerData } from 'node:worker_threads';
        import * as P from 'sockfd/promises';
        const buf = new Uint8Array(8);
        let rounds = 0;
        for (;;) {
          rounds++;
          if (rounds === 5) parentPort.postMessage('looping');
          try {
            await P.recv(workerData, buf, undefined, 0, { signal: AbortSignal.timeout(1) });
          } catch (e) {
            if (e.code === 'ABORT_ERR') continue;
            parentPort.postMessage(e.code + (rounds > 5 ? ' after rounds' : ''));
            break;
          }
        }
      \`, { eval: true, workerData: a });
      // closed once the Worker is looping (a fixed delay raced a slow start under the sanitizers)
      worker.on('message', (m) => (m === 'looping' ? setTimeout(() => s.close(a), 20) : console.log(m)));
      worker.on('exit', (code) => { s.close(b); console.log('worker exit', code); });
    `);
    expect(r.signal, r.stderr).toBe(null);
    expect(r.stdout).toBe('EBADF after rounds\nworker exit 0\n');
  });
});

describe('a waiting call does not spin, whatever the socket holds', () => {
  // One second of an awaited recv that has nothing to read, measured as the child's CPU time. The
  // first engine spent 900-940 ms of it: level-triggered EPOLLERR for the error queue, for ever.
  const idleRecv = `
    const buf = new Uint8Array(64);
    const before = process.cpuUsage();
    await P.recv(fd, buf, undefined, 0, { signal: AbortSignal.timeout(1000) }).catch((e) => { if (e.code !== 'ABORT_ERR') throw e; });
    const used = process.cpuUsage(before);
    console.log('cpu ms', Math.round((used.user + used.system) / 1000));
  `;
  const cpuOf = (stdout: string) => Number(/cpu ms (\d+)/.exec(stdout)?.[1]);

  it('IP_RECVERR: an ICMP error left on the error queue after ECONNREFUSED', async () => {
    const r = await child(`
      const fd = s.socket(s.AF_INET, s.SOCK_DGRAM);
      const dead = s.socket(s.AF_INET, s.SOCK_DGRAM);
      s.bind(dead, { family: 'AF_INET', address: '127.0.0.1', port: 0 });
      const addr = s.getsockname(dead);
      s.close(dead);
      s.setsockopt(fd, s.IPPROTO_IP, s.IP_RECVERR, 1);
      s.connect(fd, addr);
      s.send(fd, 'x');
      await new Promise((r) => setTimeout(r, 50));
      const first = await P.recv(fd, new Uint8Array(8)).catch((e) => e.code);
      console.log('first', first);
      ${idleRecv}
      s.close(fd);
    `);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^first ECONNREFUSED\n/);
    expect(cpuOf(r.stdout)).toBeLessThan(300);
  });

  it('SO_TIMESTAMPING: transmit timestamps on the error queue', async () => {
    const SOF_TIMESTAMPING_TX_SOFTWARE = 1 << 1, SOF_TIMESTAMPING_SOFTWARE = 1 << 4, SOF_TIMESTAMPING_OPT_TSONLY = 1 << 11;
    const r = await child(`
      const fd = s.socket(s.AF_INET, s.SOCK_DGRAM);
      const peer = s.socket(s.AF_INET, s.SOCK_DGRAM);
      s.bind(peer, { family: 'AF_INET', address: '127.0.0.1', port: 0 });
      s.setsockopt(fd, s.SOL_SOCKET, s.SO_TIMESTAMPING, ${SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE | SOF_TIMESTAMPING_OPT_TSONLY});
      s.connect(fd, s.getsockname(peer));
      for (let i = 0; i < 4; i++) s.send(fd, 'x');
      await new Promise((r) => setTimeout(r, 50));
      const queued = s.recvmsg(fd, { iov: [new Uint8Array(64)], controlLength: 256 }, s.MSG_ERRQUEUE | s.MSG_DONTWAIT);
      console.log('errqueue', queued.control.length > 0);
      ${idleRecv}
      s.close(fd);
      s.close(peer);
    `);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^errqueue true\n/);
    expect(cpuOf(r.stdout)).toBeLessThan(300);
  });

  it('MSG_ZEROCOPY: completions on the error queue of a TCP socket', async () => {
    const r = await child(`
      const l = s.socket(s.AF_INET, s.SOCK_STREAM);
      s.bind(l, { family: 'AF_INET', address: '127.0.0.1', port: 0 });
      s.listen(l);
      const fd = s.socket(s.AF_INET, s.SOCK_STREAM);
      s.setsockopt(fd, s.SOL_SOCKET, s.SO_ZEROCOPY, 1);
      s.connect(fd, s.getsockname(l));
      const conn = s.accept(l).fd;
      s.send(fd, new Uint8Array(4096), undefined, s.MSG_ZEROCOPY);
      await new Promise((r) => setTimeout(r, 50));
      ${idleRecv}
      s.close(fd); s.close(conn); s.close(l);
    `);
    expect(r.code, r.stderr).toBe(0);
    expect(cpuOf(r.stdout)).toBeLessThan(300);
  });
});

describe('cancellation and fd flags', () => {
  // Aborting the calls waiting on one fd, last first: each abort finds its call at once. (The first
  // engine scanned the queue from the front: 0.9 s at 10,000 calls, 6 s at 20,000.) A ratio of two
  // sizes in one run, not a time limit: O(n^2) would make it about 16.
  it('aborting N waiting calls in reverse order takes time linear in N', async () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    const buf = new Uint8Array(1);
    const abortAll = async (count: number) => {
      const controllers = Array.from({ length: count }, () => new AbortController());
      const calls = controllers.map((c) => p.recv(a, buf, undefined, 0, { signal: c.signal }).catch((e) => e.name));
      const started = performance.now();
      for (let i = count - 1; i >= 0; i--) controllers[i]!.abort();
      const ms = performance.now() - started;
      expect(new Set(await Promise.all(calls))).toEqual(new Set(['AbortError']));
      return ms;
    };
    try {
      await abortAll(2_000); // warm-up
      const small = await abortAll(5_000);
      const large = await abortAll(20_000);
      expect(large / Math.max(small, 1)).toBeLessThan(10);
    } finally {
      closeAll(a, b);
    }
  });

  it('a failed awaited accept or connect leaves O_NONBLOCK as it found it (even on an inherited stdin)', async () => {
    const udp = s.socket(s.AF_INET, s.SOCK_DGRAM);
    try {
      await expect(p.accept(udp)).rejects.toMatchObject({ code: 'EOPNOTSUPP', syscall: 'accept4' });
      expect(fdFlags(udp) & O_NONBLOCK).toBe(0);
      await expect(p.connect(udp, { family: 'AF_INET6', address: '::1', port: 1 })).rejects.toMatchObject({ code: 'EAFNOSUPPORT' });
      expect(fdFlags(udp) & O_NONBLOCK).toBe(0);
    } finally {
      s.close(udp);
    }
    const r = await child(`
      const before = s.getNonBlocking(0);
      const accepted = await P.accept(0).catch((e) => e.code);
      const connected = await P.connect(0, { family: 'AF_INET', address: '127.0.0.1', port: 1 }).catch((e) => e.code);
      console.log(before, accepted, connected, s.getNonBlocking(0));
    `, 'stdin stays a pipe');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('false EINVAL EINVAL false\n'); // a child's stdin pipe is an AF_UNIX socketpair
  });
});

describe('recvmmsg control buffers', () => {
  it('one call may not pin more than 1 MiB of control buffers: a RangeError, sync and awaited', async () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_DGRAM);
    try {
      const msgvec = Array.from({ length: 1024 }, () => ({ iov: [new Uint8Array(1)], controlLength: 2 ** 20 }));
      expect(() => s.recvmmsg(a, msgvec, s.MSG_DONTWAIT)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
      await expect(p.recvmmsg(a, msgvec)).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
      // within the budget: received as usual
      s.send(b, 'x');
      const got = await p.recvmmsg(a, Array.from({ length: 4 }, () => ({ iov: [new Uint8Array(4)], controlLength: 2 ** 18 })));
      expect(got).toHaveLength(1);
    } finally {
      closeAll(a, b);
    }
  });
});

// The same scripts once more under strace: the engine's own epoll fd is the only fd libuv watches.
describe.skipIf(spawnSync('strace', ['-V']).status !== 0)('libuv never sees a socket fd', () => {
  it('epoll_ctl on libuv\'s epoll fd names only the engine\'s epoll fd, however many sockets wait', () => {
    const script = `
      import * as s from 'sockfd'; import * as P from 'sockfd/promises';
      const pairs = Array.from({ length: 5 }, () => s.socketpair(s.AF_UNIX, s.SOCK_STREAM));
      const waits = pairs.map(([a]) => P.recv(a, new Uint8Array(4)));
      for (const [, b] of pairs) s.send(b, 'x');
      await Promise.all(waits);
      for (const pair of pairs) for (const fd of pair) s.close(fd);
    `;
    // (the libuv backend's property: the thread backend puts no fd on libuv's loop at all)
    const env = { ...process.env, SOCKFD_ENGINE: 'libuv' };
    const r = spawnSync('strace', ['-f', '-qq', '-e', 'trace=epoll_ctl', process.execPath, '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 30_000, env });
    expect(r.status, r.stderr).toBe(0);
    // The engine's epoll fd: the one the sockets are added to, edge-triggered. libuv's: the one that
    // fd is added to. No socket fd is ever added to any epoll but the engine's.
    const adds = [...r.stderr.matchAll(/epoll_ctl\((\d+), EPOLL_CTL_ADD, (\d+), \{events=([A-Z|]+)/g)].map((m) => ({ epfd: Number(m[1]), fd: Number(m[2]), events: m[3]! }));
    const engine = adds.find((a) => a.events.includes('EPOLLET'))!.epfd;
    const sockets = new Set(adds.filter((a) => a.epfd === engine).map((a) => a.fd));
    expect(sockets.size).toBe(5);
    expect(adds.some((a) => a.fd === engine && a.epfd !== engine)).toBe(true); // libuv watches the engine's fd
    const watchedByEngine = sockets;
    const watchedByLibuv = new Set(adds.filter((a) => a.epfd !== engine).map((a) => a.fd));
    for (const fd of watchedByEngine) expect(watchedByLibuv.has(fd)).toBe(false);
  });
});
