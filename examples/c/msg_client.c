/* Seed 002's client (reformatted from the tutorial): reads one line from stdin with fgets() and sends it
 * to port 6666 of the address given, parsed with inet_pton(). The TypeScript twin: examples/msg_client.ts.
 * Added to the original: an optional port argument, and line-buffered stdout (so the prompt shows before
 * fgets() waits, when stdout is a pipe). Usage: msg_client <ipaddress> [port=6666] */
#include <arpa/inet.h>
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
  int sockfd;
  char sendline[4096];
  struct sockaddr_in servaddr;
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc < 2) {
    printf("usage: ./client <ipaddress>\n");
    exit(0);
  }
  if ((sockfd = socket(AF_INET, SOCK_STREAM, 0)) < 0) {
    printf("create socket error: %s(errno: %d)\n", strerror(errno), errno);
    exit(0);
  }
  memset(&servaddr, 0, sizeof(servaddr));
  servaddr.sin_family = AF_INET;
  servaddr.sin_port = htons(argc > 2 ? atoi(argv[2]) : 6666);
  if (inet_pton(AF_INET, argv[1], &servaddr.sin_addr) <= 0) {
    printf("inet_pton error for %s\n", argv[1]);
    exit(0);
  }
  if (connect(sockfd, (struct sockaddr *)&servaddr, sizeof(servaddr)) < 0) {
    printf("connect error: %s(errno: %d)\n", strerror(errno), errno);
    exit(0);
  }
  printf("send msg to server: \n");
  if (fgets(sendline, 4096, stdin) == NULL) sendline[0] = '\0';
  if (send(sockfd, sendline, strlen(sendline), 0) < 0) {
    printf("send msg error: %s(errno: %d)\n", strerror(errno), errno);
    exit(0);
  }
  close(sockfd);
  exit(0);
}
