// The Socket class: Python-style socket object over the same syscalls, disposal, and handing the fd to
// node:net.
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import net from 'node:net';

import { describe, expect, it } from 'vitest';

import * as s from 'sockfd';
import { Socket } from 'sockfd';

import { isOpen } from './helpers.js';

const loopback = { family: 'AF_INET', address: '127.0.0.1', port: 0 } as const;

describe('Socket', () => {
  it('reads like the C: socket, setsockopt, bind, listen, accept, connect, send, recv, close', async () => {
    const server = new Socket(s.AF_INET, s.SOCK_STREAM);
    const client = new Socket(s.AF_INET, s.SOCK_STREAM);
    try {
      server.setsockopt(s.SOL_SOCKET, s.SO_REUSEADDR, 1);
      expect(server.getsockopt(s.SOL_SOCKET, s.SO_REUSEADDR)).toBe(1);
      server.bind(loopback);
      server.listen(8);
      const accepting = server.accept();
      await client.connect(server.getsockname()!);
      const [conn, addr] = await accepting;
      try {
        expect(conn).toBeInstanceOf(Socket);
        expect(addr).toEqual(client.getsockname());
        expect(conn.getpeername()).toEqual(client.getsockname());
        expect(await client.sendAll('hello')).toBe(5);
        const buf = new Uint8Array(16);
        expect(await conn.recv(buf)).toBe(5);
        expect(Buffer.from(buf.subarray(0, 5)).toString()).toBe('hello');
        conn.shutdown(s.SHUT_WR);
        expect(await client.recv(buf)).toBe(0);
        expect(await client.send('bye')).toBe(3);
        const r = await conn.recvfrom(buf);
        expect(r.bytes).toBe(3);
      } finally {
        conn.close();
      }
    } finally {
      server.close();
      client.close();
    }
  });

  it('UDP sendto/recvfrom, and Socket.from() takes over an existing fd', async () => {
    const fd = s.socket(s.AF_INET, s.SOCK_DGRAM);
    const a = Socket.from(fd);
    const b = new Socket(s.AF_INET, s.SOCK_DGRAM);
    try {
      expect(a.fd).toBe(fd);
      a.bind(loopback);
      b.bind(loopback);
      const buf = new Uint8Array(8);
      const receiving = a.recvfrom(buf);
      await b.sendto('ping', undefined, 0, a.getsockname());
      expect(await receiving).toEqual({ bytes: 4, addr: b.getsockname() });
    } finally {
      a.close();
      b.close();
    }
    expect(isOpen(fd)).toBe(false);
    const file = openSync('/dev/null', 'r');
    try {
      expect(() => Socket.from(file)).toThrow(expect.objectContaining({ code: 'ENOTSOCK', syscall: 'getsockopt' }));
    } finally {
      closeSync(file);
    }
    expect(() => Socket.from(-1)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
  });

  it('close() cancels pending calls, is idempotent, and a closed Socket fails with EBADF like C', async () => {
    const sock = new Socket(s.AF_INET, s.SOCK_STREAM);
    sock.bind(loopback);
    sock.listen();
    const fd = sock.fd;
    const pending = sock.accept();
    sock.close();
    await expect(pending).rejects.toMatchObject({ code: 'ECANCELED' });
    sock.close();
    expect(sock.closed).toBe(true);
    expect(sock.fd).toBe(-1);
    expect(isOpen(fd)).toBe(false);
    expect(() => sock.listen()).toThrow(expect.objectContaining({ code: 'EBADF', errno: s.EBADF, syscall: 'listen' }));
    await expect(sock.recv(new Uint8Array(1))).rejects.toMatchObject({ code: 'EBADF', syscall: 'recv' });
  });

  it('`using` and `await using` close the socket at the end of the block', async () => {
    let fd1: number;
    let fd2: number;
    {
      using sock = new Socket(s.AF_UNIX, s.SOCK_STREAM);
      fd1 = sock.fd;
      expect(isOpen(fd1)).toBe(true);
    }
    expect(isOpen(fd1)).toBe(false);
    {
      await using sock = new Socket(s.AF_UNIX, s.SOCK_DGRAM);
      fd2 = sock.fd;
    }
    expect(isOpen(fd2)).toBe(false);
  });

  it('hands a connected fd to node:net with detach(): new net.Socket({ fd })', async () => {
    const server = new Socket(s.AF_INET, s.SOCK_STREAM);
    server.bind(loopback);
    server.listen();
    const client = new Socket(s.AF_INET, s.SOCK_STREAM);
    const accepting = server.accept();
    await client.connect(server.getsockname()!);
    const [conn] = await accepting;
    try {
      // sockfd/promises has waited on this fd: detach() also takes it out of the engine.
      const buf = new Uint8Array(8);
      const r = conn.recv(buf);
      await client.send('1');
      await r;
      const fd = conn.detach();
      expect(conn.fd).toBe(-1);
      const socket = new net.Socket({ fd, readable: true, writable: true });
      socket.write('from node:net');
      const got = new Uint8Array(32);
      let n = 0;
      while (n < 13) n += await client.recv(got.subarray(n));
      expect(Buffer.from(got.subarray(0, n)).toString()).toBe('from node:net');
      const data = once(socket, 'data');
      await client.send('to node:net');
      expect(String((await data)[0])).toBe('to node:net');
      socket.destroy();
      await once(socket, 'close');
      expect(isOpen(fd)).toBe(false); // node:net owned and closed it
    } finally {
      server.close();
      client.close();
    }
  });

  it('hands a listening fd to node:net: server.listen({ fd })', async () => {
    const sock = new Socket(s.AF_INET, s.SOCK_STREAM);
    sock.bind(loopback);
    sock.listen();
    const { port } = sock.getsockname() as { port: number };
    const fd = sock.detach();
    const server = net.createServer((c) => c.end('served by node:net'));
    server.listen({ fd });
    await once(server, 'listening');
    const client = new Socket(s.AF_INET, s.SOCK_STREAM);
    try {
      await client.connect({ family: 'AF_INET', address: '127.0.0.1', port });
      const buf = new Uint8Array(64);
      let n = 0;
      for (let got; (got = await client.recv(buf.subarray(n))) > 0; ) n += got;
      expect(Buffer.from(buf.subarray(0, n)).toString()).toBe('served by node:net');
    } finally {
      client.close();
      server.close();
      await once(server, 'close');
    }
    expect(isOpen(fd)).toBe(false);
  });
});
