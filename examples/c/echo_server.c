/* Seed 001's echo server (reformatted from the tutorial): port 4321, SO_REUSEADDR, INADDR_ANY, backlog 1.
 * The TypeScript twins: examples/echo_server.ts (blocking) and examples/echo_server_async.ts (promises).
 * Added to the original: an optional port argument (0 = any free port), the "listening on port" line
 * (from getsockname, so a test can find a port 0 server) and line-buffered stdout (so a pipe sees each
 * line as it is printed). Usage: echo_server [port=4321] [--once] */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define PORT 4321
#define BACKLOG 1
#define MAXRECVLEN 1024

int main(int argc, char *argv[]) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  int port = argc > 1 ? atoi(argv[1]) : PORT;
  int once = argc > 2 && strcmp(argv[2], "--once") == 0;
  char buf[MAXRECVLEN];
  int listenfd, connectfd;
  struct sockaddr_in server, client;
  socklen_t addrlen;
  if ((listenfd = socket(AF_INET, SOCK_STREAM, 0)) == -1) {
    perror("socket() error. Failed to initiate a socket");
    exit(1);
  }
  int opt = SO_REUSEADDR;
  setsockopt(listenfd, SOL_SOCKET, SO_REUSEADDR, &opt, sizeof(opt));
  bzero(&server, sizeof(server));
  server.sin_family = AF_INET;
  server.sin_port = htons(port);
  server.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(listenfd, (struct sockaddr *)&server, sizeof(server)) == -1) {
    perror("Bind() error.");
    exit(1);
  }
  if (listen(listenfd, BACKLOG) == -1) {
    perror("listen() error.");
    exit(1);
  }
  addrlen = sizeof(server);
  getsockname(listenfd, (struct sockaddr *)&server, &addrlen);
  printf("listening on port %d\n", ntohs(server.sin_port));
  do {
    addrlen = sizeof(client);
    if ((connectfd = accept(listenfd, (struct sockaddr *)&client, &addrlen)) == -1) {
      perror("accept() error.");
      exit(1);
    }
    struct timeval tv;
    gettimeofday(&tv, NULL);
    printf("You got a connection from client's ip %s, port %d at time %ld.%ld\n", inet_ntoa(client.sin_addr),
           htons(client.sin_port), tv.tv_sec, tv.tv_usec);
    int iret = -1;
    while (1) {
      iret = recv(connectfd, buf, MAXRECVLEN, 0);
      if (iret > 0) {
        printf("%s\n", buf);
      } else {
        close(connectfd);
        break;
      }
      send(connectfd, buf, iret, 0);
    }
  } while (!once);
  close(listenfd);
  return 0;
}
