// An echo server on epoll, call for call the C twin examples/c/epoll_echo_server.c: one epoll
// instance, the listening socket and every connection registered once, epoll_wait(2) saying which are
// ready. Level-triggered ("lt"): a ready socket is reported on every epoll_wait until drained, so one
// recv() per event is enough. Edge-triggered ("et", EPOLLET): reported once per change, so each event
// is drained with recv() until EAGAIN, on a non-blocking socket. The sync epoll_wait blocks this
// thread, as in C (sockfd/promises has the awaitable one, which bench/contender-epoll.ts uses).
// Usage: node dist/examples/epoll_echo_server.js [port] [lt|et] [clients: exit after that many closed; 0 = never]
import {
  asInet, accept, AF_INET, bind, close, EPOLL_CLOEXEC, EPOLL_CTL_ADD, EPOLL_CTL_DEL, epoll_create1, epoll_ctl, epoll_wait, EPOLLET, EPOLLIN,
  getsockname, htonl, htons, INADDR_LOOPBACK, isSyscallError, listen, recv, send, setsockopt, SO_REUSEADDR, sockaddr_in, socket,
  SOCK_NONBLOCK, SOCK_STREAM, SOL_SOCKET,
} from 'sockfd';

const [port, mode, clientsArg] = process.argv.slice(2);
if (clientsArg === undefined || (mode !== 'lt' && mode !== 'et')) {
  console.log(`Usage: ${process.argv[1]} [port] [lt|et] [clients]`);
  process.exit(1);
}
const edge = mode === 'et';
const clients = Number(clientsArg);
let closed = 0;
const listen_sock = socket(AF_INET, SOCK_STREAM, 0);
setsockopt(listen_sock, SOL_SOCKET, SO_REUSEADDR, 1);
const local = new sockaddr_in();
local.sin_family = AF_INET;
local.sin_port = htons(Number(port));
local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
bind(listen_sock, local);
listen(listen_sock, 16);
console.log(`listening on port ${asInet(getsockname(listen_sock)).port} (${edge ? 'edge' : 'level'}-triggered)`);

const epfd = epoll_create1(EPOLL_CLOEXEC); // epoll_create1(2)
epoll_ctl(epfd, EPOLL_CTL_ADD, listen_sock, { events: EPOLLIN, data: listen_sock }); // epoll_ctl(2)
const buf = new Uint8Array(1024);
while (clients === 0 || closed < clients) {
  for (const { data: fd } of epoll_wait(epfd, 16, -1)) { // epoll_wait(2): blocks until one is ready
    if (fd === listen_sock) {
      const { fd: conn, addr } = accept(listen_sock, edge ? SOCK_NONBLOCK : 0); // accept4(2)
      const peer = asInet(addr);
      console.log(`connection from ${peer.address}:${peer.port}`);
      epoll_ctl(epfd, EPOLL_CTL_ADD, conn, { events: EPOLLIN | (edge ? EPOLLET : 0), data: conn });
      continue;
    }
    // level-triggered: one recv per event (if more is there, the next epoll_wait says so);
    // edge-triggered: recv until EAGAIN, or this data would wait for the next edge
    for (;;) {
      let r: number;
      try {
        r = recv(fd, buf);
      } catch (e) {
        if (isSyscallError(e) && (e.code === 'EAGAIN' || e.code === 'EINTR')) break;
        r = 0; // an error: close the connection, as on EOF
      }
      if (r > 0) {
        send(fd, buf, r);
        console.log(`echoed ${r} bytes`);
        if (edge) continue;
      } else {
        epoll_ctl(epfd, EPOLL_CTL_DEL, fd, null);
        close(fd);
        console.log('connection closed');
        closed++;
      }
      break;
    }
  }
}
close(epfd);
close(listen_sock);
