// Seed 001's echo, client and server in one process so that a timeline shows both ends: the three-way
// handshake (connect() returns once the SYN-ACK is in; accept() once the final ACK is), one message
// and its echo, and the four-way close (each side's FIN, and its ACK). Blocking calls, like the C.
// Run it under the timeline: npx sockfd-timeline -- node dist/examples/handshake_echo.js
import {
  accept, AF_INET, bind, close, connect, getsockname, htonl, htons, INADDR_LOOPBACK, listen, recv, send, sockaddr_in, socket, SOCK_STREAM,
} from 'sockfd';

const listenfd = socket(AF_INET, SOCK_STREAM, 0); // socket(2)
const addr = new sockaddr_in();
addr.sin_family = AF_INET;
addr.sin_port = htons(0); // the kernel picks a port
addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK); // 127.0.0.1
bind(listenfd, addr); // bind(2)
listen(listenfd, 1); // listen(2)

const clientfd = socket(AF_INET, SOCK_STREAM, 0);
connect(clientfd, getsockname(listenfd)!); // connect(2): SYN, SYN-ACK, ACK
const connfd = accept(listenfd).fd; // accept4(2): the connection the handshake made

const buf = Buffer.alloc(64);
send(clientfd, 'hello', 5, 0); // send(2)
const n = recv(connfd, buf, buf.length, 0); // recv(2)
send(connfd, buf, n, 0); // the echo
recv(clientfd, buf, buf.length, 0);

close(clientfd); // close(2): the client's FIN; its ACK comes back
recv(connfd, buf, buf.length, 0); // 0: end of stream
// usleep(300000): the server's kernel delays its ACK of the FIN (40 ms here, at most 200 ms: the
// delayed-ACK timer), hoping to send it with data. Closing at once would send the server's FIN with
// that ACK (three segments); waiting past the timer's longest lets the ACK go alone, and the four
// segments of the textbook close show, every time (50 ms was too close under load: a late timer
// merged the two).
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
close(connfd); // the server's FIN; the client ACKs it and waits in TIME_WAIT
close(listenfd);
