// The shapes of sockfd's errors, and the few argument errors raised on the JS side (the raw structs'
// field setters); the addon raises all the others itself.

/** A failed system call, as thrown by every sync function (and, later, rejected by the promises). */
export interface SyscallError extends Error {
  /** The errno name: 'EADDRINUSE'. (getaddrinfo/getnameinfo: the EAI_* name.) */
  code: string;
  /** The errno number, positive as in C (equal to the exported constant: err.errno === EADDRINUSE). */
  errno: number;
  /** The call that failed: 'bind', 'accept4', ... */
  syscall: string;
  /** The address the call was given, where it had one (IP address or AF_UNIX path). */
  address?: string;
  port?: number;
}

/** True for an error thrown by a failed system call (it has code, errno and syscall). */
export function isSyscallError(e: unknown): e is SyscallError {
  return e instanceof Error && typeof (e as SyscallError).syscall === 'string' && typeof (e as SyscallError).errno === 'number';
}

/** A Node-style RangeError with code ERR_OUT_OF_RANGE. */
export function outOfRange(message: string): RangeError & { code: string } {
  return Object.assign(new RangeError(message), { code: 'ERR_OUT_OF_RANGE' });
}
