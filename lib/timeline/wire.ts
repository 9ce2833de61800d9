// The wire side of sockfd-timeline: TCP segments on the loopback interface, captured with an AF_PACKET
// socket (packet(7)) as they arrive, each stamped by the kernel (SO_TIMESTAMPNS: CLOCK_REALTIME, taken
// when lo hands the segment to the receive path, netif_rx), and their headers taken apart.
//
// Loopback shows every segment twice, once leaving (PACKET_OUTGOING) and once arriving; the BPF program
// keeps the arrival, whose stamp is the realtime clock (a leaving TCP segment may carry TCP's own
// monotonic departure time instead). It also keeps only TCP over IPv4 and IPv6, and only the headers.
import {
  AF_PACKET, bind, BPF_ABS, BPF_B, BPF_JEQ, BPF_JMP, BPF_K, BPF_LD, BPF_RET, BPF_W, close, ETH_P_ALL, ETH_P_IP,
  ETH_P_IPV6, if_nametoindex, isSyscallError, MSG_DONTWAIT, PACKET_OUTGOING, recvmsg, setsockopt, SKF_AD_OFF,
  SKF_AD_PKTTYPE, SKF_AD_PROTOCOL, SO_ATTACH_FILTER, SO_RCVBUFFORCE, SO_TIMESTAMPNS, SOCK_DGRAM, socket,
  type SockFilter, SOL_SOCKET,
} from '../index.js';
import { ntop6 } from '../address.js';
import * as promises from '../promises.js';

/** One TCP segment as it arrived on lo. */
export interface Segment {
  /** Kernel arrival time, ns since the epoch (CLOCK_REALTIME). */
  t: bigint;
  src: string;
  sport: number;
  dst: string;
  dport: number;
  /** The flag byte: FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, URG 0x20, ECE 0x40, CWR 0x80. */
  flags: number;
  seq: number;
  ack: number;
  /** Payload bytes. */
  len: number;
  win: number;
  /** SYN and SYN-ACK: the window scale the sender announced (RFC 7323), if it did. */
  wscale?: number;
  /** --drop took it: it left its sender (`t` is when) and never arrived. */
  dropped?: boolean;
  /** --delay held it this long before it went on (`t` is its arrival, after the hold). */
  heldMs?: number;
}

export const FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10;
const flagNames: [number, string][] = [[SYN, 'SYN'], [FIN, 'FIN'], [RST, 'RST'], [PSH, 'PSH'], [ACK, 'ACK'], [0x20, 'URG'], [0x40, 'ECE'], [0x80, 'CWR']];

/** `SYN,ACK`: the flags in tcpdump's order of importance. */
export function flagText(flags: number): string {
  return flagNames.filter(([bit]) => flags & bit).map(([, name]) => name).join(',') || 'none';
}

const IPPROTO_TCP = 6;
// Enough for the largest IPv4 header (60) or the IPv6 header (40) and the largest TCP header (60).
const SNAPLEN = 128;
const stmt = (code: number, k: number): SockFilter => ({ code, k });
const jeq = (k: number, jt: number, jf: number): SockFilter => ({ code: BPF_JMP | BPF_JEQ | BPF_K, jt, jf, k });
// Offsets count from the network header: a SOCK_DGRAM packet socket has no link-layer header.
const filter: SockFilter[] = [
  stmt(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE), // 0: which way the packet went
  jeq(PACKET_OUTGOING, 8, 0), //                                  1: the leaving copy: drop
  stmt(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL), // 2: the EtherType
  jeq(ETH_P_IP, 0, 2), //                                         3
  stmt(BPF_LD | BPF_B | BPF_ABS, 9), //                           4: IPv4's protocol
  jeq(IPPROTO_TCP, 3, 4), //                                      5
  jeq(ETH_P_IPV6, 0, 3), //                                       6
  stmt(BPF_LD | BPF_B | BPF_ABS, 6), //                           7: IPv6's next header (no extension headers)
  jeq(IPPROTO_TCP, 0, 1), //                                      8
  stmt(BPF_RET | BPF_K, SNAPLEN), //                              9: keep the headers
  stmt(BPF_RET | BPF_K, 0), //                                    10: drop
];

/** A capture in progress: `stop()` ends it and returns the segments in arrival order. */
export interface Capture {
  stop(): Promise<Segment[]>;
}

/**
 * Starts capturing TCP on `ifname` (socket(AF_PACKET, SOCK_DGRAM), SO_ATTACH_FILTER, bind to the
 * interface). Throws the syscall error (EPERM without CAP_NET_RAW).
 */
export function capture(ifname = 'lo'): Capture {
  const fd = socket(AF_PACKET, SOCK_DGRAM, 0); // nothing arrives before bind()
  const segments: Segment[] = [];
  const buf = Buffer.alloc(SNAPLEN);
  const take = (bytes: number, control: { timestamp?: { sec: number; nsec?: number } }[]) => {
    const ts = control.find((c) => c.timestamp)?.timestamp;
    const segment = parse(buf.subarray(0, Math.min(bytes, SNAPLEN)), ts ? BigInt(ts.sec) * 1_000_000_000n + BigInt(ts.nsec ?? 0) : 0n);
    if (segment) segments.push(segment);
  };
  try {
    setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, filter);
    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, 1);
    try {
      setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20); // room for bursts while the reader is busy
    } catch {
      // not CAP_NET_ADMIN: the default buffer
    }
    bind(fd, { family: 'AF_PACKET', protocol: ETH_P_ALL, ifindex: if_nametoindex(ifname) });
  } catch (e) {
    close(fd);
    throw e;
  }
  const abort = new AbortController();
  const reading = (async () => {
    for (;;) {
      const msg = await promises.recvmsg(fd, { iov: buf, controlLength: 64 }, 0, { signal: abort.signal });
      take(msg.bytes, msg.control);
    }
  })().catch((e: unknown) => {
    if (!abort.signal.aborted) throw e;
  });
  return {
    async stop() {
      abort.abort();
      await reading;
      for (;;) {
        // what is still queued
        try {
          const msg = recvmsg(fd, { iov: buf, controlLength: 64 }, MSG_DONTWAIT);
          take(msg.bytes, msg.control);
        } catch (e) {
          if (isSyscallError(e) && e.code === 'EAGAIN') break;
          throw e;
        }
      }
      close(fd);
      return segments;
    },
  };
}

/** The TCP segment in an IPv4 or IPv6 packet (headers only need be present), or null. */
export function parse(b: Buffer, t: bigint): Segment | null {
  if (b.length < 20) return null;
  let src: string, dst: string, at: number, total: number;
  if (b[0]! >> 4 === 4) {
    at = (b[0]! & 0x0f) * 4;
    total = b.readUInt16BE(2);
    src = [...b.subarray(12, 16)].join('.');
    dst = [...b.subarray(16, 20)].join('.');
  } else if (b[0]! >> 4 === 6 && b.length >= 40) {
    at = 40;
    total = 40 + b.readUInt16BE(4);
    src = ntop6(b, 8);
    dst = ntop6(b, 24);
  } else {
    return null;
  }
  if (b.length < at + 20) return null;
  const doff = (b[at + 12]! >> 4) * 4;
  const segment: Segment = {
    t, src, dst,
    sport: b.readUInt16BE(at), dport: b.readUInt16BE(at + 2),
    seq: b.readUInt32BE(at + 4), ack: b.readUInt32BE(at + 8),
    flags: b[at + 13]!, win: b.readUInt16BE(at + 14),
    len: Math.max(0, total - at - doff),
  };
  if (segment.flags & SYN) {
    // the options: kind 3 (window scale, 3 bytes), 1 (no-op), 0 (end), the others kind, length, value
    for (let o = at + 20; o < Math.min(at + doff, b.length); ) {
      const kind = b[o]!;
      if (kind === 0) break;
      if (kind === 1) {
        o++;
        continue;
      }
      if (kind === 3 && o + 2 < b.length) segment.wscale = b[o + 2]!;
      const optlen = b[o + 1] ?? 0;
      if (optlen < 2) break;
      o += optlen;
    }
  }
  return segment;
}
