// TIME_WAIT falls on the side that closes first, here the server: after its FIN and the client's, it
// keeps the connection for 60 s (2 MSL) so that a late segment cannot land in a new connection. That
// is why a restarted server's bind() to its port fails with EADDRINUSE, and why servers set
// SO_REUSEADDR before bind() (seed 000): the new socket needs it, and so did the one the TIME_WAIT
// connection came from (Linux lets the two share the port only when both asked). For a timeline:
// npx sockfd-timeline -- node dist/examples/time_wait.js
import {
  accept, AF_INET, bind, close, connect, getsockname, isSyscallError, listen, recv, setsockopt, socket, SOCK_STREAM, SOL_SOCKET, SO_REUSEADDR,
} from 'sockfd';

let listenfd = socket(AF_INET, SOCK_STREAM, 0); // socket(2)
setsockopt(listenfd, SOL_SOCKET, SO_REUSEADDR, 1); // setsockopt(2), as seed 000's server does
bind(listenfd, { family: 'AF_INET', address: '127.0.0.1', port: 0 }); // bind(2)
listen(listenfd, 1); // listen(2)
const addr = getsockname(listenfd)!;
const clientfd = socket(AF_INET, SOCK_STREAM, 0);
connect(clientfd, addr); // connect(2)
const connfd = accept(listenfd).fd; // accept4(2)

close(connfd); // close(2): the server closes first
recv(clientfd, Buffer.alloc(64), 64, 0); // recv(2) = 0: end of stream
close(clientfd); // the client's FIN; the server ACKs it and enters TIME_WAIT
close(listenfd); // the server "restarts"

listenfd = socket(AF_INET, SOCK_STREAM, 0);
try {
  bind(listenfd, addr); // without SO_REUSEADDR: the TIME_WAIT connection holds the port
} catch (e) {
  if (!isSyscallError(e) || e.code !== 'EADDRINUSE') throw e;
  console.log(`without SO_REUSEADDR: ${e.message}`);
}
setsockopt(listenfd, SOL_SOCKET, SO_REUSEADDR, 1);
bind(listenfd, addr); // now it binds
console.log('with SO_REUSEADDR: bound');
close(listenfd);
