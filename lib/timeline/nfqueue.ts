// sockfd-timeline's faults: segments an iptables NFQUEUE rule sends to a queue, read from a
// NETLINK_NETFILTER socket speaking nfnetlink_queue (linux/netfilter/nfnetlink_queue.h), each given
// its verdict: now, later (a delay) or never (a drop). Built on sockfd's own calls: socket(2) and
// bind(2) on AF_NETLINK, send(2) for the config and verdict messages, recv(2) for the packets.
import { AF_NETLINK, bind, close, NETLINK_NETFILTER, NLM_F_ACK, NLM_F_REQUEST, send, SOCK_CLOEXEC, SOCK_RAW, socket } from '../index.js';
import * as promises from '../promises.js';
import { ACK, FIN, parse, RST, type Segment, SYN } from './wire.js';

/** What --drop and --delay name: a segment kind, and which one of that kind (from 1). */
export type What = 'syn' | 'synack' | 'ack' | 'data' | 'fin' | 'rst';
export const whats: readonly What[] = ['syn', 'synack', 'ack', 'data', 'fin', 'rst'];

export interface Fault {
  what: What;
  n: number;
  /** undefined: drop; else hold the segment this many ms. */
  delayMs?: number;
}

/** A segment a fault took, as the queue saw it leave its sender (CLOCK_REALTIME, ns). */
export interface FaultEvent {
  segment: Segment;
  fault: Fault;
}

/** The kinds a segment counts as: a FIN carrying data is both `data` and `fin`. */
export function kindsOf(s: Segment): What[] {
  if (s.flags & RST) return ['rst'];
  if (s.flags & SYN) return [s.flags & ACK ? 'synack' : 'syn'];
  const kinds: What[] = [];
  if (s.len > 0) kinds.push('data');
  if (s.flags & FIN) kinds.push('fin');
  if (kinds.length === 0) kinds.push('ack');
  return kinds;
}

/** `syn`, `fin:2`, `data=250`, `data:3=250` as --drop/--delay take them; throws a usage error. */
export function parseFault(text: string, delay: boolean): Fault {
  const m = /^([a-z]+)(?::(\d+))?(?:=(\d+))?$/.exec(text);
  const what = m?.[1] as What | undefined;
  if (!m || !whats.includes(what!)) throw new Error(`${delay ? '--delay' : '--drop'} ${text}: WHAT is one of ${whats.join(', ')}`);
  const n = m[2] === undefined ? 1 : Number(m[2]);
  if (n < 1) throw new Error(`${text}: N counts from 1`);
  if (delay !== (m[3] !== undefined)) throw new Error(delay ? `--delay ${text}: say how long, WHAT[:N]=MS` : `--drop ${text}: no =MS (that is --delay)`);
  return delay ? { what: what!, n, delayMs: Number(m[3]) } : { what: what!, n };
}

const NFNL_SUBSYS_QUEUE = 3;
const NFQNL_MSG_PACKET = 0, NFQNL_MSG_VERDICT = 1, NFQNL_MSG_CONFIG = 2;
const NFQA_PACKET_HDR = 1, NFQA_VERDICT_HDR = 2, NFQA_PAYLOAD = 10;
const NFQA_CFG_CMD = 1, NFQA_CFG_PARAMS = 2, NFQA_CFG_MASK = 4, NFQA_CFG_FLAGS = 5;
const NFQA_CFG_F_FAIL_OPEN = 1;
const NFQNL_CFG_CMD_BIND = 1;
const NFQNL_COPY_PACKET = 2;
const NF_DROP = 0, NF_ACCEPT = 1;
const NLMSG_ERROR = 2;
const align = (n: number) => (n + 3) & ~3;

// nlmsghdr, nfgenmsg (queue number big-endian, as nfnetlink's res_id is), then the attributes.
function message(type: number, flags: number, queue: number, attrs: [number, Buffer][]): Buffer {
  const body = attrs.map(([t, payload]) => {
    const a = Buffer.alloc(align(4 + payload.length));
    a.writeUInt16LE(4 + payload.length, 0);
    a.writeUInt16LE(t, 2);
    payload.copy(a, 4);
    return a;
  });
  const head = Buffer.alloc(20);
  const len = 20 + body.reduce((sum, a) => sum + a.length, 0);
  head.writeUInt32LE(len, 0);
  head.writeUInt16LE((NFNL_SUBSYS_QUEUE << 8) | type, 4);
  head.writeUInt16LE(NLM_F_REQUEST | flags, 6);
  head.writeUInt16BE(queue, 18); // nfgen_family AF_UNSPEC, version NFNETLINK_V0
  return Buffer.concat([head, ...body]);
}

// A config request, and the kernel's answer to it: NLMSG_ERROR with 0, or the errno.
async function configure(fd: number, buf: Buffer, queue: number, what: string, attrs: [number, Buffer][]): Promise<void> {
  send(fd, message(NFQNL_MSG_CONFIG, NLM_F_ACK, queue, attrs));
  const bytes = await promises.recv(fd, buf);
  if (bytes >= 20 && buf.readUInt16LE(4) === NLMSG_ERROR && buf.readInt32LE(16) !== 0) {
    const errno = -buf.readInt32LE(16);
    throw Object.assign(new Error(`nfnetlink_queue ${what}: errno ${errno}`), { errno });
  }
}

/** A bound queue: `stop()` unbinds it (closing the socket) and returns what the faults took. */
export interface Queue {
  stop(): FaultEvent[];
}

/**
 * Binds nfnetlink_queue `queue` and gives each packet in it its verdict: the faults' segments are
 * dropped or held, every other one accepted at once. Each segment counts toward the kinds it is
 * (kindsOf), in the order the queue sees them leave.
 */
export async function openQueue(queue: number, faults: Fault[]): Promise<Queue> {
  const fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
  const buf = Buffer.alloc(1 << 16);
  try {
    bind(fd, { family: 'AF_NETLINK', pid: 0, groups: 0 });
    await configure(fd, buf, queue, 'bind', [[NFQA_CFG_CMD, Buffer.from([NFQNL_CFG_CMD_BIND, 0, 0, 0])]]);
    const params = Buffer.alloc(5); // copy_range (big-endian), copy_mode: the headers are enough
    params.writeUInt32BE(128, 0);
    params[4] = NFQNL_COPY_PACKET;
    await configure(fd, buf, queue, 'copy mode', [[NFQA_CFG_PARAMS, params]]);
    // a full queue lets segments through instead of dropping them: no loss the tool did not ask for
    const flag = Buffer.alloc(4);
    flag.writeUInt32BE(NFQA_CFG_F_FAIL_OPEN, 0);
    await configure(fd, buf, queue, 'fail-open', [[NFQA_CFG_MASK, flag], [NFQA_CFG_FLAGS, flag]]);
  } catch (e) {
    close(fd);
    throw e;
  }

  const counts = new Map<What, number>();
  const taken: FaultEvent[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const verdict = (id: number, v: number) => {
    const hdr = Buffer.alloc(8);
    hdr.writeUInt32BE(v, 0);
    hdr.writeUInt32BE(id, 4);
    send(fd, message(NFQNL_MSG_VERDICT, 0, queue, [[NFQA_VERDICT_HDR, hdr]]));
  };
  const decide = (id: number, payload: Buffer) => {
    const now = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
    const segment = parse(payload, now);
    let fault: Fault | undefined;
    if (segment) {
      for (const kind of kindsOf(segment)) {
        const n = (counts.get(kind) ?? 0) + 1;
        counts.set(kind, n);
        fault ??= faults.find((f) => f.what === kind && f.n === n);
      }
    }
    if (!segment || !fault) return verdict(id, NF_ACCEPT);
    taken.push({ segment, fault });
    if (fault.delayMs === undefined) return verdict(id, NF_DROP);
    const timer = setTimeout(() => {
      timers.delete(timer);
      verdict(id, NF_ACCEPT);
    }, fault.delayMs);
    timers.add(timer);
  };

  const abort = new AbortController();
  void (async () => {
    for (;;) {
      const bytes = await promises.recv(fd, buf, undefined, 0, { signal: abort.signal });
      for (let at = 0; at + 20 <= bytes; ) {
        const len = buf.readUInt32LE(at);
        if (len < 20) break;
        if (buf.readUInt16LE(at + 4) === ((NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET)) {
          let id = -1;
          let payload: Buffer | undefined;
          for (let a = at + 20; a + 4 <= at + len; ) {
            const alen = buf.readUInt16LE(a), type = buf.readUInt16LE(a + 2) & 0x7fff;
            if (alen < 4) break;
            if (type === NFQA_PACKET_HDR) id = buf.readUInt32BE(a + 4);
            if (type === NFQA_PAYLOAD) payload = Buffer.from(buf.subarray(a + 4, a + alen));
            a += align(alen);
          }
          if (id >= 0) decide(id, payload ?? Buffer.alloc(0));
        }
        at += align(len);
      }
    }
  })().catch((e: unknown) => {
    if (!abort.signal.aborted) throw e;
  });

  return {
    stop() {
      abort.abort();
      for (const timer of timers) clearTimeout(timer);
      close(fd); // the kernel unbinds the queue; --queue-bypass lets what comes after through
      return taken;
    },
  };
}
