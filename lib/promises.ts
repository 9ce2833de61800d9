/**
 * sockfd/promises: the socket calls that can wait, returning promises (as node:fs/promises is to
 * node:fs). Same names and arguments as in 'sockfd', plus a trailing `{ signal }`.
 *
 * Each call makes its system call at once. Only if the kernel answers EAGAIN (or EINPROGRESS, for
 * connect) does it wait for the fd to become readable or writable on this thread's event loop, then
 * make the call again; the event loop is never blocked and socket I/O never uses the thread pool
 * (getaddrinfo/getnameinfo do: they block inside libc).
 *
 * - accept() and connect() switch their fd to non-blocking (O_NONBLOCK) the first time; send and recv
 *   pass MSG_DONTWAIT, and their fd becomes non-blocking when they first have to wait.
 * - Calls of one direction on one fd complete in call order: two recv() calls get the data in the
 *   order they were made, and a recv() made while another waits does not jump ahead of it.
 * - close(fd) (from 'sockfd', or Socket.close()) rejects every call still waiting on fd with ECANCELED.
 * - A waiting call keeps the process alive (like a listening net.Server); an fd nothing waits on does
 *   not.
 * - Bad arguments reject with a TypeError/RangeError (ERR_* code) rather than throw.
 *
 * @module
 */
import type { MsgFlags, SocketType } from './kinds.js';
import type { Address, AddressInput } from './address.js';
import { type Addrinfo, type AddrinfoHints, type Data, type MsgIn, type MsgOut, native, type ReceivedMsg } from './binding.js';
import { AbortError, invalidArgType, outOfRange } from './errors.js';
import { bytesOf, type EpollEvent, type fd_set, type pollfd, type SelectTimeout } from './poll.js';
import type * as sync from './index.js';
import { fdsMessage, fdsRoom, type ReceivedFds, receivedFds } from './msg.js';
import { nodeOwned } from './node.js';
import type { hostent } from './netdb.js';

export { AbortError } from './errors.js';

const n = native;

/** The options every waiting call takes last. */
export interface WaitOptions {
  /** Aborting it rejects the call with an {@link AbortError} and removes it from the fd's queue. */
  signal?: AbortSignal;
}

let lastToken = 0;

// waiting(), for a call on fd: unless node holds fd (fileno()), whose event loop reads and writes it.
function waitingOn<T>(fd: number, syscall: string, options: WaitOptions | undefined, start: (token?: number) => T | Promise<T>): Promise<T> {
  const refused = nodeOwned(fd, syscall);
  return refused === undefined ? waiting(options, start) : Promise.reject(refused);
}

// Starts a native operation, wiring `signal` to it and, for the multiplexing calls, the timeout (in
// ms; negative or undefined: none), which ends the wait with the call's "nothing ready" result. The
// native call returns the result itself when the syscall completed at once (cheaper than settling a
// native promise), else a promise.
function waiting<T>(options: WaitOptions | undefined, start: (token?: number) => T | Promise<T>, timeout?: number): Promise<T> {
  let signal: AbortSignal | undefined;
  if (options !== undefined) {
    if (options === null || typeof options !== 'object') return Promise.reject(invalidArgType('options', 'of type object', options));
    signal = options.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) return Promise.reject(invalidArgType('options.signal', 'an instance of AbortSignal', signal));
    if (signal?.aborted) return Promise.reject(new AbortError(undefined, { cause: signal.reason }));
  }
  const timed = typeof timeout === 'number' && timeout >= 0;
  if (signal === undefined && !timed) return Promise.resolve(start());
  const token = ++lastToken;
  const onAbort = () => n.cancel(token, new AbortError(undefined, { cause: signal!.reason }));
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer = timed ? setTimeout(() => n.expire(token), timeout) : undefined;
  const done = () => {
    signal?.removeEventListener('abort', onAbort);
    clearTimeout(timer);
  };
  return Promise.resolve(start(token)).then(
    (value) => {
      done();
      return value;
    },
    (error: unknown) => {
      done();
      throw error;
    },
  );
}

/**
 * Accepts a connection: accept4(2) (accept(2) where there is no accept4), waiting until one arrives.
 * https://man7.org/linux/man-pages/man2/accept.2.html
 *
 * `int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);` The new fd is
 * close-on-exec; `flags` may add SOCK_NONBLOCK.
 *
 * @returns the new connection's fd and the peer's address.
 * @throws ECANCELED (fd closed while waiting), EBADF, EINVAL (not listening), EMFILE, ENFILE, ENOTSOCK,
 *   ECONNABORTED, EPERM, and an AbortError.
 */
export function accept(fd: number, flags?: SocketType, options?: WaitOptions): Promise<{ fd: number; addr: Address | null }> {
  return waitingOn(fd, 'accept', options, (token) => n.acceptAsync(fd, flags, token));
}

/**
 * Connects a socket: connect(2), https://man7.org/linux/man-pages/man2/connect.2.html
 *
 * `int connect(int sockfd, const struct sockaddr *addr, socklen_t addrlen);` made non-blocking: on
 * EINPROGRESS it waits until the fd is writable, then reads getsockopt(SO_ERROR) for the outcome, as the
 * man page describes. (A full AF_UNIX backlog gives EAGAIN, an error here as in Node.)
 *
 * @throws ECONNREFUSED, ETIMEDOUT, ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL, EAGAIN, EALREADY,
 *   EISCONN, ENOENT (AF_UNIX), ECANCELED, and an AbortError.
 */
export function connect(fd: number, addr: AddressInput, options?: WaitOptions): Promise<void> {
  return waitingOn(fd, 'connect', options, (token) => n.connectAsync(fd, addr, token));
}

/**
 * Receives from a socket: recv(2), https://man7.org/linux/man-pages/man2/recv.2.html
 *
 * `ssize_t recv(int sockfd, void *buf, size_t len, int flags);` fills `buf` (up to `len` bytes,
 * default all of it), waiting until there is something to read. The buffer must stay as large as `len`
 * while the call waits (a detached buffer rejects with ERR_INVALID_STATE).
 *
 * @returns the number of bytes received; 0 means the peer has closed the connection.
 * @throws ECONNRESET, ENOTCONN, ECONNREFUSED (UDP), ECANCELED, and an AbortError.
 */
export function recv(fd: number, buf: ArrayBufferView, len?: number, flags?: MsgFlags, options?: WaitOptions): Promise<number> {
  return waitingOn(fd, 'recv', options, (token) => n.recvAsync(fd, buf, len, flags, token));
}

/**
 * Receives a message and its source address: recvfrom(2), https://man7.org/linux/man-pages/man2/recvfrom.2.html
 *
 * `ssize_t recvfrom(int sockfd, void *buf, size_t len, int flags, struct sockaddr *src_addr, socklen_t *addrlen);`
 *
 * @returns the byte count and the sender's address (null on a connected stream socket).
 * @throws as {@link recv}.
 */
export function recvfrom(fd: number, buf: ArrayBufferView, len?: number, flags?: MsgFlags, options?: WaitOptions): Promise<{ bytes: number; addr: Address | null }> {
  return waitingOn(fd, 'recvfrom', options, (token) => n.recvfromAsync(fd, buf, len, flags, token));
}

/**
 * Sends on a connected socket: send(2), https://man7.org/linux/man-pages/man2/send.2.html
 *
 * `ssize_t send(int sockfd, const void *buf, size_t len, int flags);` waiting until the socket can take
 * data. Like the syscall it may send less than `len` (a full send buffer): it resolves with the count.
 * Use {@link sendAll} to send everything. A string is sent as UTF-8.
 *
 * @throws EPIPE, ECONNRESET, EMSGSIZE, ENOTCONN, ECANCELED, and an AbortError.
 */
export function send(fd: number, data: Data, len?: number, flags?: MsgFlags, options?: WaitOptions): Promise<number> {
  return waitingOn(fd, 'send', options, (token) => n.sendAsync(fd, data, len, flags, token));
}

/**
 * Sends a message to an address: sendto(2), https://man7.org/linux/man-pages/man2/sendto.2.html
 *
 * `ssize_t sendto(int sockfd, const void *buf, size_t len, int flags, const struct sockaddr *dest_addr, socklen_t addrlen);`
 *
 * @throws as {@link send}, and EACCES, EDESTADDRREQ, EAFNOSUPPORT.
 */
export function sendto(fd: number, data: Data, len: number | undefined, flags: MsgFlags | undefined, addr?: AddressInput | null, options?: WaitOptions): Promise<number> {
  return waitingOn(fd, 'sendto', options, (token) => n.sendtoAsync(fd, data, len, flags, addr, token));
}

/**
 * Sends a file to a socket: sendfile(2) repeated until `count` bytes are sent or the file ends, waiting
 * for the socket's writability in between, https://man7.org/linux/man-pages/man2/sendfile.2.html.
 * `out_fd` is made non-blocking (sendfile has no MSG_DONTWAIT); `offset` as in the sync sendfile (null:
 * the file position, advanced).
 *
 * `ssize_t sendfile(int out_fd, int in_fd, off_t *offset, size_t count);` in a loop.
 *
 * @returns the bytes sent: `count`, or fewer if the file ended first.
 * @throws as the sync sendfile; the error's `bytesWritten` says how much was sent before it.
 */
export function sendfile(out_fd: number, in_fd: number, offset: number | null, count: number, options?: WaitOptions): Promise<number> {
  return waitingOn(out_fd, 'sendfile', options, (token) => n.sendfileAsync(out_fd, in_fd, offset, count, token));
}

/**
 * Sends all of `data`: send(2) repeated until every byte is written (Python's socket.sendall), waiting
 * for writability in between, https://man7.org/linux/man-pages/man2/send.2.html. Other writes on fd
 * queue behind it, so the bytes stay contiguous.
 *
 * `ssize_t send(int sockfd, const void *buf, size_t len, int flags);` in a loop.
 *
 * @returns the number of bytes sent (all of them).
 * @throws as {@link send}; the error's `bytesWritten` says how much was sent before it.
 */
export function sendAll(fd: number, data: Data, len?: number, flags?: MsgFlags, options?: WaitOptions): Promise<number> {
  return waitingOn(fd, 'sendAll', options, (token) => n.sendAllAsync(fd, data, len, flags, token));
}

/**
 * Sends a message: sendmsg(2), https://man7.org/linux/man-pages/man2/sendmsg.2.html, waiting until the
 * socket can take it. `msg` as in the sync sendmsg(): `{ iov, addr?, control? }`.
 *
 * `ssize_t sendmsg(int sockfd, const struct msghdr *msg, int flags);`
 *
 * @returns the number of bytes sent (a stream socket may take fewer than offered).
 * @throws as the sync sendmsg, and ECANCELED and an AbortError.
 */
export function sendmsg(fd: number, msg: MsgOut | Data | Data[], flags?: MsgFlags, options?: WaitOptions): Promise<number> {
  return waitingOn(fd, 'sendmsg', options, (token) => n.sendmsgAsync(fd, msg, flags, token));
}

/**
 * Receives a message: recvmsg(2), https://man7.org/linux/man-pages/man2/recvmsg.2.html, waiting until
 * one arrives. `msg` is `{ iov, controlLength? }`; with control room MSG_CMSG_CLOEXEC is added, and
 * received fds are yours to close.
 *
 * `ssize_t recvmsg(int sockfd, struct msghdr *msg, int flags);`
 *
 * @returns `{ bytes, addr, flags, control }`.
 * @throws as {@link recv}.
 */
export function recvmsg(fd: number, msg: MsgIn | ArrayBufferView | ArrayBufferView[], flags?: MsgFlags, options?: WaitOptions): Promise<ReceivedMsg> {
  return waitingOn(fd, 'recvmsg', options, (token) => n.recvmsgAsync(fd, msg, flags, token));
}

/**
 * Sends several messages in one call: sendmmsg(2) (Linux), https://man7.org/linux/man-pages/man2/sendmmsg.2.html,
 * waiting until the socket can take at least one.
 *
 * `int sendmmsg(int sockfd, struct mmsghdr *msgvec, unsigned int vlen, int flags);`
 *
 * @returns how many messages were sent: at least 1, fewer than asked if the send buffer filled up.
 * @throws as {@link sendmsg}.
 */
export function sendmmsg(fd: number, msgvec: (MsgOut | Data | Data[])[], flags?: number, options?: WaitOptions): Promise<number> {
  return waitingOn(fd, 'sendmmsg', options, (token) => n.sendmmsgAsync(fd, msgvec, flags, token));
}

/**
 * Receives several messages in one call: recvmmsg(2) (Linux), https://man7.org/linux/man-pages/man2/recvmmsg.2.html,
 * waiting until at least one is there, then taking as many as are queued (up to msgvec.length) into the
 * caller's buffers.
 *
 * `int recvmmsg(int sockfd, struct mmsghdr *msgvec, unsigned int vlen, int flags, struct timespec *timeout);`
 * with a NULL timeout.
 *
 * @returns one recvmsg result per message received (at least one).
 * @throws as {@link recvmsg}.
 */
export function recvmmsg(fd: number, msgvec: (MsgIn | ArrayBufferView | ArrayBufferView[])[], flags?: number, options?: WaitOptions): Promise<ReceivedMsg[]> {
  return waitingOn(fd, 'recvmmsg', options, (token) => n.recvmmsgAsync(fd, msgvec, flags, token));
}

/**
 * Sends `data` with file descriptors: sendmsg(2) with one SCM_RIGHTS control message (Python's
 * socket.send_fds), https://man7.org/linux/man-pages/man2/sendmsg.2.html, waiting until the socket can
 * take it.
 *
 * `ssize_t sendmsg(int sockfd, const struct msghdr *msg, int flags);`
 *
 * @returns the number of bytes of `data` sent.
 * @throws as {@link sendmsg}; EBADF if an fd is not open.
 */
export function sendFds(fd: number, data: Data, fds: number[], flags?: MsgFlags, options?: WaitOptions): Promise<number> {
  return waitingOn(fd, 'sendmsg', options, (token) => n.sendmsgAsync(fd, fdsMessage(data, fds), flags, token));
}

/**
 * Receives data and up to `maxFds` file descriptors: recvmsg(2) with room for one SCM_RIGHTS control
 * message (Python's socket.recv_fds), https://man7.org/linux/man-pages/man2/recvmsg.2.html. The fds
 * are new, close-on-exec, and yours to close.
 *
 * `ssize_t recvmsg(int sockfd, struct msghdr *msg, int flags);`
 *
 * @returns `{ bytes, fds, flags, addr }`.
 * @throws as {@link recvmsg}.
 */
export async function recvFds(fd: number, buf: ArrayBufferView, maxFds: number, flags?: MsgFlags, options?: WaitOptions): Promise<ReceivedFds> {
  const room = fdsRoom(buf, maxFds);
  return receivedFds(await waitingOn(fd, 'recvmsg', options, (token) => n.recvmsgAsync(fd, room, flags, token)));
}

/**
 * Resolves a host and service: getaddrinfo(3), https://man7.org/linux/man-pages/man3/getaddrinfo.3.html,
 * on the libuv thread pool (it blocks in libc on DNS).
 *
 * `int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res);`
 *
 * @throws an error with code EAI_NONAME, EAI_AGAIN, ... and errno the EAI_* value.
 */
export function getaddrinfo(node: string | null, service?: string | number | null, hints?: AddrinfoHints): Promise<Addrinfo[]> {
  return n.getaddrinfoAsync(node, service, hints);
}

/**
 * Turns an address into a host and service name: getnameinfo(3),
 * https://man7.org/linux/man-pages/man3/getnameinfo.3.html, on the libuv thread pool.
 *
 * `int getnameinfo(const struct sockaddr *addr, socklen_t addrlen, char *host, socklen_t hostlen, char *serv, socklen_t servlen, int flags);`
 *
 * @throws an error with code EAI_NONAME, EAI_AGAIN, ...
 */
export function getnameinfo(addr: AddressInput, flags?: number): Promise<{ host: string; service: string }> {
  return n.getnameinfoAsync(addr, flags);
}

/**
 * Looks up an IPv4 host by name: gethostbyname(3), https://man7.org/linux/man-pages/man3/gethostbyname.3.html,
 * on the libuv thread pool (it blocks in libc on DNS).
 *
 * `struct hostent *gethostbyname(const char *name);` (gethostbyname_r underneath).
 *
 * @throws an error with code HOST_NOT_FOUND, TRY_AGAIN, NO_RECOVERY or NO_DATA and errno its h_errno value.
 */
export function gethostbyname(name: string): Promise<hostent> {
  return n.gethostbynameAsync(name);
}

/**
 * Looks up a host by name in one family: gethostbyname2(3), https://man7.org/linux/man-pages/man3/gethostbyname.3.html,
 * on the libuv thread pool.
 *
 * `struct hostent *gethostbyname2(const char *name, int af);`
 *
 * @throws as {@link gethostbyname}.
 */
export function gethostbyname2(name: string, af: number): Promise<hostent> {
  return n.gethostbyname2Async(name, af);
}

/**
 * Looks up a host by address: gethostbyaddr(3), https://man7.org/linux/man-pages/man3/gethostbyname.3.html,
 * on the libuv thread pool.
 *
 * `struct hostent *gethostbyaddr(const void *addr, socklen_t len, int type);` `addr`: the bytes or the text.
 *
 * @throws as {@link gethostbyname}.
 */
export function gethostbyaddr(addr: ArrayBufferView | string, len: number | undefined, type: number): Promise<hostent> {
  return n.gethostbyaddrAsync(addr, len, type);
}

/**
 * Reads from any fd (a pipe, a FIFO, a tty, a socket): read(2), https://man7.org/linux/man-pages/man2/read.2.html,
 * waiting until there is something to read.
 *
 * `ssize_t read(int fd, void *buf, size_t count);` fills `buf` (up to `count`, default all of it).
 * There is no MSG_DONTWAIT for read(2), so the first call sets O_NONBLOCK on the fd (as libuv does
 * for the fds it reads; a failed call puts it back).
 *
 * @returns the number of bytes read; 0 is end of file.
 * @throws EBADF, EINVAL, EISDIR, EIO, ECANCELED, and an AbortError.
 */
export function read(fd: number, buf: ArrayBufferView, count?: number, options?: WaitOptions): Promise<number> {
  return waitingOn(fd, 'read', options, (token) => n.readAsync(fd, buf, count, token));
}

/**
 * Writes to any fd: write(2), https://man7.org/linux/man-pages/man2/write.2.html, waiting until it can
 * take at least one byte.
 *
 * `ssize_t write(int fd, const void *buf, size_t count);` May write less than asked (a pipe that
 * fills up): the count says how much. Sets O_NONBLOCK on the fd the first time, as {@link read} does.
 *
 * @returns the number of bytes written.
 * @throws EBADF, EPIPE, EINVAL, EIO, ECANCELED, and an AbortError.
 */
export function write(fd: number, data: Data, count?: number, options?: WaitOptions): Promise<number> {
  return waitingOn(fd, 'write', options, (token) => n.writeAsync(fd, data, count, token));
}

/**
 * Reads into several buffers: readv(2), https://man7.org/linux/man-pages/man2/readv.2.html, waiting
 * until there is something to read.
 *
 * `ssize_t readv(int fd, const struct iovec *iov, int iovcnt);` Sets O_NONBLOCK as {@link read} does.
 *
 * @returns the number of bytes read across the buffers; 0 is end of file.
 * @throws EBADF, EINVAL (more than IOV_MAX buffers), ECANCELED, and an AbortError.
 */
export function readv(fd: number, bufs: ArrayBufferView[], options?: WaitOptions): Promise<number> {
  return waitingOn(fd, 'readv', options, (token) => n.readvAsync(fd, bufs, token));
}

/**
 * Writes several buffers: writev(2), https://man7.org/linux/man-pages/man2/writev.2.html, waiting
 * until the fd can take at least one byte.
 *
 * `ssize_t writev(int fd, const struct iovec *iov, int iovcnt);` May write less than asked.
 *
 * @returns the number of bytes written.
 * @throws EBADF, EPIPE, EINVAL, ECANCELED, and an AbortError.
 */
export function writev(fd: number, bufs: Data[], options?: WaitOptions): Promise<number> {
  return waitingOn(fd, 'writev', options, (token) => n.writevAsync(fd, bufs, token));
}

// ---- multiplexing: poll, select, epoll_wait -------------------------------------------------------

// A timeout in ms as C takes it (an int; negative: none), checked here since the timer is JS's.
function timeoutMs(timeout: unknown): number | Error {
  if (timeout === undefined) return -1;
  if (typeof timeout !== 'number') return invalidArgType('timeout', 'of type number', timeout);
  if (!Number.isInteger(timeout) || timeout < -(2 ** 31) || timeout >= 2 ** 31) {
    return outOfRange(`The value of "timeout" is out of range. It must be an integer >= -2147483648 && <= 2147483647. Received ${timeout}`);
  }
  return timeout;
}

/**
 * Waits for events on a set of fds: poll(2), https://man7.org/linux/man-pages/man2/poll.2.html, on
 * the event loop.
 *
 * `int poll(struct pollfd *fds, nfds_t nfds, int timeout);` The same arguments and result as the sync
 * {@link sync.poll} (`revents` written in place), without blocking: poll() is made with a zero
 * timeout, and if nothing is ready the call waits on the event loop (no thread) and makes it again.
 * `timeout` in ms (-1 or left out: for ever); when it passes, it resolves 0 with every `revents` 0.
 * Awaiting one fd's POLLIN/POLLPRI/POLLERR is the readiness wait without a read: then read the error
 * queue (MSG_ERRQUEUE) or the urgent byte (MSG_OOB).
 *
 * @returns the number of entries with events.
 * @throws EINVAL, ENOMEM, EMFILE (the wait needs an epoll fd), and an AbortError.
 */
export function poll(fds: pollfd[], timeout?: number, options?: WaitOptions): Promise<number> {
  const ms = timeoutMs(timeout);
  if (ms instanceof Error) return Promise.reject(ms);
  return waiting(options, (token) => n.pollAsync(fds, token), ms);
}

/**
 * Waits until one of the fds is ready: select(2), https://man7.org/linux/man-pages/man2/select.2.html,
 * on the event loop.
 *
 * `int select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds, struct timeval *timeout);`
 * The same arguments and result as the sync {@link sync.select} (sets updated in place), without
 * blocking: select() is made with a zero timeout, and if nothing is ready the call waits on the event
 * loop and makes it again. When `timeout` passes, it resolves 0 with the sets emptied, as in C.
 *
 * @returns the number of ready fds in the three sets.
 * @throws EBADF, EINVAL, ENOMEM, EMFILE; RangeError (nfds outside [0, FD_SETSIZE]); an AbortError.
 */
export function select(nfds: number, readfds: fd_set | null, writefds: fd_set | null, exceptfds: fd_set | null, timeout: SelectTimeout | null, options?: WaitOptions): Promise<number> {
  let ms = -1;
  if (timeout !== null && typeof timeout === 'object' && Number.isInteger(timeout.sec) && Number.isInteger(timeout.usec)) {
    ms = timeout.sec * 1000 + Math.ceil(timeout.usec / 1000);
  }
  let sets: (Uint8Array | null | undefined)[];
  try {
    sets = [bytesOf(readfds), bytesOf(writefds), bytesOf(exceptfds)];
  } catch (error) {
    return Promise.reject(error);
  }
  return waiting(options, (token) => n.selectAsync(nfds, sets[0], sets[1], sets[2], timeout, token), Math.min(ms, 2 ** 31 - 1));
}

/**
 * Waits for events on an epoll instance: epoll_wait(2), https://man7.org/linux/man-pages/man2/epoll_wait.2.html,
 * on the event loop.
 *
 * `int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout);` The same
 * arguments and result as the sync {@link sync.epoll_wait} (`[{ events, data }]`), without blocking:
 * epoll_wait() is made with a zero timeout, and if nothing is ready the call waits for the epoll fd
 * itself to become readable (an epoll fd is pollable) and makes it again. Uses no thread. When
 * `timeout` passes, it resolves [].
 *
 * @returns the ready events.
 * @throws EBADF, EINVAL (not an epoll fd), RangeError (maxevents outside [1, 1048576]), and an AbortError.
 */
export function epoll_wait(epfd: number, maxevents: number, timeout?: number, options?: WaitOptions): Promise<EpollEvent[]> {
  const ms = timeoutMs(timeout);
  if (ms instanceof Error) return Promise.reject(ms);
  return waiting(options, (token) => n.epoll_waitAsync(epfd, maxevents, token), ms);
}

/**
 * Makes this thread's readiness engine forget fd without closing it: calls still waiting on fd reject
 * with ECANCELED and fd leaves the engine's epoll set. No syscall on fd itself. Use it before handing
 * an fd that sockfd/promises has waited on to another owner, such as node:net
 * (toNetSocket and toNetServer do it), so that no call of sockfd's is left waiting on it.
 *
 * @throws RangeError (ERR_OUT_OF_RANGE) for an fd that is not a non-negative integer.
 */
export function release(fd: number): void {
  n.release(fd);
}
