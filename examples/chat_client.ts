// Seed 000's chat client, statement for statement (the C original: examples/c/chat_client.c): connect,
// then in turn read a line from stdin, write it to the server, print the server's answer. Blocking, like
// the C: read(2) on fd 0 and on the socket block this thread.
// Usage: node dist/examples/chat_client.js [ip] [port]
import { readSync, writeSync } from 'node:fs';

import { AF_INET, close, connect, htons, inet_addr, read, sockaddr_in, socket, SOCK_STREAM, write } from 'sockfd';

if (process.argv.length !== 4) {
  console.log(`Usage: ${process.argv[1]} [ip] [port]`);
  process.exit(1);
}
const sock = socket(AF_INET, SOCK_STREAM, 0); // socket(2)
const remote = new sockaddr_in(); // memset(&remote, 0, sizeof(remote))
remote.sin_family = AF_INET;
remote.sin_port = htons(Number(process.argv[3]));
remote.sin_addr.s_addr = inet_addr(process.argv[2]!); // inet_addr(3)
connect(sock, remote); // connect(2); a failure throws ECONNREFUSED & co. with errno and message
console.log('connect success ...');
const buf = Buffer.alloc(1024);
for (;;) {
  writeSync(1, 'client:# '); // printf + fflush(stdout)
  let s = readSync(0, buf, 0, buf.length - 1, null); // read(2) on stdin: one line, as typed
  if (s === 0) break;
  const line = buf.toString('utf8', 0, s);
  write(sock, buf, s); // write(2) on the socket
  if (line === 'quit\n') {
    console.log('quit!');
    break;
  }
  s = read(sock, buf, buf.length - 1); // read(2): the server's answer
  if (s <= 0) break;
  console.log(`server:$ ${buf.toString('utf8', 0, s)}`);
}
close(sock); // close(2)
writeSync(1, 'sock close');
