// For sockfd-timeline, in the consumer installs and under each runtime: a connection made and
// closed with sync calls.
import { accept, AF_INET, bind, close, connect, getsockname, listen, socket, SOCK_STREAM } from 'sockfd';

const l = socket(AF_INET, SOCK_STREAM, 0);
bind(l, { family: 'AF_INET', address: '127.0.0.1', port: 0 });
listen(l, 1);
const c = socket(AF_INET, SOCK_STREAM, 0);
connect(c, getsockname(l));
const a = accept(l).fd;
[c, a, l].forEach((fd) => close(fd));
