// sockfd epoll as a contender: the C epoll contender's shape in TypeScript. Non-blocking sync calls
// (MSG_DONTWAIT); on EAGAIN, the awaitable epoll_wait on one epoll fd, where every socket is
// registered once, edge-triggered, for reading (a full send buffer waits in an awaited poll for
// POLLOUT, as the C contender's send_all does: EPOLLOUT edges would wake every reader for nothing).
// The event loop is never blocked; no promise per recv or send.
//
//   node dist/bench/contender-epoll.js server|client
import {
  accept, close, EPOLL_CLOEXEC, EPOLL_CTL_ADD, EPOLL_CTL_DEL, epoll_create1, epoll_ctl, EPOLLET, EPOLLIN, EPOLLRDHUP, isSyscallError, MSG_DONTWAIT,
  POLLOUT, recv, recvfrom, recvmmsg, send, SOCK_DGRAM, SOCK_STREAM,
} from 'sockfd';
import { epoll_wait, poll } from 'sockfd/promises';
import { type Command, done, fail, FloodCheck, message, now, Pipeline, RECV_BUF, result, dispatch, serveCommands, setSeq } from './common.js';
import { closeListener, connectSync, listener, noDelay } from './sockfd-setup.js';

const epfd = epoll_create1(EPOLL_CLOEXEC);

function watch(fd: number): number {
  epoll_ctl(epfd, EPOLL_CTL_ADD, fd, { events: EPOLLIN | EPOLLRDHUP | EPOLLET });
  return fd;
}

function unwatch(fd: number): void {
  epoll_ctl(epfd, EPOLL_CTL_DEL, fd, null);
}

const again = (e: unknown) => isSyscallError(e) && e.code === 'EAGAIN';

/** recv(MSG_DONTWAIT), or -1 for EAGAIN. */
function tryRecv(fd: number, buf: Uint8Array): number {
  try {
    return recv(fd, buf, undefined, MSG_DONTWAIT);
  } catch (e) {
    if (again(e)) return -1;
    throw e;
  }
}

// A TCP recv that returns less than its buffer has taken all the socket had: with edge-triggered
// registrations the next bytes come with a new event, so the reactor waits for it instead of making
// the recv that would say EAGAIN (and cost an exception). A full buffer may leave more: read again.
const mayHaveMore = new Set<number>();

/** One connection's next bytes (ping-pong and pipeline clients: one fd on the epoll fd). */
async function recvSome(fd: number, buf: Uint8Array): Promise<number> {
  for (;;) {
    if (!mayHaveMore.has(fd)) await epoll_wait(epfd, 16);
    const n = tryRecv(fd, buf);
    if (n === buf.length) mayHaveMore.add(fd);
    else mayHaveMore.delete(fd);
    if (n >= 0) return n;
  }
}

async function sendAll(fd: number, buf: Uint8Array): Promise<void> {
  for (let off = 0; off < buf.length; ) {
    try {
      off += send(fd, off === 0 ? buf : buf.subarray(off), undefined, MSG_DONTWAIT);
    } catch (e) {
      if (!again(e)) throw e;
      await poll([{ fd, events: POLLOUT }]);
    }
  }
}

async function recvExact(fd: number, buf: Uint8Array): Promise<boolean> {
  let got = await recvSome(fd, buf);
  if (got === 0) return false;
  while (got < buf.length) {
    const n = await recvSome(fd, buf.subarray(got));
    if (n === 0) fail('EOF inside a message');
    got += n;
  }
  return true;
}

// ---- servers ----

async function echo(cmd: Command): Promise<void> {
  const lfd = listener(cmd, SOCK_STREAM);
  const conns = cmd.num('conns', 1);
  const fds: number[] = [];
  for (let i = 0; i < conns; i++) {
    const { fd } = accept(lfd); // the listener is blocking: the clients connect at once
    noDelay(fd, cmd);
    fds.push(watch(fd));
  }
  const buf = new Uint8Array(RECV_BUF);
  // Any order: on each wake-up, echo what every ready connection has, until EAGAIN (edge-triggered).
  for (let open = conns; open > 0; ) {
    const events = await epoll_wait(epfd, 64);
    for (const { data: fd } of events) {
      for (;;) {
        const n = tryRecv(fd, buf);
        if (n < 0) break;
        if (n === 0) {
          unwatch(fd);
          open--;
          break;
        }
        await sendAll(fd, buf.subarray(0, n));
        if (n < buf.length) break; // all it had (see mayHaveMore)
      }
    }
  }
  fds.forEach(close);
  closeListener(cmd, lfd);
  done();
}

// ---- clients ----

async function pingPong(cmd: Command): Promise<void> {
  const size = cmd.num('size'), count = cmd.num('count');
  const fd = watch(connectSync(cmd, SOCK_STREAM));
  const msg = message(size), reply = Buffer.alloc(size);
  const latencies = new Float64Array(count);
  const start = now();
  for (let i = 0; i < count; i++) {
    setSeq(msg, i);
    const t0 = now();
    await sendAll(fd, msg);
    if (!(await recvExact(fd, reply))) fail('EOF');
    latencies[i] = now() - t0;
    if (!msg.equals(reply)) fail('echo differs');
  }
  const secs = now() - start;
  unwatch(fd);
  close(fd);
  result(secs, latencies);
}

async function pipeline(cmd: Command): Promise<void> {
  const fd = watch(connectSync(cmd, SOCK_STREAM));
  const pipe = new Pipeline(cmd.num('size'), cmd.num('count'), cmd.num('depth'));
  const buf = new Uint8Array(RECV_BUF);
  const start = now();
  await sendAll(fd, pipe.start());
  while (!pipe.done) {
    const n = await recvSome(fd, buf);
    if (n === 0) fail('EOF');
    const next = pipe.add(buf.subarray(0, n));
    if (next.length > 0) await sendAll(fd, next);
  }
  const secs = now() - start;
  unwatch(fd);
  close(fd);
  result(secs);
}

// `conns` connections, one message in flight on each, served in whatever order they become ready.
async function conns(cmd: Command): Promise<void> {
  const size = cmd.num('size'), count = cmd.num('count'), n = cmd.num('conns');
  const fds = Array.from({ length: n }, () => watch(connectSync(cmd, SOCK_STREAM)));
  const index = new Map(fds.map((fd, i) => [fd, i]));
  const per = count / n;
  const rounds = new Array<number>(n).fill(0), got = new Array<number>(n).fill(0);
  const replies = fds.map(() => Buffer.alloc(size));
  const msg = message(size);
  const start = now();
  setSeq(msg, 0);
  for (const fd of fds) await sendAll(fd, msg);
  for (let finished = 0; finished < n; ) {
    for (const { data: fd } of await epoll_wait(epfd, 64)) {
      const i = index.get(fd)!;
      if (rounds[i] === per) continue;
      const r = tryRecv(fd, replies[i]!.subarray(got[i]));
      if (r < 0) continue;
      if (r === 0) fail('EOF');
      if ((got[i]! += r) < size) continue; // a short read took all there was: the rest comes with an event
      if (!setSeq(msg, rounds[i]!).equals(replies[i]!)) fail('echo differs');
      got[i] = 0;
      if (++rounds[i]! === per) finished++;
      else await sendAll(fd, setSeq(msg, rounds[i]!)); // one message in flight: nothing more until its echo
    }
  }
  const secs = now() - start;
  for (const fd of fds) {
    unwatch(fd);
    close(fd);
  }
  result(secs);
}

// A UDP flood's receiver: drain the socket with non-blocking recvfrom (batch=1) or recvmmsg (up to
// `batch` datagrams a call) until EAGAIN, then wait on the epoll fd; a second without an event means
// the sender's end marker was lost: the end all the same.
async function udpSink(cmd: Command): Promise<void> {
  const fd = watch(listener(cmd, SOCK_DGRAM));
  const batch = cmd.num('batch', 1);
  const check = new FloodCheck(cmd.num('size'));
  const bufs = Array.from({ length: batch }, () => new Uint8Array(2048));
  for (;;) {
    let more: boolean;
    try {
      more = batch === 1 ? check.add(bufs[0]!.subarray(0, recvfrom(fd, bufs[0]!, undefined, MSG_DONTWAIT).bytes)) : check.addBatch(bufs, recvmmsg(fd, bufs, MSG_DONTWAIT));
    } catch (e) {
      if (!again(e)) throw e;
      if ((await epoll_wait(epfd, 16, 1000)).length === 0) break;
      continue;
    }
    if (!more) break;
  }
  unwatch(fd);
  close(fd);
  done(check.summary);
}

await serveCommands(dispatch({ echo, 'udp-sink': udpSink }, { pingpong: pingPong, pipeline, conns }));
