/* Seed 002's server (reformatted from the tutorial): port 6666, prints the one message each connection
 * sends, then closes it. The TypeScript twin: examples/msg_server.ts.
 * Added to the original: an optional port argument (0 = any free port), the "listening on port" line,
 * line-buffered stdout, and no buff[-1] write when recv() fails. Usage: msg_server [port=6666] */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#define MAXLINE 4096

int main(int argc, char **argv) {
  int listenfd, connfd;
  struct sockaddr_in servaddr;
  socklen_t len = sizeof(servaddr);
  char buff[4096];
  int n;
  setvbuf(stdout, NULL, _IOLBF, 0);
  if ((listenfd = socket(AF_INET, SOCK_STREAM, 0)) == -1) {
    printf("create socket error: %s(errno: %d)\n", strerror(errno), errno);
    exit(0);
  }
  memset(&servaddr, 0, sizeof(servaddr));
  servaddr.sin_family = AF_INET;
  servaddr.sin_addr.s_addr = htonl(INADDR_ANY);
  servaddr.sin_port = htons(argc > 1 ? atoi(argv[1]) : 6666);
  if (bind(listenfd, (struct sockaddr *)&servaddr, sizeof(servaddr)) == -1) {
    printf("bind socket error: %s(errno: %d)\n", strerror(errno), errno);
    exit(0);
  }
  if (listen(listenfd, 10) == -1) {
    printf("listen socket error: %s(errno: %d)\n", strerror(errno), errno);
    exit(0);
  }
  getsockname(listenfd, (struct sockaddr *)&servaddr, &len);
  printf("listening on port %d\n", ntohs(servaddr.sin_port));
  printf("======waiting for client's request======\n");
  while (1) {
    if ((connfd = accept(listenfd, (struct sockaddr *)NULL, NULL)) == -1) {
      printf("accept socket error: %s(errno: %d)", strerror(errno), errno);
      continue;
    }
    n = recv(connfd, buff, MAXLINE - 1, 0);
    buff[n > 0 ? n : 0] = '\0';
    printf("recv msg from client: %s\n", buff);
    close(connfd);
  }
  close(listenfd);
}
