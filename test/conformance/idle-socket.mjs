// An idle socket does not keep the process alive, under every runtime: after a call that had to wait
// (so the engine and its backend are running), the sockets stay open and nothing waits; the runner
// requires the process to end by itself, cleanly.
import * as s from 'sockfd';
import * as p from 'sockfd/promises';

const [a, b] = s.socketpair(s.AF_UNIX, s.SOCK_STREAM, 0);
setTimeout(() => s.send(b, 'x'), 20);
await p.recv(a, new Uint8Array(1));
console.log('waited once; leaving both ends open');
