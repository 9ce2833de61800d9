// sockfd-timeline --drop and --delay (lib/timeline/nfqueue.ts) and the scenarios of docs/timeline.md:
// the kernel's recovery from each lost segment, Nagle meeting the delayed ACK, a closed window and its
// probes, on real runs in the network namespace the tool makes (root and iptables, as in CI), and that
// the namespace and its rule are gone after, also when the tool is interrupted.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import * as s from 'sockfd';

import { canFault, findRow, runTimeline } from './helpers.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist/timeline/cli.js');
const example = (name: string) => join(root, 'dist/examples', `${name}.js`);
// The host's tools run without the sanitizers' LD_PRELOAD (npm run test:asan), and never unbounded.
const { LD_PRELOAD: _, ...plainEnv } = process.env;
const hostRules = () => ['iptables', 'ip6tables'].map((cmd) => spawnSync(cmd, ['-w', '-S'], { encoding: 'utf8', env: plainEnv, timeout: 10_000 }).stdout).join('');
// Whether a process whose command line holds `marker` (or starts with it) is alive, from /proc.
const alive = (marker: string, starts = false) =>
  readdirSync('/proc').some((pid) => {
    try {
      const cmdline = /^\d+$/.test(pid) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : '';
      return starts ? cmdline.startsWith(marker) : cmdline.includes(marker);
    } catch {
      return false; // gone meanwhile
    }
  });

describe('nagle.ts: write-write-read meets the delayed ACK', () => {
  it('stalls each request by the delayed ACK (40 ms or more) with Nagle, and not with TCP_NODELAY', () => {
    const r = spawnSync(process.execPath, [example('nagle'), '12'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(0);
    const [, nagle, nodelay] = /median ([\d.]+) ms with Nagle, ([\d.]+) ms with TCP_NODELAY/.exec(r.stdout)!.map(Number);
    expect(nagle).toBeGreaterThanOrEqual(35); // Linux's TCP_DELACK_MIN is 40 ms
    expect(nodelay).toBeLessThan(10);
  });
});

describe('usage', () => {
  it.each([
    [['--drop', 'bogus'], /--drop bogus: WHAT is one of syn, synack, ack, data, fin, rst/],
    [['--delay', 'data'], /--delay data: say how long, WHAT\[:N\]=MS/],
    [['--drop', 'fin=3'], /--drop fin=3: no =MS \(that is --delay\)/],
    [['--drop', 'syn:0'], /syn:0: N counts from 1/],
  ])('%j is a usage error', (args, message) => {
    const r = spawnSync(process.execPath, [cli, ...args, '--', 'true'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^Usage: sockfd-timeline/m);
  });

  it.runIf(process.getuid?.() === 0 && spawnSync('setpriv', ['--help']).status === 0)('without root: one line says so', () => {
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, cli, '--drop', 'syn', '--', 'true'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('sockfd-timeline: --drop and --delay need root (a network namespace and an iptables rule in it)\n');
  });
});

describe.runIf(canFault)('faults on real runs', () => {
  it('--drop syn: the SYN again about a second later, and connect() returns after it; the host\'s rules untouched', () => {
    const before = hostRules();
    const { rows, status, stdout } = runTimeline(['--drop', 'syn', '--', process.execPath, example('handshake_echo')]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^# faults: drop syn:1 \(nfnetlink_queue, in a network namespace of its own\)$/m);
    const dropped = findRow(rows, 'wire', /\[SYN\]\s+seq 0 DROPPED\s+-> client SYN_SENT$/);
    const again = findRow(rows, 'wire', /\[SYN\]\s+seq 0 \(again\)\s+-> server SYN_RECV$/);
    const synAck = findRow(rows, 'wire', /\[SYN,ACK\]/);
    const connected = findRow(rows, 'client', /^\.\.\. connect = 0$/);
    expect(findRow(rows, 'client', /^connect\(.*\) \.\.\.$/)).toBeLessThan(dropped);
    expect(dropped).toBeGreaterThan(0);
    expect([again, synAck, connected].every((i) => i > dropped)).toBe(true);
    expect(again).toBeLessThan(synAck);
    expect(synAck).toBeLessThan(connected);
    // the kernel's initial RTO is one second (RFC 6298; TCP_TIMEOUT_INIT)
    const gap = rows[again]!.t - rows[dropped]!.t;
    expect(gap).toBeGreaterThan(0.9);
    expect(gap).toBeLessThan(1.5);
    expect(hostRules()).toBe(before);
  });

  it('--drop data: the dropped segment sent again, same bytes, and the echo still arrives', () => {
    const { rows, status } = runTimeline(['--drop', 'data', '--', process.execPath, example('handshake_echo')]);
    expect(status).toBe(0);
    const dropped = findRow(rows, 'wire', /\[PSH,ACK\]\s+seq 1:6 ack 1 len 5 DROPPED$/);
    const again = findRow(rows, 'wire', /\[PSH,ACK\]\s+seq 1:6 ack 1 len 5 \(again\)$/, dropped);
    expect(dropped).toBeGreaterThan(0);
    expect(again).toBeGreaterThan(dropped);
    expect(findRow(rows, 'server', /^\.\.\. recvfrom = 5$/)).toBeGreaterThan(again);
    expect(findRow(rows, 'client', /^\.\.\. recvfrom = 5$/)).toBeGreaterThan(again);
  });

  it('--delay data=300: the segment arrives 300 ms late, marked held', () => {
    const { rows, status } = runTimeline(['--delay', 'data=300', '--', process.execPath, example('handshake_echo')]);
    expect(status).toBe(0);
    const sent = findRow(rows, 'client', /^sendto\(.*"hello".*= 5$/);
    const held = findRow(rows, 'wire', /\[PSH,ACK\]\s+seq 1:6 ack 1 len 5 \(held 300 ms\)$/);
    expect(held).toBeGreaterThan(sent);
    expect(rows[held]!.t - rows[sent]!.t).toBeGreaterThanOrEqual(0.3);
  });

  it('--drop synack: the server sends its SYN-ACK again about a second later, and connect() returns after it', () => {
    const { rows, status } = runTimeline(['--drop', 'synack', '--', process.execPath, example('handshake_echo')]);
    expect(status).toBe(0);
    const dropped = findRow(rows, 'wire', /\[SYN,ACK\]\s+seq 0 ack 1 DROPPED$/); // the server is in SYN_RECV already
    const again = findRow(rows, 'wire', /\[SYN,ACK\]\s+seq 0 ack 1 \(again\)\s+-> client ESTABLISHED$/, dropped);
    expect(dropped).toBeGreaterThan(0);
    expect(again).toBeGreaterThan(dropped);
    expect(findRow(rows, 'client', /^\.\.\. connect = 0$/)).toBeGreaterThan(again);
    const gap = rows[again]!.t - rows[dropped]!.t;
    expect(gap).toBeGreaterThan(0.9);
    expect(gap).toBeLessThan(1.5);
  });

  it('--drop fin: the FIN sent again, and the peer reads the end of the stream only then', () => {
    const { rows, status } = runTimeline(['--drop', 'fin', '--', process.execPath, example('handshake_echo')]);
    expect(status).toBe(0);
    const dropped = findRow(rows, 'wire', /\[FIN,ACK\]\s+seq 6 ack 6 DROPPED\s+-> client FIN_WAIT1$/);
    const again = findRow(rows, 'wire', /\[FIN,ACK\]\s+seq 6 ack 6 \(again\)\s+-> server CLOSE_WAIT$/, dropped);
    expect(dropped).toBeGreaterThan(0);
    expect(again).toBeGreaterThan(dropped);
    expect(findRow(rows, 'server', /^\.\.\. recvfrom = 0$/)).toBeGreaterThan(again);
  });

  it('last_ack.ts --drop ack:3: the last ACK lost, the FIN sent again, and TIME_WAIT answers it: why TIME_WAIT exists', () => {
    const { rows, status, stdout } = runTimeline(['--drop', 'ack:3', '--', process.execPath, example('last_ack')]);
    expect(status).toBe(0);
    const fin = findRow(rows, 'wire', /\[FIN,ACK\]\s+seq 1 ack 2\s+-> client LAST_ACK, server TIME_WAIT$/);
    const lost = findRow(rows, 'wire', /\[ACK\]\s+seq 2 ack 2 DROPPED$/, fin);
    const again = findRow(rows, 'wire', /\[FIN,ACK\]\s+seq 1 ack 2 \(again\)$/, lost);
    const answered = findRow(rows, 'wire', /\[ACK\]\s+seq 2 ack 2\s+-> client CLOSED$/, again);
    expect([fin, lost, again, answered].every((i) => i >= 0)).toBe(true);
    expect(fin < lost && lost < again && again < answered).toBe(true);
    expect(stdout).toMatch(/at exit +kernel +server 127\.0\.0\.1:\d+ TIME_WAIT$/m);
  });

  it.each([
    [1, /sent again by: a tail loss probe/],
    [10, /sent again by: fast retransmit/],
  ])('retransmit.ts, %i send(s), the first segment dropped: the kernel says which mechanism sent it again', (sends, how) => {
    const r = runTimeline(['--drop', 'data', '--', process.execPath, example('retransmit'), String(sends)]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^${sends * 1000} bytes in ${sends} sends, all received$`, 'm'));
    expect(r.stderr).toMatch(/^TCP_INFO: total_retrans [1-9]/m);
    expect(r.stderr).toMatch(how);
    expect(findRow(r.rows, 'wire', /seq 1:1001 ack 1 len 1000 \(again\)$/)).toBeGreaterThan(findRow(r.rows, 'wire', /seq 1:1001 ack 1 len 1000 DROPPED$/));
  });

  it('zero_window.ts: the window closes to 0, the sender probes it with growing gaps, and the data flows once the reader reads', () => {
    const r = runTimeline(['--', process.execPath, example('zero_window'), '2000']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^65536 bytes received; window probes sent \(TcpExt TCPWinProbe\): [1-9]/m);
    const closed = findRow(r.rows, 'wire', /\[ACK\]\s+seq 1 ack \d+ win 0$/);
    const probes = r.rows.filter((row) => row.who === 'wire' && / \(window probe\)$/.test(row.what)).map((row) => row.t);
    expect(closed, r.stdout).toBeGreaterThan(0);
    expect(probes.length, r.stdout).toBeGreaterThanOrEqual(2);
    // the persist timer: an RTO and more, doubling (each gap at least the one before, less jitter)
    const gaps = probes.slice(1).map((t, i) => t - probes[i]!);
    expect(gaps[0], r.stdout).toBeGreaterThan(0.15);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i], r.stdout).toBeGreaterThan(gaps[i - 1]! * 0.9);
  });

  it.runIf(s.if_nameindex().length > 1)('told by hand that it is inside its namespace, on the host: refuses, and adds no rule', () => {
    const before = hostRules();
    const r = spawnSync(process.execPath, [cli, '--drop', 'syn', '--', 'true'], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, SOCKFD_TIMELINE_NETNS: '1' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^sockfd-timeline: not in a network namespace of its own \(interfaces: lo, .*\); no rule added$/m);
    expect(hostRules()).toBe(before);
  });

  it('interrupted: the tool, its command and so its namespace end', async () => {
    // the command is the namespace's only process, named by a marker on its command line
    const marker = `sockfd-fault-${process.pid}-${Date.now()}`;
    const command = [process.execPath, '-e', 'setTimeout(() => {}, 30_000)', marker];
    const child = spawn(process.execPath, [cli, '--drop', 'syn', '--', ...command], { stdio: 'ignore' });
    const running = () => alive(command.join('\0'), true); // the command itself, not the tool's own argv
    for (let i = 0; i < 100 && !running(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(running()).toBe(true);
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    expect(code).toBe(130); // 128 + SIGINT: the command's end, passed on
    for (let i = 0; i < 40 && alive(marker); i++) await new Promise((r) => setTimeout(r, 50));
    expect(alive(marker)).toBe(false); // no process left: an unshare(1) namespace ends with its last
  });
});
