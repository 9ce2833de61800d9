// Watch TCP's congestion control from inside: a 64 MiB transfer over loopback, and the sender's
// struct tcp_info (getsockopt(IPPROTO_TCP, TCP_INFO), tcp(7)) printed every 8 MiB: the state, the
// congestion window (snd_cwnd, in segments of snd_mss bytes), the smoothed RTT and its variance (us),
// retransmits, and how many bytes the peer has acknowledged (bytes_acked: the SYN counts as one). The
// kernel decides how much of the struct it fills; sockfd decodes what it filled.
// Usage: node dist/examples/tcp_info.js [MiB=64] [every=8]
import { accept, connect, recv, sendAll } from 'sockfd/promises';
import { AF_INET, bind, close, getsockname, getsockopt, IPPROTO_TCP, listen, socket, SOCK_NONBLOCK, SOCK_STREAM, TCP_INFO, type TcpInfo } from 'sockfd';

const total = Number(process.argv[2] ?? 64) * 2 ** 20;
const every = Number(process.argv[3] ?? 8) * 2 ** 20;

function tcpInfo(fd: number): TcpInfo {
  return getsockopt(fd, IPPROTO_TCP, TCP_INFO); // getsockopt(2): struct tcp_info, decoded
}

function row(label: string, i: TcpInfo): void {
  console.log(
    `${label.padStart(9)}  ${String(i.state).padEnd(15)} cwnd ${String(i.snd_cwnd).padStart(4)} x ${i.snd_mss} B  ` +
      `rtt ${String(i.rtt).padStart(5)} us (+-${String(i.rttvar).padStart(4)})  retrans ${i.total_retrans}  acked ${i.bytes_acked}`,
  );
}

const listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
bind(listener, { family: 'AF_INET', address: '127.0.0.1', port: 0 });
listen(listener, 1);
const client = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
const [{ fd: server }] = await Promise.all([accept(listener), connect(client, getsockname(listener)!)]);

// The receiver drains as fast as it can; the sender writes in 1 MiB pieces and looks at its tcp_info.
const drained = (async () => {
  const buf = Buffer.alloc(1 << 20);
  let got = 0;
  for (let n; (n = await recv(server, buf)) > 0; ) got += n;
  return got;
})();
const chunk = Buffer.alloc(1 << 20, 'x');
row('start', tcpInfo(client));
for (let sent = 0; sent < total; ) {
  sent += await sendAll(client, chunk);
  if (sent % every === 0) row(`${sent / 2 ** 20} MiB`, tcpInfo(client));
}
close(client); // the FIN: the receiver's recv returns 0
const received = await drained;
console.log(`received ${received} bytes`);
close(server);
close(listener);
