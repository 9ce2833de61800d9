/* Seed 001's echo client (reformatted from the tutorial): resolves the host, sends the greeting with its NUL.
 * The TypeScript twins: examples/echo_client.ts (blocking) and examples/echo_client_async.ts (promises).
 * Added to the original: an optional port argument, and a NUL after the received bytes (the original
 * printed buf with %s after overwriting the NUL it received, reading past the data).
 * Usage: echo_client <host> [port=4321] */
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PORT 4321
#define MAXDATASIZE 100

int main(int argc, char *argv[]) {
  int sockfd, num;
  char buf[MAXDATASIZE];
  struct hostent *he;
  struct sockaddr_in server;
  if (argc < 2) {
    printf("Usage: %s <IP Address> [port]\n", argv[0]);
    exit(1);
  }
  if ((he = gethostbyname(argv[1])) == NULL) {
    printf("gethostbyname() error\n");
    exit(1);
  }
  if ((sockfd = socket(AF_INET, SOCK_STREAM, 0)) == -1) {
    printf("socket() error\n");
    exit(1);
  }
  bzero(&server, sizeof(server));
  server.sin_family = AF_INET;
  server.sin_port = htons(argc > 2 ? atoi(argv[2]) : PORT);
  server.sin_addr = *((struct in_addr *)he->h_addr);
  if (connect(sockfd, (struct sockaddr *)&server, sizeof(server)) == -1) {
    printf("connect() error\n");
    exit(1);
  }
  char str[] = "你好啊服务器!\n";
  if ((num = send(sockfd, str, sizeof(str), 0)) == -1) {
    printf("send() error\n");
    exit(1);
  }
  if ((num = recv(sockfd, buf, MAXDATASIZE - 1, 0)) <= 0) {
    printf("recv() error\n");
    exit(1);
  }
  buf[num] = '\0';
  buf[num - 1] = ' ';
  printf("server message: %s\n", buf);
  close(sockfd);
  return 0;
}
