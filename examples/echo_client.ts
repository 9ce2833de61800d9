// Seed 001's echo client, statement for statement (the C original: examples/c/echo_client.c).
// Usage: node dist/examples/echo_client.js <host> [port=4321]
import { AF_INET, close, connect, gethostbyname, type hostent, recv, send, socket, SOCK_STREAM, type InetAddress } from 'sockfd';

const MAXDATASIZE = 100;
if (process.argv.length < 3) {
  console.log(`Usage: ${process.argv[1]} <IP Address> [port]`);
  process.exit(1);
}
const PORT = Number(process.argv[3] ?? 4321);

let he: hostent;
try {
  he = gethostbyname(process.argv[2]!); // gethostbyname(3): /etc/hosts, then DNS
} catch {
  console.log('gethostbyname() error');
  process.exit(1);
}
const sockfd = socket(AF_INET, SOCK_STREAM, 0); // socket(2)
// server.sin_addr = *((struct in_addr *)he->h_addr): the first address
const server: InetAddress = { family: 'AF_INET', address: he.h_addr_list[0]!, port: PORT };
connect(sockfd, server); // connect(2)

const str = Buffer.from('你好啊服务器!\n\0'); // char str[] = "...": sizeof(str) counts the NUL
send(sockfd, str, str.length, 0); // send(2)
const buf = Buffer.alloc(MAXDATASIZE);
const num = recv(sockfd, buf, MAXDATASIZE - 1, 0); // recv(2)
buf[num - 1] = 0x20; // buf[num-1] = ' ': the NUL becomes a space
console.log(`server message: ${buf.toString('utf8', 0, num)}`);
close(sockfd); // close(2)
