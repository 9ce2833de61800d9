// The file-descriptor calls around sockets, one to one: fcntl(2), dup(2), dup2(2), dup3(2), ioctl(2),
// sockatmark(3), sendfile(2) (its awaitable form is in promises.ts). The constants (F_*, O_*, FD_CLOEXEC, FIONREAD, SIOC*) are in constants.ts.
import { native } from './binding.js';
import { refuseNodeOwned } from './node.js';

const n = native;

/**
 * Manipulates a file descriptor: fcntl(2), https://man7.org/linux/man-pages/man2/fcntl.2.html
 *
 * `int fcntl(int fd, int cmd, ... /* arg *\/ );` The commands whose argument is an int or nothing:
 * F_GETFL / F_SETFL (file status flags: `fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)`, Beej's
 * first non-blocking socket), F_GETFD / F_SETFD (FD_CLOEXEC), F_DUPFD / F_DUPFD_CLOEXEC (the lowest
 * free fd >= `arg`), F_GETPIPE_SZ / F_SETPIPE_SZ. A command that takes a pointer (F_GETLK's struct
 * flock...) is refused before the call: the kernel would write through whatever address `arg` is.
 * (F_GETOWN and F_SETOWN are left out too: glibc makes them as F_GETOWN_EX and F_SETOWN_EX.)
 *
 * @returns what C returns: the flags for F_GETFL/F_GETFD, the new fd for F_DUPFD, the pipe size, else 0.
 * @throws EBADF, EINVAL, EMFILE (F_DUPFD), EPERM, EBUSY (F_SETPIPE_SZ); TypeError
 *   (ERR_INVALID_ARG_VALUE) for a command sockfd does not pass.
 */
export function fcntl(fd: number, cmd: number, arg?: number): number {
  return n.fcntl(fd, cmd, arg);
}

/**
 * Duplicates a file descriptor: dup(2), https://man7.org/linux/man-pages/man2/dup.2.html
 *
 * `int dup(int oldfd);` The new fd (the lowest free number) shares the open file with `oldfd`: its
 * offset, its status flags (O_NONBLOCK), its socket. It is not close-on-exec (FD_CLOEXEC is per fd;
 * `fcntl(oldfd, F_DUPFD_CLOEXEC, 0)` makes one that is).
 *
 * @returns the new fd.
 * @throws EBADF, EMFILE.
 */
export function dup(oldfd: number): number {
  return n.dup(oldfd);
}

/**
 * Duplicates a file descriptor onto a chosen number: dup2(2), https://man7.org/linux/man-pages/man2/dup.2.html
 *
 * `int dup2(int oldfd, int newfd);` If `newfd` was open it is closed first, silently, so calls of
 * sockfd/promises waiting on it reject with ECANCELED, as for close(). `dup2(fd, fd)` changes nothing.
 * The classic use: `dup2(conn, 0); dup2(conn, 1)` before running a program on a connection (inetd).
 *
 * @returns newfd.
 * @throws EBADF, EBUSY, EINTR, EMFILE.
 */
export function dup2(oldfd: number, newfd: number): number {
  refuseNodeOwned(newfd, 'dup2');
  return n.dup2(oldfd, newfd);
}

/**
 * dup2 with flags: dup3(2), https://man7.org/linux/man-pages/man2/dup.2.html
 *
 * `int dup3(int oldfd, int newfd, int flags);` `flags` 0 or O_CLOEXEC; `oldfd === newfd` is EINVAL.
 *
 * @returns newfd.
 * @throws EBADF, EBUSY, EINTR, EINVAL, EMFILE.
 */
export function dup3(oldfd: number, newfd: number, flags = 0): number {
  refuseNodeOwned(newfd, 'dup3');
  return n.dup3(oldfd, newfd, flags);
}

/**
 * Controls a device, here a socket: ioctl(2), https://man7.org/linux/man-pages/man2/ioctl.2.html
 *
 * `int ioctl(int fd, unsigned long request, int *argp);` The requests that read or write one int:
 * FIONREAD (SIOCINQ: bytes queued to read; a UDP socket: the next datagram's size), SIOCOUTQ (bytes
 * sent but not yet acknowledged), SIOCOUTQNSD (TCP: bytes not yet sent), SIOCATMARK (1 at the
 * urgent-data mark) return the int the kernel wrote; FIONBIO takes `value` (1: O_NONBLOCK on, 0: off)
 * and returns 0. Any other request is refused before the call (most take a pointer to a struct).
 * See tcp(7), udp(7), socket(7).
 *
 * @returns the int the kernel wrote, or 0 for FIONBIO.
 * @throws EBADF, EINVAL, ENOTTY (not such a socket); TypeError (ERR_INVALID_ARG_VALUE) for another request.
 */
export function ioctl(fd: number, request: number, value?: number): number {
  return n.ioctl(fd, request, value);
}

/**
 * Whether a socket is at the urgent-data (out-of-band) mark: sockatmark(3), https://man7.org/linux/man-pages/man3/sockatmark.3.html
 *
 * `int sockatmark(int sockfd);` glibc makes it as ioctl(SIOCATMARK), which is what strace and the
 * trace show.
 *
 * @returns 1 at the mark, 0 otherwise.
 * @throws EBADF, ENOTTY (not a socket).
 */
export function sockatmark(fd: number): number {
  return n.sockatmark(fd);
}

/**
 * Copies from a file to a socket inside the kernel: sendfile(2), https://man7.org/linux/man-pages/man2/sendfile.2.html
 *
 * `ssize_t sendfile(int out_fd, int in_fd, off_t *offset, size_t count);` With `offset` null (C's
 * NULL) it reads from `in_fd`'s file position and advances it; with a number it reads from there and
 * leaves the position alone (C would write the new offset back: here it is `offset` plus the result).
 * One call: it may send fewer than `count` bytes (at most 0x7ffff000, or what the socket takes);
 * sockfd/promises' sendfile goes on until all are sent.
 *
 * @returns the bytes sent; 0 at the end of the file.
 * @throws EAGAIN (a non-blocking socket is full), EBADF, EINVAL, EIO, ENOMEM, EOVERFLOW, ESPIPE, EPIPE.
 */
export function sendfile(out_fd: number, in_fd: number, offset: number | null, count: number): number {
  return n.sendfile(out_fd, in_fd, offset, count);
}
