// "strace shows it": every sync function makes exactly the one system call it is named after.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { fixtures, withTmpDir } from './helpers.js';

const hasStrace = spawnSync('strace', ['-V']).status === 0;

// What each call in fixtures/one-call-each.mjs shows up as. On Linux, glibc's send()/recv() are the
// sendto/recvfrom system calls with a NULL address (there is no send syscall on x86_64 or arm64).
const expected = [
  'socket', 'setsockopt', 'bind', 'listen', 'getsockname', 'socket', 'connect', 'accept4', 'getpeername',
  'sendto', 'recvfrom', 'sendto', 'recvfrom', 'write', 'read', 'writev', 'readv', 'getsockopt', 'ioctl',
  'fcntl', 'shutdown', 'socketpair', 'close', 'close', 'close', 'close', 'close',
];

describe.skipIf(!hasStrace || process.platform !== 'linux')('strace', () => {
  it('shows one line per call, the call it is named after', () => {
    const trace = withTmpDir((dir) => {
      const out = join(dir, 'trace');
      const r = spawnSync('strace', ['-f', '-qq', '-o', out, process.execPath, join(fixtures, 'one-call-each.mjs')], { encoding: 'utf8', timeout: 30_000 });
      expect(r.status, r.stderr).toBe(0);
      return readFileSync(out, 'utf8');
    });
    // lines are "<tid> call(args) = result"; keep the main thread's, between the two markers
    const lines = trace.split('\n').filter(Boolean);
    const marks = lines.flatMap((l, i) => (/\bsocket\(0x3039 \/\* AF_\?\?\? \*\/|\bsocket\(12345,/.test(l) ? [i] : []));
    expect(marks.length, trace.slice(-2000)).toBe(2);
    const tid = lines[marks[0]!]!.split(/\s+/)[0];
    const between = lines.slice(marks[0]! + 1, marks[1]!).filter((l) => l.split(/\s+/)[0] === tid);
    // V8 may wake its helper threads or map memory in between, and under `npm run test:asan` the
    // sanitizer runtime sets up signal stacks: those calls are the engine's, not sockfd's
    const engine = new Set(['futex', 'mmap', 'munmap', 'mprotect', 'madvise', 'brk', 'sigaltstack']);
    const calls = between.map((l) => /^\d+\s+(\w+)\(/.exec(l)?.[1]).filter((c) => !engine.has(c!));
    expect(calls, between.join('\n')).toEqual(expected);
    expect(between.find((l) => l.includes('accept4'))).toContain('SOCK_CLOEXEC');
    expect(between.find((l) => l.includes('socket('))).toMatch(/socket\(AF_INET, SOCK_STREAM\|SOCK_CLOEXEC, IPPROTO_IP\)/);
  });
});
