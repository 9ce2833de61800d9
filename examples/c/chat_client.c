/* Seed 000's chat client (reformatted from the tutorial): client [ip] [port] connects, then in turn reads
 * a line from stdin, writes it to the server and prints the server's answer. The TypeScript twin:
 * examples/chat_client.ts.
 * Fixed from the original: "quit" is matched with its newline (read() returns the line with it, so
 * strcmp(buf, "quit") never matched), end of stdin or of the connection ends the loop (it spun on
 * read() == 0), and the answer is read into at most sizeof(buf) - 1 bytes before its NUL. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

static void usage(const char *proc) { printf("Usage: %s [ip] [port]\n", proc); }

int main(int argc, char *argv[]) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc != 3) {
    usage(argv[0]);
    exit(1);
  }
  int sock = socket(AF_INET, SOCK_STREAM, 0);
  if (sock < 0) {
    perror("socket");
    return 2;
  }
  struct sockaddr_in remote;
  memset(&remote, 0, sizeof(remote));
  remote.sin_family = AF_INET;
  remote.sin_port = htons(atoi(argv[2]));
  remote.sin_addr.s_addr = inet_addr(argv[1]);
  int ret = connect(sock, (struct sockaddr *)&remote, sizeof(remote));
  if (ret < 0) {
    printf("connect failed ... ,errno is :%d,errstring is: %s\n", errno, strerror(errno));
    return 3;
  }
  printf("connect success ...\n");
  char buf[1024];
  while (1) {
    /* read a line from stdin into buf, then write it to sock */
    memset(buf, '\0', sizeof(buf));
    printf("client:# ");
    fflush(stdout);
    ssize_t _s = read(0, buf, sizeof(buf) - 1);
    if (_s < 0) {
      perror("read\n");
      break;
    }
    if (_s == 0) break;
    buf[_s] = '\0';
    write(sock, buf, strlen(buf));
    if (strcmp(buf, "quit\n") == 0) {
      printf("quit!\n");
      break;
    }
    _s = read(sock, buf, sizeof(buf) - 1);
    if (_s <= 0) break;
    buf[_s] = '\0';
    printf("server:$ %s\n", buf);
  }
  close(sock);
  printf("sock close");
  return 0;
}
