// The struct-valued socket options as objects, with C's field names less their prefix
// (imr_multiaddr -> multiaddr, tcpi_rtt -> rtt). setsockopt() takes them, getsockopt() returns the
// readable ones; native/sockopt*.cc and native/bpf.cc lay them out.
import type { AddressInput } from './address.js';
import type { Linger, Timeval, Ucred } from './binding.js';
import type { OptionShape } from './kinds.js';

/** struct ip_mreq: IP_ADD_MEMBERSHIP / IP_DROP_MEMBERSHIP / IP_MULTICAST_IF, ip(7). Addresses as text; missing is INADDR_ANY. */
export interface IpMreq {
  multiaddr?: string;
  interface?: string;
}
/** struct ip_mreqn: as ip_mreq, choosing the interface by index (or local address). */
export interface IpMreqn {
  multiaddr?: string;
  address?: string;
  ifindex?: number;
}
/** struct ip_mreq_source: IP_ADD_SOURCE_MEMBERSHIP, IP_DROP_SOURCE_MEMBERSHIP, IP_BLOCK_SOURCE, IP_UNBLOCK_SOURCE. */
export interface IpMreqSource {
  multiaddr?: string;
  interface?: string;
  sourceaddr?: string;
}
/** struct ipv6_mreq: IPV6_ADD_MEMBERSHIP / IPV6_DROP_MEMBERSHIP, ipv6(7); `interface` is an index. */
export interface Ipv6Mreq {
  multiaddr?: string;
  interface?: number;
}
/** struct group_req: MCAST_JOIN_GROUP / MCAST_LEAVE_GROUP (RFC 3678), IPv4 or IPv6. */
export interface GroupReq {
  interface?: number;
  group: AddressInput;
}
/** struct group_source_req: MCAST_JOIN_SOURCE_GROUP, MCAST_LEAVE_SOURCE_GROUP, MCAST_BLOCK_SOURCE, MCAST_UNBLOCK_SOURCE. */
export interface GroupSourceReq {
  interface?: number;
  group: AddressInput;
  source: AddressInput;
}
/** struct packet_mreq: PACKET_ADD_MEMBERSHIP / PACKET_DROP_MEMBERSHIP, packet(7); `type` is PACKET_MR_*. */
export interface PacketMreq {
  ifindex?: number;
  type?: number;
  /** The hardware address as text ('01:00:5e:00:00:01') or bytes: mr_alen is its length. */
  address?: string | Uint8Array;
}
/** struct tcp_md5sig: TCP_MD5SIG / TCP_MD5SIG_EXT (RFC 2385); the key's length is tcpm_keylen. */
export interface TcpMd5sig {
  addr: AddressInput;
  flags?: number;
  prefixlen?: number;
  ifindex?: number;
  key?: string | ArrayBufferView;
}
/**
 * struct sock_filter, one classic BPF instruction: SO_ATTACH_FILTER / SO_ATTACH_REUSEPORT_CBPF take an
 * array of them (at most BPF_MAXINSNS), SO_GET_FILTER (= SO_ATTACH_FILTER) reads it back. C's
 * `BPF_STMT(BPF_RET | BPF_K, 0xffff)` is `{ code: BPF_RET | BPF_K, k: 0xffff }`.
 */
export interface SockFilter {
  code: number;
  jt?: number;
  jf?: number;
  k?: number;
}
/**
 * struct tcp_info (TCP_INFO, tcp(7); linux/tcp.h), as much of it as the running kernel fills. `state`
 * is the state's name; the times are microseconds (rtt, rttvar, rto...) or milliseconds (last_*); the
 * u64 counters are numbers, exact to 2^53 (max_pacing_rate's "unlimited" reads as 2^64).
 */
export interface TcpInfo {
  state: 'TCP_ESTABLISHED' | 'TCP_SYN_SENT' | 'TCP_SYN_RECV' | 'TCP_FIN_WAIT1' | 'TCP_FIN_WAIT2' | 'TCP_TIME_WAIT' | 'TCP_CLOSE' | 'TCP_CLOSE_WAIT' | 'TCP_LAST_ACK' | 'TCP_LISTEN' | 'TCP_CLOSING' | 'TCP_NEW_SYN_RECV' | 'TCP_BOUND_INACTIVE' | number;
  ca_state: number;
  retransmits: number;
  probes: number;
  backoff: number;
  options: number;
  snd_wscale: number;
  rcv_wscale: number;
  delivery_rate_app_limited: number;
  fastopen_client_fail: number;
  rto: number;
  ato: number;
  snd_mss: number;
  rcv_mss: number;
  unacked: number;
  sacked: number;
  lost: number;
  retrans: number;
  fackets: number;
  last_data_sent: number;
  last_ack_sent: number;
  last_data_recv: number;
  last_ack_recv: number;
  pmtu: number;
  rcv_ssthresh: number;
  rtt: number;
  rttvar: number;
  snd_ssthresh: number;
  snd_cwnd: number;
  advmss: number;
  reordering: number;
  rcv_rtt: number;
  rcv_space: number;
  total_retrans: number;
  pacing_rate?: number;
  max_pacing_rate?: number;
  bytes_acked?: number;
  bytes_received?: number;
  segs_out?: number;
  segs_in?: number;
  notsent_bytes?: number;
  min_rtt?: number;
  data_segs_in?: number;
  data_segs_out?: number;
  delivery_rate?: number;
  busy_time?: number;
  rwnd_limited?: number;
  sndbuf_limited?: number;
  delivered?: number;
  delivered_ce?: number;
  bytes_sent?: number;
  bytes_retrans?: number;
  dsack_dups?: number;
  reord_seen?: number;
  rcv_ooopack?: number;
  snd_wnd?: number;
}

/** The struct values setsockopt() lays out, by option. */
export type StructOptionValue = IpMreq | IpMreqn | IpMreqSource | Ipv6Mreq | GroupReq | GroupSourceReq | PacketMreq | TcpMd5sig | SockFilter[];

/**
 * What setsockopt() takes for an option of each shape (bytes are always accepted too): the compiler
 * picks the row from the option constant's type, so `setsockopt(fd, SOL_SOCKET, SO_LINGER, 1)` does
 * not compile; an option given as a plain number takes any of them.
 */
export interface OptionValues {
  int: number | boolean;
  linger: Linger;
  timeval: Timeval;
  ucred: never;
  tcp_info: never;
  filter: SockFilter[];
  string: string;
  struct: StructOptionValue;
  bytes: never;
}

/**
 * What getsockopt() returns, without a length, for an option of each shape: `getsockopt(fd,
 * SOL_SOCKET, SO_ERROR)` is a number, `getsockopt(fd, IPPROTO_TCP, TCP_INFO)` a TcpInfo. The 'bytes'
 * and set-only 'struct' options have no row: they are read with a length only, and without one the
 * call does not compile.
 */
export interface OptionResults {
  int: number;
  linger: Linger;
  timeval: Timeval;
  ucred: Ucred;
  tcp_info: TcpInfo;
  filter: SockFilter[];
  string: string;
}
/** The shapes getsockopt() decodes without a length. */
export type ReadableShape = keyof OptionResults & OptionShape;
