// TCP_CONGESTION per connection in an http server: each connection node:http accepts gets the next
// congestion-control algorithm of those the kernel lets this process choose, set with setsockopt(2)
// on fileno(socket) before the first byte is sent; each response reads it back with getsockopt(2).
// tcp(7): TCP_CONGESTION; net.ipv4.tcp_allowed_congestion_control lists the algorithms an
// unprivileged process may set (root may set any in tcp_available_congestion_control).
// Usage: node dist/examples/http_congestion.js [port=8080]
//        curl -s http://127.0.0.1:8080/ (one connection per curl: each gets the next algorithm)
import { readFileSync } from 'node:fs';
import http from 'node:http';

import { fileno, getsockopt, IPPROTO_TCP, setsockopt, TCP_CONGESTION } from 'sockfd';

const allowed = readFileSync('/proc/sys/net/ipv4/tcp_allowed_congestion_control', 'utf8').trim().split(/\s+/);
let next = 0;

const server = http.createServer((req, res) => {
  const now = getsockopt(fileno(req.socket), IPPROTO_TCP, TCP_CONGESTION); // getsockopt(2): the name
  res.end(`${now}\n`);
});

// 'connection': the accepted socket, before node:http reads or writes a byte of it
server.on('connection', (socket) => {
  const algorithm = allowed[next++ % allowed.length]!;
  setsockopt(fileno(socket), IPPROTO_TCP, TCP_CONGESTION, algorithm); // setsockopt(2)
});

server.listen(Number(process.argv[2] ?? 8080), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${(server.address() as { port: number }).port}/, algorithms in turn: ${allowed.join(', ')}`);
});
