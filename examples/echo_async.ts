// The echo server and client of seed 001 on sockfd/promises, in one process: the server serves every
// client concurrently on one thread (no thread per client), the event loop never blocks.
//
//   node dist/examples/echo_async.js [clients]
import { AF_INET, close, SHUT_WR, shutdown, SO_REUSEADDR, SOCK_STREAM, Socket, SOL_SOCKET } from 'sockfd';
import { accept, recv, sendAll } from 'sockfd/promises';

const clients = Number(process.argv[2] ?? 3);

// The server: socket, setsockopt, bind, listen, then accept in a loop, one task per connection.
const server = new Socket(AF_INET, SOCK_STREAM);
server.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1);
server.bind({ family: 'AF_INET', address: '127.0.0.1', port: 0 });
server.listen(16);
const { port } = server.getsockname() as { port: number };
console.log(`listening on 127.0.0.1:${port}`);

async function echo(connfd: number): Promise<void> {
  const buf = new Uint8Array(4096);
  let n: number;
  while ((n = await recv(connfd, buf)) > 0) await sendAll(connfd, buf, n); // recv() until the peer's FIN
  close(connfd);
}

async function serve(): Promise<void> {
  for (let served = 0; served < clients; served++) {
    const { fd, addr } = await accept(server.fd); // waits on the event loop, not in accept(2)
    console.log(`connection from ${JSON.stringify(addr)}`);
    void echo(fd);
  }
}

// A client: connect, send a greeting, half-close, read the echo until the server closes.
async function client(id: number): Promise<string> {
  await using sock = new Socket(AF_INET, SOCK_STREAM); // closed when this function returns
  await sock.connect({ family: 'AF_INET', address: '127.0.0.1', port });
  await sock.sendAll(`你好啊服务器! from client ${id}`);
  shutdown(sock.fd, SHUT_WR);
  const buf = new Uint8Array(256);
  let got = 0;
  for (let n; (n = await sock.recv(buf.subarray(got))) > 0; ) got += n;
  return Buffer.from(buf.subarray(0, got)).toString();
}

const serving = serve();
const replies = await Promise.all(Array.from({ length: clients }, (_, i) => client(i + 1)));
await serving;
for (const reply of replies) console.log(`echoed: ${reply}`);
server.close();
