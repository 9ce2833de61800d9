// Node's own sockets (lib/node.ts): fileno()'s errors for everything that is not a node socket, what
// sockfd refuses on an fd node holds (and stops refusing once node has closed it), the way back, and
// the examples built on them. fileno() of every kind node makes is checked under Node 20 to 26, Bun and
// Deno by test/conformance/node-sockets.mjs (npm run test:runtimes).
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { Duplex } from 'node:stream';
import tls from 'node:tls';

import { describe, expect, it } from 'vitest';

import * as s from 'sockfd';
import * as p from 'sockfd/promises';

import { canNetns, closeAll, fixtures, settledWithin, waitForOutput, withNetns } from './helpers.js';

const dist = dirname(createRequire(import.meta.url).resolve('sockfd'));
const example = (name: string) => join(dist, 'examples', `${name}.js`);
const LOCAL = '127.0.0.1';

const thrown = (fn: () => unknown): Error & { code?: string; syscall?: string } => {
  try {
    fn();
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a throw');
};

// A node:net server and a connected client, both node's; closed after fn.
async function withNetPair<T>(fn: (client: net.Socket, accepted: net.Socket, server: net.Server) => Promise<T>): Promise<T> {
  const server = net.createServer();
  server.listen(0, LOCAL);
  await once(server, 'listening');
  const client = net.connect((server.address() as net.AddressInfo).port, LOCAL);
  const [[accepted]] = await Promise.all([once(server, 'connection'), once(client, 'connect')]);
  try {
    return await fn(client, accepted as net.Socket, server);
  } finally {
    client.destroy();
    (accepted as net.Socket).destroy();
    server.close();
    await Promise.all([once(client, 'close'), once(server, 'close')]);
  }
}

describe('fileno', () => {
  it.each([
    ['a number', 5],
    ['a string', '5'],
    ['null', null],
    ['undefined', undefined],
    ['a plain object', {}],
    ['an object with a socket field', { socket: 5 }],
    ['an EventEmitter with a socket field', Object.assign(new EventEmitter(), { socket: {} })],
    ['an array', []],
    ['a node:stream Duplex', new Duplex()],
  ])('of %s: TypeError ERR_INVALID_ARG_TYPE', (_, x) => {
    const e = thrown(() => s.fileno(x as never));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.code).toBe('ERR_INVALID_ARG_TYPE');
    expect(e.message).toMatch(/^The "socket" argument must be a node:net, node:tls, node:http, node:http2 or node:dgram socket or server, or a net.BoundSocket/);
  });

  it('of a sockfd Socket: a TypeError too (its fd is sock.fd)', async () => {
    await using sock = new s.Socket(s.AF_INET, s.SOCK_STREAM);
    expect(thrown(() => s.fileno(sock)).code).toBe('ERR_INVALID_ARG_TYPE');
  });

  it('of a socket not connected yet, connecting, and destroyed: which, and what to do', async () => {
    expect(thrown(() => s.fileno(new net.Socket()))).toMatchObject({ code: 'ERR_FILENO_NOT_YET', message: "fileno: this net.Socket has no fd yet: it is not connected: call fileno() after 'connect'" });
    const server = net.createServer((c) => c.destroy());
    expect(thrown(() => s.fileno(server))).toMatchObject({ code: 'ERR_FILENO_NOT_YET', message: "fileno: this server is not listening (not yet, or closed): call fileno() after 'listening'" });
    server.listen(0, LOCAL);
    await once(server, 'listening');
    const client = net.connect((server.address() as net.AddressInfo).port, LOCAL);
    expect(thrown(() => s.fileno(client))).toMatchObject({ code: 'ERR_FILENO_NOT_YET', message: "fileno: this net.Socket has no fd yet: it is connecting: call fileno() after 'connect'" });
    await once(client, 'connect');
    expect(s.asInet(s.getsockname(s.fileno(client))).port).toBe(client.localPort);
    client.destroy();
    expect(thrown(() => s.fileno(client))).toMatchObject({ code: 'ERR_FILENO_GONE', message: 'fileno: this net.Socket is destroyed: its fd is closed' });
    server.close();
    await once(server, 'close');
  });

  it('of a TLS socket over a JS stream: no fd under it', () => {
    const t = tls.connect({ socket: new Duplex({ read() {}, write: (_c, _e, cb) => cb() }), rejectUnauthorized: false });
    expect(thrown(() => s.fileno(t))).toMatchObject({ code: 'ERR_FILENO_UNSUPPORTED', message: 'fileno: this tls.TLSSocket runs over a JS stream, not a socket: there is no fd under it' });
    t.destroy();
  });

  it('refuses, with EBADF, what would break node: close, dup2/dup3 onto it, a Socket, the waiting calls', async () => {
    await withNetPair(async (client) => {
      const fd = s.fileno(client);
      const other = s.socket(s.AF_INET, s.SOCK_STREAM, 0);
      try {
        const refusals = [
          ['close', () => s.close(fd)],
          ['dup2', () => s.dup2(other, fd)],
          ['dup3', () => s.dup3(other, fd, 0)],
          ['Socket', () => s.Socket.from(fd)],
        ] as const;
        for (const [syscall, call] of refusals) {
          expect(thrown(call)).toMatchObject({ code: 'EBADF', errno: s.EBADF, syscall, message: expect.stringContaining(`fd ${fd} is node's (a Socket's, from fileno() or toNet*), not sockfd's`) });
        }
        const buf = Buffer.alloc(8);
        await expect(p.recv(fd, buf)).rejects.toMatchObject({ code: 'EBADF', syscall: 'recv' });
        await expect(p.send(fd, 'x')).rejects.toMatchObject({ code: 'EBADF', syscall: 'send' });
        await expect(p.read(fd, buf)).rejects.toMatchObject({ code: 'EBADF', syscall: 'read' });
        await expect(p.sendAll(fd, 'x')).rejects.toMatchObject({ code: 'EBADF', syscall: 'sendAll' });
        // the sync queries and options work, and node still reads and writes it
        expect(s.getsockopt(fd, s.SOL_SOCKET, s.SO_TYPE)).toBe(s.SOCK_STREAM);
        s.setsockopt(fd, s.IPPROTO_TCP, s.TCP_NODELAY, 1);
        expect(s.getsockopt(fd, s.IPPROTO_TCP, s.TCP_NODELAY)).toBe(1);
        expect(s.ioctl(fd, s.SIOCOUTQ)).toBe(0);
      } finally {
        s.close(other);
      }
    });
  });

  it('lets the number go once node has closed it: a sockfd socket put there is sockfd\'s', async () => {
    let fd = -1;
    await withNetPair(async (client) => {
      fd = s.fileno(client);
    });
    const mine = s.socket(s.AF_INET, s.SOCK_DGRAM, 0);
    expect(s.dup2(mine, fd)).toBe(fd);
    expect(s.getsockopt(fd, s.SOL_SOCKET, s.SO_TYPE)).toBe(s.SOCK_DGRAM);
    s.close(fd);
    s.close(mine);
  });
});

describe('the way back: toNetSocket, toNetServer', () => {
  it('a connected socket read and written through node:net, node closing it', async () => {
    const [mine, theirs] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM, 0);
    const sock = s.toNetSocket(theirs);
    expect(sock.readable && sock.writable).toBe(true);
    expect(thrown(() => s.close(theirs)).code).toBe('EBADF'); // node's now
    s.send(mine, 'from sockfd');
    expect(String((await once(sock, 'data'))[0])).toBe('from sockfd');
    sock.end('from node');
    const buf = Buffer.alloc(64);
    expect(buf.toString('utf8', 0, await p.recv(mine, buf))).toBe('from node');
    expect(await p.recv(mine, buf)).toBe(0); // node's end(): shutdown(SHUT_WR)
    s.shutdown(mine, s.SHUT_WR); // and ours, after which node closes its side
    sock.resume();
    await once(sock, 'close');
    s.close(mine);
  });

  it('a call still waiting on the fd rejects with ECANCELED when node takes it', async () => {
    const [mine, theirs] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM, 0);
    const waiting = p.recv(theirs, Buffer.alloc(8));
    const sock = s.toNetSocket(theirs);
    await expect(waiting).rejects.toMatchObject({ code: 'ECANCELED' });
    sock.destroy();
    await once(sock, 'close');
    s.close(mine);
  });

  it('refuses a datagram socket (node:dgram cannot adopt an fd), a seqpacket, an unconnected or listening one, a closed fd, bad options', () => {
    const u = s.socket(s.AF_INET, s.SOCK_DGRAM, 0);
    const l = s.socket(s.AF_INET, s.SOCK_STREAM, 0);
    const [q1, q2] = s.socketpair(s.AF_UNIX, s.SOCK_SEQPACKET, 0);
    try {
      expect(thrown(() => s.toNetSocket(u))).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining('node:dgram cannot adopt an fd (nodejs/node#14961)') });
      expect(thrown(() => s.toNetSocket(q1))).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining('not a SOCK_STREAM socket') });
      expect(thrown(() => s.toNetSocket(l))).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining('not connected: connect it first') });
      expect(thrown(() => s.toNetServer(l))).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining('not a listening socket: call listen(fd) first') });
      const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM, 0);
      expect(thrown(() => s.toNetSocket(a, { readable: 'yes' } as never))).toMatchObject({ code: 'ERR_INVALID_ARG_TYPE', message: expect.stringContaining('"options.readable"') });
      expect(thrown(() => s.toNetSocket(a, 5 as never))).toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
      s.close(a); // still ours: nothing was handed over
      s.close(b);
      s.bind(l, { family: 'AF_INET', address: LOCAL, port: 0 });
      s.listen(l, 1);
      expect(thrown(() => s.toNetSocket(l))).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining('hand it to toNetServer()') });
    } finally {
      closeAll(u, l, q1, q2);
    }
    expect(thrown(() => s.toNetSocket(u))).toMatchObject({ code: 'EBADF', syscall: 'getsockopt' });
    expect(thrown(() => s.toNetSocket(1.5))).toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    expect(thrown(() => s.toNetServer('3' as never))).toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
  });

  it('a listening socket served by node:net, its backlog given', async () => {
    const l = s.socket(s.AF_INET6, s.SOCK_STREAM, 0);
    s.bind(l, { family: 'AF_INET6', address: '::1', port: 0 });
    s.listen(l, 1);
    const { port } = s.asInet6(s.getsockname(l));
    const server = s.toNetServer(l, { backlog: 7 }, (c) => c.end('served'));
    await once(server, 'listening');
    expect(s.fileno(server)).toBe(l);
    const c = net.connect(port, '::1').setEncoding('utf8');
    let reply = '';
    for await (const chunk of c) reply += chunk;
    expect(reply).toBe('served');
    server.close();
    await once(server, 'close');
  });

  it('in a node:cluster worker: toNetServer refuses (listen({ fd }) would listen in the primary), fileno of its server says why', () => {
    const r = spawnSync(process.execPath, [join(fixtures, 'cluster-to-net-server.mjs')], { encoding: 'utf8', timeout: 20_000 });
    expect(r.stdout.trim()).toBe('ERR_CLUSTER_WORKER ERR_FILENO_UNSUPPORTED');
  });
});

describe('the examples', () => {
  async function serving(name: string): Promise<{ port: number; stop: () => Promise<void> }> {
    const child = spawn(process.execPath, [example(name), '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [, port] = await waitForOutput(child, /http:\/\/127\.0\.0\.1:(\d+)\//);
    return { port: Number(port), stop: async () => void (child.kill(), await once(child, 'exit')) };
  }
  const get = (port: number, agent: http.Agent | false) =>
    new Promise<string>((resolve, reject) => {
      http.get({ host: LOCAL, port, agent }, async (res) => {
        let body = '';
        for await (const chunk of res) body += chunk;
        resolve(body);
      }).on('error', reject);
    });

  it("http_tcp_info.ts: each answer is its own connection's tcp_info, over keep-alive", async () => {
    const { port, stop } = await serving('http_tcp_info');
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = JSON.parse(await get(port, agent));
      const second = JSON.parse(await get(port, agent));
      const other = JSON.parse(await get(port, false));
      expect(first).toMatchObject({ state: 'TCP_ESTABLISHED', request: 1, retransmits: 0 });
      expect(second).toMatchObject({ fd: first.fd, peer: first.peer, request: 2 });
      expect(other.peer).not.toBe(first.peer);
      expect(other.request).toBe(1);
      for (const info of [first, second, other]) {
        expect(info.peer).toMatch(/^127\.0\.0\.1:\d+$/);
        expect(info.rtt_us).toBeGreaterThan(0);
        expect(info.snd_cwnd).toBeGreaterThan(0);
        expect(typeof info.delivery_rate).toBe('number');
      }
    } finally {
      agent.destroy();
      await stop();
    }
  });

  it('http_congestion.ts: each connection gets the next allowed algorithm, and is still served', async () => {
    const allowed = readFileSync('/proc/sys/net/ipv4/tcp_allowed_congestion_control', 'utf8').trim().split(/\s+/);
    const { port, stop } = await serving('http_congestion');
    try {
      const got: string[] = [];
      for (let i = 0; i < allowed.length * 2; i++) got.push((await get(port, false)).trim());
      expect(got).toEqual([...allowed, ...allowed]);
    } finally {
      await stop();
    }
  });

  // Two links out of one namespace, each to its own namespace whose host has the same address, 10.93.0.2,
  // and serves its own name; the route on vb has the higher metric, so unbound traffic goes out on va.
  it.runIf(canNetns)('http_bind_to_device.ts: the interface decides which of two hosts at one address answers', async () => {
    const setup = [
      'ip link add va netns {0} type veth peer name eth0 netns {1}',
      'ip link add vb netns {0} type veth peer name eth0 netns {2}',
      'ip -n {0} addr add 10.93.0.1/24 dev va',
      'ip -n {0} addr add 10.93.0.1/24 dev vb metric 10',
      'ip -n {1} addr add 10.93.0.2/24 dev eth0',
      'ip -n {2} addr add 10.93.0.2/24 dev eth0',
      ...['{0} va', '{0} vb', '{1} eth0', '{2} eth0'].map((x) => `ip -n ${x.split(' ')[0]} link set ${x.split(' ')[1]} up`),
    ];
    await withNetns(3, setup, async ([client, a, b]) => {
      const serve = (ns: string, name: string) => spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', `require('http').createServer((q, r) => r.end('${name}')).listen(8080, '10.93.0.2', () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
      const servers = [serve(a!, 'host a'), serve(b!, 'host b')];
      try {
        await Promise.all(servers.map((c) => waitForOutput(c, /up/)));
        const run = (ifname: string) => spawnSync('ip', ['netns', 'exec', client!, process.execPath, example('http_bind_to_device'), ifname, 'http://10.93.0.2:8080/'], { encoding: 'utf8', timeout: 20_000 });
        for (const [ifname, host] of [['va', 'host a'], ['vb', 'host b']]) {
          const r = run(ifname!);
          expect(r.stderr).toBe('');
          expect(r.stdout).toMatch(new RegExp(`^GET http://10\\.93\\.0\\.2:8080/ from 10\\.93\\.0\\.1:\\d+ on ${ifname}: 200 ${host}\\n$`));
        }
        const r = run('nosuchif0');
        expect(r.status).not.toBe(0);
        expect(r.stderr).toMatch(/setsockopt ENODEV/);
      } finally {
        for (const c of servers) c.kill();
        await Promise.all(servers.map((c) => settledWithin(once(c, 'exit'), 5000)));
      }
    });
  });
});
