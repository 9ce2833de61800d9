// An inetd in miniature, call for call the C twin examples/c/inetd.c: each accepted connection becomes
// a program's stdin and stdout with dup2(2). Node cannot fork(), so where the C child dup2()s and
// exec()s, this process dup2()s the connection onto its own fds 0 and 1 (keeping the originals with
// dup(2)), runs the program (spawnSync: the child inherits fds 0-2, as an exec'd C child keeps them),
// then puts its own stdin and stdout back: the same "wait" mode, one connection at a time.
// Usage: node dist/examples/inetd.js <port> <connections> <program> [args...]   (e.g. 0 1 tr a-z A-Z)
import { spawnSync } from 'node:child_process';

import { asInet, accept, AF_INET, bind, close, dup, dup2, getsockname, htonl, htons, INADDR_LOOPBACK, listen, setsockopt, SO_REUSEADDR, sockaddr_in, socket, SOCK_STREAM, SOL_SOCKET } from 'sockfd';

const [port, count, program, ...args] = process.argv.slice(2);
if (program === undefined) {
  console.log(`Usage: ${process.argv[1]} <port> <connections> <program> [args...]`);
  process.exit(1);
}
const listenfd = socket(AF_INET, SOCK_STREAM, 0); // socket(2)
setsockopt(listenfd, SOL_SOCKET, SO_REUSEADDR, 1); // setsockopt(2)
const server = new sockaddr_in();
server.sin_family = AF_INET;
server.sin_port = htons(Number(port));
server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
bind(listenfd, server); // bind(2)
listen(listenfd, 8); // listen(2)
console.log(`listening on port ${asInet(getsockname(listenfd)).port}`);

for (let served = 0; served < Number(count); served++) {
  const { fd: conn } = accept(listenfd); // accept(2): blocks, as in C
  const savedIn = dup(0); // dup(2): this process's own stdin and stdout, for afterwards
  const savedOut = dup(1);
  dup2(conn, 0); // dup2(2): the connection is now fds 0 and 1
  dup2(conn, 1);
  close(conn);
  const child = spawnSync(program, args, { stdio: 'inherit' }); // fork + exec + waitpid
  dup2(savedIn, 0); // back to our own stdin and stdout
  dup2(savedOut, 1);
  close(savedIn);
  close(savedOut);
  console.log(`served connection ${served + 1}: ${program} exited ${child.status ?? 127}`);
}
close(listenfd); // close(2)
