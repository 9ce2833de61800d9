// setsockopt -> getsockopt for the options sockfd supports, as ints, structs and raw bytes.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import * as s from 'sockfd';

import { againOnEintr, closeAll, hasPython } from './helpers.js';

type Case = { name: string; domain: number; type: number; level: number; opt: number; set: any; get: any };

// What the kernel reports back for each value set (SO_RCVBUF/SO_SNDBUF come back doubled: socket(7)).
const table: Case[] = [
  { name: 'SO_REUSEADDR', domain: s.AF_INET, type: s.SOCK_STREAM, level: s.SOL_SOCKET, opt: s.SO_REUSEADDR, set: 1, get: 1 },
  { name: 'SO_REUSEADDR (boolean)', domain: s.AF_INET, type: s.SOCK_STREAM, level: s.SOL_SOCKET, opt: s.SO_REUSEADDR, set: true, get: 1 },
  { name: 'SO_REUSEPORT', domain: s.AF_INET, type: s.SOCK_STREAM, level: s.SOL_SOCKET, opt: s.SO_REUSEPORT, set: 1, get: 1 },
  { name: 'SO_KEEPALIVE', domain: s.AF_INET, type: s.SOCK_STREAM, level: s.SOL_SOCKET, opt: s.SO_KEEPALIVE, set: 1, get: 1 },
  { name: 'SO_BROADCAST', domain: s.AF_INET, type: s.SOCK_DGRAM, level: s.SOL_SOCKET, opt: s.SO_BROADCAST, set: 1, get: 1 },
  { name: 'SO_OOBINLINE', domain: s.AF_INET, type: s.SOCK_STREAM, level: s.SOL_SOCKET, opt: s.SO_OOBINLINE, set: 1, get: 1 },
  { name: 'SO_RCVBUF', domain: s.AF_INET, type: s.SOCK_STREAM, level: s.SOL_SOCKET, opt: s.SO_RCVBUF, set: 65536, get: 131072 },
  { name: 'SO_SNDBUF', domain: s.AF_INET, type: s.SOCK_STREAM, level: s.SOL_SOCKET, opt: s.SO_SNDBUF, set: 65536, get: 131072 },
  { name: 'SO_RCVLOWAT', domain: s.AF_INET, type: s.SOCK_STREAM, level: s.SOL_SOCKET, opt: s.SO_RCVLOWAT, set: 16, get: 16 },
  { name: 'SO_PRIORITY', domain: s.AF_INET, type: s.SOCK_STREAM, level: s.SOL_SOCKET, opt: s.SO_PRIORITY, set: 3, get: 3 },
  { name: 'SO_LINGER', domain: s.AF_INET, type: s.SOCK_STREAM, level: s.SOL_SOCKET, opt: s.SO_LINGER, set: { onoff: 1, linger: 5 }, get: { onoff: 1, linger: 5 } },
  { name: 'SO_LINGER (off)', domain: s.AF_INET, type: s.SOCK_STREAM, level: s.SOL_SOCKET, opt: s.SO_LINGER, set: { onoff: false, linger: 0 }, get: { onoff: 0, linger: 0 } },
  { name: 'SO_RCVTIMEO', domain: s.AF_INET, type: s.SOCK_STREAM, level: s.SOL_SOCKET, opt: s.SO_RCVTIMEO, set: { sec: 2, usec: 500000 }, get: { sec: 2, usec: 500000 } },
  { name: 'SO_SNDTIMEO', domain: s.AF_INET, type: s.SOCK_STREAM, level: s.SOL_SOCKET, opt: s.SO_SNDTIMEO, set: { sec: 1, usec: 0 }, get: { sec: 1, usec: 0 } },
  { name: 'TCP_NODELAY', domain: s.AF_INET, type: s.SOCK_STREAM, level: s.IPPROTO_TCP, opt: s.TCP_NODELAY, set: 1, get: 1 },
  { name: 'TCP_KEEPIDLE', domain: s.AF_INET, type: s.SOCK_STREAM, level: s.IPPROTO_TCP, opt: s.TCP_KEEPIDLE, set: 30, get: 30 },
  { name: 'TCP_KEEPINTVL', domain: s.AF_INET, type: s.SOCK_STREAM, level: s.IPPROTO_TCP, opt: s.TCP_KEEPINTVL, set: 7, get: 7 },
  { name: 'TCP_KEEPCNT', domain: s.AF_INET, type: s.SOCK_STREAM, level: s.IPPROTO_TCP, opt: s.TCP_KEEPCNT, set: 4, get: 4 },
  { name: 'TCP_QUICKACK', domain: s.AF_INET, type: s.SOCK_STREAM, level: s.IPPROTO_TCP, opt: s.TCP_QUICKACK, set: 0, get: 0 },
  { name: 'IP_TTL', domain: s.AF_INET, type: s.SOCK_DGRAM, level: s.IPPROTO_IP, opt: s.IP_TTL, set: 17, get: 17 },
  { name: 'IP_TOS', domain: s.AF_INET, type: s.SOCK_DGRAM, level: s.IPPROTO_IP, opt: s.IP_TOS, set: 0x10, get: 0x10 },
  { name: 'IP_MULTICAST_TTL', domain: s.AF_INET, type: s.SOCK_DGRAM, level: s.IPPROTO_IP, opt: s.IP_MULTICAST_TTL, set: 4, get: 4 },
  { name: 'IP_MULTICAST_LOOP', domain: s.AF_INET, type: s.SOCK_DGRAM, level: s.IPPROTO_IP, opt: s.IP_MULTICAST_LOOP, set: 0, get: 0 },
  { name: 'IPV6_V6ONLY', domain: s.AF_INET6, type: s.SOCK_STREAM, level: s.IPPROTO_IPV6, opt: s.IPV6_V6ONLY, set: 1, get: 1 },
  { name: 'IPV6_UNICAST_HOPS', domain: s.AF_INET6, type: s.SOCK_DGRAM, level: s.IPPROTO_IPV6, opt: s.IPV6_UNICAST_HOPS, set: 9, get: 9 },
  { name: 'SO_PASSCRED', domain: s.AF_UNIX, type: s.SOCK_STREAM, level: s.SOL_SOCKET, opt: s.SO_PASSCRED, set: 1, get: 1 },
];

describe('setsockopt -> getsockopt', () => {
  it.each(table)('$name', ({ domain, type, level, opt, set, get }) => {
    const fd = s.socket(domain, type);
    try {
      s.setsockopt(fd, level, opt, set);
      expect(s.getsockopt(fd, level, opt)).toEqual(get);
    } finally {
      s.close(fd);
    }
  });

  it('raw bytes both ways: an int option as 4 host-order bytes, a TCP_CONGESTION name', () => {
    const fd = s.socket(s.AF_INET, s.SOCK_STREAM);
    try {
      s.setsockopt(fd, s.IPPROTO_TCP, s.TCP_NODELAY, new Uint8Array(new Int32Array([1]).buffer));
      expect(s.getsockopt(fd, s.IPPROTO_TCP, s.TCP_NODELAY)).toBe(1);
      expect([...new Int32Array(s.getsockopt(fd, s.SOL_SOCKET, s.SO_TYPE, 4).slice().buffer)]).toEqual([s.SOCK_STREAM]);
      const cc = s.getsockopt(fd, s.IPPROTO_TCP, s.TCP_CONGESTION, 16);
      expect(Buffer.from(cc).toString().replace(/\0+$/, '')).toMatch(/^[a-z0-9]+$/);
      // the kernel never writes more than asked
      expect(s.getsockopt(fd, s.SOL_SOCKET, s.SO_TYPE, 2).length).toBeLessThanOrEqual(2);
      expect(s.getsockopt(fd, s.SOL_SOCKET, s.SO_TYPE, 0).length).toBe(0);
    } finally {
      s.close(fd);
    }
  });

  it('without a length: a string option is its text (as Python and /proc say), a struct option is refused with its length', () => {
    const fd = s.socket(s.AF_INET, s.SOCK_STREAM);
    try {
      const cc = s.getsockopt(fd, s.IPPROTO_TCP, s.TCP_CONGESTION);
      expect(cc).toBe(readFileSync('/proc/sys/net/ipv4/tcp_congestion_control', 'utf8').trim());
      if (hasPython) {
        const theirs = execFileSync('python3', ['-c', "import socket; s = socket.socket(); print(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, 16).rstrip(b'\\0').decode())"], { encoding: 'utf8' });
        expect(cc).toBe(theirs.trim());
      }
      expect(s.getsockopt(fd, s.SOL_SOCKET, s.SO_BINDTODEVICE)).toBe(''); // not bound to a device
      if (process.getuid?.() === 0) { // binding to a device takes CAP_NET_RAW
        s.setsockopt(fd, s.SOL_SOCKET, s.SO_BINDTODEVICE, new Uint8Array(Buffer.from('lo\0')));
        expect(s.getsockopt(fd, s.SOL_SOCKET, s.SO_BINDTODEVICE)).toBe('lo');
      }
      for (const [level, opt] of [[s.SOL_SOCKET, s.SO_COOKIE], [s.IPPROTO_IP, s.IP_OPTIONS], [s.IPPROTO_IP, s.IP_MULTICAST_IF]] as const) {
        expect(() => s.getsockopt(fd, level, opt as number)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(/pass its length \(\d+\)/) }));
      }
      expect(s.getsockopt(fd, s.SOL_SOCKET, s.SO_COOKIE, 8)).toHaveLength(8); // with the length: the bytes
    } finally {
      s.close(fd);
    }
  });

  it('SO_ERROR and SO_PEERCRED are read-only views of the kernel state', () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    try {
      expect(s.getsockopt(a, s.SOL_SOCKET, s.SO_ERROR)).toBe(0);
      expect(s.getsockopt(a, s.SOL_SOCKET, s.SO_PEERCRED)).toEqual({ pid: process.pid, uid: process.getuid!(), gid: process.getgid!() });
    } finally {
      closeAll(a, b);
    }
  });

  it('SO_RCVTIMEO really times a blocking recv out with EAGAIN', () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    try {
      s.setsockopt(a, s.SOL_SOCKET, s.SO_RCVTIMEO, { sec: 0, usec: 50_000 });
      let t0 = process.hrtime.bigint();
      expect(() =>
        againOnEintr(() => {
          t0 = process.hrtime.bigint(); // the timeout starts again with each call
          return s.recv(a, Buffer.alloc(1));
        }),
      ).toThrow(expect.objectContaining({ code: 'EAGAIN', syscall: 'recv' }));
      expect(Number(process.hrtime.bigint() - t0) / 1e6).toBeGreaterThanOrEqual(40);
    } finally {
      closeAll(a, b);
    }
  });

  it('errors: unknown option ENOPROTOOPT, a struct shape for the wrong option is a TypeError', () => {
    const fd = s.socket(s.AF_INET, s.SOCK_STREAM);
    try {
      expect(() => s.setsockopt(fd, s.SOL_SOCKET, 9999, 1)).toThrow(expect.objectContaining({ code: 'ENOPROTOOPT', syscall: 'setsockopt' }));
      expect(() => s.getsockopt(fd, s.SOL_SOCKET, 9999)).toThrow(expect.objectContaining({ code: 'ENOPROTOOPT', syscall: 'getsockopt' }));
      // the types refuse these too (SO_REUSEADDR is an int option, SO_LINGER takes a Linger): at run time, a TypeError
      // @ts-expect-error a struct for an int option
      expect(() => s.setsockopt(fd, s.SOL_SOCKET, s.SO_REUSEADDR, { onoff: 1, linger: 1 })).toThrow(
        expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' }),
      );
      // @ts-expect-error a timeval for SO_LINGER
      expect(() => s.setsockopt(fd, s.SOL_SOCKET, s.SO_LINGER, { sec: 1, usec: 1 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    } finally {
      s.close(fd);
    }
  });
});
