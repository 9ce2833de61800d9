// I/O multiplexing against the real kernel: select with fd_set and its macros, poll with struct
// pollfd, epoll (level- and edge-triggered, EPOLLONESHOT, data round trips, the caller-owned event
// array), and their awaitable forms in sockfd/promises (waiting, timeouts, AbortSignal, close).
// Python's select module watches the same sockets as a peer.
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

import { describe, expect, it } from 'vitest';

import * as s from 'sockfd';
import * as p from 'sockfd/promises';

import { closeAll, hasPython, settledWithin, tcpPair } from './helpers.js';

const buf = new Uint8Array(64);

describe('the constants', () => {
  it.skipIf(!hasPython)("POLL*, EPOLL* and FD_SETSIZE have the values Python's select module has", () => {
    const script = `import select; print(' '.join(f'{k}={getattr(select, k)}' for k in dir(select) if k.startswith(('POLL', 'EPOLL'))))`;
    const r = spawnSync('python3', ['-c', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const theirs = Object.fromEntries(r.stdout.trim().split(' ').map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)]));
    const names = Object.keys(theirs).filter((k) => k in s);
    expect(names.length).toBeGreaterThan(25); // EPOLLIN... EPOLLEXCLUSIVE, POLLIN... POLLRDHUP
    for (const k of names) expect([k, (s as unknown as Record<string, number>)[k]]).toEqual([k, theirs[k]]);
    expect(s.FD_SETSIZE).toBe(1024);
  });
});

describe('fd_set and the FD_* macros', () => {
  it('set, test, clear, zero; the bytes are the kernel bitmap', () => {
    const set = new s.fd_set();
    expect(set.bytes.length).toBe(s.FD_SETSIZE / 8);
    s.FD_SET(0, set);
    s.FD_SET(9, set);
    s.FD_SET(s.FD_SETSIZE - 1, set);
    expect([...set.bytes.subarray(0, 2)]).toEqual([0b1, 0b10]);
    expect(set.bytes[127]).toBe(0x80);
    expect(s.FD_ISSET(9, set)).toBe(true);
    expect(s.FD_ISSET(8, set)).toBe(false);
    s.FD_CLR(9, set);
    expect(s.FD_ISSET(9, set)).toBe(false);
    s.FD_ZERO(set);
    expect(set.bytes.every((b) => b === 0)).toBe(true);
  });

  it('an fd outside [0, FD_SETSIZE) is a RangeError, never a write past the set', () => {
    const set = new s.fd_set();
    for (const fd of [s.FD_SETSIZE, -1, 1.5, 2 ** 31]) expect(() => s.FD_SET(fd, set)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => s.FD_SET('3' as never, set)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => s.FD_ISSET(3, new Uint8Array(128) as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(set.bytes.every((b) => b === 0)).toBe(true);
  });
});

describe('select', () => {
  it('leaves only the ready fds in each set, in place; 0 on timeout', () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    try {
      const r = new s.fd_set();
      const w = new s.fd_set();
      s.FD_SET(a, r);
      s.FD_SET(b, r);
      s.FD_SET(b, w);
      const nfds = Math.max(a, b) + 1;
      expect(s.select(nfds, r, w, null, { sec: 0, usec: 0 })).toBe(1); // b is writable, nothing to read
      expect([s.FD_ISSET(a, r), s.FD_ISSET(b, r), s.FD_ISSET(b, w)]).toEqual([false, false, true]);
      s.send(b, 'x');
      s.FD_SET(a, r);
      s.FD_SET(b, r);
      expect(s.select(nfds, r, null, null, { sec: 1, usec: 0 })).toBe(1);
      expect([s.FD_ISSET(a, r), s.FD_ISSET(b, r)]).toEqual([true, false]);
      s.recv(a, buf);
      s.FD_SET(a, r);
      const timeout = { sec: 0, usec: 10_000 };
      expect(s.select(nfds, r, null, null, timeout)).toBe(0);
      expect(s.FD_ISSET(a, r)).toBe(false);
      expect(timeout).toEqual({ sec: 0, usec: 10_000 }); // the caller's timeout is left alone
    } finally {
      closeAll(a, b);
    }
  });

  it('reports EBADF for a closed fd, and checks nfds and the sets', () => {
    const fd = s.socket(s.AF_INET, s.SOCK_DGRAM);
    s.close(fd);
    const r = new s.fd_set();
    s.FD_SET(fd, r);
    expect(() => s.select(fd + 1, r, null, null, { sec: 0, usec: 0 })).toThrow(expect.objectContaining({ code: 'EBADF', syscall: 'select' }));
    expect(() => s.select(s.FD_SETSIZE + 1, r, null, null, null)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => s.select(-1, null, null, null, { sec: 0, usec: 0 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => s.select(1, new Uint8Array(128) as never, null, null, null)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => s.select(1, null, null, null, { sec: 0, usec: 1e6 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
  });
});

describe('poll', () => {
  it('fills revents in place: POLLIN, POLLOUT, POLLRDHUP, POLLHUP once both directions are shut, POLLNVAL for a closed fd', () => {
    const [a, b] = tcpPair();
    const closed = s.socket(s.AF_INET, s.SOCK_DGRAM);
    s.close(closed);
    try {
      const fds: s.pollfd[] = [{ fd: a, events: s.POLLIN }, { fd: b, events: s.POLLOUT }, { fd: -1, events: s.POLLIN }, { fd: closed, events: s.POLLIN }];
      expect(s.poll(fds, 0)).toBe(2);
      expect(fds.map((f) => f.revents)).toEqual([0, s.POLLOUT, 0, s.POLLNVAL]);
      s.send(b, 'x');
      s.shutdown(b, s.SHUT_WR);
      fds[0]!.events = s.POLLIN | s.POLLRDHUP;
      expect(s.poll(fds.slice(0, 1), 1000)).toBe(1);
      expect(fds[0]!.revents).toBe(s.POLLIN | s.POLLRDHUP);
      s.close(b);
      s.recv(a, buf);
      s.shutdown(a, s.SHUT_WR); // both directions shut: POLLHUP
      const after: s.pollfd[] = [{ fd: a, events: s.POLLIN }];
      s.poll(after, 1000);
      expect(after[0]!.revents! & (s.POLLIN | s.POLLHUP)).toBe(s.POLLIN | s.POLLHUP);
    } finally {
      closeAll(a);
    }
  });

  it('times out with 0; checks its arguments', () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_DGRAM);
    try {
      const fds = [{ fd: a, events: s.POLLIN, revents: 99 }];
      expect(s.poll(fds, 10)).toBe(0);
      expect(fds[0]!.revents).toBe(0);
      expect(() => s.poll({} as never, 0)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
      expect(() => s.poll([{ fd: a, events: 1 << 16 }], 0)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
      expect(() => s.poll([5 as never], 0)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    } finally {
      closeAll(a, b);
    }
  });
});

describe('epoll', () => {
  it('level-triggered: reported while readable; data round-trips (the fd by default, any safe integer)', () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    const ep = s.epoll_create1(s.EPOLL_CLOEXEC);
    try {
      s.epoll_ctl(ep, s.EPOLL_CTL_ADD, a, { events: s.EPOLLIN });
      expect(s.epoll_wait(ep, 8, 0)).toEqual([]);
      s.send(b, 'x');
      expect(s.epoll_wait(ep, 8, 0)).toEqual([{ events: s.EPOLLIN, data: a }]);
      expect(s.epoll_wait(ep, 8, 0)).toEqual([{ events: s.EPOLLIN, data: a }]); // still readable
      s.epoll_ctl(ep, s.EPOLL_CTL_MOD, a, { events: s.EPOLLIN | s.EPOLLOUT, data: -(2 ** 40) });
      expect(s.epoll_wait(ep, 8, 0)).toEqual([{ events: s.EPOLLIN | s.EPOLLOUT, data: -(2 ** 40) }]);
      s.epoll_ctl(ep, s.EPOLL_CTL_DEL, a, null);
      expect(s.epoll_wait(ep, 8, 0)).toEqual([]);
      expect(() => s.epoll_ctl(ep, s.EPOLL_CTL_DEL, a, null)).toThrow(expect.objectContaining({ code: 'ENOENT', syscall: 'epoll_ctl' }));
      s.epoll_ctl(ep, s.EPOLL_CTL_ADD, a, { events: s.EPOLLIN });
      expect(() => s.epoll_ctl(ep, s.EPOLL_CTL_ADD, a, { events: s.EPOLLIN })).toThrow(expect.objectContaining({ code: 'EEXIST' }));
    } finally {
      closeAll(a, b, ep);
    }
  });

  it('edge-triggered (EPOLLET, negative in JS) reports once per edge; EPOLLONESHOT once until re-armed', () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    const ep = s.epoll_create(1);
    try {
      expect(s.EPOLLIN | s.EPOLLET).toBeLessThan(0);
      s.epoll_ctl(ep, s.EPOLL_CTL_ADD, a, { events: s.EPOLLIN | s.EPOLLET });
      s.send(b, 'x');
      const [event] = s.epoll_wait(ep, 8, 0);
      expect(event).toEqual({ events: s.EPOLLIN, data: a });
      expect(s.epoll_wait(ep, 8, 0)).toEqual([]); // the same data: no new edge
      s.send(b, 'y');
      expect(s.epoll_wait(ep, 8, 0)).toHaveLength(1); // new data: a new edge
      s.epoll_ctl(ep, s.EPOLL_CTL_MOD, a, { events: s.EPOLLIN | s.EPOLLONESHOT });
      expect(s.epoll_wait(ep, 8, 0)).toHaveLength(1);
      s.send(b, 'z');
      expect(s.epoll_wait(ep, 8, 0)).toEqual([]); // disarmed
      s.epoll_ctl(ep, s.EPOLL_CTL_MOD, a, { events: s.EPOLLIN | s.EPOLLONESHOT });
      expect(s.epoll_wait(ep, 8, 0)).toHaveLength(1);
    } finally {
      closeAll(a, b, ep);
    }
  });

  it('fills a caller-owned EpollEvents (no objects); maxevents bounds what comes back', () => {
    const pairs = [0, 1, 2].map(() => s.socketpair(s.AF_UNIX, s.SOCK_DGRAM));
    const ep = s.epoll_create1(0);
    try {
      for (const [x, y] of pairs) {
        s.epoll_ctl(ep, s.EPOLL_CTL_ADD, x!, { events: s.EPOLLIN, data: x! * 10 });
        s.send(y!, 'x');
      }
      const events = new s.EpollEvents(2);
      expect(s.epoll_wait(ep, events, 0)).toBe(2);
      const got = [...events.data].sort();
      expect(got.every((d) => pairs.some(([x]) => x! * 10 === d))).toBe(true);
      expect([...events.events]).toEqual([s.EPOLLIN, s.EPOLLIN]);
      expect(s.epoll_wait(ep, 3, 0)).toHaveLength(3);
      expect(() => new s.EpollEvents(0)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    } finally {
      closeAll(ep, ...pairs.flat());
    }
  });

  it('errors as C has them', () => {
    expect(() => s.epoll_create(0)).toThrow(expect.objectContaining({ code: 'EINVAL', syscall: 'epoll_create' }));
    expect(() => s.epoll_create1(-1)).toThrow(expect.objectContaining({ code: 'EINVAL' }));
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    const ep = s.epoll_create1(0);
    try {
      expect(() => s.epoll_wait(a, 1, 0)).toThrow(expect.objectContaining({ code: 'EINVAL', syscall: 'epoll_wait' }));
      expect(() => s.epoll_wait(ep, 0, 0)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' })); // the kernel's EINVAL, refused first
      expect(() => s.epoll_wait(ep, 2 ** 20 + 1, 0)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
      expect(() => s.epoll_ctl(ep, s.EPOLL_CTL_ADD, ep, { events: s.EPOLLIN })).toThrow(expect.objectContaining({ code: 'EINVAL' }));
      expect(() => s.epoll_ctl(ep, s.EPOLL_CTL_ADD, a, { events: 2 ** 32 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
      expect(() => s.epoll_ctl(ep, s.EPOLL_CTL_ADD, a, { events: s.EPOLLIN, data: 2 ** 53 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
      // C's NULL event for ADD/MOD is the kernel's EFAULT: a TypeError before the call here
      expect(() => s.epoll_ctl(ep, s.EPOLL_CTL_ADD, a, null)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
      expect(() => s.epoll_ctl(ep, s.EPOLL_CTL_MOD, a, null)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    } finally {
      closeAll(a, b, ep);
    }
  });

  it.skipIf(!hasPython)("Python's select.epoll and select.poll see what sockfd's do on the same socket", () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    try {
      s.send(b, 'ping');
      const ep = s.epoll_create1(0);
      s.epoll_ctl(ep, s.EPOLL_CTL_ADD, a, { events: s.EPOLLIN | s.EPOLLOUT });
      const ours = s.epoll_wait(ep, 4, 0)[0]!.events;
      s.close(ep);
      const script = `import select,sys; fd=int(sys.argv[1]); e=select.epoll(); e.register(fd, select.EPOLLIN|select.EPOLLOUT); p=select.poll(); p.register(fd, select.POLLIN|select.POLLOUT); print(e.poll(0)[0][1], p.poll(0)[0][1])`;
      // sockfd's fds are close-on-exec: the socket goes to the child as its fd 3
      const child = spawnSync('python3', ['-c', script, '3'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe', a] });
      expect(child.status, child.stderr).toBe(0);
      const [theirEpoll, theirPoll] = child.stdout.trim().split(' ').map(Number);
      expect(theirEpoll).toBe(ours);
      const fds: s.pollfd[] = [{ fd: a, events: s.POLLIN | s.POLLOUT }];
      s.poll(fds, 0);
      expect(theirPoll).toBe(fds[0]!.revents);
    } finally {
      closeAll(a, b);
    }
  });
});

describe('awaitable poll, select, epoll_wait (sockfd/promises)', () => {
  it('poll waits on the event loop, which keeps running, then fills revents', async () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    try {
      const fds: s.pollfd[] = [{ fd: a, events: s.POLLIN }];
      const waiting = p.poll(fds);
      let ticks = 0;
      const timer = setInterval(() => ticks++, 5);
      // the loop keeps turning while poll waits: timers fire (as many as a loaded machine lets through)
      for (const start = Date.now(); ticks <= 3 && Date.now() - start < 10_000; ) await sleep(10);
      clearInterval(timer);
      expect(ticks).toBeGreaterThan(3);
      expect(await settledWithin(waiting, 0)).toBe('pending');
      s.send(b, 'x');
      expect(await waiting).toBe(1);
      expect(fds[0]!.revents).toBe(s.POLLIN);
      // ready at once: no wait
      expect(await p.poll(fds, 0)).toBe(1);
    } finally {
      closeAll(a, b);
    }
  });

  it('a timeout resolves with nothing ready (0, revents 0; select empties its sets; epoll_wait [])', async () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    const ep = s.epoll_create1(0);
    try {
      const fds = [{ fd: a, events: s.POLLIN, revents: 7 }];
      expect(await p.poll(fds, 20)).toBe(0);
      expect(fds[0]!.revents).toBe(0);
      const r = new s.fd_set();
      s.FD_SET(a, r);
      expect(await p.select(a + 1, r, null, null, { sec: 0, usec: 20_000 })).toBe(0);
      expect(s.FD_ISSET(a, r)).toBe(false);
      s.epoll_ctl(ep, s.EPOLL_CTL_ADD, a, { events: s.EPOLLIN });
      const started = performance.now();
      expect(await p.epoll_wait(ep, 4, 30)).toEqual([]);
      expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    } finally {
      closeAll(a, b, ep);
    }
  });

  it('select waits for a set to become ready and updates it in place', async () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_DGRAM);
    try {
      const r = new s.fd_set();
      s.FD_SET(a, r);
      const waiting = p.select(a + 1, r, null, null, null);
      expect(await settledWithin(waiting, 20)).toBe('pending');
      s.send(b, 'x');
      expect(await waiting).toBe(1);
      expect(s.FD_ISSET(a, r)).toBe(true);
    } finally {
      closeAll(a, b);
    }
  });

  it('epoll_wait waits for the epoll fd itself, and edge-triggered entries work through it', async () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    const ep = s.epoll_create1(s.EPOLL_CLOEXEC);
    try {
      s.epoll_ctl(ep, s.EPOLL_CTL_ADD, a, { events: s.EPOLLIN | s.EPOLLET, data: 42 });
      for (let round = 0; round < 20; round++) {
        const waiting = p.epoll_wait(ep, 4);
        setImmediate(() => s.send(b, 'x'));
        expect(await waiting).toEqual([{ events: s.EPOLLIN, data: 42 }]);
        expect(s.recv(a, buf)).toBe(1);
      }
    } finally {
      closeAll(a, b, ep);
    }
  });

  it('AbortSignal ends a waiting call; close(epfd) rejects a waiting epoll_wait with ECANCELED', async () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    const ep = s.epoll_create1(0);
    try {
      const controller = new AbortController();
      const polled = p.poll([{ fd: a, events: s.POLLIN }], -1, { signal: controller.signal });
      controller.abort();
      await expect(polled).rejects.toMatchObject({ name: 'AbortError' });
      await expect(p.select(a + 1, new s.fd_set(), null, null, null, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
      s.epoll_ctl(ep, s.EPOLL_CTL_ADD, a, { events: s.EPOLLIN });
      const waiting = p.epoll_wait(ep, 4);
      await sleep(5);
      s.close(ep);
      await expect(waiting).rejects.toMatchObject({ code: 'ECANCELED', syscall: 'epoll_wait' });
    } finally {
      closeAll(a, b);
    }
  });

  it('bad arguments reject, they do not throw', async () => {
    await expect(p.poll('x' as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(p.poll([], 1.5)).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    await expect(p.select(2000, null, null, null, null)).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    await expect(p.select(1, 5 as never, null, null, null)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(p.epoll_wait(-1, 1)).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    await expect(p.epoll_wait(0, 1, 'x' as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
  });
});
