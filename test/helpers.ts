// Shared test helpers: the fd table, child processes, the C fixtures.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as s from 'sockfd';

export const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** Running under npm run test:asan, whose LD_PRELOAD of the sanitizer runtimes reaches every child process. */
export const underSanitizers = /libasan|libubsan/.test(process.env.LD_PRELOAD ?? '');

/** fd -> what it points at, for this process (the directory listing's own fd left out). */
export function openFds(): Map<number, string> {
  const out = new Map<number, string>();
  for (const name of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${name}`);
      if (!target.startsWith('/proc/')) out.set(Number(name), target);
    } catch {
      // the listing's own fd, closed by now
    }
  }
  return out;
}

/** Whether fd is open in this process. */
export function isOpen(fd: number): boolean {
  return existsSync(`/proc/self/fd/${fd}`);
}

/** The fd's open flags from /proc/self/fdinfo, e.g. to check O_CLOEXEC and O_NONBLOCK. */
export function fdFlags(fd: number): number {
  const text = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
  return parseInt(/flags:\s*([0-7]+)/.exec(text)![1]!, 8);
}

export const O_CLOEXEC = 0o2000000;
export const O_NONBLOCK = 0o4000;

/** Runs `fn` with a fresh temporary directory, removed afterwards. */
export function withTmpDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'sockfd-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
export async function withTmpDirAsync<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'sockfd-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Compiles test/fixtures/<name>.c with cc (once per source change) and returns the binary's path. */
export function compileFixture(name: string): string {
  return compile(join(fixtures, `${name}.c`), name);
}

/** Compiles the C twin of an example, examples/c/<name>.c, as compileFixture does. */
export function compileExample(name: string): string {
  return compile(join(fixtures, '..', '..', 'examples', 'c', `${name}.c`), `example_${name}`);
}

function compile(src: string, name: string): string {
  const binDir = join(fixtures, 'bin');
  const bin = join(binDir, name);
  mkdirSync(binDir, { recursive: true });
  if (!existsSync(bin) || statSync(bin).mtimeMs < statSync(src).mtimeMs) {
    execFileSync('cc', ['-O2', '-Wall', '-Wextra', '-Werror', '-pthread', '-o', bin, src]);
  }
  return bin;
}

/** A child process and its whole stdout once it exits. */
export function run(cmd: string, args: string[], input?: string): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const p = new Interactive(cmd, args);
  p.child.stdin!.end(input);
  return { child: p.child, done: p.exited.then((code) => ({ code, stdout: p.out, stderr: p.err })) };
}

/** Waits until `line` appears in the child's stdout (a server saying it is ready). */
export function waitForOutput(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (d: string) => {
      seen += d;
      const m = pattern.exec(seen);
      if (m) {
        child.stdout!.off('data', onData);
        resolve(m);
      }
    };
    child.stdout!.on('data', onData);
    child.on('close', (code) => reject(new Error(`exited (${code}) before printing ${pattern}: ${seen}`)));
  });
}

/** A listening TCP socket on 127.0.0.1 (or ::1), on a kernel-chosen port. */
export function tcpListener(family: 'AF_INET' | 'AF_INET6' = 'AF_INET', reuseaddr = false): { fd: number; port: number } {
  const fd = s.socket(family === 'AF_INET' ? s.AF_INET : s.AF_INET6, s.SOCK_STREAM);
  if (reuseaddr) s.setsockopt(fd, s.SOL_SOCKET, s.SO_REUSEADDR, 1);
  s.bind(fd, { family, address: family === 'AF_INET' ? '127.0.0.1' : '::1', port: 0 });
  s.listen(fd);
  const addr = s.getsockname(fd) as { port: number };
  return { fd, port: addr.port };
}

/** A UDP socket bound to `address` on a kernel-chosen port, and that address as getsockname() says it. */
export function udpSocket(family: 'AF_INET' | 'AF_INET6', address: string): { fd: number; addr: s.Address } {
  const fd = s.socket(family === 'AF_INET' ? s.AF_INET : s.AF_INET6, s.SOCK_DGRAM);
  s.bind(fd, { family, address });
  return { fd, addr: s.getsockname(fd)! };
}

/** Closes each fd, ignoring ones already closed. */
export function closeAll(...fds: number[]): void {
  for (const fd of fds) {
    try {
      s.close(fd);
    } catch {
      // already closed
    }
  }
}

/**
 * Makes a blocking call again while it fails with EINTR, as a C program does: a signal the runtime
 * handles (SIGCHLD when a child exits) interrupts a blocking socket call, and one with SO_RCVTIMEO or
 * SO_SNDTIMEO is never restarted (signal(7)).
 */
export function againOnEintr<T>(call: () => T): T {
  for (;;) {
    try {
      return call();
    } catch (e) {
      if ((e as { code?: string }).code !== 'EINTR') throw e;
    }
  }
}

/** Whether python3 is here (the interop peer). */
export const hasPython = spawnSync('python3', ['-c', 'import socket']).status === 0;

/** A connected TCP pair over loopback: [client, server-side connection]. */
export function tcpPair(): [number, number] {
  const server = tcpListener();
  const client = s.socket(s.AF_INET, s.SOCK_STREAM);
  try {
    s.connect(client, { family: 'AF_INET', address: '127.0.0.1', port: server.port });
    return [client, s.accept(server.fd).fd];
  } finally {
    s.close(server.fd);
  }
}

/**
 * An address where connect() stays in progress: a listener with backlog 0 whose one queue slot is
 * taken, so the kernel drops further SYNs (and the client keeps retrying). close() releases it.
 */
export function pendingConnectTarget(): { addr: { family: 'AF_INET'; address: string; port: number }; close(): void } {
  const listener = tcpListener();
  s.listen(listener.fd, 0);
  const filler = s.socket(s.AF_INET, s.SOCK_STREAM);
  const addr = { family: 'AF_INET' as const, address: '127.0.0.1', port: listener.port };
  s.connect(filler, addr);
  return { addr, close: () => closeAll(filler, listener.fd) };
}

/** Sends (MSG_DONTWAIT) until the kernel's buffers are full, so the next send has to wait. */
export function fillSendBuffer(fd: number, chunk = 65536): number {
  const data = new Uint8Array(chunk);
  let total = 0;
  for (;;) {
    try {
      total += s.send(fd, data, undefined, s.MSG_DONTWAIT);
    } catch (e) {
      if ((e as { code?: string }).code === 'EAGAIN') return total;
      throw e;
    }
  }
}

/** Resolves to 'pending' if `promise` has not settled within `ms`. */
export function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  return Promise.race([promise, new Promise<'pending'>((resolve) => setTimeout(resolve, ms, 'pending'))]);
}

/**
 * A child driven through its stdin, as a person at a terminal would: wait for what it prints (a prompt),
 * then type a line. Everything it printed stays in `out`.
 */
export class Interactive {
  readonly child: ChildProcess;
  out = '';
  err = '';
  /** The exit code, once the child has exited and its output is all read ('close'). */
  readonly exited: Promise<number | null>;
  private closed = false;
  private seen = 0;

  constructor(cmd: string, args: string[], env?: NodeJS.ProcessEnv) {
    this.child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => (this.out += d));
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.err += d));
    this.exited = new Promise((resolve, reject) => {
      this.child.on('error', reject);
      this.child.on('close', (code) => {
        this.closed = true;
        this.child.stdin!.destroy(); // 'close' does not wait for our end of stdin
        resolve(code);
      });
    });
  }

  /** Waits until the output printed since the last match matches `pattern` (10 s at most). */
  async expect(pattern: RegExp): Promise<RegExpExecArray> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const m = pattern.exec(this.out.slice(this.seen));
      if (m) {
        this.seen += m.index + m[0].length;
        return m;
      }
      // 'close', not 'exit': output printed just before exiting may still be in the pipe at 'exit'
      if (this.closed || Date.now() > deadline) {
        throw new Error(`no ${pattern} in the output of ${this.child.spawnfile}: ${JSON.stringify(this.out.slice(this.seen))} ${this.err}`);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  type(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  /** Ends stdin and waits for the exit code (killing the child after 10 s). */
  async close(): Promise<number | null> {
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops a server that would run forever (nothing if it has exited). */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** Whether this process may create network namespaces (root: CI runs as root). */
export const canNetns = process.getuid?.() === 0 && spawnSync('ip', ['netns', 'list']).status === 0;

/**
 * Runs fn with `count` fresh network namespaces (each with lo up), named uniquely, then deletes them
 * and everything in them (veth pairs die with their namespace). `setup` are `ip` commands run first,
 * with {0}, {1}... standing for the namespaces' names.
 */
export async function withNetns<T>(count: number, setup: string[], fn: (names: string[]) => Promise<T> | T): Promise<T> {
  const names = Array.from({ length: count }, (_, i) => `sockfd-${process.pid}-${Date.now() % 1e6}-${i}`);
  const fill = (cmd: string) => cmd.replace(/\{(\d)\}/g, (_, i) => names[Number(i)]!);
  try {
    for (const name of names) {
      execFileSync('ip', ['netns', 'add', name]);
      execFileSync('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
    }
    for (const cmd of setup) execFileSync('sh', ['-c', fill(cmd)], { stdio: ['ignore', 'ignore', 'inherit'] });
    return await fn(names);
  } finally {
    for (const name of names) spawnSync('ip', ['netns', 'del', name]);
  }
}

/** One line of sockfd-timeline's text: seconds (NaN for `at exit`), who, and what. */
export interface TimelineRow {
  t: number;
  who: string;
  what: string;
}

const timelineCli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'timeline', 'cli.js');

/** Runs sockfd-timeline with `args` and takes its text apart, line by line. */
export function runTimeline(args: string[], env: NodeJS.ProcessEnv = process.env): { rows: TimelineRow[]; stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [timelineCli, ...args], { encoding: 'utf8', timeout: 30_000, env });
  const rows: TimelineRow[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^\s*(\d+\.\d{6}|at exit)\s+(client|server|wire|kernel)\s+(.*)$/.exec(line);
    if (m) rows.push({ t: Number(m[1]), who: m[2]!, what: m[3]! });
  }
  return { rows, stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/** The index of the first row of `who` matching `what`, from `from` on; -1 if none. */
export function findRow(rows: TimelineRow[], who: string, what: RegExp, from = 0): number {
  const i = rows.slice(from).findIndex((r) => r.who === who && what.test(r.what));
  return i < 0 ? -1 : i + from;
}

/** Whether sockfd-timeline's --drop and --delay can run here: root, iptables and unshare. */
export const canFault = process.getuid?.() === 0 && spawnSync('iptables', ['-V']).status === 0 && spawnSync('unshare', ['--version']).status === 0;
