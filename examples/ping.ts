// ping over a raw socket: ICMP echo requests built by hand, checksum included (RFC 792, RFC 1071).
// Usage: node dist/examples/ping.js [host=127.0.0.1] [count=3]
//
// socket(AF_INET, SOCK_RAW, IPPROTO_ICMP) needs CAP_NET_RAW (root, or `setcap cap_net_raw+ep`); without
// it the kernel says EPERM, and this program says so and exits with status 2.
import {
  asInet, AF_INET,
  close,
  getaddrinfo,
  IPPROTO_ICMP,
  isSyscallError,
  recvfrom,
  sendto,
  SO_RCVTIMEO,
  SOCK_RAW,
  socket,
  SOL_SOCKET,
  setsockopt,
} from 'sockfd';

const ICMP_ECHOREPLY = 0;
const ICMP_ECHO = 8;

// The Internet checksum: the ones' complement of the ones' complement sum of 16-bit words.
function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i]! << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

// struct icmphdr { u8 type, code; u16 checksum; u16 id, sequence; } then the payload.
function echoRequest(id: number, seq: number, payload: Uint8Array): Buffer {
  const packet = Buffer.alloc(8 + payload.length);
  packet.writeUInt8(ICMP_ECHO, 0);
  packet.writeUInt8(0, 1); // code
  packet.writeUInt16BE(id, 4);
  packet.writeUInt16BE(seq, 6);
  packet.set(payload, 8);
  packet.writeUInt16BE(checksum(packet), 2); // computed with the checksum field zero
  return packet;
}

const host = process.argv[2] ?? '127.0.0.1';
const count = Number(process.argv[3] ?? 3);
const target = asInet(getaddrinfo(host, null, { family: AF_INET })[0]!.addr);

let fd: number;
try {
  fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP); // socket(2)
} catch (e) {
  if (isSyscallError(e) && e.code === 'EPERM') {
    console.error(`ping: ${e.message}: raw sockets need CAP_NET_RAW (run as root)`);
    process.exit(2);
  }
  throw e;
}
setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, { sec: 2, usec: 0 }); // a lost reply ends recvfrom with EAGAIN

const id = process.pid & 0xffff;
const payload = Buffer.from('sockfd ping payload, 56 bytes long like ping(8) sends.!!');
console.log(`PING ${host} (${target.address}) ${payload.length}(${payload.length + 28}) bytes of data.`);
const buf = Buffer.alloc(1500);
let received = 0;
for (let seq = 1; seq <= count; seq++) {
  const start = process.hrtime.bigint();
  sendto(fd, echoRequest(id, seq, payload), undefined, 0, { family: 'AF_INET', address: target.address, port: 0 }); // sendto(2)
  for (;;) {
    // A raw ICMP socket gets every ICMP packet the host receives: on loopback that includes our own
    // request, and other programs' pings. Read until our reply (type 0, our id and sequence).
    let r;
    try {
      r = recvfrom(fd, buf); // recvfrom(2): the IPv4 header comes first
    } catch (e) {
      if (isSyscallError(e) && e.code === 'EAGAIN') {
        console.log(`Request timeout for icmp_seq ${seq}`);
        break;
      }
      throw e;
    }
    const ihl = (buf[0]! & 0x0f) * 4;
    const icmp = buf.subarray(ihl, r.bytes);
    if (icmp[0] !== ICMP_ECHOREPLY || icmp.readUInt16BE(4) !== id || icmp.readUInt16BE(6) !== seq) continue;
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const ok = checksum(icmp) === 0 ? '' : ' (BAD CHECKSUM)';
    console.log(`${icmp.length} bytes from ${asInet(r.addr).address}: icmp_seq=${seq} ttl=${buf[8]} time=${ms.toFixed(3)} ms${ok}`);
    received++;
    break;
  }
}
console.log(`${count} packets transmitted, ${received} received`);
close(fd); // close(2)
process.exitCode = received === count ? 0 : 1;
