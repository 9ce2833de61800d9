/* An echo server on epoll, the Linux way to wait on many sockets: one epoll instance, the listening
 * socket and every connection registered once, epoll_wait() saying which are ready. Level-triggered
 * ("lt"): a ready socket is reported on every epoll_wait until it is drained, so one recv() per event
 * is enough. Edge-triggered ("et", EPOLLET): reported once per change, so each event must be drained
 * with recv() until EAGAIN, on a non-blocking socket. Serves the seed 001 echo client (or any).
 * The TypeScript twin: examples/epoll_echo_server.ts.
 * Usage: epoll_echo_server [port] [lt|et] [clients: exit after that many have closed; 0 = never] */
#define _GNU_SOURCE /* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char *argv[]) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc != 4 || (strcmp(argv[2], "lt") != 0 && strcmp(argv[2], "et") != 0)) {
    printf("Usage: %s [port] [lt|et] [clients]\n", argv[0]);
    exit(1);
  }
  int edge = strcmp(argv[2], "et") == 0;
  long clients = atol(argv[3]), closed = 0;
  int listen_sock = socket(AF_INET, SOCK_STREAM, 0);
  int opt = 1;
  setsockopt(listen_sock, SOL_SOCKET, SO_REUSEADDR, &opt, sizeof(opt));
  struct sockaddr_in local;
  memset(&local, 0, sizeof(local));
  local.sin_family = AF_INET;
  local.sin_port = htons(atoi(argv[1]));
  local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listen_sock, (struct sockaddr *)&local, sizeof(local)) < 0) {
    perror("bind");
    return 2;
  }
  listen(listen_sock, 16);
  socklen_t len = sizeof(local);
  getsockname(listen_sock, (struct sockaddr *)&local, &len);
  printf("listening on port %d (%s-triggered)\n", ntohs(local.sin_port), edge ? "edge" : "level");

  int epfd = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = listen_sock};
  epoll_ctl(epfd, EPOLL_CTL_ADD, listen_sock, &ev);
  char buf[1024];
  while (clients == 0 || closed < clients) {
    struct epoll_event events[16];
    int n = epoll_wait(epfd, events, 16, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      perror("epoll_wait");
      return 3;
    }
    for (int i = 0; i < n; i++) {
      int fd = events[i].data.fd;
      if (fd == listen_sock) {
        struct sockaddr_in peer;
        socklen_t plen = sizeof(peer);
        int conn = accept4(listen_sock, (struct sockaddr *)&peer, &plen, edge ? SOCK_NONBLOCK : 0);
        printf("connection from %s:%d\n", inet_ntoa(peer.sin_addr), ntohs(peer.sin_port));
        struct epoll_event cev = {.events = EPOLLIN | (edge ? EPOLLET : 0), .data.fd = conn};
        epoll_ctl(epfd, EPOLL_CTL_ADD, conn, &cev);
        continue;
      }
      /* level-triggered: one recv per event (if more is there, the next epoll_wait says so);
       * edge-triggered: recv until EAGAIN, or this data would wait for the next edge */
      for (;;) {
        ssize_t r = recv(fd, buf, sizeof(buf), 0);
        if (r > 0) {
          send(fd, buf, r, 0);
          printf("echoed %zd bytes\n", r);
          if (edge) continue;
        } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
          epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
          close(fd);
          printf("connection closed\n");
          closed++;
        }
        break;
      }
    }
  }
  close(epfd);
  close(listen_sock);
  return 0;
}
