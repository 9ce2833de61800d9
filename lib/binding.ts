// Loads the compiled addon and gives its exports their types. The addon validates every argument
// itself, so calling these directly is as safe as calling them through lib/index.ts.
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Address, AddressInput } from './address.js';
import { invalidArgValue } from './errors.js';
import type { if_nameindex, ifaddrs } from './if.js';
import type { hostent, protoent, servent } from './netdb.js';
import type { SockFilter, StructOptionValue, TcpInfo } from './sockopt.js';

/** Offset and size of one struct field, as this platform lays it out. */
export interface FieldLayout {
  offset: number;
  size: number;
}

/** The platform's sockaddr layouts (offsetof / sizeof, read at build time). */
export interface SockaddrLayout {
  sockaddr_in: { size: number; sin_family: FieldLayout; sin_port: FieldLayout; sin_addr: FieldLayout };
  sockaddr_in6: {
    size: number;
    sin6_family: FieldLayout;
    sin6_port: FieldLayout;
    sin6_flowinfo: FieldLayout;
    sin6_addr: FieldLayout;
    sin6_scope_id: FieldLayout;
  };
  sockaddr_un: { size: number; sun_family: FieldLayout; sun_path: FieldLayout };
  sockaddr_storage: number;
}

export type Data = ArrayBufferView | string;

/** What this thread's readiness engine holds (native/engine/engine.cc): for the soak and leak tests. */
export interface EngineStats {
  fdStates: number;
  registered: number;
  waiting: number;
  counted: number;
  tokens: number;
  owned: number;
  referenced: boolean;
  /** null until an operation first has to wait. */
  backend: 'libuv' | 'thread' | null;
  /** libuv backend: the loop's poll handles (the engine's one) and its other handles but timers. */
  loopPollHandles?: number;
  loopOtherHandles?: number;
  /** thread backend: 1 while its waiter thread runs. */
  waiterThreads?: number;
  /** The fds the engine holds until its environment ends: its epoll fd, and the waiter's. */
  fds: number[];
}

/** SO_LINGER's struct linger. */
export interface Linger {
  onoff: number | boolean;
  linger: number;
}
/** SO_RCVTIMEO / SO_SNDTIMEO's struct timeval. */
export interface Timeval {
  sec: number;
  usec: number;
}
/** struct timespec: recvmmsg()'s timeout, SCM_TIMESTAMPING's stamps. */
export interface Timespec {
  sec: number;
  nsec?: number;
}
/** SO_PEERCRED's (and SCM_CREDENTIALS') struct ucred. */
export interface Ucred {
  pid: number;
  uid: number;
  gid: number;
}
export type SockoptValue = number | boolean | string | Linger | Timeval | StructOptionValue | ArrayBufferView;
/** What getsockopt() gives without a length. */
export type SockoptResult = number | string | Linger | Timeval | Ucred | TcpInfo | SockFilter[];

/** struct addrinfo's hint fields. */
export interface AddrinfoHints {
  flags?: number;
  family?: number;
  socktype?: number;
  protocol?: number;
}
/** One struct addrinfo of getaddrinfo()'s list. */
export interface Addrinfo {
  flags: number;
  family: number;
  socktype: number;
  protocol: number;
  addr: Address;
  canonname?: string;
}

/** IP_PKTINFO's struct in_pktinfo (spec_dst IPv4 only) and IPV6_PKTINFO's struct in6_pktinfo. */
export interface Pktinfo {
  ifindex: number;
  addr: string;
  spec_dst?: string;
}

/**
 * A control message (cmsg(3)): `{ level, type }` and its payload, either raw `data` (any level and
 * type) or, for the types sockfd lays out itself, `fds` (SOL_SOCKET/SCM_RIGHTS), `cred`
 * (SOL_SOCKET/SCM_CREDENTIALS), `pktinfo` (IPPROTO_IP/IP_PKTINFO, IPPROTO_IPV6/IPV6_PKTINFO) or `value`
 * (an int: IP_TTL, IP_TOS, IPV6_HOPLIMIT, IPV6_TCLASS).
 */
export interface Cmsg {
  level: number;
  type: number;
  data?: ArrayBufferView;
  fds?: number[];
  cred?: Ucred;
  /** Fields left out are zero. */
  pktinfo?: Partial<Pktinfo>;
  value?: number;
}

/**
 * struct sock_extended_err (ip(7) IP_RECVERR, the error queue), without its ee_ prefix: `errno` is the
 * error (ECONNREFUSED, EHOSTUNREACH...), `origin` SO_EE_ORIGIN_*, `type`/`code` the ICMP type and code
 * for SO_EE_ORIGIN_ICMP/ICMP6, `info` (the MTU for EMSGSIZE), `data`, and `offender` SO_EE_OFFENDER():
 * the node that reported the error (AF_UNSPEC for a local one).
 */
export interface SockExtendedErr {
  errno: number;
  origin: number;
  type: number;
  code: number;
  info: number;
  data: number;
  offender: Address | null;
}

/**
 * A received control message: always its raw `data`, and the payload decoded for the types sockfd
 * knows: `fds` (SCM_RIGHTS), `cred` (SCM_CREDENTIALS), `pktinfo`, `timestamp` (SO_TIMESTAMP: sec and
 * usec; SO_TIMESTAMPNS: sec and nsec), `timestamping` (SCM_TIMESTAMPING: struct scm_timestamping's three
 * timespecs, software first), `extendedErr` (IP_RECVERR / IPV6_RECVERR), `addr` (IP_ORIGDSTADDR /
 * IPV6_ORIGDSTADDR), `value` (IP_TTL, IP_TOS, IPV6_HOPLIMIT, IPV6_TCLASS, UDP_GRO, SO_RXQ_OVFL).
 */
export interface ReceivedCmsg extends Cmsg {
  data: Uint8Array;
  pktinfo?: Pktinfo;
  timestamp?: { sec: number; usec?: number; nsec?: number };
  timestamping?: [Timespec, Timespec, Timespec];
  extendedErr?: SockExtendedErr;
  addr?: Address;
}

/** struct msghdr to send: the buffers gathered in order, an optional address and control messages. */
export interface MsgOut {
  iov: Data | Data[];
  addr?: AddressInput | null;
  /** Control messages, or the raw msg_control bytes laid out by hand. */
  control?: Cmsg[] | ArrayBufferView;
}

/** struct msghdr to receive into: the buffers filled in order, and the room for control messages. */
export interface MsgIn {
  iov: ArrayBufferView | ArrayBufferView[];
  /** msg_controllen: bytes for control messages (use CMSG_SPACE); 0 by default. */
  controlLength?: number;
}

/** What recvmsg() received. */
export interface ReceivedMsg {
  bytes: number;
  /** The sender's address (null where the socket reports none: a connected stream). */
  addr: Address | null;
  /** msg_flags: MSG_TRUNC, MSG_CTRUNC, MSG_EOR, MSG_OOB, MSG_ERRQUEUE. */
  flags: number;
  control: ReceivedCmsg[];
}

type Awaitable<T> = T | Promise<T>;

export interface Native {
  constants: Record<string, number>;
  errno: Record<string, number>;
  sockaddrLayout: SockaddrLayout;
  /** native/sockaddr.cc's address slot (absent where external buffers are not allowed), and its decoder. */
  addressSlot?: ArrayBuffer;
  /** Where the sockaddr starts in the slot (after its u32 length). */
  addressSlotOffset?: number;
  decodeAddressSlot(): Address | null;
  setResultMakers(
    address: () => Address | null,
    received: (bytes: number) => { bytes: number; addr: Address | null },
    accepted: (fd: number) => { fd: number; addr: Address | null },
    message: (bytes: number, flags: number, control: ReceivedCmsg[] | undefined) => ReceivedMsg,
  ): void;

  socket(domain: number, type: number, protocol?: number): number;
  socketpair(domain: number, type: number, protocol?: number): [number, number];
  close(fd: number): void;
  shutdown(fd: number, how: number): void;
  setNonBlocking(fd: number, on: boolean): void;
  getNonBlocking(fd: number): boolean;
  trace(on?: boolean): boolean;

  bind(fd: number, addr: AddressInput): void;
  listen(fd: number, backlog?: number): void;
  /** The accepted fd; its peer's address is in the address slot. */
  accept(fd: number, flags?: number): number;
  connect(fd: number, addr: AddressInput): void;
  /** These two leave the address in the address slot. */
  getsockname(fd: number): void;
  getpeername(fd: number): void;

  send(fd: number, data: Data, len?: number, flags?: number): number;
  recv(fd: number, buf: ArrayBufferView, len?: number, flags?: number): number;
  sendto(fd: number, data: Data, len?: number, flags?: number, addr?: AddressInput | null): number;
  /** The bytes received; the sender's address is in the address slot. */
  recvfrom(fd: number, buf: ArrayBufferView, len?: number, flags?: number): number;
  read(fd: number, buf: ArrayBufferView, len?: number): number;
  write(fd: number, data: Data, len?: number): number;
  readv(fd: number, bufs: ArrayBufferView[]): number;
  writev(fd: number, bufs: Data[]): number;

  sendmsg(fd: number, msg: MsgOut | Data | Data[], flags?: number): number;
  recvmsg(fd: number, msg: MsgIn | ArrayBufferView | ArrayBufferView[], flags?: number): ReceivedMsg;
  sendmmsg(fd: number, msgvec: (MsgOut | Data | Data[])[], flags?: number): number;
  recvmmsg(fd: number, msgvec: (MsgIn | ArrayBufferView | ArrayBufferView[])[], flags?: number, timeout?: Timespec | null): ReceivedMsg[];
  CMSG_SPACE(length: number): number;
  CMSG_LEN(length: number): number;

  setsockopt(fd: number, level: number, optname: number, value: SockoptValue): void;
  getsockopt(fd: number, level: number, optname: number, length?: number): SockoptResult | Uint8Array;

  htons(hostshort: number): number;
  ntohs(netshort: number): number;
  htonl(hostlong: number): number;
  ntohl(netlong: number): number;
  inet_pton(af: number, src: string): Uint8Array | null;
  inet_ntop(af: number, src: ArrayBufferView): string;
  inet_aton(cp: string): number | null;
  inet_addr(cp: string): number;
  inet_ntoa(inaddr: number): string;
  getaddrinfo(node: string | null, service?: string | number | null, hints?: AddrinfoHints | null): Addrinfo[];
  getnameinfo(addr: AddressInput, flags?: number): { host: string; service: string };

  // sockfd/promises: the sync arguments, then the cancellation token lib/promises.ts passes with a signal.
  // The awaitable syscalls return their result itself when they complete at once, else a promise.
  acceptAsync(fd: number, flags?: number, token?: number): Awaitable<{ fd: number; addr: Address | null }>;
  connectAsync(fd: number, addr: AddressInput, token?: number): Awaitable<void>;
  recvAsync(fd: number, buf: ArrayBufferView, len?: number, flags?: number, token?: number): Awaitable<number>;
  recvfromAsync(fd: number, buf: ArrayBufferView, len?: number, flags?: number, token?: number): Awaitable<{ bytes: number; addr: Address | null }>;
  sendAsync(fd: number, data: Data, len?: number, flags?: number, token?: number): Awaitable<number>;
  sendtoAsync(fd: number, data: Data, len?: number, flags?: number, addr?: AddressInput | null, token?: number): Awaitable<number>;
  sendAllAsync(fd: number, data: Data, len?: number, flags?: number, token?: number): Awaitable<number>;
  sendmsgAsync(fd: number, msg: MsgOut | Data | Data[], flags?: number, token?: number): Awaitable<number>;
  recvmsgAsync(fd: number, msg: MsgIn | ArrayBufferView | ArrayBufferView[], flags?: number, token?: number): Awaitable<ReceivedMsg>;
  sendmmsgAsync(fd: number, msgvec: (MsgOut | Data | Data[])[], flags?: number, token?: number): Awaitable<number>;
  recvmmsgAsync(fd: number, msgvec: (MsgIn | ArrayBufferView | ArrayBufferView[])[], flags?: number, token?: number): Awaitable<ReceivedMsg[]>;
  getaddrinfoAsync(node: string | null, service?: string | number | null, hints?: AddrinfoHints | null): Promise<Addrinfo[]>;
  getnameinfoAsync(addr: AddressInput, flags?: number): Promise<{ host: string; service: string }>;
  select(nfds: number, r: Uint8Array | null | undefined, w: Uint8Array | null | undefined, e: Uint8Array | null | undefined, timeout: { sec: number; usec: number } | null): number;
  poll(fds: { fd: number; events: number; revents?: number }[], timeout?: number): number;
  epoll_create(size: number): number;
  epoll_create1(flags?: number): number;
  epoll_ctl(epfd: number, op: number, fd: number, event: { events: number; data?: number } | null): void;
  epoll_wait(epfd: number, maxevents: number, timeout?: number): { events: number; data: number }[];
  epoll_wait_into(epfd: number, events: Uint32Array, data: Float64Array, timeout?: number): number;
  readonly fd_set_size: number;
  fcntl(fd: number, cmd: number, arg?: number): number;
  dup(oldfd: number): number;
  dup2(oldfd: number, newfd: number): number;
  dup3(oldfd: number, newfd: number, flags?: number): number;
  ioctl(fd: number, request: number, value?: number): number;
  sockatmark(fd: number): number;
  sendfile(out_fd: number, in_fd: number, offset: number | null | undefined, count: number): number;
  sendfileAsync(out_fd: number, in_fd: number, offset: number | null | undefined, count: number, token?: number): Awaitable<number>;
  gethostname(): string;
  gethostbyname(name: string): hostent;
  gethostbyname2(name: string, af: number): hostent;
  gethostbyaddr(addr: ArrayBufferView | string, len: number | undefined, type: number): hostent;
  gethostbynameAsync(name: string): Promise<hostent>;
  gethostbyname2Async(name: string, af: number): Promise<hostent>;
  gethostbyaddrAsync(addr: ArrayBufferView | string, len: number | undefined, type: number): Promise<hostent>;
  getservbyname(name: string, proto?: string | null): servent | null;
  getservbyport(port: number, proto?: string | null): servent | null;
  getprotobyname(name: string): protoent | null;
  getprotobynumber(proto: number): protoent | null;
  if_nametoindex(ifname: string): number;
  if_indextoname(ifindex: number): string;
  if_nameindex(): if_nameindex[];
  getifaddrs(): ifaddrs[];
  readAsync(fd: number, buf: ArrayBufferView, count?: number, token?: number): Awaitable<number>;
  writeAsync(fd: number, data: Data, count?: number, token?: number): Awaitable<number>;
  readvAsync(fd: number, bufs: ArrayBufferView[], token?: number): Awaitable<number>;
  writevAsync(fd: number, bufs: Data[], token?: number): Awaitable<number>;
  pollAsync(fds: { fd: number; events: number; revents?: number }[], token?: number): Awaitable<number>;
  selectAsync(nfds: number, r: Uint8Array | null | undefined, w: Uint8Array | null | undefined, e: Uint8Array | null | undefined, timeout: { sec: number; usec: number } | null, token?: number): Awaitable<number>;
  epoll_waitAsync(epfd: number, maxevents: number, token?: number): Awaitable<{ events: number; data: number }[]>;
  /** Resolves the waiting operation started with `token` as timed out; false if none waits. */
  expire(token: number): boolean;
  /** Rejects the waiting operation started with `token` with `reason`; false if none waits. */
  cancel(token: number, reason: unknown): boolean;
  /** Drops the readiness state of fd (pending operations reject with ECANCELED) without closing it. */
  release(fd: number): void;
  /** fd belongs to a Socket object: closed when this thread's environment ends, unless released. */
  own(fd: number): void;
  /** Internal, for the soak and leak tests: what this thread's readiness engine holds. */
  engineStats(): EngineStats;
  /** Which backend the engine starts with (lib/binding.ts calls it as it loads); false once started with the other. */
  setEngineBackend(backend: 'libuv' | 'thread'): boolean;
}

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/**
 * An environment variable, or undefined. Deno without --allow-env throws on any read of process.env;
 * there a variable sockfd may not read counts as unset, so importing sockfd needs no permission but
 * the one loading an addon needs (--allow-ffi).
 */
export function envVar(name: string): string | undefined {
  try {
    return process.env[name];
  } catch {
    return undefined;
  }
}

// The binary: build/Release (a source build) first, then the prebuild for this platform and arch
// inside the package (node-gyp-build's order). Each is simply required: no directory is listed and no
// variable read, so the lookup needs no permission in Deno. If none loads, say why in words a user
// can act on.
function loadAddon(): { path: string; native: Native } {
  const candidates = ['build/Release/sockfd.node', `prebuilds/${process.platform}-${process.arch}/sockfd.glibc.node`];
  const failures: unknown[] = [];
  for (const candidate of candidates) {
    const path = resolve(packageRoot, candidate);
    try {
      return { path, native: require(path) as Native };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') failures.push(err);
    }
  }
  throw new Error(
    `sockfd has no binary for ${process.platform}-${process.arch}: the package ships prebuilt ones for ` +
      'linux-x64 and linux-arm64 (glibc), and elsewhere its install script compiles one. That script did ' +
      'not run (npm --ignore-scripts; pnpm blocks build scripts until `pnpm approve-builds`) or failed. ' +
      'Run `npm rebuild sockfd` (or `pnpm approve-builds` then `pnpm rebuild sockfd`); it needs a C++ ' +
      'compiler, make and python3.',
    { cause: failures.length === 1 ? failures[0] : failures.length > 1 ? new AggregateError(failures) : undefined },
  );
}

const forced = envVar('SOCKFD_ADDON');
const loaded = forced ? { path: resolve(packageRoot, forced), native: require(resolve(packageRoot, forced)) as Native } : loadAddon();

/**
 * Where the addon is: $SOCKFD_ADDON (a path, relative to the package root; the cmake-js build is
 * build-cmake/Release/sockfd.node), else build/Release, then the prebuild in prebuilds/.
 */
export const addonPath = loaded.path;

export const native: Native = loaded.native;

/**
 * Whether this runtime runs its JavaScript on a real libuv loop (Node). Bun and Deno load Node-API
 * addons but their libuv is a stub (Bun's uv_* abort the process) or partial (Deno's uv_poll_start
 * fires once: denoland/deno#36317).
 */
export const runtimeHasLibuv = typeof (globalThis as { Deno?: unknown }).Deno === 'undefined' && typeof process.versions.bun !== 'string';

/**
 * The readiness engine's backend (native/engine/backend.h): 'libuv' (one poll handle on the loop; Node
 * only, the fastest) or 'thread' (a waiter thread and a threadsafe function; any Node-API runtime).
 * $SOCKFD_ENGINE forces either; the default is libuv where the runtime has it.
 */
export const engineBackend = chooseBackend(envVar('SOCKFD_ENGINE'));

function chooseBackend(wanted: string | undefined): 'libuv' | 'thread' {
  if (wanted === undefined || wanted === '') return runtimeHasLibuv ? 'libuv' : 'thread';
  if (wanted !== 'libuv' && wanted !== 'thread')
    throw invalidArgValue(`SOCKFD_ENGINE must be 'libuv' or 'thread'. Received '${wanted}'`);
  if (wanted === 'libuv' && !runtimeHasLibuv)
    throw Object.assign(new Error("SOCKFD_ENGINE=libuv needs Node's libuv loop, which this runtime does not have: use 'thread'"), { code: 'ERR_INVALID_ARG_VALUE' });
  return wanted;
}
native.setEngineBackend(engineBackend);
