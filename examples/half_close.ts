// Half-close (seeds 002 and 004): shutdown(SHUT_WR) sends FIN but keeps the socket open for reading.
// The server reads end of stream (recv() = 0) and can still answer; the client still reads the
// answer; only then does the server close, and the client reads its end of stream. Client and server
// in one process, for a timeline: npx sockfd-timeline -- node dist/examples/half_close.js
import { accept, AF_INET, bind, close, connect, getsockname, listen, recv, send, SHUT_WR, shutdown, socket, SOCK_STREAM } from 'sockfd';

const listenfd = socket(AF_INET, SOCK_STREAM, 0); // socket(2)
bind(listenfd, { family: 'AF_INET', address: '127.0.0.1', port: 0 }); // bind(2)
listen(listenfd, 1); // listen(2)
const clientfd = socket(AF_INET, SOCK_STREAM, 0);
connect(clientfd, getsockname(listenfd)!); // connect(2)
const connfd = accept(listenfd).fd; // accept4(2)
const buf = Buffer.alloc(64);

send(clientfd, 'question', 8, 0); // send(2)
shutdown(clientfd, SHUT_WR); // shutdown(2): FIN; the client can still receive
recv(connfd, buf, buf.length, 0); // recv(2): "question"
recv(connfd, buf, buf.length, 0); // 0: end of stream, and the server can still send
send(connfd, 'answer', 6, 0);
console.log(`client got ${JSON.stringify(buf.toString('latin1', 0, recv(clientfd, buf, buf.length, 0)))} after its shutdown`);
close(connfd); // the server's FIN
recv(clientfd, buf, buf.length, 0); // 0: now the client's end of stream
close(clientfd);
close(listenfd);
