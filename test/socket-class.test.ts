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

describe('Socket you can see and stream', () => {
  it('inspect() shows fd, family, type, protocol and both addresses, as Python\'s repr; a closed one says so', async () => {
    const { inspect } = await import('node:util');
    const server = new Socket(s.AF_INET, s.SOCK_STREAM);
    const client = new Socket(s.AF_INET, s.SOCK_STREAM);
    server.bind(loopback);
    server.listen();
    const port = (server.getsockname() as s.InetAddress).port;
    expect(inspect(server)).toBe(`Socket { fd: ${server.fd}, family: 'AF_INET', type: 'SOCK_STREAM', proto: ${s.IPPROTO_TCP}, laddr: '127.0.0.1:${port}' }`);
    const [[conn]] = await Promise.all([server.accept(), client.connect(server.getsockname()!)]);
    const local = client.getsockname() as s.InetAddress;
    expect(inspect(client)).toBe(`Socket { fd: ${client.fd}, family: 'AF_INET', type: 'SOCK_STREAM', proto: ${s.IPPROTO_TCP}, laddr: '127.0.0.1:${local.port}', raddr: '127.0.0.1:${port}' }`);
    for (const sock of [server, client, conn]) sock.close();
    expect(inspect(client)).toBe('Socket [closed]');
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_SEQPACKET);
    const pair = Socket.from(a);
    expect(inspect(pair)).toBe(`Socket { fd: ${a}, family: 'AF_UNIX', type: 'SOCK_SEQPACKET', proto: 0, laddr: '""', raddr: '""' }`);
    pair.close();
    s.close(b);
  });

  it('family, type and proto: read once with getsockopt, kept after close; EBADF if never read before', () => {
    const sock = new Socket(s.AF_INET6, s.SOCK_DGRAM);
    expect([sock.family, sock.type, sock.proto]).toEqual([s.AF_INET6, s.SOCK_DGRAM, s.IPPROTO_UDP]);
    sock.close();
    expect([sock.family, sock.type, sock.proto]).toEqual([s.AF_INET6, s.SOCK_DGRAM, s.IPPROTO_UDP]);
    const other = new Socket(s.AF_INET, s.SOCK_STREAM);
    other.close();
    expect(() => other.family).toThrow(expect.objectContaining({ code: 'EBADF', syscall: 'getsockopt' }));
  });

  it('for await: a stream to its end, chunk by chunk; a datagram socket one message each (empty ones too) until closed', async () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    const reader = Socket.from(a);
    const sent = Buffer.alloc(300_000).map((_, i) => i % 251);
    const writing = (async () => {
      await (await import('sockfd/promises')).sendAll(b, sent);
      s.shutdown(b, s.SHUT_WR);
    })();
    const chunks: Buffer[] = [];
    for await (const chunk of reader) chunks.push(chunk);
    await writing;
    expect(Buffer.concat(chunks).equals(sent)).toBe(true);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(65536);
    reader.close();
    s.close(b);

    const [x, y] = s.socketpair(s.AF_UNIX, s.SOCK_DGRAM);
    const dgram = Socket.from(x);
    for (const m of ['one', '', 'three']) s.send(y, m);
    const got: string[] = [];
    for await (const m of dgram) {
      got.push(m.toString());
      if (got.length === 3) setImmediate(() => dgram.close()); // the loop ends when the socket closes
    }
    expect(got).toEqual(['one', '', 'three']);
    s.close(y);
  });

  it('toDuplex(): stream.pipeline echoes a node:net client\'s megabyte back, and end() is shutdown(SHUT_WR)', async () => {
    const { pipeline } = await import('node:stream/promises');
    const { randomBytes } = await import('node:crypto');
    const server = new Socket(s.AF_INET, s.SOCK_STREAM);
    server.bind(loopback);
    server.listen();
    const port = (server.getsockname() as s.InetAddress).port;
    const data = randomBytes(1 << 20);
    const client = net.connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    client.on('data', (d) => received.push(d));
    const [conn] = await server.accept();
    const duplex = conn.toDuplex();
    const echoing = pipeline(duplex, duplex); // the server echoes until the client's FIN, then sends its own
    client.end(data);
    await Promise.all([echoing, once(client, 'end')]);
    expect(Buffer.concat(received).equals(data)).toBe(true);
    expect(conn.closed).toBe(true); // the pipeline destroyed the Duplex, which closed the socket
    client.destroy();
    server.close();
    const udp = new Socket(s.AF_INET, s.SOCK_DGRAM);
    expect(() => udp.toDuplex()).toThrow(expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' }));
    udp.close();
  });
});
