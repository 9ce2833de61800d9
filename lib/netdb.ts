// Name lookups from netdb.h, one to one: getaddrinfo(3), getnameinfo(3), gethostbyname(3),
// gethostbyname2(3), gethostbyaddr(3), getservbyname(3), getservbyport(3), getprotobyname(3),
// getprotobynumber(3), and gethostname(2). These may block this thread on DNS, as in C; sockfd/promises
// has the awaitable forms of the ones that do (getaddrinfo, getnameinfo, gethostby*), on the thread pool.
import type { AddressInput } from './address.js';
import { type Addrinfo, type AddrinfoHints, native } from './binding.js';

const n = native;

/** struct hostent, with C's field names; `h_addr_list` holds the addresses in inet_ntop's form. */
export interface hostent {
  h_name: string;
  h_aliases: string[];
  /** AF_INET or AF_INET6 */
  h_addrtype: number;
  /** 4 or 16 bytes */
  h_length: number;
  h_addr_list: string[];
}

/** struct servent: `s_port` in network byte order, as C gives it (`ntohs(s_port)` is the port). */
export interface servent {
  s_name: string;
  s_aliases: string[];
  s_port: number;
  s_proto: string;
}

/** struct protoent. */
export interface protoent {
  p_name: string;
  p_aliases: string[];
  p_proto: number;
}

/**
 * Resolves a host and service: getaddrinfo(3), https://man7.org/linux/man-pages/man3/getaddrinfo.3.html
 *
 * `int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res);`
 * Blocks this thread while libc resolves (DNS included). Each result's `addr` can go straight to
 * connect() or bind().
 *
 * @throws an error whose code is the EAI_* name (EAI_NONAME, EAI_AGAIN, EAI_SERVICE...) and errno its
 * value; EAI_SYSTEM is reported as the errno error itself.
 */
export function getaddrinfo(node: string | null, service?: string | number | null, hints?: AddrinfoHints): Addrinfo[] {
  return n.getaddrinfo(node, service, hints);
}

/**
 * Address to host and service names: getnameinfo(3), https://man7.org/linux/man-pages/man3/getnameinfo.3.html
 *
 * `int getnameinfo(const struct sockaddr *addr, socklen_t addrlen, char *host, socklen_t hostlen, char *serv, socklen_t servlen, int flags);`
 * flags: NI_NUMERICHOST, NI_NUMERICSERV, NI_NAMEREQD, NI_DGRAM... Blocks while libc resolves.
 *
 * @throws an error whose code is the EAI_* name.
 */
export function getnameinfo(addr: AddressInput, flags = 0): { host: string; service: string } {
  return n.getnameinfo(addr, flags);
}

/**
 * This machine's host name: gethostname(2), https://man7.org/linux/man-pages/man2/gethostname.2.html
 *
 * `int gethostname(char *name, size_t len);` (glibc reads it with uname(2)).
 *
 * @throws EFAULT, ENAMETOOLONG (not with the buffer sockfd passes).
 */
export function gethostname(): string {
  return n.gethostname();
}

/**
 * Looks up an IPv4 host by name: gethostbyname(3), https://man7.org/linux/man-pages/man3/gethostbyname.3.html
 *
 * `struct hostent *gethostbyname(const char *name);` The old interface the seed 001 client uses
 * (getaddrinfo is the newer). /etc/hosts, then DNS, as nsswitch.conf says; blocks this thread meanwhile.
 * Made with gethostbyname_r, whose result is this call's own (C's static hostent would be shared between
 * Workers). A name with a NUL in it is never found.
 *
 * @returns the hostent.
 * @throws an error whose code is the h_errno name (HOST_NOT_FOUND, TRY_AGAIN, NO_RECOVERY, NO_DATA) and
 *   errno its value (compare with the HOST_NOT_FOUND... constants); TypeError for a name that is not a string.
 */
export function gethostbyname(name: string): hostent {
  return n.gethostbyname(name);
}

/**
 * Looks up a host by name in one address family: gethostbyname2(3), https://man7.org/linux/man-pages/man3/gethostbyname.3.html
 *
 * `struct hostent *gethostbyname2(const char *name, int af);` `af` AF_INET or AF_INET6. Made with
 * gethostbyname2_r.
 *
 * @throws as {@link gethostbyname}; NETDB_INTERNAL's errno error (EAFNOSUPPORT) for another family.
 */
export function gethostbyname2(name: string, af: number): hostent {
  return n.gethostbyname2(name, af);
}

/**
 * Looks up a host by address: gethostbyaddr(3), https://man7.org/linux/man-pages/man3/gethostbyname.3.html
 *
 * `struct hostent *gethostbyaddr(const void *addr, socklen_t len, int type);` `addr` is the address's
 * bytes as C passes them (an in_addr's 4, an in6_addr's 16: `inet_pton(AF_INET, '127.0.0.1')`) or its
 * text; `len` defaults to all of them and may not exceed them. Made with gethostbyaddr_r.
 *
 * @throws as {@link gethostbyname}; TypeError (ERR_INVALID_IP_ADDRESS) for text that is not an address of `type`.
 */
export function gethostbyaddr(addr: ArrayBufferView | string, len: number | undefined, type: number): hostent {
  return n.gethostbyaddr(addr, len, type);
}

/**
 * Looks up a service by name: getservbyname(3), https://man7.org/linux/man-pages/man3/getservbyname.3.html
 *
 * `struct servent *getservbyname(const char *name, const char *proto);` /etc/services (NSS). `proto`
 * null or left out matches any protocol. `s_port` is in network byte order, as in C.
 *
 * @returns the servent, or null where C returns NULL (no such service).
 * @throws TypeError (ERR_INVALID_ARG_TYPE) for a name or proto that is not a string; the errno error where the lookup itself fails (not for "not found").
 */
export function getservbyname(name: string, proto?: string | null): servent | null {
  return n.getservbyname(name, proto);
}

/**
 * Looks up a service by port: getservbyport(3), https://man7.org/linux/man-pages/man3/getservbyname.3.html
 *
 * `struct servent *getservbyport(int port, const char *proto);` `port` in network byte order, as C takes
 * it: `getservbyport(htons(80), 'tcp')`.
 *
 * @returns the servent, or null where C returns NULL.
 * @throws RangeError (ERR_OUT_OF_RANGE) for a port outside [0, 65535]; the errno error where the lookup itself fails (not for "not found").
 */
export function getservbyport(port: number, proto?: string | null): servent | null {
  return n.getservbyport(port, proto);
}

/**
 * Looks up a protocol by name: getprotobyname(3), https://man7.org/linux/man-pages/man3/getprotobyname.3.html
 *
 * `struct protoent *getprotobyname(const char *name);` /etc/protocols (NSS).
 *
 * @returns the protoent, or null where C returns NULL.
 * @throws TypeError (ERR_INVALID_ARG_TYPE) for a name that is not a string; the errno error where the lookup itself fails (not for "not found").
 */
export function getprotobyname(name: string): protoent | null {
  return n.getprotobyname(name);
}

/**
 * Looks up a protocol by number: getprotobynumber(3), https://man7.org/linux/man-pages/man3/getprotobyname.3.html
 *
 * `struct protoent *getprotobynumber(int proto);`
 *
 * @returns the protoent, or null where C returns NULL.
 * @throws TypeError (ERR_INVALID_ARG_TYPE) for a proto that is not an int32; the errno error where the lookup itself fails (not for "not found").
 */
export function getprotobynumber(proto: number): protoent | null {
  return n.getprotobynumber(proto);
}
