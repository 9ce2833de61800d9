/* Seed 003's walk-through, the client: connect() an AF_UNIX stream socket to the server's path, write a
 * message, read the echo. The TypeScript twin: examples/unix_echo_client.ts.
 * Usage: unix_echo_client <path> [message] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char *argv[]) {
  if (argc < 2) {
    printf("Usage: %s <path> [message]\n", argv[0]);
    return 1;
  }
  const char *message = argc > 2 ? argv[2] : "hello over AF_UNIX";
  int sockfd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (sockfd < 0) {
    perror("socket");
    return 1;
  }
  struct sockaddr_un address;
  memset(&address, 0, sizeof(address));
  address.sun_family = AF_UNIX;
  strncpy(address.sun_path, argv[1], sizeof(address.sun_path) - 1);
  if (connect(sockfd, (struct sockaddr *)&address, sizeof(address)) < 0) {
    perror("connect");
    return 1;
  }
  write(sockfd, message, strlen(message));
  shutdown(sockfd, SHUT_WR); /* the server reads until end of stream */
  char buf[1024];
  size_t got = 0;
  ssize_t n;
  while (got < sizeof(buf) - 1 && (n = read(sockfd, buf + got, sizeof(buf) - 1 - got)) > 0) got += n;
  buf[got] = '\0';
  printf("echo from server: %s\n", buf);
  close(sockfd);
  return 0;
}
