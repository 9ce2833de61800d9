#!/usr/bin/env node
// sockfd-timeline: runs a command and prints its socket calls and the TCP segments between its ends on
// one time line. The calls come from SOCKFD_TRACE (a sockfd program: the addon stamps each call with
// clock_gettime(CLOCK_REALTIME) as it starts and ends) or strace (any other program: strace stamps them
// with the same clock as it sees each call enter and leave, tens of microseconds late under ptrace);
// the segments from an AF_PACKET socket on lo, stamped by the kernel (SO_TIMESTAMPNS, CLOCK_REALTIME)
// as each arrives. One clock, so the order is the order things happened, to the clocks' resolution.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { isSyscallError } from '../index.js';
import { parseTrace } from './calls.js';
import { allTcpSockets, type DiagSocket } from './diag.js';
import { buildTimeline } from './story.js';
import { renderHtml, renderSvg } from './svg.js';
import { renderText } from './text.js';
import { capture, type Capture, type Segment } from './wire.js';

const usage = `Usage: sockfd-timeline [--svg FILE] [--html FILE] [--calls sockfd|strace] [--interface IF] -- command [args...]

Runs the command, and prints its socket calls and the TCP segments between its ends on one time line
(the command's own output goes to stderr, so that stdout is the timeline alone).
  --svg FILE, --html FILE  also draw it as a sequence diagram (client and server lanes, segments as arrows)
  --calls sockfd           the calls from SOCKFD_TRACE (the default for node, bun, deno, npx, tsx and .js commands)
  --calls strace           the calls from strace -f (the default for any other command: C, Python...)
  --interface IF           where to capture (default lo)
Capturing segments needs CAP_NET_RAW (root); without it the calls are still shown.`;

// The calls strace is asked for: the socket calls and the fd calls a socket program makes on them.
const straceCalls = 'socket,socketpair,bind,listen,accept,accept4,connect,shutdown,close,getsockname,getpeername,getsockopt,setsockopt,sendto,recvfrom,sendmsg,recvmsg,sendmmsg,recvmmsg,read,write,readv,writev,sendfile,dup,dup2,dup3';

interface Options {
  svg?: string;
  html?: string;
  calls?: 'sockfd' | 'strace';
  ifname: string;
  command: string[];
}

function parseArgs(argv: string[]): Options {
  const options: Options = { ifname: 'lo', command: [] };
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

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`sockfd-timeline: ${(e as Error).message}\n\n${usage}`);
    return 2;
  }
  let [cmd, ...args] = options.command as [string, ...string[]];
  if (isScript(cmd)) [cmd, args] = [process.execPath, [cmd, ...args]];
  const hasStrace = spawnSync('strace', ['-V'], { stdio: 'ignore' }).status === 0;
  const calls = options.calls ?? (runsJavaScript(cmd) || !hasStrace ? 'sockfd' : 'strace');
  if (calls === 'strace' && !hasStrace) {
    console.error('sockfd-timeline: --calls strace needs strace (apt-get install strace)');
    return 2;
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
  const status = await new Promise<number>((resolve) => {
    child.on('error', (e) => {
      console.error(`sockfd-timeline: ${cmd}: ${e.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
  // What the kernel holds now (TIME_WAIT lasts 60 s), then what the capture still has queued.
  let atExit: DiagSocket[] = [];
  try {
    atExit = allTcpSockets();
  } catch {
    // no sock_diag (a kernel without it): no last line
  }
  await new Promise((resolve) => setTimeout(resolve, 20));
  const segments: Segment[] = wire ? await wire.stop() : [];
  const trace = readFileSync(traceFile, 'utf8');
  rmSync(dir, { recursive: true, force: true });

  const timeline = buildTimeline(parseTrace(trace), segments, calls === 'sockfd', atExit);
  const source = calls === 'sockfd' ? 'SOCKFD_TRACE (clock_gettime in the process)' : 'strace -f (as strace sees them)';
  console.log(`# calls: ${source}; segments: AF_PACKET on ${options.ifname} (kernel arrival stamps); one clock, CLOCK_REALTIME`);
  if (noWire) console.log(`# no segments: ${noWire}`);
  const text = renderText(timeline);
  process.stdout.write(text);
  const title = options.command.join(' ');
  if (options.svg) writeFileSync(options.svg, renderSvg(timeline, title));
  if (options.html) writeFileSync(options.html, renderHtml(timeline, title, text));
  return status;
}

process.exitCode = await main();
