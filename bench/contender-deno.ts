// Deno's own sockets as a contender (Deno.listen / Deno.connect, awaited reads and writes), written
// as Deno's manual shows them; the TCP workloads only (ping-pong, bulk, accept rate).
//
//   deno run -A dist/bench/contender-deno.js server|client
import { type Command, done, fail, message, now, pattern, PERIOD, RECV_BUF, ready, result, dispatch, serveCommands, setSeq, StreamCheck } from './common.js';

// The part of Deno's API this file uses (the bench is compiled without Deno's types).
interface DenoConn {
  read(buf: Uint8Array): Promise<number | null>;
  write(data: Uint8Array): Promise<number>;
  setNoDelay(on: boolean): void;
  close(): void;
}
interface DenoListener {
  addr: { port: number };
  accept(): Promise<DenoConn>;
  close(): void;
}
declare const Deno: {
  listen(o: { hostname: string; port: number }): DenoListener;
  connect(o: { hostname: string; port: number }): Promise<DenoConn>;
};

async function writeAll(conn: DenoConn, data: Uint8Array): Promise<void> {
  for (let off = 0; off < data.length; ) off += await conn.write(data.subarray(off));
}

async function readExact(conn: DenoConn, buf: Uint8Array): Promise<boolean> {
  let got = 0;
  while (got < buf.length) {
    const n = await conn.read(buf.subarray(got));
    if (n === null) {
      if (got === 0) return false;
      fail('EOF inside a message');
    }
    got += n;
  }
  return true;
}

function listen(cmd: Command): DenoListener {
  const l = Deno.listen({ hostname: '127.0.0.1', port: cmd.num('port', 0) });
  ready(l.addr.port, undefined);
  return l;
}

async function acceptOne(l: DenoListener, cmd: Command): Promise<DenoConn> {
  const conn = await l.accept();
  conn.setNoDelay(cmd.noDelay);
  return conn;
}

async function connectTo(cmd: Command): Promise<DenoConn> {
  const conn = await Deno.connect({ hostname: '127.0.0.1', port: cmd.num('port') });
  conn.setNoDelay(cmd.noDelay);
  return conn;
}

// ---- servers ----

async function echoConnection(conn: DenoConn): Promise<void> {
  const buf = new Uint8Array(RECV_BUF);
  let n: number | null;
  while ((n = await conn.read(buf)) !== null) await writeAll(conn, buf.subarray(0, n));
  conn.close();
}

async function echo(cmd: Command): Promise<void> {
  const l = listen(cmd);
  const served: Promise<void>[] = [];
  for (let i = cmd.num('conns', 1); i > 0; i--) served.push(echoConnection(await acceptOne(l, cmd)));
  await Promise.all(served);
  l.close();
  done();
}

async function sink(cmd: Command): Promise<void> {
  const l = listen(cmd);
  const total = cmd.num('total');
  const conn = await acceptOne(l, cmd);
  const buf = new Uint8Array(RECV_BUF);
  const check = new StreamCheck();
  while (check.received < total) {
    const n = await conn.read(buf);
    if (n === null) fail('EOF before the total');
    check.add(buf.subarray(0, n));
  }
  await writeAll(conn, new Uint8Array([107]));
  while ((await conn.read(buf)) !== null);
  conn.close();
  l.close();
  done();
}

async function exchangeOnce(conn: DenoConn, size: number): Promise<void> {
  const buf = new Uint8Array(size);
  if (!(await readExact(conn, buf))) fail('EOF before the message');
  await writeAll(conn, buf);
  conn.close();
}

async function acceptLoop(cmd: Command): Promise<void> {
  const l = listen(cmd);
  const size = cmd.num('size');
  const served: Promise<void>[] = [];
  for (let i = cmd.num('count'); i > 0; i--) served.push(exchangeOnce(await acceptOne(l, cmd), size));
  await Promise.all(served);
  l.close();
  done();
}

// ---- clients ----

async function pingPong(cmd: Command): Promise<void> {
  const size = cmd.num('size'), count = cmd.num('count');
  const conn = await connectTo(cmd);
  const msg = message(size), reply = Buffer.alloc(size);
  const latencies = new Float64Array(count);
  const start = now();
  for (let i = 0; i < count; i++) {
    setSeq(msg, i);
    const t0 = now();
    await writeAll(conn, msg);
    if (!(await readExact(conn, reply))) fail('EOF');
    latencies[i] = now() - t0;
    if (!msg.equals(reply)) fail('echo differs');
  }
  const secs = now() - start;
  conn.close();
  result(secs, latencies);
}

async function bulk(cmd: Command): Promise<void> {
  const total = cmd.num('total'), write = cmd.num('write');
  const conn = await connectTo(cmd);
  const pat = pattern(write), ack = new Uint8Array(1);
  const start = now();
  for (let off = 0; off < total; off += write) {
    const from = off % PERIOD;
    await writeAll(conn, pat.subarray(from, from + Math.min(write, total - off)));
  }
  if (!(await readExact(conn, ack))) fail('no acknowledgement');
  const secs = now() - start;
  conn.close();
  result(secs);
}

async function connectRate(cmd: Command): Promise<void> {
  const count = cmd.num('count'), size = cmd.num('size');
  const msg = message(size), reply = Buffer.alloc(size);
  const start = now();
  for (let i = 0; i < count; i++) {
    const conn = await connectTo(cmd);
    await writeAll(conn, setSeq(msg, i));
    if (!(await readExact(conn, reply)) || !msg.equals(reply)) fail('echo differs');
    conn.close();
  }
  result(now() - start);
}

await serveCommands(dispatch({ echo, sink, accept: acceptLoop }, { pingpong: pingPong, bulk, connect: connectRate }));
