// IP multicast (ip(7)): one sender and two receivers of group 239.1.2.3 on one interface. The first
// receiver joins with IP_ADD_MEMBERSHIP and a struct ip_mreqn (the interface by index), the second with
// the protocol-independent MCAST_JOIN_GROUP and a struct group_req (RFC 3678). Both get every datagram;
// after they leave (IP_DROP_MEMBERSHIP, MCAST_LEAVE_GROUP) they get none.
// Usage: node dist/examples/multicast.js [interface=lo] [group=239.1.2.3] [port=5007]
import {
  AF_INET, bind, close, EAGAIN, if_nametoindex, IP_ADD_MEMBERSHIP, IP_DROP_MEMBERSHIP, IP_MULTICAST_IF, IP_MULTICAST_LOOP,
  IP_MULTICAST_TTL, IPPROTO_IP, isSyscallError, MCAST_JOIN_GROUP, MCAST_LEAVE_GROUP, recvfrom, sendto, setsockopt, SO_RCVTIMEO,
  SO_REUSEADDR, SOCK_DGRAM, socket, SOL_SOCKET,
} from 'sockfd';

const ifname = process.argv[2] ?? 'lo';
const group = process.argv[3] ?? '239.1.2.3';
const port = Number(process.argv[4] ?? 5007);
const ifindex = if_nametoindex(ifname); // if_nametoindex(3)
const groupAddr = { family: 'AF_INET', address: group, port } as const;

// A receiver binds the group's port (and address, so that only the group's datagrams arrive).
function receiver(): number {
  const fd = socket(AF_INET, SOCK_DGRAM, 0);
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, 1); // both receivers bind the same port
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, { sec: 0, usec: 200_000 }); // a datagram that never comes: EAGAIN
  bind(fd, groupAddr);
  return fd;
}

function receive(name: string, fd: number): void {
  const buf = Buffer.alloc(1500);
  try {
    const { bytes, addr } = recvfrom(fd, buf); // recvfrom(2)
    const from = addr?.family === 'AF_INET' ? `${addr.address}:${addr.port}` : '?';
    console.log(`  ${name} got "${buf.toString('utf8', 0, bytes)}" from ${from}`);
  } catch (e) {
    if (!isSyscallError(e) || e.errno !== EAGAIN) throw e;
    console.log(`  ${name} got nothing (EAGAIN after 200 ms)`);
  }
}

const a = receiver();
setsockopt(a, IPPROTO_IP, IP_ADD_MEMBERSHIP, { multiaddr: group, ifindex }); // struct ip_mreqn
const b = receiver();
setsockopt(b, IPPROTO_IP, MCAST_JOIN_GROUP, { interface: ifindex, group: { family: 'AF_INET', address: group } }); // struct group_req

const sender = socket(AF_INET, SOCK_DGRAM, 0);
setsockopt(sender, IPPROTO_IP, IP_MULTICAST_IF, { ifindex }); // send out of this interface (struct ip_mreqn)
setsockopt(sender, IPPROTO_IP, IP_MULTICAST_TTL, 1); // stay on the link
setsockopt(sender, IPPROTO_IP, IP_MULTICAST_LOOP, 1); // and deliver to this host's members too

console.log(`group ${group}:${port} on ${ifname} (index ${ifindex}), both receivers joined`);
for (let i = 1; i <= 2; i++) {
  sendto(sender, `datagram ${i}`, undefined, 0, groupAddr); // sendto(2) to the group
  receive('ip_mreqn receiver        ', a);
  receive('MCAST_JOIN_GROUP receiver', b);
}

setsockopt(a, IPPROTO_IP, IP_DROP_MEMBERSHIP, { multiaddr: group, ifindex });
setsockopt(b, IPPROTO_IP, MCAST_LEAVE_GROUP, { interface: ifindex, group: { family: 'AF_INET', address: group } });
console.log('both receivers left');
sendto(sender, 'datagram 3', undefined, 0, groupAddr);
receive('ip_mreqn receiver        ', a);
receive('MCAST_JOIN_GROUP receiver', b);
for (const fd of [a, b, sender]) close(fd);
