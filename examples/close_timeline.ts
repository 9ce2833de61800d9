// The handshake-and-close walk-through of seeds 002 and 004, in one process (the C twin:
// examples/c/close_timeline.c; both print the same table): a client and a server socket on loopback, and
// the TCP state of each (TCP_INFO's tcpi_state, read with getsockopt) after every step: the three-way
// handshake, the client's half-close with shutdown(SHUT_WR), the server's recv() returning 0 while it
// can still send, then the server's FIN. Each step is given 20 ms to settle (loopback delivers in
// microseconds). Blocking, like the C.
//
// The client never reads TIME_WAIT: when it enters TIME_WAIT, Linux hands the connection to a small
// timewait socket (`ss -tan` lists it) and the socket the fd refers to reads CLOSE.
// Usage: node dist/examples/close_timeline.js
import {
  accept, AF_INET, bind, close, connect, getsockname, getsockopt, htonl, INADDR_LOOPBACK, IPPROTO_TCP, listen,
  recv, send, SHUT_WR, shutdown, sockaddr_in, socket, SOCK_STREAM, TCP_INFO,
} from 'sockfd';

// tcpi_state, the first byte of struct tcp_info: the kernel's TCP_* state numbers (include/net/tcp_states.h)
const tcp_states = ['?', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING'];

function state(fd: number): string {
  if (fd < 0) return '-';
  const info = getsockopt(fd, IPPROTO_TCP, TCP_INFO, 232); // getsockopt(2): sizeof(struct tcp_info) bytes at most
  return tcp_states[info[0]!] ?? '?';
}

function row(step: string, client: number, server: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20); // usleep(20000)
  console.log(`${step.padEnd(44)} ${state(client).padEnd(12)} ${state(server)}`);
}

const buf = Buffer.alloc(64);
const listenfd = socket(AF_INET, SOCK_STREAM, 0); // socket(2)
const addr = new sockaddr_in();
addr.sin_family = AF_INET;
addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
bind(listenfd, addr); // bind(2): port 0, the kernel picks one
listen(listenfd, 1); // listen(2)
const bound = getsockname(listenfd)!; // getsockname(2): the port it picked
const client = socket(AF_INET, SOCK_STREAM, 0);

console.log(`${'step'.padEnd(44)} ${'client'.padEnd(12)} server`);
row("socket(), and the server's listen()", client, listenfd);
connect(client, bound); // connect(2): returns on the SYN-ACK
const server = accept(listenfd).fd; // accept4(2): returns once the ACK is in
row('connect() / accept(): three-way handshake', client, server);
shutdown(client, SHUT_WR); // shutdown(2): FIN from the client; its ACK comes back
row('client shutdown(SHUT_WR): FIN, ACK', client, server);
let n = recv(server, buf, buf.length, 0); // recv(2)
row(`server recv() = ${n}: end of stream`, client, server);
send(server, 'still here', 10, 0); // half-closed: the server can still send
n = recv(client, buf, buf.length, 0);
row(`server send(), client recv() = ${n}`, client, server);
shutdown(server, SHUT_WR); // the server's FIN; the client ACKs it and waits out 2*MSL
row('server shutdown(SHUT_WR): FIN, ACK', client, server);
n = recv(client, buf, buf.length, 0);
row(`client recv() = ${n}: end of stream`, client, server);
close(server); // close(2)
close(client);
close(listenfd);
