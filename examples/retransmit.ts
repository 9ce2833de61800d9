// A lost data segment, and how the kernel sent it again: the client makes `sends` send() calls of 1000
// bytes each (TCP_NODELAY; Linux's autocorking may still join the later ones while the first is in
// the queue), the server reads them all, then the client reads
// its own socket's struct tcp_info (getsockopt(2) TCP_INFO) and the kernel's TCP counters
// (/proc/net/netstat: under sockfd-timeline they are the namespace's own, this run's alone).
// Nothing is lost on a loopback by itself: run it with one segment dropped,
//   npx sockfd-timeline --drop data -- node dist/examples/retransmit.js      (1 send: a tail loss probe)
//   npx sockfd-timeline --drop data -- node dist/examples/retransmit.js 10   (10: fast retransmit, from SACKs)
import { readFileSync } from 'node:fs';

import { accept, connect, recv, send } from 'sockfd/promises';
import { AF_INET, bind, close, getsockname, getsockopt, IPPROTO_TCP, listen, setsockopt, SOCK_STREAM, socket, TCP_INFO, TCP_NODELAY } from 'sockfd';

const sends = Number(process.argv[2] ?? 1);
const SIZE = 1000;

// TcpExt's counters by name (two lines: the names, then the values).
function netstat(): Record<string, number> {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n');
  const i = lines.findIndex((l) => l.startsWith('TcpExt:'));
  const names = lines[i]!.split(/\s+/).slice(1), values = lines[i + 1]!.split(/\s+/).slice(1).map(Number);
  return Object.fromEntries(names.map((n, k) => [n, values[k]!]));
}

const before = netstat();
const listener = socket(AF_INET, SOCK_STREAM, 0);
bind(listener, { family: 'AF_INET', address: '127.0.0.1', port: 0 });
listen(listener, 1);
const client = socket(AF_INET, SOCK_STREAM, 0);
const [{ fd: server }] = await Promise.all([accept(listener), connect(client, getsockname(listener)!)]);
setsockopt(client, IPPROTO_TCP, TCP_NODELAY, 1);

const chunk = Buffer.alloc(SIZE, 'x');
for (let i = 0; i < sends; i++) await send(client, chunk);
const buf = Buffer.alloc(64 * 1024);
for (let got = 0; got < sends * SIZE; ) got += await recv(server, buf); // returns when the lost one is in

const info = getsockopt(client, IPPROTO_TCP, TCP_INFO);
const after = netstat();
const delta = (name: string) => (after[name] ?? 0) - (before[name] ?? 0);
const how =
  delta('TCPLossProbes') > 0 && delta('TCPTimeouts') === 0 ? 'a tail loss probe (RFC 8985: the last segment sent again when the probe timer ran out: two round trips, plus the 200 ms a peer may delay its ACK when one segment is in flight)'
  : delta('TCPTimeouts') > 0 ? 'the retransmission timeout (RFC 6298)'
  : delta('TCPFastRetrans') > 0 ? 'fast retransmit (RFC 5681, RACK-TLP: the later segments\' SACKs showed the hole)'
  : 'nothing: no segment was lost';
console.log(`${sends * SIZE} bytes in ${sends} sends, all received`);
console.log(`TCP_INFO: total_retrans ${info.total_retrans}, snd_cwnd ${info.snd_cwnd}, ca_state ${info.ca_state}, rto ${info.rto} us`);
console.log(`TcpExt: TCPLossProbes +${delta('TCPLossProbes')}, TCPTimeouts +${delta('TCPTimeouts')}, TCPFastRetrans +${delta('TCPFastRetrans')}, TCPSACKRecovery +${delta('TCPSACKRecovery')}`);
console.log(`sent again by: ${how}`);
for (const fd of [client, server, listener]) close(fd);
