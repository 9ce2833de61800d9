// Network interfaces, one to one: if_nametoindex(3), if_indextoname(3), if_nameindex(3), getifaddrs(3).
// The IFF_* flags and IF_NAMESIZE are in constants.ts.
import type { Address } from './address.js';
import { native } from './binding.js';

const n = native;

/** One entry of if_nameindex(): struct if_nameindex. */
export interface if_nameindex {
  if_index: number;
  if_name: string;
}

/**
 * One entry of getifaddrs(): struct ifaddrs. The addresses are the objects getsockname() returns (an
 * AF_PACKET one, which each interface has, in raw form), null where C has NULL. C's
 * `ifa_ifu` union is split by the flag that says which it is: `ifa_broadaddr` with IFF_BROADCAST,
 * `ifa_dstaddr` with IFF_POINTOPOINT.
 */
export interface ifaddrs {
  ifa_name: string;
  /** IFF_UP, IFF_LOOPBACK, IFF_RUNNING, ... */
  ifa_flags: number;
  ifa_addr: Address | null;
  ifa_netmask: Address | null;
  ifa_broadaddr: Address | null;
  ifa_dstaddr: Address | null;
}

/**
 * An interface's index from its name: if_nametoindex(3), https://man7.org/linux/man-pages/man3/if_nametoindex.3.html
 *
 * `unsigned int if_nametoindex(const char *ifname);` The index goes to `scopeId` of an IPv6 link-local
 * address, IP_MULTICAST_IF's struct ip_mreqn, or AF_PACKET's sll_ifindex.
 *
 * @returns the index (never 0: where C returns 0, this throws).
 * @throws ENODEV (no such interface).
 */
export function if_nametoindex(ifname: string): number {
  return n.if_nametoindex(ifname);
}

/**
 * An interface's name from its index: if_indextoname(3), https://man7.org/linux/man-pages/man3/if_indextoname.3.html
 *
 * `char *if_indextoname(unsigned int ifindex, char *ifname);`
 *
 * @throws ENXIO (no such index).
 */
export function if_indextoname(ifindex: number): string {
  return n.if_indextoname(ifindex);
}

/**
 * Every interface's index and name: if_nameindex(3), https://man7.org/linux/man-pages/man3/if_nameindex.3.html
 *
 * `struct if_nameindex *if_nameindex(void);` (freed with if_freenameindex before this returns).
 *
 * @throws ENOBUFS.
 */
export function if_nameindex(): if_nameindex[] {
  return n.if_nameindex();
}

/**
 * Every address of every interface: getifaddrs(3), https://man7.org/linux/man-pages/man3/getifaddrs.3.html
 *
 * `int getifaddrs(struct ifaddrs **ifap);` One entry per interface and address (an interface with an
 * IPv4 and an IPv6 address has three: AF_PACKET, AF_INET, AF_INET6), freed with freeifaddrs before this
 * returns.
 *
 * @throws ENOMEM, and the errors of socket(2) and recvmsg(2) on the netlink socket libc opens.
 */
export function getifaddrs(): ifaddrs[] {
  return n.getifaddrs();
}
