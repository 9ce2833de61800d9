// Byte order, address text and name resolution, compared with what C gives on this host.
import { execFileSync } from 'node:child_process';

import { describe, expect, it } from 'vitest';

import * as s from 'sockfd';

import { compileFixture } from './helpers.js';

const c = JSON.parse(execFileSync(compileFixture('inet_values')).toString());

describe('byte order and address text, against C', () => {
  it('htons/ntohs/htonl/ntohl give C\'s numbers', () => {
    expect(s.htons(4321)).toBe(c.htons_4321);
    expect(s.ntohs(57616)).toBe(c.ntohs_57616);
    expect(s.htonl(1)).toBe(c.htonl_1);
    expect(s.htonl(s.INADDR_LOOPBACK)).toBe(c.htonl_INADDR_LOOPBACK);
    expect(s.ntohl(16777343)).toBe(c.ntohl_16777343);
    expect(s.ntohs(s.htons(65535))).toBe(65535);
    expect(s.ntohl(s.htonl(0xdeadbeef))).toBe(0xdeadbeef);
  });

  it('inet_addr: INADDR_NONE for a bad string, the same as for 255.255.255.255', () => {
    expect(s.inet_addr('127.0.0.1')).toBe(c['inet_addr_127.0.0.1']);
    expect(s.inet_addr('256.1.1.1')).toBe(c.inet_addr_bad);
    expect(s.inet_addr('256.1.1.1')).toBe(s.INADDR_NONE);
    expect(s.inet_addr('255.255.255.255')).toBe(c['inet_addr_255.255.255.255']);
  });

  it('inet_aton: the shorthand forms, and null where C returns 0', () => {
    expect(s.inet_aton('127.1')).toBe(c['inet_aton_127.1']);
    expect(s.inet_aton('0x7f000001')).toBe(c.inet_aton_0x7f000001);
    expect(s.inet_aton('10.1.2')).toBe(c['inet_aton_10.1.2']);
    expect(c.inet_aton_bad).toBe(0);
    expect(s.inet_aton('1.2.3.4.5')).toBeNull();
    expect(s.inet_aton('1.2.3.4\0junk')).toBeNull();
  });

  it('inet_ntoa and inet_ntop/inet_pton', () => {
    expect(s.inet_ntoa(16777343)).toBe(c.inet_ntoa_16777343);
    expect([...s.inet_pton(s.AF_INET6, 'fe80::1:2')!]).toEqual(c['inet_pton6_fe80::1:2']);
    expect(s.inet_ntop(s.AF_INET6, s.inet_pton(s.AF_INET6, 'fe80::1:2')!)).toBe('fe80::1:2');
    expect([...s.inet_pton(s.AF_INET, '10.0.0.255')!]).toEqual([10, 0, 0, 255]);
    expect(s.inet_ntop(s.AF_INET, new Uint8Array([192, 168, 1, 7]))).toBe('192.168.1.7');
    expect(s.inet_pton(s.AF_INET, '127.1')).toBeNull(); // inet_pton takes no shorthand
    expect(s.inet_pton(s.AF_INET6, 'not::an::address')).toBeNull();
    expect(() => s.inet_pton(12345, '1.2.3.4')).toThrow(expect.objectContaining({ code: 'EAFNOSUPPORT', syscall: 'inet_pton' }));
    expect(() => s.inet_ntop(s.AF_INET6, new Uint8Array(4))).toThrow(expect.objectContaining({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' }));
  });

  it('the constants are the platform\'s values', () => {
    for (const name of ['AF_INET', 'AF_INET6', 'AF_UNIX', 'SOCK_STREAM', 'SOCK_DGRAM', 'SOCK_NONBLOCK', 'SOCK_CLOEXEC', 'SOL_SOCKET', 'SO_REUSEADDR', 'SO_RCVTIMEO', 'SO_LINGER', 'IPPROTO_TCP', 'TCP_NODELAY', 'TCP_INFO', 'MSG_PEEK', 'MSG_NOSIGNAL', 'MSG_CMSG_CLOEXEC', 'SHUT_WR', 'SOMAXCONN', 'INADDR_ANY', 'INADDR_LOOPBACK', 'INADDR_NONE', 'EADDRINUSE', 'ECONNREFUSED', 'EAGAIN', 'EINPROGRESS', 'ENOTSUP']) {
      expect((s as any)[name], name).toBe(c[name]);
    }
  });
});

describe('raw sockaddr structs, byte for byte', () => {
  it('sockaddr_in: the seed\'s fields give the C layout, and bind() takes it', () => {
    const addr = new s.sockaddr_in();
    addr.sin_family = s.AF_INET;
    addr.sin_port = s.htons(4321);
    addr.sin_addr.s_addr = s.htonl(s.INADDR_LOOPBACK);
    // sa_family_t (host order), port and address in network order, 8 zero bytes
    expect([...addr]).toEqual([2, 0, 0x10, 0xe1, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(addr.sin_port).toBe(s.htons(4321));
    expect(s.inet_ntoa(addr.sin_addr.s_addr)).toBe('127.0.0.1');
    addr.sin_port = 0;
    const fd = s.socket(s.AF_INET, s.SOCK_DGRAM);
    try {
      s.bind(fd, addr);
      expect(s.getsockname(fd)).toMatchObject({ family: 'AF_INET', address: '127.0.0.1' });
    } finally {
      s.close(fd);
    }
    expect(() => (addr.sin_port = 70000)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
  });

  it('sockaddr_in6 and sockaddr_un', () => {
    const a6 = new s.sockaddr_in6();
    a6.sin6_family = s.AF_INET6;
    a6.sin6_port = s.htons(80);
    a6.sin6_addr.s6_addr.set(s.inet_pton(s.AF_INET6, '::1')!);
    a6.sin6_scope_id = 0;
    expect(a6.length).toBe(28);
    expect(s.getnameinfo(a6, s.NI_NUMERICHOST | s.NI_NUMERICSERV)).toEqual({ host: '::1', service: '80' });
    const un = new s.sockaddr_un();
    un.sun_family = s.AF_UNIX;
    un.sun_path = '/tmp/x.sock';
    expect(un.sun_path).toBe('/tmp/x.sock');
    expect([...un.subarray(0, 4)]).toEqual([1, 0, 0x2f, 0x74]);
    expect(() => (un.sun_path = 'x'.repeat(108))).toThrow(expect.objectContaining({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' }));
  });
});

describe('getaddrinfo / getnameinfo', () => {
  it('resolves localhost and numeric hosts to addresses connect() takes', () => {
    const res = s.getaddrinfo('127.0.0.1', 4321, { family: s.AF_INET, socktype: s.SOCK_STREAM, flags: s.AI_NUMERICHOST });
    expect(res).toEqual([{ flags: s.AI_NUMERICHOST, family: s.AF_INET, socktype: s.SOCK_STREAM, protocol: s.IPPROTO_TCP, addr: { family: 'AF_INET', address: '127.0.0.1', port: 4321 } }]);
    const local = s.getaddrinfo('localhost', '80', { socktype: s.SOCK_DGRAM });
    expect(local.length).toBeGreaterThan(0);
    expect(local.every((r) => r.socktype === s.SOCK_DGRAM && (r.addr as any).port === 80)).toBe(true);
    const passive = s.getaddrinfo(null, '0', { flags: s.AI_PASSIVE, family: s.AF_INET6, socktype: s.SOCK_STREAM });
    expect(passive[0]!.addr).toMatchObject({ family: 'AF_INET6', address: '::' });
    expect(s.getaddrinfo('localhost', null, { flags: s.AI_CANONNAME, family: s.AF_INET })[0]!.canonname).toBe('localhost');
  });

  it('fails with the EAI_* name', () => {
    expect(() => s.getaddrinfo('definitely not a host', null, { flags: s.AI_NUMERICHOST })).toThrow(
      expect.objectContaining({ code: 'EAI_NONAME', errno: s.EAI_NONAME, syscall: 'getaddrinfo', hostname: 'definitely not a host' }),
    );
    expect(() => s.getaddrinfo('127.0.0.1', 'no-such-service-name', { socktype: s.SOCK_STREAM })).toThrow(expect.objectContaining({ code: 'EAI_SERVICE' }));
  });

  it('getnameinfo turns an address back into names', () => {
    expect(s.getnameinfo({ family: 'AF_INET', address: '127.0.0.1', port: 22 }, s.NI_NUMERICHOST | s.NI_NUMERICSERV)).toEqual({ host: '127.0.0.1', service: '22' });
    // without NI_NUMERICSERV the name comes from /etc/services where the machine has one
    expect(['http', '80']).toContain(s.getnameinfo({ family: 'AF_INET', address: '127.0.0.1', port: 80 }, s.NI_NUMERICHOST).service);
  });
});

describe('addresses decoded in JavaScript (the address slot of accept/recvfrom/getsockname)', () => {
  it('an IPv6 address reads as inet_ntop(3) writes it: zero runs, IPv4 tails, random bytes', async () => {
    const { ntop6 } = await import('../dist/address.js');
    const cases: Uint8Array[] = [];
    const words = (...w: number[]) => new Uint8Array(new Uint16Array(w.map((x) => ((x & 0xff) << 8) | (x >> 8))).buffer);
    cases.push(words(0, 0, 0, 0, 0, 0, 0, 0), words(0, 0, 0, 0, 0, 0, 0, 1), words(0, 0, 0, 0, 0, 0xffff, 0x7f00, 1));
    cases.push(words(0, 0, 0, 0, 0, 0, 0x0102, 0x0304), words(0, 0, 0, 0, 0, 0xfffe, 0x7f00, 1), words(0xfe80, 0, 0, 0, 0, 0, 0, 1));
    cases.push(words(1, 0, 2, 0, 0, 3, 0, 0), words(1, 0, 0, 2, 0, 0, 3, 4), words(0, 1, 0, 0, 0, 0, 0, 0), words(1, 2, 3, 4, 5, 6, 7, 0));
    // every pattern of zero and non-zero words, then random bytes
    for (let mask = 0; mask < 256; mask++) cases.push(words(...Array.from({ length: 8 }, (_, i) => ((mask >> i) & 1 ? 0xab0 + i : 0))));
    for (let i = 0; i < 2000; i++) cases.push(new Uint8Array(Array.from({ length: 16 }, () => (Math.random() < 0.3 ? 0 : Math.floor(Math.random() * 256)))));
    for (const bytes of cases) expect(ntop6(bytes, 0)).toBe(s.inet_ntop(s.AF_INET6, bytes));
  });

  it('accept, recvfrom, getsockname and getpeername give each family\'s address, as before', () => {
    const fds: number[] = [];
    try {
      for (const [family, address] of [['AF_INET', '127.0.0.1'], ['AF_INET6', '::1'], ['AF_INET6', '::ffff:127.0.0.1']] as const) {
        const af = family === 'AF_INET' ? s.AF_INET : s.AF_INET6;
        const l = s.socket(af, s.SOCK_STREAM, 0);
        fds.push(l);
        s.bind(l, { family, address, port: 0 });
        s.listen(l, 1);
        const bound = s.getsockname(l)!;
        expect(bound).toEqual(family === 'AF_INET' ? { family, address, port: expect.any(Number) } : { family, address, port: expect.any(Number), flowinfo: 0, scopeId: 0 });
        const c = s.socket(af, s.SOCK_STREAM, 0);
        fds.push(c);
        s.connect(c, bound);
        const { fd, addr } = s.accept(l);
        fds.push(fd);
        expect(addr).toEqual(s.getsockname(c));
        expect(s.getpeername(fd)).toEqual(s.getsockname(c));
        const u = s.socket(af, s.SOCK_DGRAM, 0);
        fds.push(u);
        s.bind(u, { family, address, port: 0 });
        s.sendto(u, 'x', 1, 0, s.getsockname(u));
        const got = s.recvfrom(u, Buffer.alloc(4), 4, 0);
        expect(got).toEqual({ bytes: 1, addr: s.getsockname(u) });
      }
      // other families go through the C++ decoder: AF_UNIX, unnamed and abstract
      const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM, 0);
      fds.push(a, b);
      expect(s.getsockname(a)).toEqual({ family: 'AF_UNIX', path: '' });
      const named = s.socket(s.AF_UNIX, s.SOCK_DGRAM, 0);
      fds.push(named);
      s.bind(named, { family: 'AF_UNIX', path: '\0sockfd-slot-test' });
      expect(s.getsockname(named)).toEqual({ family: 'AF_UNIX', path: '\0sockfd-slot-test' });
      // a connected stream reports no sender: null, as before
      s.send(a, 'y', 1, 0);
      expect(s.recvfrom(b, Buffer.alloc(4), 4, 0)).toEqual({ bytes: 1, addr: null });
    } finally {
      for (const fd of fds) s.close(fd);
    }
  });
});

it('the result makers handed over again (the raw binding) replace the first ones; nothing aborts', async () => {
  const { spawnSync } = await import('node:child_process');
  const program = `
    const { native } = await import(${JSON.stringify(new URL('../dist/binding.js', import.meta.url).href)});
    const s = await import('sockfd'), p = await import('sockfd/promises');
    const mine = (tag) => [() => tag, (bytes) => ({ tag, bytes }), (fd) => ({ tag, fd }), (bytes) => ({ tag, bytes })];
    native.setResultMakers(...mine('first'));
    native.setResultMakers(...mine('second'));
    const a = s.socket(s.AF_INET, s.SOCK_DGRAM, 0);
    s.bind(a, { family: 'AF_INET', address: '127.0.0.1', port: 0 });
    s.sendto(a, 'x', 1, 0, s.getsockname(a));
    console.log(JSON.stringify(await p.recvfrom(a, Buffer.alloc(4))));
    s.close(a);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', program], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout)).toEqual({ tag: 'second', bytes: 1 });
});
