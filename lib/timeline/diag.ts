// The kernel's own reading of TCP states, for sockfd-timeline's last line: a NETLINK_SOCK_DIAG dump
// (sock_diag(7), what `ss -tan` asks), which also lists the sockets no fd refers to any more: the
// TIME_WAIT of the side that closed first, the orphans still in FIN_WAIT or LAST_ACK.
import {
  AF_INET, AF_INET6, AF_NETLINK, close, IPPROTO_TCP, NETLINK_SOCK_DIAG, NLM_F_DUMP, NLM_F_REQUEST, NLMSG_DONE,
  NLMSG_ERROR, recv, send, SOCK_DGRAM, socket,
} from '../index.js';
import { ntop6 } from '../address.js';

const SOCK_DIAG_BY_FAMILY = 20; // <linux/sock_diag.h>
// tcpi_state and idiag_state: the kernel's TCP_* numbers (include/net/tcp_states.h)
export const tcpStates = ['?', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING', 'NEW_SYN_RECV'];

/** One TCP socket the kernel holds. */
export interface DiagSocket {
  src: string;
  sport: number;
  dst: string;
  dport: number;
  state: string;
}

function address(family: number, b: Buffer, at: number): string {
  return family === AF_INET ? [...b.subarray(at, at + 4)].join('.') : ntop6(b, at);
}

/** Every TCP socket of `family` (AF_INET or AF_INET6) in this network namespace, in any state. */
export function tcpSockets(family: number): DiagSocket[] {
  const fd = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_SOCK_DIAG);
  try {
    // struct nlmsghdr (16 bytes) + struct inet_diag_req_v2 (56): family, protocol, ext, pad, states
    const req = Buffer.alloc(72);
    req.writeUInt32LE(72, 0);
    req.writeUInt16LE(SOCK_DIAG_BY_FAMILY, 4);
    req.writeUInt16LE(NLM_F_REQUEST | NLM_F_DUMP, 6);
    req.writeUInt8(family, 16);
    req.writeUInt8(IPPROTO_TCP, 17);
    req.writeUInt32LE(0xffffffff, 20); // every state
    send(fd, req, req.length, 0);
    const found: DiagSocket[] = [];
    const buf = Buffer.alloc(32768);
    for (;;) {
      const n = recv(fd, buf, buf.length, 0);
      for (let at = 0; at + 16 <= n; ) {
        const len = buf.readUInt32LE(at);
        const type = buf.readUInt16LE(at + 4);
        if (type === NLMSG_DONE || type === NLMSG_ERROR || len < 16) return found;
        // struct inet_diag_msg: family, state, timer, retrans, then struct inet_diag_sockid
        const m = at + 16;
        found.push({
          state: tcpStates[buf[m + 1]!] ?? String(buf[m + 1]),
          sport: buf.readUInt16BE(m + 4), dport: buf.readUInt16BE(m + 6),
          src: address(family, buf, m + 8), dst: address(family, buf, m + 24),
        });
        at += (len + 3) & ~3;
      }
    }
  } finally {
    close(fd);
  }
}

/** Both families' TCP sockets. */
export function allTcpSockets(): DiagSocket[] {
  return [...tcpSockets(AF_INET), ...tcpSockets(AF_INET6)];
}
