// The soak: 1,000,000 sockfd calls in a loop (socket, connect, accept, send, recv, close), over TCP on
// loopback and AF_UNIX, through sockfd/promises (every call that can wait is awaited) and the sync API.
// Checked at the end: the fd table back to where it was, the engine holding no fd state, registration
// or operation, the loop's handle count unchanged, and RSS after warm-up within --rss-bound MiB.
//
//   node --expose-gc test/soak/ops.mjs [--ops 1000000] [--rss-bound 8]
import { readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';

import * as s from 'sockfd';
import * as p from 'sockfd/promises';
import { native } from '../../dist/binding.js';

const { values: opts } = parseArgs({ options: { ops: { type: 'string', default: '1000000' }, 'rss-bound': { type: 'string', default: '8' } } });
const target = Number(opts.ops);
const rssBound = Number(opts['rss-bound']) * 2 ** 20;
if (typeof gc !== 'function') throw new Error('run with --expose-gc');

const fdCount = () => readdirSync('/proc/self/fd').length - 1; // minus the listing's own
const rss = () => {
  gc();
  return process.memoryUsage().rss;
};
const mib = (n) => `${(n / 2 ** 20).toFixed(1)} MiB`;

let ops = 0;
const call = (result) => {
  ops++;
  return result;
};

const msg = Buffer.alloc(64, 'soak');
const buf = Buffer.alloc(64);

// One cycle over sockfd/promises: 9 calls. The accept and each first recv are made before there is
// anything to take, so they wait: every cycle registers fds with the engine and forgets them (the listener stays).
async function promisesCycle(listener, family, addr) {
  const accepted = call(p.accept(listener));
  const c = call(s.socket(family, s.SOCK_STREAM | s.SOCK_NONBLOCK));
  await call(p.connect(c, addr));
  const { fd: a } = await accepted;
  const request = recvAll(a);
  await call(p.send(c, msg));
  await request;
  const reply = recvAll(c);
  await call(p.send(a, msg));
  await reply;
  call(s.close(c));
  call(s.close(a));
}
async function recvAll(fd) {
  for (let got = 0; got < msg.length; ) {
    const n = await call(p.recv(fd, buf, msg.length - got));
    if (n === 0) throw new Error('early end of stream');
    got += n;
  }
}

// One cycle of blocking sync calls: 9 calls (the connect completes into the listener's backlog).
function syncCycle(listener, family, addr) {
  const c = call(s.socket(family, s.SOCK_STREAM));
  call(s.connect(c, addr));
  const { fd: a } = call(s.accept(listener));
  call(s.send(c, msg));
  if (call(s.recv(a, buf, msg.length, s.MSG_WAITALL)) !== msg.length) throw new Error('short recv');
  call(s.send(a, msg));
  if (call(s.recv(c, buf, msg.length, s.MSG_WAITALL)) !== msg.length) throw new Error('short recv');
  call(s.close(c));
  call(s.close(a));
}

const path = `\0sockfd-soak-${process.pid}`;
const listeners = [];
function listener(family, addr) {
  const fd = s.socket(family, s.SOCK_STREAM);
  if (family === s.AF_INET) s.setsockopt(fd, s.SOL_SOCKET, s.SO_REUSEADDR, 1);
  s.bind(fd, addr);
  s.listen(fd, 64);
  listeners.push(fd);
  return [fd, family === s.AF_INET ? s.getsockname(fd) : addr];
}

// The readiness engine starts (its epoll fd, and the waiter's eventfd under SOCKFD_ENGINE=thread) at
// the first wait: make one first, so that the baseline holds them.
{
  const [x, y] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM);
  setImmediate(() => s.send(y, 'x'));
  await p.recv(x, new Uint8Array(1));
  s.close(x);
  s.close(y);
}
const fdsAtStart = fdCount();
const statsAtStart = native.engineStats();
const [tcp, tcpAddr] = listener(s.AF_INET, { family: 'AF_INET', address: '127.0.0.1', port: 0 });
const [unix, unixAddr] = listener(s.AF_UNIX, { family: 'AF_UNIX', path });

// TCP connections closed by the client first leave it a TIME_WAIT port each; loopback reuses them
// (tcp_tw_reuse), and half the cycles go over AF_UNIX, so the ephemeral range is never used up.
const started = performance.now();
const samples = [];
let cycle = 0;
let nextSample = target / 10;
while (ops < target) {
  const kind = cycle++ % 4;
  if (kind === 0) await promisesCycle(tcp, s.AF_INET, tcpAddr);
  else if (kind === 1) await promisesCycle(unix, s.AF_UNIX, unixAddr);
  else if (kind === 2) syncCycle(tcp, s.AF_INET, tcpAddr);
  else syncCycle(unix, s.AF_UNIX, unixAddr);
  if (ops >= nextSample) {
    samples.push({ ops, rss: rss(), fds: fdCount(), ...native.engineStats() });
    nextSample += target / 10;
  }
}
const seconds = (performance.now() - started) / 1000;
for (const fd of listeners) s.close(fd);
const fdsAtEnd = fdCount();
const statsAtEnd = native.engineStats();

// Warm-up is the first 10%: RSS from then on must stay within the bound.
const afterWarmup = samples.map((x) => x.rss);
const growth = Math.max(...afterWarmup) - afterWarmup[0];
const report = {
  ops,
  cycles: cycle,
  seconds: Number(seconds.toFixed(1)),
  opsPerSecond: Math.round(ops / seconds),
  fds: { start: fdsAtStart, end: fdsAtEnd, maxDuring: Math.max(...samples.map((x) => x.fds)) },
  rss: { afterWarmup: mib(afterWarmup[0]), max: mib(Math.max(...afterWarmup)), end: mib(afterWarmup.at(-1)), growth: mib(growth), bound: mib(rssBound) },
  engine: { start: statsAtStart, end: statsAtEnd, maxFdStates: Math.max(...samples.map((x) => x.fdStates)), maxRegistered: Math.max(...samples.map((x) => x.registered)), maxLoopPollHandles: Math.max(...samples.map((x) => x.loopPollHandles ?? 0)) },
  rssSamples: samples.map((x) => `${x.ops}: ${mib(x.rss)}`),
};
console.log(JSON.stringify(report, null, 2));

const failures = [];
if (fdsAtEnd !== fdsAtStart) failures.push(`fd count ${fdsAtStart} -> ${fdsAtEnd}`);
if (growth > rssBound) failures.push(`RSS grew ${mib(growth)} after warm-up (bound ${mib(rssBound)})`);
for (const key of Object.keys(statsAtStart)) {
  const [was, is] = [JSON.stringify(statsAtStart[key]), JSON.stringify(statsAtEnd[key])];
  if (was !== is) failures.push(`engine ${key} ${was} -> ${is}`);
}
if (failures.length) {
  console.error(`soak FAILED: ${failures.join('; ')}`);
  process.exit(1);
}
console.error(`soak ok: ${ops.toLocaleString('en')} calls in ${seconds.toFixed(1)} s; fds ${fdsAtStart} -> ${fdsAtEnd}; RSS growth after warm-up ${mib(growth)} (bound ${mib(rssBound)}); engine back to ${JSON.stringify(statsAtEnd)}`);
