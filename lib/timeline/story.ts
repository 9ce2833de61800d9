// sockfd-timeline's model: the calls and the segments on one time line, each given to the client or
// the server lane, with tcpdump's relative sequence numbers and the TCP state of each end after each
// segment (RFC 9293's state machine run over what was seen on the wire; the kernel's own reading of
// the states left at exit comes from sock_diag, diag.ts).
import { compact, firstFd, ports, returned, type Call } from './calls.js';
import type { DiagSocket } from './diag.js';
import type { FaultEvent } from './nfqueue.js';
import { ACK, FIN, RST, SYN, type Segment } from './wire.js';

export type Lane = 'client' | 'server';

export interface CallEvent {
  kind: 'call';
  t: bigint;
  lane: Lane;
  call: Call;
  /** A call that spans other events is shown twice: where it started and where it returned. */
  part: 'whole' | 'start' | 'end';
  text: string;
  result: string;
}

export interface WireEvent {
  kind: 'wire';
  t: bigint;
  from: Lane;
  segment: Segment;
  /** Relative sequence and acknowledgment numbers (the first SYN's seq is 0), as tcpdump shows them. */
  seq: number;
  ack: number | null;
  /** The states of both ends after this segment, and which ends it changed. */
  states: Record<Lane, string>;
  changed: Lane[];
  /** Which connection of the run, from 0. */
  connection: number;
  /** This end sent a segment with the same sequence number, flags and length before. */
  retransmission: boolean;
  /** A zero-window probe: no data, one below what the other end has acknowledged (the persist timer's). */
  probe: boolean;
}

export type Event = CallEvent | WireEvent;

export interface Timeline {
  events: Event[];
  /** The time everything is shown relative to: the first event's. */
  t0: bigint;
  connections: number;
  /** The states the kernel still held at exit, per end of each connection. */
  final: { lane: Lane; address: string; state: string }[];
}

interface Sock {
  role?: Lane;
}

// The calls that make another fd for a socket: their result is an fd of the same socket.
const duplicating = new Set(['dup', 'dup2', 'dup3']);
// Calls any fd takes; the others (connect, send, setsockopt...) only take a socket's.
const fdCalls = new Set(['read', 'write', 'readv', 'writev', 'close', 'sendfile', ...duplicating]);

/** Assigns each call a lane by what its socket did: connect() makes a client; listen() and accept() a server. */
function laneCalls(calls: Call[], keepAll: boolean): { call: Call; lane: () => Lane }[] {
  const tables = new Map<number, Map<number, Sock>>();
  const pidRole = new Map<number, Lane>();
  const kept: { call: Call; lane: () => Lane }[] = [];
  for (const call of calls) {
    let table = tables.get(call.pid);
    if (!table) tables.set(call.pid, (table = new Map()));
    const fd = firstFd(call);
    const r = returned(call);
    let sock = table.get(fd);
    if (!sock && fd >= 0 && !fdCalls.has(call.name)) {
      sock = {}; // a socket the trace did not see made (inherited, or made before it started)
      table.set(fd, sock);
    }
    if (call.name === 'socket' && r >= 0) {
      sock = {};
      table.set(r, sock);
    } else if ((call.name === 'accept' || call.name === 'accept4') && r >= 0) {
      if (sock) sock.role = 'server';
      sock = { role: 'server' };
      table.set(r, sock);
    } else if (duplicating.has(call.name) && sock && r >= 0) {
      table.set(r, sock);
    } else if (call.name === 'close') {
      table.delete(fd);
    }
    if (sock && call.name === 'connect') sock.role = 'client';
    if (sock && call.name === 'listen') sock.role = 'server';
    if (sock?.role && !pidRole.has(call.pid)) pidRole.set(call.pid, sock.role);
    if (!sock && !keepAll) continue; // strace: a call on a file, a pipe, node's own fds
    const owner = sock;
    kept.push({ call, lane: () => owner?.role ?? pidRole.get(call.pid) ?? 'client' });
  }
  return kept;
}

// The state machine of both ends of one connection, stepped by each segment seen.
class Connection {
  states: Record<Lane, string> = { client: 'CLOSED', server: 'LISTEN' };
  isn: Partial<Record<Lane, number>> = {};
  finEnd: Partial<Record<Lane, number>> = {}; // the relative ack that acknowledges this end's FIN
  sent = new Set<string>(); // what each end sent that takes a sequence number: SYN, FIN or data
  acked: Partial<Record<Lane, number>> = {}; // the highest relative ack each end has received
  window: Partial<Record<Lane, number>> = {}; // the window each end offered last
  constructor(readonly index: number, readonly client: string) {}

  step(seg: Segment, from: Lane, next: Segment | undefined): Omit<WireEvent, 'kind' | 't' | 'segment' | 'connection'> {
    const to: Lane = from === 'client' ? 'server' : 'client';
    const before = { ...this.states };
    const consumes = seg.len > 0 || seg.flags & (SYN | FIN);
    const id = `${from} ${seg.seq} ${seg.flags} ${seg.len}`;
    const retransmission = Boolean(consumes) && this.sent.has(id);
    if (consumes) this.sent.add(id);
    if (seg.flags & SYN) this.isn[from] = seg.seq;
    const rel = (v: number, end: Lane) => (this.isn[end] === undefined ? v : (v - this.isn[end]!) >>> 0);
    const seq = rel(seg.seq, from);
    const ack = seg.flags & ACK ? rel(seg.ack, to) : null;
    // (a keepalive has the same form, but into an open window)
    const probe = !consumes && !(seg.flags & RST) && this.window[to] === 0 && this.acked[from] !== undefined && seq === ((this.acked[from]! - 1) >>> 0);
    if (!seg.dropped) {
      if (ack !== null && (this.acked[to] === undefined || ack > this.acked[to]!)) this.acked[to] = ack;
      this.window[from] = seg.win;
    }
    const s = this.states;
    if (seg.dropped) {
      // It left its sender, which moved on as it does sending it; nothing arrived.
      if (seg.flags & SYN) this.sendSyn(from, seg.flags);
      else if (seg.flags & FIN) this.sendFin(from, seq, seg.len);
    } else if (seg.flags & RST) {
      if (s[from] !== 'LISTEN') s[from] = 'CLOSED'; // a port nobody listens on answers too
      s[to] = 'CLOSED';
    } else if (seg.flags & SYN) {
      this.sendSyn(from, seg.flags);
      if (seg.flags & ACK) {
        if (s[to] === 'SYN_SENT') s[to] = 'ESTABLISHED';
      } else if (s[to] === 'LISTEN') {
        // a listener that takes the SYN answers SYN-ACK; one whose queue is full drops it, and a
        // port without one answers RST: neither makes a connection on that side
        if (next && next.sport === seg.dport && next.flags & SYN && next.flags & ACK) s[to] = 'SYN_RECV';
      }
    } else {
      // the receiver takes the acknowledgment first, then the FIN
      const acksFin = ack !== null && this.finEnd[to] !== undefined && ack >= this.finEnd[to]!;
      if (ack !== null) {
        if (s[to] === 'SYN_RECV') s[to] = 'ESTABLISHED';
        else if (acksFin && s[to] === 'FIN_WAIT1') s[to] = 'FIN_WAIT2';
        else if (acksFin && s[to] === 'CLOSING') s[to] = 'TIME_WAIT';
        else if (acksFin && s[to] === 'LAST_ACK') s[to] = 'CLOSED';
      }
      if (seg.flags & FIN) {
        this.sendFin(from, seq, seg.len);
        if (s[to] === 'ESTABLISHED') s[to] = 'CLOSE_WAIT';
        else if (s[to] === 'FIN_WAIT1') s[to] = 'CLOSING';
        else if (s[to] === 'FIN_WAIT2') s[to] = 'TIME_WAIT';
      }
    }
    const changed = (['client', 'server'] as const).filter((l) => s[l] !== before[l]);
    return { from, seq, ack, states: { ...s }, changed, retransmission, probe };
  }

  // The sender of a SYN or SYN-ACK: sent again once its connection is further on, it changes nothing.
  private sendSyn(from: Lane, flags: number): void {
    const s = this.states;
    if (flags & ACK) {
      if (s[from] === 'LISTEN' || s[from] === 'SYN_SENT') s[from] = 'SYN_RECV';
    } else if (s[from] === 'CLOSED') {
      s[from] = 'SYN_SENT';
    }
  }

  // The sender of a FIN (sent again, it changes nothing more).
  private sendFin(from: Lane, seq: number, len: number): void {
    this.finEnd[from] = (seq + len + 1) >>> 0;
    const s = this.states;
    if (s[from] === 'CLOSE_WAIT') s[from] = 'LAST_ACK';
    else if (s[from] === 'ESTABLISHED' || s[from] === 'SYN_RECV') s[from] = 'FIN_WAIT1';
  }
}

const sameSegment = (a: Segment, b: Segment) => a.src === b.src && a.sport === b.sport && a.dst === b.dst && a.dport === b.dport && a.seq === b.seq && a.flags === b.flags && a.len === b.len;

/**
 * The captured segments with what --drop and --delay did: a dropped segment (never captured) added
 * where it left its sender, a held one marked on its arrival.
 */
function withFaults(segments: Segment[], faults: FaultEvent[]): Segment[] {
  const out = segments.map((s) => ({ ...s }));
  for (const { segment, fault } of faults) {
    if (fault.delayMs === undefined) {
      out.push({ ...segment, dropped: true });
    } else {
      const arrived = out.find((s) => s.t >= segment.t && s.heldMs === undefined && sameSegment(s, segment));
      if (arrived) arrived.heldMs = fault.delayMs;
    }
  }
  return out.sort((x, y) => (x.t < y.t ? -1 : x.t > y.t ? 1 : 0));
}

const endpoint = (ip: string, port: number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

/**
 * The timeline of a run: its calls (keepAll: every call, as SOCKFD_TRACE only shows sockfd's; else
 * only the calls on sockets, as strace shows every fd's), the segments to or from a port the calls
 * named (all of them when the calls named none), and the sockets the kernel held at exit.
 */
export function buildTimeline(calls: Call[], captured: Segment[], keepAll: boolean, atExit: DiagSocket[] = [], faults: FaultEvent[] = []): Timeline {
  const laned = laneCalls(calls, keepAll);
  const named = new Set(calls.flatMap(ports).filter((p) => p !== 0));
  const segments = withFaults(captured, faults);
  const seen = named.size === 0 ? segments : segments.filter((s) => named.has(s.sport) || named.has(s.dport));

  // Connections, each by its two endpoints; the client is the end that sent the first SYN (else the
  // end whose port no call named, else the higher port).
  const connections = new Map<string, Connection>();
  const wire: WireEvent[] = [];
  seen.forEach((seg, i) => {
    const a = endpoint(seg.src, seg.sport), b = endpoint(seg.dst, seg.dport);
    const key = a < b ? `${a} ${b}` : `${b} ${a}`;
    let conn = connections.get(key);
    if (!conn) {
      const aIsClient = seg.flags & SYN ? !(seg.flags & ACK) : named.has(seg.dport) && !named.has(seg.sport) ? true : seg.sport > seg.dport;
      conn = new Connection(connections.size, aIsClient ? a : b);
      connections.set(key, conn);
    }
    const from: Lane = a === conn.client ? 'client' : 'server';
    // what a SYN got next on its connection (a SYN-ACK, a RST, or nothing before the SYN came again)
    const same = (s: Segment) => (s.sport === seg.sport && s.dport === seg.dport && s.src === seg.src) || (s.sport === seg.dport && s.dport === seg.sport && s.src === seg.dst);
    // (a SYN-ACK dropped on its way still shows that the listener took the SYN)
    const next = seg.flags & SYN && !(seg.flags & ACK) && !seg.dropped ? seen.slice(i + 1).find(same) : undefined;
    wire.push({ kind: 'wire', t: seg.t, segment: seg, connection: conn.index, ...conn.step(seg, from, next) });
  });

  // A call shows as one line at its start, unless a segment or another process's call happened while
  // it ran (a connect() across the handshake): then as two, where it started and where it returned.
  const events: Event[] = [...wire];
  const starts = [...wire.map((w) => ({ t: w.t, pid: -1 })), ...laned.map(({ call }) => ({ t: call.start, pid: call.pid }))];
  starts.sort((x, y) => (x.t < y.t ? -1 : x.t > y.t ? 1 : 0));
  const spans = (call: Call) => {
    let lo = 0, hi = starts.length; // the first start after the call's
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]!.t <= call.start) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < starts.length && starts[i]!.t < call.end; i++) if (starts[i]!.pid !== call.pid) return true;
    return false;
  };
  for (const { call, lane } of laned) {
    const { text, result } = compact(call);
    const base = { kind: 'call' as const, lane: lane(), call, text, result };
    if (spans(call)) events.push({ ...base, t: call.start, part: 'start' }, { ...base, t: call.end, part: 'end' });
    else events.push({ ...base, t: call.start, part: 'whole' });
  }
  const rank = (e: Event) => (e.kind === 'call' ? (e.part === 'end' ? 2 : 0) : 1);
  events.sort((x, y) => (x.t < y.t ? -1 : x.t > y.t ? 1 : rank(x) - rank(y)));

  const final: Timeline['final'] = [];
  for (const conn of connections.values()) {
    for (const s of atExit) {
      const local = endpoint(s.src, s.sport), remote = endpoint(s.dst, s.dport);
      const key = local < remote ? `${local} ${remote}` : `${remote} ${local}`;
      if (connections.get(key) !== conn) continue;
      const address = connections.size > 1 ? `${local} > ${remote}` : local;
      final.push({ lane: local === conn.client ? 'client' : 'server', address, state: s.state });
    }
  }
  final.sort((x, y) => x.lane.localeCompare(y.lane) || x.address.localeCompare(y.address));
  return { events, t0: events[0]?.t ?? 0n, connections: connections.size, final };
}
