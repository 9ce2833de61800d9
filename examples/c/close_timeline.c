/* The handshake-and-close walk-through of seeds 002 and 004, in one process: a client and a server
 * socket on loopback, and the TCP state of each (TCP_INFO's tcpi_state, read with getsockopt) after
 * every step: the three-way handshake, the client's half-close with shutdown(SHUT_WR), the server's
 * recv() returning 0 while it can still send, then the server's FIN. Each step is given 20 ms to settle
 * (loopback delivers in microseconds). The TypeScript twin: examples/close_timeline.ts; both print the
 * same table.
 *
 * The client never reads TIME_WAIT: when it enters TIME_WAIT, Linux hands the connection to a small
 * timewait socket (`ss -tan` lists it) and the socket the fd refers to reads CLOSE. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *tcp_states[] = {"?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
                                   "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING"};

static const char *state(int fd) {
  if (fd < 0) return "-";
  struct tcp_info info;
  socklen_t len = sizeof(info);
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) < 0) return "?";
  return info.tcpi_state < sizeof(tcp_states) / sizeof(*tcp_states) ? tcp_states[info.tcpi_state] : "?";
}

static void row(const char *step, int client, int server) {
  usleep(20000);
  printf("%-44s %-12s %s\n", step, state(client), state(server));
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  char buf[64];
  char text[64];
  int listenfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof(addr));
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  bind(listenfd, (struct sockaddr *)&addr, sizeof(addr));
  listen(listenfd, 1);
  getsockname(listenfd, (struct sockaddr *)&addr, &len);
  int client = socket(AF_INET, SOCK_STREAM, 0);

  printf("%-44s %-12s %s\n", "step", "client", "server");
  row("socket(), and the server's listen()", client, listenfd);
  connect(client, (struct sockaddr *)&addr, sizeof(addr)); /* returns on the SYN-ACK */
  int server = accept(listenfd, NULL, NULL);               /* returns once the ACK is in */
  row("connect() / accept(): three-way handshake", client, server);
  shutdown(client, SHUT_WR); /* FIN from the client; its ACK comes back */
  row("client shutdown(SHUT_WR): FIN, ACK", client, server);
  ssize_t n = recv(server, buf, sizeof(buf), 0);
  snprintf(text, sizeof(text), "server recv() = %zd: end of stream", n);
  row(text, client, server);
  send(server, "still here", 10, 0); /* half-closed: the server can still send */
  n = recv(client, buf, sizeof(buf), 0);
  snprintf(text, sizeof(text), "server send(), client recv() = %zd", n);
  row(text, client, server);
  shutdown(server, SHUT_WR); /* the server's FIN; the client ACKs it and waits out 2*MSL */
  row("server shutdown(SHUT_WR): FIN, ACK", client, server);
  n = recv(client, buf, sizeof(buf), 0);
  snprintf(text, sizeof(text), "client recv() = %zd: end of stream", n);
  row(text, client, server);
  close(server);
  close(client);
  close(listenfd);
  return 0;
}
