// An http server that answers each request with its own connection's struct tcp_info, read with
// getsockopt(2) TCP_INFO on the fd under node:http's socket: fileno(req.socket), as C's fileno(3)
// gives the fd under a stdio stream. The fd stays node's (node reads, writes and closes it); reading
// its options is safe. The request counter shows keep-alive reusing one connection.
// Usage: node dist/examples/http_tcp_info.js [port=8080]
//        curl -s http://127.0.0.1:8080/ ; curl -s http://127.0.0.1:8080/ http://127.0.0.1:8080/
import http from 'node:http';

import { asInet, fileno, getpeername, getsockopt, IPPROTO_TCP, TCP_INFO } from 'sockfd';

const requests = new WeakMap<object, number>(); // per connection

const server = http.createServer((req, res) => {
  const fd = fileno(req.socket); // the connection's fd: no syscall
  const peer = asInet(getpeername(fd)); // getpeername(2)
  const i = getsockopt(fd, IPPROTO_TCP, TCP_INFO); // getsockopt(2): struct tcp_info, decoded
  requests.set(req.socket, (requests.get(req.socket) ?? 0) + 1);
  const body = {
    peer: `${peer.address}:${peer.port}`,
    fd,
    request: requests.get(req.socket),
    state: i.state,
    rtt_us: i.rtt,
    rttvar_us: i.rttvar,
    snd_cwnd: i.snd_cwnd,
    retransmits: i.total_retrans,
    delivery_rate: i.delivery_rate, // bytes per second, as the kernel estimates it
  };
  res.setHeader('content-type', 'application/json');
  res.end(`${JSON.stringify(body)}\n`);
});

server.listen(Number(process.argv[2] ?? 8080), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${(server.address() as { port: number }).port}/`);
});
