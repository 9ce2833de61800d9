// SO_LINGER with l_onoff 1 and l_linger 0: close() aborts the connection. The kernel drops what is
// unsent, sends RST instead of FIN and keeps nothing (no FIN_WAIT, no TIME_WAIT on this side); the
// peer's recv() fails with ECONNRESET. Client and server in one process, for a timeline:
// npx sockfd-timeline -- node dist/examples/linger_zero.js
import {
  accept, AF_INET, bind, close, connect, getsockname, isSyscallError, listen, recv, setsockopt, socket, SOCK_STREAM, SOL_SOCKET, SO_LINGER,
} from 'sockfd';

const listenfd = socket(AF_INET, SOCK_STREAM, 0); // socket(2)
bind(listenfd, { family: 'AF_INET', address: '127.0.0.1', port: 0 }); // bind(2)
listen(listenfd, 1); // listen(2)
const clientfd = socket(AF_INET, SOCK_STREAM, 0);
connect(clientfd, getsockname(listenfd)!); // connect(2)
const connfd = accept(listenfd).fd; // accept4(2)

setsockopt(clientfd, SOL_SOCKET, SO_LINGER, { onoff: 1, linger: 0 }); // setsockopt(2): struct linger
close(clientfd); // close(2): RST
try {
  recv(connfd, Buffer.alloc(64), 64, 0); // recv(2)
} catch (e) {
  if (!isSyscallError(e) || e.code !== 'ECONNRESET') throw e;
  console.log(`server: ${e.message}`); // recv ECONNRESET: connection reset by peer
}
close(connfd);
close(listenfd);
