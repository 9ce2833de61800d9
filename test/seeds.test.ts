// The seed programs (examples/*.ts) against their C twins (examples/c/*.c), both ways round: every
// TypeScript server with every client, C's included, and every TypeScript client with the C server.
// The interactive ones are typed at through stdin. Each server is told port 0 and says which port it got.
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { compileExample, Interactive, withTmpDirAsync } from './helpers.js';

const dist = join(createRequire(import.meta.url).resolve('sockfd'), '..', 'examples');

// A program of the example `name`: its TypeScript version `ts` (a file in dist/examples), or the C twin.
type Program = { label: string; start: (args: string[]) => Interactive };
const ts = (file: string): Program => ({
  label: `TS ${file}`,
  start: (args) => started(new Interactive(process.execPath, [join(dist, `${file}.js`), ...args])),
});
const c = (name: string): Program => ({ label: `C ${name}`, start: (args) => started(new Interactive(compileExample(name), args)) });

// Whatever a test started and did not see exit (servers run forever; a failed test leaves clients) is
// stopped after it, so no process outlives its test.
const running: Interactive[] = [];
const started = (p: Interactive) => (running.push(p), p);
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.kill()));
});

// Every pairing but TS with TS, which the demo and the other suites cover: TS with C both ways, and C with C
// as the reference the others are held to.
function pairs(servers: Program[], clients: Program[]): [string, Program, Program][] {
  return servers.flatMap((s) => clients.map((cl): [string, Program, Program] => [`${s.label} + ${cl.label}`, s, cl]))
    .filter(([, s, cl]) => s.label.startsWith('C') || cl.label.startsWith('C'));
}

const normalise = (text: string) => text.replace(/port \d+/g, 'port N').replace(/time \d+\.\d+/g, 'time T').replace(/:\d+\n/g, ':N\n');

describe('seed 001: the echo server on port 4321 and its client', () => {
  const servers = [c('echo_server'), ts('echo_server'), ts('echo_server_async')];
  const clients = [c('echo_client'), ts('echo_client'), ts('echo_client_async')];

  it.each(pairs(servers, clients))('%s', async (_, server, client) => {
    const srv = server.start(['0', '--once']);
    const [, port] = await srv.expect(/listening on port (\d+)\n/);
    const cl = client.start(['127.0.0.1', port!]);
    expect(await cl.close()).toBe(0);
    // the greeting comes back with its NUL, which the client turns into a space
    expect(cl.out).toBe('server message: 你好啊服务器!\n \n');
    expect(await srv.close()).toBe(0);
    expect(normalise(srv.out)).toBe("listening on port N\nYou got a connection from client's ip 127.0.0.1, port N at time T\n你好啊服务器!\n\n");
  });
});

describe('seed 002: the server on port 6666 that prints one message a connection, and its fgets client', () => {
  const servers = [c('msg_server'), ts('msg_server')];
  const clients = [c('msg_client'), ts('msg_client')];

  it.each(pairs(servers, clients))('%s', async (_, server, client) => {
    const srv = server.start(['0']);
    const [, port] = await srv.expect(/listening on port (\d+)\n======waiting for client's request======\n/);
    for (const text of ['first line', '第二行']) {
      const cl = client.start(['127.0.0.1', port!]);
      await cl.expect(/^send msg to server: \n/);
      cl.type(text); // fgets() reads it from stdin
      expect(await cl.close()).toBe(0);
      await srv.expect(new RegExp(`recv msg from client: ${text}\n\n`));
    }
  });
});

describe('seed 000: the interactive chat, each client served concurrently', () => {
  const servers = [c('chat_server'), ts('chat_server'), ts('chat_server_worker'), c('chat_server_select'), ts('chat_server_select')];
  const clients = [ts('chat_client'), c('chat_client')];

  it.each(servers.map((s) => [s.label, s] as const))('%s with a TS and a C client at once', async (_, server) => {
    const srv = server.start(['127.0.0.1', '0']);
    const [, port] = await srv.expect(/listening on port (\d+)\n/);
    const [a, b] = clients.map((cl) => cl.start(['127.0.0.1', port!])) as [Interactive, Interactive];
    // one exchange: the client types a line, the server prints it and answers with the line typed at it
    const exchange = async (cl: Interactive, said: string, answer: string) => {
      await cl.expect(/client:# $/);
      cl.type(said);
      await srv.expect(new RegExp(`client:# ${said}\nserver:\\$ $`));
      srv.type(answer);
      await cl.expect(new RegExp(`^server:\\$ ${answer}\n`));
      await srv.expect(/please wait \.\.\.\n/);
    };
    await a.expect(/connect success \.\.\.\n/);
    await b.expect(/connect success \.\.\.\n/);
    // both connected: the server serves b while a is still being served, and a again after b
    await exchange(a, 'hello from a', 'hi a');
    await exchange(b, 'hello from b', '你好 b');
    await exchange(a, 'still here', 'me too');
    for (const cl of [a, b]) {
      await cl.expect(/client:# $/);
      expect(await cl.close()).toBe(0); // end of stdin: the client closes its socket
      expect(cl.out).toMatch(/sock close$/);
      await srv.expect(/client close\.\.\.\n/);
    }
    expect(srv.out.match(/get a new link,socket -> 127\.0\.0\.1:\d+\n/g)).toHaveLength(2);
    expect(srv.out.match(/create a new (thread|task|client)\n/g)).toHaveLength(2);
  });
});

describe('the epoll echo server, level- and edge-triggered, with the seed 001 clients', () => {
  const servers = (['lt', 'et'] as const).flatMap((mode) => [c('epoll_echo_server'), ts('epoll_echo_server')].map((p) => ({ ...p, label: `${p.label} ${mode}`, mode })));
  const clients = [c('echo_client'), ts('echo_client'), ts('echo_client_async')];

  it.each(pairs(servers, clients))('%s', async (_, server, client) => {
    const mode = (server as (typeof servers)[number]).mode;
    const srv = server.start(['0', mode, '2']);
    const [, port] = await srv.expect(/listening on port (\d+) /);
    for (let i = 0; i < 2; i++) {
      const cl = client.start(['127.0.0.1', port!]);
      expect(await cl.close()).toBe(0);
      expect(cl.out).toBe('server message: 你好啊服务器!\n \n');
    }
    expect(await srv.close()).toBe(0); // after its two clients
    const once = 'connection from 127.0.0.1:N\nechoed 21 bytes\nconnection closed\n';
    expect(normalise(srv.out)).toBe(`listening on port N (${mode === 'et' ? 'edge' : 'level'}-triggered)\n${once}${once}`);
  });
});

describe('seed 003: the echo over AF_UNIX stream sockets with a path', () => {
  const servers = [c('unix_echo_server'), ts('unix_echo_server')];
  const clients = [c('unix_echo_client'), ts('unix_echo_client')];

  it.each(pairs(servers, clients))('%s', async (_, server, client) => {
    await withTmpDirAsync(async (dir) => {
      const path = join(dir, 'echo.sock');
      const srv = server.start([path, '--once']);
      await srv.expect(new RegExp(`listening on ${path}\n`));
      const cl = client.start([path, 'über AF_UNIX']);
      expect(await cl.close()).toBe(0);
      expect(cl.out).toBe('echo from server: über AF_UNIX\n');
      expect(await srv.close()).toBe(0);
      expect(srv.out).toBe(`listening on ${path}\nconnection from an unnamed socket\nreceived 13 bytes: über AF_UNIX\n`);
    });
  });
});

describe('seeds 002/004: the handshake and the four-way close, as TCP_INFO sees them', () => {
  it('prints the same timeline as its C twin', async () => {
    const [tsRun, cRun] = [ts('close_timeline'), c('close_timeline')].map((p) => p.start([]));
    const [tsCode, cCode] = await Promise.all([tsRun!.close(), cRun!.close()]);
    expect([tsCode, cCode]).toEqual([0, 0]);
    expect(tsRun!.out).toBe(cRun!.out);
    const states = tsRun!.out.trim().split('\n').slice(1).map((l) => l.slice(45).trim().split(/\s+/));
    expect(states).toEqual([
      ['CLOSE', 'LISTEN'],
      ['ESTABLISHED', 'ESTABLISHED'],
      ['FIN_WAIT2', 'CLOSE_WAIT'],
      ['FIN_WAIT2', 'CLOSE_WAIT'],
      ['FIN_WAIT2', 'CLOSE_WAIT'],
      ['CLOSE', 'CLOSE'],
      ['CLOSE', 'CLOSE'],
    ]);
  });
});

describe('inetd: each connection dup2()ed onto a program\'s stdin and stdout', () => {
  const exchange = (port: number, text: string) =>
    new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const socket = connect(port, '127.0.0.1', () => socket.end(text));
      socket.on('data', (d: Buffer) => chunks.push(d)).on('error', reject).on('end', () => {
        socket.destroy();
        resolve(Buffer.concat(chunks).toString());
      });
    });

  it.each([c('inetd'), ts('inetd')].map((p): [string, Program] => [p.label, p]))('%s runs tr a-z A-Z for each connection, one at a time', async (_, server) => {
    const srv = server.start(['0', '2', 'tr', 'a-z', 'A-Z']);
    const [, port] = await srv.expect(/listening on port (\d+)\n/);
    expect(await exchange(Number(port), 'hello inetd\n')).toBe('HELLO INETD\n');
    expect(await exchange(Number(port), 'second one\n')).toBe('SECOND ONE\n');
    expect(await srv.close()).toBe(0);
    expect(normalise(srv.out)).toBe('listening on port N\nserved connection 1: tr exited 0\nserved connection 2: tr exited 0\n');
  });
});
