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
        expect.objectContaining({ code: 'ENOENT', syscall: 'connect', address: '/nonexistent/sockfd.sock', message: 'connect ENOENT: no such file or directory /nonexistent/sockfd.sock' }),
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

describe('names that are not UTF-8 pass back unchanged', () => {
  it("an abstract name '\\0name\\0\\xff' comes back as a Buffer of its bytes, and connect() to it reaches it", () => {
    const name = Buffer.from([0, ...Buffer.from('sockfd-'), ...Buffer.from(String(process.pid)), 0, 0xff]);
    const server = s.socket(s.AF_UNIX, s.SOCK_STREAM);
    const client = s.socket(s.AF_UNIX, s.SOCK_STREAM);
    let conn = -1;
    try {
      s.bind(server, { family: 'AF_UNIX', path: name });
      s.listen(server, 1);
      const got = s.getsockname(server) as s.UnixAddress;
      expect(got.path).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(got.path as Uint8Array).equals(name)).toBe(true);
      s.connect(client, got); // passed back as it came
      expect(Buffer.from((s.getpeername(client) as s.UnixAddress).path as Uint8Array).equals(name)).toBe(true);
      conn = s.accept(server).fd;
    } finally {
      closeAll(client, conn, server);
    }
  });

  it('a path name ending in byte 0xff: bind, getsockname, sendto the name recvfrom gave', () => {
    withTmpDir((dir) => {
      const path = Buffer.concat([Buffer.from(join(dir, 'a')), Buffer.from([0xff])]);
      const a = s.socket(s.AF_UNIX, s.SOCK_DGRAM);
      const b = s.socket(s.AF_UNIX, s.SOCK_DGRAM);
      try {
        s.bind(a, { family: 'AF_UNIX', path });
        s.bind(b, { family: 'AF_UNIX', path: join(dir, 'b') });
        s.sendto(a, 'ping', undefined, 0, { family: 'AF_UNIX', path: join(dir, 'b') });
        const buf = Buffer.alloc(8);
        const { addr } = s.recvfrom(b, buf);
        expect(Buffer.from((addr as s.UnixAddress).path as Uint8Array).equals(path)).toBe(true);
        expect(s.sendto(b, 'pong', undefined, 0, addr)).toBe(4); // the name as it came back
        expect(s.recv(a, buf)).toBe(4);
        // a name that is UTF-8 stays a string, multi-byte characters included
        const utf8 = s.socket(s.AF_UNIX, s.SOCK_DGRAM);
        try {
          s.bind(utf8, { family: 'AF_UNIX', path: join(dir, '好') });
          expect(s.getsockname(utf8)).toEqual({ family: 'AF_UNIX', path: join(dir, '好') });
        } finally {
          s.close(utf8);
        }
      } finally {
        closeAll(a, b);
      }
    });
  });

  it('bytes that only look like UTF-8 are Buffers: overlong forms, surrogates, past U+10FFFF, cut short', () => {
    for (const bad of [[0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe4, 0xbd]]) {
      const name = Buffer.from([0, ...Buffer.from(`sockfd-${process.pid}-`), ...bad]);
      const fd = s.socket(s.AF_UNIX, s.SOCK_DGRAM);
      try {
        s.bind(fd, { family: 'AF_UNIX', path: name });
        const path = (s.getsockname(fd) as s.UnixAddress).path;
        expect(path, name.toString('hex')).toBeInstanceOf(Uint8Array);
        expect(Buffer.from(path as Uint8Array).equals(name)).toBe(true);
      } finally {
        s.close(fd);
      }
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
