// The C reference of the benchmark: the same workloads, the same line protocol and the same checks as
// bench/contender-*.ts, written the way the C tutorials write them (blocking calls), or with
// nonblocking sockets and epoll_wait when started with "epoll" (the C shape of an event loop).
//
//   bench-c server|client [epoll]      commands on stdin, one per line; answers on stdout.
//
// The protocol is described in bench/common.ts.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define PERIOD 251
#define RECV_BUF (256 * 1024)
#define END_SEQ 0xffffffffu

static int use_epoll;
static int epfd = -1;

static void die(const char *what) {
  printf("error %s: %s\n", what, strerror(errno));
  fflush(stdout);
  exit(1);
}

static void fail(const char *what) {
  printf("error %s\n", what);
  fflush(stdout);
  exit(1);
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

// ---- command lines: "op key=value key=value ..." ----

static char line[4096];

static const char *param(const char *key) {
  static char value[1024];
  size_t klen = strlen(key);
  for (const char *p = strchr(line, ' '); p; p = strchr(p + 1, ' ')) {
    if (strncmp(p + 1, key, klen) == 0 && p[1 + klen] == '=') {
      const char *v = p + 2 + klen;
      size_t n = strcspn(v, " \n");
      if (n >= sizeof value) fail("parameter too long");
      memcpy(value, v, n);
      value[n] = 0;
      return value;
    }
  }
  return NULL;
}

static long num(const char *key, long dflt) {
  const char *v = param(key);
  return v ? atol(v) : dflt;
}

// ---- the byte pattern: byte i of a stream is i % 251 ----

static unsigned char *pattern(size_t len) {
  unsigned char *p = malloc(len + PERIOD);
  if (!p) fail("malloc");
  for (size_t i = 0; i < len + PERIOD; i++) p[i] = i % PERIOD;
  return p;
}

// ---- waiting: blocking calls, or nonblocking calls + epoll_wait ----

static void watch(int fd) {
  if (!use_epoll) return;
  struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLET, .data.fd = fd};
  if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl");
}

static void wait_ready(void) {
  struct epoll_event evs[16];
  if (epoll_wait(epfd, evs, 16, -1) < 0 && errno != EINTR) die("epoll_wait");
}

static ssize_t recv_some(int fd, void *buf, size_t len) {
  for (;;) {
    ssize_t r = recv(fd, buf, len, use_epoll ? MSG_DONTWAIT : 0);
    if (r >= 0) return r;
    if (errno == EINTR) continue;
    if (use_epoll && errno == EAGAIN) { wait_ready(); continue; }
    die("recv");
  }
}

static void send_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len > 0) {
    ssize_t r = send(fd, p, len, MSG_NOSIGNAL | (use_epoll ? MSG_DONTWAIT : 0));
    if (r < 0) {
      if (errno == EINTR) continue;
      if (use_epoll && errno == EAGAIN) {
        struct pollfd pfd = {.fd = fd, .events = POLLOUT};
        poll(&pfd, 1, -1);
        continue;
      }
      die("send");
    }
    p += r;
    len -= r;
  }
}

// Returns 0 on EOF before the first byte.
static int recv_exact(int fd, void *buf, size_t len) {
  size_t got = 0;
  while (got < len) {
    ssize_t r = recv_some(fd, (char *)buf + got, len - got);
    if (r == 0) {
      if (got == 0) return 0;
      fail("EOF inside a message");
    }
    got += r;
  }
  return 1;
}

// ---- addresses ----

static socklen_t address(struct sockaddr_storage *ss, int *family) {
  memset(ss, 0, sizeof *ss);
  const char *fam = param("family");
  if (fam && strcmp(fam, "unix") == 0) {
    struct sockaddr_un *un = (struct sockaddr_un *)ss;
    un->sun_family = AF_UNIX;
    const char *path = param("path");
    if (!path || strlen(path) >= sizeof un->sun_path) fail("bad path");
    strcpy(un->sun_path, path);
    *family = AF_UNIX;
    return sizeof *un;
  }
  struct sockaddr_in *in = (struct sockaddr_in *)ss;
  in->sin_family = AF_INET;
  in->sin_port = htons(num("port", 0));
  in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  *family = AF_INET;
  return sizeof *in;
}

static void nodelay(int fd, int family) {
  int one = 1;
  if (family == AF_INET && num("nodelay", 1) && setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0) die("setsockopt");
}

static int listener(int type) {
  struct sockaddr_storage ss;
  int family;
  socklen_t len = address(&ss, &family);
  int fd = socket(family, type, 0);
  if (fd < 0) die("socket");
  int one = 1;
  if (family == AF_INET) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (family == AF_UNIX) unlink(((struct sockaddr_un *)&ss)->sun_path);
  int rcvbuf = num("rcvbuf", 0);  // before "ready": the flood starts when it is printed
  if (rcvbuf && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf) < 0) die("setsockopt");
  if (bind(fd, (struct sockaddr *)&ss, len) < 0) die("bind");
  if (type == SOCK_STREAM && listen(fd, 1024) < 0) die("listen");
  if (family == AF_INET) {
    len = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &len);
    printf("ready port=%d\n", ntohs(((struct sockaddr_in *)&ss)->sin_port));
  } else {
    printf("ready path=%s\n", param("path"));
  }
  fflush(stdout);
  return fd;
}

static int accept_one(int lfd) {
  int fd;
  while ((fd = accept(lfd, NULL, NULL)) < 0)
    if (errno != EINTR) die("accept");
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  getsockname(fd, (struct sockaddr *)&ss, &len);
  nodelay(fd, ss.ss_family);
  watch(fd);
  return fd;
}

static int connect_to(int type) {
  struct sockaddr_storage ss;
  int family;
  socklen_t len = address(&ss, &family);
  int fd = socket(family, type, 0);
  if (fd < 0) die("socket");
  if (connect(fd, (struct sockaddr *)&ss, len) < 0) die("connect");
  if (type == SOCK_STREAM) nodelay(fd, family);
  watch(fd);
  return fd;
}

static void done(const char *extra) {
  printf("done%s%s\n", extra ? " " : "", extra ? extra : "");
  fflush(stdout);
}

static void close_listener(int lfd) {
  const char *path = param("family") && strcmp(param("family"), "unix") == 0 ? param("path") : NULL;
  if (path) unlink(path);
  close(lfd);
}

// ---- servers ----

// Echoes every connection until it closes. Blocking with several connections: in lockstep, one
// message of `size` bytes from each in turn (the client sends on all before it reads); epoll: any order.
static void serve_echo(void) {
  int lfd = listener(SOCK_STREAM);
  long conns = num("conns", 1), size = num("size", 64);
  int *fds = calloc(conns, sizeof *fds);
  char *buf = malloc(RECV_BUF);
  for (long i = 0; i < conns; i++) fds[i] = accept_one(lfd);
  if (conns == 1 && !use_epoll) {
    ssize_t r;
    while ((r = recv_some(fds[0], buf, RECV_BUF)) > 0) send_all(fds[0], buf, r);
  } else if (!use_epoll) {
    for (int open = 1; open;)
      for (long i = 0; i < conns; i++) {
        if (!recv_exact(fds[i], buf, size)) { open = 0; break; }
        send_all(fds[i], buf, size);
      }
  } else {
    for (long open = conns; open > 0;) {
      struct epoll_event evs[64];
      int n = epoll_wait(epfd, evs, 64, -1);
      if (n < 0 && errno != EINTR) die("epoll_wait");
      for (int e = 0; e < n; e++) {
        int fd = evs[e].data.fd;
        for (;;) {
          ssize_t r = recv(fd, buf, RECV_BUF, MSG_DONTWAIT);
          if (r > 0) { send_all(fd, buf, r); continue; }
          if (r == 0) { epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL); open--; }
          else if (errno != EAGAIN && errno != EINTR) die("recv");
          break;
        }
      }
    }
  }
  for (long i = 0; i < conns; i++) close(fds[i]);
  close_listener(lfd);
  free(fds);
  free(buf);
  done(NULL);
}

// Receives `total` bytes on one connection, checks them against the pattern, acknowledges with one byte.
static void serve_sink(void) {
  int lfd = listener(SOCK_STREAM);
  long total = num("total", 0);
  unsigned char *buf = malloc(RECV_BUF), *pat = pattern(RECV_BUF);
  int fd = accept_one(lfd);
  long got = 0;
  while (got < total) {
    ssize_t r = recv_some(fd, buf, RECV_BUF);
    if (r == 0) fail("EOF before the total");
    if (memcmp(buf, pat + got % PERIOD, r) != 0) fail("bulk bytes differ from the pattern");
    got += r;
  }
  if (got != total) fail("more bytes than sent");
  send_all(fd, "k", 1);
  while (recv_some(fd, buf, RECV_BUF) > 0) {}
  close(fd);
  close_listener(lfd);
  free(buf);
  free(pat);
  done(NULL);
}

// Sends the first `total` bytes of a file (file=P) on one connection, then closes it: by sendfile(2)
// (via=sendfile), or read(2) and send(2) (via=readsend).
static void serve_file(void) {
  int lfd = listener(SOCK_STREAM);
  long total = num("total", 0);
  int file = open(param("file"), O_RDONLY);
  if (file < 0) die("open");
  int fd = accept_one(lfd);
  if (param("via") && strcmp(param("via"), "readsend") == 0) {
    char *buf = malloc(RECV_BUF);
    for (long sent = 0; sent < total;) {
      ssize_t r = read(file, buf, total - sent < RECV_BUF ? total - sent : RECV_BUF);
      if (r <= 0) fail("the file ended early");
      send_all(fd, buf, r);
      sent += r;
    }
    free(buf);
  } else {
    for (off_t off = 0; off < total;) {
      ssize_t r = sendfile(fd, file, &off, total - off);
      if (r < 0 && errno != EINTR) die("sendfile");
      if (r == 0) fail("the file ended early");
    }
  }
  close(fd);
  close(file);
  close_listener(lfd);
  done(NULL);
}

// Accepts `count` connections one after another: one `size`-byte exchange each, then close.
static void serve_accept(void) {
  int lfd = listener(SOCK_STREAM);
  long count = num("count", 0), size = num("size", 64);
  char *buf = malloc(size);
  for (long i = 0; i < count; i++) {
    int fd = accept_one(lfd);
    if (!recv_exact(fd, buf, size)) fail("EOF before the message");
    send_all(fd, buf, size);
    if (use_epoll) epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
    close(fd);
  }
  close_listener(lfd);
  free(buf);
  done(NULL);
}

static void serve_udp_echo(void) {
  int fd = listener(SOCK_DGRAM);
  long count = num("count", 0);
  char buf[65536];
  struct sockaddr_storage from;
  for (long i = 0; i < count; i++) {
    socklen_t len = sizeof from;
    ssize_t r = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
    if (r < 0) die("recvfrom");
    if (sendto(fd, buf, r, 0, (struct sockaddr *)&from, len) < 0) die("sendto");
  }
  close(fd);
  done(NULL);
}

// Counts the datagrams of a flood until the end marker (or 1 s of silence): received, in order, time
// from the first to the last. batch=1: recvfrom(2) per datagram; batch=N: recvmmsg(2) of up to N.
static void serve_udp_sink(void) {
  int fd = listener(SOCK_DGRAM);
  struct timeval tv = {.tv_sec = 1};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  long size = num("size", 64), batch = num("batch", 1), received = 0;
  unsigned char *bufs = malloc(batch * 2048), *pat = pattern(size);
  struct mmsghdr *msgs = calloc(batch, sizeof *msgs);
  struct iovec *iov = calloc(batch, sizeof *iov);
  struct sockaddr_storage *from = calloc(batch, sizeof *from);
  for (long i = 0; i < batch; i++) {
    iov[i] = (struct iovec){bufs + i * 2048, 2048};
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    msgs[i].msg_hdr.msg_name = &from[i];
  }
  uint32_t last = 0;
  double first_t = 0, last_t = 0;
  for (int end = 0; !end;) {
    int n;
    if (batch == 1) {
      socklen_t len = sizeof from[0];
      ssize_t r = recvfrom(fd, bufs, 2048, 0, (struct sockaddr *)&from[0], &len);
      msgs[0].msg_len = r;
      n = r < 0 ? -1 : 1;
    } else {
      for (long i = 0; i < batch; i++) msgs[i].msg_hdr.msg_namelen = sizeof from[i];
      n = recvmmsg(fd, msgs, batch, MSG_WAITFORONE, NULL);
    }
    if (n < 0) {
      if (errno == EAGAIN) break;
      die("recv");
    }
    for (int i = 0; i < n && !end; i++) {
      unsigned char *buf = bufs + i * 2048;
      uint32_t seq;
      memcpy(&seq, buf, 4);
      if (seq == END_SEQ) {
        end = 1;
        break;
      }
      if ((long)msgs[i].msg_len != size || memcmp(buf + 4, pat + 4, size - 4) != 0) fail("datagram differs");
      if (received > 0 && seq <= last) fail("datagram out of order");
      last = seq;
      last_t = now();
      if (received++ == 0) first_t = last_t;
    }
  }
  close(fd);
  free(pat);
  free(bufs);
  free(msgs);
  free(iov);
  free(from);
  char extra[128];
  snprintf(extra, sizeof extra, "received=%ld secs=%.9f", received, last_t - first_t);
  done(extra);
}

// ---- clients ----

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void result(double secs, double *lat, long n) {
  if (lat) {
    qsort(lat, n, sizeof *lat, cmp_double);
    printf("result secs=%.9f p50=%.3f p99=%.3f\n", secs, lat[n / 2] * 1e6, lat[(long)(n * 0.99)] * 1e6);
  } else {
    printf("result secs=%.9f\n", secs);
  }
  fflush(stdout);
}

static void set_seq(unsigned char *msg, uint32_t seq) { memcpy(msg, &seq, 4); }

static void ping_pong(int type) {
  long size = num("size", 64), count = num("count", 1000);
  int fd = connect_to(type);
  unsigned char *msg = pattern(size), *reply = malloc(size);
  double *lat = malloc(count * sizeof *lat);
  double start = now();
  for (long i = 0; i < count; i++) {
    set_seq(msg, i);
    double t0 = now();
    send_all(fd, msg, size);
    if (type == SOCK_STREAM) {
      if (!recv_exact(fd, reply, size)) fail("EOF");
    } else if (recv_some(fd, reply, size) != size) {
      fail("short datagram");
    }
    lat[i] = now() - t0;
    if (memcmp(msg, reply, size) != 0) fail("echo differs");
  }
  double secs = now() - start;
  close(fd);
  result(secs, lat, count);
  free(msg);
  free(reply);
  free(lat);
}

// `depth` messages in flight on one connection: each read may complete several echoes, and as many
// new messages go out in one send (bench/common.ts's Pipeline, in C).
static void pipeline(void) {
  long size = num("size", 64), count = num("count", 1000), depth = num("depth", 16);
  int fd = connect_to(SOCK_STREAM);
  unsigned char *expected = pattern(size), *batch = malloc(depth * size), *buf = malloc(RECV_BUF);
  for (long i = 0; i < depth; i++) memcpy(batch + i * size, expected, size);
  long sent = 0, seq = 0, got = 0;
  double start = now();
  long n = depth < count ? depth : count;
  for (long i = 0; i < n; i++) set_seq(batch + i * size, sent++);
  send_all(fd, batch, n * size);
  set_seq(expected, 0);
  while (seq < count) {
    ssize_t r = recv_some(fd, buf, RECV_BUF);
    if (r == 0) fail("EOF");
    long completed = 0;
    for (ssize_t off = 0; off < r;) {
      long take = size - got < r - off ? size - got : r - off;
      if (memcmp(buf + off, expected + got, take) != 0) fail("echo differs");
      off += take;
      if ((got += take) == size) got = 0, completed++, set_seq(expected, ++seq);
    }
    n = completed < count - sent ? completed : count - sent;
    for (long i = 0; i < n; i++) set_seq(batch + i * size, sent++);
    if (n > 0) send_all(fd, batch, n * size);
  }
  double secs = now() - start;
  close(fd);
  result(secs, NULL, 0);
  free(expected);
  free(batch);
  free(buf);
}

// `conns` connections, one message in flight on each: `count` round trips in all.
static void many(void) {
  long size = num("size", 64), count = num("count", 1000), conns = num("conns", 8);
  int *fds = malloc(conns * sizeof *fds);
  long *done_rt = calloc(conns, sizeof *done_rt), *got = calloc(conns, sizeof *got);
  for (long i = 0; i < conns; i++) fds[i] = connect_to(SOCK_STREAM);
  unsigned char *msg = pattern(size), *reply = malloc(size);
  long per = count / conns;
  double start = now();
  if (!use_epoll) {
    for (long r = 0; r < per; r++) {
      set_seq(msg, r);
      for (long i = 0; i < conns; i++) send_all(fds[i], msg, size);
      for (long i = 0; i < conns; i++) {
        if (!recv_exact(fds[i], reply, size)) fail("EOF");
        if (memcmp(msg, reply, size) != 0) fail("echo differs");
      }
    }
  } else {
    unsigned char *replies = malloc(conns * size);
    set_seq(msg, 0);
    for (long i = 0; i < conns; i++) send_all(fds[i], msg, size);
    for (long finished = 0; finished < conns;) {
      struct epoll_event evs[64];
      int n = epoll_wait(epfd, evs, 64, -1);
      if (n < 0 && errno != EINTR) die("epoll_wait");
      for (int e = 0; e < n; e++) {
        long i = 0;
        while (fds[i] != evs[e].data.fd) i++;
        for (;;) {
          if (done_rt[i] == per) break;
          ssize_t r = recv(fds[i], replies + i * size + got[i], size - got[i], MSG_DONTWAIT);
          if (r < 0 && (errno == EAGAIN || errno == EINTR)) break;
          if (r < 0) die("recv");
          if (r == 0) fail("EOF");
          if ((got[i] += r) < size) continue;
          set_seq(msg, done_rt[i]);
          if (memcmp(msg, replies + i * size, size) != 0) fail("echo differs");
          got[i] = 0;
          if (++done_rt[i] == per) { finished++; break; }
          set_seq(msg, done_rt[i]);
          send_all(fds[i], msg, size);
        }
      }
    }
    free(replies);
  }
  double secs = now() - start;
  for (long i = 0; i < conns; i++) close(fds[i]);
  result(secs, NULL, 0);
  free(fds);
  free(done_rt);
  free(got);
  free(msg);
  free(reply);
}

// Receives a served file until the server closes: `total` bytes, checked against the pattern.
static void fetch(void) {
  long total = num("total", 0), got = 0;
  unsigned char *buf = malloc(RECV_BUF), *pat = pattern(RECV_BUF);
  double start = now();
  int fd = connect_to(SOCK_STREAM);
  ssize_t r;
  while ((r = recv_some(fd, buf, RECV_BUF)) > 0) {
    if (got + r > total || memcmp(buf, pat + got % PERIOD, r) != 0) fail("file bytes differ from the pattern");
    got += r;
  }
  double secs = now() - start;
  if (got != total) fail("EOF before the total");
  close(fd);
  free(buf);
  free(pat);
  result(secs, NULL, 0);
}

static void bulk(void) {
  long total = num("total", 0), write = num("write", 65536);
  int fd = connect_to(SOCK_STREAM);
  unsigned char *pat = pattern(write), ack;
  double start = now();
  for (long off = 0; off < total; off += write) {
    long n = total - off < write ? total - off : write;
    send_all(fd, pat + off % PERIOD, n);
  }
  if (!recv_exact(fd, &ack, 1)) fail("no acknowledgement");
  double secs = now() - start;
  close(fd);
  free(pat);
  result(secs, NULL, 0);
}

static void connect_rate(void) {
  long count = num("count", 100), size = num("size", 64);
  unsigned char *msg = pattern(size), *reply = malloc(size);
  double start = now();
  for (long i = 0; i < count; i++) {
    int fd = connect_to(SOCK_STREAM);
    set_seq(msg, i);
    send_all(fd, msg, size);
    if (!recv_exact(fd, reply, size) || memcmp(msg, reply, size) != 0) fail("echo differs");
    if (use_epoll) epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
    close(fd);
  }
  double secs = now() - start;
  free(msg);
  free(reply);
  result(secs, NULL, 0);
}

// Sends `count` datagrams as fast as sendmmsg(2) can, `batch` at a time: faster than any receiver, so
// the sink measures how fast a receiver can take them (what it misses is counted as loss).
static void udp_flood(void) {
  long size = num("size", 64), count = num("count", 1000), batch = num("batch", 64);
  int fd = connect_to(SOCK_DGRAM);
  unsigned char *msgs = malloc(batch * size), *pat = pattern(size);
  struct mmsghdr *hdrs = calloc(batch, sizeof *hdrs);
  struct iovec *iov = calloc(batch, sizeof *iov);
  for (long i = 0; i < batch; i++) {
    memcpy(msgs + i * size, pat, size);
    iov[i] = (struct iovec){msgs + i * size, size};
    hdrs[i].msg_hdr.msg_iov = &iov[i];
    hdrs[i].msg_hdr.msg_iovlen = 1;
  }
  double start = now();
  for (long sent = 0; sent < count;) {
    long n = count - sent < batch ? count - sent : batch;
    for (long i = 0; i < n; i++) set_seq(msgs + i * size, sent + i);
    int r = sendmmsg(fd, hdrs, n, 0);
    if (r < 0 && errno != ECONNREFUSED) die("sendmmsg");
    sent += r > 0 ? r : n;
  }
  double secs = now() - start;
  set_seq(pat, END_SEQ);
  for (int i = 0; i < 20; i++) {
    send(fd, pat, size, 0);
    usleep(1000);
  }
  close(fd);
  free(msgs);
  free(pat);
  free(hdrs);
  free(iov);
  result(secs, NULL, 0);
}

static void calls(void) {
  long count = num("count", 1000000);
  int fd = socket(AF_INET, SOCK_STREAM, 0), type;
  double start = now();
  for (long i = 0; i < count; i++) {
    socklen_t len = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0) die("getsockopt");
  }
  double secs = now() - start;
  if (type != SOCK_STREAM) fail("SO_TYPE");
  close(fd);
  result(secs, NULL, 0);
}

int main(int argc, char **argv) {
  if (argc < 2) fail("usage: bench-c server|client [epoll]");
  use_epoll = argc > 2 && strcmp(argv[2], "epoll") == 0;
  if (use_epoll && (epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) die("epoll_create1");
  while (fgets(line, sizeof line, stdin)) {
    char op[64] = "";
    sscanf(line, "%63s", op);
    if (!strcmp(op, "exit")) break;
    else if (!strcmp(op, "echo")) serve_echo();
    else if (!strcmp(op, "sink")) serve_sink();
    else if (!strcmp(op, "file")) serve_file();
    else if (!strcmp(op, "accept")) serve_accept();
    else if (!strcmp(op, "udp-echo")) serve_udp_echo();
    else if (!strcmp(op, "udp-sink")) serve_udp_sink();
    else if (!strcmp(op, "pingpong")) ping_pong(SOCK_STREAM);
    else if (!strcmp(op, "pipeline")) pipeline();
    else if (!strcmp(op, "conns")) many();
    else if (!strcmp(op, "bulk")) bulk();
    else if (!strcmp(op, "fetch")) fetch();
    else if (!strcmp(op, "connect")) connect_rate();
    else if (!strcmp(op, "udp-pingpong")) ping_pong(SOCK_DGRAM);
    else if (!strcmp(op, "udp-flood")) udp_flood();
    else if (!strcmp(op, "calls")) calls();
    else fail("unknown command");
  }
  return 0;
}
