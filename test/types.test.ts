// Types that catch mistakes: this file is type-checked with the tests (`npx tsc -p test/tsconfig.json`,
// a step of .ci/run), and every `@ts-expect-error` line must be an error, or the check fails. The code
// without one must compile as written, without casts. The test at the end makes the same calls for
// real, so the types describe what the calls do.
import { describe, expect, it } from 'vitest';

import * as s from 'sockfd';
import type { InetAddress, Linger, TcpInfo, Timeval } from 'sockfd';

function swappedArgumentsDoNotCompile(fd: number): void {
  // @ts-expect-error socket(type, domain): a SocketType where a Domain goes
  s.socket(s.SOCK_STREAM, s.AF_INET, 0);
  // @ts-expect-error a level where the option name goes and the other way round
  s.getsockopt(fd, s.SO_ERROR, s.SOL_SOCKET);
  // @ts-expect-error setsockopt(fd, optname, level, value)
  s.setsockopt(fd, s.SO_REUSEADDR, s.SOL_SOCKET, 1);
  // @ts-expect-error a MSG_ flag where shutdown's how goes
  s.shutdown(fd, s.MSG_PEEK);
  // @ts-expect-error a SHUT_ constant as recv's flags
  s.recv(fd, Buffer.alloc(1), undefined, s.SHUT_WR);
  // @ts-expect-error new Socket(type, domain)
  new s.Socket(s.SOCK_DGRAM, s.AF_INET6);
  // @ts-expect-error an int option given a struct
  s.setsockopt(fd, s.SOL_SOCKET, s.SO_REUSEADDR, { onoff: 1, linger: 0 });
  // @ts-expect-error SO_LINGER given an int
  s.setsockopt(fd, s.SOL_SOCKET, s.SO_LINGER, 1);
  // @ts-expect-error an int option does not read as a Linger
  const wrong: Linger = s.getsockopt(fd, s.SOL_SOCKET, s.SO_ERROR);
  // @ts-expect-error SO_COOKIE is bytes: read with a length only
  s.getsockopt(fd, s.SOL_SOCKET, s.SO_COOKIE);
  void wrong;
}

function correctCodeCompilesWithoutCasts(fd: number): void {
  const tcp = s.socket(s.AF_INET, s.SOCK_STREAM | s.SOCK_NONBLOCK, 0); // a computed type is a plain number
  s.socket(2, 1, 0); // plain numbers still work where a user has one
  const err: number = s.getsockopt(fd, s.SOL_SOCKET, s.SO_ERROR);
  const linger: Linger = s.getsockopt(fd, s.SOL_SOCKET, s.SO_LINGER);
  const timeout: Timeval = s.getsockopt(fd, s.SOL_SOCKET, s.SO_RCVTIMEO);
  const info: TcpInfo = s.getsockopt(fd, s.IPPROTO_TCP, s.TCP_INFO);
  const cc: string = s.getsockopt(fd, s.IPPROTO_TCP, s.TCP_CONGESTION);
  const bytes: Uint8Array = s.getsockopt(fd, s.SOL_SOCKET, s.SO_COOKIE, 8);
  s.setsockopt(fd, s.SOL_SOCKET, s.SO_REUSEADDR, 1);
  s.setsockopt(fd, s.SOL_SOCKET, s.SO_LINGER, { onoff: 1, linger: 0 });
  s.setsockopt(fd, s.IPPROTO_IP, s.IP_ADD_MEMBERSHIP, { multiaddr: '239.1.2.3', ifindex: 1 });
  s.setsockopt(fd, s.SOL_SOCKET, s.SO_ATTACH_FILTER, [{ code: s.BPF_RET | s.BPF_K, k: 0xffff }]);
  s.recv(fd, Buffer.alloc(1), undefined, s.MSG_PEEK | s.MSG_DONTWAIT);
  const { port }: InetAddress = s.asInet(s.getsockname(tcp));
  const level: number = s.SOL_SOCKET; // every constant is a number
  void err, linger, timeout, info, cc, bytes, port, level;
}

describe('types', () => {
  it('the calls the type-level lines make do what their types say', () => {
    const fd = s.socket(s.AF_INET, s.SOCK_STREAM);
    try {
      s.bind(fd, { family: 'AF_INET', address: '127.0.0.1' });
      expect(typeof s.getsockopt(fd, s.SOL_SOCKET, s.SO_ERROR)).toBe('number');
      expect(s.getsockopt(fd, s.SOL_SOCKET, s.SO_LINGER)).toEqual({ onoff: 0, linger: 0 });
      expect(s.asInet(s.getsockname(fd)).address).toBe('127.0.0.1');
      expect(() => s.asInet6(s.getsockname(fd))).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
      expect(() => s.asInet(undefined as never)).toThrow(expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })); // the fuzzer's find
      // what the compiler now refuses, made anyway: socket(SOCK_STREAM, AF_INET) is socket(1, 2), a valid
      // AF_UNIX datagram socket, and no error at run time would have said so
      const swapped = s.socket(Number(s.SOCK_STREAM), Number(s.AF_INET));
      expect([s.getsockopt(swapped, s.SOL_SOCKET, s.SO_DOMAIN), s.getsockopt(swapped, s.SOL_SOCKET, s.SO_TYPE)]).toEqual([s.AF_UNIX, s.SOCK_DGRAM]);
      s.close(swapped);
    } finally {
      s.close(fd);
    }
    expect([swappedArgumentsDoNotCompile, correctCodeCompilesWithoutCasts].every((f) => typeof f === 'function')).toBe(true);
  });
});
