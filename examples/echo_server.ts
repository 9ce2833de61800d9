// Seed 001's echo server, statement for statement (the C original: examples/c/echo_server.c).
// Usage: node dist/examples/echo_server.js [port=4321] [--once]
// Blocking, like the C: accept() and recv() block this thread (echo_server_async.ts: the promises twin).
import {
  asInet, accept, AF_INET, bind, close, htonl, htons, INADDR_ANY, listen, recv, send, setsockopt,
  SO_REUSEADDR, sockaddr_in, socket, SOCK_STREAM, SOL_SOCKET, getsockname,
} from 'sockfd';

const PORT = Number(process.argv[2] ?? 4321);
const BACKLOG = 1;
const MAXRECVLEN = 1024;
const once = process.argv.includes('--once'); // serve one client, then exit (for the demo and tests)

const buf = Buffer.alloc(MAXRECVLEN);
const listenfd = socket(AF_INET, SOCK_STREAM, 0); // socket(2); throws on error
setsockopt(listenfd, SOL_SOCKET, SO_REUSEADDR, 1); // setsockopt(2): rebind while TIME_WAIT lingers

const server = new sockaddr_in(); // bzero(&server, sizeof(server))
server.sin_family = AF_INET;
server.sin_port = htons(PORT);
server.sin_addr.s_addr = htonl(INADDR_ANY);
bind(listenfd, server); // bind(2)
listen(listenfd, BACKLOG); // listen(2)
console.log(`listening on port ${asInet(getsockname(listenfd)).port}`); // getsockname(2): port 0 picks one

do {
  const { fd: connectfd, addr } = accept(listenfd); // accept4(2)
  const client = asInet(addr);
  const [sec, usec] = [Math.floor(Date.now() / 1000), (Date.now() % 1000) * 1000];
  console.log(`You got a connection from client's ip ${client.address}, port ${client.port} at time ${sec}.${usec}`);
  for (;;) {
    const iret = recv(connectfd, buf, MAXRECVLEN, 0); // recv(2)
    if (iret > 0) {
      console.log(buf.toString('utf8', 0, iret).replace(/\0.*$/s, ''));
    } else {
      close(connectfd); // close(2)
      break;
    }
    send(connectfd, buf, iret, 0); // send(2): echo it back
  }
} while (!once);
close(listenfd); // close(2)
