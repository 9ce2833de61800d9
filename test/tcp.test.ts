// TCP over IPv4 and IPv6 on loopback: bind, listen, accept, connect, getsockname, getpeername, send,
// recv, recvfrom, readv/writev, EADDRINUSE and SO_REUSEADDR (TIME_WAIT), half-close, SO_REUSEPORT.
import { describe, expect, it } from 'vitest';

import * as s from 'sockfd';

import { closeAll, fdFlags, O_CLOEXEC, O_NONBLOCK, tcpListener } from './helpers.js';

const families = [
  { name: 'AF_INET', af: s.AF_INET, loopback: '127.0.0.1' },
  { name: 'AF_INET6', af: s.AF_INET6, loopback: '::1' },
] as const;

describe.each(families)('TCP over $name', ({ name, af, loopback }) => {
  it('connects, accepts and exchanges data both ways', () => {
    const server = tcpListener(name);
    const client = s.socket(af, s.SOCK_STREAM);
    let conn = -1;
    try {
      expect(s.getsockopt(server.fd, s.SOL_SOCKET, s.SO_ACCEPTCONN)).toBe(1);
      s.connect(client, { family: name, address: loopback, port: server.port });
      const accepted = s.accept(server.fd);
      conn = accepted.fd;
      expect(fdFlags(conn) & O_CLOEXEC).toBe(O_CLOEXEC);
      const local = s.getsockname(client)!;
      expect(accepted.addr).toEqual(local);
      expect(s.getpeername(conn)).toEqual(local);
      expect(s.getpeername(client)).toMatchObject({ family: name, address: loopback, port: server.port });
      expect(s.getsockname(conn)).toMatchObject({ family: name, address: loopback, port: server.port });
      if (name === 'AF_INET6') expect(local).toMatchObject({ flowinfo: 0, scopeId: 0 });

      expect(s.send(client, 'hello, server')).toBe(13);
      const buf = new Uint8Array(64);
      expect(s.recv(conn, buf)).toBe(13);
      expect(Buffer.from(buf.subarray(0, 13)).toString()).toBe('hello, server');
      // recvfrom on a connected stream: the kernel reports no source address
      s.send(conn, new Uint16Array([1, 2, 3]));
      const r = s.recvfrom(client, buf);
      expect(r.bytes).toBe(6);
      expect(r.addr).toBeNull();
      expect([...new Uint16Array(buf.buffer, 0, 3)]).toEqual([1, 2, 3]);
    } finally {
      closeAll(client, conn, server.fd);
    }
  });

  it('accept(fd, SOCK_NONBLOCK) gives a non-blocking fd; a non-blocking listener with no client is EAGAIN', () => {
    const server = tcpListener(name);
    const client = s.socket(af, s.SOCK_STREAM);
    let conn = -1;
    try {
      s.setNonBlocking(server.fd, true);
      expect(() => s.accept(server.fd)).toThrow(expect.objectContaining({ code: 'EAGAIN', syscall: 'accept4' }));
      s.connect(client, { family: name, address: loopback, port: server.port });
      conn = s.accept(server.fd, s.SOCK_NONBLOCK).fd;
      expect(fdFlags(conn) & O_NONBLOCK).toBe(O_NONBLOCK);
    } finally {
      closeAll(client, conn, server.fd);
    }
  });

  it('refused connect throws ECONNREFUSED with the address', () => {
    const { fd: probe, port } = tcpListener(name);
    s.close(probe); // nothing listens on this port now
    const client = s.socket(af, s.SOCK_STREAM);
    try {
      let err: any;
      try {
        s.connect(client, { family: name, address: loopback, port });
      } catch (e) {
        err = e;
      }
      const shown = name === 'AF_INET' ? `127.0.0.1:${port}` : `::1:${port}`;
      expect(err).toMatchObject({ code: 'ECONNREFUSED', errno: s.ECONNREFUSED, syscall: 'connect', address: loopback, port });
      expect(err.message).toBe(`connect ECONNREFUSED: connection refused ${shown}`);
    } finally {
      s.close(client);
    }
  });

  it('a large transfer arrives whole through partial sends and recvs', () => {
    const server = tcpListener(name);
    const client = s.socket(af, s.SOCK_STREAM | s.SOCK_NONBLOCK);
    let conn = -1;
    try {
      try {
        s.connect(client, { family: name, address: loopback, port: server.port });
      } catch (e: any) {
        expect(e.code).toBe('EINPROGRESS');
      }
      conn = s.accept(server.fd).fd;
      s.setNonBlocking(conn, true);
      const data = Buffer.alloc(4 << 20);
      for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 0xff;
      const got = Buffer.alloc(data.length);
      let sent = 0;
      let received = 0;
      while (received < data.length) {
        if (sent < data.length) {
          try {
            sent += s.send(client, data.subarray(sent));
          } catch (e: any) {
            if (e.code !== 'EAGAIN') throw e;
          }
        }
        try {
          const n = s.recv(conn, got.subarray(received));
          expect(n).toBeGreaterThan(0);
          received += n;
        } catch (e: any) {
          if (e.code !== 'EAGAIN') throw e;
        }
      }
      expect(got.equals(data)).toBe(true);
    } finally {
      closeAll(client, conn, server.fd);
    }
  });
});

describe('EADDRINUSE and SO_REUSEADDR (the seeds\' TIME_WAIT story)', () => {
  // The side that closes first keeps the port in TIME_WAIT. Like the seed's server, the listener sets
  // SO_REUSEADDR (Linux lets a new bind share the port only if the TIME_WAIT socket had it too).
  function leaveTimeWait(): number {
    const server = tcpListener('AF_INET', true);
    const client = s.socket(s.AF_INET, s.SOCK_STREAM);
    s.connect(client, { family: 'AF_INET', address: '127.0.0.1', port: server.port });
    const conn = s.accept(server.fd).fd;
    s.close(conn); // the server closes first: its port goes to TIME_WAIT
    const buf = Buffer.alloc(1);
    expect(s.recv(client, buf)).toBe(0);
    s.close(client);
    s.close(server.fd);
    return server.port;
  }

  it('a second bind to a listening port is EADDRINUSE, even with SO_REUSEADDR on both', () => {
    const server = tcpListener('AF_INET', true);
    const other = s.socket(s.AF_INET, s.SOCK_STREAM);
    try {
      const inUse = expect.objectContaining({ code: 'EADDRINUSE', syscall: 'bind', message: `bind EADDRINUSE: address already in use 127.0.0.1:${server.port}` });
      expect(() => s.bind(other, { family: 'AF_INET', address: '127.0.0.1', port: server.port })).toThrow(inUse);
      s.setsockopt(other, s.SOL_SOCKET, s.SO_REUSEADDR, 1);
      // SO_REUSEADDR is for TIME_WAIT, not for two listeners (that is SO_REUSEPORT)
      expect(() => s.bind(other, { family: 'AF_INET', address: '127.0.0.1', port: server.port })).toThrow(inUse);
    } finally {
      closeAll(other, server.fd);
    }
  });

  it('a port in TIME_WAIT: EADDRINUSE without SO_REUSEADDR, bind works with it', () => {
    const port = leaveTimeWait();
    const without = s.socket(s.AF_INET, s.SOCK_STREAM);
    const withOpt = s.socket(s.AF_INET, s.SOCK_STREAM);
    try {
      expect(() => s.bind(without, { family: 'AF_INET', address: '127.0.0.1', port })).toThrow(expect.objectContaining({ code: 'EADDRINUSE' }));
      s.setsockopt(withOpt, s.SOL_SOCKET, s.SO_REUSEADDR, true);
      s.bind(withOpt, { family: 'AF_INET', address: '127.0.0.1', port });
      s.listen(withOpt, 1);
      expect(s.getsockname(withOpt)).toEqual({ family: 'AF_INET', address: '127.0.0.1', port });
    } finally {
      closeAll(without, withOpt);
    }
  });
});

describe('half-close with shutdown(SHUT_WR) over TCP', () => {
  it('the peer recv()s 0, still sends back, and the closer still reads', () => {
    const server = tcpListener();
    const client = s.socket(s.AF_INET, s.SOCK_STREAM);
    let conn = -1;
    try {
      s.connect(client, { family: 'AF_INET', address: '127.0.0.1', port: server.port });
      conn = s.accept(server.fd).fd;
      s.send(client, 'request');
      s.shutdown(client, s.SHUT_WR);
      const buf = Buffer.alloc(64);
      expect(s.recv(conn, buf)).toBe(7);
      expect(s.recv(conn, buf)).toBe(0);
      expect(s.send(conn, 'response after FIN')).toBe(18);
      s.close(conn);
      conn = -1;
      expect(s.recv(client, buf, undefined, s.MSG_WAITALL)).toBe(18);
      expect(buf.toString('utf8', 0, 18)).toBe('response after FIN');
      expect(s.recv(client, buf)).toBe(0);
    } finally {
      closeAll(client, conn, server.fd);
    }
  });
});

describe('readv() / writev()', () => {
  it('gathers and scatters over several buffers of mixed kinds', () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
    try {
      expect(s.writev(a, ['head:', Buffer.from('body'), new Uint8Array([0x21, 0x21])])).toBe(11);
      const x = Buffer.alloc(5);
      const y = new Uint8Array(3);
      const z = new DataView(new ArrayBuffer(8));
      expect(s.readv(b, [x, y, z])).toBe(11);
      expect(x.toString()).toBe('head:');
      expect(Buffer.from(y).toString()).toBe('bod');
      expect(Buffer.from(z.buffer, 0, 3).toString()).toBe('y!!');
      expect(s.writev(a, [])).toBe(0);
      expect(() => s.writev(a, new Array(1025).fill('x'))).toThrow(expect.objectContaining({ code: 'EINVAL', syscall: 'writev' }));
    } finally {
      closeAll(a, b);
    }
  });
});

describe('SO_REUSEPORT', () => {
  it('lets several listening sockets share a port, and the kernel spreads connections across them', () => {
    const listeners: number[] = [];
    const clients: number[] = [];
    const accepted: number[] = [];
    try {
      let port = 0;
      for (let i = 0; i < 4; i++) {
        const fd = s.socket(s.AF_INET, s.SOCK_STREAM | s.SOCK_NONBLOCK);
        listeners.push(fd);
        s.setsockopt(fd, s.SOL_SOCKET, s.SO_REUSEPORT, 1);
        s.bind(fd, { family: 'AF_INET', address: '127.0.0.1', port });
        s.listen(fd);
        port = (s.getsockname(fd) as { port: number }).port;
      }
      // without the option on the newcomer: the port is taken
      const plain = s.socket(s.AF_INET, s.SOCK_STREAM);
      expect(() => s.bind(plain, { family: 'AF_INET', address: '127.0.0.1', port })).toThrow(expect.objectContaining({ code: 'EADDRINUSE' }));
      s.close(plain);

      for (let i = 0; i < 200; i++) {
        const c = s.socket(s.AF_INET, s.SOCK_STREAM);
        clients.push(c);
        s.connect(c, { family: 'AF_INET', address: '127.0.0.1', port });
      }
      // the kernel picks a listener by hashing the 4-tuple: with 200 source ports, every one gets some
      const counts = listeners.map((fd) => {
        let n = 0;
        for (;;) {
          try {
            accepted.push(s.accept(fd).fd);
            n++;
          } catch (e) {
            if ((e as { code?: string }).code === 'EAGAIN') return n;
            throw e;
          }
        }
      });
      expect(counts.reduce((a, b) => a + b)).toBe(200);
      for (const n of counts) expect(n).toBeGreaterThan(10);
    } finally {
      closeAll(...listeners, ...clients, ...accepted);
    }
  });
});
