/* An inetd in miniature: each accepted connection becomes a program's stdin and stdout, with dup2(2).
 * In "wait" mode, as inetd's wait services run: one connection at a time, the server waiting for the
 * program to end before it accepts the next. The TypeScript twin: examples/inetd.ts.
 * Usage: inetd <port> <connections> <program> [args...]   (port 0: any free port; exits after
 * <connections>) */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char *argv[]) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc < 4) {
    printf("Usage: %s <port> <connections> <program> [args...]\n", argv[0]);
    exit(1);
  }
  int connections = atoi(argv[2]);
  int listenfd = socket(AF_INET, SOCK_STREAM, 0);
  int opt = 1;
  setsockopt(listenfd, SOL_SOCKET, SO_REUSEADDR, &opt, sizeof(opt));
  struct sockaddr_in server;
  memset(&server, 0, sizeof(server));
  server.sin_family = AF_INET;
  server.sin_port = htons(atoi(argv[1]));
  server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listenfd, (struct sockaddr *)&server, sizeof(server)) == -1 || listen(listenfd, 8) == -1) {
    perror("bind/listen");
    exit(1);
  }
  socklen_t len = sizeof(server);
  getsockname(listenfd, (struct sockaddr *)&server, &len);
  printf("listening on port %d\n", ntohs(server.sin_port));
  for (int served = 0; served < connections; served++) {
    int conn = accept(listenfd, NULL, NULL);
    if (conn == -1) {
      perror("accept");
      exit(1);
    }
    pid_t pid = fork();
    if (pid == 0) { /* the child: the connection becomes stdin and stdout, then the program runs */
      close(listenfd);
      dup2(conn, 0);
      dup2(conn, 1);
      close(conn);
      execvp(argv[3], argv + 3);
      perror("execvp");
      _exit(127);
    }
    close(conn);
    int status;
    waitpid(pid, &status, 0);
    printf("served connection %d: %s exited %d\n", served + 1, argv[3], WEXITSTATUS(status));
  }
  close(listenfd);
  return 0;
}
