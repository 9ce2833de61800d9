// "strace shows it": every sync function makes exactly the one system call it is named after, and
// sockfd's own trace (SOCKFD_TRACE=1, trace()) prints the calls strace sees, call for call, line for line.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { fixtures, Interactive, underSanitizers, withTmpDir, withTmpDirAsync } from './helpers.js';

const hasStrace = spawnSync('strace', ['-V']).status === 0;
const examples = join(createRequire(import.meta.url).resolve('sockfd'), '..', 'examples');

// What each call in fixtures/one-call-each.mjs shows up as. On Linux, glibc's send()/recv() are the
// sendto/recvfrom system calls with a NULL address (there is no send syscall on x86_64 or arm64).
const expected = [
  'socket', 'setsockopt', 'bind', 'listen', 'getsockname', 'socket', 'connect', 'accept4', 'getpeername',
  'sendto', 'recvfrom', 'sendto', 'recvfrom', 'write', 'read', 'writev', 'readv', 'getsockopt', 'ioctl',
  'fcntl', 'shutdown', 'socketpair', 'close', 'close', 'close', 'close', 'close',
];

// strace -f splits a call that another thread's call interrupts: "12 socket(AF_INET <unfinished ...>"
// then later "12 <... socket resumed>) = 3". Joined back into one line, in the place of the first part.
function joinResumed(trace: string): string[] {
  const lines = trace.split('\n');
  const open = new Map<string, number>(); // tid -> index of its unfinished line
  const out: string[] = [];
  for (const l of lines) {
    const unfinished = /^(\d+)\s+(.*) <unfinished \.\.\.>$/.exec(l);
    const resumed = /^(\d+)\s+<\.\.\. \w+ resumed>(.*)$/.exec(l);
    if (unfinished) {
      open.set(unfinished[1]!, out.length);
      out.push(`${unfinished[1]} ${unfinished[2]}`);
    } else if (resumed && open.has(resumed[1]!)) {
      out[open.get(resumed[1]!)!] += resumed[2];
      open.delete(resumed[1]!);
    } else {
      out.push(l);
    }
  }
  return out;
}

// A line of strace -f: "<tid> call(args) = result".
type Line = { tid: string; call: string; text: string };
function parseStrace(trace: string): Line[] {
  return joinResumed(trace).flatMap((l) => {
    const m = /^(\d+)\s+((\w+)\(.*)$/.exec(l);
    return m ? [{ tid: m[1]!, call: m[3]!, text: m[2]! }] : [];
  });
}

// The calls sockfd can make. Node's own thread also reads, writes and closes its files, and checks what
// stdout is with getsockopt/getsockname when it is a socket, so a line counts only if it is a call that
// made an fd of sockfd's (socket, socketpair, accept4, or received with SCM_RIGHTS) or one on such an fd
// while it is open.
const onFd = new Set([
  'close', 'shutdown', 'ioctl', 'fcntl', 'bind', 'listen', 'accept4', 'connect', 'getsockname', 'getpeername',
  'sendto', 'recvfrom', 'read', 'write', 'readv', 'writev', 'setsockopt', 'getsockopt', 'sendmsg', 'recvmsg',
  'sendmmsg', 'recvmmsg', 'epoll_ctl', 'epoll_wait', 'dup', 'dup2', 'dup3', 'sendfile',
]);
// poll and select name their fds inside their arguments: [{fd=3, ...}], [3 4]
const withFds = new Set(['poll', 'pselect6']);
const sockfdCalls = new Set(['socket', 'socketpair', 'epoll_create1', 'epoll_create', ...onFd, ...withFds]);
const fdsIn = (call: string, text: string) =>
  call === 'poll' ? [...text.matchAll(/\{fd=(\d+)/g)].map((m) => Number(m[1])) : [...text.split(' = ')[0]!.matchAll(/\[([\d ]+)\]/g)].flatMap((m) => m[1]!.split(' ').map(Number));
// `ours`: sockfd's own trace of the run. The program's epoll fds are the ones it traced making; the
// others are libuv's and the readiness engine's (made at the first wait), which are not the program's
// calls and are never traced.
function socketCalls(lines: Line[], ours: string[]): string[] {
  const programEpolls = new Set(ours.filter((l) => l.startsWith('epoll_create')).map((l) => Number(/ = (-?\d+)/.exec(l)?.[1])));
  const mine = new Set<number>();
  const kept: string[] = [];
  for (const { call, text } of lines) {
    const fd = Number(/^\w+\((\d+)/.exec(text)?.[1] ?? -1);
    const isEpollCreate = call === 'epoll_create1' || call === 'epoll_create';
    const makesFd = call === 'socket' || call === 'socketpair' || (isEpollCreate && programEpolls.has(Number(/ = (-?\d+)/.exec(text)?.[1])));
    if (!(makesFd || (onFd.has(call) && mine.has(fd)) || (withFds.has(call) && fdsIn(call, text).some((f) => mine.has(f))))) continue;
    kept.push(text.replace(/\)\s+= /, ') = ')); // strace pads to a column that counts its tid prefix
    const result = Number(/ = (-?\d+)/.exec(text)?.[1]);
    const makesNew = call === 'socket' || call === 'accept4' || call.startsWith('epoll_create') || call.startsWith('dup') || /^fcntl\(\d+, F_DUPFD/.test(text);
    if (makesNew && result >= 0) mine.add(result);
    if (call === 'socketpair' && result === 0) for (const n of /\[(\d+), (\d+)\]\) =/.exec(text)!.slice(1)) mine.add(Number(n));
    if (call === 'recvmsg') for (const m of text.matchAll(/SCM_RIGHTS, cmsg_data=\[([\d, ]+)\]/g)) for (const n of m[1]!.split(', ')) mine.add(Number(n));
    if (call === 'close') mine.delete(fd);
  }
  return kept;
}

// sockfd's trace on stderr, padded the same way stripped
const traced = (stderr: string) => stderr.split('\n').filter((l) => /^\w+\(/.test(l)).map((l) => l.replace(/\)\s+= /, ') = '));

const straceArgs = (out: string) => ['-f', '-qq', '-o', out, '-e', `trace=${[...sockfdCalls].join(',')}`];

describe.skipIf(!hasStrace || process.platform !== 'linux')('strace', () => {
  // Under test:asan the sanitizer's allocator makes syscalls of its own (mmap) between any two calls.
  it.skipIf(underSanitizers)('shows one line per call, the call it is named after', () => {
    const trace = withTmpDir((dir) => {
      const out = join(dir, 'trace');
      const r = spawnSync('strace', ['-f', '-qq', '-o', out, process.execPath, join(fixtures, 'one-call-each.mjs')], { encoding: 'utf8', timeout: 30_000 });
      expect(r.status, r.stderr).toBe(0);
      return readFileSync(out, 'utf8');
    });
    // keep the main thread's lines between the two markers
    const lines = joinResumed(trace).filter(Boolean);
    const marks = lines.flatMap((l, i) => (/\bsocket\(0x3039 \/\* AF_\?\?\? \*\/|\bsocket\(12345,/.test(l) ? [i] : []));
    expect(marks.length, trace.slice(-2000)).toBe(2);
    const tid = lines[marks[0]!]!.split(/\s+/)[0];
    const between = lines.slice(marks[0]! + 1, marks[1]!).filter((l) => l.split(/\s+/)[0] === tid);
    // Only the calls sockfd can make count: V8 and Node make calls of their own on this thread when
    // they like (futex, mmap, madvise, a one-time getpid...), and a deny-list of them is never complete
    const calls = between.map((l) => /^\d+\s+(\w+)\(/.exec(l)?.[1]).filter((c) => sockfdCalls.has(c!));
    expect(calls, between.join('\n')).toEqual(expected);
    expect(between.find((l) => l.includes('accept4'))).toContain('SOCK_CLOEXEC');
    expect(between.find((l) => l.includes('socket('))).toMatch(/socket\(AF_INET, SOCK_STREAM\|SOCK_CLOEXEC, IPPROTO_IP\)/);
  });

  // one-call-each.mjs: a call of every kind; msg-calls.mjs: the message calls, control messages, odd
  // bytes, truncated strings, decoded options, failures; poll-calls.mjs: select, poll, epoll, sync
  // and awaited; fd-calls.mjs: fcntl, dup, dup2, dup3, ioctl, sockatmark
  it.each([['one-call-each.mjs', expected.length + 2], ['msg-calls.mjs', 40], ['poll-calls.mjs', 33], ['fd-calls.mjs', 35]])('SOCKFD_TRACE=1 prints the lines strace prints: %s', (fixture, count) => {
    const { ours, strace } = withTmpDir((dir) => {
      const out = join(dir, 'trace');
      const r = spawnSync('strace', [...straceArgs(out), process.execPath, join(fixtures, fixture)], {
        encoding: 'utf8', timeout: 30_000, env: { ...process.env, SOCKFD_TRACE: '1' },
      });
      expect(r.status, r.stderr).toBe(0);
      const ours = traced(r.stderr);
      return { ours, strace: socketCalls(parseStrace(readFileSync(out, 'utf8')), ours) };
    });
    expect(ours.length).toBe(count);
    expect(ours).toEqual(strace);
  });

  it('traces the promises layer too: every try, the EAGAIN ones included (seed 001, server and client)', async () => {
    await withTmpDirAsync(async (dir) => {
      const env = { ...process.env, SOCKFD_TRACE: '1' };
      const under = (name: string, args: string[]) =>
        new Interactive('strace', [...straceArgs(join(dir, name)), process.execPath, join(examples, `${name}.js`), ...args], env);
      const server = under('echo_server_async', ['0', '--once']);
      const [, port] = await server.expect(/listening on port (\d+)\n/);
      const client = under('echo_client_async', ['127.0.0.1', port!]);
      expect(await client.close()).toBe(0);
      expect(await server.close()).toBe(0);
      expect(client.out).toBe('server message: 你好啊服务器!\n \n');
      for (const [name, p] of [['echo_server_async', server], ['echo_client_async', client]] as const) {
        expect(traced(p.err)).toEqual(socketCalls(parseStrace(readFileSync(join(dir, name), 'utf8')), traced(p.err)));
      }
      // tried, waited on the event loop, tried again: the server's accept (the client is not there yet);
      // the engine asks the socket's type once, when it first waits on the fd
      const server_ = traced(server.err).join('\n');
      expect(server_).toMatch(/^accept4\((\d+), 0x[0-9a-f]+, \[128\], SOCK_CLOEXEC\) = -1 EAGAIN \(Resource temporarily unavailable\)\n(getsockopt\(\1, SOL_SOCKET, SO_TYPE, \[1\], \[4\]\) = 0\n)?accept4\(\1, \{sa_family=AF_INET, sin_port=htons\(\d+\), sin_addr=inet_addr\("127\.0\.0\.1"\)\}, \[128 => 16\], SOCK_CLOEXEC\) = \d+$/m);
      expect(server_).toMatch(/^recvfrom\(\d+, "\\344\\275\\240\\345\\245\\275\\345\\225\\212\\346\\234\\215\\345\\212\\241\\345\\231\\250!\\n\\0", 1024, MSG_DONTWAIT, NULL, NULL\) = 21$/m);
      // and the client's connect: EINPROGRESS, wait until writable, then SO_ERROR says how it went
      expect(traced(client.err).join('\n')).toMatch(/^connect\((\d+), \{sa_family=AF_INET, sin_port=htons\(\d+\), sin_addr=inet_addr\("127\.0\.0\.1"\)\}, 16\) = -1 EINPROGRESS \(Operation now in progress\)\n(getsockopt\(\1, SOL_SOCKET, SO_TYPE, \[1\], \[4\]\) = 0\n)?getsockopt\(\1, SOL_SOCKET, SO_ERROR, \[0\], \[4\]\) = 0$/m);
    });
  });
});

describe('trace()', () => {
  // in a child, so the trace goes to a stderr the test reads rather than into the test runner's
  const script = `
    import * as s from 'sockfd';
    const was = s.trace(true);
    const fd = s.socket(s.AF_INET, s.SOCK_DGRAM);
    try { s.bind(fd, { family: 'AF_INET', address: '192.0.2.1', port: 4321 }); } catch (e) { console.log(e.code, e.syscall); }
    s.trace(false);
    s.close(fd);
    try { s.trace(1); } catch (e) { console.log(e.code); }
    console.log(was, s.trace());
  `;

  it('switches the trace on and off, keeps errno for the error, and checks its argument', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 15_000, env: { ...process.env, SOCKFD_TRACE: '' } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('EADDRNOTAVAIL bind\nERR_INVALID_ARG_TYPE\nfalse false\n');
    const lines = traced(r.stderr);
    expect(lines).toEqual([
      expect.stringMatching(/^socket\(AF_INET, SOCK_DGRAM\|SOCK_CLOEXEC, IPPROTO_IP\) = \d+$/),
      expect.stringMatching(/^bind\(\d+, \{sa_family=AF_INET, sin_port=htons\(4321\), sin_addr=inet_addr\("192\.0\.2\.1"\)\}, 16\) = -1 EADDRNOTAVAIL \(Cannot assign requested address\)$/),
    ]);
  });

  it('is per thread: a Worker that switches it on traces its calls only', () => {
    const worker = `
      import * as s from 'sockfd';
      s.trace(true);
      s.close(s.socket(s.AF_INET6, s.SOCK_DGRAM));
    `;
    const main = `
      import { Worker } from 'node:worker_threads';
      import * as s from 'sockfd';
      const w = new Worker(${JSON.stringify(worker)}, { eval: true });
      w.on('exit', () => {
        s.close(s.socket(s.AF_INET, s.SOCK_STREAM));
        console.log(s.trace());
      });
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', main], { encoding: 'utf8', timeout: 15_000, env: { ...process.env, SOCKFD_TRACE: '0' } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('false\n');
    expect(traced(r.stderr)).toEqual([
      expect.stringMatching(/^socket\(AF_INET6, SOCK_DGRAM\|SOCK_CLOEXEC, IPPROTO_IP\) = (\d+)$/),
      expect.stringMatching(/^close\(\d+\) = 0$/),
    ]);
  });
});
