// Bun's own sockets as a contender (Bun.listen / Bun.connect: handlers per event, write() that may
// take part of the bytes, 'drain' for the rest), written as Bun's docs show them; the TCP workloads
// only (ping-pong, bulk, accept rate).
//
//   bun dist/bench/contender-bun.js server|client
import { type Command, done, EchoCheck, fail, message, now, pattern, PERIOD, ready, result, dispatch, serveCommands, setSeq, StreamCheck } from './common.js';

// The part of Bun's API this file uses (the bench is compiled without Bun's types).
interface BunSocket<T> {
  data: T;
  write(data: Uint8Array): number;
  end(): void;
  setNoDelay(on: boolean): boolean;
}
interface Handlers<T> {
  open?(s: BunSocket<T>): void;
  data?(s: BunSocket<T>, chunk: Uint8Array): void;
  drain?(s: BunSocket<T>): void;
  close?(s: BunSocket<T>): void;
  error?(s: BunSocket<T>, e: Error): void;
}
declare const Bun: {
  listen<T>(o: { hostname: string; port: number; socket: Handlers<T> }): { port: number; stop(closeActive?: boolean): void };
  connect<T>(o: { hostname: string; port: number; socket: Handlers<T> }): Promise<BunSocket<T>>;
};

// What each connection keeps: the bytes write() did not take yet (sent on 'drain').
class Out {
  readonly queue: Uint8Array[] = [];
  drained: (() => void) | undefined;

  send(s: BunSocket<Out>, data: Uint8Array): void {
    if (this.queue.length > 0) {
      this.queue.push(data.slice());
      return;
    }
    const n = s.write(data);
    if (n < data.length) this.queue.push(data.slice(Math.max(n, 0)));
  }

  drain(s: BunSocket<Out>): void {
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      const n = s.write(head);
      if (n < head.length) {
        this.queue[0] = head.subarray(Math.max(n, 0));
        return;
      }
      this.queue.shift();
    }
    this.drained?.();
  }

  /** Resolves once everything queued has gone to the kernel. */
  flushed(): Promise<void> {
    return this.queue.length === 0 ? Promise.resolve() : new Promise((resolve) => (this.drained = resolve));
  }
}

const common = {
  drain: (s: BunSocket<Out>) => s.data.drain(s),
  error: (_s: BunSocket<Out>, e: Error) => fail(e.message),
};

/** Listens with `handlers`; resolves after `connections` have closed. */
function serve(cmd: Command, connections: number, handlers: Handlers<Out>): Promise<void> {
  let open = connections;
  return new Promise((resolve) => {
    const server = Bun.listen<Out>({
      hostname: '127.0.0.1',
      port: cmd.num('port', 0),
      socket: {
        ...common,
        ...handlers,
        open(s) {
          s.data = new Out();
          s.setNoDelay(cmd.noDelay);
          handlers.open?.(s);
        },
        close(s) {
          handlers.close?.(s);
          if (--open === 0) {
            server.stop();
            resolve();
          }
        },
      },
    });
    ready(server.port, undefined);
  });
}

// ---- servers ----

async function echo(cmd: Command): Promise<void> {
  await serve(cmd, cmd.num('conns', 1), { data: (s, chunk) => s.data.send(s, chunk) });
  done();
}

async function sink(cmd: Command): Promise<void> {
  const total = cmd.num('total');
  const check = new StreamCheck();
  await serve(cmd, 1, {
    data(s, chunk) {
      check.add(chunk);
      if (check.received === total) s.data.send(s, new Uint8Array([107]));
      else if (check.received > total) fail('more bytes than sent');
    },
  });
  done();
}

async function acceptLoop(cmd: Command): Promise<void> {
  const size = cmd.num('size');
  const got = new WeakMap<BunSocket<Out>, number>();
  await serve(cmd, cmd.num('count'), {
    data(s, chunk) {
      s.data.send(s, chunk);
      const n = (got.get(s) ?? 0) + chunk.length;
      got.set(s, n);
      if (n === size) void s.data.flushed().then(() => s.end());
    },
  });
  done();
}

// ---- clients ----

/** A client connection whose replies are awaited: `reply(n)` resolves once n more bytes have come. */
async function connectTo(cmd: Command, onData: (chunk: Uint8Array) => void): Promise<BunSocket<Out>> {
  const s = await Bun.connect<Out>({
    hostname: '127.0.0.1',
    port: cmd.num('port'),
    socket: { ...common, data: (_s, chunk) => onData(chunk) },
  });
  s.data = new Out();
  s.setNoDelay(cmd.noDelay);
  return s;
}

/** Counts echoed messages as they complete, and wakes whoever waits for the next one. */
class Replies {
  readonly check: EchoCheck;
  #done = 0;
  #want = 0;
  #wake: (() => void) | undefined;

  constructor(size: number, seq = 0) {
    this.check = new EchoCheck(size, seq);
  }

  add = (chunk: Uint8Array): void => {
    this.#done += this.check.add(chunk);
    if (this.#done >= this.#want) this.#wake?.();
  };

  until(n: number): Promise<void> {
    this.#want = n;
    return this.#done >= n ? Promise.resolve() : new Promise((resolve) => (this.#wake = resolve));
  }
}

async function pingPong(cmd: Command): Promise<void> {
  const size = cmd.num('size'), count = cmd.num('count');
  const replies = new Replies(size);
  const s = await connectTo(cmd, replies.add);
  const msg = message(size);
  const latencies = new Float64Array(count);
  const start = now();
  for (let i = 0; i < count; i++) {
    const t0 = now();
    s.data.send(s, setSeq(msg, i));
    await replies.until(i + 1);
    latencies[i] = now() - t0;
  }
  const secs = now() - start;
  s.end();
  result(secs, latencies);
}

async function bulk(cmd: Command): Promise<void> {
  const total = cmd.num('total'), write = cmd.num('write');
  let acked!: () => void;
  const ack = new Promise<void>((resolve) => (acked = resolve));
  const s = await connectTo(cmd, () => acked());
  const pat = pattern(write);
  const start = now();
  for (let off = 0; off < total; off += write) {
    const from = off % PERIOD;
    s.data.send(s, pat.subarray(from, from + Math.min(write, total - off)));
    await s.data.flushed();
  }
  await ack;
  const secs = now() - start;
  s.end();
  result(secs);
}

async function connectRate(cmd: Command): Promise<void> {
  const count = cmd.num('count'), size = cmd.num('size');
  const msg = message(size);
  const start = now();
  for (let i = 0; i < count; i++) {
    const replies = new Replies(size, i);
    setSeq(msg, i);
    const s = await connectTo(cmd, replies.add);
    s.data.send(s, msg);
    await replies.until(1);
    s.end();
  }
  result(now() - start);
}

await serveCommands(dispatch({ echo, sink, accept: acceptLoop }, { pingpong: pingPong, bulk, connect: connectRate }));
