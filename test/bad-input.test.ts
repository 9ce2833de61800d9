// The bad-input table: every export fed wrong types, out-of-range numbers, lengths past the buffer,
// over-long AF_UNIX paths, invalid IP strings, closed and never-opened fds. Each case must give its
// clear error (a TypeError/RangeError with an ERR_* code before any syscall, or a syscall error with
// code/errno/syscall), and the process must survive every one.
import { describe, expect, it } from 'vitest';

import * as s from 'sockfd';
import * as p from 'sockfd/promises';

type Expected = { name: 'TypeError' | 'RangeError'; code: string } | { code: string; syscall: string };
const TYPE = { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' } as const;
const RANGE = { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' } as const;
const VALUE = { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' } as const;
const BAD_IP = { name: 'TypeError', code: 'ERR_INVALID_IP_ADDRESS' } as const;
const BAD_PORT = { name: 'RangeError', code: 'ERR_SOCKET_BAD_PORT' } as const;

// One open socket for the cases that need a valid fd (argument errors come before any syscall).
const fd = s.socket(s.AF_INET, s.SOCK_DGRAM);
const buf = new Uint8Array(4);
const v4 = { family: 'AF_INET', address: '127.0.0.1', port: 9 } as const;

const wrongNumbers: [string, unknown, Expected][] = [
  ['a string', '3', TYPE],
  ['null', null, TYPE],
  ['undefined', undefined, TYPE],
  ['an object', {}, TYPE],
  ['a bigint', 3n, TYPE],
  ['a symbol', Symbol('fd'), TYPE],
  ['a boolean', true, TYPE],
  ['NaN', NaN, RANGE],
  ['Infinity', Infinity, RANGE],
  ['a fraction', 1.5, RANGE],
  ['negative', -1, RANGE],
  ['past int32', 2 ** 31, RANGE],
  ['huge', 2 ** 53, RANGE],
];

// Every export that takes an fd first, with otherwise valid arguments.
const fdCalls: [string, (fd: any) => unknown, string][] = [
  ['close', (f) => s.close(f), 'close'],
  ['shutdown', (f) => s.shutdown(f, s.SHUT_RDWR), 'shutdown'],
  ['bind', (f) => s.bind(f, v4), 'bind'],
  ['listen', (f) => s.listen(f), 'listen'],
  ['accept', (f) => s.accept(f), 'accept4'],
  ['connect', (f) => s.connect(f, v4), 'connect'],
  ['getsockname', (f) => s.getsockname(f), 'getsockname'],
  ['getpeername', (f) => s.getpeername(f), 'getpeername'],
  ['send', (f) => s.send(f, 'x'), 'send'],
  ['recv', (f) => s.recv(f, buf), 'recv'],
  ['sendto', (f) => s.sendto(f, 'x', undefined, 0, v4), 'sendto'],
  ['recvfrom', (f) => s.recvfrom(f, buf), 'recvfrom'],
  ['read', (f) => s.read(f, buf), 'read'],
  ['write', (f) => s.write(f, 'x'), 'write'],
  ['readv', (f) => s.readv(f, [buf]), 'readv'],
  ['writev', (f) => s.writev(f, ['x']), 'writev'],
  ['setsockopt', (f) => s.setsockopt(f, s.SOL_SOCKET, s.SO_REUSEADDR, 1), 'setsockopt'],
  ['getsockopt', (f) => s.getsockopt(f, s.SOL_SOCKET, s.SO_TYPE), 'getsockopt'],
  ['setNonBlocking', (f) => s.setNonBlocking(f, true), 'ioctl'],
  ['getNonBlocking', (f) => s.getNonBlocking(f), 'fcntl'],
  ['fcntl', (f) => s.fcntl(f, s.F_GETFL), 'fcntl'],
  ['dup', (f) => s.dup(f), 'dup'],
  ['dup2', (f) => s.dup2(f, 999), 'dup2'],
  ['dup3', (f) => s.dup3(f, 999, s.O_CLOEXEC), 'dup3'],
  ['ioctl', (f) => s.ioctl(f, s.FIONREAD), 'ioctl'],
  ['sockatmark', (f) => s.sockatmark(f), 'sockatmark'],
];

function detachedView(): Uint8Array {
  const b = new Uint8Array(8);
  structuredClone(b.buffer, { transfer: [b.buffer] });
  return b;
}

const closedFd = (() => {
  const f = s.socket(s.AF_INET, s.SOCK_STREAM);
  s.close(f);
  return f;
})();

const cases: [string, () => unknown, Expected][] = [
  // fds: wrong types and ranges, then closed and never-opened ones (the kernel's EBADF)
  ...fdCalls.flatMap(([name, call]) => wrongNumbers.map(([what, v, e]): [string, () => unknown, Expected] => [`${name}: fd ${what}`, () => call(v), e])),
  ...fdCalls.map(([name, call, syscall]): [string, () => unknown, Expected] => [`${name}: closed fd`, () => call(closedFd), { code: 'EBADF', syscall }]),
  ...fdCalls.map(([name, call, syscall]): [string, () => unknown, Expected] => [`${name}: never-opened fd`, () => call(1_000_000), { code: 'EBADF', syscall }]),
  // socket / socketpair / shutdown / listen / accept
  ['socket: no arguments', () => (s.socket as any)(), TYPE],
  ['socket: domain string', () => s.socket('AF_INET' as any, s.SOCK_STREAM), TYPE],
  ['socket: domain NaN', () => s.socket(NaN, s.SOCK_STREAM), RANGE],
  ['socket: type past int32', () => s.socket(s.AF_INET, 2 ** 32), RANGE],
  ['socket: protocol fraction', () => s.socket(s.AF_INET, s.SOCK_STREAM, 0.5), RANGE],
  ['socket: unknown family', () => s.socket(4242, s.SOCK_STREAM), { code: 'EAFNOSUPPORT', syscall: 'socket' }],
  ['socket: bad type', () => s.socket(s.AF_INET, 4242), { code: 'EINVAL', syscall: 'socket' }],
  ['socketpair: type object', () => s.socketpair(s.AF_UNIX, {} as any), TYPE],
  ['shutdown: how string', () => s.shutdown(fd, 'SHUT_WR' as any), TYPE],
  ['listen: backlog string', () => s.listen(fd, '5' as any), TYPE],
  ['listen: backlog past int32', () => s.listen(fd, 2 ** 31), RANGE],
  ['accept: flags string', () => s.accept(fd, 'x' as any), TYPE],
  // the fd calls: only the commands and requests whose argument is an int pass
  ['fcntl: F_GETLK (takes a struct flock *)', () => s.fcntl(fd, 5), VALUE],
  ['fcntl: F_SETOWN_EX (takes a pointer)', () => s.fcntl(fd, 15, 0), VALUE],
  ['fcntl: cmd string', () => s.fcntl(fd, 'F_GETFL' as any), TYPE],
  ['fcntl: F_SETFL without arg', () => (s.fcntl as any)(fd, s.F_SETFL), TYPE],
  ['fcntl: F_DUPFD arg past int32', () => s.fcntl(fd, s.F_DUPFD, 2 ** 31), RANGE],
  ['fcntl: F_DUPFD arg negative', () => s.fcntl(fd, s.F_DUPFD, -1), { code: 'EINVAL', syscall: 'fcntl' }],
  ['ioctl: SIOCGIFCONF (takes a struct ifconf *)', () => s.ioctl(fd, 0x8912), VALUE],
  ['ioctl: request negative', () => s.ioctl(fd, -1), RANGE],
  ['ioctl: FIONBIO without a value', () => s.ioctl(fd, s.FIONBIO), TYPE],
  ['ioctl: SIOCATMARK on a UDP socket', () => s.ioctl(fd, s.SIOCATMARK), { code: 'ENOTTY', syscall: 'ioctl' }],
  ['dup2: newfd negative', () => s.dup2(fd, -1), RANGE],
  ['dup3: same fd', () => s.dup3(fd, fd), { code: 'EINVAL', syscall: 'dup3' }],
  ['dup3: flags other than O_CLOEXEC', () => s.dup3(fd, 999, 1), { code: 'EINVAL', syscall: 'dup3' }],
  // addresses
  ['bind: addr null', () => s.bind(fd, null as any), TYPE],
  ['bind: addr string', () => s.bind(fd, '127.0.0.1:80' as any), TYPE],
  ['bind: addr array', () => s.bind(fd, [] as any), TYPE],
  ['bind: addr function', () => s.bind(fd, (() => 0) as any), TYPE],
  ['bind: no family', () => s.bind(fd, { address: '127.0.0.1' } as any), TYPE],
  ['bind: unknown family name', () => s.bind(fd, { family: 'AF_FOO' } as any), VALUE],
  ['bind: family number not an object family', () => s.bind(fd, { family: s.AF_CAN } as any), VALUE],
  ['bind: family fraction', () => s.bind(fd, { family: 2.5 } as any), RANGE],
  ['bind: address number', () => s.bind(fd, { family: 'AF_INET', address: 127 } as any), TYPE],
  ['bind: port string', () => s.bind(fd, { family: 'AF_INET', port: '80' } as any), TYPE],
  ['bind: port 65536', () => s.bind(fd, { family: 'AF_INET', port: 65536 }), BAD_PORT],
  ['bind: port -1', () => s.bind(fd, { family: 'AF_INET', port: -1 }), BAD_PORT],
  ['bind: port NaN', () => s.bind(fd, { family: 'AF_INET', port: NaN }), BAD_PORT],
  ['bind: port fraction', () => s.bind(fd, { family: 'AF_INET', port: 80.5 }), BAD_PORT],
  ['bind: scopeId negative', () => s.bind(fd, { family: 'AF_INET6', address: '::1', scopeId: -1 }), RANGE],
  ['bind: flowinfo past uint32', () => s.bind(fd, { family: 'AF_INET6', address: '::1', flowinfo: 2 ** 32 }), RANGE],
  ...['1.2.3', '1.2.3.4.5', '256.0.0.1', '', ' 127.0.0.1', '127.0.0.1\0', 'localhost', '::1', '0x7f.1'].map(
    (ip): [string, () => unknown, Expected] => [`bind: invalid IPv4 ${JSON.stringify(ip)}`, () => s.bind(fd, { family: 'AF_INET', address: ip }), BAD_IP],
  ),
  ...['::g', '1::2::3', '[::1]', '::1%lo', '127.0.0.1', '12345::', ':::'].map(
    (ip): [string, () => unknown, Expected] => [`connect: invalid IPv6 ${JSON.stringify(ip)}`, () => s.connect(fd, { family: 'AF_INET6', address: ip }), BAD_IP],
  ),
  ['bind: AF_UNIX path of 108 bytes (no room for NUL)', () => s.bind(fd, { family: 'AF_UNIX', path: 'x'.repeat(108) }), RANGE],
  ['bind: AF_UNIX path of 4096 bytes', () => s.bind(fd, { family: 'AF_UNIX', path: '/'.repeat(4096) }), RANGE],
  ['bind: AF_UNIX multi-byte path over sun_path', () => s.bind(fd, { family: 'AF_UNIX', path: '好'.repeat(36) }), RANGE],
  ['bind: AF_UNIX abstract name over 108 bytes', () => s.bind(fd, { family: 'AF_UNIX', path: '\0' + 'x'.repeat(108) }), RANGE],
  ['bind: AF_UNIX path with an inner NUL', () => s.bind(fd, { family: 'AF_UNIX', path: '/tmp/a\0b' }), VALUE],
  ['bind: AF_UNIX path number', () => s.bind(fd, { family: 'AF_UNIX', path: 5 } as any), TYPE],
  ['bind: raw sockaddr of 1 byte', () => s.bind(fd, new Uint8Array(1)), RANGE],
  ['bind: raw sockaddr past sockaddr_storage', () => s.bind(fd, new Uint8Array(129)), RANGE],
  ['bind: raw sockaddr of an unknown family', () => s.bind(fd, new Uint8Array([99, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])), { code: 'EAFNOSUPPORT', syscall: 'bind' }],
  ['connect: raw sockaddr too short for AF_INET', () => s.connect(fd, new Uint8Array([2, 0, 0, 80])), { code: 'EINVAL', syscall: 'connect' }],
  // data, buffers and lengths
  ['send: data number', () => s.send(fd, 42 as any), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }],
  ['send: data object', () => s.send(fd, {} as any), TYPE],
  ['send: data ArrayBuffer (not a view)', () => s.send(fd, new ArrayBuffer(4) as any), TYPE],
  ['send: len past the buffer', () => s.send(fd, buf, 5), RANGE],
  ['send: len past a string\'s UTF-8 bytes', () => s.send(fd, '好', 4), RANGE],
  ['send: len negative', () => s.send(fd, buf, -1), RANGE],
  ['send: len fraction', () => s.send(fd, buf, 1.5), RANGE],
  ['send: flags string', () => s.send(fd, buf, 1, 'MSG_PEEK' as any), TYPE],
  ['recv: buf string', () => s.recv(fd, 'buffer' as any), TYPE],
  ['recv: buf array', () => s.recv(fd, [0, 0] as any), TYPE],
  ['recv: len past the buffer', () => s.recv(fd, buf, 5), RANGE],
  ['recv: len past a Uint32Array\'s bytes', () => s.recv(fd, new Uint32Array(2), 9), RANGE],
  ['recv: len past a subarray view', () => s.recv(fd, new Uint8Array(16).subarray(4, 8), 5), RANGE],
  ['recv: len huge', () => s.recv(fd, buf, 2 ** 53), RANGE],
  ['sendto: len past the buffer', () => s.sendto(fd, buf, 100, 0, v4), RANGE],
  ['sendto: bad address', () => s.sendto(fd, buf, undefined, 0, { family: 'AF_INET', address: '1.1.1' }), BAD_IP],
  ['sendto: addr number', () => s.sendto(fd, buf, undefined, 0, 5 as any), TYPE],
  ['recvfrom: len past the buffer', () => s.recvfrom(fd, buf, 99), RANGE],
  ['read: len past the buffer', () => s.read(fd, buf, 99), RANGE],
  ['write: len past the buffer', () => s.write(fd, buf, 99), RANGE],
  ['readv: bufs string', () => s.readv(fd, 'x' as any), TYPE],
  ['readv: a string element', () => s.readv(fd, ['x'] as any), TYPE],
  ['readv: a number element', () => s.readv(fd, [buf, 1] as any), TYPE],
  ['readv: a hole', () => s.readv(fd, new Array(2) as any), TYPE],
  ['writev: bufs object', () => s.writev(fd, {} as any), TYPE],
  ['writev: a null element', () => s.writev(fd, [null] as any), TYPE],
  ['writev: more than IOV_MAX', () => s.writev(fd, new Array(5000).fill(buf)), { code: 'EINVAL', syscall: 'writev' }],
  ['writev: a sparse array of length 2^32-1', () => s.writev(fd, new Array(2 ** 32 - 1)), { code: 'EINVAL', syscall: 'writev' }],
  // socket options
  ['setsockopt: a string for an option that takes none', () => s.setsockopt(fd, s.SOL_SOCKET, s.SO_REUSEADDR, '1' as any), VALUE],
  ['setsockopt: value undefined', () => (s.setsockopt as any)(fd, s.SOL_SOCKET, s.SO_REUSEADDR), TYPE],
  ['setsockopt: value past uint32', () => s.setsockopt(fd, s.SOL_SOCKET, s.SO_RCVBUF, 2 ** 33), RANGE],
  ['setsockopt: value NaN', () => s.setsockopt(fd, s.SOL_SOCKET, s.SO_RCVBUF, NaN), RANGE],
  ['setsockopt: an object of no known shape', () => s.setsockopt(fd, s.SOL_SOCKET, s.SO_LINGER, { foo: 1 } as any), VALUE],
  ['setsockopt: linger negative', () => s.setsockopt(fd, s.SOL_SOCKET, s.SO_LINGER, { onoff: 1, linger: -1 }), RANGE],
  ['setsockopt: linger onoff string', () => s.setsockopt(fd, s.SOL_SOCKET, s.SO_LINGER, { onoff: 'on', linger: 1 } as any), TYPE],
  ['setsockopt: usec past a second', () => s.setsockopt(fd, s.SOL_SOCKET, s.SO_RCVTIMEO, { sec: 0, usec: 1e6 }), RANGE],
  ['setsockopt: usec past a second', () => s.setsockopt(fd, s.SOL_SOCKET, s.SO_RCVTIMEO, { sec: 0, usec: 1_000_000 }), RANGE],
  ['setsockopt: a field the struct lacks', () => s.setsockopt(fd, s.SOL_SOCKET, s.SO_RCVTIMEO, { sec: 1, nsec: 5 } as any), VALUE],
  ['setsockopt: level string', () => s.setsockopt(fd, 'SOL_SOCKET' as any, s.SO_REUSEADDR, 1), TYPE],
  ['setsockopt: an int option given 1 byte', () => s.setsockopt(fd, s.SOL_SOCKET, s.SO_REUSEADDR, new Uint8Array(1)), { code: 'EINVAL', syscall: 'setsockopt' }],
  ['setsockopt: value bytes past 1 MiB', () => s.setsockopt(fd, s.SOL_SOCKET, s.SO_REUSEADDR, new Uint8Array(2 ** 20 + 1)), RANGE],
  ['getsockopt: length negative', () => s.getsockopt(fd, s.SOL_SOCKET, s.SO_TYPE, -1), RANGE],
  ['getsockopt: length past 1 MiB', () => s.getsockopt(fd, s.SOL_SOCKET, s.SO_TYPE, 2 ** 21), RANGE],
  ['getsockopt: length string', () => s.getsockopt(fd, s.SOL_SOCKET, s.SO_TYPE, '4' as any), TYPE],
  ['getsockopt: unknown option', () => s.getsockopt(fd, s.SOL_SOCKET, 12345), { code: 'ENOPROTOOPT', syscall: 'getsockopt' }],
  ['setNonBlocking: on number', () => s.setNonBlocking(fd, 1 as any), TYPE],
  // byte order and address text
  ['htons: 65536', () => s.htons(65536), RANGE],
  ['htons: -1', () => s.htons(-1), RANGE],
  ['htons: string', () => s.htons('80' as any), TYPE],
  ['ntohs: fraction', () => s.ntohs(1.5), RANGE],
  ['htonl: 2^32', () => s.htonl(2 ** 32), RANGE],
  ['ntohl: NaN', () => s.ntohl(NaN), RANGE],
  ['ntohl: bigint', () => s.ntohl(1n as any), TYPE],
  ['inet_pton: src number', () => s.inet_pton(s.AF_INET, 127 as any), TYPE],
  ['inet_pton: af string', () => s.inet_pton('AF_INET' as any, '1.2.3.4'), TYPE],
  ['inet_pton: unknown af', () => s.inet_pton(4242, '1.2.3.4'), { code: 'EAFNOSUPPORT', syscall: 'inet_pton' }],
  ['inet_ntop: src string', () => s.inet_ntop(s.AF_INET, '1.2.3.4' as any), TYPE],
  ['inet_ntop: src too short', () => s.inet_ntop(s.AF_INET, new Uint8Array(3)), RANGE],
  ['inet_ntop: IPv6 from 4 bytes', () => s.inet_ntop(s.AF_INET6, new Uint8Array(4)), RANGE],
  ['inet_ntop: unknown af', () => s.inet_ntop(4242, new Uint8Array(16)), { code: 'EAFNOSUPPORT', syscall: 'inet_ntop' }],
  ['inet_aton: null', () => s.inet_aton(null as any), TYPE],
  ['inet_addr: number', () => s.inet_addr(1 as any), TYPE],
  ['inet_ntoa: negative', () => s.inet_ntoa(-1), RANGE],
  ['inet_ntoa: string', () => s.inet_ntoa('1.2.3.4' as any), TYPE],
  // name resolution
  ['getaddrinfo: node number', () => s.getaddrinfo(5 as any), TYPE],
  ['getaddrinfo: service object', () => s.getaddrinfo('127.0.0.1', {} as any), TYPE],
  ['getaddrinfo: service port 70000', () => s.getaddrinfo('127.0.0.1', 70000), RANGE],
  ['getaddrinfo: hints string', () => s.getaddrinfo('127.0.0.1', null, 'x' as any), TYPE],
  ['getaddrinfo: hints.family string', () => s.getaddrinfo('127.0.0.1', null, { family: 'AF_INET' as any }), TYPE],
  ['getaddrinfo: node with a NUL', () => s.getaddrinfo('127.0.0.1\0evil', null), { code: 'EAI_NONAME', syscall: 'getaddrinfo' }],
  ['getaddrinfo: bad flags', () => s.getaddrinfo('127.0.0.1', null, { flags: -1 }), { code: 'EAI_BADFLAGS', syscall: 'getaddrinfo' }],
  ['getnameinfo: addr string', () => s.getnameinfo('127.0.0.1' as any), TYPE],
  ['getnameinfo: flags string', () => s.getnameinfo(v4, 'x' as any), TYPE],
  ['getnameinfo: unknown family in raw bytes', () => s.getnameinfo(new Uint8Array([99, 0, 0, 0])), { code: 'EAI_FAMILY', syscall: 'getnameinfo' }],
  // raw struct setters on the JS side
  ['sockaddr_in.sin_port = 70000', () => (new s.sockaddr_in().sin_port = 70000), RANGE],
  ['sockaddr_in.sin_addr.s_addr = -1', () => (new s.sockaddr_in().sin_addr.s_addr = -1), RANGE],
  ['sockaddr_un.sun_path too long', () => (new s.sockaddr_un().sun_path = 'x'.repeat(200)), RANGE],
  // found by test/fuzz/args.mjs: the error message used to stringify the value, which throws for these
  ['sockaddr_in.sin_port = a Symbol', () => (new s.sockaddr_in().sin_port = Symbol('p') as any), TYPE],
  ['sockaddr_in6.sin6_port = a detached view', () => (new s.sockaddr_in6().sin6_port = detachedView() as any), TYPE],
  ['sockaddr_un.sun_path = an array of bytes', () => (new s.sockaddr_un().sun_path = [47, 116] as any), TYPE],
  ['new in_addr: a buffer of 2 bytes', () => new s.in_addr(new ArrayBuffer(2), 0), RANGE],
  ['new in_addr: a Uint8Array, not its buffer', () => new s.in_addr(new Uint8Array(4) as any, 0), TYPE],
];

describe('bad input: every case gets its clear error', () => {
  it.each(cases)('%s', (_label, call, expected) => {
    let thrown: any;
    try {
      call();
    } catch (e) {
      thrown = e;
    }
    expect(thrown, 'must throw').toBeInstanceOf(Error);
    expect(thrown).toMatchObject(expected);
    if ('syscall' in expected) {
      expect(typeof thrown.errno).toBe('number');
      expect(thrown.message.startsWith(`${expected.syscall} ${expected.code}`)).toBe(true);
    } else {
      expect(thrown.message.length).toBeGreaterThan(10);
    }
  });

  it('errors thrown by getters inside an argument propagate unchanged', () => {
    const boom = new Error('boom');
    expect(() => s.bind(fd, { get family(): 'AF_INET' { throw boom; } } as any)).toThrow(boom);
    const bufs = [buf, buf];
    Object.defineProperty(bufs, 1, { get: () => { throw boom; } });
    expect(() => s.writev(fd, bufs)).toThrow(boom);
  });

  it('a detached buffer reads as empty instead of reaching freed memory', () => {
    const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_DGRAM);
    try {
      const ab = new ArrayBuffer(8);
      const view = new Uint8Array(ab);
      structuredClone(ab, { transfer: [ab] }); // detaches ab
      s.send(a, 'data');
      expect(s.recv(b, view)).toBe(0); // recv(fd, NULL, 0): the datagram is consumed, nothing written
      expect(s.send(a, view)).toBe(0);
      expect(s.recv(b, new Uint8Array(8))).toBe(0); // the empty datagram
      // a getter on a later element detaches an earlier one's buffer: it is seen as detached, not freed
      const ab2 = new ArrayBuffer(8);
      const bufs = [new Uint8Array(ab2), new Uint8Array(4)];
      Object.defineProperty(bufs, 1, { get: () => (structuredClone(ab2, { transfer: [ab2] }), new Uint8Array(4)) });
      expect(s.writev(a, bufs)).toBe(4);
    } finally {
      s.close(a);
      s.close(b);
    }
  });

  it('the process is still alive and the fd still works after the table', () => {
    expect(s.getsockopt(fd, s.SOL_SOCKET, s.SO_TYPE)).toBe(s.SOCK_DGRAM);
  });
});

// sockfd/promises: the same checks, and a bad call rejects instead of throwing. accept and connect
// read the fd's flags first (to switch it to non-blocking), so on a bad fd it is that fcntl which says EBADF.
const asyncFdCalls: [string, (fd: any) => Promise<unknown>, string][] = [
  ['accept', (f) => p.accept(f), 'fcntl'],
  ['connect', (f) => p.connect(f, v4), 'fcntl'],
  ['send', (f) => p.send(f, 'x'), 'send'],
  ['sendAll', (f) => p.sendAll(f, 'x'), 'send'],
  ['recv', (f) => p.recv(f, buf), 'recv'],
  ['sendto', (f) => p.sendto(f, 'x', undefined, 0, v4), 'sendto'],
  ['recvfrom', (f) => p.recvfrom(f, buf), 'recvfrom'],
];
const asyncCases: [string, () => Promise<unknown>, Expected][] = [
  ...asyncFdCalls.flatMap(([name, call]) => wrongNumbers.map(([what, v, e]): [string, () => Promise<unknown>, Expected] => [`${name}: fd ${what}`, () => call(v), e])),
  ...asyncFdCalls.map(([name, call, syscall]): [string, () => Promise<unknown>, Expected] => [`${name}: closed fd`, () => call(closedFd), { code: 'EBADF', syscall }]),
  ...asyncFdCalls.map(([name, call, syscall]): [string, () => Promise<unknown>, Expected] => [`${name}: never-opened fd`, () => call(1_000_000), { code: 'EBADF', syscall }]),
  ['accept: flags string', () => p.accept(fd, 'x' as any), TYPE],
  ['connect: addr null', () => p.connect(fd, null as any), TYPE],
  ['connect: port 65536', () => p.connect(fd, { family: 'AF_INET', port: 65536 }), BAD_PORT],
  ['connect: AF_UNIX path of 4096 bytes', () => p.connect(fd, { family: 'AF_UNIX', path: '/'.repeat(4096) }), RANGE],
  ['send: data number', () => p.send(fd, 42 as any), TYPE],
  ['send: len past the buffer', () => p.send(fd, buf, 5), RANGE],
  ['sendAll: len past a string\'s UTF-8 bytes', () => p.sendAll(fd, '好', 4), RANGE],
  ['recv: buf string', () => p.recv(fd, 'buffer' as any), TYPE],
  ['recv: len past a subarray view', () => p.recv(fd, new Uint8Array(16).subarray(4, 8), 5), RANGE],
  ['recv: flags string', () => p.recv(fd, buf, 1, 'MSG_PEEK' as any), TYPE],
  ['recvfrom: len huge', () => p.recvfrom(fd, buf, 2 ** 53), RANGE],
  ['sendto: bad address', () => p.sendto(fd, buf, undefined, 0, { family: 'AF_INET', address: '1.1.1' }), BAD_IP],
  ['recv: options a string', () => p.recv(fd, buf, undefined, 0, 'x' as any), TYPE],
  ['recv: signal not an AbortSignal', () => p.recv(fd, buf, undefined, 0, { signal: 'x' as any }), TYPE],
  ['getaddrinfo: service port 70000', () => p.getaddrinfo('127.0.0.1', 70000), RANGE],
  ['getaddrinfo: hints string', () => p.getaddrinfo('127.0.0.1', null, 'x' as any), TYPE],
  ['getaddrinfo: node with a NUL', () => p.getaddrinfo('127.0.0.1\0evil', null), { code: 'EAI_NONAME', syscall: 'getaddrinfo' }],
  ['getnameinfo: addr string', () => p.getnameinfo('127.0.0.1' as any), TYPE],
  ['getnameinfo: unknown family in raw bytes', () => p.getnameinfo(new Uint8Array([99, 0, 0, 0])), { code: 'EAI_FAMILY', syscall: 'getnameinfo' }],
];

describe('bad input to sockfd/promises: every case rejects with its clear error', () => {
  it.each(asyncCases)('%s', async (_label, call, expected) => {
    let promise: Promise<unknown> | undefined;
    expect(() => (promise = call()), 'must not throw').not.toThrow();
    expect(promise).toBeInstanceOf(Promise);
    const error: any = await promise!.then(() => undefined, (e) => e);
    expect(error, 'must reject').toBeInstanceOf(Error);
    expect(error).toMatchObject(expected);
    if ('syscall' in expected) expect(error.message.startsWith(`${expected.syscall} ${expected.code}`)).toBe(true);
  });
});

describe('bad input: the table leaves no fd behind', () => {
  it('closes the shared socket', () => {
    s.close(fd);
    expect(() => s.getsockopt(fd, s.SOL_SOCKET, s.SO_TYPE)).toThrow(expect.objectContaining({ code: 'EBADF' }));
  });
});
