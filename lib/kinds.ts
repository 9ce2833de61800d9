// Distinct number types for the kinds of constant, so that swapped arguments fail to compile:
// `socket(SOCK_STREAM, AF_INET)` is a type error, because SOCK_STREAM is a SocketType and socket()'s
// first parameter is a Domain. Each is a number with an optional brand that only types carry: every
// constant is still a number at run time and anywhere a number goes, and a plain number (one a user
// computes: `SOCK_STREAM | SOCK_NONBLOCK`, `2`, a value read from a file) is accepted by all of them,
// since it has no brand to disagree with. Only a constant of one kind passed where another kind goes
// is refused.
declare const kind: unique symbol;
declare const shape: unique symbol;

/** A number of kind K. */
export type Kind<K extends string> = number & { readonly [kind]?: K };

/** An address family: AF_* (and PF_*). socket(2)'s first argument. */
export type Domain = Kind<'domain'>;
/** A socket type: SOCK_*. socket(2)'s second argument (or'ed with SOCK_NONBLOCK / SOCK_CLOEXEC). */
export type SocketType = Kind<'socket type'>;
/** An option level: SOL_*, or a protocol number IPPROTO_* used as one. setsockopt(2)'s second argument. */
export type Level = Kind<'level'>;
/** Flags of send/recv and the message calls: MSG_*. */
export type MsgFlags = Kind<'msg flags'>;
/** shutdown(2)'s `how`: SHUT_RD, SHUT_WR, SHUT_RDWR. */
export type ShutdownHow = Kind<'shutdown how'>;
/** An errno value: E* (err.errno === ECONNREFUSED). */
export type Errno = Kind<'errno'>;

/**
 * What an option's value is, which decides what setsockopt() takes and getsockopt() returns: 'int'
 * (most), a struct sockfd lays out ('linger', 'timeval', 'ucred', 'tcp_info', 'filter', 'struct' for the
 * set-only membership and key requests), 'string', or 'bytes' (read with a length).
 */
export type OptionShape = 'int' | 'linger' | 'timeval' | 'ucred' | 'tcp_info' | 'filter' | 'string' | 'struct' | 'bytes';
/** An option name: SO_*, TCP_*, IP_*, IPV6_*, UDP_*, MCAST_*, PACKET_*, of the shape S. */
export type OptionName<S extends OptionShape = OptionShape> = Kind<'option'> & { readonly [shape]?: S };
