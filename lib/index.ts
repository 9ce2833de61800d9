/**
 * sockfd: raw POSIX sockets for Node.js, one system call at a time.
 *
 * Every function here makes exactly the system call it is named after, once, with C's argument order,
 * and blocks where C blocks (accept() on a blocking socket blocks this thread). A failed call throws a
 * {@link SyscallError} (code 'ECONNREFUSED', errno, syscall); bad arguments throw a TypeError or
 * RangeError with Node's ERR_* codes before any syscall is made.
 *
 * @module
 */
import { type Address, type AddressInput, slotAddress } from './address.js';
import { type Data, type MsgIn, type MsgOut, native, type ReceivedMsg, type SockoptResult, type SockoptValue, type Timespec } from './binding.js';
import type { Domain, Level, MsgFlags, OptionName, OptionShape, ShutdownHow, SocketType } from './kinds.js';
import { fdsMessage, fdsRoom, type ReceivedFds, receivedFds } from './msg.js';
import { refuseNodeOwned } from './node.js';
import type { OptionResults, OptionValues, ReadableShape } from './sockopt.js';

export * from './constants.js';
export { asInet, asInet6, asUnix, in_addr, sockaddr_in, sockaddr_in6, sockaddr_un } from './address.js';
export type { Address, AddressInput, AlgAddress, Inet6Address, InetAddress, NetlinkAddress, PacketAddress, RawAddress, UnixAddress, UnspecAddress, VsockAddress } from './address.js';
export type { Addrinfo, AddrinfoHints, Cmsg, Data, Linger, MsgIn, MsgOut, Pktinfo, ReceivedCmsg, ReceivedMsg, SockExtendedErr, SockoptResult, SockoptValue, Timespec, Timeval, Ucred } from './binding.js';
export type { ReceivedFds } from './msg.js';
export type { GroupReq, GroupSourceReq, IpMreq, IpMreqn, IpMreqSource, Ipv6Mreq, OptionResults, OptionValues, PacketMreq, ReadableShape, SockFilter, StructOptionValue, TcpInfo, TcpMd5sig } from './sockopt.js';
export type { Domain, Errno, Kind, Level, MsgFlags, OptionName, OptionShape, ShutdownHow, SocketType } from './kinds.js';
export { AbortError, isSyscallError, type SyscallError } from './errors.js';
export { Socket } from './socket.js';
export { epoll_create, epoll_create1, epoll_ctl, epoll_wait, EpollEvents, FD_CLR, FD_ISSET, FD_SET, FD_ZERO, fd_set, poll, select } from './poll.js';
export type { epoll_event, EpollEvent, pollfd, SelectTimeout } from './poll.js';
export { dup, dup2, dup3, fcntl, ioctl, sendfile, sockatmark } from './fd.js';
export { getaddrinfo, gethostbyaddr, gethostbyname, gethostbyname2, gethostname, getnameinfo, getprotobyname, getprotobynumber, getservbyname, getservbyport } from './netdb.js';
export type { hostent, protoent, servent } from './netdb.js';
export { getifaddrs, if_indextoname, if_nameindex, if_nametoindex } from './if.js';
export { fileno, type FilenoErrorCode, toNetServer, toNetSocket, type ToNetSocketOptions } from './node.js';
export type { ifaddrs } from './if.js';

const n = native;

// ---- socket, socketpair, close, shutdown ----------------------------------------------------------

/**
 * Creates an endpoint for communication: socket(2), https://man7.org/linux/man-pages/man2/socket.2.html
 *
 * `int socket(int domain, int type, int protocol);` `type` may include SOCK_NONBLOCK. The new fd is
 * close-on-exec (SOCK_CLOEXEC is always added, as Python does: children do not inherit sockets by
 * accident).
 *
 * @returns the new file descriptor.
 * @throws EAFNOSUPPORT, EINVAL, EMFILE, ENFILE, ENOBUFS, ENOMEM, EPROTONOSUPPORT, EACCES.
 */
export function socket(domain: Domain, type: SocketType, protocol = 0): number {
  return n.socket(domain, type, protocol);
}

/**
 * Creates a pair of connected sockets: socketpair(2), https://man7.org/linux/man-pages/man2/socketpair.2.html
 *
 * `int socketpair(int domain, int type, int protocol, int sv[2]);` Both fds are close-on-exec.
 *
 * @throws EAFNOSUPPORT, EOPNOTSUPP, EPROTONOSUPPORT, EMFILE, ENFILE, EFAULT.
 */
export function socketpair(domain: Domain, type: SocketType, protocol = 0): [number, number] {
  return n.socketpair(domain, type, protocol);
}

/**
 * Closes a file descriptor: close(2), https://man7.org/linux/man-pages/man2/close.2.html
 *
 * `int close(int fd);` Like fs.closeSync, it closes whatever fd it is given; close only fds you own.
 * Operations of sockfd/promises still waiting on fd (in this thread) first reject with ECANCELED, and
 * the event loop stops watching fd, so close an fd that sockfd/promises uses with this function (or
 * Socket.close()), not with fs.closeSync.
 *
 * @throws EBADF, EINTR, EIO.
 */
export function close(fd: number): void {
  refuseNodeOwned(fd, 'close');
  n.close(fd);
}

/**
 * Shuts down part of a full-duplex connection: shutdown(2), https://man7.org/linux/man-pages/man2/shutdown.2.html
 *
 * `int shutdown(int sockfd, int how);` with how = SHUT_RD, SHUT_WR or SHUT_RDWR. After SHUT_WR the
 * peer's recv() returns 0 and the peer can still send back.
 *
 * @throws EBADF, EINVAL, ENOTCONN, ENOTSOCK.
 */
export function shutdown(fd: number, how: ShutdownHow): void {
  n.shutdown(fd, how);
}

/**
 * Switches O_NONBLOCK on or off: ioctl(fd, FIONBIO, &on), https://man7.org/linux/man-pages/man2/ioctl_list.2.html
 *
 * `int ioctl(int fd, FIONBIO, const int *on);` Equivalent to fcntl(F_GETFL) then
 * fcntl(F_SETFL, flags | O_NONBLOCK), in one call.
 *
 * @throws EBADF, ENOTTY.
 */
export function setNonBlocking(fd: number, on: boolean): void {
  n.setNonBlocking(fd, on);
}

/**
 * Whether O_NONBLOCK is set: fcntl(fd, F_GETFL) & O_NONBLOCK, https://man7.org/linux/man-pages/man2/fcntl.2.html
 *
 * `int fcntl(int fd, F_GETFL);`
 *
 * @throws EBADF.
 */
export function getNonBlocking(fd: number): boolean {
  return n.getNonBlocking(fd);
}

/**
 * Switches the syscall trace on or off for this thread (the main thread, or one Worker) and returns
 * whether it was on; `trace()` without an argument only reads it. No syscall of its own: it is strace(1)
 * from the inside.
 *
 * While on, every system call sockfd makes on this thread is printed to stderr after it returns, one
 * line each, in strace's notation, arguments decoded:
 * `bind(3, {sa_family=AF_INET, sin_port=htons(4321), sin_addr=inet_addr("0.0.0.0")}, 16) = 0`, and a
 * failure as `accept4(3, 0x7ffc..., [128], SOCK_CLOEXEC) = -1 EAGAIN (Resource temporarily unavailable)`.
 * That includes the calls sockfd/promises makes again when a socket becomes ready, so a trace shows
 * every try. `send`/`recv` show as `sendto`/`recvfrom`, as they do under strace: that is the system
 * call glibc makes. Starting the process with `SOCKFD_TRACE=1` switches it on from the start (in every
 * thread). Two more variables, read when the process loads sockfd: `SOCKFD_TRACE_TIME=1` starts each
 * line with the call's start time and ends it with its duration, as `strace -ttt -T` does (nanoseconds,
 * CLOCK_REALTIME: the clock packet timestamps use, which is how `sockfd-timeline` merges the two), and
 * `SOCKFD_TRACE_FILE=path` appends the lines to that file instead, each starting with the pid, as
 * `strace -f -o path` does.
 *
 * @param on true to trace, false to stop; leave out to only ask.
 * @returns whether the trace was on before this call.
 * @throws TypeError (ERR_INVALID_ARG_TYPE) if `on` is neither a boolean nor undefined.
 */
export function trace(on?: boolean): boolean {
  return n.trace(on);
}

// ---- bind, listen, accept, connect, getsockname, getpeername --------------------------------------

/**
 * Binds a name to a socket: bind(2), https://man7.org/linux/man-pages/man2/bind.2.html
 *
 * `int bind(int sockfd, const struct sockaddr *addr, socklen_t addrlen);` `addr` is an address object
 * (`{ family: 'AF_INET', address: '0.0.0.0', port: 4321 }`) or a raw sockaddr ({@link sockaddr_in}).
 *
 * @throws EADDRINUSE, EADDRNOTAVAIL, EACCES, EBADF, EINVAL, ENOTSOCK, ENOENT/ENOTDIR/EROFS (AF_UNIX paths).
 */
export function bind(fd: number, addr: AddressInput): void {
  n.bind(fd, addr);
}

/**
 * Marks a socket as passive, ready to accept(): listen(2), https://man7.org/linux/man-pages/man2/listen.2.html
 *
 * `int listen(int sockfd, int backlog);` backlog defaults to SOMAXCONN.
 *
 * @throws EADDRINUSE, EBADF, ENOTSOCK, EOPNOTSUPP.
 */
export function listen(fd: number, backlog?: number): void {
  n.listen(fd, backlog);
}

/**
 * Accepts a connection: accept4(2), https://man7.org/linux/man-pages/man2/accept.2.html
 *
 * `int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);` flags may hold
 * SOCK_NONBLOCK; the new fd is always close-on-exec. Blocks unless `fd` is non-blocking.
 *
 * @returns the connected socket's fd and the peer's address.
 * @throws EAGAIN (non-blocking, nothing pending), EBADF, ECONNABORTED, EINTR, EINVAL, EMFILE, ENFILE, ENOTSOCK, EOPNOTSUPP.
 */
export function accept(fd: number, flags: SocketType = 0): { fd: number; addr: Address | null } {
  const client = n.accept(fd, flags);
  return { fd: client, addr: slotAddress() };
}

/**
 * Initiates a connection: connect(2), https://man7.org/linux/man-pages/man2/connect.2.html
 *
 * `int connect(int sockfd, const struct sockaddr *addr, socklen_t addrlen);` Blocks until connected on
 * a blocking socket; a non-blocking one throws EINPROGRESS. On a datagram socket it sets the default
 * peer (and `{ family: 'AF_UNSPEC' }` dissolves it).
 *
 * @throws ECONNREFUSED, ETIMEDOUT, ENETUNREACH, EINPROGRESS, EALREADY, EISCONN, EADDRNOTAVAIL, EAFNOSUPPORT, EBADF, ENOENT (AF_UNIX).
 */
export function connect(fd: number, addr: AddressInput): void {
  n.connect(fd, addr);
}

/**
 * The address a socket is bound to: getsockname(2), https://man7.org/linux/man-pages/man2/getsockname.2.html
 *
 * `int getsockname(int sockfd, struct sockaddr *addr, socklen_t *addrlen);`
 *
 * @throws EBADF, ENOTSOCK.
 */
export function getsockname(fd: number): Address | null {
  n.getsockname(fd);
  return slotAddress();
}

/**
 * The address of the connected peer: getpeername(2), https://man7.org/linux/man-pages/man2/getpeername.2.html
 *
 * `int getpeername(int sockfd, struct sockaddr *addr, socklen_t *addrlen);`
 *
 * @throws ENOTCONN, EBADF, ENOTSOCK.
 */
export function getpeername(fd: number): Address | null {
  n.getpeername(fd);
  return slotAddress();
}

// ---- send, recv, sendto, recvfrom, read, write, readv, writev -------------------------------------

/**
 * Sends on a connected socket: send(2), https://man7.org/linux/man-pages/man2/send.2.html
 *
 * `ssize_t send(int sockfd, const void *buf, size_t len, int flags);` `data` is any ArrayBufferView or
 * a string (its UTF-8 bytes); `len` defaults to all of it and may not exceed it. May send less than
 * asked: the return value says how much. Writing to a reset connection throws EPIPE (Node ignores
 * SIGPIPE).
 *
 * @returns the number of bytes sent.
 * @throws EAGAIN, EPIPE, ECONNRESET, EMSGSIZE, ENOTCONN, EBADF, ENOTSOCK, EINTR, ENOBUFS.
 */
export function send(fd: number, data: Data, len?: number, flags: MsgFlags = 0): number {
  return n.send(fd, data, len, flags);
}

/**
 * Receives from a connected socket into `buf`: recv(2), https://man7.org/linux/man-pages/man2/recv.2.html
 *
 * `ssize_t recv(int sockfd, void *buf, size_t len, int flags);` `len` defaults to buf's length and may
 * not exceed it.
 *
 * @returns the number of bytes received; 0 is end of stream.
 * @throws EAGAIN, ECONNRESET, ENOTCONN, EBADF, ENOTSOCK, EINTR.
 */
export function recv(fd: number, buf: ArrayBufferView, len?: number, flags: MsgFlags = 0): number {
  return n.recv(fd, buf, len, flags);
}

/**
 * Sends a message to an address: sendto(2), https://man7.org/linux/man-pages/man2/sendto.2.html
 *
 * `ssize_t sendto(int sockfd, const void *buf, size_t len, int flags, const struct sockaddr *dest_addr,
 * socklen_t addrlen);` `len` undefined means all of `data`; `addr` null/undefined is a NULL dest_addr.
 *
 * @returns the number of bytes sent.
 * @throws EAGAIN, EMSGSIZE, EDESTADDRREQ, EISCONN, ECONNREFUSED, EACCES, ENETUNREACH, EBADF, ENOTSOCK.
 */
export function sendto(fd: number, data: Data, len: number | undefined, flags: MsgFlags, addr?: AddressInput | null): number {
  return n.sendto(fd, data, len, flags, addr);
}

/**
 * Receives a message and its source address: recvfrom(2), https://man7.org/linux/man-pages/man2/recvfrom.2.html
 *
 * `ssize_t recvfrom(int sockfd, void *buf, size_t len, int flags, struct sockaddr *src_addr, socklen_t *addrlen);`
 *
 * @returns bytes (the count; with MSG_TRUNC, a datagram's real length) and addr (null where the kernel
 * reports none, as on a connected stream).
 * @throws EAGAIN, ECONNREFUSED, ENOTCONN, EBADF, ENOTSOCK, EINTR.
 */
export function recvfrom(fd: number, buf: ArrayBufferView, len?: number, flags: MsgFlags = 0): { bytes: number; addr: Address | null } {
  const bytes = n.recvfrom(fd, buf, len, flags);
  return { bytes, addr: slotAddress() };
}

/**
 * Reads from a file descriptor into `buf`: read(2), https://man7.org/linux/man-pages/man2/read.2.html
 *
 * `ssize_t read(int fd, void *buf, size_t count);`
 *
 * @returns the number of bytes read; 0 is end of file/stream.
 * @throws EAGAIN, EBADF, EINTR, EIO, EISDIR, ECONNRESET.
 */
export function read(fd: number, buf: ArrayBufferView, count?: number): number {
  return n.read(fd, buf, count);
}

/**
 * Writes to a file descriptor: write(2), https://man7.org/linux/man-pages/man2/write.2.html
 *
 * `ssize_t write(int fd, const void *buf, size_t count);`
 *
 * @returns the number of bytes written.
 * @throws EAGAIN, EBADF, EPIPE, EINTR, EIO, ENOSPC.
 */
export function write(fd: number, data: Data, count?: number): number {
  return n.write(fd, data, count);
}

/**
 * Reads into several buffers in order (scatter): readv(2), https://man7.org/linux/man-pages/man2/readv.2.html
 *
 * `ssize_t readv(int fd, const struct iovec *iov, int iovcnt);` More than IOV_MAX (1024) buffers is EINVAL.
 *
 * @returns the total number of bytes read.
 * @throws EAGAIN, EBADF, EINVAL, EINTR.
 */
export function readv(fd: number, bufs: ArrayBufferView[]): number {
  return n.readv(fd, bufs);
}

/**
 * Writes several buffers in order (gather): writev(2), https://man7.org/linux/man-pages/man2/writev.2.html
 *
 * `ssize_t writev(int fd, const struct iovec *iov, int iovcnt);`
 *
 * @returns the total number of bytes written.
 * @throws EAGAIN, EBADF, EINVAL, EPIPE, EINTR.
 */
export function writev(fd: number, bufs: Data[]): number {
  return n.writev(fd, bufs);
}

// ---- sendmsg, recvmsg, sendmmsg, recvmmsg, control messages ---------------------------------------

/**
 * Sends a message: sendmsg(2), https://man7.org/linux/man-pages/man2/sendmsg.2.html
 *
 * `ssize_t sendmsg(int sockfd, const struct msghdr *msg, int flags);` `msg` is `{ iov, addr?, control? }`
 * (or just its iov: a buffer, a string, or an array of them, gathered in order). `control` is an array of
 * control messages, laid out with CMSG_SPACE as cmsg(3) says, e.g. `{ level: SOL_SOCKET, type:
 * SCM_RIGHTS, fds: [fd] }`, or raw msg_control bytes.
 *
 * @returns the number of bytes sent.
 * @throws EAGAIN, EBADF, ECONNRESET, EDESTADDRREQ, EINVAL (a bad control message), EISCONN, EMSGSIZE,
 *   ENOBUFS, ENOTCONN, ENOTSOCK, EOPNOTSUPP, EPIPE, ETOOMANYREFS (fds passed too deep).
 */
export function sendmsg(fd: number, msg: MsgOut | Data | Data[], flags: MsgFlags = 0): number {
  return n.sendmsg(fd, msg, flags);
}

/**
 * Receives a message: recvmsg(2), https://man7.org/linux/man-pages/man2/recvmsg.2.html
 *
 * `ssize_t recvmsg(int sockfd, struct msghdr *msg, int flags);` `msg` is `{ iov, controlLength? }` (or
 * just its iov: a buffer or an array of buffers, filled in order). With control room, MSG_CMSG_CLOEXEC
 * is added, so fds received with SCM_RIGHTS are close-on-exec (a socket that refuses the flag with
 * EINVAL, AF_PACKET's, gets the call again without it). **Received fds are yours to close**: sockfd hands them
 * over and never closes them (fds that did not fit in `controlLength` were closed by the kernel, and
 * `flags` has MSG_CTRUNC).
 *
 * @returns `{ bytes, addr, flags, control }`: flags is msg_flags (MSG_TRUNC, MSG_CTRUNC, MSG_EOR);
 *   control the received control messages, decoded where sockfd knows the type.
 * @throws EAGAIN, EBADF, ECONNREFUSED, EINTR, EINVAL, ENOTCONN, ENOTSOCK.
 */
export function recvmsg(fd: number, msg: MsgIn | ArrayBufferView | ArrayBufferView[], flags: MsgFlags = 0): ReceivedMsg {
  return n.recvmsg(fd, msg, flags);
}

/**
 * Sends several messages in one call: sendmmsg(2) (Linux), https://man7.org/linux/man-pages/man2/sendmmsg.2.html
 *
 * `int sendmmsg(int sockfd, struct mmsghdr *msgvec, unsigned int vlen, int flags);` Each element of
 * `msgvec` is what {@link sendmsg} takes. At most 1024 (UIO_MAXIOV) messages are sent, as the kernel
 * caps vlen there.
 *
 * @returns how many messages were sent (fewer than asked if the socket's buffer filled up).
 * @throws as {@link sendmsg}, if the first message could not be sent.
 */
export function sendmmsg(fd: number, msgvec: (MsgOut | Data | Data[])[], flags: MsgFlags = 0): number {
  return n.sendmmsg(fd, msgvec, flags);
}

/**
 * Receives several messages in one call: recvmmsg(2) (Linux), https://man7.org/linux/man-pages/man2/recvmmsg.2.html
 *
 * `int recvmmsg(int sockfd, struct mmsghdr *msgvec, unsigned int vlen, int flags, struct timespec *timeout);`
 * Each element of `msgvec` is what {@link recvmsg} takes: the caller's buffers, filled in place. At most
 * 1024 (UIO_MAXIOV). Blocks until `vlen` messages came unless flags has MSG_DONTWAIT or MSG_WAITFORONE
 * (the timeout is checked only after each datagram, as the man page warns).
 *
 * @returns one {@link recvmsg} result per message received.
 * @throws as {@link recvmsg}, if no message could be received.
 */
export function recvmmsg(fd: number, msgvec: (MsgIn | ArrayBufferView | ArrayBufferView[])[], flags: MsgFlags = 0, timeout?: Timespec | null): ReceivedMsg[] {
  return n.recvmmsg(fd, msgvec, flags, timeout);
}

/**
 * The bytes a control message with `length` bytes of data takes in msg_control, padding included:
 * CMSG_SPACE(3), https://man7.org/linux/man-pages/man3/cmsg.3.html (a macro; no syscall).
 *
 * `size_t CMSG_SPACE(size_t length);`
 *
 * @throws RangeError (ERR_OUT_OF_RANGE) for a negative or non-integer length.
 */
export function CMSG_SPACE(length: number): number {
  return n.CMSG_SPACE(length);
}

/**
 * The cmsg_len of a control message with `length` bytes of data: CMSG_LEN(3),
 * https://man7.org/linux/man-pages/man3/cmsg.3.html (a macro; no syscall).
 *
 * `size_t CMSG_LEN(size_t length);`
 *
 * @throws RangeError (ERR_OUT_OF_RANGE) for a negative or non-integer length.
 */
export function CMSG_LEN(length: number): number {
  return n.CMSG_LEN(length);
}

/**
 * Sends `data` with file descriptors: sendmsg(2) with one SCM_RIGHTS control message (Python's
 * socket.send_fds), https://man7.org/linux/man-pages/man2/sendmsg.2.html and unix(7). The fds stay
 * open here; the receiver gets its own copies.
 *
 * `ssize_t sendmsg(int sockfd, const struct msghdr *msg, int flags);`
 *
 * @returns the number of bytes of `data` sent.
 * @throws as {@link sendmsg}; EBADF if an fd is not open.
 */
export function sendFds(fd: number, data: Data, fds: number[], flags: MsgFlags = 0): number {
  return n.sendmsg(fd, fdsMessage(data, fds), flags);
}

/**
 * Receives data and up to `maxFds` file descriptors: recvmsg(2) with room for one SCM_RIGHTS control
 * message (Python's socket.recv_fds), https://man7.org/linux/man-pages/man2/recvmsg.2.html. The fds are
 * new, close-on-exec, and **yours to close**. More fds than `maxFds` were sent: the kernel closes the
 * rest and `flags` has MSG_CTRUNC.
 *
 * `ssize_t recvmsg(int sockfd, struct msghdr *msg, int flags);`
 *
 * @returns `{ bytes, fds, flags, addr }`.
 * @throws as {@link recvmsg}.
 */
export function recvFds(fd: number, buf: ArrayBufferView, maxFds: number, flags: MsgFlags = 0): ReceivedFds {
  return receivedFds(n.recvmsg(fd, fdsRoom(buf, maxFds), flags));
}

// ---- setsockopt, getsockopt -----------------------------------------------------------------------

/**
 * Sets a socket option: setsockopt(2), https://man7.org/linux/man-pages/man2/setsockopt.2.html
 *
 * `int setsockopt(int sockfd, int level, int optname, const void *optval, socklen_t optlen);`
 * `value` is a number or boolean for int options (SO_REUSEADDR, TCP_NODELAY, SO_RCVBUF...); a string
 * for SO_BINDTODEVICE, TCP_CONGESTION, TCP_ULP; an object for the struct options, with C's field names
 * less their prefix: `{ onoff, linger }` for SO_LINGER, `{ sec, usec }` for SO_RCVTIMEO/SO_SNDTIMEO,
 * ip_mreq / ip_mreqn / ip_mreq_source / ipv6_mreq / group_req / group_source_req for the multicast
 * memberships (IpMreq...), packet_mreq (PACKET_ADD_MEMBERSHIP), tcp_md5sig (TCP_MD5SIG); an array of
 * `{ code, jt, jf, k }` for SO_ATTACH_FILTER / SO_ATTACH_REUSEPORT_CBPF (classic BPF); or bytes for any
 * option (passed as optval/optlen as they are). Fields left out are zero, as in a memset() struct.
 *
 * @throws ENOPROTOOPT, EINVAL, EBADF, ENOTSOCK, EPERM; TypeError (ERR_INVALID_ARG_VALUE) for an object
 *   with a field its struct lacks, or a string or object for an option that takes none; RangeError
 *   (ERR_OUT_OF_RANGE) for a string past its field (an interface name over IFNAMSIZ - 1) or a BPF
 *   program over BPF_MAXINSNS.
 */
export function setsockopt<S extends OptionShape>(fd: number, level: Level, optname: OptionName<S>, value: OptionValues[S] | ArrayBufferView): void {
  n.setsockopt(fd, level, optname, value as SockoptValue);
}

/**
 * Reads a socket option: getsockopt(2), https://man7.org/linux/man-pages/man2/getsockopt.2.html
 *
 * `int getsockopt(int sockfd, int level, int optname, void *optval, socklen_t *optlen);` Without a
 * length: the int value, or the decoded struct for SO_LINGER ({ onoff, linger }), SO_RCVTIMEO /
 * SO_SNDTIMEO ({ sec, usec }), SO_PEERCRED ({ pid, uid, gid }), TCP_INFO (TcpInfo) and SO_GET_FILTER
 * (the BPF program, SockFilter[]), or the text of a string option (TCP_CONGESTION, SO_BINDTODEVICE,
 * SO_PEERSEC); an option whose value is another struct or bytes (SO_COOKIE, IP_OPTIONS...) is refused
 * then, with the length to pass. With a length: the raw bytes the kernel wrote (at most `length`; for
 * SO_GET_FILTER, whose optlen counts instructions, a multiple of 8).
 *
 * @throws ENOPROTOOPT, EINVAL, EBADF, ENOTSOCK; TypeError (ERR_INVALID_ARG_VALUE) for a struct option
 *   asked without a length.
 */
export function getsockopt<S extends ReadableShape>(fd: number, level: Level, optname: OptionName<S>): OptionResults[S];
export function getsockopt(fd: number, level: Level, optname: OptionName, length: number): Uint8Array;
export function getsockopt(fd: number, level: Level, optname: OptionName, length?: number): SockoptResult | Uint8Array {
  // no length: three arguments, so that the binding need not ask what a fourth one is
  return length === undefined ? n.getsockopt(fd, level, optname) : n.getsockopt(fd, level, optname, length);
}

// ---- byte order and address text ------------------------------------------------------------------

/**
 * Host to network byte order, 16 bits: htons(3), https://man7.org/linux/man-pages/man3/htons.3.html
 *
 * `uint16_t htons(uint16_t hostshort);`
 *
 * @throws RangeError (ERR_OUT_OF_RANGE) unless hostshort is a 16-bit unsigned integer.
 */
export function htons(hostshort: number): number {
  return n.htons(hostshort);
}
/**
 * Network to host byte order, 16 bits: ntohs(3), https://man7.org/linux/man-pages/man3/ntohs.3.html
 *
 * `uint16_t ntohs(uint16_t netshort);`
 *
 * @throws RangeError (ERR_OUT_OF_RANGE) unless netshort is a 16-bit unsigned integer.
 */
export function ntohs(netshort: number): number {
  return n.ntohs(netshort);
}
/**
 * Host to network byte order, 32 bits: htonl(3), https://man7.org/linux/man-pages/man3/htonl.3.html
 *
 * `uint32_t htonl(uint32_t hostlong);`
 *
 * @throws RangeError (ERR_OUT_OF_RANGE) unless hostlong is a 32-bit unsigned integer.
 */
export function htonl(hostlong: number): number {
  return n.htonl(hostlong);
}
/**
 * Network to host byte order, 32 bits: ntohl(3), https://man7.org/linux/man-pages/man3/ntohl.3.html
 *
 * `uint32_t ntohl(uint32_t netlong);`
 *
 * @throws RangeError (ERR_OUT_OF_RANGE) unless netlong is a 32-bit unsigned integer.
 */
export function ntohl(netlong: number): number {
  return n.ntohl(netlong);
}

/**
 * Text to binary address: inet_pton(3), https://man7.org/linux/man-pages/man3/inet_pton.3.html
 *
 * `int inet_pton(int af, const char *src, void *dst);`
 *
 * @returns the 4 (AF_INET) or 16 (AF_INET6) bytes in network order, or null where C returns 0 (src is
 * not a valid address).
 * @throws EAFNOSUPPORT for another af (C's -1).
 */
export function inet_pton(af: number, src: string): Uint8Array | null {
  return n.inet_pton(af, src);
}

/**
 * Binary address to text: inet_ntop(3), https://man7.org/linux/man-pages/man3/inet_ntop.3.html
 *
 * `const char *inet_ntop(int af, const void *src, char *dst, socklen_t size);`
 *
 * @throws EAFNOSUPPORT; RangeError if src is shorter than the family's address.
 */
export function inet_ntop(af: number, src: ArrayBufferView): string {
  return n.inet_ntop(af, src);
}

/**
 * Dotted text to struct in_addr: inet_aton(3), https://man7.org/linux/man-pages/man3/inet_aton.3.html
 *
 * `int inet_aton(const char *cp, struct in_addr *inp);` Accepts the shorthand forms ("127.1",
 * "0x7f000001", "2130706433").
 *
 * @returns in_addr.s_addr (network byte order, the number C holds), or null where C returns 0.
 * @throws TypeError (ERR_INVALID_ARG_TYPE) if cp is not a string.
 */
export function inet_aton(cp: string): number | null {
  return n.inet_aton(cp);
}

/**
 * Dotted text to in_addr_t: inet_addr(3), https://man7.org/linux/man-pages/man3/inet_addr.3.html
 *
 * `in_addr_t inet_addr(const char *cp);`
 *
 * @returns the address in network byte order, or INADDR_NONE (0xffffffff) for an invalid string, which
 * is also what "255.255.255.255" gives: the reason C programs prefer inet_aton/inet_pton.
 * @throws TypeError (ERR_INVALID_ARG_TYPE) if cp is not a string.
 */
export function inet_addr(cp: string): number {
  return n.inet_addr(cp);
}

/**
 * struct in_addr to dotted text: inet_ntoa(3), https://man7.org/linux/man-pages/man3/inet_ntoa.3.html
 *
 * `char *inet_ntoa(struct in_addr in);` with `inaddr` = in.s_addr (network byte order).
 *
 * @throws RangeError (ERR_OUT_OF_RANGE) unless inaddr is a 32-bit unsigned integer.
 */
export function inet_ntoa(inaddr: number): string {
  return n.inet_ntoa(inaddr);
}
