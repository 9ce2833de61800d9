// The workloads of npm run bench: what the server and the client of each contender are told to do,
// with the same sizes and counts for every contender, and how a run's answer becomes its figure.

export type ContenderId =
  | 'promises' | 'sync' | 'epoll' | 'node' | 'c' | 'c-epoll' | 'baseline' | 'baseline-sync'
  | 'thread' | 'bun-promises' | 'bun-net' | 'bun' | 'deno-promises' | 'deno-net' | 'deno';

export const CONTENDERS: Record<ContenderId, string> = {
  promises: 'sockfd/promises',
  sync: 'sockfd sync',
  epoll: 'sockfd epoll',
  node: 'node:net',
  c: 'C blocking',
  'c-epoll': 'C epoll',
  baseline: 'promises @base', // sockfd/promises of another checkout (--baseline DIR)
  'baseline-sync': 'sync @base', // its sync layer
  // the runtimes (bench/run.ts finds bun and deno on PATH, or skips them)
  thread: 'promises thread', // sockfd/promises on Node with the waiter-thread backend (SOCKFD_ENGINE=thread)
  'bun-promises': 'bun sockfd',
  'bun-net': 'bun node:net',
  bun: 'Bun.listen',
  'deno-promises': 'deno sockfd',
  'deno-net': 'deno node:net',
  deno: 'Deno.listen',
};

/** The contenders that run in another runtime than the Node running the bench. */
export const runtimeOf = (c: ContenderId): 'bun' | 'deno' | undefined => (c.startsWith('bun') ? 'bun' : c.startsWith('deno') ? 'deno' : undefined);

/** Where the runtimes are compared: sockfd/promises with each engine backend, and under Bun and Deno beside their own sockets. */
const RUNTIMES: ContenderId[] = ['thread', 'bun-promises', 'bun-net', 'bun', 'deno-promises', 'deno-net', 'deno'];

/** The contenders that are sockfd: their rows get ratios against node and C. */
export const isSockfd = (c: string): c is ContenderId =>
  ['promises', 'sync', 'epoll', 'baseline', 'baseline-sync', 'thread', 'bun-promises', 'deno-promises'].includes(c);

export interface Workload {
  id: string;
  title: string;
  unit: string;
  lowerIsBetter?: boolean;
  contenders: ContenderId[];
  /** The server's command (none: the client works alone). */
  server?: string;
  client: string;
  /** Whose client process drives every contender's server (the UDP flood: one C sender for all). */
  clientOf?: ContenderId;
  unix?: boolean;
  /** Round trips to count syscalls over with strace (N and 2N). */
  strace?: number;
  label(c: ContenderId): string;
  /** The figure of one run, from the client's seconds and the server's `done` values. */
  measure(secs: number, server: (key: string) => number | undefined): { value: number; loss?: number };
}

export interface Summary {
  id: string;
  title: string;
  unit: string;
  lowerIsBetter: boolean;
  /** Where the pair ran: 'one core' or 'two cores' (taskset). */
  placement?: string;
  results: Partial<
    Record<ContenderId, { label: string; values: number[]; median: number; min: number; max: number; p50?: number; p99?: number; loss?: number }>
  >;
}

/** How many times better contender `a` is than `b` (> 1: a is faster), whichever way the unit points. */
export function ratio(s: Summary, a: ContenderId, b: ContenderId): number | undefined {
  const x = s.results[a]?.median, y = s.results[b]?.median;
  if (x === undefined || y === undefined) return undefined;
  return s.lowerIsBetter ? y / x : x / y;
}

export function fmt(x: number | undefined, digits = 0): string {
  return x === undefined ? '' : x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** A figure in its unit: one decimal where values are small (MiB/s, ns/call). */
export const fmtIn = (unit: string, x: number | undefined): string => fmt(x, unit === 'MiB/s' || unit === 'ns/call' ? 1 : 0);

const ALL: ContenderId[] = ['promises', 'sync', 'node', 'c'];

/** The size of the file the file workloads serve. */
export const fileSize = (quick: boolean): number => (quick ? 16 : 64) * 2 ** 20;
const tcpLabel = (c: ContenderId) => CONTENDERS[c];
const udpLabel = (c: ContenderId) => (c === 'node' ? 'node:dgram' : CONTENDERS[c]);
const perSecond = (count: number) => (secs: number) => ({ value: count / secs });

/** `file`: the file the file workloads serve, bytes i % PERIOD, at least as long as they ask for. */
export function workloads(quick: boolean, file = ''): Workload[] {
  const q = (quickCount: number, fullCount: number) => (quick ? quickCount : fullCount);
  const list: Workload[] = [];

  for (const [size, count] of [
    [64, q(5_000, 20_000)],
    [1024, q(5_000, 20_000)],
    [16384, q(2_000, 10_000)],
  ] as const) {
    const name = size >= 1024 ? `${size / 1024} KiB` : `${size} B`;
    list.push({
      id: `tcp-pp-${size >= 1024 ? `${size / 1024}k` : size}`,
      title: `TCP ping-pong ${name}`,
      unit: 'rt/s',
      contenders: size === 64 ? [...ALL, 'epoll', 'c-epoll', ...RUNTIMES] : ALL,
      server: 'echo conns=1',
      client: `pingpong size=${size} count=${count}`,
      strace: size === 64 ? q(2_000, 10_000) : undefined,
      label: tcpLabel,
      measure: perSecond(count),
    });
  }

  const pipelined = q(20_000, 100_000);
  list.push({
    id: 'tcp-pipeline-16',
    title: 'TCP 16 in flight, 64 B',
    unit: 'rt/s',
    contenders: [...ALL, 'epoll', 'c-epoll'],
    server: 'echo conns=1',
    client: `pipeline size=64 depth=16 count=${pipelined}`,
    label: tcpLabel,
    measure: perSecond(pipelined),
  });
  list.push({
    id: 'tcp-conns-8',
    title: 'TCP 8 connections, 64 B',
    unit: 'rt/s',
    contenders: [...ALL, 'epoll', 'c-epoll'],
    server: 'echo conns=8 size=64',
    client: `conns size=64 conns=8 count=${pipelined}`,
    label: tcpLabel,
    measure: perSecond(pipelined),
  });

  const total = q(64, 1024) * 2 ** 20;
  for (const [write, name] of [
    [1024, '1k'],
    [65536, '64k'],
    [2 ** 20, '1m'],
  ] as const) {
    list.push({
      id: `bulk-${name}`,
      title: `TCP bulk, ${name.replace('k', ' KiB').replace('m', ' MiB')} writes`,
      unit: 'MiB/s',
      contenders: write === 65536 ? [...ALL, ...RUNTIMES] : ALL,
      server: `sink total=${total} nodelay=0`,
      client: `bulk total=${total} write=${write} nodelay=0`,
      label: tcpLabel,
      measure: (secs) => ({ value: total / 2 ** 20 / secs }),
    });
  }

  // A file served to one client: the kernel copies it with sendfile(2), or the server reads it and
  // sends it; node:net pipes a read stream into the socket (it has no sendfile). One C client receives
  // and checks every byte for every contender, so the figure is the server's.
  const fileBytes = fileSize(quick);
  for (const via of ['sendfile', 'readsend'] as const) {
    list.push({
      id: `file-${via}`,
      title: `file ${fileBytes / 2 ** 20} MiB, ${via === 'sendfile' ? 'sendfile' : 'read + send'}`,
      unit: 'MiB/s',
      contenders: via === 'sendfile' ? ['promises', 'sync', 'node', 'c'] : ['promises', 'sync', 'c'],
      server: `file file=${file} total=${fileBytes} via=${via} nodelay=0`,
      client: `fetch total=${fileBytes} nodelay=0`,
      clientOf: 'c',
      label: (c) => (c === 'node' ? 'node:fs pipe' : CONTENDERS[c]),
      measure: (secs) => ({ value: fileBytes / 2 ** 20 / secs }),
    });
  }

  const conns = q(1_000, 5_000);
  list.push({
    id: 'accept',
    title: 'TCP accept/connect',
    unit: 'conn/s',
    contenders: [...ALL, ...RUNTIMES],
    server: `accept count=${conns} size=64`,
    client: `connect count=${conns} size=64`,
    label: tcpLabel,
    measure: perSecond(conns),
  });

  const udp = q(5_000, 20_000);
  list.push({
    id: 'udp-pp-64',
    title: 'UDP ping-pong 64 B',
    unit: 'rt/s',
    contenders: ALL,
    server: `udp-echo count=${udp}`,
    client: `udp-pingpong size=64 count=${udp}`,
    strace: q(2_000, 10_000),
    label: udpLabel,
    measure: perSecond(udp),
  });

  // One C sender (sendmmsg, 64 at a time) floods every receiver faster than it can read: the figure is
  // what the receiver took per second, and what it missed is loss. The same flood, read one datagram
  // per recvfrom(2), then up to 64 per recvmmsg(2) (node:dgram reads one per recvmsg(2) in both).
  const flood = q(300_000, 2_000_000);
  for (const batch of [1, 64]) {
    list.push({
      id: batch === 1 ? 'udp-flood' : 'udp-flood-mmsg',
      title: batch === 1 ? 'UDP flood, recvfrom, 64 B' : 'UDP flood, recvmmsg, 64 B',
      unit: 'dgram/s',
      contenders: [...ALL, 'epoll'],
      server: `udp-sink size=64 batch=${batch} rcvbuf=${4 * 2 ** 20}`,
      client: `udp-flood size=64 count=${flood} batch=64`,
      clientOf: 'c',
      label: udpLabel,
      measure: (_secs, server) => ({ value: (server('received')! - 1) / server('secs')!, loss: 1 - server('received')! / flood }),
    });
  }

  const unix = q(5_000, 20_000);
  list.push({
    id: 'unix-pp-64',
    title: 'AF_UNIX ping-pong 64 B',
    unit: 'rt/s',
    contenders: ALL,
    server: 'echo conns=1',
    client: `pingpong size=64 count=${unix}`,
    unix: true,
    label: tcpLabel,
    measure: perSecond(unix),
  });

  const calls = q(300_000, 2_000_000);
  list.push({
    id: 'calls',
    title: 'getsockopt(SO_TYPE) call',
    unit: 'ns/call',
    lowerIsBetter: true,
    contenders: ['sync', 'c'],
    client: `calls count=${calls}`,
    label: tcpLabel,
    measure: (secs) => ({ value: (secs / calls) * 1e9 }),
  });
  // The cheapest binding there is, htons(3): no syscall, one integer argument. What any sync call
  // costs above its syscall cannot be less than this (the N-API call itself).
  list.push({
    id: 'calls-htons',
    title: 'htons() call (no syscall)',
    unit: 'ns/call',
    lowerIsBetter: true,
    contenders: ['sync'],
    client: `calls op=htons count=${calls}`,
    label: tcpLabel,
    measure: (secs) => ({ value: (secs / calls) * 1e9 }),
  });
  // One receive call on a queued UDP datagram, without and with the sender's address: what building
  // the address costs. The client times batches of receives from a socket it filled itself.
  const receives = q(200_000, 1_000_000);
  for (const op of ['recv', 'recvfrom']) {
    list.push({
      id: `calls-${op}`,
      title: `${op}() of a queued datagram`,
      unit: 'ns/call',
      lowerIsBetter: true,
      contenders: ['sync'],
      client: `calls op=${op} count=${receives}`,
      label: tcpLabel,
      measure: (secs) => ({ value: (secs / receives) * 1e9 }),
    });
  }
  return list;
}
