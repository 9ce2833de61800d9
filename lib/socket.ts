/**
 * The Socket class: a socket object in the spirit of Python's `socket.socket`. It owns one fd; its
 * methods are named after the syscalls and take the C arguments after the fd. The calls that can wait
 * (accept, connect, send, recv, sendto, recvfrom, sendAll, and the msg family) are those of sockfd/promises; the others are
 * the sync ones.
 *
 * @module
 */
import type { Address, AddressInput } from './address.js';
import { type Data, type Linger, type MsgIn, type MsgOut, native, type ReceivedMsg, type SockoptValue, type Timeval, type Ucred } from './binding.js';
import { EBADF, SO_TYPE, SOL_SOCKET } from './constants.js';
import { syscallError } from './errors.js';
import type { ReceivedFds } from './msg.js';
import * as p from './promises.js';

const n = native;

/**
 * A socket that owns its fd: `new Socket(AF_INET, SOCK_STREAM)` or `Socket.from(fd)`. `close()` (or
 * `using` / `await using`) closes it; pending calls then reject with ECANCELED. After close() or
 * detach(), `fd` is -1 and every call fails with EBADF, as Python's does.
 *
 * If the thread that made it ends (a Worker exits) first, the fd is closed then, as a net.Socket's is.
 *
 * To hand the fd to node:net, detach it first: `new net.Socket({ fd: sock.detach() })` or
 * `server.listen({ fd: sock.detach() })`. From then on node:net owns the fd and closes it.
 */
export class Socket implements Disposable, AsyncDisposable {
  #fd: number;

  /**
   * socket(2): creates a socket (close-on-exec). With `fileno`, as in Python's
   * `socket.socket(family, type, proto, fileno)`, no socket is created: the Socket takes over `fileno`
   * instead, after checking with getsockopt(SO_TYPE) that it is a socket (ENOTSOCK, EBADF otherwise).
   */
  constructor(domain: number, type: number, protocol = 0, fileno?: number) {
    if (fileno === undefined) {
      this.#fd = n.socket(domain, type, protocol);
    } else {
      n.getsockopt(fileno, SOL_SOCKET, SO_TYPE);
      this.#fd = fileno;
    }
    n.own(this.#fd);
  }

  /** Takes over an existing socket fd (`new Socket(0, 0, 0, fd)`); the Socket then owns and closes it. */
  static from(fd: number): Socket {
    return new Socket(0, 0, 0, fd);
  }

  /** The file descriptor, or -1 once closed or detached (Python's fileno()). */
  get fd(): number {
    return this.#fd;
  }

  /** True once close() or detach() has run. */
  get closed(): boolean {
    return this.#fd < 0;
  }

  // The fd for a call, or the EBADF a closed fd would give in C.
  #use(syscall: string): number {
    if (this.#fd < 0) throw syscallError(syscall, 'EBADF', EBADF);
    return this.#fd;
  }

  // The same for a call that returns a promise: it rejects instead of throwing.
  #wait<T>(syscall: string, call: (fd: number) => Promise<T>): Promise<T> {
    if (this.#fd < 0) return Promise.reject(syscallError(syscall, 'EBADF', EBADF));
    return call(this.#fd);
  }

  /** bind(2): assigns the socket its local address. */
  bind(addr: AddressInput): void {
    n.bind(this.#use('bind'), addr);
  }

  /** listen(2): marks the socket as accepting connections (backlog defaults to SOMAXCONN). */
  listen(backlog?: number): void {
    n.listen(this.#use('listen'), backlog);
  }

  /** accept4(2), awaited: the next connection, as a Socket, and the peer's address. */
  async accept(flags?: number, options?: p.WaitOptions): Promise<[Socket, Address | null]> {
    const { fd, addr } = await this.#wait('accept4', (fd) => p.accept(fd, flags, options));
    return [Socket.from(fd), addr];
  }

  /** connect(2), awaited (non-blocking connect, then SO_ERROR). */
  connect(addr: AddressInput, options?: p.WaitOptions): Promise<void> {
    return this.#wait('connect', (fd) => p.connect(fd, addr, options));
  }

  /** recv(2), awaited: fills `buf`, resolves with the count (0 at end of stream). */
  recv(buf: ArrayBufferView, len?: number, flags?: number, options?: p.WaitOptions): Promise<number> {
    return this.#wait('recv', (fd) => p.recv(fd, buf, len, flags, options));
  }

  /** recvfrom(2), awaited: the count and the sender's address. */
  recvfrom(buf: ArrayBufferView, len?: number, flags?: number, options?: p.WaitOptions): Promise<{ bytes: number; addr: Address | null }> {
    return this.#wait('recvfrom', (fd) => p.recvfrom(fd, buf, len, flags, options));
  }

  /** send(2), awaited: may send less than asked, and resolves with the count. */
  send(data: Data, len?: number, flags?: number, options?: p.WaitOptions): Promise<number> {
    return this.#wait('send', (fd) => p.send(fd, data, len, flags, options));
  }

  /** sendto(2), awaited. */
  sendto(data: Data, len: number | undefined, flags: number | undefined, addr?: AddressInput | null, options?: p.WaitOptions): Promise<number> {
    return this.#wait('sendto', (fd) => p.sendto(fd, data, len, flags, addr, options));
  }

  /** send(2) until every byte is written (Python's sendall). */
  sendAll(data: Data, len?: number, flags?: number, options?: p.WaitOptions): Promise<number> {
    return this.#wait('send', (fd) => p.sendAll(fd, data, len, flags, options));
  }

  /** sendmsg(2), awaited: `{ iov, addr?, control? }`. */
  sendmsg(msg: MsgOut | Data | Data[], flags?: number, options?: p.WaitOptions): Promise<number> {
    return this.#wait('sendmsg', (fd) => p.sendmsg(fd, msg, flags, options));
  }

  /** recvmsg(2), awaited: `{ bytes, addr, flags, control }`. Received fds are yours to close. */
  recvmsg(msg: MsgIn | ArrayBufferView | ArrayBufferView[], flags?: number, options?: p.WaitOptions): Promise<ReceivedMsg> {
    return this.#wait('recvmsg', (fd) => p.recvmsg(fd, msg, flags, options));
  }

  /** sendmmsg(2), awaited: how many of the messages were sent. */
  sendmmsg(msgvec: (MsgOut | Data | Data[])[], flags?: number, options?: p.WaitOptions): Promise<number> {
    return this.#wait('sendmmsg', (fd) => p.sendmmsg(fd, msgvec, flags, options));
  }

  /** recvmmsg(2), awaited: one recvmsg result per message received into the caller's buffers. */
  recvmmsg(msgvec: (MsgIn | ArrayBufferView | ArrayBufferView[])[], flags?: number, options?: p.WaitOptions): Promise<ReceivedMsg[]> {
    return this.#wait('recvmmsg', (fd) => p.recvmmsg(fd, msgvec, flags, options));
  }

  /** sendmsg(2) with SCM_RIGHTS (Python's send_fds): `data` and the fds. */
  sendFds(data: Data, fds: number[], flags?: number, options?: p.WaitOptions): Promise<number> {
    return this.#wait('sendmsg', (fd) => p.sendFds(fd, data, fds, flags, options));
  }

  /** recvmsg(2) with room for `maxFds` fds (Python's recv_fds). The fds are yours to close. */
  recvFds(buf: ArrayBufferView, maxFds: number, flags?: number, options?: p.WaitOptions): Promise<ReceivedFds> {
    return this.#wait('recvmsg', (fd) => p.recvFds(fd, buf, maxFds, flags, options));
  }

  /** shutdown(2): SHUT_RD, SHUT_WR or SHUT_RDWR. */
  shutdown(how: number): void {
    n.shutdown(this.#use('shutdown'), how);
  }

  /** setsockopt(2). */
  setsockopt(level: number, optname: number, value: SockoptValue): void {
    n.setsockopt(this.#use('setsockopt'), level, optname, value);
  }

  /** getsockopt(2): the option decoded, or its raw bytes when `length` is given. */
  getsockopt(level: number, optname: number): number | Linger | Timeval | Ucred;
  getsockopt(level: number, optname: number, length: number): Uint8Array;
  getsockopt(level: number, optname: number, length?: number): number | Linger | Timeval | Ucred | Uint8Array {
    return n.getsockopt(this.#use('getsockopt'), level, optname, length);
  }

  /** getsockname(2): the local address. */
  getsockname(): Address | null {
    return n.getsockname(this.#use('getsockname'));
  }

  /** getpeername(2): the peer's address. */
  getpeername(): Address | null {
    return n.getpeername(this.#use('getpeername'));
  }

  /** ioctl(FIONBIO): O_NONBLOCK on or off. (The awaitable calls set it themselves.) */
  setNonBlocking(on: boolean): void {
    n.setNonBlocking(this.#use('ioctl'), on);
  }

  /** close(2). Pending calls reject with ECANCELED first. Closing twice does nothing (as in Python). */
  close(): void {
    const fd = this.#fd;
    if (fd < 0) return;
    this.#fd = -1;
    n.close(fd);
  }

  /**
   * Gives up the fd without closing it and returns it (Python's detach()): pending calls reject with
   * ECANCELED and this thread's event loop stops watching the fd, so another owner (node:net) can take
   * it over.
   */
  detach(): number {
    const fd = this.#use('detach');
    this.#fd = -1;
    n.release(fd);
    return fd;
  }

  /** `using sock = new Socket(...)` closes it at the end of the block. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** `await using sock = new Socket(...)` closes it at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }
}
