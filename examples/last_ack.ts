// Why TIME_WAIT exists: the side that closes first sends the last ACK, and if that ACK is lost the other
// side, in LAST_ACK, sends its FIN again; only a socket still there (in TIME_WAIT, 2 x MSL) can
// answer it with the ACK again. Here the server closes first; the client reads the end of the stream,
// waits 100 ms (its ACK of the server's FIN goes out alone), closes, and stays alive 1.5 s so that a
// FIN sent again shows. Lose the last ACK (the third pure ACK of the run) to see it:
//   npx sockfd-timeline --drop ack:3 -- node dist/examples/last_ack.js
import { setTimeout as sleep } from 'node:timers/promises';

import { accept, AF_INET, bind, close, connect, getsockname, listen, recv, SOCK_STREAM, socket } from 'sockfd';

const listener = socket(AF_INET, SOCK_STREAM, 0); // socket(2)
bind(listener, { family: 'AF_INET', address: '127.0.0.1', port: 0 }); // bind(2)
listen(listener, 1); // listen(2)
const client = socket(AF_INET, SOCK_STREAM, 0);
connect(client, getsockname(listener)!); // connect(2): the handshake
const server = accept(listener).fd; // accept4(2)

close(server); // close(2): the server's FIN; the server will be the one in TIME_WAIT
const buf = Buffer.alloc(64);
console.log(`client recv: ${recv(client, buf)} (end of stream)`); // recv(2) = 0: the FIN arrived
await sleep(100);
close(client); // the client's FIN: it waits in LAST_ACK for the server's last ACK
close(listener);
await sleep(1500); // the kernel finishes the close meanwhile (or sends the FIN again)
