// The Linux-experiment examples, run as a person would run them, each checked against another tool's
// view of the same thing (`ip -j`, node:crypto, Python's socket module as the sender). Those that need
// a real path or CAP_NET_ADMIN run inside network namespaces the test makes (root: CI is root).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { describe, expect, it } from 'vitest';

import * as s from 'sockfd';

import { canNetns, hasPython, waitForOutput, withNetns } from './helpers.js';

const dist = dirname(createRequire(import.meta.url).resolve('sockfd'));
const example = (name: string) => join(dist, 'examples', `${name}.js`);
const node = (name: string, args: string[], netns?: string) =>
  netns ? (['ip', ['netns', 'exec', netns, process.execPath, example(name), ...args]] as const) : ([process.execPath, [example(name), ...args]] as const);
const runExample = (name: string, args: string[], netns?: string) => {
  const [cmd, argv] = node(name, args, netns);
  return spawnSync(cmd, argv, { encoding: 'utf8', timeout: 30_000 });
};
const veth = (ns: string, a: string, b: string) => [
  `ip -n ${ns} link add ${a} type veth peer name ${b}`,
  `ip -n ${ns} link set ${a} up`,
  `ip -n ${ns} link set ${b} up`,
];

describe('ip_link.ts: rtnetlink dumps by hand', () => {
  it('lists the links and addresses `ip -j addr` lists, field for field', () => {
    const mine = JSON.parse(runExample('ip_link', ['--json']).stdout) as { ifindex: number; addr_info: object[] }[];
    const theirs = JSON.parse(execFileSync('ip', ['-j', 'addr'], { encoding: 'utf8' })) as Record<string, unknown>[];
    const pick = (l: Record<string, unknown>) => ({
      ifindex: l.ifindex, ifname: l.ifname, mtu: l.mtu, operstate: l.operstate, link_type: l.link_type, address: l.address,
      addr_info: (l.addr_info as Record<string, unknown>[]).map((a) => ({ family: a.family, local: a.local, prefixlen: a.prefixlen, scope: a.scope })),
    });
    expect(mine.map((l) => pick(l as never))).toEqual(theirs.map(pick));
    const text = runExample('ip_link', []).stdout;
    expect(text).toMatch(/^1: lo: <LOOPBACK,UP,LOWER_UP> mtu \d+ state UNKNOWN\n {4}link\/loopback 00:00:00:00:00:00\n {4}inet 127\.0\.0\.1\/8 scope host lo\n/);
  });

  it.runIf(canNetns)('in a namespace with a veth pair: the addresses given, as `ip -j addr` says', async () => {
    await withNetns(1, [...veth('{0}', 'v0', 'v1'), 'ip -n {0} addr add 10.77.0.1/24 dev v0', 'ip -n {0} addr add fd77::1/64 dev v0 nodad', 'ip -n {0} link set v0 mtu 1400'], ([ns]) => {
      const mine = JSON.parse(runExample('ip_link', ['--json'], ns).stdout) as { ifname: string; mtu: number; addr_info: { local: string; prefixlen: number }[] }[];
      const v0 = mine.find((l) => l.ifname === 'v0')!;
      expect(v0.mtu).toBe(1400);
      expect(v0.addr_info).toEqual(expect.arrayContaining([expect.objectContaining({ family: 'inet', local: '10.77.0.1', prefixlen: 24 }), expect.objectContaining({ family: 'inet6', local: 'fd77::1', prefixlen: 64 })]));
      const theirs = JSON.parse(execFileSync('ip', ['-n', ns!, '-j', 'link'], { encoding: 'utf8' })) as { ifname: string; address: string }[];
      expect(mine.map((l) => [l.ifname, (l as never as { address: string }).address])).toEqual(theirs.map((l) => [l.ifname, l.address]));
    });
  });
});

describe('multicast.ts: ip_mreqn and MCAST_JOIN_GROUP', () => {
  it.runIf(canNetns)('both receivers get each datagram while joined, and none after they leave', async () => {
    await withNetns(1, [...veth('{0}', 'm0', 'm1'), 'ip -n {0} addr add 10.78.0.1/24 dev m0'], ([ns]) => {
      const r = runExample('multicast', ['m0', '239.1.2.3', '5007'], ns);
      expect(r.stderr).toBe('');
      const lines = r.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^group 239\.1\.2\.3:5007 on m0 \(index \d+\), both receivers joined$/);
      expect(lines.slice(1).map((l) => l.replace(/:\d+$/, ':PORT'))).toEqual([
        '  ip_mreqn receiver         got "datagram 1" from 10.78.0.1:PORT',
        '  MCAST_JOIN_GROUP receiver got "datagram 1" from 10.78.0.1:PORT',
        '  ip_mreqn receiver         got "datagram 2" from 10.78.0.1:PORT',
        '  MCAST_JOIN_GROUP receiver got "datagram 2" from 10.78.0.1:PORT',
        'both receivers left',
        '  ip_mreqn receiver         got nothing (EAGAIN after 200 ms)',
        '  MCAST_JOIN_GROUP receiver got nothing (EAGAIN after 200 ms)',
      ]);
    });
  });
});

describe('tcp_info.ts: congestion control seen from inside', () => {
  it('prints the state, cwnd and RTT as the transfer goes, and bytes_acked reaches every byte sent', () => {
    const r = runExample('tcp_info', ['8', '2']);
    expect(r.status).toBe(0);
    const rows = r.stdout.trim().split('\n');
    expect(rows).toHaveLength(6); // start, 2, 4, 6, 8 MiB, received
    for (const row of rows.slice(0, 5)) expect(row).toMatch(/TCP_ESTABLISHED cwnd +[1-9]\d* x \d+ B {2}rtt +[1-9]\d* us \(\+- *\d+\) {2}retrans \d+ {2}acked \d+$/);
    // the last row is taken after sendAll returned: what was acked by then, at most every byte and the SYN
    expect(Number(/acked (\d+)$/.exec(rows[4]!)![1])).toBeLessThanOrEqual(8 * 2 ** 20 + 1);
    expect(rows[5]).toBe(`received ${8 * 2 ** 20} bytes`);
  });
});

describe('af_alg.ts: SHA-256 by the kernel', () => {
  let kernelHasAlg = true;
  try {
    s.close(s.socket(s.AF_ALG, s.SOCK_SEQPACKET, 0));
  } catch {
    kernelHasAlg = false;
  }
  it.runIf(kernelHasAlg)('equals node:crypto\'s digest', () => {
    const r = runExample('af_alg', ['hello, kernel']);
    expect(r.stdout).toContain('equal\n');
    expect(r.status).toBe(0);
  });
  it.runIf(!kernelHasAlg)('on a kernel without AF_ALG (this one): the errno and why, status 2', () => {
    const r = runExample('af_alg', []);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('af_alg: socket EAFNOSUPPORT: address family not supported: this kernel has no AF_ALG hash interface (CONFIG_CRYPTO_USER_API_HASH)\n');
  });
});

describe('sniff.ts: AF_PACKET with a BPF filter', () => {
  it.runIf(canNetns && hasPython)('captures exactly the datagrams to its port that a Python sender sent, both directions on lo', async () => {
    await withNetns(1, [], async ([ns]) => {
      const [cmd, argv] = node('sniff', ['lo', '9999', '4'], ns);
      const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      await waitForOutput(child, /listening on lo, udp dst port 9999\n/);
      execFileSync('ip', ['netns', 'exec', ns!, 'python3', '-c', "import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\nfor port, text in [(9998, b'other port'), (9999, b'first'), (9999, b'second')]: s.sendto(text, ('127.0.0.1', port))"]);
      const code = await new Promise((resolve) => child.on('close', resolve));
      expect(code).toBe(0);
      const frames = out.trim().split('\n').slice(1).map((l) => l.replace(/^\d+\.\d{9} /, 'T ').replace(/:\d+ >/, ':P >'));
      expect(frames).toEqual([
        'T out 127.0.0.1:P > 127.0.0.1:9999 udp 5 bytes "first"',
        'T in  127.0.0.1:P > 127.0.0.1:9999 udp 5 bytes "first"',
        'T out 127.0.0.1:P > 127.0.0.1:9999 udp 6 bytes "second"',
        'T in  127.0.0.1:P > 127.0.0.1:9999 udp 6 bytes "second"',
      ]);
    });
  });

  it.runIf(spawnSync('setpriv', ['--help']).status === 0)('without CAP_NET_RAW: the errno and why, status 2', () => {
    const r = spawnSync('setpriv', ['--bounding-set', '-net_raw', '--inh-caps', '-net_raw', process.execPath, example('sniff')], { encoding: 'utf8', timeout: 15_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('sniff: socket EPERM: operation not permitted: packet sockets need CAP_NET_RAW (run as root)\n');
  });
});

describe('traceroute.ts: IP_RECVERR through a chain of namespaces', () => {
  // examples/netns_chain.sh: client (10.91.1.1) -- router (10.91.1.2 | 10.91.2.1) -- destination (10.91.2.2)
  const chain = join(dirname(dist), 'examples', 'netns_chain.sh');
  it.runIf(canNetns)('each hop comes back from the error queue, TTL by TTL, until the port unreachable', () => {
    const prefix = `sockfd-${process.pid}`;
    try {
      execFileSync('bash', [chain, 'up', prefix], { stdio: ['ignore', 'ignore', 'inherit'] });
      const r = runExample('traceroute', ['10.91.2.2', '5'], `${prefix}-a`);
      expect(r.stderr).toBe('');
      expect(r.stdout.replace(/\d+\.\d{3} ms/g, 'T ms')).toBe(
        'traceroute to 10.91.2.2 (10.91.2.2), 5 hops max\n' +
          ' 1  10.91.1.2  T ms  T ms  T ms\n' +
          ' 2  10.91.2.2  T ms  T ms  T ms\n',
      );
    } finally {
      execFileSync('bash', [chain, 'down', prefix]);
    }
  });
});
