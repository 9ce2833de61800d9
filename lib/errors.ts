// The shapes of sockfd's errors, and the few argument errors raised on the JS side (the raw structs'
// field setters); the addon raises all the others itself.

/** A failed system call, as thrown by every sync function and rejected by sockfd/promises. */
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

/**
 * True for an error thrown by a failed system call (it has code, errno and syscall). No syscall of its
 * own; it never throws.
 */
export function isSyscallError(e: unknown): e is SyscallError {
  return e instanceof Error && typeof (e as SyscallError).syscall === 'string' && typeof (e as SyscallError).errno === 'number';
}

/** A Node-style RangeError with code ERR_OUT_OF_RANGE. */
export function outOfRange(message: string): RangeError & { code: string } {
  return Object.assign(new RangeError(message), { code: 'ERR_OUT_OF_RANGE' });
}

/**
 * What a sockfd/promises call rejects with when its AbortSignal fires: the same shape as Node's own
 * (name 'AbortError', code 'ABORT_ERR', the signal's reason as `cause`).
 */
export class AbortError extends Error {
  readonly code = 'ABORT_ERR';
  constructor(message = 'The operation was aborted', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AbortError';
  }
}

/** A Node-style TypeError with code ERR_INVALID_ARG_TYPE. */
export function invalidArgType(name: string, expected: string, actual: unknown): TypeError & { code: string } {
  const received = actual === null || actual === undefined ? String(actual) : `type ${typeof actual}`;
  return Object.assign(new TypeError(`The "${name}" argument must be ${expected}. Received ${received}`), { code: 'ERR_INVALID_ARG_TYPE' });
}

/** A Node-style TypeError with code ERR_INVALID_ARG_VALUE: the right type, a value that cannot be used. */
export function invalidArgValue(message: string): TypeError & { code: string } {
  return Object.assign(new TypeError(message), { code: 'ERR_INVALID_ARG_VALUE' });
}

/** A failed-syscall error made on the JS side (a closed Socket's EBADF), shaped and worded like the addon's. */
export function syscallError(syscall: string, code: string, errno: number, text: string): SyscallError {
  return Object.assign(new Error(`${syscall} ${code}: ${text}`), { code, errno, syscall });
}
