/* Seed 000's chat server with select() instead of a thread per client: one thread, one loop. The
 * listening socket, every client and (while a client waits for its answer) stdin are in the read set;
 * select() says which is ready. Same conversation as chat_server.c: for every message a client sends,
 * the server prints it and answers with the next line typed at it (answers go to the clients in the
 * order their messages came). The TypeScript twin: examples/chat_server_select.ts.
 * Usage: chat_server_select [ip] [port] */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char *argv[]) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc != 3) {
    printf("Usage: %s [ip] [port]\n", argv[0]);
    exit(1);
  }
  int listen_sock = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in local;
  memset(&local, 0, sizeof(local));
  local.sin_family = AF_INET;
  local.sin_port = htons(atoi(argv[2]));
  local.sin_addr.s_addr = inet_addr(argv[1]);
  int opt = 1;
  setsockopt(listen_sock, SOL_SOCKET, SO_REUSEADDR, &opt, sizeof(opt));
  if (bind(listen_sock, (struct sockaddr *)&local, sizeof(local)) < 0) {
    perror("bind");
    return 2;
  }
  listen(listen_sock, 5);
  socklen_t len = sizeof(local);
  getsockname(listen_sock, (struct sockaddr *)&local, &len);
  printf("listening on port %d\n", ntohs(local.sin_port));

  int clients[FD_SETSIZE], nclients = 0;  /* connected clients */
  int waiting[FD_SETSIZE], nwaiting = 0;  /* clients whose message awaits an answer, in order */
  char buf[1024];
  for (;;) {
    fd_set readfds;
    FD_ZERO(&readfds);
    FD_SET(listen_sock, &readfds);
    int maxfd = listen_sock;
    for (int i = 0; i < nclients; i++) {
      FD_SET(clients[i], &readfds);
      if (clients[i] > maxfd) maxfd = clients[i];
    }
    if (nwaiting > 0) FD_SET(0, &readfds); /* stdin only while someone waits for an answer */
    if (select(maxfd + 1, &readfds, NULL, NULL, NULL) < 0) {
      perror("select");
      return 3;
    }
    if (FD_ISSET(listen_sock, &readfds)) {
      struct sockaddr_in client;
      socklen_t clen = sizeof(client);
      int fd = accept(listen_sock, (struct sockaddr *)&client, &clen);
      printf("get a new link,socket -> %s:%d\n", inet_ntoa(client.sin_addr), ntohs(client.sin_port));
      printf("create a new client\n");
      clients[nclients++] = fd;
    }
    if (nwaiting > 0 && FD_ISSET(0, &readfds)) {
      memset(buf, '\0', sizeof(buf));
      ssize_t in = read(0, buf, sizeof(buf) - 1);
      if (in <= 0) break; /* stdin ended: nothing more to say */
      buf[in - 1] = '\0';
      write(waiting[0], buf, strlen(buf));
      memmove(waiting, waiting + 1, --nwaiting * sizeof(int));
      printf("please wait ...\n");
    }
    for (int i = 0; i < nclients; i++) {
      int fd = clients[i];
      if (!FD_ISSET(fd, &readfds)) continue;
      memset(buf, '\0', sizeof(buf));
      ssize_t s = read(fd, buf, sizeof(buf) - 1);
      if (s > 0) {
        printf("client:# %s", buf);
        printf("server:$ ");
        fflush(stdout);
        waiting[nwaiting++] = fd;
      } else {
        printf("client close...\n");
        close(fd);
        clients[i--] = clients[--nclients];
      }
    }
  }
  for (int i = 0; i < nclients; i++) close(clients[i]);
  close(listen_sock);
  return 0;
}
