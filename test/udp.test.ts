// UDP over IPv4 and IPv6: sendto/recvfrom, connect() on a datagram socket, AF_UNSPEC, MSG_TRUNC, MSG_PEEK.
import { describe, expect, it } from 'vitest';

import * as s from 'sockfd';
import * as p from 'sockfd/promises';

import { closeAll, udpSocket } from './helpers.js';

const families = [
  { name: 'AF_INET', af: s.AF_INET, loopback: '127.0.0.1' },
  { name: 'AF_INET6', af: s.AF_INET6, loopback: '::1' },
] as const;

describe.each(families)('UDP over $name', ({ name, loopback }) => {
  it('sendto/recvfrom carry datagrams and their source address both ways', () => {
    const a = udpSocket(name, loopback);
    const b = udpSocket(name, loopback);
    try {
      expect(a.addr).toMatchObject({ family: name, address: loopback });
      expect(s.sendto(a.fd, 'datagram one', undefined, 0, b.addr)).toBe(12);
      const buf = Buffer.alloc(100);
      const r = s.recvfrom(b.fd, buf);
      expect(r.bytes).toBe(12);
      expect(buf.toString('utf8', 0, 12)).toBe('datagram one');
      expect(r.addr).toEqual(a.addr);
      // the returned address goes straight back to sendto
      expect(s.sendto(b.fd, Buffer.from('reply!'), 5, 0, r.addr)).toBe(5);
      expect(s.recvfrom(a.fd, buf)).toEqual({ bytes: 5, addr: b.addr });
      expect(buf.toString('utf8', 0, 5)).toBe('reply');
    } finally {
      closeAll(a.fd, b.fd);
    }
  });

  it('keeps datagram boundaries; MSG_PEEK leaves it queued; MSG_TRUNC gives the real length', () => {
    const a = udpSocket(name, loopback);
    const b = udpSocket(name, loopback);
    try {
      s.sendto(a.fd, 'x'.repeat(50), undefined, 0, b.addr);
      s.sendto(a.fd, 'second', undefined, 0, b.addr);
      const small = Buffer.alloc(10);
      expect(s.recvfrom(b.fd, small, undefined, s.MSG_PEEK).bytes).toBe(10);
      expect(s.recv(b.fd, small, undefined, s.MSG_TRUNC)).toBe(50); // the rest of the datagram is dropped
      expect(s.recv(b.fd, small)).toBe(6);
      expect(small.toString('utf8', 0, 6)).toBe('second');
    } finally {
      closeAll(a.fd, b.fd);
    }
  });

  it('connect() sets the default peer; send/recv then work; AF_UNSPEC dissolves it', () => {
    const a = udpSocket(name, loopback);
    const b = udpSocket(name, loopback);
    try {
      s.connect(a.fd, b.addr);
      expect(s.getpeername(a.fd)).toEqual(b.addr);
      expect(s.send(a.fd, 'connected')).toBe(9);
      const buf = Buffer.alloc(16);
      expect(s.recv(b.fd, buf)).toBe(9);
      s.connect(a.fd, { family: 'AF_UNSPEC' });
      expect(() => s.getpeername(a.fd)).toThrow(expect.objectContaining({ code: 'ENOTCONN', syscall: 'getpeername' }));
      expect(() => s.send(a.fd, 'nowhere')).toThrow(expect.objectContaining({ code: 'EDESTADDRREQ', syscall: 'send' }));
    } finally {
      closeAll(a.fd, b.fd);
    }
  });

  it('an ICMP port unreachable surfaces as ECONNREFUSED on a connected socket', () => {
    const a = udpSocket(name, loopback);
    const gone = udpSocket(name, loopback);
    s.close(gone.fd);
    try {
      s.connect(a.fd, gone.addr);
      s.send(a.fd, 'anyone?');
      expect(() => s.recv(a.fd, Buffer.alloc(8))).toThrow(expect.objectContaining({ code: 'ECONNREFUSED', syscall: 'recv' }));
    } finally {
      s.close(a.fd);
    }
  });
});

describe('IPv6 specifics', () => {
  it('flowinfo and scopeId round-trip; a dual-stack socket sees IPv4 peers as v4-mapped', () => {
    const fd = s.socket(s.AF_INET6, s.SOCK_DGRAM);
    const v4 = s.socket(s.AF_INET, s.SOCK_DGRAM);
    try {
      s.setsockopt(fd, s.IPPROTO_IPV6, s.IPV6_V6ONLY, 0); // before bind(), as ipv6(7) requires
      s.bind(fd, { family: 'AF_INET6', address: '::', port: 0, flowinfo: 0, scopeId: 0 });
      const { port } = s.getsockname(fd) as s.Inet6Address;
      expect(s.getsockname(fd)).toEqual({ family: 'AF_INET6', address: '::', port, flowinfo: 0, scopeId: 0 });
      s.bind(v4, { family: 'AF_INET', address: '127.0.0.1' });
      s.sendto(v4, 'via v4', undefined, 0, { family: 'AF_INET', address: '127.0.0.1', port });
      const r = s.recvfrom(fd, Buffer.alloc(16));
      expect(r).toEqual({ bytes: 6, addr: { family: 'AF_INET6', address: '::ffff:127.0.0.1', port: (s.getsockname(v4) as s.InetAddress).port, flowinfo: 0, scopeId: 0 } });
      // and the v4-mapped address is a valid destination back
      s.sendto(fd, 'back', undefined, 0, r.addr);
      expect(s.recv(v4, Buffer.alloc(8))).toBe(4);
    } finally {
      closeAll(fd, v4);
    }
  });
});

describe('senders that alternate', () => {
  // The IPv4 text of the last address decoded is reused (lib/address.ts): each result must still name
  // its own sender, through every path that decodes an address.
  it('each datagram names its own sender, from recvfrom, recvmsg, recvmmsg and the awaited recvfrom', async () => {
    const rx = udpSocket('AF_INET', '127.0.0.1');
    const addresses = ['127.0.0.2', '127.0.0.1', '127.0.0.3', '127.0.0.1'];
    const senders = addresses.map((address) => udpSocket('AF_INET', address));
    // written out, not taken from getsockname(), which decodes through the same code
    const want = senders.map((x, i) => ({ family: 'AF_INET', address: addresses[i], port: (x.addr as s.InetAddress).port }));
    try {
      const send = () => senders.forEach(({ fd }, i) => s.sendto(fd, `from ${i}`, undefined, 0, rx.addr));
      const buf = Buffer.alloc(16);
      send();
      expect(senders.map(() => s.recvfrom(rx.fd, buf).addr)).toEqual(want);
      send();
      expect(senders.map(() => s.recvmsg(rx.fd, buf).addr)).toEqual(want);
      send();
      const vec = senders.map(() => Buffer.alloc(16));
      expect(s.recvmmsg(rx.fd, vec).map((m) => m.addr)).toEqual(want);
      send();
      const got = [];
      for (const _ of senders) got.push((await p.recvfrom(rx.fd, buf)).addr);
      expect(got).toEqual(want);
    } finally {
      closeAll(rx.fd, ...senders.map((x) => x.fd));
    }
  });
});
