// Seed 001's echo client, statement for statement (the C original: examples/c/echo_client.c).
// Usage: node dist/examples/echo_client.js <host> [port=4321]
import { AF_INET, close, connect, getaddrinfo, recv, send, socket, SOCK_STREAM, type InetAddress } from 'sockfd';

const MAXDATASIZE = 100;
if (process.argv.length < 3) {
  console.log(`Usage: ${process.argv[1]} <IP Address> [port]`);
  process.exit(1);
}
const PORT = Number(process.argv[3] ?? 4321);

// gethostbyname() is obsolete; getaddrinfo(3) is its replacement, and throws EAI_* errors.
const he = getaddrinfo(process.argv[2]!, null, { family: AF_INET, socktype: SOCK_STREAM })[0]!;
const sockfd = socket(AF_INET, SOCK_STREAM, 0); // socket(2)
const server: InetAddress = { family: 'AF_INET', address: (he.addr as InetAddress).address, port: PORT };
connect(sockfd, server); // connect(2)

const str = Buffer.from('你好啊服务器!\n\0'); // char str[] = "...": sizeof(str) counts the NUL
send(sockfd, str, str.length, 0); // send(2)
const buf = Buffer.alloc(MAXDATASIZE);
const num = recv(sockfd, buf, MAXDATASIZE - 1, 0); // recv(2)
buf[num - 1] = 0x20; // buf[num-1] = ' ': the NUL becomes a space
console.log(`server message: ${buf.toString('utf8', 0, num)}`);
close(sockfd); // close(2)
