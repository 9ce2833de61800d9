// I/O multiplexing, one to one: select(2) with fd_set and its macros, poll(2) with struct pollfd,
// epoll_create(2), epoll_create1(2), epoll_ctl(2), epoll_wait(2). The awaitable forms are in
// promises.ts; the constants (POLL*, EPOLL*, FD_SETSIZE) in constants.ts.
import { native } from './binding.js';
import { FD_SETSIZE } from './constants.js';
import { invalidArgType, outOfRange } from './errors.js';

const n = native;

/** select()'s `struct timeval`: `{ sec, usec }`. */
export interface SelectTimeout {
  sec: number;
  usec: number;
}

/**
 * An `fd_set`: a bitmap of FD_SETSIZE (1024) fds, laid out as the kernel reads it. Make one with
 * `new fd_set()` (empty, as after FD_ZERO), change it with {@link FD_SET} and {@link FD_CLR}, read it
 * with {@link FD_ISSET}. {@link select} updates it in place, as in C.
 */
export class fd_set {
  /** The set's bytes (`sizeof(fd_set)`, 128 on Linux), which select() reads and writes. */
  readonly bytes = new Uint8Array(n.fd_set_size);
}

function checkedFd(fd: number): number {
  if (!Number.isInteger(fd) || fd < 0 || fd >= FD_SETSIZE) {
    if (typeof fd !== 'number') throw invalidArgType('fd', 'of type number', fd);
    throw outOfRange(`The value of "fd" is out of range. It must be an integer >= 0 && < FD_SETSIZE (${FD_SETSIZE}). Received ${fd}`);
  }
  return fd;
}

function checkedSet(set: fd_set): Uint8Array {
  if (!(set instanceof fd_set)) throw invalidArgType('set', 'an instance of fd_set', set);
  return set.bytes;
}

/**
 * Empties a set: the FD_ZERO macro, https://man7.org/linux/man-pages/man2/select.2.html
 *
 * `void FD_ZERO(fd_set *set);`
 *
 * @throws TypeError if `set` is not an fd_set.
 */
export function FD_ZERO(set: fd_set): void {
  checkedSet(set).fill(0);
}

/**
 * Adds fd to a set: the FD_SET macro, https://man7.org/linux/man-pages/man2/select.2.html
 *
 * `void FD_SET(int fd, fd_set *set);` An fd outside [0, FD_SETSIZE) is a RangeError (in C it would
 * write past the set).
 *
 * @throws RangeError (ERR_OUT_OF_RANGE), TypeError.
 */
export function FD_SET(fd: number, set: fd_set): void {
  const bytes = checkedSet(set);
  checkedFd(fd);
  bytes[fd >> 3]! |= 1 << (fd & 7);
}

/**
 * Removes fd from a set: the FD_CLR macro, https://man7.org/linux/man-pages/man2/select.2.html
 *
 * `void FD_CLR(int fd, fd_set *set);`
 *
 * @throws RangeError (ERR_OUT_OF_RANGE), TypeError.
 */
export function FD_CLR(fd: number, set: fd_set): void {
  const bytes = checkedSet(set);
  checkedFd(fd);
  bytes[fd >> 3]! &= ~(1 << (fd & 7));
}

/**
 * Whether fd is in a set: the FD_ISSET macro, https://man7.org/linux/man-pages/man2/select.2.html
 *
 * `int FD_ISSET(int fd, fd_set *set);`
 *
 * @throws RangeError (ERR_OUT_OF_RANGE), TypeError.
 */
export function FD_ISSET(fd: number, set: fd_set): boolean {
  const bytes = checkedSet(set);
  checkedFd(fd);
  return (bytes[fd >> 3]! & (1 << (fd & 7))) !== 0;
}

/**
 * Waits until one of the fds is ready: select(2), https://man7.org/linux/man-pages/man2/select.2.html
 *
 * `int select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds, struct timeval *timeout);`
 * Blocks this thread, as in C (sockfd/promises has the awaitable form). `nfds` is the highest fd plus
 * one (at most FD_SETSIZE); a set may be null. On return each set holds only its ready fds, as in C;
 * the timeout object is left as it was (Linux writes the time left into C's). glibc makes it as the
 * pselect6 system call, which is what the trace and strace show.
 *
 * @returns the number of ready fds in the three sets; 0 when the timeout passed.
 * @throws EBADF (a closed fd in a set), EINTR, ENOMEM; RangeError (nfds outside [0, FD_SETSIZE]).
 */
export function select(nfds: number, readfds: fd_set | null, writefds: fd_set | null, exceptfds: fd_set | null, timeout: SelectTimeout | null): number {
  return n.select(nfds, bytesOf(readfds), bytesOf(writefds), bytesOf(exceptfds), timeout);
}

/** A set's bytes for the native call: null and undefined stay as they are (C's NULL). */
export function bytesOf(set: fd_set | null | undefined): Uint8Array | null | undefined {
  return set === null || set === undefined ? set : checkedSet(set);
}

/** One `struct pollfd`: the fd, the events asked for (POLL*), and `revents`, which poll() fills in. */
export interface pollfd {
  fd: number;
  events: number;
  revents?: number;
}

/**
 * Waits for events on a set of fds: poll(2), https://man7.org/linux/man-pages/man2/poll.2.html
 *
 * `int poll(struct pollfd *fds, nfds_t nfds, int timeout);` `fds` is an array of `{ fd, events }`;
 * each one's `revents` is written in place, as in C (POLLERR, POLLHUP and POLLNVAL come whether asked
 * for or not). A negative fd is skipped. `timeout` in milliseconds; -1 (or left out) waits for ever.
 * Blocks this thread.
 *
 * @returns the number of entries with events; 0 when the timeout passed.
 * @throws EINTR, EINVAL (more fds than RLIMIT_NOFILE), ENOMEM.
 */
export function poll(fds: pollfd[], timeout?: number): number {
  return n.poll(fds, timeout);
}

/**
 * Opens an epoll instance: epoll_create(2), https://man7.org/linux/man-pages/man2/epoll_create.2.html
 *
 * `int epoll_create(int size);` `size` must be positive and is otherwise ignored (the old API; prefer
 * {@link epoll_create1}). Close it with close().
 *
 * @returns the epoll fd.
 * @throws EINVAL (size <= 0), EMFILE, ENFILE, ENOMEM.
 */
export function epoll_create(size: number): number {
  return n.epoll_create(size);
}

/**
 * Opens an epoll instance: epoll_create1(2), https://man7.org/linux/man-pages/man2/epoll_create1.2.html
 *
 * `int epoll_create1(int flags);` `flags` 0 or EPOLL_CLOEXEC.
 *
 * @returns the epoll fd.
 * @throws EINVAL, EMFILE, ENFILE, ENOMEM.
 */
export function epoll_create1(flags = 0): number {
  return n.epoll_create1(flags);
}

/** A `struct epoll_event`: the EPOLL* bits, and `data`, a number of yours that epoll_wait gives back. */
export interface epoll_event {
  events: number;
  /** epoll_data: any safe integer; left out, epoll_ctl stores the fd (C's `data.fd = fd`). */
  data?: number;
}

/** An event epoll_wait reported: the ready bits and the data given to epoll_ctl. */
export interface EpollEvent {
  events: number;
  data: number;
}

/**
 * Adds, changes or removes an fd of an epoll instance: epoll_ctl(2), https://man7.org/linux/man-pages/man2/epoll_ctl.2.html
 *
 * `int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);` `op` is EPOLL_CTL_ADD,
 * EPOLL_CTL_MOD or EPOLL_CTL_DEL; `event` may be null for EPOLL_CTL_DEL, as in C (for ADD and MOD,
 * where the kernel would say EFAULT, null is a TypeError). `events` takes
 * EPOLLIN, EPOLLOUT, EPOLLET, EPOLLONESHOT, EPOLLEXCLUSIVE... (`EPOLLIN | EPOLLET` is negative in
 * JavaScript; both readings of the 32 bits are accepted).
 *
 * @throws EBADF, EEXIST (already added), ENOENT (not added), EINVAL, ELOOP, ENOMEM, ENOSPC, EPERM
 *   (a regular file or a directory).
 */
export function epoll_ctl(epfd: number, op: number, fd: number, event: epoll_event | null): void {
  n.epoll_ctl(epfd, op, fd, event);
}

/**
 * A caller-owned array of epoll events for {@link epoll_wait}'s allocation-free form: `events[i]` and
 * `data[i]` for i below the count it returns.
 */
export class EpollEvents {
  readonly events: Uint32Array;
  readonly data: Float64Array;
  /** @throws TypeError, RangeError (maxevents not an integer in [1, 1048576]). */
  constructor(readonly maxevents: number) {
    if (typeof maxevents !== 'number') throw invalidArgType('maxevents', 'of type number', maxevents);
    if (!Number.isInteger(maxevents) || maxevents < 1 || maxevents > 2 ** 20) {
      throw outOfRange(`The value of "maxevents" is out of range. It must be >= 1 && <= 1048576. Received ${maxevents}`);
    }
    this.events = new Uint32Array(maxevents);
    this.data = new Float64Array(maxevents);
  }
}

/**
 * Waits for events on an epoll instance: epoll_wait(2), https://man7.org/linux/man-pages/man2/epoll_wait.2.html
 *
 * `int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout);` Two forms:
 * `epoll_wait(epfd, maxevents, timeout)` returns the ready events as `[{ events, data }]`;
 * `epoll_wait(epfd, events, timeout)` fills an {@link EpollEvents} you keep (no object per event, for
 * hot loops) and returns the count, as C does. `timeout` in milliseconds, -1 (or left out) for ever.
 * Blocks this thread (sockfd/promises has the awaitable form). At most 1,048,576 events per call.
 *
 * @returns the events, or their count.
 * @throws EBADF, EINTR, EINVAL (not an epoll fd); RangeError (maxevents outside [1, 1048576]).
 */
export function epoll_wait(epfd: number, maxevents: number, timeout?: number): EpollEvent[];
export function epoll_wait(epfd: number, events: EpollEvents, timeout?: number): number;
export function epoll_wait(epfd: number, events: number | EpollEvents, timeout?: number): EpollEvent[] | number {
  if (events instanceof EpollEvents) return n.epoll_wait_into(epfd, events.events, events.data, timeout);
  return n.epoll_wait(epfd, events, timeout);
}
