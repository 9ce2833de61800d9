/**
 * The Socket class: a socket object in the spirit of Python's `socket.socket`. It owns one fd; its
 * methods are named after the syscalls and take the C arguments after the fd. The calls that can wait
 * (accept, connect, send, recv, sendto, recvfrom, sendAll, and the msg family) are those of sockfd/promises; the others are
 * the sync ones.
 *
 * @module
 */
import { Duplex } from 'node:stream';
import { inspect, type InspectOptions } from 'node:util';

import { type Address, type AddressInput, slotAddress } from './address.js';
import { type Data, type MsgIn, type MsgOut, native, type ReceivedMsg, type SockoptResult, type SockoptValue } from './binding.js';
import * as constants from './constants.js';
import { EBADF, ECANCELED, F_DUPFD_CLOEXEC, SHUT_WR, SO_DOMAIN, SO_PROTOCOL, SO_TYPE, SOCK_DGRAM, SOL_SOCKET } from './constants.js';
import { invalidArgValue, syscallError } from './errors.js';
import type { Domain, Level, MsgFlags, OptionName, OptionShape, ShutdownHow, SocketType } from './kinds.js';
import type { ReceivedFds } from './msg.js';
import { refuseNodeOwned } from './node.js';
import * as p from './promises.js';
import type { OptionResults, OptionValues, ReadableShape } from './sockopt.js';

const n = native;

// The fd that dup() has just made: known to be a socket, so the constructor need not ask the kernel.
let duplicated = -1;

// A constant's name by its value, for inspect(): the name with the prefix (less the aliases in `skip`),
// or the number.
function constantName(prefix: string, value: number, skip: string[] = []): string | number {
  for (const [name, v] of Object.entries(constants)) if (v === value && name.startsWith(prefix) && !skip.includes(name)) return name;
  return value;
}

// An address as text for inspect(): "127.0.0.1:4321", "[::1]:4321", the path, or the object.
function addressText(a: Address | null): string | undefined {
  if (a === null) return undefined;
  if (a.family === 'AF_INET') return `${a.address}:${a.port}`;
  if (a.family === 'AF_INET6') return `[${a.address}]:${a.port}`;
  if (a.family === 'AF_UNIX') return typeof a.path === 'string' ? JSON.stringify(a.path) : inspect(a.path);
  return inspect(a, { breakLength: Infinity });
}

/**
 * A socket that owns its fd: `new Socket(AF_INET, SOCK_STREAM)` or `Socket.from(fd)`. `close()` (or
 * `using` / `await using`) closes it; pending calls then reject with ECANCELED. After close() or
 * detach(), `fd` is -1 and every call fails with EBADF, as Python's does.
 *
 * If the thread that made it ends (a Worker exits) first, the fd is closed then, as a net.Socket's is.
 *
 * To hand the fd to node:net, detach it first: `toNetSocket(sock.detach())` or
 * `toNetServer(sock.detach())`. From then on node:net owns the fd and closes it.
 */
export class Socket implements Disposable, AsyncDisposable, AsyncIterable<Buffer> {
  #fd: number;
  #family = -1; // read once, then kept: they never change for a socket
  #type = -1;
  #proto = -1;

  /**
   * Creates a socket (close-on-exec): socket(2), https://man7.org/linux/man-pages/man2/socket.2.html
   *
   * `int socket(int domain, int type, int protocol);` With `fileno`, as in Python's
   * `socket.socket(family, type, proto, fileno)`, no socket is created: the Socket takes over `fileno`
   * instead, after checking with getsockopt(SO_TYPE) that it is a socket.
   *
   * @throws EAFNOSUPPORT, EPROTONOSUPPORT, EMFILE, ENFILE; with `fileno`, ENOTSOCK or EBADF.
   */
  constructor(domain: Domain, type: SocketType, protocol = 0, fileno?: number) {
    if (fileno === undefined) {
      this.#fd = n.socket(domain, type, protocol);
    } else {
      refuseNodeOwned(fileno, 'Socket'); // node's to close, not this Socket's
      if (fileno !== duplicated) n.getsockopt(fileno, SOL_SOCKET, SO_TYPE);
      this.#fd = fileno;
    }
    n.own(this.#fd);
  }

  /**
   * Takes over an existing socket fd (`new Socket(0, 0, 0, fd)`); the Socket then owns and closes it.
   * Checks it with getsockopt(2) SO_TYPE, https://man7.org/linux/man-pages/man2/getsockopt.2.html
   *
   * `int getsockopt(int sockfd, SOL_SOCKET, SO_TYPE, void *optval, socklen_t *optlen);`
   *
   * @throws ENOTSOCK, EBADF.
   */
  static from(fd: number): Socket {
    return new Socket(0, 0, 0, fd);
  }

  /**
   * A new Socket on the same socket, with an fd of its own (Python's dup()): dup(2), https://man7.org/linux/man-pages/man2/dup.2.html
   *
   * `int dup(int oldfd);` Each Socket closes its own fd; the socket itself closes with the last one.
   * Unlike C's dup(), the new fd is close-on-exec (fcntl F_DUPFD_CLOEXEC, one call), as every fd sockfd
   * makes is.
   *
   * @throws EBADF once closed, EMFILE.
   */
  dup(): Socket {
    duplicated = n.fcntl(this.#use('dup'), F_DUPFD_CLOEXEC, 0);
    try {
      return new Socket(0, 0, 0, duplicated);
    } finally {
      duplicated = -1;
    }
  }

  /** The file descriptor, or -1 once closed or detached (Python's fileno()). */
  get fd(): number {
    return this.#fd;
  }

  /** True once close() or detach() has run. */
  get closed(): boolean {
    return this.#fd < 0;
  }

  /**
   * The address family (AF_INET...), read once with getsockopt(2) SO_DOMAIN, https://man7.org/linux/man-pages/man2/getsockopt.2.html
   *
   * `getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &family, &len);` Kept after close, as Python's `family` is.
   *
   * @throws EBADF if closed before it was first read.
   */
  get family(): number {
    if (this.#family < 0) this.#family = n.getsockopt(this.#use('getsockopt'), SOL_SOCKET, SO_DOMAIN) as number;
    return this.#family;
  }

  /**
   * The socket type (SOCK_STREAM...), read once with getsockopt(2) SO_TYPE, https://man7.org/linux/man-pages/man2/getsockopt.2.html
   *
   * `getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len);` (without SOCK_NONBLOCK / SOCK_CLOEXEC, which are fd flags).
   *
   * @throws EBADF if closed before it was first read.
   */
  get type(): number {
    if (this.#type < 0) this.#type = n.getsockopt(this.#use('getsockopt'), SOL_SOCKET, SO_TYPE) as number;
    return this.#type;
  }

  /**
   * The protocol (IPPROTO_TCP...), read once with getsockopt(2) SO_PROTOCOL, https://man7.org/linux/man-pages/man2/getsockopt.2.html
   *
   * `getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len);`
   *
   * @throws EBADF if closed before it was first read.
   */
  get proto(): number {
    if (this.#proto < 0) this.#proto = n.getsockopt(this.#use('getsockopt'), SOL_SOCKET, SO_PROTOCOL) as number;
    return this.#proto;
  }

  /**
   * What util.inspect() and console.log() show, as Python's repr does: `Socket { fd: 4, family:
   * 'AF_INET', type: 'SOCK_STREAM', proto: 6, laddr: '127.0.0.1:4321', raddr: ... }`, or `Socket
   * [closed]`. Reads them with getsockopt(2) and getsockname(2)/getpeername(2), https://man7.org/linux/man-pages/man2/getsockname.2.html
   *
   * `int getsockname(int sockfd, struct sockaddr *addr, socklen_t *addrlen);` Never throws: a field
   * that cannot be read is left out.
   */
  [inspect.custom](_depth: number, options: InspectOptions): string {
    if (this.#fd < 0) return 'Socket [closed]';
    const fields: Record<string, unknown> = { fd: this.#fd };
    const read = (name: string, get: () => unknown) => {
      try {
        const v = get();
        if (v !== undefined) fields[name] = v;
      } catch {
        // not a socket any more (closed behind our back), or no such address: left out
      }
    };
    read('family', () => constantName('AF_', this.family, ['AF_FILE', 'AF_LOCAL']));
    read('type', () => constantName('SOCK_', this.type, ['SOCK_NONBLOCK', 'SOCK_CLOEXEC']));
    read('proto', () => this.proto);
    read('laddr', () => (n.getsockname(this.#fd), addressText(slotAddress())));
    read('raddr', () => (n.getpeername(this.#fd), addressText(slotAddress())));
    return `Socket ${inspect(fields, { ...options, breakLength: Infinity })}`;
  }

  // The fd for a call, or the EBADF a closed fd would give in C.
  #use(syscall: string): number {
    if (this.#fd < 0) throw syscallError(syscall, 'EBADF', EBADF, 'bad file descriptor');
    return this.#fd;
  }

  // The same for a call that returns a promise: it rejects instead of throwing.
  #wait<T>(syscall: string, call: (fd: number) => Promise<T>): Promise<T> {
    if (this.#fd < 0) return Promise.reject(syscallError(syscall, 'EBADF', EBADF, 'bad file descriptor'));
    return call(this.#fd);
  }

  /**
   * Assigns the socket its local address: bind(2), https://man7.org/linux/man-pages/man2/bind.2.html
   *
   * `int bind(int sockfd, const struct sockaddr *addr, socklen_t addrlen);`
   *
   * @throws EADDRINUSE, EADDRNOTAVAIL, EACCES, EINVAL (already bound), EBADF once closed.
   */
  bind(addr: AddressInput): void {
    n.bind(this.#use('bind'), addr);
  }

  /**
   * Marks the socket as accepting connections; `backlog` defaults to SOMAXCONN: listen(2), https://man7.org/linux/man-pages/man2/listen.2.html
   *
   * `int listen(int sockfd, int backlog);`
   *
   * @throws EADDRINUSE, EOPNOTSUPP, EBADF once closed.
   */
  listen(backlog?: number): void {
    n.listen(this.#use('listen'), backlog);
  }

  /**
   * Awaits the next connection and returns it as a Socket with the peer's address: accept(2), https://man7.org/linux/man-pages/man2/accept.2.html
   *
   * `int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);`
   *
   * @throws as {@link p.accept | promises.accept}.
   */
  async accept(flags?: SocketType, options?: p.WaitOptions): Promise<[Socket, Address | null]> {
    const { fd, addr } = await this.#wait('accept4', (fd) => p.accept(fd, flags, options));
    return [Socket.from(fd), addr];
  }

  /**
   * Connects, awaited: non-blocking connect(), then SO_ERROR once writable: connect(2), https://man7.org/linux/man-pages/man2/connect.2.html
   *
   * `int connect(int sockfd, const struct sockaddr *addr, socklen_t addrlen);`
   *
   * @throws as {@link p.connect | promises.connect}.
   */
  connect(addr: AddressInput, options?: p.WaitOptions): Promise<void> {
    return this.#wait('connect', (fd) => p.connect(fd, addr, options));
  }

  /**
   * Receives into `buf`, awaited; resolves with the count, 0 at end of stream: recv(2), https://man7.org/linux/man-pages/man2/recv.2.html
   *
   * `ssize_t recv(int sockfd, void *buf, size_t len, int flags);`
   *
   * @throws as {@link p.recv | promises.recv}.
   */
  recv(buf: ArrayBufferView, len?: number, flags?: MsgFlags, options?: p.WaitOptions): Promise<number> {
    return this.#wait('recv', (fd) => p.recv(fd, buf, len, flags, options));
  }

  /**
   * Receives into `buf`, awaited; resolves with the count and the sender's address: recvfrom(2), https://man7.org/linux/man-pages/man2/recvfrom.2.html
   *
   * `ssize_t recvfrom(int sockfd, void *buf, size_t len, int flags, struct sockaddr *src_addr, socklen_t *addrlen);`
   *
   * @throws as {@link p.recv | promises.recv}.
   */
  recvfrom(buf: ArrayBufferView, len?: number, flags?: MsgFlags, options?: p.WaitOptions): Promise<{ bytes: number; addr: Address | null }> {
    return this.#wait('recvfrom', (fd) => p.recvfrom(fd, buf, len, flags, options));
  }

  /**
   * Sends, awaited; like the syscall it may send less than asked, and resolves with the count: send(2), https://man7.org/linux/man-pages/man2/send.2.html
   *
   * `ssize_t send(int sockfd, const void *buf, size_t len, int flags);`
   *
   * @throws as {@link p.send | promises.send}.
   */
  send(data: Data, len?: number, flags?: MsgFlags, options?: p.WaitOptions): Promise<number> {
    return this.#wait('send', (fd) => p.send(fd, data, len, flags, options));
  }

  /**
   * Sends to `addr` (or the connected peer), awaited: sendto(2), https://man7.org/linux/man-pages/man2/sendto.2.html
   *
   * `ssize_t sendto(int sockfd, const void *buf, size_t len, int flags, const struct sockaddr *dest_addr, socklen_t addrlen);`
   *
   * @throws as {@link p.send | promises.send}, and EDESTADDRREQ, EMSGSIZE.
   */
  sendto(data: Data, len: number | undefined, flags: MsgFlags | undefined, addr?: AddressInput | null, options?: p.WaitOptions): Promise<number> {
    return this.#wait('sendto', (fd) => p.sendto(fd, data, len, flags, addr, options));
  }

  /**
   * Calls send() until every byte is written (Python's sendall), awaited: send(2), https://man7.org/linux/man-pages/man2/send.2.html
   *
   * `ssize_t send(int sockfd, const void *buf, size_t len, int flags);`
   *
   * @throws as {@link p.sendAll | promises.sendAll}.
   */
  sendAll(data: Data, len?: number, flags?: MsgFlags, options?: p.WaitOptions): Promise<number> {
    return this.#wait('send', (fd) => p.sendAll(fd, data, len, flags, options));
  }

  /**
   * Sends a message `{ iov, addr?, control? }` (scatter/gather, control messages), awaited: sendmsg(2), https://man7.org/linux/man-pages/man2/sendmsg.2.html
   *
   * `ssize_t sendmsg(int sockfd, const struct msghdr *msg, int flags);`
   *
   * @throws as {@link p.sendmsg | promises.sendmsg}.
   */
  sendmsg(msg: MsgOut | Data | Data[], flags?: MsgFlags, options?: p.WaitOptions): Promise<number> {
    return this.#wait('sendmsg', (fd) => p.sendmsg(fd, msg, flags, options));
  }

  /**
   * Receives a message, awaited: `{ bytes, addr, flags, control }`; received fds are yours to close: recvmsg(2), https://man7.org/linux/man-pages/man2/recvmsg.2.html
   *
   * `ssize_t recvmsg(int sockfd, struct msghdr *msg, int flags);`
   *
   * @throws as {@link p.recvmsg | promises.recvmsg}.
   */
  recvmsg(msg: MsgIn | ArrayBufferView | ArrayBufferView[], flags?: MsgFlags, options?: p.WaitOptions): Promise<ReceivedMsg> {
    return this.#wait('recvmsg', (fd) => p.recvmsg(fd, msg, flags, options));
  }

  /**
   * Sends several messages in one call, awaited; resolves with how many were sent: sendmmsg(2), https://man7.org/linux/man-pages/man2/sendmmsg.2.html
   *
   * `int sendmmsg(int sockfd, struct mmsghdr *msgvec, unsigned int vlen, int flags);`
   *
   * @throws as {@link p.sendmmsg | promises.sendmmsg}.
   */
  sendmmsg(msgvec: (MsgOut | Data | Data[])[], flags?: number, options?: p.WaitOptions): Promise<number> {
    return this.#wait('sendmmsg', (fd) => p.sendmmsg(fd, msgvec, flags, options));
  }

  /**
   * Receives up to `msgvec.length` messages into the caller's buffers, awaited: recvmmsg(2), https://man7.org/linux/man-pages/man2/recvmmsg.2.html
   *
   * `int recvmmsg(int sockfd, struct mmsghdr *msgvec, unsigned int vlen, int flags, struct timespec *timeout);`
   *
   * @throws as {@link p.recvmmsg | promises.recvmmsg}.
   */
  recvmmsg(msgvec: (MsgIn | ArrayBufferView | ArrayBufferView[])[], flags?: number, options?: p.WaitOptions): Promise<ReceivedMsg[]> {
    return this.#wait('recvmmsg', (fd) => p.recvmmsg(fd, msgvec, flags, options));
  }

  /**
   * Sends `data` with the fds as SCM_RIGHTS (Python's send_fds), with sendmsg(2): sendmsg(2), https://man7.org/linux/man-pages/man2/sendmsg.2.html
   *
   * `ssize_t sendmsg(int sockfd, const struct msghdr *msg, int flags);`
   *
   * @throws as {@link p.sendmsg | promises.sendmsg}.
   */
  sendFds(data: Data, fds: number[], flags?: MsgFlags, options?: p.WaitOptions): Promise<number> {
    return this.#wait('sendmsg', (fd) => p.sendFds(fd, data, fds, flags, options));
  }

  /**
   * Receives data and up to `maxFds` fds (Python's recv_fds), with recvmsg(2); the fds are yours to close: recvmsg(2), https://man7.org/linux/man-pages/man2/recvmsg.2.html
   *
   * `ssize_t recvmsg(int sockfd, struct msghdr *msg, int flags);`
   *
   * @throws as {@link p.recvmsg | promises.recvmsg}.
   */
  recvFds(buf: ArrayBufferView, maxFds: number, flags?: MsgFlags, options?: p.WaitOptions): Promise<ReceivedFds> {
    return this.#wait('recvmsg', (fd) => p.recvFds(fd, buf, maxFds, flags, options));
  }

  /**
   * Shuts down one or both directions: SHUT_RD, SHUT_WR or SHUT_RDWR: shutdown(2), https://man7.org/linux/man-pages/man2/shutdown.2.html
   *
   * `int shutdown(int sockfd, int how);`
   *
   * @throws ENOTCONN, EINVAL, EBADF once closed.
   */
  shutdown(how: ShutdownHow): void {
    n.shutdown(this.#use('shutdown'), how);
  }

  /**
   * Sets a socket option (values as for {@link index.setsockopt}): setsockopt(2), https://man7.org/linux/man-pages/man2/setsockopt.2.html
   *
   * `int setsockopt(int sockfd, int level, int optname, const void *optval, socklen_t optlen);`
   *
   * @throws ENOPROTOOPT, EINVAL, EPERM, EBADF once closed.
   */
  setsockopt<S extends OptionShape>(level: Level, optname: OptionName<S>, value: OptionValues[S] | ArrayBufferView): void {
    n.setsockopt(this.#use('setsockopt'), level, optname, value as SockoptValue);
  }

  /**
   * Reads a socket option: decoded, or its raw bytes when `length` is given: getsockopt(2), https://man7.org/linux/man-pages/man2/getsockopt.2.html
   *
   * `int getsockopt(int sockfd, int level, int optname, void *optval, socklen_t *optlen);`
   *
   * @throws ENOPROTOOPT, EINVAL, EBADF once closed.
   */
  getsockopt<S extends ReadableShape>(level: Level, optname: OptionName<S>): OptionResults[S];
  getsockopt(level: Level, optname: OptionName, length: number): Uint8Array;
  getsockopt(level: Level, optname: OptionName, length?: number): SockoptResult | Uint8Array {
    return n.getsockopt(this.#use('getsockopt'), level, optname, length);
  }

  /**
   * The local address: getsockname(2), https://man7.org/linux/man-pages/man2/getsockname.2.html
   *
   * `int getsockname(int sockfd, struct sockaddr *addr, socklen_t *addrlen);`
   *
   * @throws EBADF once closed.
   */
  getsockname(): Address | null {
    n.getsockname(this.#use('getsockname'));
    return slotAddress();
  }

  /**
   * The peer's address: getpeername(2), https://man7.org/linux/man-pages/man2/getpeername.2.html
   *
   * `int getpeername(int sockfd, struct sockaddr *addr, socklen_t *addrlen);`
   *
   * @throws ENOTCONN, EBADF once closed.
   */
  getpeername(): Address | null {
    n.getpeername(this.#use('getpeername'));
    return slotAddress();
  }

  /**
   * Switches O_NONBLOCK on or off with ioctl(FIONBIO) (the awaitable calls set it themselves): ioctl(2), https://man7.org/linux/man-pages/man2/ioctl.2.html
   *
   * `int ioctl(int fd, FIONBIO, const int *on);`
   *
   * @throws EBADF once closed.
   */
  setNonBlocking(on: boolean): void {
    n.setNonBlocking(this.#use('ioctl'), on);
  }

  /**
   * Closes the fd; pending calls reject with ECANCELED first. Closing twice does nothing (as in Python): close(2), https://man7.org/linux/man-pages/man2/close.2.html
   *
   * `int close(int fd);`
   *
   * @throws EIO, EINTR (the fd is released all the same on Linux).
   */
  close(): void {
    const fd = this.#fd;
    if (fd < 0) return;
    this.#fd = -1;
    n.close(fd);
  }

  /**
   * Gives up the fd without closing it and returns it (Python's detach()): pending calls reject with
   * ECANCELED and this thread's event loop stops watching the fd, so another owner (node:net) can take
   * it over. No syscall: see {@link p.release | promises.release}.
   *
   * @throws EBADF once closed.
   */
  detach(): number {
    const fd = this.#use('detach');
    this.#fd = -1;
    n.release(fd);
    return fd;
  }

  /**
   * Reads until the end: `for await (const chunk of sock)` yields what each recv(2) returns, https://man7.org/linux/man-pages/man2/recv.2.html
   *
   * `ssize_t recv(int sockfd, void *buf, size_t len, int flags);` A stream socket yields chunks of at
   * most 64 KiB and ends at end of stream (recv returns 0); a datagram or seqpacket socket yields one
   * message each (SOCK_SEQPACKET ends at 0 too; a datagram socket, whose empty datagrams are messages,
   * ends when it is closed). Each chunk is a new Buffer.
   *
   * @throws what recv throws, but for the ECANCELED of a close while it waits: that ends the loop.
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer, void, undefined> {
    const endsAtZero = this.type !== SOCK_DGRAM;
    for (;;) {
      const buf = Buffer.allocUnsafe(65536);
      let got: number;
      try {
        got = await this.recv(buf);
      } catch (e) {
        if ((e as { errno?: number }).errno === ECANCELED || this.closed) return; // closed while waiting
        throw e;
      }
      if (got === 0 && endsAtZero) return;
      yield buf.subarray(0, got);
    }
  }

  /**
   * A node:stream Duplex over this socket, for code that takes a stream (`stream.pipeline`, parsers,
   * `http`-style consumers). Reading is recv(2), writing sendAll, end() is shutdown(2) SHUT_WR, and
   * destroying the Duplex closes the socket: it takes the Socket over. https://man7.org/linux/man-pages/man2/recv.2.html
   *
   * `ssize_t recv(int sockfd, void *buf, size_t len, int flags);` For stream and seqpacket sockets
   * (byte order kept; a seqpacket's record boundaries are not). To give the fd to node:net instead, use
   * `toNetSocket(sock.detach())`.
   *
   * @throws TypeError (ERR_INVALID_ARG_VALUE) for a datagram socket; EBADF once closed.
   */
  toDuplex(): Duplex {
    if (this.type === SOCK_DGRAM)
      throw invalidArgValue('toDuplex() is for stream and seqpacket sockets: a datagram socket has no byte stream');
    const sock = this;
    return new Duplex({
      read(size) {
        const buf = Buffer.allocUnsafe(Math.max(size, 16384));
        sock.recv(buf).then(
          (got) => this.push(got === 0 ? null : buf.subarray(0, got)),
          (e: { errno?: number }) => (e.errno === ECANCELED ? this.push(null) : this.destroy(e as Error)),
        );
      },
      write(chunk: Buffer, _encoding, callback) {
        sock.sendAll(chunk).then(() => callback(), callback);
      },
      final(callback) {
        try {
          sock.shutdown(SHUT_WR);
          callback();
        } catch (e) {
          callback(e as Error);
        }
      },
      destroy(error, callback) {
        sock.close();
        callback(error);
      },
    });
  }

  /** `using sock = new Socket(...)` closes it at the end of the block: close(2). Never throws. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** `await using sock = new Socket(...)` closes it at the end of the block: close(2). Never rejects. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }
}
