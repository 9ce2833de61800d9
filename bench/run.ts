// npm run bench [-- --quick] [--runs N] [--only REGEX] [--contenders a,b] [--placement same|split|both] [--no-strace] [--out DIR]
//   [--baseline DIR]
//
// --only matches workload ids; 'load-10k' is the memory run (test/soak/load.mjs: RSS per connection).
//
// --baseline DIR: sockfd/promises of another built checkout (an older commit, say) runs beside this
// one's on every workload sockfd/promises runs, in the same run and placement, as 'promises @base'.
//
// Placement: every pair of processes is pinned with taskset, both on one core ("same": syscalls are
// cheap and what each side adds in user space shows) and on two ("split": each wake-up crosses
// cores); the same C ping-pong runs ~15x faster on one core than on two here, so an unpinned ratio
// is noise. Both placements are run and reported by default.
//
// Runs every workload through every contender (sockfd/promises, the sockfd sync layer, node:net or
// node:dgram, C), client and server in separate processes on loopback. Each contender is a pair of
// long-lived processes driven over stdin (bench/common.ts has the protocol); runs are interleaved
// (A B C, B C A, ...) after one warm-up run each. Prints a table of medians and ratios (and, on stderr,
// a progress line per measurement with the time left), counts the syscalls per round trip with
// strace -c, and writes <mode>.json and .svg into --out, or a fresh folder under the system's temporary
// directory: the committed bench/results/ is only written on purpose (--out bench/results).
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chart, type ChartTarget } from './chart.js';
import { pattern } from './common.js';
import { CONTENDERS, type ContenderId, fileSize, fmt, fmtIn, isSockfd, ratio, runtimeOf, type Summary, type Workload, workloads } from './workloads.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const mode = quick ? 'quick' : 'full';
const runs = Number(argValue('--runs') ?? (quick ? 3 : 5));
const only = argValue('--only');
const withStrace = !args.includes('--no-strace');
const baseline = argValue('--baseline');
if (baseline && !existsSync(join(baseline, 'dist/bench/contender-promises.js')))
  throw new Error(`--baseline ${baseline}: no dist/bench/contender-promises.js there (npm install it first)`);

type Placement = 'same' | 'split';
const PLACEMENT_LABEL: Record<Placement, string> = { same: 'one core', split: 'two cores' };
const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
const lastCpu = cpus().length - 1;
const placements: Placement[] = (() => {
  const asked = argValue('--placement') ?? 'both';
  const list: Placement[] = asked === 'both' ? ['same', 'split'] : [asked as Placement];
  if (!list.every((p) => p in PLACEMENT_LABEL)) throw new Error(`--placement ${asked}: same, split or both`);
  if (!hasTaskset) throw new Error('taskset (util-linux) is needed to pin the benchmark processes');
  return lastCpu >= 1 ? list : list.filter((p) => p === 'same');
})();
let placement: Placement = placements[0]!;
/** The taskset prefix that pins a process of `role` for the current placement. */
const pin = (role: 'server' | 'client'): string[] => ['taskset', '-c', String(placement === 'same' || role === 'client' ? lastCpu : 0)];
const scratch = mkdtempSync(join(tmpdir(), 'sockfd-bench-'));

function argValue(name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

// ---- the C reference, compiled here ----

function buildC(): string {
  const src = join(root, 'bench/c/bench.c');
  const bin = join(root, 'build/bench/bench-c');
  if (!existsSync(bin) || statSync(bin).mtimeMs < statSync(src).mtimeMs) {
    mkdirSync(dirname(bin), { recursive: true });
    execFileSync(process.env.CC ?? 'cc', ['-O2', '-Wall', '-o', bin, src], { stdio: 'inherit' });
  }
  return bin;
}

const benchC = buildC();

// Bun and Deno: $SOCKFD_BUN / $SOCKFD_DENO, else on PATH; their contenders are skipped without them.
function findRuntime(name: 'bun' | 'deno'): string | undefined {
  const bin = process.env[`SOCKFD_${name.toUpperCase()}`] || name;
  return spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0 ? bin : undefined;
}
const runtimes = { bun: findRuntime('bun'), deno: findRuntime('deno') };

function argv(c: ContenderId, role: 'server' | 'client'): string[] {
  const script = (name: string) => join(root, `dist/bench/contender-${name}.js`);
  const runtime = runtimeOf(c);
  if (runtime !== undefined) {
    const file = script(c === runtime ? runtime : c.endsWith('-net') ? 'node' : 'promises');
    return runtime === 'bun' ? [runtimes.bun!, file, role] : [runtimes.deno!, 'run', '-A', file, role];
  }
  if (c === 'thread') return ['env', 'SOCKFD_ENGINE=thread', process.execPath, script('promises'), role];
  if (c === 'c') return [benchC, role];
  if (c === 'c-epoll') return [benchC, role, 'epoll'];
  if (c === 'baseline') return [process.execPath, join(resolve(baseline!), 'dist/bench/contender-promises.js'), role];
  if (c === 'baseline-sync') return [process.execPath, join(resolve(baseline!), 'dist/bench/contender-sync.js'), role];
  return [process.execPath, join(root, `dist/bench/contender-${c}.js`), role];
}

// ---- a contender process, one command at a time ----

type Reply = Map<string, string>;

class Peer {
  readonly #proc: ChildProcess;
  readonly #lines: string[] = [];
  #wake: (() => void) | undefined;
  #exit: string | undefined;
  readonly exited: Promise<void>;

  constructor(readonly name: string, command: string[]) {
    this.#proc = spawn(command[0]!, command.slice(1), { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
    createInterface({ input: this.#proc.stdout! }).on('line', (line) => {
      this.#lines.push(line);
      this.#wake?.();
    });
    this.exited = new Promise((resolve) =>
      this.#proc.on('exit', (code, signal) => {
        this.#exit = `exited (${signal ?? code})`;
        this.#wake?.();
        resolve();
      }),
    );
  }

  send(line: string): void {
    this.#proc.stdin!.write(line + '\n');
  }

  /** The next answer, parsed: `word key=value ...`; an `error` answer, an exit or a timeout throws. */
  async next(expect: string, timeoutMs: number): Promise<Reply> {
    const deadline = Date.now() + timeoutMs;
    while (this.#lines.length === 0) {
      if (this.#exit) throw new Error(`${this.name} ${this.#exit}`);
      if (Date.now() > deadline) throw new Error(`${this.name}: no answer in ${timeoutMs / 1000} s`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now() + 1);
        this.#wake = () => (clearTimeout(timer), resolve());
      });
      this.#wake = undefined;
    }
    const [word = '', ...rest] = this.#lines.shift()!.split(' ');
    if (word !== expect) throw new Error(`${this.name}: ${word} ${rest.join(' ')}`);
    return new Map(rest.map((kv) => kv.split('=') as [string, string]));
  }

  async stop(): Promise<void> {
    if (!this.#exit) this.send('exit');
    await this.exited;
  }

  kill(): void {
    if (!this.#exit) this.#proc.kill('SIGKILL');
  }
}

const peers = new Map<string, Peer>();

function peer(c: ContenderId, role: 'server' | 'client'): Peer {
  const key = `${c} ${role}`;
  if (!peers.has(key)) peers.set(key, new Peer(key, [...pin(role), ...argv(c, role)]));
  return peers.get(key)!;
}

// ---- one measurement ----

interface Sample {
  value: number;
  p50?: number;
  p99?: number;
  loss?: number;
}

const timeoutMs = quick ? 60_000 : 300_000;

async function measure(w: Workload, c: ContenderId, run: (c: ContenderId, role: 'server' | 'client') => Peer = peer): Promise<Sample> {
  const where = w.unix ? `family=unix path=${join(scratch, `${c}.sock`)}` : 'family=inet';
  let at = '';
  let server: Peer | undefined;
  if (w.server) {
    server = run(c, 'server');
    server.send(`${w.server} ${where}`);
    const ready = await server.next('ready', timeoutMs);
    at = ready.has('port') ? ` port=${ready.get('port')}` : '';
  }
  const client = run(w.clientOf ?? c, 'client');
  client.send(`${w.client} ${where}${at}`);
  const res = await client.next('result', timeoutMs);
  const done = server ? await server.next('done', timeoutMs) : new Map<string, string>();
  const num = (m: Reply, k: string) => (m.has(k) ? Number(m.get(k)) : undefined);
  return { ...w.measure(Number(res.get('secs')), (k) => num(done, k)), p50: num(res, 'p50'), p99: num(res, 'p99') };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

// "[3/14] TCP ping-pong 1 KiB, one core: node:net run 2/5, 1m12s elapsed, ~3m left" on stderr before
// each measurement (a silent minute looks like a hang); rewritten in place on a terminal.
const progress = { done: 0, total: 0, started: Date.now(), workload: 0, workloads: 0 };
const clock = (ms: number) => (ms >= 60_000 ? `${Math.floor(ms / 60_000)}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s` : `${Math.round(ms / 1000)}s`);
function report(w: Workload, c: ContenderId, run: number): void {
  const elapsed = Date.now() - progress.started;
  const left = progress.done > 0 ? `, ~${clock((elapsed / progress.done) * (progress.total - progress.done))} left` : '';
  const what = run === 0 ? 'warm-up' : `run ${run}/${runs}`;
  const line = `[${progress.workload}/${progress.workloads}] ${w.title}, ${PLACEMENT_LABEL[placement]}: ${w.label(c)} ${what}, ${clock(elapsed)} elapsed${left}`;
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${line}`);
  else process.stderr.write(`${line}\n`);
}
async function measured(w: Workload, c: ContenderId, run: number): Promise<Sample> {
  report(w, c, run);
  const sample = await measure(w, c);
  progress.done++;
  return sample;
}

async function runWorkload(w: Workload): Promise<Summary> {
  const samples = new Map<ContenderId, Sample[]>(w.contenders.map((c) => [c, []]));
  progress.workload++;
  for (const c of w.contenders) await measured(w, c, 0); // warm-up
  for (let r = 0; r < runs; r++) {
    const order = w.contenders.map((_, i) => w.contenders[(i + r) % w.contenders.length]!);
    for (const c of order) samples.get(c)!.push(await measured(w, c, r + 1));
  }
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  const results: Summary['results'] = {};
  for (const [c, s] of samples) {
    const values = s.map((x) => x.value);
    const opt = (k: 'p50' | 'p99' | 'loss') => (s[0]![k] === undefined ? undefined : median(s.map((x) => x[k]!)));
    results[c] = { label: w.label(c), values, median: median(values), min: Math.min(...values), max: Math.max(...values), p50: opt('p50'), p99: opt('p99'), loss: opt('loss') };
  }
  return { id: w.id, title: w.title, unit: w.unit, lowerIsBetter: w.lowerIsBetter ?? false, placement: PLACEMENT_LABEL[placement], results };
}

// ---- syscalls per round trip: strace -c over N and 2N round trips, the difference divided by N ----

function straceCalls(file: string): Map<string, number> {
  const calls = new Map<string, number>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const t = line.trim().split(/\s+/);
    if (t.length < 5 || !/^\d/.test(t[0]!) || t.at(-1) === 'total') continue;
    calls.set(t.at(-1)!, Number(t[3]));
  }
  return calls;
}

async function syscallsPerRoundTrip(w: Workload, c: ContenderId, n: number): Promise<Record<string, number>> {
  const counts: Map<string, number>[] = [];
  for (const count of [n, 2 * n]) {
    const files: string[] = [];
    const started: Peer[] = [];
    const traced = (who: ContenderId, role: 'server' | 'client'): Peer => {
      const file = join(scratch, `strace-${who}-${role}-${count}.txt`);
      files.push(file);
      started.push(new Peer(`${who} ${role} (strace)`, [...pin(role), 'strace', '-f', '-c', '-o', file, '--', ...argv(who, role)]));
      return started.at(-1)!;
    };
    const withCount = (line: string | undefined) => line?.replace(/count=\d+/, `count=${count}`);
    await measure({ ...w, client: withCount(w.client)!, server: withCount(w.server) }, c, traced);
    await Promise.all(started.map((p) => p.stop()));
    const total = new Map<string, number>();
    for (const f of files) for (const [k, v] of straceCalls(f)) total.set(k, (total.get(k) ?? 0) + v);
    counts.push(total);
  }
  const per: Record<string, number> = {};
  let all = 0;
  for (const [k, v] of counts[1]!) {
    const d = (v - (counts[0]!.get(k) ?? 0)) / n;
    if (d >= 0.05) per[k] = Math.round(d * 100) / 100;
    all += d;
  }
  return { total: Math.round(all * 100) / 100, ...per };
}

// ---- report ----

function table(s: Summary): string {
  const rows: string[] = [];
  for (const [c, r] of Object.entries(s.results)) {
    const vs = (b: ContenderId) => (isSockfd(c) && s.results[b] ? `${fmt(ratio(s, c, b), 2)}x` : '');
    rows.push(
      [
        s.title.padEnd(26),
        (s.placement ?? '').padEnd(9),
        r.label.padEnd(16),
        `${fmtIn(s.unit, r.median)} ${s.unit}`.padStart(18),
        `${fmtIn(s.unit, r.min)}-${fmtIn(s.unit, r.max)}`.padStart(22),
        (r.p50 === undefined ? '' : `${fmt(r.p50, 1)}/${fmt(r.p99, 1)} us`).padStart(16),
        (r.loss === undefined ? '' : `${fmt(r.loss * 100, 1)}% lost`).padStart(10),
        vs('node').padStart(7),
        vs('c').padStart(7),
      ].join(' '),
    );
  }
  return rows.join('\n');
}

const header = [
  'workload'.padEnd(26),
  'placement'.padEnd(9),
  'contender'.padEnd(16),
  'median'.padStart(18),
  'min-max'.padStart(22),
  'p50/p99'.padStart(16),
  ''.padStart(10),
  '/node'.padStart(7),
  '/C'.padStart(7),
].join(' ');

// ---- main ----

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  ...Object.fromEntries(Object.entries(runtimes).flatMap(([name, bin]) => (bin ? [[name, spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]!.trim()]] : []))),
  kernel: release(),
  date: new Date().toISOString(),
};

async function main(): Promise<void> {
  const pick = argValue('--contenders')?.split(',');
  const file = join(scratch, 'file.bin');
  const selected = workloads(quick, file)
    .filter((w) => !only || new RegExp(only).test(w.id))
    .map((w) => (pick ? { ...w, contenders: w.contenders.filter((c) => pick.includes(c)) } : w))
    .map((w) => ({ ...w, contenders: w.contenders.filter((c) => { const r = runtimeOf(c); return r === undefined || runtimes[r] !== undefined; }) }))
    // (not the receive-call workloads: a baseline older than them would run another loop under their name)
    .map((w) => (baseline && !w.id.startsWith('calls-') ? { ...w, contenders: w.contenders.flatMap((c) => (c === 'promises' ? [c, 'baseline' as const] : c === 'sync' ? [c, 'baseline-sync' as const] : [c])) } : w))
    .filter((w) => w.contenders.length > 0);
  if (selected.some((w) => w.id.startsWith('file-'))) writeFileSync(file, pattern(fileSize(quick))); // bytes i % PERIOD
  console.log(`sockfd benchmark, ${mode} run: ${runs} runs after a warm-up, medians`);
  console.log(`${machine.cpu}, ${machine.cores} cores, ${machine.memGiB} GiB, Linux ${machine.kernel}, Node ${machine.node}\n`);
  const absent = (['bun', 'deno'] as const).filter((r) => runtimes[r] === undefined);
  if (absent.length) console.log(`${absent.join(' and ')} not found (PATH, or $SOCKFD_BUN / $SOCKFD_DENO): their contenders are left out\n`);
  console.log(`pinned with taskset: ${placements.map((p) => `${PLACEMENT_LABEL[p]} (${p === 'same' ? `server and client on CPU ${lastCpu}` : `server on CPU 0, client on CPU ${lastCpu}`})`).join('; ')}\n`);
  console.log(header);
  const started = Date.now();
  progress.workloads = selected.length * placements.length;
  progress.total = placements.length * selected.reduce((n, w) => n + w.contenders.length * (runs + 1), 0);
  const summaries: Summary[] = [];
  for (const p of placements) {
    placement = p;
    for (const w of selected) {
      const s = await runWorkload(w);
      summaries.push(s);
      console.log(table(s));
    }
    await Promise.all([...peers.values()].map((x) => x.stop()));
    peers.clear();
  }
  placement = placements[0]!; // syscall counts: the first placement
  const syscalls: Record<string, Record<string, Record<string, number>>> = {};
  const hasStrace = spawnSync('strace', ['-V']).status === 0;
  if (withStrace && !hasStrace) console.log('\n(strace is not installed: syscalls per round trip skipped)');
  if (withStrace && hasStrace) {
    console.log(`\nsyscalls per round trip, client + server, ${PLACEMENT_LABEL[placement]} (strace -f -c, N and 2N round trips, difference / N):`);
    for (const w of selected.filter((x) => x.strace)) {
      syscalls[w.id] = {};
      for (const c of w.contenders) {
        const per = await syscallsPerRoundTrip(w, c, w.strace!);
        syscalls[w.id]![c] = per;
        const { total, ...each } = per;
        const top = Object.entries(each).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
        console.log(`  ${w.title.padEnd(24)} ${w.label(c).padEnd(16)} ${fmt(total, 2).padStart(6)}   ${top}`);
      }
    }
  }

  const memory = !only || new RegExp(only).test(LOAD_ID) ? await loadMemory() : undefined;
  const targets = evaluateTargets(summaries, syscalls, memory);
  if (targets.length) {
    console.log('\ntargets:');
    for (const t of targets) console.log(`  ${t.met ? 'met   ' : 'MISSED'} ${t.text}: ${t.measured}`);
  }
  if (baseline) {
    console.log(`\nthis checkout against the baseline (${baseline}), same run and placement (> 1: this checkout is faster):`);
    for (const [now, base] of [['promises', 'baseline'], ['sync', 'baseline-sync']] as const) {
      for (const s of summaries.filter((x) => x.results[base] && x.results[now]))
        console.log(`  ${CONTENDERS[now].padEnd(16)} ${s.title.padEnd(30)} ${(s.placement ?? '').padEnd(9)} ${fmt(ratio(s, now, base), 2)}x`);
    }
  }
  const secs = (Date.now() - started) / 1000;
  console.log(`\n${fmt(secs, 1)} s`);

  const out = resolve(argValue('--out') ?? mkdtempSync(join(tmpdir(), `sockfd-bench-${mode}-`)));
  mkdirSync(out, { recursive: true });
  const report = { mode, runs, machine, placements: placements.map((p) => PLACEMENT_LABEL[p]), seconds: secs, workloads: summaries, syscalls, memory, targets };
  writeFileSync(join(out, `${mode}.json`), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(join(out, `${mode}.svg`), chart(report));
  console.log(`wrote ${join(out, `${mode}.json`)} and ${join(out, `${mode}.svg`)}`);
}

// Memory per connection: test/soak/load.mjs serves many concurrent echo connections with a sockfd/promises
// server (an awaited recv per connection, each with its own 4 KiB buffer), a sockfd epoll reactor and a
// node:net server, one after another (unpinned: it is the memory that counts), and reports each one's RSS
// per connection and where it went.
const LOAD_ID = 'load-10k';
interface LoadResult {
  kind: 'sockfd' | 'epoll' | 'net';
  kibPerConnection: number;
  jsHeapKibPerConnection: number;
  mallocKibPerConnection: number;
  v8HeapMiB: number;
}

async function loadMemory(): Promise<{ connections: number; servers: LoadResult[] }> {
  const connections = quick ? 2_000 : 10_000;
  console.log(`\nmemory: ${connections.toLocaleString('en-US')} concurrent echo connections (test/soak/load.mjs)...`);
  const out = await new Promise<string>((done, fail) => {
    const child = spawn(process.execPath, [join(root, 'test/soak/load.mjs'), '--conns', String(connections)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d));
    child.on('exit', (code) => (code === 0 ? done(text) : fail(new Error(`test/soak/load.mjs exited with ${code}`))));
  });
  return { connections, servers: JSON.parse(out) as LoadResult[] };
}

interface Target extends Partial<ChartTarget> {
  text: string;
  met: boolean;
  measured: string;
}

function evaluateTargets(summaries: Summary[], syscalls: Record<string, Record<string, Record<string, number>>>, memory?: Awaited<ReturnType<typeof loadMemory>>): Target[] {
  const targets: Target[] = [];
  const mine = memory?.servers.find((r) => r.kind === 'sockfd'), theirs = memory?.servers.find((r) => r.kind === 'net');
  if (mine && theirs) {
    // the reason: where each one's memory went
    const where = (r: LoadResult, also = '') => `${fmt(r.kibPerConnection, 2)} KiB (JS heap ${fmt(r.jsHeapKibPerConnection, 2)}, malloc ${fmt(r.mallocKibPerConnection, 2)}${also})`;
    targets.push({
      text: `${memory!.connections.toLocaleString('en-US')} connections, sockfd/promises RSS per connection <= node:net`,
      met: mine.kibPerConnection <= theirs.kibPerConnection,
      measured: `${fmt(mine.kibPerConnection / theirs.kibPerConnection, 2)}x: sockfd/promises ${where(mine, ', its 4 KiB receive buffer included')}, node:net ${where(theirs)}`,
    });
  }
  for (const label of new Set(summaries.map((s) => s.placement))) {
    const byId = new Map(summaries.filter((s) => s.placement === label).map((s) => [s.id, s]));
    // The measured reason beside a ratio against node: how far C itself gets past node in the same run
    // (no layer over the same syscalls can go further than C does).
    const ceiling = (s: Summary, b: ContenderId) => {
      if (b !== 'node') return '';
      const cs = (['c', 'c-epoll'] as const).filter((c) => s.results[c]).map((c) => `${CONTENDERS[c]} ${fmt(ratio(s, c, b), 2)}x`);
      return cs.length ? ` (${cs.join(', ')})` : '';
    };
    const atLeast = (id: string, a: ContenderId, b: ContenderId, min: number, text: string) => {
      const s = byId.get(id);
      const r = s && ratio(s, a, b);
      if (r !== undefined) targets.push({ text: `${text} [${label}]`, met: r >= min, measured: `${fmt(r, 2)}x${ceiling(s!, b)}`, id, placement: label, contender: a, versus: b, min });
    };
    const pingPongs = [...byId.values()].filter((s) => /^(tcp|unix)-pp-/.test(s.id));
    for (const s of pingPongs) atLeast(s.id, 'promises', 'node', 1.5, `${s.title}, sockfd/promises >= 1.5x node:net`);
    if (label === PLACEMENT_LABEL.same) {
      atLeast('tcp-pp-64', 'promises', 'node', 1.7, 'TCP ping-pong 64 B, sockfd/promises >= 1.7x node:net');
      for (const s of [...pingPongs, ...(byId.has('udp-pp-64') ? [byId.get('udp-pp-64')!] : [])]) atLeast(s.id, 'sync', 'c', 0.85, `${s.title}, sockfd sync >= 0.85x C blocking`);
    }
    atLeast('tcp-pp-64', 'promises', 'c', 0.85, 'TCP ping-pong 64 B, sockfd/promises >= 0.85x C blocking');
    atLeast('udp-pp-64', 'promises', 'node', 2, 'UDP ping-pong 64 B, sockfd/promises >= 2x node:dgram');
    for (const [id, who] of [['udp-flood', 'sync'], ['udp-flood-mmsg', 'sync'], ['udp-flood-mmsg', 'epoll']] as const) {
      const results = byId.get(id)?.results, loss = results?.[who]?.loss, cLoss = results?.c?.loss;
      const reason = cLoss === undefined ? '' : ` (C blocking loses ${fmt(cLoss * 100, 2)}%)`;
      if (loss !== undefined) targets.push({ text: `${byId.get(id)!.title}, ${CONTENDERS[who]} loses < 1% [${label}]`, met: loss < 0.01, measured: `${fmt(loss * 100, 2)}% lost${reason}` });
    }
    const recv = byId.get('calls-recv')?.results.sync?.median, recvfrom = byId.get('calls-recvfrom')?.results.sync?.median;
    if (recv !== undefined && recvfrom !== undefined)
      targets.push({ text: `sync recvfrom within 1.5x recv per datagram [${label}]`, met: recvfrom <= 1.5 * recv, measured: `${fmt(recvfrom / recv, 2)}x (${fmt(recvfrom, 0)} vs ${fmt(recv, 0)} ns)` });
    atLeast('bulk-64k', 'promises', 'node', 1, 'TCP bulk 64 KiB writes, sockfd/promises >= 1.0x node:net');
    atLeast('bulk-1k', 'promises', 'node', 1.3, 'TCP bulk 1 KiB writes, sockfd/promises >= 1.3x node:net');
    atLeast('accept', 'promises', 'node', 1.3, 'accept/connect rate, sockfd/promises >= 1.3x node:net');
    atLeast('file-sendfile', 'promises', 'node', 2, 'file, awaited sendfile >= 2x a node:fs read stream piped to the socket');
    if (label === PLACEMENT_LABEL.same) atLeast('tcp-pp-64', 'epoll', 'c-epoll', 0.6, 'TCP ping-pong 64 B, sockfd epoll >= 0.6x C epoll');
    atLeast('tcp-conns-8', 'epoll', 'node', 2, 'TCP 8 connections, sockfd epoll >= 2x node:net');
    // the runtimes: the portable backend against libuv's on Node, sockfd against each runtime's own sockets
    atLeast('tcp-pp-64', 'thread', 'promises', 0.8, 'TCP ping-pong 64 B, the thread backend >= 0.8x the libuv backend');
    atLeast('tcp-pp-64', 'bun-promises', 'bun', 1, 'TCP ping-pong 64 B, sockfd/promises under Bun >= 1.0x Bun.listen/connect');
    atLeast('tcp-pp-64', 'deno-promises', 'deno', 1, 'TCP ping-pong 64 B, sockfd/promises under Deno >= 1.0x Deno.listen/connect');
    atLeast('tcp-pipeline-16', 'epoll', 'node', 2, 'TCP 16 in flight, sockfd epoll >= 2x node:net');
    const calls = byId.get('calls');
    if (calls?.results.sync && calls.results.c) {
      const diff = calls.results.sync.median - calls.results.c.median;
      const floor = byId.get('calls-htons')?.results.sync?.median;
      const reason = floor === undefined ? '' : ` (a sockfd call with no syscall, htons: ${fmt(floor, 1)} ns)`;
      targets.push({ text: `sync getsockopt within 100 ns of C [${label}]`, met: diff <= 100, measured: `+${fmt(diff, 1)} ns${reason}` });
    }
  }
  for (const [id, per] of Object.entries(syscalls)) {
    if (per.promises && per.node)
      targets.push({
        text: `${summaries.find((s) => s.id === id)?.title ?? id}: syscalls per round trip, sockfd/promises <= node`,
        met: per.promises.total! <= per.node.total!,
        measured: `${per.promises.total} vs ${per.node.total}`,
      });
  }
  return targets;
}

try {
  await main();
} catch (e) {
  console.error(`\nbench failed: ${(e as Error).message}`);
  process.exitCode = 1;
} finally {
  for (const p of peers.values()) p.kill();
  rmSync(scratch, { recursive: true, force: true });
}
