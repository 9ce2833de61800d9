// `ip addr` over rtnetlink (rtnetlink(7), the Linux form of the routing sockets of UNP chapter 18): a
// NETLINK_ROUTE socket, one RTM_GETLINK and one RTM_GETADDR dump request, and the kernel's answers
// taken apart by hand: struct nlmsghdr, then struct ifinfomsg / ifaddrmsg, then route attributes
// (struct rtattr: length, type, value, padded to 4 bytes).
// Usage: node dist/examples/ip_link.js [--json]   (--json prints the fields `ip -j addr` prints)
import {
  AF_INET, AF_INET6, AF_NETLINK, AF_UNSPEC, ARPHRD_ETHER, ARPHRD_LOOPBACK, bind, close, IFA_ADDRESS, IFA_LABEL, IFA_LOCAL,
  IFF_BROADCAST, IFF_LOOPBACK, IFF_MULTICAST, IFF_NOARP, IFF_POINTOPOINT, IFF_UP, IFLA_ADDRESS, IFLA_IFNAME, IFLA_MTU,
  IFLA_OPERSTATE, inet_ntop, NETLINK_ROUTE, NLM_F_DUMP, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR, recv, RT_SCOPE_HOST,
  RT_SCOPE_LINK, RT_SCOPE_UNIVERSE, RTM_GETADDR, RTM_GETLINK, RTM_NEWADDR, RTM_NEWLINK, sendto, SOCK_RAW, socket,
} from 'sockfd';

interface Link { ifindex: number; ifname: string; flags: string[]; mtu: number; operstate: string; link_type: string; address: string; addr_info: AddrInfo[] }
interface AddrInfo { family: 'inet' | 'inet6'; local: string; prefixlen: number; scope: string; label?: string }

const align4 = (n: number) => (n + 3) & ~3; // NLMSG_ALIGN, RTA_ALIGN

// A dump request: struct nlmsghdr, then the family's header (ifinfomsg 16 bytes, ifaddrmsg 8), zeroed
// but for its family byte: AF_UNSPEC asks for every family.
function request(type: number, headerSize: number, seq: number): Buffer {
  const msg = Buffer.alloc(16 + headerSize);
  msg.writeUInt32LE(msg.length, 0); // nlmsg_len
  msg.writeUInt16LE(type, 4); // nlmsg_type
  msg.writeUInt16LE(NLM_F_REQUEST | NLM_F_DUMP, 6); // nlmsg_flags
  msg.writeUInt32LE(seq, 8); // nlmsg_seq
  msg.writeUInt8(AF_UNSPEC, 16); // ifi_family / ifa_family
  return msg;
}

// Sends one dump request and calls `each` with (type, header and attributes) of every answer.
function dump(fd: number, type: number, headerSize: number, seq: number, each: (type: number, body: Buffer) => void): void {
  sendto(fd, request(type, headerSize, seq), undefined, 0, { family: 'AF_NETLINK', pid: 0 }); // to the kernel
  const buf = Buffer.alloc(32 * 1024);
  for (;;) {
    const n = recv(fd, buf); // one datagram holds several messages
    for (let off = 0; off + 16 <= n; ) {
      const len = buf.readUInt32LE(off); // nlmsghdr.nlmsg_len
      const msgType = buf.readUInt16LE(off + 4);
      if (msgType === NLMSG_DONE) return;
      if (msgType === NLMSG_ERROR) throw new Error(`netlink error ${-buf.readInt32LE(off + 16)}`);
      each(msgType, buf.subarray(off + 16, off + len));
      off += align4(len);
    }
  }
}

// struct rtattr { unsigned short rta_len, rta_type; } then the value: a map type -> value bytes.
function attributes(bytes: Buffer): Map<number, Buffer> {
  const attrs = new Map<number, Buffer>();
  for (let off = 0; off + 4 <= bytes.length; ) {
    const len = bytes.readUInt16LE(off);
    if (len < 4) break;
    attrs.set(bytes.readUInt16LE(off + 2), bytes.subarray(off + 4, off + len));
    off += align4(len);
  }
  return attrs;
}

const cString = (b: Buffer | undefined) => (b ? b.toString('latin1', 0, b.indexOf(0) < 0 ? b.length : b.indexOf(0)) : '');
const mac = (b: Buffer | undefined) => (b ? [...b].map((x) => x.toString(16).padStart(2, '0')).join(':') : '');
const operstates = ['UNKNOWN', 'NOTPRESENT', 'DOWN', 'LOWERLAYERDOWN', 'TESTING', 'DORMANT', 'UP']; // IF_OPER_*
const flagNames: [number, string][] = [[IFF_LOOPBACK, 'LOOPBACK'], [IFF_BROADCAST, 'BROADCAST'], [IFF_POINTOPOINT, 'POINTOPOINT'], [IFF_NOARP, 'NOARP'], [IFF_MULTICAST, 'MULTICAST'], [IFF_UP, 'UP'], [1 << 16, 'LOWER_UP']];
const scopes = new Map([[RT_SCOPE_UNIVERSE, 'global'], [RT_SCOPE_LINK, 'link'], [RT_SCOPE_HOST, 'host']]);

const fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE); // socket(2)
bind(fd, { family: 'AF_NETLINK', pid: 0, groups: 0 }); // bind(2): pid 0, the kernel assigns one
const links = new Map<number, Link>();

dump(fd, RTM_GETLINK, 16, 1, (type, body) => {
  if (type !== RTM_NEWLINK) return;
  // struct ifinfomsg { u8 ifi_family, pad; u16 ifi_type; int ifi_index; unsigned ifi_flags, ifi_change; }
  const ifindex = body.readInt32LE(4);
  const hatype = body.readUInt16LE(2);
  const flags = body.readUInt32LE(8);
  const attrs = attributes(body.subarray(16));
  links.set(ifindex, {
    ifindex,
    ifname: cString(attrs.get(IFLA_IFNAME)),
    flags: flagNames.filter(([bit]) => flags & bit).map(([, name]) => name),
    mtu: attrs.get(IFLA_MTU)?.readUInt32LE(0) ?? 0,
    operstate: operstates[attrs.get(IFLA_OPERSTATE)?.[0] ?? 0] ?? 'UNKNOWN',
    link_type: hatype === ARPHRD_LOOPBACK ? 'loopback' : hatype === ARPHRD_ETHER ? 'ether' : `${hatype}`,
    address: mac(attrs.get(IFLA_ADDRESS)),
    addr_info: [],
  });
});

dump(fd, RTM_GETADDR, 8, 2, (type, body) => {
  if (type !== RTM_NEWADDR) return;
  // struct ifaddrmsg { u8 ifa_family, ifa_prefixlen, ifa_flags, ifa_scope; u32 ifa_index; }
  const family = body[0]!;
  const attrs = attributes(body.subarray(8));
  const local = attrs.get(IFA_LOCAL) ?? attrs.get(IFA_ADDRESS); // IPv6 has only IFA_ADDRESS
  if (!local || (family !== AF_INET && family !== AF_INET6)) return;
  const label = attrs.get(IFA_LABEL);
  links.get(body.readUInt32LE(4))?.addr_info.push({
    family: family === AF_INET ? 'inet' : 'inet6',
    local: inet_ntop(family, local), // inet_ntop(3)
    prefixlen: body[1]!,
    scope: scopes.get(body[3]!) ?? `${body[3]}`,
    ...(label ? { label: cString(label) } : {}),
  });
});
close(fd);

if (process.argv.includes('--json')) {
  console.log(JSON.stringify([...links.values()]));
} else {
  for (const l of links.values()) {
    console.log(`${l.ifindex}: ${l.ifname}: <${l.flags.join(',')}> mtu ${l.mtu} state ${l.operstate}`);
    console.log(`    link/${l.link_type} ${l.address}`);
    for (const a of l.addr_info) console.log(`    ${a.family} ${a.local}/${a.prefixlen} scope ${a.scope}${a.label ? ` ${a.label}` : ''}`);
  }
}
