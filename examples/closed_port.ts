// connect() to a port where nothing listens: the SYN is answered by RST, and connect() fails with
// ECONNREFUSED at once. The port is held by a socket that is bound but not listening, so no other
// program can start listening on it while this runs. For a timeline:
// npx sockfd-timeline -- node dist/examples/closed_port.js
import { AF_INET, bind, close, connect, getsockname, isSyscallError, socket, SOCK_STREAM } from 'sockfd';

const held = socket(AF_INET, SOCK_STREAM, 0); // socket(2)
bind(held, { family: 'AF_INET', address: '127.0.0.1', port: 0 }); // bind(2), and no listen()
const clientfd = socket(AF_INET, SOCK_STREAM, 0);
try {
  connect(clientfd, getsockname(held)!); // connect(2): SYN, then RST
} catch (e) {
  if (!isSyscallError(e) || e.code !== 'ECONNREFUSED') throw e;
  console.log(`client: ${e.message}`); // connect ECONNREFUSED: connection refused 127.0.0.1:port
}
close(clientfd);
close(held);
