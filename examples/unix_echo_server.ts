// Seed 003's walk-through as a program (the C twin: examples/c/unix_echo_server.c): the echo server over an
// AF_UNIX stream socket whose address is a path. The socket file is removed first (bind() fails with
// EADDRINUSE if it exists) and on the way out. Blocking, like the C.
// Usage: node dist/examples/unix_echo_server.js <path> [--once]
import { rmSync } from 'node:fs';

import { accept, AF_UNIX, bind, close, listen, read, sockaddr_un, socket, SOCK_STREAM, write, type UnixAddress } from 'sockfd';

if (process.argv.length < 3) {
  console.log(`Usage: ${process.argv[1]} <path> [--once]`);
  process.exit(1);
}
const path = process.argv[2]!;
const once = process.argv.includes('--once');
const unlink = (p: string) => rmSync(p, { force: true }); // unlink(2), and no error if it is not there

const server_sockfd = socket(AF_UNIX, SOCK_STREAM, 0); // socket(2)
const server_address = new sockaddr_un(); // memset(&server_address, 0, sizeof(server_address))
server_address.sun_family = AF_UNIX;
server_address.sun_path = path; // strncpy(server_address.sun_path, path, ...): RangeError if too long
unlink(path);
bind(server_sockfd, server_address); // bind(2): creates the socket file
listen(server_sockfd, 5); // listen(2)
console.log(`listening on ${server_address.sun_path}`);
do {
  const { fd: client_sockfd, addr } = accept(server_sockfd); // accept4(2)
  // a client that did not bind has no name: the address is just the family
  console.log(`connection from ${(addr as UnixAddress | null)?.path || 'an unnamed socket'}`);
  const buf = Buffer.alloc(1024);
  let n: number;
  while ((n = read(client_sockfd, buf)) > 0) { // read(2) until the client's end of stream
    console.log(`received ${n} bytes: ${buf.toString('utf8', 0, n)}`);
    write(client_sockfd, buf, n); // write(2)
  }
  close(client_sockfd); // close(2)
} while (!once);
close(server_sockfd); // close(2)
unlink(path);
