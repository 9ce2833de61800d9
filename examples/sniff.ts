// A packet sniffer (packet(7), UNP chapter 29's datalink access): an AF_PACKET socket bound to one
// interface, a classic BPF filter attached with SO_ATTACH_FILTER so the kernel passes only IPv4 UDP to
// one port (the program `tcpdump -dd 'ip and udp dst port N'` prints), and each frame's kernel
// timestamp (SO_TIMESTAMPNS), direction and headers, taken apart by hand.
// socket(AF_PACKET, ...) needs CAP_NET_RAW: without it the kernel says EPERM, and this program says so
// and exits with status 2.
// Usage: node dist/examples/sniff.js [interface=lo] [port=9999] [count=4]
import {
  AF_PACKET, bind, BPF_ABS, BPF_B, BPF_H, BPF_IND, BPF_JEQ, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_LDX, BPF_MSH, BPF_RET, close,
  ETH_P_ALL, if_nametoindex, isSyscallError, PACKET_OUTGOING, recvmsg, setsockopt, SO_ATTACH_FILTER,
  SO_TIMESTAMPNS, SOCK_RAW, socket, type SockFilter, SOL_SOCKET,
} from 'sockfd';

const ifname = process.argv[2] ?? 'lo';
const port = Number(process.argv[3] ?? 9999);
const count = Number(process.argv[4] ?? 4);

// <linux/filter.h>'s macros: one instruction, or a conditional jump (jt/jf: how many to skip).
const BPF_STMT = (code: number, k: number): SockFilter => ({ code, k });
const BPF_JUMP = (code: number, k: number, jt: number, jf: number): SockFilter => ({ code, jt, jf, k });
const ETHERTYPE_IP = 0x0800;
const IPPROTO_UDP = 17;
const filter: SockFilter[] = [
  BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12), //            the EtherType
  BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETHERTYPE_IP, 0, 8), // IPv4, else drop
  BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 23), //            the IP protocol
  BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 6), // UDP, else drop
  BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 20), //            flags and fragment offset
  BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 4, 0), //  a later fragment has no UDP header: drop
  BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 14), //           X = the IP header's length
  BPF_STMT(BPF_LD | BPF_H | BPF_IND, 16), //            the UDP destination port
  BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, port, 0, 1),
  BPF_STMT(BPF_RET | BPF_K, 262144), //                 pass the whole frame
  BPF_STMT(BPF_RET | BPF_K, 0), //                      drop it
];

let fd: number;
try {
  fd = socket(AF_PACKET, SOCK_RAW, 0); // socket(2): protocol 0, nothing arrives until bind()
} catch (e) {
  if (isSyscallError(e) && e.code === 'EPERM') {
    console.error(`sniff: ${e.message}: packet sockets need CAP_NET_RAW (run as root)`);
    process.exit(2);
  }
  throw e;
}
setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, filter); // setsockopt(2): struct sock_fprog
setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, 1); // each frame's arrival time, in a control message
bind(fd, { family: 'AF_PACKET', protocol: ETH_P_ALL, ifindex: if_nametoindex(ifname) }); // bind(2): struct sockaddr_ll
console.log(`listening on ${ifname}, udp dst port ${port}`);

const ip = (b: Buffer, at: number) => [...b.subarray(at, at + 4)].join('.');
const frame = Buffer.alloc(65536);
for (let i = 0; i < count; i++) {
  const msg = recvmsg(fd, { iov: frame, controlLength: 64 }); // recvmsg(2)
  const from = msg.addr; // struct sockaddr_ll: where and how the frame went
  const ts = msg.control.find((c) => c.timestamp)?.timestamp;
  const ihl = (frame[14]! & 0x0f) * 4; // after the 14-byte Ethernet header
  const udp = 14 + ihl;
  const payload = frame.subarray(udp + 8, msg.bytes);
  console.log(
    `${ts ? `${ts.sec}.${String(ts.nsec).padStart(9, '0')}` : '-'} ${from?.family === 'AF_PACKET' && from.pkttype === PACKET_OUTGOING ? 'out' : 'in '} ` +
      `${ip(frame, 26)}:${frame.readUInt16BE(udp)} > ${ip(frame, 30)}:${frame.readUInt16BE(udp + 2)} ` +
      `udp ${payload.length} bytes ${JSON.stringify(payload.toString('latin1'))}`,
  );
}
close(fd);
