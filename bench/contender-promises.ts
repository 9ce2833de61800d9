// sockfd/promises as a contender: every wait is an await on the event loop; servers serve their
// connections concurrently, one async function each (the shape of examples/echo_async.ts).
//
//   node dist/bench/contender-promises.js server|client
import { closeSync, openSync } from 'node:fs';

import { close, read, SOCK_DGRAM, SOCK_STREAM } from 'sockfd';
import { accept, connect, recv, recvfrom, recvmmsg, send, sendAll, sendfile, sendto } from 'sockfd/promises';
import {
  type Command, done, fail, FloodCheck, message, now, pattern, PERIOD, Pipeline, RECV_BUF, result, dispatch, serveCommands, setSeq, StreamCheck,
} from './common.js';
import { clientSocket, closeListener, listener, noDelay } from './sockfd-setup.js';

/** Fills `buf`; false on EOF before its first byte. */
async function recvExact(fd: number, buf: Uint8Array): Promise<boolean> {
  let got = await recv(fd, buf);
  if (got === 0) return false;
  while (got < buf.length) {
    const n = await recv(fd, buf.subarray(got));
    if (n === 0) fail('EOF inside a message');
    got += n;
  }
  return true;
}

async function acceptOne(lfd: number, cmd: Command): Promise<number> {
  const { fd } = await accept(lfd);
  noDelay(fd, cmd);
  return fd;
}

async function connectTo(cmd: Command, type: number): Promise<number> {
  const { fd, addr } = clientSocket(cmd, type);
  await connect(fd, addr);
  if (type === SOCK_STREAM) noDelay(fd, cmd);
  return fd;
}

// ---- servers ----

async function echoConnection(fd: number): Promise<void> {
  const buf = new Uint8Array(RECV_BUF);
  let n: number;
  while ((n = await recv(fd, buf)) > 0) await sendAll(fd, buf, n);
  close(fd);
}

async function echo(cmd: Command): Promise<void> {
  const lfd = listener(cmd, SOCK_STREAM);
  const served: Promise<void>[] = [];
  for (let i = cmd.num('conns', 1); i > 0; i--) served.push(echoConnection(await acceptOne(lfd, cmd)));
  await Promise.all(served);
  closeListener(cmd, lfd);
  done();
}

// The first `total` bytes of a file on one connection: the awaitable sendfile, or read(2) (a file read
// does not wait) and an awaited sendAll.
async function file(cmd: Command): Promise<void> {
  const lfd = listener(cmd, SOCK_STREAM);
  const total = cmd.num('total');
  const in_fd = openSync(cmd.str('file')!, 'r');
  const fd = await acceptOne(lfd, cmd);
  if (cmd.str('via') === 'readsend') {
    const buf = new Uint8Array(RECV_BUF);
    for (let sent = 0; sent < total; ) {
      const n = read(in_fd, buf, Math.min(RECV_BUF, total - sent));
      if (n === 0) fail('the file ended early');
      await sendAll(fd, buf, n);
      sent += n;
    }
  } else if ((await sendfile(fd, in_fd, 0, total)) !== total) {
    fail('the file ended early');
  }
  close(fd);
  closeSync(in_fd);
  closeListener(cmd, lfd);
  done();
}

async function sink(cmd: Command): Promise<void> {
  const lfd = listener(cmd, SOCK_STREAM);
  const total = cmd.num('total');
  const fd = await acceptOne(lfd, cmd);
  const buf = new Uint8Array(RECV_BUF);
  const check = new StreamCheck();
  while (check.received < total) {
    const n = await recv(fd, buf);
    if (n === 0) fail('EOF before the total');
    check.add(buf.subarray(0, n));
  }
  if (check.received !== total) fail('more bytes than sent');
  await sendAll(fd, 'k');
  while ((await recv(fd, buf)) > 0);
  close(fd);
  closeListener(cmd, lfd);
  done();
}

async function exchangeOnce(fd: number, size: number): Promise<void> {
  const buf = new Uint8Array(size);
  if (!(await recvExact(fd, buf))) fail('EOF before the message');
  await sendAll(fd, buf);
  close(fd);
}

async function acceptLoop(cmd: Command): Promise<void> {
  const lfd = listener(cmd, SOCK_STREAM);
  const size = cmd.num('size');
  const served: Promise<void>[] = [];
  for (let i = cmd.num('count'); i > 0; i--) served.push(exchangeOnce(await acceptOne(lfd, cmd), size));
  await Promise.all(served);
  closeListener(cmd, lfd);
  done();
}

async function udpEcho(cmd: Command): Promise<void> {
  const fd = listener(cmd, SOCK_DGRAM);
  const buf = new Uint8Array(65536);
  for (let i = cmd.num('count'); i > 0; i--) {
    const { bytes, addr } = await recvfrom(fd, buf);
    await sendto(fd, buf, bytes, 0, addr);
  }
  close(fd);
  done();
}

async function udpSink(cmd: Command): Promise<void> {
  const fd = listener(cmd, SOCK_DGRAM);
  const batch = cmd.num('batch', 1);
  const check = new FloodCheck(cmd.num('size'));
  const cancel = check.stopAfterSilence(() => close(fd)); // the waiting call then rejects: ECANCELED
  try {
    if (batch === 1) {
      const buf = new Uint8Array(2048);
      while (check.add(buf.subarray(0, (await recvfrom(fd, buf)).bytes)));
    } else {
      const bufs = Array.from({ length: batch }, () => new Uint8Array(2048));
      while (check.addBatch(bufs, await recvmmsg(fd, bufs)));
    }
    close(fd);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ECANCELED') throw e;
  }
  cancel();
  done(check.summary);
}

// ---- clients ----

async function pingPong(cmd: Command, type: number): Promise<void> {
  const size = cmd.num('size'), count = cmd.num('count');
  const fd = await connectTo(cmd, type);
  const msg = message(size), reply = Buffer.alloc(size);
  const latencies = new Float64Array(count);
  const start = now();
  for (let i = 0; i < count; i++) {
    setSeq(msg, i);
    const t0 = now();
    if (type === SOCK_STREAM) {
      await sendAll(fd, msg);
      if (!(await recvExact(fd, reply))) fail('EOF');
    } else if ((await send(fd, msg)) !== size || (await recv(fd, reply)) !== size) fail('short datagram');
    latencies[i] = now() - t0;
    if (!msg.equals(reply)) fail('echo differs');
  }
  const secs = now() - start;
  close(fd);
  result(secs, latencies);
}

async function pipeline(cmd: Command): Promise<void> {
  const fd = await connectTo(cmd, SOCK_STREAM);
  const pipe = new Pipeline(cmd.num('size'), cmd.num('count'), cmd.num('depth'));
  const buf = new Uint8Array(RECV_BUF);
  const start = now();
  await sendAll(fd, pipe.start());
  while (!pipe.done) {
    const n = await recv(fd, buf);
    if (n === 0) fail('EOF');
    const next = pipe.add(buf.subarray(0, n));
    if (next.length > 0) await sendAll(fd, next);
  }
  const secs = now() - start;
  close(fd);
  result(secs);
}

async function conns(cmd: Command): Promise<void> {
  const size = cmd.num('size'), count = cmd.num('count'), conns = cmd.num('conns');
  const fds = await Promise.all(Array.from({ length: conns }, () => connectTo(cmd, SOCK_STREAM)));
  const start = now();
  await Promise.all(
    fds.map(async (fd) => {
      const msg = message(size), reply = Buffer.alloc(size);
      for (let r = 0; r < count / conns; r++) {
        await sendAll(fd, setSeq(msg, r));
        if (!(await recvExact(fd, reply)) || !msg.equals(reply)) fail('echo differs');
      }
    }),
  );
  const secs = now() - start;
  fds.forEach(close);
  result(secs);
}

async function bulk(cmd: Command): Promise<void> {
  const total = cmd.num('total'), write = cmd.num('write');
  const fd = await connectTo(cmd, SOCK_STREAM);
  const pat = pattern(write), ack = new Uint8Array(1);
  const start = now();
  for (let off = 0; off < total; off += write) {
    const from = off % PERIOD;
    await sendAll(fd, pat.subarray(from, from + Math.min(write, total - off)));
  }
  if (!(await recvExact(fd, ack))) fail('no acknowledgement');
  const secs = now() - start;
  close(fd);
  result(secs);
}

async function connectRate(cmd: Command): Promise<void> {
  const count = cmd.num('count'), size = cmd.num('size');
  const msg = message(size), reply = Buffer.alloc(size);
  const start = now();
  for (let i = 0; i < count; i++) {
    const fd = await connectTo(cmd, SOCK_STREAM);
    await sendAll(fd, setSeq(msg, i));
    if (!(await recvExact(fd, reply)) || !msg.equals(reply)) fail('echo differs');
    close(fd);
  }
  result(now() - start);
}

await serveCommands(
  dispatch(
    { echo, sink, file, accept: acceptLoop, 'udp-echo': udpEcho, 'udp-sink': udpSink },
    {
      pingpong: (cmd) => pingPong(cmd, SOCK_STREAM),
      'udp-pingpong': (cmd) => pingPong(cmd, SOCK_DGRAM),
      pipeline,
      conns,
      bulk,
      connect: connectRate,
    },
  ),
);
