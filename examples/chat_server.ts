// Seed 000's chat server on sockfd/promises (the C original: examples/c/chat_server.c). The C serves each
// client on its own thread, blocked in read(); here every client is an async function on the one event
// loop, and `await recv()` waits for that client's data without blocking the others. For each message a
// client sends, the server prints it and answers with the next line of stdin.
// (chat_server_worker.ts is the thread-per-client way: a Worker per client.)
// Usage: node dist/examples/chat_server.js [ip] [port]
import { createInterface } from 'node:readline';

import {
  asInet, AF_INET, bind, close, getsockname, htons, inet_addr, listen, setsockopt, SO_REUSEADDR, sockaddr_in, socket,
  SOCK_STREAM, SOL_SOCKET,
} from 'sockfd';
import { accept, recv, send } from 'sockfd/promises';

if (process.argv.length !== 4) {
  console.log(`Usage: ${process.argv[1]} [ip] [port]`);
  process.exit(1);
}
// stdin's lines, shared by all clients: each answer takes the next one, as each C thread's read(0) does
const stdin = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

async function serveClient(fd: number): Promise<void> {
  console.log('create a new task');
  const buf = Buffer.alloc(1024);
  for (;;) {
    const s = await recv(fd, buf, buf.length - 1, 0); // read(2) on a socket is recv(2) with flags 0
    if (s > 0) {
      process.stdout.write(`client:# ${buf.toString('utf8', 0, s)}`);
      process.stdout.write('server:$ ');
      const line = await stdin.next();
      if (line.done) break; // stdin ended: nothing more to say
      await send(fd, line.value, undefined, 0); // write(2): the line without its newline
      console.log('please wait ...');
    } else {
      console.log('client close...');
      break;
    }
  }
  close(fd); // close(2)
}

const listen_sock = socket(AF_INET, SOCK_STREAM, 0); // socket(2)
const local = new sockaddr_in();
local.sin_family = AF_INET;
local.sin_port = htons(Number(process.argv[3]));
local.sin_addr.s_addr = inet_addr(process.argv[2]!); // inet_addr(3)
setsockopt(listen_sock, SOL_SOCKET, SO_REUSEADDR, 1); // setsockopt(2)
bind(listen_sock, local); // bind(2)
listen(listen_sock, 5); // listen(2)
console.log(`listening on port ${asInet(getsockname(listen_sock)).port}`);
for (;;) {
  const { fd: client_sock, addr } = await accept(listen_sock); // accept4(2), waiting on the event loop
  const peer = asInet(addr);
  console.log(`get a new link,socket -> ${peer.address}:${peer.port}`);
  void serveClient(client_sock); // pthread_create + pthread_detach: runs on, unawaited
}
