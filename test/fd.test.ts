// The fd calls against the real kernel: fcntl (F_GETFL/F_SETFL, F_GETFD/F_SETFD, F_DUPFD*), dup, dup2,
// dup3, ioctl's int requests, sockatmark, Socket.dup. Python's fcntl and termios modules read the same
// open file (handed to it as its fd 3) and compute the same constants, as peers.
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

import { describe, expect, it } from 'vitest';

import * as s from 'sockfd';
import * as p from 'sockfd/promises';

import { closeAll, fdFlags, hasPython, isOpen, O_CLOEXEC, O_NONBLOCK, settledWithin, tcpListener, tcpPair } from './helpers.js';

/** Runs a Python script with `fd` as its fd 3 (the same open file); its stdout, trimmed. */
function python(script: string, fd?: number): string {
  const stdio = fd === undefined ? undefined : ['ignore', 'pipe', 'pipe', fd];
  const r = spawnSync('python3', ['-c', script], { encoding: 'utf8', stdio: stdio as never });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim();
}

describe('the constants', () => {
  it.skipIf(!hasPython)("F_*, O_*, FD_CLOEXEC, FIONREAD, FIONBIO and SIOCOUTQ (TIOCOUTQ) are Python's", () => {
    const names = ['F_GETFD', 'F_SETFD', 'F_GETFL', 'F_SETFL', 'F_DUPFD', 'F_DUPFD_CLOEXEC', 'F_GETPIPE_SZ', 'F_SETPIPE_SZ', 'FD_CLOEXEC'];
    const os = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', 'O_ACCMODE', 'O_APPEND', 'O_NONBLOCK', 'O_NDELAY', 'O_SYNC', 'O_DSYNC', 'O_DIRECT', 'O_NOATIME', 'O_CLOEXEC', 'O_ASYNC'];
    const theirs = python(
      `import fcntl, os, termios, socket; print(' '.join(str(v) for v in [${[...names.map((n) => `fcntl.${n}`), ...os.map((n) => `os.${n}`), 'termios.FIONREAD', 'termios.FIONBIO', 'termios.TIOCOUTQ', 'socket.PF_PACKET', 'socket.PF_CAN'].join(', ')}]))`,
    ).split(' ').map(Number);
    const ours = [...[...names, ...os].map((n) => (s as unknown as Record<string, number>)[n]), s.FIONREAD, s.FIONBIO, s.SIOCOUTQ, s.PF_PACKET, s.PF_CAN];
    expect(ours).toEqual(theirs);
    expect(s.SIOCINQ).toBe(s.FIONREAD);
    expect([s.PF_UNIX, s.PF_INET, s.PF_INET6]).toEqual([s.AF_UNIX, s.AF_INET, s.AF_INET6]); // glibc defines AF_* as PF_*
  });
});

describe('fcntl', () => {
  it("F_GETFL / F_SETFL O_NONBLOCK: Beej's non-blocking socket; Python sees the same flags on the same file", () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    try {
      const flags = s.fcntl(a, s.F_GETFL);
      expect(flags & s.O_ACCMODE).toBe(s.O_RDWR);
      expect(flags & s.O_NONBLOCK).toBe(0);
      expect(s.fcntl(a, s.F_SETFL, flags | s.O_NONBLOCK)).toBe(0);
      expect(s.fcntl(a, s.F_GETFL) & s.O_NONBLOCK).toBe(s.O_NONBLOCK);
      expect(fdFlags(a) & O_NONBLOCK).toBe(O_NONBLOCK);
      expect(() => s.recv(a, new Uint8Array(1))).toThrow(expect.objectContaining({ code: 'EAGAIN' }));
      if (hasPython) expect(Number(python('import fcntl; print(fcntl.fcntl(3, fcntl.F_GETFL))', a))).toBe(s.fcntl(a, s.F_GETFL));
      s.fcntl(a, s.F_SETFL, flags);
      expect(s.getNonBlocking(a)).toBe(false);
    } finally {
      closeAll(a, b);
    }
  });

  it('F_GETFD / F_SETFD: sockfd makes fds close-on-exec; FD_CLOEXEC can be cleared and set', () => {
    const fd = s.socket(s.AF_INET, s.SOCK_DGRAM);
    try {
      expect(s.fcntl(fd, s.F_GETFD)).toBe(s.FD_CLOEXEC);
      s.fcntl(fd, s.F_SETFD, 0);
      expect(s.fcntl(fd, s.F_GETFD)).toBe(0);
      expect(fdFlags(fd) & O_CLOEXEC).toBe(0);
      s.fcntl(fd, s.F_SETFD, s.FD_CLOEXEC);
      expect(fdFlags(fd) & O_CLOEXEC).toBe(O_CLOEXEC);
    } finally {
      s.close(fd);
    }
  });

  it('F_DUPFD gives the lowest free fd >= arg; F_DUPFD_CLOEXEC a close-on-exec one; F_GETPIPE_SZ on a pipe', () => {
    const fd = s.socket(s.AF_INET, s.SOCK_DGRAM);
    const made: number[] = [];
    try {
      made.push(s.fcntl(fd, s.F_DUPFD, 300));
      expect(made[0]).toBeGreaterThanOrEqual(300);
      expect(s.fcntl(made[0]!, s.F_GETFD)).toBe(0);
      made.push(s.fcntl(fd, s.F_DUPFD_CLOEXEC, 0));
      expect(s.fcntl(made[1]!, s.F_GETFD)).toBe(s.FD_CLOEXEC);
      expect(s.getsockname(made[1]!)).toEqual(s.getsockname(fd));
      expect(() => s.fcntl(fd, s.F_GETPIPE_SZ)).toThrow(expect.objectContaining({ code: 'EBADF', syscall: 'fcntl' }));
    } finally {
      closeAll(fd, ...made);
    }
  });

  it('a command that takes a pointer is refused before the call', () => {
    const fd = s.socket(s.AF_INET, s.SOCK_DGRAM);
    try {
      for (const cmd of [5 /* F_GETLK */, 6 /* F_SETLK */, 16 /* F_GETOWN_EX */, 36 /* F_OFD_GETLK */, 9 /* F_GETOWN: glibc's F_GETOWN_EX */]) {
        expect(() => s.fcntl(fd, cmd, 0x1000)).toThrow(expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' }));
      }
    } finally {
      s.close(fd);
    }
  });

  it('clearing O_NONBLOCK under the engine: the next awaited accept sets it again instead of blocking the loop', async () => {
    const { fd: listener, port } = tcpListener();
    const clients: number[] = [];
    try {
      const connectOne = () => {
        const c = s.socket(s.AF_INET, s.SOCK_STREAM);
        clients.push(c);
        s.connect(c, { family: 'AF_INET', address: '127.0.0.1', port });
      };
      connectOne();
      clients.push((await p.accept(listener)).fd); // the engine set O_NONBLOCK on the listener
      s.fcntl(listener, s.F_SETFL, s.fcntl(listener, s.F_GETFL) & ~s.O_NONBLOCK);
      const waiting = p.accept(listener); // nothing to accept: must wait on the loop, not in accept4()
      let ticked = false;
      await sleep(20).then(() => (ticked = true));
      expect(ticked).toBe(true);
      expect(await settledWithin(waiting, 10)).toBe('pending');
      connectOne();
      clients.push((await waiting).fd);
    } finally {
      closeAll(listener, ...clients);
    }
  });
});

describe('dup, dup2, dup3', () => {
  it('dup: a second fd for the same socket, which outlives the first', () => {
    const [a, b] = tcpPair();
    const d = s.dup(a);
    try {
      expect(d).not.toBe(a);
      expect(s.getsockname(d)).toEqual(s.getsockname(a));
      expect(s.fcntl(d, s.F_GETFD)).toBe(0); // C's dup(): not close-on-exec
      s.close(a);
      s.send(d, 'via the duplicate');
      const buf = new Uint8Array(64);
      expect(Buffer.from(buf.subarray(0, s.recv(b, buf))).toString()).toBe('via the duplicate');
    } finally {
      closeAll(a, b, d);
    }
  });

  it('dup2 onto an fd: the old file is closed, and calls waiting on it reject with ECANCELED', async () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    const [c, d] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    try {
      const waiting = p.recv(c, new Uint8Array(8));
      expect(s.dup2(a, c)).toBe(c);
      await expect(waiting).rejects.toMatchObject({ code: 'ECANCELED' });
      s.send(b, 'x');
      expect(s.recv(c, new Uint8Array(8))).toBe(1); // c is a's socket now
      // d's peer is gone: end of stream
      expect(s.recv(d, new Uint8Array(8))).toBe(0);
    } finally {
      closeAll(a, b, c, d);
    }
  });

  it('dup2(fd, fd) changes nothing, and a call waiting on fd goes on waiting', async () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    try {
      const buf = new Uint8Array(8);
      const waiting = p.recv(a, buf);
      expect(s.dup2(a, a)).toBe(a);
      expect(await settledWithin(waiting, 20)).toBe('pending');
      s.send(b, 'y');
      expect(await waiting).toBe(1);
    } finally {
      closeAll(a, b);
    }
  });

  it('dup3 with O_CLOEXEC; dup3(fd, fd) is EINVAL', () => {
    const fd = s.socket(s.AF_INET, s.SOCK_DGRAM);
    const target = s.socket(s.AF_INET, s.SOCK_DGRAM);
    try {
      s.fcntl(target, s.F_SETFD, 0);
      expect(s.dup3(fd, target, s.O_CLOEXEC)).toBe(target);
      expect(s.fcntl(target, s.F_GETFD)).toBe(s.FD_CLOEXEC);
      expect(s.getsockname(target)).toEqual(s.getsockname(fd));
      expect(() => s.dup3(fd, fd, 0)).toThrow(expect.objectContaining({ code: 'EINVAL', syscall: 'dup3' }));
    } finally {
      closeAll(fd, target);
    }
  });

  it('Socket.dup(): a Socket of its own on the same socket, close-on-exec, closed independently', async () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    const sock = s.Socket.from(a);
    const twin = sock.dup();
    try {
      expect(twin.fd).not.toBe(sock.fd);
      expect(s.fcntl(twin.fd, s.F_GETFD)).toBe(s.FD_CLOEXEC);
      sock.close();
      await twin.send('z');
      expect(s.recv(b, new Uint8Array(4))).toBe(1);
      const fd = twin.fd;
      twin.close();
      expect(isOpen(fd)).toBe(false);
      expect(() => sock.dup()).toThrow(expect.objectContaining({ code: 'EBADF', syscall: 'dup' }));
    } finally {
      twin.close();
      closeAll(b);
    }
  });
});

describe('ioctl and sockatmark', () => {
  it('FIONREAD counts the bytes queued to read; Python asks the same file and gets the same count', () => {
    const [a, b] = tcpPair();
    try {
      expect(s.ioctl(b, s.FIONREAD)).toBe(0);
      s.send(a, 'hello');
      s.poll([{ fd: b, events: s.POLLIN }], 1000);
      expect(s.ioctl(b, s.FIONREAD)).toBe(5);
      expect(s.ioctl(b, s.SIOCINQ)).toBe(5);
      if (hasPython) expect(Number(python("import fcntl, termios, struct; print(struct.unpack('i', fcntl.ioctl(3, termios.FIONREAD, b'\\0' * 4))[0])", b))).toBe(5);
      expect(s.ioctl(a, s.SIOCOUTQ)).toBeGreaterThanOrEqual(0); // sent, maybe not yet acknowledged
      expect(s.ioctl(a, s.SIOCOUTQNSD)).toBe(0); // nothing left unsent
    } finally {
      closeAll(a, b);
    }
  });

  it('FIONREAD on a UDP socket is the size of the next datagram', () => {
    const fd = s.socket(s.AF_INET, s.SOCK_DGRAM);
    try {
      s.bind(fd, { family: 'AF_INET', address: '127.0.0.1', port: 0 });
      const to = s.getsockname(fd)!;
      s.sendto(fd, 'abc', undefined, 0, to);
      s.sendto(fd, 'defghij', undefined, 0, to);
      s.poll([{ fd, events: s.POLLIN }], 1000);
      expect(s.ioctl(fd, s.FIONREAD)).toBe(3);
    } finally {
      s.close(fd);
    }
  });

  it('FIONBIO sets and clears O_NONBLOCK, as setNonBlocking does', () => {
    const fd = s.socket(s.AF_INET, s.SOCK_STREAM);
    try {
      expect(s.ioctl(fd, s.FIONBIO, 1)).toBe(0);
      expect(s.getNonBlocking(fd)).toBe(true);
      s.ioctl(fd, s.FIONBIO, 0);
      expect(s.getNonBlocking(fd)).toBe(false);
    } finally {
      s.close(fd);
    }
  });

  it('sockatmark and SIOCATMARK: 1 once the reads reach the urgent byte, 0 before', () => {
    const [a, b] = tcpPair();
    try {
      s.send(a, 'ab');
      s.send(a, '!', undefined, s.MSG_OOB);
      s.poll([{ fd: b, events: s.POLLPRI }], 1000);
      expect(s.sockatmark(b)).toBe(0);
      const buf = new Uint8Array(8);
      expect(s.recv(b, buf)).toBe(2); // a read stops at the mark
      expect(s.sockatmark(b)).toBe(1);
      expect(s.ioctl(b, s.SIOCATMARK)).toBe(1);
      expect(s.recv(b, buf, 1, s.MSG_OOB)).toBe(1);
      expect(String.fromCharCode(buf[0]!)).toBe('!');
    } finally {
      closeAll(a, b);
    }
  });

  it('a request that is not an int one is refused before the call; errors name ioctl', () => {
    const fd = s.socket(s.AF_INET, s.SOCK_DGRAM);
    try {
      for (const request of [0x8912 /* SIOCGIFCONF */, 0x8915 /* SIOCGIFADDR */, 0x5401 /* TCGETS */]) {
        expect(() => s.ioctl(fd, request)).toThrow(expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' }));
      }
      expect(() => s.sockatmark(fd)).toThrow(expect.objectContaining({ code: 'ENOTTY', syscall: 'sockatmark' })); // UDP has no mark
    } finally {
      s.close(fd);
    }
  });
});
