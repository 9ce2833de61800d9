// A full accept queue (listen(fd, 0): room for one connection the server has not accepted). A second
// client's SYN is dropped without an answer, so its kernel sends the SYN again after the initial
// retransmission timeout (1 s); once the server accept()s the first connection, the retry gets through.
// The second client connects without blocking (SOCK_NONBLOCK: EINPROGRESS) and poll()s for the
// outcome, so this one process can accept meanwhile. For a timeline:
// npx sockfd-timeline -- node dist/examples/backlog_full.js
import {
  accept, AF_INET, bind, close, connect, getsockname, getsockopt, isSyscallError, listen, poll, POLLOUT, socket, SOCK_NONBLOCK,
  SOCK_STREAM, SOL_SOCKET, SO_ERROR,
} from 'sockfd';

const listenfd = socket(AF_INET, SOCK_STREAM, 0); // socket(2)
bind(listenfd, { family: 'AF_INET', address: '127.0.0.1', port: 0 }); // bind(2)
listen(listenfd, 0); // listen(2): backlog 0
const addr = getsockname(listenfd)!;

const first = socket(AF_INET, SOCK_STREAM, 0);
connect(first, addr); // connect(2): fills the queue
const second = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
try {
  connect(second, addr); // its SYN is dropped: EINPROGRESS
} catch (e) {
  if (!isSyscallError(e) || e.code !== 'EINPROGRESS') throw e;
}
poll([{ fd: second, events: POLLOUT }], 200); // poll(2): nothing in 200 ms
const conn = accept(listenfd).fd; // accept4(2): the first connection leaves the queue
poll([{ fd: second, events: POLLOUT }], 3000); // the retransmitted SYN (1 s after the first) is answered
console.log(`second connect: SO_ERROR ${getsockopt(second, SOL_SOCKET, SO_ERROR)}`); // 0: connected
close(accept(listenfd).fd);
close(conn);
close(first);
close(second);
close(listenfd);
