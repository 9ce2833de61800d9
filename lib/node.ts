/**
 * Node's own sockets. fileno() gives the fd under a socket or server that node:net, node:tls,
 * node:http(s), node:http2 or node:dgram made (as C's fileno(3) gives the fd under a stdio stream);
 * toNetSocket() and toNetServer() hand a sockfd fd the other way, to node:net.
 *
 * An fd fileno() gave stays node's. sockfd remembers it for as long as node's socket holds it, and
 * refuses what would break node: close(), dup2()/dup3() onto it, Socket.from(), and every waiting call
 * of sockfd/promises (node's event loop already reads and writes it; sockfd's engine would race it and
 * keep stale readiness for the number after node closes it). The sync calls work on it as on any fd.
 *
 * @module
 */
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import net from 'node:net';

import { native } from './binding.js';
import { EBADF, SO_ACCEPTCONN, SO_TYPE, SOCK_DGRAM, SOCK_STREAM, SOL_SOCKET } from './constants.js';
import { invalidArgType, invalidArgValue, syscallError } from './errors.js';

const n = native;

/** Why fileno() found no fd: the `code` of the Error it throws. */
export type FilenoErrorCode = 'ERR_FILENO_NOT_YET' | 'ERR_FILENO_GONE' | 'ERR_FILENO_UNSUPPORTED';

interface NoFd {
  code: FilenoErrorCode;
  why: string;
}

// What node's objects keep, none of it public: a handle (TCPWrap, Pipe, TLSWrap, UDP) whose `fd` is
// the number, or a negative value before there is one (-1; dgram: -EBADF).
interface Handle {
  fd?: number;
}
type NetSocket = net.Socket & { _handle?: Handle | null; pending?: boolean };
type NetServer = net.Server & { _handle?: Handle | null };

// In a node:cluster worker. node:cluster is loaded when first asked (not at import: it costs as much
// as the rest of this module's imports together), and only by the paths that ask.
const require = createRequire(import.meta.url);
const inClusterWorker = () => (require('node:cluster') as typeof import('node:cluster').default).isWorker;

// The running runtime, for the message when its node:net keeps no fd.
const runtime = 'Deno' in globalThis ? 'Deno' : 'Bun' in globalThis ? 'Bun' : 'this runtime';

// net.BoundSocket (Node 24.19+, 26.4+): a socket bound at construction, adopted later by a net.Socket
// or net.Server; its fd() throws once adopted.
type BoundSocket = { fd(): number };
const BoundSocketClass = (net as { BoundSocket?: abstract new (...args: never[]) => BoundSocket }).BoundSocket;

function fromHandle(handle: Handle | null | undefined, what: string, notYet: string, module = 'node:net'): number | NoFd | undefined {
  if (handle === null || handle === undefined) return undefined;
  const fd = handle.fd;
  if (typeof fd !== 'number') return { code: 'ERR_FILENO_UNSUPPORTED', why: `${what} has a handle without an fd (${runtime}'s ${module} keeps none): make the socket with sockfd instead` };
  if (fd >= 0) return fd;
  return { code: 'ERR_FILENO_NOT_YET', why: `${what} has no fd yet: ${notYet}` };
}

function ofSocket(s: NetSocket): number | NoFd {
  const what = s.constructor?.name === 'TLSSocket' ? 'this tls.TLSSocket' : 'this net.Socket';
  if (s.destroyed) return { code: 'ERR_FILENO_GONE', why: `${what} is destroyed: its fd is closed` };
  const fd = s._handle?.fd;
  if (typeof fd === 'number' && fd >= 0) return fd;
  if (s.connecting || s.pending) return { code: 'ERR_FILENO_NOT_YET', why: `${what} has no fd yet: ${s.connecting ? 'it is connecting' : 'it is not connected'}: call fileno() after 'connect'` };
  if (typeof fd === 'number') return { code: 'ERR_FILENO_UNSUPPORTED', why: `${what} runs over a JS stream, not a socket: there is no fd under it` };
  return { code: 'ERR_FILENO_UNSUPPORTED', why: `${what} is open but keeps no fd (${runtime}'s node:net and node:http keep none): make the socket with sockfd instead` };
}

function ofServer(s: NetServer): number | NoFd {
  const what = 'this server';
  if (inClusterWorker() && s._handle != null && typeof s._handle.fd !== 'number') {
    return { code: 'ERR_FILENO_UNSUPPORTED', why: `${what} is a node:cluster worker's: its listening socket is in the primary process` };
  }
  const found = fromHandle(s._handle, what, "call fileno() after 'listening'");
  if (found !== undefined) return found;
  if (s.listening) return { code: 'ERR_FILENO_UNSUPPORTED', why: `${what} listens but has no handle (${runtime}'s servers keep no fd): make the socket with sockfd instead` };
  return { code: 'ERR_FILENO_NOT_YET', why: `${what} is not listening (not yet, or closed): call fileno() after 'listening'` };
}

function ofDgram(s: dgram.Socket): number | NoFd {
  const what = 'this dgram.Socket';
  // Its handle sits under a symbol ('state symbol'), not under _handle, whose getter is deprecated (DEP0112).
  const state = Object.getOwnPropertySymbols(s).find((sym) => sym.description === 'state symbol' || sym.description === 'kStateSymbol');
  const handle = state === undefined ? undefined : (s as unknown as Record<symbol, { handle?: Handle | null } | undefined>)[state]?.handle;
  if (handle === null) return { code: 'ERR_FILENO_GONE', why: `${what} is closed` };
  return fromHandle(handle, what, "it is not bound: call fileno() after 'listening' (bind(), or the first send())", 'node:dgram') ?? { code: 'ERR_FILENO_UNSUPPORTED', why: `${what} has no handle (${runtime}'s node:dgram keeps no fd): make the socket with sockfd instead` };
}

function ofBound(s: BoundSocket): number | NoFd {
  try {
    return s.fd();
  } catch (e) {
    if ((e as { code?: string }).code !== 'ERR_SOCKET_HANDLE_ADOPTED') throw e;
    return { code: 'ERR_FILENO_GONE', why: 'this net.BoundSocket was adopted (or closed): call fileno() on the net.Socket or net.Server that adopted it' };
  }
}

// The fd under x, or why it has none; undefined for what is no node socket at all. The node socket
// that holds the fd comes back too (an http request's is its connection's).
function probe(x: unknown, depth = 0): { fd: number | NoFd; holder: object } | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  try {
    if (x instanceof net.Socket) return { fd: ofSocket(x), holder: x };
    // Bun's http.Server is no net.Server: it has listen() and address() and, there, no fd
    if (x instanceof net.Server || (x instanceof EventEmitter && typeof (x as net.Server).listen === 'function' && typeof (x as net.Server).address === 'function')) return { fd: ofServer(x as NetServer), holder: x };
    if (x instanceof dgram.Socket) return { fd: ofDgram(x), holder: x };
    if (BoundSocketClass !== undefined && x instanceof BoundSocketClass) return { fd: ofBound(x), holder: x };
  } catch (e) {
    // an http2 session's socket proxy throws once the session has let its socket go
    if ((e as { code?: string }).code === 'ERR_HTTP2_SOCKET_UNBOUND') return { fd: { code: 'ERR_FILENO_GONE', why: 'this http2 session has let its socket go' }, holder: x };
    throw e;
  }
  // http's IncomingMessage, ServerResponse and ClientRequest, http2's request, response and session:
  // the fd is their connection's.
  if (depth === 0 && x instanceof EventEmitter && 'socket' in x) {
    const socket = (x as { socket: unknown }).socket;
    if (socket === null || socket === undefined) return { fd: { code: 'ERR_FILENO_NOT_YET', why: `this ${x.constructor.name} has no socket yet: call fileno() in its 'socket' event` }, holder: x };
    return probe(socket, 1);
  }
  return undefined;
}

// fd -> the node object fileno() found it under, or toNetSocket/toNetServer gave it to (`adopted`).
const lent = new Map<number, { holder: WeakRef<object>; adopted: boolean }>();

// Whether node's object (still) holds fd: its handle says so, or, for an fd handed over where node:net
// adopts it without showing it (Deno's handles have no fd), the object has a handle and is open.
function holds(holder: object, fd: number, adopted: boolean): boolean {
  const found = probe(holder, 1)?.fd;
  if (typeof found === 'number') return found === fd;
  if (!adopted) return false;
  const handle = (holder as { _handle?: Handle | null })._handle;
  if (handle === null || handle === undefined || typeof handle.fd === 'number') return false;
  return holder instanceof net.Server ? holder.listening : !(holder as net.Socket).destroyed;
}

// After toNetSocket/toNetServer: node's object holds fd now, or (a runtime whose node:net does not
// take an fd: Bun's net.Socket) it is let go and the fd stays the caller's.
function handedOver<T extends net.Socket | net.Server>(fd: number, holder: T): T {
  if (holds(holder, fd, true)) {
    lent.set(fd, { holder: new WeakRef(holder), adopted: true });
    return holder;
  }
  if (holder instanceof net.Socket) holder.destroy();
  else holder.close();
  throw Object.assign(new Error(`${runtime}'s node:net did not take fd ${fd} (its ${holder.constructor.name} has no handle on it): the fd is still yours; keep it in sockfd`), { code: 'ERR_FILENO_UNSUPPORTED' });
}

/**
 * The fd under a socket that node made: C's fileno(3) for node's sockets, https://man7.org/linux/man-pages/man3/fileno.3.html
 *
 * `int fileno(FILE *stream);` No syscall: it reads the fd off node's handle.
 *
 * Takes a net.Socket or tls.TLSSocket, an http/https/http2 request or response (or `req.socket`), an
 * http2 session, a net.Server or an http(s)/http2/tls server (its listening socket), a dgram.Socket,
 * or a net.BoundSocket (Node 24.19+/26.4+).
 *
 * The fd stays node's: node reads, writes and closes it. What is safe: socket options (getsockopt,
 * setsockopt: TCP_INFO, TCP_CONGESTION, SO_BINDTODEVICE...), getsockname, getpeername, ioctl
 * (SIOCINQ, SIOCOUTQ). recv/send on it work but race node's own reads and writes. sockfd refuses the
 * rest while node holds the fd, with EBADF: close, dup2/dup3 onto it, Socket.from, and the waiting
 * calls of sockfd/promises.
 *
 * @throws TypeError (ERR_INVALID_ARG_TYPE) for what is no node socket (a number, a plain object);
 *   Error ERR_FILENO_NOT_YET (not connected, not listening, not bound yet), ERR_FILENO_GONE (destroyed,
 *   closed, a BoundSocket adopted), ERR_FILENO_UNSUPPORTED (a runtime whose node:net keeps no fd, a TLS
 *   socket over a JS stream, a cluster worker's server); the message says what to do.
 */
export function fileno(socket: net.Socket | net.Server | dgram.Socket | object): number {
  const found = probe(socket);
  if (found === undefined) {
    const hint = typeof socket === 'number' ? ' (a number already is an fd)' : '';
    throw invalidArgType('socket', `a node:net, node:tls, node:http, node:http2 or node:dgram socket or server, or a net.BoundSocket${hint}`, socket);
  }
  if (typeof found.fd !== 'number') throw Object.assign(new Error(`fileno: ${found.fd.why}`), { code: found.fd.code });
  lent.set(found.fd, { holder: new WeakRef(found.holder), adopted: false });
  return found.fd;
}

/**
 * Throws the refusal of `syscall` on an fd node holds (see nodeOwned). No syscall.
 * @internal
 */
export function refuseNodeOwned(fd: number, syscall: string): void {
  const refused = nodeOwned(fd, syscall);
  if (refused !== undefined) throw refused;
}

/**
 * The refusal of `syscall` on an fd node holds (one fileno() gave, or toNetSocket/toNetServer handed
 * over), or undefined. No syscall.
 * @internal
 */
export function nodeOwned(fd: number, syscall: string): Error | undefined {
  if (lent.size === 0) return undefined;
  const entry = lent.get(fd);
  if (entry === undefined) return undefined;
  const holder = entry.holder.deref();
  if (holder === undefined || !holds(holder, fd, entry.adopted)) {
    lent.delete(fd); // node closed it: the number is free again
    return undefined;
  }
  const name = holder.constructor.name;
  return syscallError(syscall, 'EBADF', EBADF, `fd ${fd} is node's (a ${name}'s, from fileno() or toNet*), not sockfd's: node reads, writes and closes it; use the sync calls on it, or close the ${name}`);
}

function kindOf(fd: number): { type: number; listening: boolean } {
  return { type: n.getsockopt(fd, SOL_SOCKET, SO_TYPE) as number, listening: (n.getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN) as number) !== 0 };
}

function checkFd(fd: number): void {
  if (!Number.isInteger(fd)) throw invalidArgType('fd', 'an integer', fd);
}

// The options object, its named fields booleans: checked before node takes the fd (an option node
// refused after it had opened a handle on the fd would leave that handle behind).
function checkOptions<K extends string>(options: unknown, booleans: K[]): { [k in K]?: boolean } {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options);
  const out: { [k in K]?: boolean } = {};
  for (const key of booleans) {
    const v = (options as Record<string, unknown>)[key];
    if (v !== undefined && typeof v !== 'boolean') throw invalidArgType(`options.${key}`, 'of type boolean', v);
    out[key] = v as boolean | undefined;
  }
  return out;
}

/** What toNetSocket() passes on to `new net.Socket()`; the rest (noDelay, keepAlive) are setsockopt's or the socket's. */
export interface ToNetSocketOptions {
  /** Keep the writable side open after the peer's FIN (node's default: false). */
  allowHalfOpen?: boolean;
  /** Default true (node's own default for a socket made from an fd is false). */
  readable?: boolean;
  /** Default true (node's own default for a socket made from an fd is false). */
  writable?: boolean;
}

/**
 * Hands a connected stream socket to node:net: `new net.Socket({ fd, readable: true, writable: true })`,
 * after getsockopt(2) and getpeername(2) check what it is, https://man7.org/linux/man-pages/man2/getsockopt.2.html
 *
 * `getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len); getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len); getpeername(fd, &addr, &len);`
 *
 * node:net owns the fd from then on (it reads, writes and closes it; sockfd refuses close() on it).
 * node's own default leaves a socket made from an fd neither readable nor writable; this one is both
 * unless `options` says otherwise. Calls of sockfd/promises still waiting on fd reject with ECANCELED
 * first (see release()). A datagram socket is refused: node:dgram cannot adopt an fd
 * (nodejs/node#14961), so keep it in sockfd.
 *
 * @throws EBADF, ENOTSOCK; TypeError (ERR_INVALID_ARG_VALUE) for a datagram, seqpacket, listening or
 *   unconnected socket;
 *   Error ERR_FILENO_UNSUPPORTED where node:net takes no fd (Bun's), the fd left to the caller.
 */
export function toNetSocket(fd: number, options?: ToNetSocketOptions): net.Socket {
  checkFd(fd);
  const { allowHalfOpen = false, readable = true, writable = true } = checkOptions(options, ['allowHalfOpen', 'readable', 'writable']);
  refuseNodeOwned(fd, 'toNetSocket');
  const { type, listening } = kindOf(fd);
  if (type === SOCK_DGRAM) {
    throw invalidArgValue(`fd ${fd} is a datagram socket: node:net takes stream sockets and node:dgram cannot adopt an fd (nodejs/node#14961); keep it in sockfd (Socket.from(fd), recvfrom/sendto of sockfd/promises)`);
  }
  if (type !== SOCK_STREAM) throw invalidArgValue(`fd ${fd} is not a SOCK_STREAM socket (its type is ${type}): node:net takes stream sockets only`);
  if (listening) throw invalidArgValue(`fd ${fd} is a listening socket: hand it to toNetServer()`);
  try {
    n.getpeername(fd); // node:net would read it at once and fail with ENOTCONN
  } catch (e) {
    if ((e as { code?: string }).code !== 'ENOTCONN') throw e;
    throw invalidArgValue(`fd ${fd} is not connected: connect it first (sockfd/promises connect() waits for the handshake)`);
  }
  n.release(fd);
  return handedOver(fd, new net.Socket({ fd, allowHalfOpen, readable, writable }));
}

/**
 * Hands a listening socket to node:net: `net.createServer(options, listener).listen({ fd, backlog })`,
 * after getsockopt(2) checks that it listens, https://man7.org/linux/man-pages/man2/getsockopt.2.html
 *
 * `getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &len);` then node's listen(2) on fd.
 *
 * node:net owns the fd from then on, and calls listen(2) on it again with its backlog
 * (`options.backlog`, node's 511 if left out). The server is returned at once; it emits 'listening'
 * on the next tick. Not in a node:cluster worker: there, listen({ fd }) listens on that fd number in
 * the primary process (fork plain processes instead, as examples/reuseport.ts does).
 *
 * @throws EBADF, ENOTSOCK; TypeError (ERR_INVALID_ARG_VALUE) for a socket that is not listening;
 *   Error ERR_CLUSTER_WORKER in a cluster worker; ERR_FILENO_UNSUPPORTED where node:net takes no fd.
 */
export function toNetServer(fd: number, options?: net.ServerOpts & { backlog?: number }, listener?: (socket: net.Socket) => void): net.Server {
  checkFd(fd);
  refuseNodeOwned(fd, 'toNetServer');
  if (!kindOf(fd).listening) throw invalidArgValue(`fd ${fd} is not a listening socket: call listen(fd) first (a connected one goes to toNetSocket())`);
  if (inClusterWorker()) throw Object.assign(new Error("toNetServer: in a node:cluster worker, listen({ fd }) listens on that number in the primary process; fork plain processes instead"), { code: 'ERR_CLUSTER_WORKER' });
  if (options !== undefined && (options === null || typeof options !== 'object')) throw invalidArgType('options', 'of type object', options);
  const { backlog, ...serverOptions } = options ?? {};
  if (backlog !== undefined && !Number.isInteger(backlog)) throw invalidArgType('options.backlog', 'an integer', backlog);
  if (listener !== undefined && typeof listener !== 'function') throw invalidArgType('listener', 'of type function', listener);
  const server = net.createServer(serverOptions, listener); // node checks the options: before it has the fd
  n.release(fd);
  return handedOver(fd, server.listen({ fd, backlog }));
}
