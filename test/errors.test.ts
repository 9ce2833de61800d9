// Syscall errors as Node words them (`bind EADDRINUSE: address already in use 127.0.0.1:4321`), the
// hints for a learner's usual mistakes, and lookup errors that say whose number their errno is.
import { getSystemErrorMap } from 'node:util';

import { describe, expect, it } from 'vitest';

import * as s from 'sockfd';

import { closeAll, tcpListener } from './helpers.js';

const thrown = (f: () => unknown): Error & { code: string; errno: number; syscall: string } => {
  try {
    f();
  } catch (e) {
    return e as never;
  }
  throw new Error('did not throw');
};

describe('syscall errors', () => {
  it('carry the text Node gives the same errno, in Node\'s form; code, errno and syscall as before', () => {
    const server = tcpListener();
    const fd = s.socket(s.AF_INET, s.SOCK_STREAM);
    const unix = s.socket(s.AF_UNIX, s.SOCK_STREAM);
    try {
      const e = thrown(() => s.bind(fd, { family: 'AF_INET', address: '127.0.0.1', port: server.port }));
      expect(e.message).toBe(`bind EADDRINUSE: address already in use 127.0.0.1:${server.port}`);
      expect(e).toMatchObject({ code: 'EADDRINUSE', errno: s.EADDRINUSE, syscall: 'bind', address: '127.0.0.1', port: server.port });
      // node:util's map is libuv's table, which Node's own errors print
      const nodeText = (errno: number) => getSystemErrorMap().get(-errno)![1];
      expect(e.message).toContain(nodeText(s.EADDRINUSE));
      for (const [call, errno] of [
        [() => s.close(999_999), s.EBADF],
        [() => s.recv(fd, Buffer.alloc(1), undefined, s.MSG_DONTWAIT), s.ENOTCONN],
        [() => s.connect(unix, { family: 'AF_UNIX', path: '/nonexistent/x' }), s.ENOENT],
      ] as const) {
        const err = thrown(call);
        expect(err.errno).toBe(errno);
        expect(err.message).toContain(`${err.code}: ${nodeText(errno)}`);
      }
    } finally {
      closeAll(fd, unix, server.fd);
    }
  });

  it('say what usually went wrong: accept before listen, sendto without an address, listen on a datagram socket', () => {
    const fd = s.socket(s.AF_INET, s.SOCK_STREAM);
    const udp = s.socket(s.AF_INET, s.SOCK_DGRAM);
    try {
      s.bind(fd, { family: 'AF_INET', address: '127.0.0.1' });
      expect(thrown(() => s.accept(fd)).message).toBe('accept4 EINVAL: invalid argument (accept() takes a listening socket: call listen(fd, backlog) after bind() first)');
      expect(thrown(() => s.sendto(udp, 'x', undefined, 0)).message).toMatch(/^sendto EDESTADDRREQ: destination address required \(a datagram socket needs a destination/);
      expect(thrown(() => s.listen(udp, 1)).message).toMatch(/^listen EOPNOTSUPP: operation not supported on socket \(only stream sockets/);
      const e = thrown(() => s.connect(fd, { family: 'AF_INET', address: 'localhost', port: 80 }));
      expect(e).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_IP_ADDRESS' });
      expect(e.message).toBe('Invalid IPv4 address: localhost (a host name? addresses are numeric here: look the name up with getaddrinfo() first)');
      expect(thrown(() => s.connect(fd, { family: 'AF_INET', address: '1.2.3', port: 80 })).message).toBe('Invalid IPv4 address: 1.2.3');
    } finally {
      closeAll(fd, udp);
    }
  });

  it('a closed Socket\'s EBADF is worded like the addon\'s', () => {
    const sock = new s.Socket(s.AF_INET, s.SOCK_STREAM);
    sock.close();
    expect(thrown(() => sock.getsockname()).message).toBe('getsockname EBADF: bad file descriptor');
  });
});

describe('lookup errors', () => {
  it('keep the EAI_* code and say their errno is an EAI_* value, not an errno', () => {
    const e = thrown(() => s.getaddrinfo(null, 'no-such-service-sockfd', { socktype: s.SOCK_STREAM }));
    expect(e.code).toMatch(/^EAI_/);
    expect(e.errno).toBe((s as unknown as Record<string, number>)[e.code]);
    expect(e.message).toBe(`getaddrinfo ${e.code}: ${(e as unknown as { description: string }).description.replace(/^./, (c) => c.toLowerCase())} (errno ${e.errno} is an EAI_* value of <netdb.h>, not an errno)`);
  });
});
