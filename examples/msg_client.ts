// Seed 002's client, statement for statement (the C original: examples/c/msg_client.c): reads one line
// from stdin, as fgets() does, and sends it. Blocking, like the C.
// Usage: node dist/examples/msg_client.js <ipaddress> [port=6666]
import { readSync } from 'node:fs';

import { AF_INET, close, connect, inet_pton, send, socket, SOCK_STREAM, sockaddr_in, htons } from 'sockfd';

const MAXLINE = 4096;

// fgets(buf, size, stdin): bytes up to and including the first newline, at most size - 1 of them.
// One read(2) of one byte at a time, as an unbuffered stdio would: nothing past the line is consumed.
function fgets(size: number, fd = 0): Buffer | null {
  const line = Buffer.alloc(size - 1);
  let n = 0;
  while (n < size - 1 && readSync(fd, line, n, 1, null) === 1) if (line[n++] === 0x0a) break;
  return n > 0 ? line.subarray(0, n) : null;
}

if (process.argv.length < 3) {
  console.log('usage: ./client <ipaddress>');
  process.exit(0);
}
const sockfd = socket(AF_INET, SOCK_STREAM, 0); // socket(2)
const servaddr = new sockaddr_in(); // memset(&servaddr, 0, sizeof(servaddr))
servaddr.sin_family = AF_INET;
servaddr.sin_port = htons(Number(process.argv[3] ?? 6666));
const addr = inet_pton(AF_INET, process.argv[2]!); // inet_pton(3): the bytes, or null where C returns 0
if (addr === null) {
  console.log(`inet_pton error for ${process.argv[2]}`);
  process.exit(0);
}
servaddr.sin_addr.set(addr); // the 4 bytes into &servaddr.sin_addr
connect(sockfd, servaddr); // connect(2)
console.log('send msg to server: ');
const sendline = fgets(MAXLINE) ?? Buffer.alloc(0); // fgets(sendline, 4096, stdin)
send(sockfd, sendline, sendline.length, 0); // send(2)
close(sockfd); // close(2)
