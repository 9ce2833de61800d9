// Argument fuzzing: every function export of 'sockfd' and 'sockfd/promises', every Socket method and
// the raw struct accessors, called with fast-check's random values of every JS type, sizes and fds:
// open sockets of each kind, a pipe, a file, closed and never-opened fds. The only outcomes allowed are
// a return (or a settled promise), a TypeError/RangeError with an ERR_* code, an error with
// code/errno/syscall, the AbortError of a signal we aborted, or the error a hostile getter threw. A crash
// ends the process, so the parent (test/fuzz.test.ts, `npm run test:fuzz`) sees it.
//
//   node test/fuzz/args.mjs [--cases N] [--seed S] [--only name] [--verbose]
//
// Run it from a scratch directory (AF_UNIX binds create files in the cwd) and, as root, in a network
// namespace of its own (`unshare -n`): test/fuzz/run.sh does both. Addresses are loopback-only anyway.
import { execFileSync } from 'node:child_process';
import { constants as fsConstants, mkdtempSync, openSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import fc from 'fast-check';
import * as s from 'sockfd';
import * as p from 'sockfd/promises';

const { values: opts } = parseArgs({
  options: {
    cases: { type: 'string', default: '20000' },
    seed: { type: 'string' },
    only: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});
const seed = opts.seed === undefined ? (Date.now() ^ (Math.random() * 2 ** 31)) | 0 : Number(opts.seed);
const inNetns = process.env.SOCKFD_FUZZ_NETNS === '1';

// The readiness engine starts (its epoll fd, and the waiter's under SOCKFD_ENGINE=thread) at the first
// wait: make one here, so that its fds are in the baseline below.
{
  const [x, y] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM, 0);
  setImmediate(() => s.send(y, 'x'));
  await p.recv(x, new Uint8Array(1));
  s.close(x);
  s.close(y);
}

// fds open before any case: node's and libuv's (stdio, epoll, eventfds) and sockfd's engine's. No case
// is given one (closing libuv's epoll fd breaks a process in C as in JS: that is the caller's doing,
// not a bug to find; sockfd's close refuses the engine's), and the clean-up after each case leaves
// them alone. The listing's own fd is not one of them (closed by now, and often the number the pool's
// next socket gets: then no case could close that socket).
const baseline = new Set(readdirSync('/proc/self/fd').map(Number).filter((fd) => target(fd) !== null));
const notAProcessFd = (v) => !(typeof v === 'number' && baseline.has(v));

// ---- the fds a case may name --------------------------------------------------------------------
// Rebuilt after any case that closed or replaced one, so every case starts from the same kinds.

const { O_CREAT, O_NONBLOCK, O_RDWR, O_TRUNC } = fsConstants;
const scratch = mkdtempSync(join(tmpdir(), 'sockfd-fuzz-'));
const fifo = join(scratch, 'fifo');
execFileSync('mkfifo', [fifo]);
const kinds = {
  tcpListener() {
    const fd = s.socket(s.AF_INET, s.SOCK_STREAM | s.SOCK_NONBLOCK);
    s.setsockopt(fd, s.SOL_SOCKET, s.SO_REUSEADDR, 1);
    s.bind(fd, { family: 'AF_INET', address: '127.0.0.1', port: 0 });
    s.listen(fd, 8);
    return fd;
  },
  udp: () => s.socket(s.AF_INET, s.SOCK_DGRAM | s.SOCK_NONBLOCK),
  udp6: () => s.socket(s.AF_INET6, s.SOCK_DGRAM | s.SOCK_NONBLOCK),
  tcpUnconnected: () => s.socket(s.AF_INET, s.SOCK_STREAM | s.SOCK_NONBLOCK),
  unixStream: () => s.socketpair(s.AF_UNIX, s.SOCK_STREAM | s.SOCK_NONBLOCK),
  unixDgram: () => s.socketpair(s.AF_UNIX, s.SOCK_DGRAM | s.SOCK_NONBLOCK),
  unixSeqpacket: () => s.socketpair(s.AF_UNIX, s.SOCK_SEQPACKET | s.SOCK_NONBLOCK),
  pipe: () => openSync(fifo, O_RDWR | O_NONBLOCK), // a FIFO opened O_RDWR: a pipe with both ends in one fd
  file: () => openSync(join(scratch, 'file'), O_RDWR | O_CREAT | O_TRUNC | O_NONBLOCK),
  epoll: () => {
    const ep = s.epoll_create1(s.EPOLL_CLOEXEC);
    s.epoll_ctl(ep, s.EPOLL_CTL_ADD, poolFdOf('udp'), { events: s.EPOLLIN | s.EPOLLOUT });
    return ep;
  },
};

/** kind -> its fds (two for a socketpair), each with its readlink target when made, to notice it closed or replaced. */
const pool = new Map();
const poolFdOf = (kind, i = 0) => {
  const fds = pool.get(kind);
  return fds[i % fds.length].fd;
};

function target(fd) {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return null;
  }
}

function build(kind) {
  const fds = [kinds[kind]()].flat();
  // A pool fd taken for one of node's would be one no case may name, close or clean up after.
  for (const fd of fds) if (baseline.has(fd)) throw new Error(`pool ${kind}: fd ${fd} is in the baseline`);
  pool.set(kind, fds.map((fd) => ({ fd, target: target(fd) })));
}

function repairPool() {
  for (const [kind, fds] of pool) {
    if (fds.some(({ fd, target: was }) => target(fd) !== was)) {
      for (const { fd, target: was } of fds) if (target(fd) === was) s.close(fd);
      build(kind);
      continue;
    }
    for (const { fd, target: was } of fds) {
      // a case may have made it blocking, or set a linger that would make a later close() wait
      s.setNonBlocking(fd, true);
      if (was.startsWith('socket:')) s.setsockopt(fd, s.SOL_SOCKET, s.SO_LINGER, { onoff: 0, linger: 0 });
    }
  }
}

const allPoolFds = () => [...pool.values()].flat().map(({ fd }) => fd);
const listenerPort = () => s.getsockname(poolFdOf('tcpListener')).port;

// After a case: close every fd it left open (accept()ed, received by SCM_RIGHTS, made by socket()).
function closeStrays() {
  const known = new Set([...baseline, ...allPoolFds()]);
  for (const name of readdirSync('/proc/self/fd')) {
    const fd = Number(name);
    if (known.has(fd) || target(fd) === null) continue;
    s.close(fd);
  }
}

// ---- values ------------------------------------------------------------------------------------

/** A value resolved when the case runs (pool fds change between cases). */
class Ref {
  constructor(describe, get) {
    this.describe = describe;
    this.get = get;
  }
  toString() {
    return this.describe;
  }
}
const resolve = (v, depth = 0) => {
  if (v instanceof Ref) return v.get();
  if (depth > 3 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => resolve(x, depth + 1));
  if (Object.getPrototypeOf(v) === Object.prototype) {
    const out = {};
    for (const [k, x] of Object.entries(v)) out[k] = resolve(x, depth + 1);
    return out;
  }
  return v;
};

class HostileGetter extends Error {}
const hostile = fc.constantFrom(
  () => ({ get family() { throw new HostileGetter('getter'); } }),
  () => new Proxy({}, { get() { throw new HostileGetter('proxy get'); }, has() { throw new HostileGetter('proxy has'); } }),
  () => Object.defineProperty([new Uint8Array(1)], 0, { get() { throw new HostileGetter('element'); } }),
).map((make) => new Ref('hostile', make));

// A view whose buffer is detached (transferred away) before the call.
const detached = fc.constant(new Ref('detached', () => {
  const b = new Uint8Array(8);
  structuredClone(b.buffer, { transfer: [b.buffer] });
  return b;
}));

const edgeNumbers = fc.constantFrom(0, -0, 1, -1, 2, 0.5, -1.5, 255, 256, 65535, 65536, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1,
  2 ** 32 - 1, 2 ** 32, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, Number.MAX_VALUE, Number.MIN_VALUE, NaN, Infinity, -Infinity);
const anyValue = fc.oneof(
  { weight: 6, arbitrary: fc.anything({ withBigInt: true, withBoxedValues: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withNullPrototype: true, withDate: true, maxDepth: 2 }) },
  { weight: 2, arbitrary: edgeNumbers },
  { weight: 1, arbitrary: fc.constantFrom(undefined, null, Symbol('x'), () => 0, 10n, -1n, true, '', '\0', new ArrayBuffer(4), new SharedArrayBuffer(4), new DataView(new ArrayBuffer(4)), [], {}) },
  { weight: 1, arbitrary: hostile },
  { weight: 1, arbitrary: detached },
);
/** Mostly the kind of value the parameter takes, sometimes anything at all. */
const or = (arb, weight = 5) => fc.oneof({ weight, arbitrary: arb }, { weight: 1, arbitrary: anyValue });

const constants = (re) => Object.entries(s).filter(([k, v]) => typeof v === 'number' && re.test(k)).map(([, v]) => v);
const someOf = (values) => fc.subarray(values, { maxLength: 3 }).map((vs) => vs.reduce((a, b) => a | b, 0));
const int = fc.oneof(fc.integer({ min: -4, max: 300 }), fc.integer(), edgeNumbers);

const poolFd = fc.tuple(fc.constantFrom(...Object.keys(kinds)), fc.nat(1)).map(([kind, i]) => new Ref(`pool:${kind}[${i}]`, () => poolFdOf(kind, i)));
const closedFd = fc.constant(new Ref('closed fd', () => {
  const fd = s.socket(s.AF_INET, s.SOCK_DGRAM);
  s.close(fd);
  return fd;
}));
const fd = fc.oneof(
  { weight: 8, arbitrary: poolFd },
  { weight: 1, arbitrary: closedFd },
  { weight: 1, arbitrary: fc.constantFrom(100_000, 999_999, 2 ** 31 - 1) }, // never opened
  { weight: 1, arbitrary: fc.oneof(edgeNumbers, anyValue).filter(notAProcessFd) },
);

const dataFlags = someOf(constants(/^MSG_/));
const flags = or(fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: dataFlags }, { weight: 1, arbitrary: int }));
const size = fc.oneof({ weight: 4, arbitrary: fc.nat(64) }, { weight: 1, arbitrary: fc.nat(70_000) });
const bytes = size.chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
const view = fc.oneof(
  bytes,
  bytes.map((b) => Buffer.from(b)),
  bytes.map((b) => new DataView(b.buffer)),
  size.map((n) => new Uint32Array(n)),
  size.map((n) => new Float64Array(n)),
  size.map((n) => new BigInt64Array(n)),
  fc.tuple(bytes, fc.nat(8), fc.nat(8)).map(([b, i, j]) => b.subarray(i, b.length - j)),
  size.map((n) => new Uint8Array(new SharedArrayBuffer(n))),
);
const data = fc.oneof(view, fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ maxLength: 5000 }));
const len = or(fc.oneof(fc.constant(undefined), fc.nat(70_000), fc.integer({ min: -2, max: 80 })));
const port = fc.oneof({ weight: 4, arbitrary: fc.nat(65535) }, { weight: 1, arbitrary: fc.constant(new Ref('listener port', listenerPort)) }, { weight: 1, arbitrary: anyValue });
const loop4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)).map(([a, b, c]) => `127.${a}.${b}.${c}`);
const junkIp = fc.oneof(fc.string({ maxLength: 50 }), fc.constantFrom('', '1.2.3', '256.1.1.1', '::g', '[::1]', '127.0.0.1\0x', 'x'.repeat(4096)));
const unixPath = fc.oneof(
  fc.string({ minLength: 1, maxLength: 20 }).map((t) => t.replaceAll('/', '_').replaceAll('\0', '_')), // in the scratch cwd
  fc.string({ maxLength: 120 }).map((t) => `\0${t}`), // abstract
  fc.nat(200).map((n) => 'p'.repeat(n)), // around sun_path's 108 bytes
  fc.constantFrom('/tmp/a\0b', ''),
  fc.uint8Array({ maxLength: 120 }).map((b) => b.map((c) => (c === 0x2f ? 0x5f : c))), // no '/': stays in the cwd
);
// Raw sockaddr bytes: a random buffer, the address part forced to loopback for the inet families and
// the path to stay in the scratch directory for AF_UNIX, so no packet or file lands elsewhere.
const hwAddr = fc.oneof(fc.constantFrom('00:00:00:00:00:00', '01:00:5e:00:00:01', '', 'zz', '01:02:', '1:2:3', 'aa:bb:cc:dd:ee:ff:00:11:22'), fc.uint8Array({ maxLength: 12 }), fc.string({ maxLength: 30 }));
const rawSockaddr = fc.tuple(fc.constantFrom(s.AF_INET, s.AF_INET6, s.AF_UNIX, s.AF_UNSPEC, s.AF_NETLINK, 99, 0xffff), fc.uint8Array({ maxLength: 140 })).map(([family, b]) => {
  const out = new Uint8Array(b);
  if (out.length >= 2) new DataView(out.buffer).setUint16(0, family, true);
  if (family === s.AF_INET && out.length >= 8) out[4] = 127;
  if (family === s.AF_INET6 && out.length >= 24) out.set([...new Array(15).fill(0), 1], 8);
  if (family === s.AF_UNIX) for (let i = 2; i < out.length; i++) if (out[i] === 0x2f) out[i] = 0x5f;
  return out;
});
const addr = or(fc.oneof(
  fc.record({ family: fc.constantFrom('AF_INET', s.AF_INET), address: fc.oneof(loop4, fc.constant('0.0.0.0'), junkIp, anyValue), port }, { requiredKeys: ['family'] }),
  fc.record({ family: fc.constantFrom('AF_INET6', s.AF_INET6), address: fc.oneof(fc.constantFrom('::1', '::', '::ffff:127.0.0.1'), junkIp, anyValue), port, flowinfo: int, scopeId: int }, { requiredKeys: ['family'] }),
  fc.record({ family: fc.constantFrom('AF_UNIX', 'AF_LOCAL', s.AF_UNIX), path: or(unixPath) }, { requiredKeys: ['family'] }),
  fc.record({ family: fc.oneof(fc.constantFrom('AF_UNSPEC', 'AF_FOO', s.AF_UNSPEC, s.AF_NETLINK), int) }),
  // Linux's families (the run is in a network namespace of its own: nothing leaves it)
  fc.record({ family: fc.constantFrom('AF_NETLINK', s.AF_NETLINK), pid: or(int), groups: or(int) }, { requiredKeys: ['family'] }),
  fc.record({ family: fc.constantFrom('AF_PACKET', s.AF_PACKET), protocol: or(fc.oneof(fc.constantFrom(s.ETH_P_ALL, s.ETH_P_IP), int)), ifindex: or(fc.oneof(fc.constant(1), int)), hatype: or(int), pkttype: or(int), addr: or(hwAddr) }, { requiredKeys: ['family'] }),
  fc.record({ family: fc.constantFrom('AF_VSOCK', s.AF_VSOCK), cid: or(int), port: or(int), flags: or(int) }, { requiredKeys: ['family'] }),
  fc.record({ family: fc.constantFrom('AF_ALG', s.AF_ALG), type: or(fc.oneof(fc.constantFrom('hash', 'skcipher'), fc.string({ maxLength: 20 }))), name: or(fc.oneof(fc.constantFrom('sha256', ''), fc.string({ maxLength: 80 }))), feat: or(int), mask: or(int) }, { requiredKeys: ['family'] }),
  rawSockaddr,
  fc.constant(new Ref('sockaddr_in', () => Object.assign(new s.sockaddr_in(), { sin_family: s.AF_INET, sin_port: s.htons(listenerPort()) }))),
  fc.constant(new Ref('listener addr', () => s.getsockname(poolFdOf('tcpListener')))),
  fc.constant(new Ref('udp addr', () => s.getsockname(poolFdOf('udp')))),
));
const bufs = or(fc.array(or(view), { maxLength: 5 }));
const datas = or(fc.array(or(data), { maxLength: 5 }));
const fdList = fc.array(fc.oneof(poolFd, int), { maxLength: 6 });
const cmsg = or(fc.oneof(
  fc.record({ level: or(fc.constantFrom(s.SOL_SOCKET, s.IPPROTO_IP, s.IPPROTO_IPV6, 0)), type: or(int), data: or(bytes) }),
  fc.record({ fds: or(fdList) }),
  fc.record({ cred: or(fc.record({ pid: int, uid: int, gid: int })) }),
  fc.record({ cred: fc.constant(new Ref('own cred', () => ({ pid: process.pid, uid: process.getuid(), gid: process.getgid() }))) }),
  fc.record({ pktinfo: or(fc.record({ addr: fc.oneof(loop4, fc.constant('::1'), junkIp), ifindex: int }, { requiredKeys: [] })) }),
  fc.record({ timestamp: anyValue }),
  fc.record({ level: or(fc.constantFrom(s.IPPROTO_IP, s.IPPROTO_IPV6)), type: or(fc.constantFrom(s.IP_TTL, s.IP_TOS, s.IPV6_HOPLIMIT, s.IPV6_TCLASS)), value: or(fc.oneof(fc.nat(255), int)) }),
));
const control = or(fc.oneof(fc.array(cmsg, { maxLength: 4 }), bytes));
const msgOut = or(fc.oneof(data, fc.array(data, { maxLength: 4 }), fc.record({ iov: datas, addr: or(fc.oneof(addr, fc.constant(null))), control }, { requiredKeys: [] })));
const msgIn = or(fc.oneof(view, fc.array(view, { maxLength: 4 }), fc.record({ iov: bufs, controlLength: or(fc.oneof(fc.nat(400), int)) }, { requiredKeys: [] })));
const vec = (msg) => or(fc.oneof({ weight: 8, arbitrary: fc.array(msg, { maxLength: 5 }) }, { weight: 1, arbitrary: fc.constant(new Ref('1025 messages', () => new Array(1025).fill(new Uint8Array(1)))) }));
const level = or(fc.oneof(fc.constantFrom(s.SOL_SOCKET, s.IPPROTO_TCP, s.IPPROTO_IP, s.IPPROTO_IPV6, s.IPPROTO_UDP, s.SOL_PACKET), int));
const optname = or(fc.oneof(fc.constantFrom(...constants(/^(SO|TCP|IP|IPV6|MCAST|PACKET)_/)), int));
const ip4 = or(fc.oneof(fc.constantFrom('239.1.2.3', '224.0.0.1', '127.0.0.1', '0.0.0.0'), junkIp));
const bpfInsn = fc.record({ code: or(fc.oneof(fc.constantFrom(s.BPF_RET | s.BPF_K, s.BPF_LD | s.BPF_H | s.BPF_ABS, s.BPF_JMP | s.BPF_JEQ | s.BPF_K), int)), jt: or(fc.nat(255)), jf: or(fc.nat(255)), k: or(fc.oneof(fc.nat(0xffff), fc.constant(s.SKF_NET_OFF), int)) }, { requiredKeys: [] });
const optval = or(fc.oneof(
  int, fc.boolean(), bytes,
  fc.oneof(fc.constantFrom('lo', 'reno', 'cubic', 'tls', ''), fc.string({ maxLength: 20 })),
  fc.record({ onoff: or(fc.oneof(fc.boolean(), int)), linger: or(int) }),
  fc.record({ sec: or(int), usec: or(int) }),
  fc.record({ multiaddr: ip4, interface: ip4, address: ip4, ifindex: or(int), sourceaddr: ip4 }, { requiredKeys: [] }),
  fc.record({ multiaddr: or(fc.oneof(fc.constantFrom('ff15::1', '::1'), junkIp)), interface: or(int) }, { requiredKeys: [] }),
  fc.record({ interface: or(int), group: addr, source: addr }, { requiredKeys: [] }),
  fc.record({ ifindex: or(int), type: or(fc.oneof(fc.nat(4), int)), address: or(hwAddr) }, { requiredKeys: [] }),
  fc.record({ addr, flags: or(int), prefixlen: or(int), ifindex: or(int), key: or(fc.oneof(fc.string({ maxLength: 90 }), bytes)) }, { requiredKeys: [] }),
  fc.oneof({ weight: 8, arbitrary: fc.array(or(bpfInsn), { maxLength: 6 }) }, { weight: 1, arbitrary: fc.constant(new Ref('4097 instructions', () => new Array(4097).fill({ code: s.BPF_RET | s.BPF_K }))) }),
));
const domain = or(fc.oneof(fc.constantFrom(...constants(/^AF_/)), int));
const type = or(fc.oneof(fc.constantFrom(...constants(/^SOCK_/)), someOf(constants(/^SOCK_/)), int));
const protocol = or(fc.oneof(fc.constant(0), fc.constantFrom(...constants(/^IPPROTO_/)), int));
const abortable = fc.constantFrom(
  undefined,
  () => ({}),
  () => ({ signal: AbortSignal.abort() }),
  () => ({ signal: AbortSignal.timeout(1) }),
  () => ({ signal: new AbortController().signal }),
  () => ({ signal: 'not a signal' }),
  () => null,
  () => 5,
).map((make) => (make === undefined ? undefined : new Ref('options', make)));
const options = or(abortable);
const hostname = inNetns ? or(fc.oneof(loop4, fc.constantFrom('localhost', '::1', null, ''), fc.string({ maxLength: 30 }))) : or(fc.oneof(loop4, fc.constantFrom('localhost', '::1', null, '')));
// Outside a network namespace only lookups /etc/hosts answers (AF_INET: localhost has no IPv6 entry
// there, and a miss would ask DNS)
const hostFamily = inNetns ? domain : or(fc.constant(s.AF_INET));
const hostAddr = inNetns ? or(fc.oneof(loop4, bytes)) : or(fc.constant('127.0.0.1'));
// and getnameinfo asks DNS for the name of any other address (0.0.0.0, 127.0.0.2: a PTR query leaves
// the machine, and a sync call blocks until the resolver gives up)
const nameAddr = inNetns ? addr : or(fc.record({ family: fc.constantFrom('AF_INET', s.AF_INET), address: fc.constant('127.0.0.1'), port }));
const fileOffset = or(fc.oneof(fc.constant(null), fc.nat(100), int));
const protoName = or(fc.oneof(fc.constant(undefined), fc.constant(null), fc.constantFrom('tcp', 'udp', 'sctp', ''), fc.string({ maxLength: 8 })));
const service = or(fc.oneof(fc.constant(undefined), fc.constant(null), fc.nat(70_000), fc.constantFrom('80', 'http', 'no-such-service', '')));
// Multiplexing. A sync call must not block the run: its timeouts are short, and the junk mixed in is
// never a number or the null/undefined that means "for ever". The awaitable ones end by themselves too.
const junk = anyValue.filter((v) => typeof v !== 'number' && v !== undefined && v !== null);
const shortMs = fc.oneof({ weight: 5, arbitrary: fc.nat(3) }, { weight: 1, arbitrary: junk });
const fdSet = or(fc.oneof(fc.constant(null), fc.array(fc.oneof(poolFd, fc.nat(1100), int), { maxLength: 4 }).map((fds) => new Ref('fd_set', () => {
  const set = new s.fd_set();
  for (const f of fds) {
    const v = f instanceof Ref ? f.get() : f;
    if (Number.isInteger(v) && v >= 0 && v < s.FD_SETSIZE) s.FD_SET(v, set);
  }
  return set;
}))));
const nfds = or(fc.oneof(fc.nat(64), fc.constant(s.FD_SETSIZE), int));
const selectTimeout = fc.oneof({ weight: 5, arbitrary: fc.record({ sec: fc.constant(0), usec: or(fc.nat(3000)) }) }, { weight: 1, arbitrary: junk });
const events = or(fc.oneof(someOf(constants(/^E?POLL[A-Z]+$/)), int));
const pollfds = or(fc.array(or(fc.record({ fd: fc.oneof(poolFd, int), events, revents: or(int) }, { requiredKeys: ['fd'] })), { maxLength: 5 }));
const epollEvent = or(fc.oneof(fc.constant(null), fc.record({ events, data: or(fc.oneof(fc.nat(100), int)) }, { requiredKeys: [] })));
const epollOp = or(fc.oneof(fc.constantFrom(s.EPOLL_CTL_ADD, s.EPOLL_CTL_MOD, s.EPOLL_CTL_DEL), int));
const maxevents = or(fc.oneof(fc.nat(70), fc.constantFrom(0, -1, 2 ** 20, 2 ** 20 + 1, 2 ** 31 - 1), fc.nat(16).map((n) => new Ref('EpollEvents', () => new s.EpollEvents(n)))));
const hints = or(fc.oneof(fc.constant(undefined), fc.record({ family: or(int), socktype: or(int), protocol: or(int), flags: or(int) }, { requiredKeys: [] })));

// ---- what each function takes --------------------------------------------------------------------

const sync = {
  socket: [domain, type, protocol],
  socketpair: [domain, type, protocol],
  close: [fd],
  shutdown: [fd, or(fc.oneof(fc.constantFrom(s.SHUT_RD, s.SHUT_WR, s.SHUT_RDWR), int))],
  setNonBlocking: [fd, or(fc.boolean())],
  getNonBlocking: [fd],
  trace: [or(fc.oneof(fc.boolean(), fc.constant(undefined)))],
  bind: [fd, addr],
  listen: [fd, or(fc.oneof(fc.constant(undefined), int))],
  accept: [fd, flags],
  connect: [fd, addr],
  getsockname: [fd],
  getpeername: [fd],
  send: [fd, data, len, flags],
  recv: [fd, view, len, flags],
  sendto: [fd, data, len, flags, or(fc.oneof(addr, fc.constant(null), fc.constant(undefined)))],
  recvfrom: [fd, view, len, flags],
  read: [fd, view, len],
  write: [fd, data, len],
  readv: [fd, bufs],
  writev: [fd, datas],
  sendmsg: [fd, msgOut, flags],
  recvmsg: [fd, msgIn, flags],
  sendmmsg: [fd, vec(msgOut), flags],
  recvmmsg: [fd, vec(msgIn), flags, or(fc.oneof(fc.constant(undefined), fc.constant(null), fc.record({ sec: or(fc.nat(0)), nsec: or(fc.nat(1000)) })))],
  CMSG_SPACE: [or(int)],
  CMSG_LEN: [or(int)],
  sendFds: [fd, data, or(fdList), flags],
  recvFds: [fd, view, or(fc.oneof(fc.nat(8), int)), flags],
  setsockopt: [fd, level, optname, optval],
  getsockopt: [fd, level, optname, or(fc.oneof(fc.constant(undefined), fc.nat(300), int))],
  htons: [or(int)],
  ntohs: [or(int)],
  htonl: [or(int)],
  ntohl: [or(int)],
  inet_pton: [domain, or(fc.oneof(loop4, junkIp))],
  inet_ntop: [domain, or(bytes)],
  inet_aton: [or(fc.oneof(loop4, junkIp))],
  inet_addr: [or(fc.oneof(loop4, junkIp))],
  inet_ntoa: [or(int)],
  asInet: [or(addr)], asInet6: [or(addr)], asUnix: [or(addr)],
  getaddrinfo: [hostname, service, hints],
  getnameinfo: [nameAddr, flags],
  isSyscallError: [anyValue],
  select: [nfds, fdSet, fdSet, fdSet, selectTimeout],
  FD_ZERO: [fdSet],
  FD_SET: [or(fc.oneof(fc.nat(1100), int)), fdSet],
  FD_CLR: [or(fc.oneof(fc.nat(1100), int)), fdSet],
  FD_ISSET: [or(fc.oneof(fc.nat(1100), int)), fdSet],
  poll: [pollfds, shortMs],
  epoll_create: [or(int)],
  epoll_create1: [flags],
  epoll_ctl: [fd, epollOp, fd, epollEvent],
  epoll_wait: [fd, maxevents, shortMs],
  fcntl: [fd, or(fc.oneof(fc.constantFrom(...constants(/^F_/)), int)), or(fc.oneof(int, someOf(constants(/^O_/))))],
  dup: [fd],
  dup2: [fd, fd],
  dup3: [fd, fd, or(fc.oneof(fc.constant(0), fc.constant(s.O_CLOEXEC), int))],
  ioctl: [fd, or(fc.oneof(fc.constantFrom(s.FIONREAD, s.SIOCOUTQ, s.SIOCOUTQNSD, s.SIOCATMARK, s.FIONBIO), int)), or(int)],
  sockatmark: [fd],
  // node's objects that have no fd (no case may hand node a pool fd: node would close it later)
  fileno: [or(fc.oneof(fd, fc.constantFrom(new Ref('new net.Socket()', () => new net.Socket()), new Ref('net.createServer()', () => net.createServer()))))],
  toNetSocket: [fd, or(fc.record({ allowHalfOpen: or(fc.boolean()), readable: or(fc.boolean()) }, { requiredKeys: [] }))],
  toNetServer: [fd, or(fc.record({ backlog: or(int), pauseOnConnect: or(fc.boolean()) }, { requiredKeys: [] })), anyValue],
  sendfile: [fd, fd, fileOffset, or(fc.oneof(fc.nat(70_000), int))],
  gethostname: [],
  gethostbyname: [hostname],
  gethostbyname2: [hostname, hostFamily],
  gethostbyaddr: [hostAddr, len, hostFamily],
  getservbyname: [or(fc.oneof(fc.constantFrom('http', 'ssh', 'domain', 'no-such-service', ''), fc.string({ maxLength: 20 }))), protoName],
  getservbyport: [or(fc.oneof(fc.nat(65535), int)), protoName],
  getprotobyname: [or(fc.oneof(fc.constantFrom('tcp', 'udp', 'icmp', ''), fc.string({ maxLength: 20 })))],
  getprotobynumber: [or(int)],
  if_nametoindex: [or(fc.oneof(fc.constantFrom('lo', 'eth0', 'no-such-if0', ''), fc.string({ maxLength: 20 })))],
  if_indextoname: [or(fc.oneof(fc.nat(8), int))],
  if_nameindex: [],
  getifaddrs: [],
};
const async = {
  accept: [fd, flags, options],
  connect: [fd, addr, options],
  recv: [fd, view, len, flags, options],
  recvfrom: [fd, view, len, flags, options],
  send: [fd, data, len, flags, options],
  sendto: [fd, data, len, flags, or(fc.oneof(addr, fc.constant(null))), options],
  sendAll: [fd, data, len, flags, options],
  sendmsg: [fd, msgOut, flags, options],
  recvmsg: [fd, msgIn, flags, options],
  sendmmsg: [fd, vec(msgOut), flags, options],
  recvmmsg: [fd, vec(msgIn), flags, options],
  sendFds: [fd, data, or(fdList), flags, options],
  recvFds: [fd, view, or(fc.oneof(fc.nat(8), int)), flags, options],
  getaddrinfo: [hostname, service, hints],
  getnameinfo: [nameAddr, flags],
  release: [fd],
  read: [fd, view, len, options],
  write: [fd, data, len, options],
  readv: [fd, bufs, options],
  writev: [fd, datas, options],
  poll: [pollfds, shortMs, options],
  select: [nfds, fdSet, fdSet, fdSet, selectTimeout, options],
  epoll_wait: [fd, maxevents, shortMs, options],
  gethostbyname: [hostname],
  gethostbyname2: [hostname, hostFamily],
  gethostbyaddr: [hostAddr, len, hostFamily],
  sendfile: [fd, fd, fileOffset, or(fc.oneof(fc.nat(70_000), int)), options],
};
// Socket methods take the arguments of their promises/sync twins without the fd.
const methods = {
  bind: [addr], listen: sync.listen.slice(1), accept: [flags, options], connect: [addr, options],
  recv: async.recv.slice(1), recvfrom: async.recvfrom.slice(1), send: async.send.slice(1), sendto: async.sendto.slice(1),
  sendAll: async.sendAll.slice(1), sendmsg: async.sendmsg.slice(1), recvmsg: async.recvmsg.slice(1),
  sendmmsg: async.sendmmsg.slice(1), recvmmsg: async.recvmmsg.slice(1), sendFds: async.sendFds.slice(1),
  recvFds: async.recvFds.slice(1), shutdown: sync.shutdown.slice(1), setsockopt: sync.setsockopt.slice(1),
  getsockopt: sync.getsockopt.slice(1), getsockname: [], getpeername: [], setNonBlocking: [or(fc.boolean())],
  close: [], detach: [], dup: [], [Symbol.dispose]: [], [Symbol.asyncDispose]: [],
  toDuplex: [], [Symbol.asyncIterator]: [], [Symbol.for('nodejs.util.inspect.custom')]: [or(int), anyValue],
};
const structs = {
  sockaddr_in: ['sin_family', 'sin_port', 'sin_addr.s_addr'],
  sockaddr_in6: ['sin6_family', 'sin6_port', 'sin6_flowinfo', 'sin6_scope_id'],
  sockaddr_un: ['sun_family', 'sun_path'],
};

// Every function export must be fuzzed: a new export without an entry here fails the run.
const classes = new Set(['Socket', 'AbortError', 'in_addr', 'fd_set', 'EpollEvents', ...Object.keys(structs)]); // targets of their own below
for (const [mod, table, label] of [[s, sync, 'sockfd'], [p, async, 'sockfd/promises']]) {
  for (const [name, v] of Object.entries(mod)) {
    if (typeof v === 'function' && !(name in table) && !classes.has(name)) throw new Error(`${label}.${name} has no fuzz entry`);
  }
}
for (const name of Reflect.ownKeys(s.Socket.prototype)) {
  if (name !== 'constructor' && typeof Object.getOwnPropertyDescriptor(s.Socket.prototype, name).value === 'function' && !(name in methods)) {
    throw new Error(`Socket.prototype.${String(name)} has no fuzz entry`);
  }
}

/** Argument lists: the parameters' arbitraries, then sometimes one fewer or one more argument (the
 * Socket of a method call is always there). */
const argsOf = (params, keep) => fc.oneof(
  { weight: 8, arbitrary: fc.tuple(...params) },
  { weight: 1, arbitrary: fc.tuple(...params).map((a) => a.slice(0, Math.max(keep, a.length - 1))) },
  { weight: 1, arbitrary: fc.tuple(...params, anyValue) },
);

// ---- outcomes ------------------------------------------------------------------------------------

const outcomes = new Map(); // "name: outcome" -> count
const count = (key) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);

function judge(error) {
  if (error instanceof HostileGetter) return 'getter error';
  if (error?.name === 'AbortError' && error.code === 'ABORT_ERR') return 'AbortError';
  if ((error instanceof TypeError || error instanceof RangeError) && /^ERR_[A-Z_]+$/.test(error.code)) return error.code;
  // fileno()'s "no fd" errors (lib/node.ts): documented Errors with a code and no errno
  if (error instanceof Error && /^ERR_FILENO_(NOT_YET|GONE|UNSUPPORTED)$/.test(error.code)) return error.code;
  if (error instanceof Error && typeof error.code === 'string' && Number.isInteger(error.errno) && typeof error.syscall === 'string') {
    return `${error.syscall} ${error.code}`;
  }
  return null;
}

const describe = (v) => {
  if (v instanceof Ref) return v.describe;
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...(${v.length})` : v);
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${v.byteLength} bytes)`;
  try {
    return fc.stringify(v).slice(0, 200);
  } catch {
    return String(typeof v);
  }
};

const PENDING_MS = 20; // then close the fd: the call must reject (ECANCELED) at once
const STALL_MS = 2_000;

function settle(promise, ms) {
  let timer;
  return Promise.race([
    promise.then((value) => ({ value }), (error) => ({ error })),
    new Promise((r) => (timer = setTimeout(() => r({ pending: true }), ms))),
  ]).finally(() => clearTimeout(timer));
}

let cases = 0;
async function runCase(label, call, args, { mustNotThrow = false, fdOf } = {}) {
  cases++;
  if (opts.verbose) process.stderr.write(`${label}(${args.map(describe).join(', ')})\n`);
  let resolved, result;
  try {
    resolved = args.map((a) => resolve(a)); // Socket.from() of a pipe throws here
  } catch (error) {
    const kind = judge(error);
    if (kind === null) throw error;
    count(`${label}: no Socket, ${kind}`);
    return;
  }
  try {
    result = call(resolved);
  } catch (error) {
    const kind = judge(error);
    if (kind === null) throw new Error(`${label} threw ${error?.stack ?? error}`);
    if (mustNotThrow && kind !== 'getter error') throw new Error(`${label} threw synchronously (must reject): ${error.stack}`);
    count(`${label}: ${kind}`);
    return;
  }
  if (result instanceof Promise) {
    let settled = await settle(result, PENDING_MS);
    if (settled.pending) {
      // Waiting is a fine outcome (nothing to read): closing the fd must end the wait.
      const waitFd = fdOf?.(resolved);
      if (Number.isInteger(waitFd) && waitFd >= 0 && !baseline.has(waitFd) && target(waitFd) !== null) s.close(waitFd); // never one of node's own
      settled = await settle(result, STALL_MS);
      if (settled.pending) throw new Error(`${label} still pending ${STALL_MS} ms after close()`);
      if ('error' in settled && judge(settled.error) === null) throw new Error(`${label} after close rejected with ${settled.error}`);
      count(`${label}: pending, then ${'error' in settled ? judge(settled.error) : 'resolved'}`);
      return;
    }
    if ('error' in settled) {
      const kind = judge(settled.error);
      if (kind === null) throw new Error(`${label} rejected with ${settled.error?.stack ?? settled.error}`);
      count(`${label}: ${kind}`);
      return;
    }
  }
  count(`${label}: returned`);
}

function afterCase() {
  s.trace(false);
  closeStrays();
  repairPool();
}

// ---- the runs ------------------------------------------------------------------------------------

for (const name of Object.keys(kinds)) build(name);

const targets = [];
// What toNetSocket/toNetServer hand node is closed again at once (node closes a handle's fd within
// destroy()/close()), so that node never closes a number the pool has reused since.
const handedBack = (made) => (made.on('error', () => {}), made instanceof net.Server ? made.close() : made.destroy());
for (const [name, params] of Object.entries(sync)) {
  const call = name === 'toNetSocket' || name === 'toNetServer' ? (a) => handedBack(s[name](...a)) : (a) => s[name](...a);
  targets.push([`sockfd.${name}`, params, call]);
}
for (const [name, params] of Object.entries(async)) {
  // The fd a waiting call waits on is its first argument, but for select and poll (nfds, the pollfd
  // array), which end by their own short timeouts: closing select's nfds as if it were an fd closed one
  // of node's own (a silent SIGABRT at exit, when libuv's tracing loop found its eventfd gone).
  const fdOf = name === 'select' || name === 'poll' ? undefined : (a) => a[0];
  targets.push([`promises.${name}`, params, (a) => p[name](...a), { mustNotThrow: name !== 'release', fdOf }]);
}
const socketOf = fc.oneof(
  poolFd.map((ref) => new Ref(`Socket.from(${ref.describe})`, () => s.Socket.from(ref.get()))),
  fc.constantFrom(...Object.keys(kinds).filter((k) => k.startsWith('tcp') || k.startsWith('udp'))).map((k) => new Ref(`new Socket like ${k}`, () => {
    const fdOfKind = poolFdOf(k);
    return new s.Socket(s.getsockopt(fdOfKind, s.SOL_SOCKET, s.SO_DOMAIN), s.getsockopt(fdOfKind, s.SOL_SOCKET, s.SO_TYPE) | s.SOCK_NONBLOCK);
  })),
);
for (const name of Reflect.ownKeys(methods)) { // Symbol.dispose and Symbol.asyncDispose too
  const params = methods[name];
  const label = `Socket.${String(name)}`;
  const waits = typeof name === 'string' && name in async; // its twin in sockfd/promises returns a promise
  targets.push([label, [socketOf, ...params], ([sock, ...a]) => sock[name](...a), { mustNotThrow: waits, fdOf: ([sock]) => sock.fd }]);
}
targets.push(['new Socket', [domain, type, protocol, fc.oneof(fc.constant(undefined), fd)], (a) => new s.Socket(...a)]);
targets.push(['new in_addr', [or(fc.oneof(fc.nat(16).map((n) => new ArrayBuffer(n)), detached.map((ref) => new Ref('detached ArrayBuffer', () => ref.get().buffer)))), or(int)], (a) => new s.in_addr(...a)]);
// Error itself turns the message into a string (as for Node's own AbortError): a Symbol cannot be.
targets.push(['new fd_set', [anyValue], (a) => new s.fd_set(...a)]);
targets.push(['new EpollEvents', [or(fc.oneof(fc.nat(64), int))], (a) => new s.EpollEvents(...a)]);
targets.push(['new AbortError', [fc.oneof(fc.constant(undefined), fc.string()), anyValue], (a) => new s.AbortError(...a)]);
for (const [cls, fields] of Object.entries(structs)) {
  targets.push([`new ${cls}`, [anyValue], (a) => new s[cls](...a)]);
  const field = fc.constantFrom(...fields);
  targets.push([`${cls} field`, [field, or(int)], ([f, v]) => {
    const st = new s[cls]();
    const path = f.split('.');
    const obj = path.length === 2 ? st[path[0]] : st;
    obj[path.at(-1)] = v;
    return obj[path.at(-1)];
  }]);
}

const blocksWithoutTimeout = new Set(['sockfd.select', 'sockfd.poll', 'sockfd.epoll_wait']);
const selected = opts.only ? targets.filter(([label]) => label === opts.only || label.endsWith(`.${opts.only}`)) : targets;
if (selected.length === 0) throw new Error(`--only ${opts.only}: no such target (${targets.map(([label]) => label).join(', ')})`);
const perTarget = Math.ceil(Number(opts.cases) / selected.length);
const started = performance.now();
process.chdir(scratch);
// On stderr, which the test shows only when the run fails: enough to run the same cases again after a
// crash that leaves no summary (--seed S --only TARGET).
process.stderr.write(`fuzz: seed ${seed}, ${perTarget} cases a target\n`);
try {
  for (const [label, params, call, how] of selected) {
    process.stderr.write(`fuzz: ${label}\n`);
    // A sync multiplexing call without its timeout waits for ever, as in C: it always gets one.
    const keep = label.startsWith('Socket.') ? 1 : blocksWithoutTimeout.has(label) ? params.length : 0;
    await fc.assert(
      fc.asyncProperty(argsOf(params, keep), async (args) => {
        try {
          await runCase(label, call, args, how);
        } finally {
          afterCase();
        }
      }),
      { numRuns: perTarget, seed, endOnFailure: true },
    );
  }
} finally {
  process.chdir(tmpdir());
  for (const fds of pool.values()) for (const { fd, target: was } of fds) if (target(fd) === was) s.close(fd);
  rmSync(scratch, { recursive: true, force: true });
}

const byKind = new Map();
for (const [key, n] of outcomes) {
  const kind = key.slice(key.indexOf(': ') + 2).replace(/^pending, then .*/, 'waited, then closed').replace(/^.* (E[A-Z0-9]+)$/, 'errno $1');
  byKind.set(kind, (byKind.get(kind) ?? 0) + n);
}
const summary = {
  cases,
  targets: selected.length,
  seed,
  netns: inNetns,
  seconds: Math.round((performance.now() - started) / 100) / 10,
  outcomes: Object.fromEntries([...byKind].sort((a, b) => b[1] - a[1])),
};
console.log(JSON.stringify(summary));
