// Seed 000's chat server with select() instead of a thread per client (the C twin:
// examples/c/chat_server_select.c), call for call: one thread, one loop. The listening socket, every
// client and (while a client waits for its answer) stdin are in the read set; select(2) says which is
// ready. For every message a client sends, the server prints it and answers with the next line typed
// at it. select() here is the sync one: it blocks this thread, as in C (sockfd/promises has the
// awaitable one).
// Usage: node dist/examples/chat_server_select.js [ip] [port]
import { writeSync } from 'node:fs';

import {
  asInet, accept, AF_INET, bind, close, FD_ISSET, FD_SET, fd_set, FD_ZERO, getsockname, htons, inet_addr, listen, read, select, setsockopt,
  SO_REUSEADDR, sockaddr_in, socket, SOCK_STREAM, SOL_SOCKET, write,
} from 'sockfd';

if (process.argv.length !== 4) {
  console.log(`Usage: ${process.argv[1]} [ip] [port]`);
  process.exit(1);
}
const listen_sock = socket(AF_INET, SOCK_STREAM, 0);
const local = new sockaddr_in();
local.sin_family = AF_INET;
local.sin_port = htons(Number(process.argv[3]));
local.sin_addr.s_addr = inet_addr(process.argv[2]!);
setsockopt(listen_sock, SOL_SOCKET, SO_REUSEADDR, 1);
bind(listen_sock, local);
listen(listen_sock, 5);
console.log(`listening on port ${asInet(getsockname(listen_sock)).port}`);

const clients: number[] = []; // connected clients
const waiting: number[] = []; // clients whose message awaits an answer, in order
const buf = Buffer.alloc(1024);
const readfds = new fd_set();
loop: for (;;) {
  FD_ZERO(readfds);
  FD_SET(listen_sock, readfds);
  let maxfd = listen_sock;
  for (const fd of clients) {
    FD_SET(fd, readfds);
    maxfd = Math.max(maxfd, fd);
  }
  if (waiting.length > 0) FD_SET(0, readfds); // stdin only while someone waits for an answer
  select(maxfd + 1, readfds, null, null, null); // select(2): blocks until one is ready
  if (FD_ISSET(listen_sock, readfds)) {
    const { fd, addr } = accept(listen_sock); // accept4(2): ready, so it does not block
    const peer = asInet(addr);
    console.log(`get a new link,socket -> ${peer.address}:${peer.port}`);
    console.log('create a new client');
    clients.push(fd);
  }
  if (waiting.length > 0 && FD_ISSET(0, readfds)) {
    const n = read(0, buf, buf.length - 1); // read(2) on stdin: one line, as typed
    if (n <= 0) break loop; // stdin ended: nothing more to say
    write(waiting.shift()!, buf, n - 1); // the line without its newline
    console.log('please wait ...');
  }
  for (let i = 0; i < clients.length; i++) {
    const fd = clients[i]!;
    if (!FD_ISSET(fd, readfds)) continue;
    const s = read(fd, buf, buf.length - 1);
    if (s > 0) {
      writeSync(1, `client:# ${buf.toString('utf8', 0, s)}server:$ `);
      waiting.push(fd);
    } else {
      console.log('client close...');
      close(fd);
      clients.splice(i--, 1);
    }
  }
}
for (const fd of clients) close(fd);
close(listen_sock);
