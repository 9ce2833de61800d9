// Closing a connection with data still unread: the kernel cannot deliver it, so instead of a FIN it
// sends RST (RFC 2525, "Failure to RST on close with data pending"), and the peer's next recv() fails
// with ECONNRESET instead of returning 0. Client and server in one process, for a timeline:
// npx sockfd-timeline -- node dist/examples/close_unread.js
import { accept, AF_INET, bind, close, connect, getsockname, isSyscallError, listen, recv, send, socket, SOCK_STREAM } from 'sockfd';

const listenfd = socket(AF_INET, SOCK_STREAM, 0); // socket(2)
bind(listenfd, { family: 'AF_INET', address: '127.0.0.1', port: 0 }); // bind(2)
listen(listenfd, 1); // listen(2)
const clientfd = socket(AF_INET, SOCK_STREAM, 0);
connect(clientfd, getsockname(listenfd)!); // connect(2)
const connfd = accept(listenfd).fd; // accept4(2)

send(clientfd, 'never read', 10, 0); // send(2): arrives in the server's receive queue
close(connfd); // close(2) with 10 bytes unread: RST, not FIN
try {
  recv(clientfd, Buffer.alloc(64), 64, 0); // recv(2)
} catch (e) {
  if (!isSyscallError(e) || e.code !== 'ECONNRESET') throw e;
  console.log(`client: ${e.message}`); // recv ECONNRESET: connection reset by peer
}
close(clientfd);
close(listenfd);
