// Seed 003's walk-through, the client (the C twin: examples/c/unix_echo_client.c): connect() an AF_UNIX
// stream socket to the server's path, write a message, read the echo. Blocking, like the C.
// Usage: node dist/examples/unix_echo_client.js <path> [message]
import { AF_UNIX, close, connect, read, SHUT_WR, shutdown, sockaddr_un, socket, SOCK_STREAM, write } from 'sockfd';

if (process.argv.length < 3) {
  console.log(`Usage: ${process.argv[1]} <path> [message]`);
  process.exit(1);
}
const message = process.argv[3] ?? 'hello over AF_UNIX';
const sockfd = socket(AF_UNIX, SOCK_STREAM, 0); // socket(2)
const address = new sockaddr_un();
address.sun_family = AF_UNIX;
address.sun_path = process.argv[2]!;
connect(sockfd, address); // connect(2): ENOENT if no such file, ECONNREFUSED if nobody listens
write(sockfd, message); // write(2)
shutdown(sockfd, SHUT_WR); // the server reads until end of stream
const buf = Buffer.alloc(1024);
let got = 0;
for (let n; got < buf.length - 1 && (n = read(sockfd, buf.subarray(got, buf.length - 1))) > 0; ) got += n;
console.log(`echo from server: ${buf.toString('utf8', 0, got)}`);
close(sockfd); // close(2)
