// Seed 002's server, statement for statement (the C original: examples/c/msg_server.c): port 6666,
// prints the one message each connection sends, then closes it. Blocking, like the C.
// Usage: node dist/examples/msg_server.js [port=6666]
import {
  asInet, accept, AF_INET, bind, close, getsockname, htonl, htons, INADDR_ANY, isSyscallError, listen, recv, sockaddr_in,
  socket, SOCK_STREAM,
} from 'sockfd';

const MAXLINE = 4096;
const buff = Buffer.alloc(4096);

const listenfd = socket(AF_INET, SOCK_STREAM, 0); // socket(2); a failure throws: code, errno, message
const servaddr = new sockaddr_in(); // memset(&servaddr, 0, sizeof(servaddr))
servaddr.sin_family = AF_INET;
servaddr.sin_addr.s_addr = htonl(INADDR_ANY);
servaddr.sin_port = htons(Number(process.argv[2] ?? 6666));
bind(listenfd, servaddr); // bind(2)
listen(listenfd, 10); // listen(2)
console.log(`listening on port ${asInet(getsockname(listenfd)).port}`); // getsockname(2)
console.log("======waiting for client's request======");
for (;;) {
  let connfd: number;
  try {
    connfd = accept(listenfd).fd; // accept4(2); the C passes NULL for the address, we just ignore it
  } catch (err) {
    if (!isSyscallError(err)) throw err;
    console.log(`accept socket error: ${err.message}(errno: ${err.errno})`);
    continue;
  }
  const n = recv(connfd, buff, MAXLINE - 1, 0); // recv(2)
  console.log(`recv msg from client: ${buff.toString('utf8', 0, n)}`); // buff[n] = '\0'; printf("%s\n")
  close(connfd); // close(2)
}
