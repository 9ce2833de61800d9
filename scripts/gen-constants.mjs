// Writes lib/constants.ts: one named export per constant and errno name the compiled addon has
// (native/constants_list.inc, native/errno_list.inc). Run after adding a name there; a test checks
// the file matches the addon. Values are read from the addon at run time, never copied here.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const addon = createRequire(import.meta.url)(process.env.SOCKFD_ADDON ?? '../build/Release/sockfd.node');
// The kind each constant has (lib/kinds.ts): what sockfd's signatures check arguments against.
const tcpStates = new Set(['TCP_ESTABLISHED', 'TCP_SYN_SENT', 'TCP_SYN_RECV', 'TCP_FIN_WAIT1', 'TCP_FIN_WAIT2', 'TCP_TIME_WAIT', 'TCP_CLOSE', 'TCP_CLOSE_WAIT', 'TCP_LAST_ACK', 'TCP_LISTEN', 'TCP_CLOSING']);
const shapes = {
  linger: ['SO_LINGER'],
  timeval: ['SO_RCVTIMEO', 'SO_SNDTIMEO', 'SO_RCVTIMEO_OLD', 'SO_SNDTIMEO_OLD', 'SO_RCVTIMEO_NEW', 'SO_SNDTIMEO_NEW'],
  ucred: ['SO_PEERCRED'],
  tcp_info: ['TCP_INFO'],
  filter: ['SO_ATTACH_FILTER', 'SO_GET_FILTER', 'SO_ATTACH_REUSEPORT_CBPF'],
  string: ['SO_BINDTODEVICE', 'TCP_CONGESTION', 'TCP_ULP', 'SO_PEERSEC'],
  struct: ['IP_ADD_MEMBERSHIP', 'IP_DROP_MEMBERSHIP', 'IP_MULTICAST_IF', 'IP_ADD_SOURCE_MEMBERSHIP', 'IP_DROP_SOURCE_MEMBERSHIP', 'IP_BLOCK_SOURCE', 'IP_UNBLOCK_SOURCE', 'IPV6_ADD_MEMBERSHIP', 'IPV6_DROP_MEMBERSHIP', 'IPV6_JOIN_GROUP', 'IPV6_LEAVE_GROUP', 'MCAST_JOIN_GROUP', 'MCAST_LEAVE_GROUP', 'MCAST_JOIN_SOURCE_GROUP', 'MCAST_LEAVE_SOURCE_GROUP', 'MCAST_BLOCK_SOURCE', 'MCAST_UNBLOCK_SOURCE', 'PACKET_ADD_MEMBERSHIP', 'PACKET_DROP_MEMBERSHIP', 'TCP_MD5SIG', 'TCP_MD5SIG_EXT'],
  bytes: ['SO_COOKIE', 'SO_PEERGROUPS', 'SO_MEMINFO', 'IP_OPTIONS', 'IP_PKTOPTIONS', 'TCP_CC_INFO', 'TCP_REPAIR_WINDOW'],
};
const shapeOf = new Map(Object.entries(shapes).flatMap(([shape, names]) => names.map((n) => [n, shape])));
const notOptions = /^(SO_EE_|IP_PMTUDISC_|IPV6_PMTUDISC_|IP_DEFAULT_|IP_MAX_|PACKET_(HOST|BROADCAST|MULTICAST|OTHERHOST|OUTGOING|LOOPBACK|USER|KERNEL|FASTROUTE|MR_|FANOUT_))/;
function kindOf(name) {
  if (/^(AF|PF)_/.test(name)) return 'Domain';
  if (/^SOCK_/.test(name)) return 'SocketType';
  if (/^(SOL|IPPROTO)_/.test(name)) return 'Level';
  if (/^MSG_/.test(name)) return 'MsgFlags';
  if (/^SHUT_/.test(name)) return 'ShutdownHow';
  if (/^(SO|TCP|IP|IPV6|UDP|MCAST|PACKET)_/.test(name) && !notOptions.test(name) && !tcpStates.has(name))
    return `OptionName<'${shapeOf.get(name) ?? 'int'}'>`;
  return 'number';
}

// Every constant's TSDoc: what it is for and the man page that defines it; the common ones say more.
const man = (page, section) => `${page}(${section}), https://man7.org/linux/man-pages/man${section}/${page}.${section}.html`;
const families = [
  [/^(AF|PF)_/, 'an address family, socket(2)\'s domain', man('address_families', 7)],
  [/^SOCK_/, 'a socket type (or SOCK_NONBLOCK / SOCK_CLOEXEC, or\'ed in)', man('socket', 2)],
  [/^SOL_/, 'an option level for setsockopt/getsockopt', man('socket', 7)],
  [/^IPPROTO_/, 'an IP protocol number: socket(2)\'s protocol, or a setsockopt level', man('ip', 7)],
  [/^SO_EE_/, 'a sock_extended_err field value (the error queue)', man('ip', 7)],
  [/^(SO|SCM)_/, 'a socket-level option or control message (SOL_SOCKET)', man('socket', 7)],
  [/^(TCP|TCPI|TCPOPT|TCPOLEN)_/, 'TCP: an option (IPPROTO_TCP), a TCP_INFO field value or a state', man('tcp', 7)],
  [/^UDP_/, 'a UDP option (IPPROTO_UDP)', man('udp', 7)],
  [/^IPV6_/, 'an IPv6 option (IPPROTO_IPV6) or control message', man('ipv6', 7)],
  [/^(IP|INADDR|MCAST)_/, 'IPv4: an option (IPPROTO_IP), control message or address', man('ip', 7)],
  [/^MSG_/, 'a flag of send/recv and the message calls', man('recv', 2)],
  [/^SHUT_/, 'shutdown(2)\'s how', man('shutdown', 2)],
  [/^(AI|NI|EAI)_/, 'getaddrinfo/getnameinfo: a flag or an error code', man('getaddrinfo', 3)],
  [/^EPOLL_/, 'an epoll_ctl operation or epoll_create1 flag', man('epoll_ctl', 2)],
  [/^E?POLL/, 'a poll/epoll event', man('poll', 2)],
  [/^(F|O|FD)_/, 'fcntl(2): a command or a flag', man('fcntl', 2)],
  [/^(FIO|SIOC)/, 'an ioctl request', man('ioctl', 2)],
  [/^(IFF|IF)_/, 'an interface flag or size', man('netdevice', 7)],
  [/^IFNAMSIZ$/, "an interface name's size, its NUL included (the limit of SO_BINDTODEVICE's name and struct ifreq's)", man('netdevice', 7)],
  [/^(NETLINK|NLM|NLMSG)_/, 'netlink: a protocol, message flag or type', man('netlink', 7)],
  [/^(RTM|RTMGRP|IFLA|IFA|RTA|RTN|RT|RTPROT)_/, 'rtnetlink: a message type, group or attribute', man('rtnetlink', 7)],
  [/^(ETH_P|ARPHRD|PACKET)_/, 'packet sockets: a protocol, hardware type, packet type or option', man('packet', 7)],
  [/^(SOF_TIMESTAMPING|SCM_TSTAMP)_/, 'a timestamping flag (SO_TIMESTAMPING)', man('socket', 7)],
  [/^(BPF|SKF)_/, 'classic BPF: an instruction class, mode or offset (SO_ATTACH_FILTER)', man('socket', 7)],
  [/^ICMP_/, 'an ICMP message type or code', man('icmp', 7)],
  [/^VMADDR_/, 'a vsock context id or port', man('vsock', 7)],
];
const common = {
  AF_INET: 'IPv4', AF_INET6: 'IPv6', AF_UNIX: 'local (Unix domain) sockets, at a path or an abstract name', AF_UNSPEC: 'any family (getaddrinfo hints; connect() to dissolve a UDP association)',
  SOCK_STREAM: 'a connected byte stream (TCP for AF_INET)', SOCK_DGRAM: 'datagrams (UDP for AF_INET)', SOCK_RAW: 'raw IP packets (needs CAP_NET_RAW)', SOCK_SEQPACKET: 'a connected stream of records',
  SOCK_NONBLOCK: 'or\'ed into the type: the socket starts non-blocking', SOCK_CLOEXEC: 'or\'ed into the type: close-on-exec (sockfd always adds it)',
  SOL_SOCKET: 'the socket-level options (SO_*)', IPPROTO_TCP: 'TCP', IPPROTO_UDP: 'UDP',
  SO_REUSEADDR: 'bind to an address still in TIME_WAIT (servers set it before bind)', SO_REUSEPORT: 'several sockets bind one port; the kernel spreads connections',
  SO_KEEPALIVE: 'send keepalive probes on an idle connection', SO_LINGER: 'what close() does with unsent data: { onoff, linger }', SO_RCVBUF: 'the receive buffer\'s size', SO_SNDBUF: 'the send buffer\'s size',
  SO_RCVTIMEO: 'a blocking receive gives up after { sec, usec } (EAGAIN)', SO_SNDTIMEO: 'a blocking send gives up after { sec, usec }', SO_ERROR: 'read (and clear) the pending error: a non-blocking connect\'s outcome', SO_TYPE: 'the socket type',
  TCP_NODELAY: 'send small segments at once (no Nagle)', TCP_INFO: 'the connection\'s struct tcp_info: state, RTT, cwnd...',
  MSG_PEEK: 'look at the data without taking it', MSG_DONTWAIT: 'this call does not block: EAGAIN instead', MSG_WAITALL: 'block until the whole buffer is filled', MSG_NOSIGNAL: 'no SIGPIPE on a closed peer (EPIPE only)',
  SHUT_RD: 'no more receives', SHUT_WR: 'no more sends: the peer reads end of stream (TCP sends FIN)', SHUT_RDWR: 'neither',
  INADDR_ANY: 'the wildcard address 0.0.0.0 (as a host-order number: htonl(INADDR_ANY))', INADDR_LOOPBACK: '127.0.0.1, host order', SOMAXCONN: 'the largest listen() backlog', AI_PASSIVE: 'getaddrinfo: addresses to bind(), the wildcard when node is null',
};
function docOf(name) {
  const [, what, page] = families.find(([re]) => re.test(name)) ?? [null, 'a constant of the platform\'s headers', man('socket', 7)];
  return `/** ${name}: ${common[name] ? `${common[name]}; ` : ''}${what}. ${page} */`;
}

const lines = [
  '// Generated by scripts/gen-constants.mjs from the compiled addon: do not edit.',
  "import { native } from './binding.js';",
  "import type { Domain, Errno, Level, MsgFlags, OptionName, ShutdownHow, SocketType } from './kinds.js';",
  '',
  'const c = native.constants;',
  'const e = native.errno;',
  '',
  '// Sockets: AF_*, PF_*, SOCK_*, SOL_*, SO_*, SCM_*, IPPROTO_*, IP_*, IPV6_*, TCP_* (with the TCP states), UDP_*, MSG_*, SHUT_*, INADDR_*, AI_*, NI_*, EAI_*; POLL*, EPOLL*; the fd calls: F_*, O_*, FD_CLOEXEC, FIONREAD, FIONBIO, SIOC*; Linux families: NETLINK_*, NLM_F_*, NLMSG_*, RTM_*, RTMGRP_*, IFLA_*, IFA_*, RTA_*, RTN_*, RT_*, ETH_P_*, ARPHRD_*, PACKET_*, MCAST_*, SO_EE_*, SOF_TIMESTAMPING_*, BPF_*, SKF_*, ALG_*, VMADDR_*, ICMP_*',
  ...Object.keys(addon.constants).map((k) => `${docOf(k)}\nexport const ${k}: ${kindOf(k)} = c.${k};`),
  '',
  '// errno names: err.errno === ECONNREFUSED',
  ...Object.keys(addon.errno).map((k) => `/** ${k}: an errno value (errno(3), https://man7.org/linux/man-pages/man3/errno.3.html): \`err.errno === ${k}\`. */\nexport const ${k}: Errno = e.${k};`),
  '',
];
writeFileSync(new URL('../lib/constants.ts', import.meta.url), lines.join('\n'));
