// traceroute (UNP chapter 28) without a raw socket: UDP probes to unlikely ports with a growing TTL
// (IP_TTL), and IP_RECVERR so the ICMP errors they cause come back on the socket's error queue
// (recvmsg(MSG_ERRQUEUE), ip(7)): each as a struct sock_extended_err whose offender is the router that
// sent it. "Time exceeded" names a hop; "port unreachable" means the destination answered.
// Needs no privilege: the kernel matches the ICMP errors to the socket.
// Usage: node dist/examples/traceroute.js host [maxHops=8] [probes=3]
import {
  asInet, AF_INET, close, getaddrinfo, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, ICMP_TIME_EXCEEDED, IP_RECVERR, IP_TTL,
  IPPROTO_IP, MSG_ERRQUEUE, poll, recvmsg, sendto, setsockopt, SO_EE_ORIGIN_ICMP, SOCK_DGRAM, socket,
} from 'sockfd';

const host = process.argv[2];
if (!host) {
  console.error('usage: traceroute host [maxHops=8] [probes=3]');
  process.exit(2);
}
const maxHops = Number(process.argv[3] ?? 8);
const probes = Number(process.argv[4] ?? 3);
const dest = (asInet(getaddrinfo(host, null, { family: AF_INET, socktype: SOCK_DGRAM })[0]!.addr)).address;
const basePort = 33434; // traceroute(8)'s: a port nobody listens on

const fd = socket(AF_INET, SOCK_DGRAM, 0); // socket(2)
setsockopt(fd, IPPROTO_IP, IP_RECVERR, 1); // setsockopt(2): queue ICMP errors for recvmsg(MSG_ERRQUEUE)
console.log(`traceroute to ${host} (${dest}), ${maxHops} hops max`);

let port = basePort;
for (let ttl = 1; ttl <= maxHops; ttl++) {
  setsockopt(fd, IPPROTO_IP, IP_TTL, ttl);
  let hop = '*';
  let reached = false;
  const times: string[] = [];
  for (let q = 0; q < probes; q++) {
    const sent = process.hrtime.bigint();
    sendto(fd, 'sockfd traceroute probe', undefined, 0, { family: 'AF_INET', address: dest, port: port++ }); // sendto(2)
    // An error on the queue makes the socket report POLLERR, asked for or not.
    if (poll([{ fd, events: 0 }], 1000) === 0) {
      times.push('*');
      continue;
    }
    const msg = recvmsg(fd, { iov: Buffer.alloc(512), controlLength: 512 }, MSG_ERRQUEUE); // recvmsg(2)
    const ms = Number(process.hrtime.bigint() - sent) / 1e6;
    const ee = msg.control.find((c) => c.extendedErr)?.extendedErr; // struct sock_extended_err
    if (!ee || ee.origin !== SO_EE_ORIGIN_ICMP) {
      times.push('?');
      continue;
    }
    if (ee.offender?.family === 'AF_INET') hop = ee.offender.address; // SO_EE_OFFENDER()
    if (ee.type === ICMP_DEST_UNREACH && ee.code === ICMP_PORT_UNREACH) reached = true;
    else if (ee.type !== ICMP_TIME_EXCEEDED) hop += ` !${ee.type}/${ee.code}`;
    times.push(`${ms.toFixed(3)} ms`);
  }
  console.log(`${String(ttl).padStart(2)}  ${hop}  ${times.join('  ')}`);
  if (reached) break;
}
close(fd);
