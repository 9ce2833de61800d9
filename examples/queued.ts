// What the kernel holds for a TCP connection, read with ioctl(2): the sender's SIOCOUTQ (bytes not yet
// acknowledged by the peer) and SIOCOUTQNSD (not yet sent at all), the receiver's FIONREAD (bytes
// waiting to be read). The sender writes while nobody reads, until its buffers are full; then the
// receiver reads it all back. See tcp(7).
// Usage: node dist/examples/queued.js [chunk bytes=65536]
import { accept, AF_INET, bind, close, connect, getsockname, ioctl, listen, FIONREAD, MSG_DONTWAIT, recv, send, SIOCOUTQ, SIOCOUTQNSD, socket, SOCK_STREAM, isSyscallError } from 'sockfd';

const chunk = Number(process.argv[2] ?? 65536);
const listener = socket(AF_INET, SOCK_STREAM, 0);
bind(listener, { family: 'AF_INET', address: '127.0.0.1', port: 0 });
listen(listener, 1);
const sender = socket(AF_INET, SOCK_STREAM, 0);
connect(sender, getsockname(listener)!);
const { fd: receiver } = accept(listener);
close(listener);

const show = (what: string) =>
  console.log(`${what.padEnd(22)} sender SIOCOUTQ ${String(ioctl(sender, SIOCOUTQ)).padStart(8)}  SIOCOUTQNSD ${String(ioctl(sender, SIOCOUTQNSD)).padStart(8)}  receiver FIONREAD ${String(ioctl(receiver, FIONREAD)).padStart(8)}`);

show('connected');
const data = new Uint8Array(chunk);
let written = 0;
for (;;) {
  try {
    written += send(sender, data, data.length, MSG_DONTWAIT); // send(2), never blocking
  } catch (e) {
    if (isSyscallError(e) && e.code === 'EAGAIN') break; // both sides' buffers are full
    throw e;
  }
  show(`sent ${written}`);
}
console.log(`send: EAGAIN after ${written} bytes`);
const buf = new Uint8Array(1 << 20);
let read = 0;
while (read < written) {
  read += recv(receiver, buf); // recv(2)
  show(`read ${read}`);
}
close(sender);
close(receiver);
