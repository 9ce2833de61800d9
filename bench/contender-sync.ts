// The sockfd sync layer as a contender: blocking calls, one after another, as the C tutorials write
// them (this process never returns to its event loop while it works).
//
//   node dist/bench/contender-sync.js server|client
import { closeSync, openSync } from 'node:fs';

import {
  accept, AF_INET, bind, close, connect, getsockname, getsockopt, htons, isSyscallError, MSG_WAITFORONE, read, recv, recvfrom, recvmmsg, send, sendfile, sendto, setsockopt,
  SO_RCVTIMEO, SO_TYPE, SOCK_DGRAM,
  SOCK_STREAM, socket, SOL_SOCKET,
} from 'sockfd';
import {
  type Command, fail, FloodCheck, message, now, pattern, PERIOD, Pipeline, RECV_BUF, result, done, dispatch, serveCommandsSync, setSeq, StreamCheck,
} from './common.js';
import { closeListener, connectSync, listener, noDelay } from './sockfd-setup.js';

function sendAll(fd: number, buf: Uint8Array): void {
  for (let off = 0; off < buf.length; ) off += send(fd, off === 0 ? buf : buf.subarray(off));
}

/** Fills `buf`; false on EOF before its first byte. */
function recvExact(fd: number, buf: Uint8Array): boolean {
  let got = recv(fd, buf);
  if (got === 0) return false;
  while (got < buf.length) {
    const n = recv(fd, buf.subarray(got));
    if (n === 0) fail('EOF inside a message');
    got += n;
  }
  return true;
}

function acceptOne(lfd: number, cmd: Command): number {
  const { fd } = accept(lfd);
  noDelay(fd, cmd);
  return fd;
}

// ---- servers ----

function echo(cmd: Command): void {
  const lfd = listener(cmd, SOCK_STREAM);
  const conns = cmd.num('conns', 1);
  const fds = Array.from({ length: conns }, () => acceptOne(lfd, cmd));
  if (conns === 1) {
    const buf = new Uint8Array(RECV_BUF);
    let n: number;
    while ((n = recv(fds[0]!, buf)) > 0) sendAll(fds[0]!, buf.subarray(0, n));
  } else {
    // Lockstep, one message from each connection in turn: the client sends on all before it reads.
    const buf = new Uint8Array(cmd.num('size'));
    for (let open = true; open; ) {
      for (const fd of fds) {
        if (!(open = recvExact(fd, buf))) break;
        sendAll(fd, buf);
      }
    }
  }
  fds.forEach(close);
  closeListener(cmd, lfd);
  done();
}

// The first `total` bytes of a file on one connection: sendfile(2) calls, or read(2) and send(2).
function file(cmd: Command): void {
  const lfd = listener(cmd, SOCK_STREAM);
  const total = cmd.num('total');
  const in_fd = openSync(cmd.str('file')!, 'r');
  const fd = acceptOne(lfd, cmd);
  if (cmd.str('via') === 'readsend') {
    const buf = new Uint8Array(RECV_BUF);
    for (let sent = 0; sent < total; ) {
      const n = read(in_fd, buf, Math.min(RECV_BUF, total - sent));
      if (n === 0) fail('the file ended early');
      sendAll(fd, buf.subarray(0, n));
      sent += n;
    }
  } else {
    for (let off = 0; off < total; ) {
      const n = sendfile(fd, in_fd, off, total - off);
      if (n === 0) fail('the file ended early');
      off += n;
    }
  }
  close(fd);
  closeSync(in_fd);
  closeListener(cmd, lfd);
  done();
}

function sink(cmd: Command): void {
  const lfd = listener(cmd, SOCK_STREAM);
  const total = cmd.num('total');
  const fd = acceptOne(lfd, cmd);
  const buf = new Uint8Array(RECV_BUF);
  const check = new StreamCheck();
  while (check.received < total) {
    const n = recv(fd, buf);
    if (n === 0) fail('EOF before the total');
    check.add(buf.subarray(0, n));
  }
  if (check.received !== total) fail('more bytes than sent');
  send(fd, 'k');
  while (recv(fd, buf) > 0);
  close(fd);
  closeListener(cmd, lfd);
  done();
}

function acceptLoop(cmd: Command): void {
  const lfd = listener(cmd, SOCK_STREAM);
  const buf = new Uint8Array(cmd.num('size'));
  for (let i = cmd.num('count'); i > 0; i--) {
    const fd = acceptOne(lfd, cmd);
    if (!recvExact(fd, buf)) fail('EOF before the message');
    sendAll(fd, buf);
    close(fd);
  }
  closeListener(cmd, lfd);
  done();
}

function udpEcho(cmd: Command): void {
  const fd = listener(cmd, SOCK_DGRAM);
  const buf = new Uint8Array(65536);
  for (let i = cmd.num('count'); i > 0; i--) {
    const { bytes, addr } = recvfrom(fd, buf);
    sendto(fd, buf, bytes, 0, addr);
  }
  close(fd);
  done();
}

function udpSink(cmd: Command): void {
  const fd = listener(cmd, SOCK_DGRAM);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, { sec: 1, usec: 0 }); // the end if every end marker was lost
  const batch = cmd.num('batch', 1);
  const check = new FloodCheck(cmd.num('size'));
  try {
    if (batch === 1) {
      const buf = new Uint8Array(2048);
      while (check.add(buf.subarray(0, recvfrom(fd, buf).bytes)));
    } else {
      const bufs = Array.from({ length: batch }, () => new Uint8Array(2048));
      // MSG_WAITFORONE: block for the first datagram only, then take what is queued
      while (check.addBatch(bufs, recvmmsg(fd, bufs, MSG_WAITFORONE)));
    }
  } catch (e) {
    if (!isSyscallError(e) || e.code !== 'EAGAIN') throw e;
  }
  close(fd);
  done(check.summary);
}

// ---- clients ----

function pingPong(cmd: Command, type: number): void {
  const size = cmd.num('size'), count = cmd.num('count');
  const fd = connectSync(cmd, type);
  const msg = message(size), reply = Buffer.alloc(size);
  const latencies = new Float64Array(count);
  const start = now();
  for (let i = 0; i < count; i++) {
    setSeq(msg, i);
    const t0 = now();
    if (type === SOCK_STREAM) {
      sendAll(fd, msg);
      if (!recvExact(fd, reply)) fail('EOF');
    } else if (send(fd, msg) !== size || recv(fd, reply) !== size) fail('short datagram');
    latencies[i] = now() - t0;
    if (!msg.equals(reply)) fail('echo differs');
  }
  const secs = now() - start;
  close(fd);
  result(secs, latencies);
}

function pipeline(cmd: Command): void {
  const fd = connectSync(cmd, SOCK_STREAM);
  const pipe = new Pipeline(cmd.num('size'), cmd.num('count'), cmd.num('depth'));
  const buf = new Uint8Array(RECV_BUF);
  const start = now();
  sendAll(fd, pipe.start());
  while (!pipe.done) {
    const n = recv(fd, buf);
    if (n === 0) fail('EOF');
    const next = pipe.add(buf.subarray(0, n));
    if (next.length > 0) sendAll(fd, next);
  }
  const secs = now() - start;
  close(fd);
  result(secs);
}

function conns(cmd: Command): void {
  const size = cmd.num('size'), count = cmd.num('count'), conns = cmd.num('conns');
  const fds = Array.from({ length: conns }, () => connectSync(cmd, SOCK_STREAM));
  const msg = message(size), reply = Buffer.alloc(size);
  const start = now();
  for (let r = 0; r < count / conns; r++) {
    setSeq(msg, r);
    for (const fd of fds) sendAll(fd, msg);
    for (const fd of fds) if (!recvExact(fd, reply) || !msg.equals(reply)) fail('echo differs');
  }
  const secs = now() - start;
  fds.forEach(close);
  result(secs);
}

function bulk(cmd: Command): void {
  const total = cmd.num('total'), write = cmd.num('write');
  const fd = connectSync(cmd, SOCK_STREAM);
  const pat = pattern(write), ack = new Uint8Array(1);
  const start = now();
  for (let off = 0; off < total; off += write) {
    const from = off % PERIOD;
    sendAll(fd, pat.subarray(from, from + Math.min(write, total - off)));
  }
  if (!recvExact(fd, ack)) fail('no acknowledgement');
  const secs = now() - start;
  close(fd);
  result(secs);
}

function connectRate(cmd: Command): void {
  const count = cmd.num('count'), size = cmd.num('size');
  const msg = message(size), reply = Buffer.alloc(size);
  const start = now();
  for (let i = 0; i < count; i++) {
    const fd = connectSync(cmd, SOCK_STREAM);
    sendAll(fd, setSeq(msg, i));
    if (!recvExact(fd, reply) || !msg.equals(reply)) fail('echo differs');
    close(fd);
  }
  result(now() - start);
}

function calls(cmd: Command): void {
  const op = cmd.str('op');
  if (op === 'recv' || op === 'recvfrom') return receives(cmd, op);
  const count = cmd.num('count');
  if (op === 'htons') {
    let sum = 0;
    const start = now();
    for (let i = 0; i < count; i++) sum += htons(i & 0xffff);
    const secs = now() - start;
    if (sum === 0) fail('htons');
    return result(secs);
  }
  const fd = socket(AF_INET, SOCK_STREAM);
  let type = 0;
  const start = now();
  for (let i = 0; i < count; i++) type = getsockopt(fd, SOL_SOCKET, SO_TYPE) as number;
  const secs = now() - start;
  if (type !== SOCK_STREAM) fail('SO_TYPE');
  close(fd);
  result(secs);
}

// `count` receives of 64-byte datagrams from a UDP socket this process filled, timed in batches that
// leave the sends out: recv(2), or recvfrom(2) and its address.
function receives(cmd: Command, op: 'recv' | 'recvfrom'): void {
  const count = cmd.num('count'), batch = 256;
  const rx = socket(AF_INET, SOCK_DGRAM), tx = socket(AF_INET, SOCK_DGRAM);
  bind(rx, { family: 'AF_INET', address: '127.0.0.1', port: 0 });
  connect(tx, getsockname(rx)!);
  const msg = message(64), buf = Buffer.alloc(64);
  let secs = 0;
  for (let done = 0; done < count; done += batch) {
    for (let i = 0; i < batch; i++) send(tx, msg, 64, 0);
    const start = now();
    if (op === 'recv') for (let i = 0; i < batch; i++) recv(rx, buf, 64, 0);
    else for (let i = 0; i < batch; i++) recvfrom(rx, buf, 64, 0);
    secs += now() - start;
  }
  close(rx);
  close(tx);
  result(secs);
}

serveCommandsSync(
  dispatch(
    { echo, sink, file, accept: acceptLoop, 'udp-echo': udpEcho, 'udp-sink': udpSink },
    {
      pingpong: (cmd) => pingPong(cmd, SOCK_STREAM),
      'udp-pingpong': (cmd) => pingPong(cmd, SOCK_DGRAM),
      pipeline,
      conns,
      bulk,
      connect: connectRate,
      calls,
    },
  ),
);
