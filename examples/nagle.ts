// Nagle's algorithm meeting a delayed ACK: a request written in two small pieces (write, write, read),
// the reply sent once both are in. Nagle (RFC 896) holds the second piece until the first is
// acknowledged; the server, waiting for the second piece before it replies, delays that ACK (Linux:
// 40 ms at least, RFC 1122 allows 500). Each request stalls 40 ms; TCP_NODELAY, set with
// setsockopt(2), sends the second piece at once. No fault needed:
//   node dist/examples/nagle.js [requests=20]
//   npx sockfd-timeline -- node dist/examples/nagle.js 4     (the stall between the two pieces)
import { accept, connect, recv, send } from 'sockfd/promises';
import { AF_INET, bind, close, getsockname, IPPROTO_TCP, listen, setsockopt, SOCK_STREAM, socket, TCP_NODELAY } from 'sockfd';

const requests = Number(process.argv[2] ?? 20);
const PIECE = 10;

async function run(nodelay: boolean): Promise<number[]> {
  const listener = socket(AF_INET, SOCK_STREAM, 0);
  bind(listener, { family: 'AF_INET', address: '127.0.0.1', port: 0 });
  listen(listener, 1);
  const client = socket(AF_INET, SOCK_STREAM, 0);
  const [{ fd: server }] = await Promise.all([accept(listener), connect(client, getsockname(listener)!)]);
  if (nodelay) setsockopt(client, IPPROTO_TCP, TCP_NODELAY, 1); // setsockopt(2): Nagle off
  const buf = Buffer.alloc(64);
  const serving = (async () => {
    for (let i = 0; i < requests; i++) {
      for (let got = 0; got < 2 * PIECE; ) got += await recv(server, buf.subarray(got)); // both pieces
      await send(server, 'ok');
    }
  })();
  const took: number[] = [];
  for (let i = 0; i < requests; i++) {
    const start = performance.now();
    await send(client, 'H'.repeat(PIECE)); // write: the header
    await send(client, 'B'.repeat(PIECE)); // write: the body (Nagle: held until the header is acked)
    await recv(client, buf); // read: the reply
    took.push(performance.now() - start);
  }
  await serving;
  for (const fd of [client, server, listener]) close(fd);
  return took;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const nagle = await run(false);
const nodelay = await run(true);
console.log(`write-write-read, ${requests} requests: median ${median(nagle).toFixed(2)} ms with Nagle, ${median(nodelay).toFixed(2)} ms with TCP_NODELAY`);
console.log(`with Nagle, each request took (ms): ${nagle.map((t) => t.toFixed(1)).join(' ')}`);
