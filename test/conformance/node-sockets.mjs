// fileno() of every kind of socket node's modules make, and the way back (toNetSocket, toNetServer),
// run unchanged under each runtime by run.sh (TLS reads key.pem and cert.pem, which run.sh makes;
// Deno's node:net, node:tls and node:https want --allow-net, --allow-sys and --allow-env for themselves).
// Prints one line per kind: the fd, checked against node's own view of the socket (getsockname and
// getpeername against address()/remotePort), or the error code. Node must give every fd; a runtime
// whose node modules keep none must say ERR_FILENO_UNSUPPORTED. A wrong number fails either way.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';

import * as s from 'sockfd';
import * as p from 'sockfd/promises';

const runtime = typeof globalThis.Deno !== 'undefined' ? 'deno' : process.versions.bun ? 'bun' : 'node';
const LOCAL = '127.0.0.1';
const once = (emitter, event) => new Promise((resolve, reject) => emitter.once(event, resolve).once('error', reject));
const listening = async (server) => (server.listen(0, LOCAL), await once(server, 'listening'), server.address().port);
const errorOf = (fn) => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected a throw');
};

// fileno(x) checked: its socket's local port must be `port` (and peer port `peer`, where given).
function report(kind, x, { port, peer, must = runtime === 'node' } = {}) {
  let fd;
  try {
    fd = s.fileno(x);
  } catch (e) {
    if (must || e.code !== 'ERR_FILENO_UNSUPPORTED') throw new Error(`${kind}: ${e.code} ${e.message}`);
    console.log(`${kind.padEnd(34)} ${e.code}`);
    return undefined;
  }
  const local = s.getsockname(fd);
  if (port !== undefined) assert.equal(local.port, port, `${kind}: fd ${fd} is bound to another port`);
  if (peer !== undefined) assert.equal(s.getpeername(fd).port, peer, `${kind}: fd ${fd} is connected to another port`);
  console.log(`${kind.padEnd(34)} fd ${fd} (getsockname${peer === undefined ? '' : ', getpeername'} agree)`);
  return fd;
}

// `code`; where the runtime's node modules keep no fd, ERR_FILENO_UNSUPPORTED does too
function expectCode(kind, x, code) {
  const e = errorOf(() => s.fileno(x));
  if (runtime === 'node' || e.code !== 'ERR_FILENO_UNSUPPORTED') assert.equal(e.code, code, `${kind}: ${e.code} ${e.message}`);
  console.log(`${kind.padEnd(34)} ${e.code}`);
}

// node:net: server, client before, during and after, the accepted socket
async function netKinds() {
  const server = net.createServer();
  expectCode('net.Server before listen', server, 'ERR_FILENO_NOT_YET');
  const port = await listening(server);
  report('net.Server', server, { port });
  expectCode('new net.Socket()', new net.Socket(), 'ERR_FILENO_NOT_YET');
  const client = net.connect(port, LOCAL);
  expectCode('net.connect() before connect', client, 'ERR_FILENO_NOT_YET');
  const [accepted] = await Promise.all([once(server, 'connection'), once(client, 'connect')]);
  const fd = report('net.Socket (client)', client, { port: client.localPort, peer: port });
  report('net.Socket (accepted)', accepted, { port, peer: client.localPort });
  if (fd !== undefined) {
    // what sockfd refuses on node's fd, and what it does
    assert.equal(errorOf(() => s.close(fd)).code, 'EBADF');
    assert.equal(errorOf(() => s.Socket.from(fd)).code, 'EBADF');
    await assert.rejects(p.recv(fd, Buffer.alloc(1)), { code: 'EBADF', syscall: 'recv' });
    s.setsockopt(fd, s.IPPROTO_TCP, s.TCP_NODELAY, 1);
    assert.equal(s.getsockopt(fd, s.IPPROTO_TCP, s.TCP_NODELAY), 1);
    client.write('still node\'s');
    assert.equal(String(await once(accepted, 'data')), 'still node\'s');
  }
  client.destroy();
  expectCode('net.Socket destroyed', client, 'ERR_FILENO_GONE');
  accepted.destroy();
  server.close();
  expectCode('net.Server closed', server, 'ERR_FILENO_NOT_YET');
}

async function tlsKinds() {
  const key = readFileSync('key.pem');
  const cert = readFileSync('cert.pem');
  const server = tls.createServer({ key, cert }, (c) => c.end('tls'));
  const port = await listening(server);
  report('tls.Server', server, { port });
  const client = tls.connect({ port, host: LOCAL, rejectUnauthorized: false });
  await once(client, 'secureConnect');
  report('tls.TLSSocket (client)', client, { port: client.localPort, peer: port });
  client.resume();
  await once(client, 'end');
  client.destroy();
  server.close();

  const web = https.createServer({ key, cert }, (req, res) => {
    report('https request.socket', req.socket, { port: webPort, peer: req.socket.remotePort });
    res.end('https');
  });
  const webPort = await listening(web);
  report('https.Server', web, { port: webPort });
  await new Promise((resolve, reject) => https.get({ port: webPort, host: LOCAL, rejectUnauthorized: false, agent: false }, (res) => res.resume().on('end', resolve)).on('error', reject));
  web.close();
}

async function httpKinds() {
  const server = http.createServer((req, res) => {
    const fd = report('http IncomingMessage', req, { port, peer: req.socket.remotePort });
    report('http ServerResponse', res, { port });
    if (fd !== undefined) {
      const info = s.getsockopt(fd, s.IPPROTO_TCP, s.TCP_INFO);
      assert.equal(info.state, 'TCP_ESTABLISHED');
      s.setsockopt(fd, s.IPPROTO_TCP, s.TCP_CONGESTION, 'reno');
      assert.equal(s.getsockopt(fd, s.IPPROTO_TCP, s.TCP_CONGESTION), 'reno');
    }
    res.end('served');
  });
  const port = await listening(server);
  report('http.Server', server, { port });
  const req = http.get({ port, host: LOCAL, agent: false });
  expectCode('http ClientRequest before socket', req, 'ERR_FILENO_NOT_YET');
  const res = await once(req, 'response');
  report('http ClientRequest', req, { port: req.socket.localPort, peer: port });
  let body = '';
  for await (const chunk of res) body += chunk;
  assert.equal(body, 'served');
  server.close();
}

async function http2Kinds() {
  const server = http2.createServer();
  server.on('request', (req, res) => {
    report('http2 request', req, { port, peer: req.socket.remotePort });
    res.end('h2');
  });
  const port = await listening(server);
  report('http2 server', server, { port });
  const session = http2.connect(`http://${LOCAL}:${port}`);
  await once(session, 'connect');
  report('http2 client session', session, { peer: port });
  const stream = session.request({ ':path': '/' });
  stream.resume();
  await once(stream, 'end');
  session.close();
  await once(session, 'close');
  server.close();
}

async function dgramKinds() {
  const socket = dgram.createSocket('udp4');
  expectCode('dgram.Socket before bind', socket, 'ERR_FILENO_NOT_YET');
  socket.bind(0, LOCAL);
  await once(socket, 'listening');
  report('dgram.Socket', socket, { port: socket.address().port });
  socket.close();
  await once(socket, 'close');
  expectCode('dgram.Socket closed', socket, 'ERR_FILENO_GONE');
}

async function boundSocket() {
  if (net.BoundSocket === undefined) return console.log(`${'net.BoundSocket'.padEnd(34)} (not in this runtime)`);
  const bound = new net.BoundSocket({ host: LOCAL, port: 0 });
  const fd = report('net.BoundSocket', bound, { port: bound.address().port });
  // options that act at listen: set on the fd before node listens on it
  s.setsockopt(fd, s.IPPROTO_TCP, s.TCP_DEFER_ACCEPT, 5);
  s.setsockopt(fd, s.IPPROTO_TCP, s.TCP_FASTOPEN, 16);
  const server = net.createServer((c) => c.end('bound'));
  server.listen(bound);
  await once(server, 'listening');
  expectCode('net.BoundSocket adopted', bound, 'ERR_FILENO_GONE');
  assert.equal(s.fileno(server), fd);
  assert.ok(s.getsockopt(fd, s.IPPROTO_TCP, s.TCP_DEFER_ACCEPT) > 0);
  const c = net.connect(server.address().port, LOCAL).setEncoding('utf8');
  c.write('x'); // TCP_DEFER_ACCEPT: the server sees the connection with its first data
  let reply = '';
  for await (const chunk of c) reply += chunk;
  assert.equal(reply, 'bound');
  server.close();
}

// The way back: a sockfd listener with SO_REUSEPORT served by node:net, a connected sockfd socket
// read and written through node:net, and the datagram socket node cannot take.
async function wayBack() {
  const fd = s.socket(s.AF_INET, s.SOCK_STREAM, 0);
  s.setsockopt(fd, s.SOL_SOCKET, s.SO_REUSEPORT, 1);
  s.bind(fd, { family: 'AF_INET', address: LOCAL, port: 0 });
  s.listen(fd, 16);
  const { port } = s.getsockname(fd);
  let server;
  try {
    server = s.toNetServer(fd, {}, (conn) => conn.pipe(conn));
    await once(server, 'listening');
  } catch (e) {
    if (runtime === 'node') throw e;
    console.log(`${'toNetServer'.padEnd(34)} ${e.code ?? e.message}`);
    s.close(fd);
    return;
  }
  assert.equal(server.address().port, port);
  assert.equal(errorOf(() => s.close(fd)).code, 'EBADF');

  const c = s.socket(s.AF_INET, s.SOCK_STREAM, 0);
  await p.connect(c, { family: 'AF_INET', address: LOCAL, port });
  console.log(`${'toNetServer'.padEnd(34)} fd ${fd} served by node:net`);
  let sock;
  try {
    sock = s.toNetSocket(c);
  } catch (e) {
    if (runtime === 'node' || e.code !== 'ERR_FILENO_UNSUPPORTED') throw e;
    console.log(`${'toNetSocket'.padEnd(34)} ${e.code}`);
    s.close(c); // still ours
  }
  if (sock !== undefined) {
    assert.ok(sock.readable && sock.writable);
    sock.end('round trip');
    let echoed = '';
    for await (const chunk of sock) echoed += chunk;
    assert.equal(echoed, 'round trip');
    console.log(`${'toNetSocket'.padEnd(34)} fd ${c} read and written by node:net`);
  }
  server.close();

  const u = s.socket(s.AF_INET, s.SOCK_DGRAM, 0);
  assert.equal(errorOf(() => s.toNetSocket(u)).code, 'ERR_INVALID_ARG_VALUE');
  s.close(u);
}

assert.equal(errorOf(() => s.fileno(5)).code, 'ERR_INVALID_ARG_TYPE');
assert.equal(errorOf(() => s.fileno({ socket: 5 })).code, 'ERR_INVALID_ARG_TYPE');
console.log(`${'a number, a plain object'.padEnd(34)} ERR_INVALID_ARG_TYPE`);
await netKinds();
await tlsKinds();
await httpKinds();
await http2Kinds();
await dgramKinds();
await boundSocket();
await wayBack();
console.log('ok   node-sockets.mjs');
