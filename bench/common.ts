// What every contender program shares: the line protocol, the byte patterns and their checks.
//
// A contender is two long-lived processes, `server` and `client`, driven by bench/run.ts over
// stdin/stdout, one command per line: `op key=value ...`.
//   server ops: echo (conns, size), sink (total), file (file, total, via: sendfile | readsend), accept (count,
//     size), udp-echo (count), udp-sink (size,
//     batch: 1 = recvfrom per datagram, N = recvmmsg of up to N; node:dgram has no batching)
//     answer `ready port=N` (or `ready path=P`) once listening, then `done [key=value ...]`
//   client ops: pingpong, pipeline (depth), conns (conns), bulk (total, write), fetch (total), connect (count),
//     udp-pingpong, udp-flood (sendmmsg, batch), calls (count); answer `result secs=S [p50=us p99=us]`
//   nodelay=0 leaves Nagle on (bulk); every other TCP connection sets TCP_NODELAY.
//   family=inet (127.0.0.1, port=N) or family=unix (path=P) says where to listen or connect.
//   Any failure (a byte that differs, an error) answers `error <message>` and exits with status 1.
import { createInterface } from 'node:readline';
import { readSync, unlinkSync } from 'node:fs';

export const PERIOD = 251; // byte i of every stream is i % 251: a misplaced chunk cannot match
export const END_SEQ = 0xffffffff; // a UDP flood's end marker
export const RECV_BUF = 256 * 1024;

export class Command {
  readonly op: string;
  readonly #params = new Map<string, string>();

  constructor(line: string) {
    const [op = '', ...words] = line.trim().split(' ');
    this.op = op;
    for (const w of words) {
      const eq = w.indexOf('=');
      if (eq > 0) this.#params.set(w.slice(0, eq), w.slice(eq + 1));
    }
  }

  num(key: string, fallback?: number): number {
    const v = this.#params.get(key);
    if (v === undefined && fallback !== undefined) return fallback;
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n)) fail(`${this.op}: missing number ${key}`);
    return n;
  }

  str(key: string): string | undefined {
    return this.#params.get(key);
  }

  get unix(): boolean {
    return this.#params.get('family') === 'unix';
  }

  /** TCP_NODELAY on every TCP connection of every contender (small messages go out at once), but for bulk. */
  get noDelay(): boolean {
    return !this.unix && this.num('nodelay', 1) === 1;
  }
}

/** Removes a stale AF_UNIX socket path before bind, and the path after use. */
export function unlinkIfThere(path: string | undefined): void {
  try {
    if (path) unlinkSync(path);
  } catch {}
}

export function fail(message: string): never {
  process.stdout.write(`error ${message}\n`);
  process.exit(1);
}

export function say(line: string): void {
  process.stdout.write(line + '\n');
}

export function ready(port: number | undefined, path: string | undefined): void {
  say(path !== undefined ? `ready path=${path}` : `ready port=${port}`);
}

export function done(extra = ''): void {
  say(extra ? `done ${extra}` : 'done');
}

export const now = (): number => performance.now() / 1e3; // seconds

/** Prints the client's answer; latencies in seconds, reported as p50/p99 in microseconds. */
export function result(secs: number, latencies?: Float64Array): void {
  if (!latencies) return say(`result secs=${secs.toFixed(9)}`);
  latencies.sort();
  const at = (q: number) => (latencies[Math.floor(latencies.length * q)]! * 1e6).toFixed(3);
  say(`result secs=${secs.toFixed(9)} p50=${at(0.5)} p99=${at(0.99)}`);
}

/** `len` bytes of the pattern plus one period, so any stream offset can be sliced from it. */
export function pattern(len: number): Buffer {
  const b = Buffer.allocUnsafe(len + PERIOD);
  for (let i = 0; i < b.length; i++) b[i] = i % PERIOD;
  return b;
}

/** A message of the pattern with its sequence number in the first 4 bytes (as the C reference). */
export function message(size: number): Buffer {
  return pattern(size).subarray(0, size);
}

export function setSeq(msg: Buffer, seq: number): Buffer {
  msg.writeUInt32LE(seq >>> 0, 0);
  return msg;
}

/** Checks a bulk stream chunk by chunk against the pattern. */
export class StreamCheck {
  readonly #pattern = pattern(RECV_BUF);
  received = 0;

  add(chunk: Uint8Array): void {
    const start = this.received % PERIOD;
    // Node's chunks may be larger than RECV_BUF: compare them a pattern's length at a time.
    for (let off = 0; off < chunk.length; off += RECV_BUF) {
      const part = chunk.subarray(off, Math.min(off + RECV_BUF, chunk.length));
      const from = (start + off) % PERIOD;
      if (Buffer.compare(part, this.#pattern.subarray(from, from + part.length)) !== 0) fail('bulk bytes differ from the pattern');
    }
    this.received += chunk.length;
  }
}

/**
 * Checks a stream of echoed messages (sequence numbers 0, 1, 2, ...) that arrives in chunks of any
 * size, without copying them: for the event-driven clients, whose reads are not message-aligned.
 */
export class EchoCheck {
  readonly #expected: Buffer;
  #got = 0;

  constructor(
    readonly size: number,
    public seq = 0,
  ) {
    this.#expected = setSeq(message(size), seq);
  }

  /** Returns how many messages this chunk completed. */
  add(chunk: Uint8Array): number {
    let completed = 0;
    for (let off = 0; off < chunk.length; ) {
      const take = Math.min(this.size - this.#got, chunk.length - off);
      if (Buffer.compare(chunk.subarray(off, off + take), this.#expected.subarray(this.#got, this.#got + take)) !== 0) fail('echo differs');
      off += take;
      if ((this.#got += take) === this.size) {
        this.#got = 0;
        setSeq(this.#expected, ++this.seq);
        completed++;
      }
    }
    return completed;
  }
}

/**
 * The client side of the pipelined workload, whatever does its I/O: `depth` messages in flight; each
 * read may complete several echoes, and as many new messages go out in one write.
 */
export class Pipeline {
  readonly #check: EchoCheck;
  readonly #batch: Buffer;
  #sent = 0;

  constructor(
    readonly size: number,
    readonly count: number,
    readonly depth: number,
  ) {
    this.#check = new EchoCheck(size);
    this.#batch = Buffer.concat(Array.from({ length: depth }, () => message(size)));
  }

  /** The first messages to write. */
  start(): Buffer {
    return this.#next(Math.min(this.depth, this.count));
  }

  /** Takes what a read returned; gives the messages to write next (maybe none). */
  add(chunk: Uint8Array): Buffer {
    return this.#next(Math.min(this.#check.add(chunk), this.count - this.#sent));
  }

  get done(): boolean {
    return this.#check.seq === this.count;
  }

  #next(n: number): Buffer {
    for (let i = 0; i < n; i++) this.#batch.writeUInt32LE(this.#sent++ >>> 0, i * this.size);
    return this.#batch.subarray(0, n * this.size);
  }
}

/** Counts a UDP flood's datagrams: each checked, in order; the time from the first to the last. */
export class FloodCheck {
  readonly #expected: Buffer;
  received = 0;
  #heard = false;
  #last = -1;
  #first = 0;
  #lastAt = 0;

  constructor(readonly size: number) {
    this.#expected = message(size);
  }

  /** False for the end marker. */
  add(datagram: Uint8Array): boolean {
    const seq = Buffer.from(datagram.buffer, datagram.byteOffset, datagram.length).readUInt32LE(0);
    this.#heard = true;
    if (seq === END_SEQ) return false;
    if (datagram.length !== this.size || Buffer.compare(datagram.subarray(4), this.#expected.subarray(4)) !== 0) fail('datagram differs');
    if (seq <= this.#last) fail('datagram out of order');
    this.#last = seq;
    this.#lastAt = now();
    if (this.received++ === 0) this.#first = this.#lastAt;
    return true;
  }

  /** add() for each datagram recvmmsg put in `bufs`; false once the end marker is among them. */
  addBatch(bufs: Uint8Array[], received: { bytes: number }[]): boolean {
    for (let i = 0; i < received.length; i++) if (!this.add(bufs[i]!.subarray(0, received[i]!.bytes))) return false;
    return true;
  }

  /** The end if every end marker was lost: calls `stop` after 1 s without a datagram. Returns the cancel. */
  stopAfterSilence(stop: () => void): () => void {
    this.#heard = true;
    const timer = setInterval(() => (this.#heard ? (this.#heard = false) : stop()), 1000);
    return () => clearInterval(timer);
  }

  get summary(): string {
    return `received=${this.received} secs=${(this.#lastAt - this.#first).toFixed(9)}`;
  }
}

/** Runs `handle` for each command line on stdin, one at a time, until `exit` or EOF. */
export async function serveCommands(handle: (cmd: Command) => Promise<void> | void): Promise<void> {
  for await (const line of createInterface({ input: process.stdin })) {
    const cmd = new Command(line);
    if (cmd.op === 'exit') break;
    await handle(cmd);
  }
  process.exit(0);
}

/** The same for a process that never gives the event loop a turn: stdin read with blocking reads. */
export function serveCommandsSync(handle: (cmd: Command) => void): void {
  const buf = Buffer.alloc(4096);
  let pending = '';
  for (;;) {
    let nl: number;
    while ((nl = pending.indexOf('\n')) < 0) {
      let n: number;
      try {
        n = readSync(0, buf);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        throw e;
      }
      if (n === 0) process.exit(0);
      pending += buf.toString('utf8', 0, n);
    }
    const cmd = new Command(pending.slice(0, nl));
    pending = pending.slice(nl + 1);
    if (cmd.op === 'exit') process.exit(0);
    handle(cmd);
  }
}

export function unknown(cmd: Command): never {
  fail(`unknown command ${cmd.op}`);
}

type Handler<T> = (cmd: Command) => T;

/** Each command's handler for this process's role (argv[2]: `server` or `client`). */
export function dispatch<T>(servers: Record<string, Handler<T>>, clients: Record<string, Handler<T>>): Handler<T> {
  const table = process.argv[2] === 'server' ? servers : clients;
  return (cmd) => (table[cmd.op] ?? unknown)(cmd);
}
