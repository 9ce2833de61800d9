#!/usr/bin/env node
// sockfd-timeline: runs a command and prints its socket calls and the TCP segments between its ends on
// one time line. The calls come from SOCKFD_TRACE (a sockfd program: the addon stamps each call with
// clock_gettime(CLOCK_REALTIME) as it starts and ends) or strace (any other program: strace stamps them
// with the same clock as it sees each call enter and leave, tens of microseconds late under ptrace);
// the segments from an AF_PACKET socket on lo, stamped by the kernel (SO_TIMESTAMPNS, CLOCK_REALTIME)
// as each arrives. One clock, so the order is the order things happened, to the clocks' resolution.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { if_nameindex, isSyscallError } from '../index.js';
import { parseTrace } from './calls.js';
import { allTcpSockets, type DiagSocket } from './diag.js';
import { buildTimeline } from './story.js';
import { renderHtml, renderSvg } from './svg.js';
import { renderText } from './text.js';
import { type Fault, type FaultEvent, openQueue, parseFault, type Queue } from './nfqueue.js';
import { capture, type Capture, type Segment } from './wire.js';

const usage = `Usage: sockfd-timeline [--svg FILE] [--html FILE] [--calls sockfd|strace] [--interface IF]
                       [--drop WHAT[:N]]... [--delay WHAT[:N]=MS]... -- command [args...]

Runs the command, and prints its socket calls and the TCP segments between its ends on one time line
(the command's own output goes to stderr, so that stdout is the timeline alone).
  --svg FILE, --html FILE  also draw it: a sequence diagram, and a time-sequence graph of each direction
  --calls sockfd           the calls from SOCKFD_TRACE (the default for node, bun, deno, npx, tsx and .js commands)
  --calls strace           the calls from strace -f (the default for any other command: C, Python...)
  --interface IF           where to capture (default lo)
  --drop WHAT[:N]          drop the Nth segment (default 1st) of a kind: syn, synack, ack, data, fin, rst
  --delay WHAT[:N]=MS      hold it MS milliseconds instead; both repeat
Capturing segments needs CAP_NET_RAW (root); without it the calls are still shown. --drop and --delay
need root and iptables: the command runs in a network namespace of its own (its loopback only), where
an NFQUEUE rule hands each segment to sockfd-timeline for its verdict; the namespace and the rule end
with the command.`;

// The calls strace is asked for: the socket calls and the fd calls a socket program makes on them.
const straceCalls = 'socket,socketpair,bind,listen,accept,accept4,connect,shutdown,close,getsockname,getpeername,getsockopt,setsockopt,sendto,recvfrom,sendmsg,recvmsg,sendmmsg,recvmmsg,read,write,readv,writev,sendfile,dup,dup2,dup3';

interface Options {
  svg?: string;
  html?: string;
  calls?: 'sockfd' | 'strace';
  ifname: string;
  faults: Fault[];
  command: string[];
}

function parseArgs(argv: string[]): Options {
  const options: Options = { ifname: 'lo', faults: [], command: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--') {
      options.command = argv.slice(i + 1);
      break;
    } else if (arg === '--svg') options.svg = value();
    else if (arg === '--html') options.html = value();
    else if (arg === '--interface') options.ifname = value();
    else if (arg === '--drop' || arg === '--delay') options.faults.push(parseFault(value(), arg === '--delay'));
    else if (arg === '--calls') {
      const v = value();
      if (v !== 'sockfd' && v !== 'strace') throw new Error(`--calls takes sockfd or strace, not ${v}`);
      options.calls = v;
    } else if (arg === '-h' || arg === '--help') {
      console.log(usage);
      process.exit(0);
    } else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else {
      options.command = argv.slice(i);
      break;
    }
  }
  if (options.command.length === 0) throw new Error('no command to run');
  return options;
}

const isScript = (file: string) => /\.(c|m)?js$/.test(file);
// A JavaScript runtime, or a launcher of one (npx, tsx): its sockfd calls come from the addon's own
// trace, where strace would also show the runtime's and npm's own calls.
const runsJavaScript = (cmd: string) => /^(node(js)?|bun|bunx|deno|npx|tsx|ts-node)$/.test(basename(cmd)) || isScript(cmd);

const QUEUE = 0; // the NFQUEUE number, in the namespace's own netfilter
const faultText = (f: Fault) => (f.delayMs === undefined ? `drop ${f.what}:${f.n}` : `delay ${f.what}:${f.n} ${f.delayMs} ms`);
const has = (cmd: string, arg = '-V') => spawnSync(cmd, [arg], { stdio: 'ignore' }).status === 0;

// --drop/--delay: this tool again, in a network namespace of its own (unshare(1) --net). The namespace
// is gone when its last process ends, so its rules go with it however the command ends.
async function inNetns(): Promise<number> {
  const missing = process.getuid?.() !== 0 ? 'root (a network namespace and an iptables rule in it)' : !has('iptables') ? 'iptables (apt-get install iptables)' : !has('unshare', '--version') ? 'unshare (util-linux)' : !has('ip') ? 'ip (iproute2)' : '';
  if (missing) {
    console.error(`sockfd-timeline: --drop and --delay need ${missing}`);
    return 2;
  }
  const child = spawn('unshare', ['--net', '--', process.execPath, ...process.execArgv, process.argv[1]!, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, SOCKFD_TIMELINE_NETNS: '1' } });
  return exitOf(child, 'unshare');
}

// The child's exit status (128 + the signal's number for a signal, 127 if it could not start). A
// SIGINT or SIGTERM this tool gets goes on to the child: the command ends (and, under --drop, with it
// the namespace it runs in), and the tool prints what it saw until then.
function exitOf(child: ChildProcess, name: string): Promise<number> {
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward).on('SIGTERM', forward);
  return new Promise<number>((resolve) => {
    child.on('error', (e) => {
      console.error(`sockfd-timeline: ${name}: ${e.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward).off('SIGTERM', forward);
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}

// Inside that namespace: loopback up, and every TCP segment leaving to the queue (OUTPUT: each
// segment once; --queue-bypass: through unqueued once the tool has let go). Returns what failed.
function netnsRules(): string {
  // Only in a namespace of its own, whose one interface is lo: never the host's rules, even if the
  // variable that says "inside" was set by hand.
  const links = if_nameindex().map((l) => l.if_name);
  if (links.length !== 1 || links[0] !== 'lo') return `not in a network namespace of its own (interfaces: ${links.join(', ')}); no rule added`;
  const rule = ['-w', '-A', 'OUTPUT', '-p', 'tcp', '-j', 'NFQUEUE', '--queue-num', String(QUEUE), '--queue-bypass'];
  const steps: [string, string[]][] = [['ip', ['link', 'set', 'lo', 'up']], ['iptables', rule]];
  if (has('ip6tables')) steps.push(['ip6tables', rule]);
  for (const [cmd, a] of steps) {
    const r = spawnSync(cmd, a, { encoding: 'utf8' });
    if (r.status !== 0) return `${cmd} ${a.join(' ')}: ${(r.stderr || r.error?.message || '').trim()}`;
  }
  return '';
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`sockfd-timeline: ${(e as Error).message}\n\n${usage}`);
    return 2;
  }
  if (options.faults.length > 0 && process.env.SOCKFD_TIMELINE_NETNS !== '1') return inNetns();
  let [cmd, ...args] = options.command as [string, ...string[]];
  if (isScript(cmd)) [cmd, args] = [process.execPath, [cmd, ...args]];
  const hasStrace = spawnSync('strace', ['-V'], { stdio: 'ignore' }).status === 0;
  const calls = options.calls ?? (runsJavaScript(cmd) || !hasStrace ? 'sockfd' : 'strace');
  if (calls === 'strace' && !hasStrace) {
    console.error('sockfd-timeline: --calls strace needs strace (apt-get install strace)');
    return 2;
  }

  let queue: Queue | null = null;
  if (options.faults.length > 0) {
    const failed = netnsRules();
    if (failed) {
      console.error(`sockfd-timeline: ${failed}`);
      return 2;
    }
    queue = await openQueue(QUEUE, options.faults);
  }

  let wire: Capture | null = null;
  let noWire = '';
  try {
    wire = capture(options.ifname);
  } catch (e) {
    if (!isSyscallError(e)) throw e;
    noWire = e.code === 'EPERM' ? `${e.message}: capturing segments needs CAP_NET_RAW (run as root)` : e.message;
  }

  const dir = mkdtempSync(join(tmpdir(), 'sockfd-timeline-'));
  const traceFile = join(dir, 'trace');
  writeFileSync(traceFile, '');
  const child =
    calls === 'sockfd'
      ? spawn(cmd, args, { stdio: ['inherit', process.stderr, 'inherit'], env: { ...process.env, SOCKFD_TRACE: '1', SOCKFD_TRACE_TIME: '1', SOCKFD_TRACE_FILE: traceFile } })
      : spawn('strace', ['-f', '-qq', '-o', traceFile, '--absolute-timestamps=format:unix,precision:ns', '--syscall-times=ns', '-e', `trace=${straceCalls}`, '-e', 'signal=none', '--', cmd, ...args], { stdio: ['inherit', process.stderr, 'inherit'] });
  const status = await exitOf(child, cmd);
  // What the kernel holds now (TIME_WAIT lasts 60 s), then what the capture still has queued.
  let atExit: DiagSocket[] = [];
  try {
    atExit = allTcpSockets();
  } catch {
    // no sock_diag (a kernel without it): no last line
  }
  await new Promise((resolve) => setTimeout(resolve, 20));
  const segments: Segment[] = wire ? await wire.stop() : [];
  const faults: FaultEvent[] = queue ? queue.stop() : [];
  const trace = readFileSync(traceFile, 'utf8');
  rmSync(dir, { recursive: true, force: true });

  const timeline = buildTimeline(parseTrace(trace), segments, calls === 'sockfd', atExit, faults);
  const source = calls === 'sockfd' ? 'SOCKFD_TRACE (clock_gettime in the process)' : 'strace -f (as strace sees them)';
  console.log(`# calls: ${source}; segments: AF_PACKET on ${options.ifname} (kernel arrival stamps); one clock, CLOCK_REALTIME`);
  if (noWire) console.log(`# no segments: ${noWire}`);
  if (options.faults.length > 0) console.log(`# faults: ${options.faults.map(faultText).join(', ')} (nfnetlink_queue, in a network namespace of its own)`);
  const text = renderText(timeline);
  process.stdout.write(text);
  const title = options.command.join(' ');
  if (options.svg) writeFileSync(options.svg, renderSvg(timeline, title));
  if (options.html) writeFileSync(options.html, renderHtml(timeline, title, text));
  return status;
}

process.exitCode = await main();
