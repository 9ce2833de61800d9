// A reader that stops reading: its receive buffer fills, the window it offers closes to 0, and the
// sender, which may not send into a closed window, probes it (the persist timer, RFC 9293 3.8.6.1:
// a probe, answered with the window still 0, then again after twice the wait). When the reader reads,
// the window opens and the data flows again. The receiver's buffer is made small with SO_RCVBUF
// (setsockopt(2), before listen: the window is fixed at the handshake).
//   npx sockfd-timeline -- node dist/examples/zero_window.js [stall-ms=2000]
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

import { accept, connect, recv, sendAll } from 'sockfd/promises';
import { AF_INET, bind, close, getsockname, getsockopt, IPPROTO_TCP, listen, setsockopt, SO_RCVBUF, SOCK_STREAM, socket, SOL_SOCKET, TCP_INFO } from 'sockfd';

const stall = Number(process.argv[2] ?? 2000);
const TOTAL = 64 * 1024;

const winProbes = () => {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
  const i = lines.findIndex((l) => l.startsWith('TcpExt:'));
  return Number(lines[i + 1]!.split(/\s+/)[lines[i]!.split(/\s+/).indexOf('TCPWinProbe')]);
};

const before = winProbes();
const listener = socket(AF_INET, SOCK_STREAM, 0);
setsockopt(listener, SOL_SOCKET, SO_RCVBUF, 2048); // the accepted socket inherits it (the kernel doubles it)
bind(listener, { family: 'AF_INET', address: '127.0.0.1', port: 0 });
listen(listener, 1);
const client = socket(AF_INET, SOCK_STREAM, 0);
const [{ fd: server }] = await Promise.all([accept(listener), connect(client, getsockname(listener)!)]);

const sending = sendAll(client, Buffer.alloc(TOTAL, 'z')); // fills the peer's window, then waits
await sleep(stall); // the reader does not read
const { probes, backoff } = getsockopt(client, IPPROTO_TCP, TCP_INFO); // the sender's persist state now
console.log(`after ${stall} ms unread: the sender's tcp_info says probes ${probes}, backoff ${backoff}`);
const buf = Buffer.alloc(TOTAL);
let got = 0;
while (got < TOTAL) got += await recv(server, buf.subarray(got)); // reading opens the window
await sending;
console.log(`${got} bytes received; window probes sent (TcpExt TCPWinProbe): ${winProbes() - before}`);
for (const fd of [client, server, listener]) close(fd);
