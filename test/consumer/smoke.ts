// The consumer smoke program: real socket work through the installed package's three layers, run by
// test/consumer/run.sh from a fresh project that depends on the packed tarball. It is compiled twice
// from this one source, to ESM (smoke.js) and to CommonJS (smoke.cjs: require('sockfd')), and
// type-checked with moduleResolution nodenext and bundler. No top-level await, so CommonJS can run it.
import { AF_INET, AF_UNIX, close, getsockname, listen, recv, send, SO_REUSEADDR, SOCK_SEQPACKET, SOCK_STREAM, Socket, socket, socketpair, SOL_SOCKET, setsockopt, bind } from 'sockfd';
import * as P from 'sockfd/promises';

const text = (buf: Uint8Array, n: number): string => new TextDecoder().decode(buf.subarray(0, n));

// A TCP echo on loopback: the server on the sync calls and sockfd/promises, the client a Socket.
async function tcpEcho(): Promise<string> {
  const server = socket(AF_INET, SOCK_STREAM, 0);
  setsockopt(server, SOL_SOCKET, SO_REUSEADDR, 1);
  bind(server, { family: 'AF_INET', address: '127.0.0.1', port: 0 });
  listen(server, 1);
  const addr = getsockname(server);
  if (addr?.family !== 'AF_INET') throw new Error(`getsockname: ${JSON.stringify(addr)}`);
  const serving = (async () => {
    const { fd } = await P.accept(server);
    const buf = new Uint8Array(64);
    const n = await P.recv(fd, buf);
    await P.sendAll(fd, buf, n);
    close(fd);
  })();
  const client = new Socket(AF_INET, SOCK_STREAM);
  try {
    await client.connect({ family: 'AF_INET', address: '127.0.0.1', port: addr.port });
    await client.sendAll('hello over tcp');
    const buf = new Uint8Array(64);
    const n = await client.recv(buf);
    await serving;
    return text(buf, n);
  } finally {
    client.close();
    close(server);
  }
}

// An AF_UNIX exchange over a socketpair: sync send, awaited recv, and back.
async function unixPair(): Promise<string> {
  const [a, b] = socketpair(AF_UNIX, SOCK_SEQPACKET, 0);
  try {
    send(a, 'hello over a socketpair');
    const buf = new Uint8Array(64);
    const n = await P.recv(b, buf);
    await P.send(b, buf, n);
    const m = recv(a, buf);
    return text(buf, m);
  } finally {
    close(a);
    close(b);
  }
}

async function main(): Promise<void> {
  const results = [await tcpEcho(), await unixPair()];
  const expected = ['hello over tcp', 'hello over a socketpair'];
  if (JSON.stringify(results) !== JSON.stringify(expected)) throw new Error(`smoke: got ${JSON.stringify(results)}`);
  console.log(`smoke ok: ${process.arch} node ${process.version} ${typeof require === 'function' ? 'commonjs' : 'esm'}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
