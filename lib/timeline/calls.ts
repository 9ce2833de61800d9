// The call side of sockfd-timeline: the lines of a timed trace, from SOCKFD_TRACE (SOCKFD_TRACE_TIME=1,
// SOCKFD_TRACE_FILE) or from `strace -f -o FILE --absolute-timestamps=format:unix,precision:ns
// --syscall-times=ns`; both print `PID SEC.NSEC call(args) = result <SEC.NSEC>`. strace may split a
// call that blocked while another process ran into `call(args <unfinished ...>` and
// `<... call resumed>rest`; those are joined here.

/** One system call, as a trace line showed it. */
export interface Call {
  pid: number;
  /** Start and end, ns since the epoch (CLOCK_REALTIME). */
  start: bigint;
  end: bigint;
  name: string;
  /** The arguments as the trace printed them, between the parentheses. */
  args: string;
  /** What the call returned, as printed: `3`, `-1 ECONNREFUSED (Connection refused)`. */
  result: string;
}

// strace marks its own lines with these; they are not calls.
const notACall = /^(\+\+\+|---|<\.\.\. \w+ resumed> \)|\w+\(.*<detached \.\.\.>)/;

function time(text: string): bigint {
  const [sec, frac = ''] = text.split('.');
  return BigInt(sec!) * 1_000_000_000n + BigInt(frac.padEnd(9, '0').slice(0, 9));
}

/** The calls in a trace's text, in the order they started. */
export function parseTrace(text: string): Call[] {
  const calls: Call[] = [];
  const pending = new Map<string, { start: bigint; head: string }>(); // pid/name: an unfinished call
  for (const line of text.split('\n')) {
    const m = /^(\d+) +(\d+\.\d+) (.*)$/.exec(line); // strace pads short pids
    if (!m) continue;
    const [, pid, at, rest] = m as unknown as [string, string, string, string];
    if (notACall.test(rest)) continue;
    let whole = rest, start = time(at);
    const unfinished = /^(\w+)\((.*) <unfinished \.\.\.>$/.exec(rest);
    if (unfinished) {
      pending.set(`${pid}/${unfinished[1]}`, { start, head: `${unfinished[1]}(${unfinished[2]}` });
      continue;
    }
    const resumed = /^<\.\.\. (\w+) resumed>(.*)$/.exec(rest);
    if (resumed) {
      const head = pending.get(`${pid}/${resumed[1]}`);
      if (!head) continue;
      pending.delete(`${pid}/${resumed[1]}`);
      whole = head.head + resumed[2];
      start = head.start;
    }
    const call = /^(\w+)\((.*)\)\s+= (.*?)(?: <(\d+\.\d+)>)?$/.exec(whole);
    if (!call) continue;
    const duration = call[4] ? time(call[4]) : 0n;
    calls.push({ pid: Number(pid), start, end: start + duration, name: call[1]!, args: call[2]!, result: call[3]! });
  }
  return calls.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
}

/** The integer a call returned, or -1 when it failed. */
export function returned(call: Call): number {
  const n = Number.parseInt(call.result, 10);
  return Number.isNaN(n) ? -1 : n;
}

/** The fd a call is about: its first argument, or poll()'s first pollfd; else -1. */
export function firstFd(call: Call): number {
  const m = /^(?:\[\{fd=)?(-?\d+)/.exec(call.args);
  return m ? Number(m[1]) : -1;
}

const sockaddrIn = /\{sa_family=AF_INET, sin_port=htons\((\d+)\), sin_addr=inet_addr\("([\d.]+)"\)\}/g;
const sockaddrIn6 = /\{sa_family=AF_INET6, sin6_port=htons\((\d+)\), sin6_flowinfo=htonl\(\d+\), inet_pton\(AF_INET6, "([^"]+)", &sin6_addr\), sin6_scope_id=\d+\}/g;

/** The ports of the IPv4 and IPv6 addresses in a call's arguments. */
export function ports(call: Call): number[] {
  const found: number[] = [];
  for (const re of [sockaddrIn, sockaddrIn6]) for (const m of call.args.matchAll(re)) found.push(Number(m[1]));
  return found;
}

/**
 * The call as a timeline shows it: addresses as 127.0.0.1:4321 and [::1]:4321, without the address
 * lengths that follow them (16, [128 => 16]), and the errno's text left to the name.
 */
export function compact(call: Call): { text: string; result: string } {
  const text = `${call.name}(${call.args
    .replace(sockaddrIn, (_, port: string, ip: string) => `${ip}:${port}`)
    .replace(sockaddrIn6, (_, port: string, ip: string) => `[${ip}]:${port}`)
    .replace(/(\d+\.\d+\.\d+\.\d+:\d+|\]:\d+), (\d+|\[\d+( => \d+)?\])(?=,|$)/g, '$1')})`;
  return { text, result: call.result.replace(/ \(.*\)$/, '') };
}
