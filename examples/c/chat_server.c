/* Seed 000's chat server (reformatted from the tutorial): server [ip] [port] sets SO_REUSEADDR, accepts
 * in a loop and serves each client on its own thread; for every message a client sends, it prints it and
 * answers with a line read from stdin. The TypeScript twins: examples/chat_server.ts (promises, one
 * thread) and examples/chat_server_worker.ts (a Worker per client, as here a thread per client).
 * Fixed from the original: the peer's port was missing from the "new link" printf, the fd went through
 * a pointer cast as int, buf[_in-1] was written when stdin had ended (_in == 0), `len` was not reset
 * before each accept(), and the client's fd was never closed. Added: the "listening on port" line (port
 * 0 picks one) and line-buffered stdout. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

static void usage(const char *proc) { printf("Usage: %s [ip] [port]\n", proc); }

void *thread_run(void *arg) {
  printf("create a new thread\n");
  int fd = (int)(intptr_t)arg;
  char buf[1024];
  while (1) {
    /* read what the client sent and print it, then write our reply to it */
    memset(buf, '\0', sizeof(buf));
    ssize_t _s = read(fd, buf, sizeof(buf) - 1);
    if (_s > 0) {
      buf[_s] = '\0';
      printf("client:# %s", buf);
      printf("server:$ ");
      fflush(stdout);
      memset(buf, '\0', sizeof(buf));
      ssize_t _in = read(0, buf, sizeof(buf) - 1);
      if (_in <= 0) break; /* stdin ended: nothing more to say */
      buf[_in - 1] = '\0';
      write(fd, buf, strlen(buf));
      printf("please wait ...\n");
    } else if (_s == 0) {
      printf("client close...\n");
      break;
    } else {
      printf("read error ...\n");
      break;
    }
  }
  close(fd);
  return (void *)0;
}

int main(int argc, char *argv[]) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc != 3) {
    usage(argv[0]);
    exit(1);
  }
  int listen_sock = socket(AF_INET, SOCK_STREAM, 0);
  if (listen_sock < 0) {
    perror("socket");
    return 1;
  }
  struct sockaddr_in local;
  memset(&local, 0, sizeof(local));
  local.sin_family = AF_INET;
  local.sin_port = htons(atoi(argv[2]));
  local.sin_addr.s_addr = inet_addr(argv[1]);
  int opt = 1;
  if (setsockopt(listen_sock, SOL_SOCKET, SO_REUSEADDR, &opt, sizeof(opt)) < 0) {
    perror("setsockopt error\n");
    return -1;
  }
  if (bind(listen_sock, (struct sockaddr *)&local, sizeof(local)) < 0) {
    perror("bind");
    return 2;
  }
  listen(listen_sock, 5);
  socklen_t len = sizeof(local);
  getsockname(listen_sock, (struct sockaddr *)&local, &len);
  printf("listening on port %d\n", ntohs(local.sin_port));
  struct sockaddr_in peer;
  while (1) {
    len = sizeof(peer);
    int client_sock = accept(listen_sock, (struct sockaddr *)&peer, &len);
    if (client_sock < 0) {
      perror("accept faild ...\n");
      return 3;
    }
    printf("get a new link,socket -> %s:%d\n", inet_ntoa(peer.sin_addr), ntohs(peer.sin_port));
    pthread_t id;
    pthread_create(&id, NULL, thread_run, (void *)(intptr_t)client_sock);
    pthread_detach(id);
  }
  close(listen_sock);
  return 0;
}
