// AF_UNIX: stream and datagram sockets with path names, the abstract namespace, unnamed sockets.
import { join } from 'node:path';
import { existsSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import * as s from 'sockfd';

import { closeAll, withTmpDir } from './helpers.js';

describe('AF_UNIX stream', () => {
  it('bind/listen/accept/connect on a path; addresses round-trip', () => {
    withTmpDir((dir) => {
      const path = join(dir, 'server.sock');
      const server = s.socket(s.AF_UNIX, s.SOCK_STREAM);
      const client = s.socket(s.AF_UNIX, s.SOCK_STREAM);
      let conn = -1;
      try {
        s.bind(server, { family: 'AF_UNIX', path });
        expect(existsSync(path)).toBe(true);
        s.listen(server, 1);
        expect(s.getsockname(server)).toEqual({ family: 'AF_UNIX', path });
        s.connect(client, s.getsockname(server)!);
        const accepted = s.accept(server);
        conn = accepted.fd;
        expect(accepted.addr).toEqual({ family: 'AF_UNIX', path: '' }); // the client is unnamed
        expect(s.getpeername(client)).toEqual({ family: 'AF_UNIX', path });
        s.send(client, '你好啊服务器!\n\0');
        const buf = Buffer.alloc(64);
        const n = s.recv(conn, buf);
        expect(buf.toString('utf8', 0, n)).toBe('你好啊服务器!\n\0');
      } finally {
        closeAll(client, conn, server);
      }
    });
  });

  it('a missing path is ENOENT with the path in the error', () => {
    const fd = s.socket(s.AF_UNIX, s.SOCK_STREAM);
    try {
      expect(() => s.connect(fd, { family: 'AF_UNIX', path: '/nonexistent/sockfd.sock' })).toThrow(
        expect.objectContaining({ code: 'ENOENT', syscall: 'connect', address: '/nonexistent/sockfd.sock', message: 'connect ENOENT /nonexistent/sockfd.sock' }),
      );
    } finally {
      s.close(fd);
    }
  });

  it('the abstract namespace (leading NUL) works and round-trips; autobind gives an abstract name', () => {
    const name = `\0sockfd-test-${process.pid}-${Math.random().toString(36).slice(2)}`;
    const server = s.socket(s.AF_UNIX, s.SOCK_STREAM);
    const client = s.socket(s.AF_UNIX, s.SOCK_STREAM);
    let conn = -1;
    try {
      s.bind(server, { family: 'AF_UNIX', path: name });
      s.listen(server);
      expect(s.getsockname(server)).toEqual({ family: 'AF_UNIX', path: name });
      s.bind(client, { family: 'AF_UNIX' }); // autobind
      const auto = s.getsockname(client) as { path: string };
      expect(auto.path).toMatch(/^\0[0-9a-f]{5}$/);
      s.connect(client, { family: 'AF_UNIX', path: name });
      const accepted = s.accept(server);
      conn = accepted.fd;
      expect(accepted.addr).toEqual({ family: 'AF_UNIX', path: auto.path });
    } finally {
      closeAll(client, conn, server);
    }
  });
});

describe('AF_UNIX datagram', () => {
  it('sendto/recvfrom between two bound paths; the sender address comes back', () => {
    withTmpDir((dir) => {
      const a = s.socket(s.AF_UNIX, s.SOCK_DGRAM);
      const b = s.socket(s.AF_UNIX, s.SOCK_DGRAM);
      try {
        s.bind(a, { family: 'AF_UNIX', path: join(dir, 'a') });
        s.bind(b, { family: 'AF_UNIX', path: join(dir, 'b') });
        expect(s.sendto(a, 'to b', undefined, 0, { family: 'AF_UNIX', path: join(dir, 'b') })).toBe(4);
        const buf = Buffer.alloc(8);
        expect(s.recvfrom(b, buf)).toEqual({ bytes: 4, addr: { family: 'AF_UNIX', path: join(dir, 'a') } });
      } finally {
        closeAll(a, b);
      }
    });
  });

  it('socketpair(SOCK_DGRAM) keeps message boundaries', () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_DGRAM);
    try {
      s.send(a, 'one');
      s.send(a, 'two!');
      const buf = Buffer.alloc(16);
      expect(s.recv(b, buf)).toBe(3);
      expect(s.recv(b, buf)).toBe(4);
    } finally {
      closeAll(a, b);
    }
  });
});
