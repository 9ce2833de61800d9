// Seed 001's echo server on sockfd/promises (the C original: examples/c/echo_server.c; the blocking
// twin: echo_server.ts). The same calls in the same order, but accept() and recv() wait on the event
// loop instead of blocking the thread, so this process could serve other clients meanwhile.
// Usage: node dist/examples/echo_server_async.js [port=4321] [--once]
import {
  asInet, AF_INET, bind, close, getsockname, htonl, htons, INADDR_ANY, listen, setsockopt, SO_REUSEADDR, sockaddr_in,
  socket, SOCK_STREAM, SOL_SOCKET,
} from 'sockfd';
import { accept, recv, send } from 'sockfd/promises';

const PORT = Number(process.argv[2] ?? 4321);
const BACKLOG = 1;
const MAXRECVLEN = 1024;
const once = process.argv.includes('--once'); // serve one client, then exit (for the tests)

const buf = Buffer.alloc(MAXRECVLEN);
const listenfd = socket(AF_INET, SOCK_STREAM, 0); // socket(2)
setsockopt(listenfd, SOL_SOCKET, SO_REUSEADDR, 1); // setsockopt(2)

const server = new sockaddr_in(); // bzero(&server, sizeof(server))
server.sin_family = AF_INET;
server.sin_port = htons(PORT);
server.sin_addr.s_addr = htonl(INADDR_ANY);
bind(listenfd, server); // bind(2)
listen(listenfd, BACKLOG); // listen(2)
console.log(`listening on port ${asInet(getsockname(listenfd)).port}`); // getsockname(2)

do {
  const { fd: connectfd, addr } = await accept(listenfd); // accept4(2), again each time the fd is readable
  const client = asInet(addr);
  const [sec, usec] = [Math.floor(Date.now() / 1000), (Date.now() % 1000) * 1000];
  console.log(`You got a connection from client's ip ${client.address}, port ${client.port} at time ${sec}.${usec}`);
  for (;;) {
    const iret = await recv(connectfd, buf, MAXRECVLEN, 0); // recv(2) with MSG_DONTWAIT, then waits
    if (iret > 0) {
      console.log(buf.toString('utf8', 0, iret).replace(/\0.*$/s, ''));
    } else {
      close(connectfd); // close(2)
      break;
    }
    await send(connectfd, buf, iret, 0); // send(2)
  }
} while (!once);
close(listenfd); // close(2)
