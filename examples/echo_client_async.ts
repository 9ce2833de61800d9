// Seed 001's echo client on sockfd/promises (the C original: examples/c/echo_client.c; the blocking
// twin: echo_client.ts): connect() and recv() wait on the event loop instead of blocking the thread.
// Usage: node dist/examples/echo_client_async.js <host> [port=4321]
import { AF_INET, close, socket, SOCK_STREAM, type InetAddress } from 'sockfd';
import { connect, gethostbyname, recv, send } from 'sockfd/promises';

const MAXDATASIZE = 100;
if (process.argv.length < 3) {
  console.log(`Usage: ${process.argv[1]} <IP Address> [port]`);
  process.exit(1);
}
const PORT = Number(process.argv[3] ?? 4321);

// gethostbyname(3) on the thread pool (it blocks inside libc); C prints this and exits where it fails
const he = await gethostbyname(process.argv[2]!).catch(() => {
  console.log('gethostbyname() error');
  process.exit(1);
});
const sockfd = socket(AF_INET, SOCK_STREAM, 0); // socket(2)
const server: InetAddress = { family: 'AF_INET', address: he.h_addr_list[0]!, port: PORT }; // *he->h_addr
await connect(sockfd, server); // connect(2): EINPROGRESS, wait until writable, read SO_ERROR

const str = Buffer.from('你好啊服务器!\n\0'); // char str[] = "...": sizeof(str) counts the NUL
await send(sockfd, str, str.length, 0); // send(2)
const buf = Buffer.alloc(MAXDATASIZE);
const num = await recv(sockfd, buf, MAXDATASIZE - 1, 0); // recv(2)
buf[num - 1] = 0x20; // buf[num-1] = ' ': the NUL becomes a space
console.log(`server message: ${buf.toString('utf8', 0, num)}`);
close(sockfd); // close(2)
