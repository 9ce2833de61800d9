/* Seed 003's walk-through as a program: the echo server over an AF_UNIX stream socket whose address is a
 * path. socket(AF_UNIX, SOCK_STREAM, 0), bind() to a sockaddr_un, listen(), accept() in a loop, echo
 * every read() back; the socket file is removed first (bind fails with EADDRINUSE if it exists) and on
 * the way out. The TypeScript twin: examples/unix_echo_server.ts. Usage: unix_echo_server <path> [--once] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char *argv[]) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc < 2) {
    printf("Usage: %s <path> [--once]\n", argv[0]);
    return 1;
  }
  int once = argc > 2 && strcmp(argv[2], "--once") == 0;
  int server_sockfd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (server_sockfd < 0) {
    perror("socket");
    return 1;
  }
  struct sockaddr_un server_address;
  memset(&server_address, 0, sizeof(server_address));
  server_address.sun_family = AF_UNIX;
  strncpy(server_address.sun_path, argv[1], sizeof(server_address.sun_path) - 1);
  unlink(argv[1]);
  if (bind(server_sockfd, (struct sockaddr *)&server_address, sizeof(server_address)) < 0) {
    perror("bind");
    return 1;
  }
  listen(server_sockfd, 5);
  printf("listening on %s\n", server_address.sun_path);
  do {
    struct sockaddr_un client_address;
    socklen_t client_len = sizeof(client_address);
    int client_sockfd = accept(server_sockfd, (struct sockaddr *)&client_address, &client_len);
    if (client_sockfd < 0) {
      perror("accept");
      return 1;
    }
    /* a client that did not bind has no name: the address is just the family */
    printf("connection from %s\n", client_len > sizeof(sa_family_t) ? client_address.sun_path : "an unnamed socket");
    char buf[1024];
    ssize_t n;
    while ((n = read(client_sockfd, buf, sizeof(buf))) > 0) {
      printf("received %zd bytes: %.*s\n", n, (int)n, buf);
      write(client_sockfd, buf, n);
    }
    close(client_sockfd);
  } while (!once);
  close(server_sockfd);
  unlink(argv[1]);
  return 0;
}
