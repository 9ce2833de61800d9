// The traced system calls (sys.h) and their decoding into strace's notation:
//   bind(3, {sa_family=AF_INET, sin_port=htons(4321), sin_addr=inet_addr("0.0.0.0")}, 16) = 0
// The notation follows strace 6 (strace(1), and its output for the same calls, which test/strace.test.ts
// compares line for line): flags as A|B, sockaddrs as C initialisers, data as a quoted string of at most
// 32 bytes in strace's escapes, in/out lengths as [128 => 16], failures as -1 ENAME (strerror).
#include "sys.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <sys/un.h>
#ifdef __linux__
#include <linux/sockios.h>  // SIOCOUTQ, SIOCOUTQNSD
#endif
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <mutex>
#include <string>
#include <vector>

#include "sockfd.h"

namespace sockfd {

namespace {

// Per thread, so per Node environment (each runs on its own thread): a Worker's trace() switch is its
// own. InitTrace sets it from SOCKFD_TRACE when the environment loads the addon.
thread_local bool tracing = false;
// Whether any thread has ever traced: a plain load on every call, where reading the thread_local from
// this shared object costs a __tls_get_addr call (measured: 10-20 ns on a 650 ns getsockopt). A hint,
// not state: it only lets the untraced path skip that call.
std::atomic<bool> ever_traced{false};

inline bool On() { return ever_traced.load(std::memory_order_relaxed) && tracing; }

void SetTracing(bool on) {
  if (on) ever_traced.store(true, std::memory_order_relaxed);
  tracing = on;
}

// SOCKFD_TRACE_TIME=1: each line starts with the call's start time and ends with its duration, as
// `strace -ttt -T` prints them (nanoseconds, as with --absolute-timestamps=precision:ns
// --syscall-times=ns). CLOCK_REALTIME, the clock the kernel stamps packets with (SO_TIMESTAMPNS), so a
// call and a packet captured beside it are on one time line (sockfd-timeline merges the two).
bool timed = false;
// Set at the first load from SOCKFD_TRACE_FILE: the lines go to that file (appended, each line one
// write, so processes sharing it never interleave within a line), each prefixed by the pid, as with
// `strace -f -o FILE`. Else stderr, unprefixed.
int trace_fd = STDERR_FILENO;
bool trace_to_file = false;
thread_local timespec call_start;

// Notes the start of a call, when the trace is on and timed: the first statement of each wrapper.
inline void Begin() {
  if (On() && timed) clock_gettime(CLOCK_REALTIME, &call_start);
}

struct Name {
  long value;
  const char* name;
};
#define N(x) {x, #x}

constexpr Name kFamilies[] = {
    N(AF_UNSPEC), N(AF_UNIX), N(AF_INET), N(AF_INET6),
#ifdef __linux__
    N(AF_NETLINK), N(AF_PACKET),
#endif
};
constexpr Name kTypes[] = {N(SOCK_STREAM), N(SOCK_DGRAM), N(SOCK_RAW), N(SOCK_RDM), N(SOCK_SEQPACKET)};
constexpr Name kTypeFlags[] = {
#ifdef SOCK_NONBLOCK
    N(SOCK_CLOEXEC), N(SOCK_NONBLOCK),  // strace's order
#endif
};
// strace names level 0 SOL_IP and protocol 0 IPPROTO_IP (not IPPROTO_HOPOPTS, the same number).
constexpr Name kProtocols[] = {
    N(IPPROTO_IP),   N(IPPROTO_ICMP), N(IPPROTO_IGMP),   N(IPPROTO_TCP), N(IPPROTO_UDP),
    N(IPPROTO_IPV6), N(IPPROTO_RAW),  N(IPPROTO_ICMPV6), N(IPPROTO_SCTP),
#ifdef IPPROTO_UDPLITE
    N(IPPROTO_UDPLITE),
#endif
};
constexpr Name kLevels[] = {
    N(SOL_SOCKET), {IPPROTO_IP, "SOL_IP"}, {IPPROTO_TCP, "SOL_TCP"}, {IPPROTO_UDP, "SOL_UDP"},
    {IPPROTO_IPV6, "SOL_IPV6"}, {IPPROTO_ICMPV6, "SOL_ICMPV6"}, {IPPROTO_RAW, "SOL_RAW"},
};
// Option names per level. Linux gives some options a second name (SO_RCVTIMEO is SO_RCVTIMEO_OLD on
// 64-bit x86 and arm); strace prints the _OLD one, so do we.
constexpr Name kSocketOptions[] = {
    N(SO_DEBUG), N(SO_REUSEADDR), N(SO_TYPE), N(SO_ERROR), N(SO_DONTROUTE), N(SO_BROADCAST), N(SO_SNDBUF),
    N(SO_RCVBUF), N(SO_KEEPALIVE), N(SO_OOBINLINE), N(SO_LINGER), N(SO_RCVLOWAT), N(SO_SNDLOWAT),
    N(SO_ACCEPTCONN),
#ifdef SO_REUSEPORT
    N(SO_REUSEPORT),
#endif
#ifdef __linux__
    N(SO_NO_CHECK), N(SO_PRIORITY), N(SO_BSDCOMPAT), N(SO_PASSCRED), N(SO_PEERCRED), N(SO_BINDTODEVICE),
    N(SO_PEERSEC), N(SO_SNDBUFFORCE), N(SO_RCVBUFFORCE), N(SO_PASSSEC), N(SO_MARK), N(SO_PROTOCOL),
    N(SO_DOMAIN), N(SO_RXQ_OVFL), N(SO_BUSY_POLL), N(SO_INCOMING_CPU), N(SO_COOKIE), N(SO_ZEROCOPY),
    N(SO_ATTACH_FILTER), N(SO_DETACH_FILTER), N(SO_LOCK_FILTER), N(SO_ATTACH_REUSEPORT_CBPF),
#endif
#ifdef SO_RCVTIMEO_OLD
    N(SO_RCVTIMEO_OLD), N(SO_SNDTIMEO_OLD), N(SO_TIMESTAMP_OLD), N(SO_TIMESTAMPNS_OLD),
    N(SO_TIMESTAMPING_OLD),
#else
    N(SO_RCVTIMEO), N(SO_SNDTIMEO), N(SO_TIMESTAMP),
#endif
};
constexpr Name kIpOptions[] = {
    N(IP_TOS), N(IP_TTL), N(IP_HDRINCL), N(IP_OPTIONS), N(IP_RECVOPTS), N(IP_RETOPTS), N(IP_MULTICAST_IF),
    N(IP_MULTICAST_TTL), N(IP_MULTICAST_LOOP), N(IP_ADD_MEMBERSHIP), N(IP_DROP_MEMBERSHIP),
#ifdef __linux__
    N(IP_PKTINFO), N(IP_PKTOPTIONS), N(IP_MTU_DISCOVER), N(IP_RECVERR), N(IP_RECVTTL), N(IP_RECVTOS),
    N(IP_MTU), N(IP_FREEBIND), N(IP_TRANSPARENT), N(IP_BIND_ADDRESS_NO_PORT),
#endif
};
constexpr Name kIpv6Options[] = {
    N(IPV6_UNICAST_HOPS), N(IPV6_MULTICAST_IF), N(IPV6_MULTICAST_HOPS), N(IPV6_MULTICAST_LOOP),
    N(IPV6_V6ONLY), {IPV6_JOIN_GROUP, "IPV6_ADD_MEMBERSHIP"}, {IPV6_LEAVE_GROUP, "IPV6_DROP_MEMBERSHIP"},
    N(IPV6_RECVPKTINFO), N(IPV6_PKTINFO), N(IPV6_TCLASS), N(IPV6_RECVTCLASS),
#ifdef __linux__
    N(IPV6_MTU), N(IPV6_MTU_DISCOVER), N(IPV6_RECVERR),
#endif
};
constexpr Name kTcpOptions[] = {
    N(TCP_NODELAY), N(TCP_MAXSEG),
#ifdef __linux__
    N(TCP_CORK), N(TCP_KEEPIDLE), N(TCP_KEEPINTVL), N(TCP_KEEPCNT), N(TCP_SYNCNT), N(TCP_LINGER2),
    N(TCP_DEFER_ACCEPT), N(TCP_WINDOW_CLAMP), N(TCP_INFO), N(TCP_QUICKACK), N(TCP_CONGESTION),
    N(TCP_USER_TIMEOUT), N(TCP_FASTOPEN), N(TCP_NOTSENT_LOWAT),
#endif
};
constexpr Name kUdpOptions[] = {
#ifdef UDP_CORK
    N(UDP_CORK),
#endif
#ifdef UDP_SEGMENT
    N(UDP_SEGMENT), N(UDP_GRO),
#endif
};
constexpr Name kMsgFlags[] = {
    N(MSG_OOB), N(MSG_PEEK), N(MSG_DONTROUTE), N(MSG_CTRUNC), N(MSG_TRUNC), N(MSG_DONTWAIT), N(MSG_EOR),
    N(MSG_WAITALL),
#ifdef __linux__
    N(MSG_PROXY), N(MSG_FIN), N(MSG_SYN), N(MSG_CONFIRM), N(MSG_RST), N(MSG_ERRQUEUE), N(MSG_NOSIGNAL),
    N(MSG_MORE), N(MSG_WAITFORONE), N(MSG_BATCH), N(MSG_ZEROCOPY), N(MSG_FASTOPEN), N(MSG_CMSG_CLOEXEC),
#endif
};
constexpr Name kShutHow[] = {N(SHUT_RD), N(SHUT_WR), N(SHUT_RDWR)};
// File status flags, in strace's order (O_SYNC before O_DSYNC: it holds O_DSYNC's bit).
constexpr Name kOpenFlags[] = {N(O_APPEND), N(O_NONBLOCK), N(O_SYNC),     N(O_DSYNC),
                               N(O_DIRECT), N(O_NOATIME),  N(O_CLOEXEC), {O_ASYNC, "FASYNC"}};
constexpr Name kFdFlags[] = {N(FD_CLOEXEC)};
constexpr Name kDupFlags[] = {N(O_CLOEXEC)};
constexpr Name kFcntlCommands[] = {N(F_DUPFD), N(F_GETFD), N(F_SETFD), N(F_GETFL), N(F_SETFL), N(F_DUPFD_CLOEXEC),
#ifdef F_GETPIPE_SZ
                                   N(F_SETPIPE_SZ), N(F_GETPIPE_SZ),
#endif
};
// SIOCOUTQ is TIOCOUTQ's number, and strace names it so.
constexpr Name kIoctlRequests[] = {N(FIONREAD), {SIOCOUTQ, "TIOCOUTQ"}, N(SIOCATMARK), N(FIONBIO),
#ifdef SIOCOUTQNSD
                                   N(SIOCOUTQNSD),
#endif
};
constexpr Name kCmsgTypes[] = {
    N(SCM_RIGHTS),
#ifdef SCM_CREDENTIALS
    N(SCM_CREDENTIALS),
#endif
};
// The multiplexing calls' bits, in value order as strace prints them.
constexpr Name kPollEvents[] = {
    N(POLLIN), N(POLLPRI), N(POLLOUT), N(POLLERR), N(POLLHUP), N(POLLNVAL), N(POLLRDNORM),
    N(POLLRDBAND), N(POLLWRNORM), N(POLLWRBAND), N(POLLMSG), N(POLLRDHUP),
};
constexpr Name kEpollEvents[] = {
    N(EPOLLIN), N(EPOLLPRI), N(EPOLLOUT), N(EPOLLERR), N(EPOLLHUP), N(EPOLLRDNORM), N(EPOLLRDBAND),
    N(EPOLLWRNORM), N(EPOLLWRBAND), N(EPOLLMSG), N(EPOLLRDHUP), N(EPOLLEXCLUSIVE), N(EPOLLWAKEUP),
    N(EPOLLONESHOT), {static_cast<long>(EPOLLET), "EPOLLET"},
};
constexpr Name kEpollOps[] = {N(EPOLL_CTL_ADD), N(EPOLL_CTL_DEL), N(EPOLL_CTL_MOD)};
constexpr Name kEpollFlags[] = {N(EPOLL_CLOEXEC)};

#undef N

template <size_t n>
const char* Lookup(const Name (&table)[n], long value) {
  for (const Name& e : table)
    if (e.value == value) return e.name;
  return nullptr;
}

const Name* OptionsFor(int level, size_t& count) {
  struct Table {
    int level;
    const Name* names;
    size_t count;
  };
#define T(level, table) {level, table, sizeof(table) / sizeof(table[0])}
  static const Table tables[] = {T(SOL_SOCKET, kSocketOptions), T(IPPROTO_IP, kIpOptions),
                                 T(IPPROTO_IPV6, kIpv6Options), T(IPPROTO_TCP, kTcpOptions),
                                 T(IPPROTO_UDP, kUdpOptions)};
#undef T
  for (const Table& t : tables)
    if (t.level == level) return count = t.count, t.names;
  return count = 0, nullptr;
}

constexpr size_t kMaxString = 32;  // strace -s default: longer data ends in "..."

std::string Hex(long v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%#lx", static_cast<unsigned long>(v));
  return buf;
}

void AppendPtr(std::string& s, const void* p) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%p", p);
  s.append(p != nullptr ? buf : "NULL");
}

void AppendName(std::string& s, const char* name, long v, const char* unknown) {
  if (name != nullptr) {
    s.append(name);
  } else {
    s.append(Hex(v)).append(" /* ").append(unknown).append(" */");
  }
}

// Flags as A|B|0x40; `any` says whether something precedes them.
template <size_t n>
void AppendFlags(std::string& s, const Name (&table)[n], long flags, bool any = false) {
  for (const Name& e : table) {
    if (e.value != 0 && (flags & e.value) == e.value) {
      if (any) s.push_back('|');
      s.append(e.name);
      any = true;
      flags &= ~e.value;
    }
  }
  if (flags != 0) {
    if (any) s.push_back('|');
    s.append(Hex(flags));
  } else if (!any) {
    s.push_back('0');
  }
}

// Bytes as a quoted C string of at most kMaxString bytes, in strace's escapes: \t \n \v \f \r \" \\,
// other non-printable bytes in octal (three digits when a digit follows, so the string reads back).
void AppendString(std::string& s, const void* data, size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  size_t shown = n < kMaxString ? n : kMaxString;
  s.push_back('"');
  for (size_t i = 0; i < shown; i++) {
    unsigned char c = p[i];
    const char* escape = c == '\t' ? "\\t" : c == '\n' ? "\\n" : c == '\v' ? "\\v" : c == '\f' ? "\\f"
                       : c == '\r' ? "\\r" : c == '"' ? "\\\"" : c == '\\' ? "\\\\" : nullptr;
    if (escape != nullptr) {
      s.append(escape);
    } else if (c >= 0x20 && c < 0x7f) {
      s.push_back(static_cast<char>(c));
    } else {
      bool digit_next = i + 1 < shown && p[i + 1] >= '0' && p[i + 1] <= '7';
      char buf[8];
      std::snprintf(buf, sizeof(buf), digit_next ? "\\%03o" : "\\%o", c);
      s.append(buf);
    }
  }
  s.push_back('"');
  if (n > kMaxString) s.append("...");
}

// A sockaddr of `len` valid bytes as a C initialiser.
void AppendAddr(std::string& s, const sockaddr* sa, socklen_t len) {
  if (sa == nullptr) {
    s.append("NULL");
    return;
  }
  if (len < sizeof(sa_family_t)) {
    AppendPtr(s, sa);
    return;
  }
  s.append("{sa_family=");
  const char* family = Lookup(kFamilies, sa->sa_family);
  s.append(family != nullptr ? family : std::to_string(sa->sa_family));
  char text[INET6_ADDRSTRLEN];
  if (sa->sa_family == AF_INET && len >= sizeof(sockaddr_in)) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text));
    s.append(", sin_port=htons(").append(std::to_string(ntohs(in->sin_port)));
    s.append("), sin_addr=inet_addr(\"").append(text).append("\")");
  } else if (sa->sa_family == AF_INET6 && len >= sizeof(sockaddr_in6)) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof(text));
    s.append(", sin6_port=htons(").append(std::to_string(ntohs(in6->sin6_port)));
    s.append("), sin6_flowinfo=htonl(").append(std::to_string(ntohl(in6->sin6_flowinfo)));
    s.append("), inet_pton(AF_INET6, \"").append(text).append("\", &sin6_addr), sin6_scope_id=");
    s.append(std::to_string(in6->sin6_scope_id));
  } else if (sa->sa_family == AF_UNIX) {
    const char* path = reinterpret_cast<const sockaddr_un*>(sa)->sun_path;
    size_t n = std::min<size_t>(len - offsetof(sockaddr_un, sun_path), sizeof(sockaddr_un::sun_path));
    if (n > 0 && path[0] == '\0') {  // the abstract namespace: strace writes the leading NUL as @
      s.append(", sun_path=@");
      AppendString(s, path + 1, n - 1);
    } else if (n > 0) {
      s.append(", sun_path=");
      AppendString(s, path, strnlen(path, n));
    }
  } else {
    s.append(", sa_data=");
    AppendString(s, sa->sa_data, len - sizeof(sa_family_t));
  }
  s.push_back('}');
}

// An iovec array; `shown` bytes of it are data (what was sent, or what the call read into it), or with
// no data (a failed read) the buffers' addresses.
void AppendIov(std::string& s, const iovec* iov, size_t count, size_t shown, bool have_data) {
  s.push_back('[');
  for (size_t i = 0; i < count; i++) {
    s.append(i > 0 ? ", {iov_base=" : "{iov_base=");
    if (have_data) {
      size_t n = std::min(iov[i].iov_len, shown);
      AppendString(s, iov[i].iov_base, n);
      shown -= n;
    } else {
      AppendPtr(s, iov[i].iov_base);
    }
    s.append(", iov_len=").append(std::to_string(iov[i].iov_len)).push_back('}');
  }
  s.push_back(']');
}

#ifdef SO_PEERCRED
void AppendCred(std::string& s, const ucred& cred) {
  s.append("{pid=").append(std::to_string(cred.pid)).append(", uid=").append(std::to_string(cred.uid));
  s.append(", gid=").append(std::to_string(cred.gid)).push_back('}');
}
#endif

// Control messages, walked with CMSG_FIRSTHDR/NXTHDR and read only inside msg_control.
void AppendCmsgs(std::string& s, const msghdr* m) {
  s.push_back('[');
  const auto* end = static_cast<const unsigned char*>(m->msg_control) + m->msg_controllen;
  for (cmsghdr* c = CMSG_FIRSTHDR(m); c != nullptr; c = CMSG_NXTHDR(const_cast<msghdr*>(m), c)) {
    if (s.back() != '[') s.append(", ");
    s.append("{cmsg_len=").append(std::to_string(c->cmsg_len)).append(", cmsg_level=");
    const char* level = Lookup(kLevels, c->cmsg_level);
    s.append(level != nullptr ? level : std::to_string(c->cmsg_level)).append(", cmsg_type=");
    // strace names and decodes SOL_SOCKET's types; for other levels it prints the type number only
    if (c->cmsg_level != SOL_SOCKET) {
      s.append(Hex(c->cmsg_type)).push_back('}');
      continue;
    }
    const char* type = Lookup(kCmsgTypes, c->cmsg_type);
    s.append(type != nullptr ? type : Hex(c->cmsg_type)).append(", cmsg_data=");
    const unsigned char* data = CMSG_DATA(c);
    size_t n = c->cmsg_len > CMSG_LEN(0) ? c->cmsg_len - CMSG_LEN(0) : 0;
    n = std::min(n, data < end ? static_cast<size_t>(end - data) : 0);
    if (c->cmsg_type == SCM_RIGHTS) {
      s.push_back('[');
      for (size_t i = 0; i + sizeof(int) <= n; i += sizeof(int)) {
        int fd;
        std::memcpy(&fd, data + i, sizeof(fd));
        s.append(i > 0 ? ", " : "").append(std::to_string(fd));
      }
      s.push_back(']');
#ifdef SCM_CREDENTIALS
    } else if (c->cmsg_type == SCM_CREDENTIALS && n >= sizeof(ucred)) {
      ucred cred;
      std::memcpy(&cred, data, sizeof(cred));
      AppendCred(s, cred);
#endif
    } else {
      AppendString(s, data, n);
    }
    s.push_back('}');
  }
  s.push_back(']');
}

// A msghdr. `received`: recvmsg's, after the call; its name length shows as [in => out] in strace's way.
void AppendMsghdr(std::string& s, const msghdr* m, size_t shown, bool have_data, bool received,
                  socklen_t namelen_in, size_t controllen_in) {
  s.append("{msg_name=");
  if (have_data && m->msg_name != nullptr && m->msg_namelen > 0) {
    AppendAddr(s, static_cast<const sockaddr*>(m->msg_name), std::min(m->msg_namelen, received ? namelen_in : m->msg_namelen));
  } else {
    AppendPtr(s, m->msg_name);
  }
  s.append(", msg_namelen=").append(std::to_string(received ? namelen_in : m->msg_namelen));
  if (received && have_data && m->msg_namelen != namelen_in) s.append(" => ").append(std::to_string(m->msg_namelen));
  s.append(", msg_iov=");
  AppendIov(s, m->msg_iov, m->msg_iovlen, shown, have_data);
  s.append(", msg_iovlen=").append(std::to_string(m->msg_iovlen));
  size_t controllen = received && !have_data ? controllen_in : m->msg_controllen;
  if (controllen > 0) {
    s.append(", msg_control=");
    if (have_data) {
      AppendCmsgs(s, m);
    } else {
      AppendPtr(s, m->msg_control);
    }
  }
  s.append(", msg_controllen=").append(std::to_string(controllen)).append(", msg_flags=");
  AppendFlags(s, kMsgFlags, m->msg_flags);
  s.push_back('}');
}

// An mmsghdr array after sendmmsg/recvmmsg: the `count` messages the call handled. For recvmmsg,
// `namelens` are the messages' msg_namelen before the call.
void AppendMmsg(std::string& s, const mmsghdr* v, int count, const socklen_t* namelens) {
  s.push_back('[');
  for (int i = 0; i < count; i++) {
    s.append(i > 0 ? ", {msg_hdr=" : "{msg_hdr=");
    if (namelens != nullptr) {  // a received message's data is its msg_len bytes
      AppendMsghdr(s, &v[i].msg_hdr, v[i].msg_len, true, true, namelens[i], v[i].msg_hdr.msg_controllen);
    } else {
      AppendMsghdr(s, &v[i].msg_hdr, SIZE_MAX, true, false, 0, 0);
    }
    s.append(", msg_len=").append(std::to_string(v[i].msg_len)).push_back('}');
  }
  s.push_back(']');
}

// One trace line, built left to right: Line("bind").Int(3).Addr(sa, len).Int(len).Done(r). Next()
// starts an argument (adding the separator) and returns the text to append it to.
class Line {
 public:
  explicit Line(const char* call) : saved_errno_(errno) { s_.append(call).push_back('('); }
  ~Line() { errno = saved_errno_; }  // tracing never changes what the caller sees in errno

  std::string& Next() {
    if (args_++ > 0) s_.append(", ");
    return s_;
  }
  Line& Int(long long v) { return Text(std::to_string(v)); }
  Line& Text(const std::string& text) {
    Next().append(text);
    return *this;
  }
  // [1] or [21, 22]: values the call read or wrote through a pointer
  Line& Array(std::initializer_list<long long> values) {
    std::string& s = Next();
    s.push_back('[');
    for (long long v : values) s.append(s.back() == '[' ? "" : ", ").append(std::to_string(v));
    s.push_back(']');
    return *this;
  }
  Line& Ptr(const void* p) {
    AppendPtr(Next(), p);
    return *this;
  }
  Line& Family(int family) { return Named(Lookup(kFamilies, family), family, "AF_???"); }
  Line& Type(int type) {
    std::string& s = Next();
    int base = type & 0xf;
    const char* name = Lookup(kTypes, base);
    if (name != nullptr) s.append(name);
    else if (base != 0 || type == 0) AppendName(s, nullptr, base, "SOCK_???");
    if (type & ~0xf) AppendFlags(s, kTypeFlags, type & ~0xf, base != 0 || name != nullptr);
    return *this;
  }
  Line& Protocol(int family, int protocol) {
    if (family == AF_INET || family == AF_INET6) return Named(Lookup(kProtocols, protocol), protocol, "IPPROTO_???");
    return Int(protocol);
  }
  Line& Level(int level) { return Named(Lookup(kLevels, level), level, "SOL_???"); }
  Line& Option(int level, int name) {
    size_t count = 0;
    const Name* names = OptionsFor(level, count);
    for (size_t i = 0; i < count; i++)
      if (names[i].value == name) return Text(names[i].name);
    return level == SOL_SOCKET ? Named(nullptr, name, "SO_???") : Int(name);
  }
  template <size_t n>
  Line& Flags(const Name (&table)[n], long flags) {
    AppendFlags(Next(), table, flags);
    return *this;
  }
  Line& MsgFlags(int flags) { return Flags(kMsgFlags, flags); }
  // One value of a table (EPOLL_CTL_ADD), not flags
  template <size_t n>
  Line& Enum(const Name (&table)[n], long v, const char* unknown) {
    return Named(Lookup(table, v), v, unknown);
  }
  Line& How(int how) { return Named(Lookup(kShutHow, how), how, "SHUT_???"); }
  Line& Addr(const sockaddr* sa, socklen_t len) {
    AppendAddr(Next(), sa, len);
    return *this;
  }
  // A value-result length: [in], or [in => out] when the call changed it.
  Line& InOut(socklen_t in, socklen_t out) {
    std::string& s = Next();
    s.append("[").append(std::to_string(in));
    if (out != in) s.append(" => ").append(std::to_string(out));
    s.push_back(']');
    return *this;
  }
  Line& Data(const void* p, size_t n) {
    AppendString(Next(), p, n);
    return *this;
  }

  // Ends the line with the result (or -1 and errno) and writes it to stderr in one write(2).
  void Done(long long result, const std::string& decoded = "") {
    timespec end{};
    if (timed) clock_gettime(CLOCK_REALTIME, &end);
    s_.push_back(')');
    // strace aligns results at column 40
    s_.append(s_.size() < 40 ? std::string(40 - s_.size(), ' ') : std::string(" "));
    s_.append("= ");
    if (result < 0) {
      const char* name = ErrnoName(saved_errno_);
      s_.append("-1 ").append(name != nullptr ? name : std::to_string(saved_errno_));
      s_.append(" (").append(std::strerror(saved_errno_)).append(")");
    } else {
      s_.append(decoded.empty() ? std::to_string(result) : decoded);
    }
    std::string head;
    if (trace_to_file) head.append(std::to_string(getpid())).push_back(' ');
    if (timed) {
      long long ns = (end.tv_sec - call_start.tv_sec) * 1000000000LL + (end.tv_nsec - call_start.tv_nsec);
      char text[64];
      std::snprintf(text, sizeof(text), "%lld.%09ld ", static_cast<long long>(call_start.tv_sec), call_start.tv_nsec);
      head.append(text);
      std::snprintf(text, sizeof(text), " <%lld.%09lld>", ns / 1000000000LL, ns % 1000000000LL);
      s_.append(text);
    }
    s_.insert(0, head);
    s_.push_back('\n');
    const char* p = s_.data();
    size_t left = s_.size();
    while (left > 0) {
      ssize_t w = ::write(trace_fd, p, left);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) break;  // stderr closed or full: the trace line is lost, the call's result is not
      p += w;
      left -= static_cast<size_t>(w);
    }
  }

 private:
  Line& Named(const char* name, long v, const char* unknown) {
    AppendName(Next(), name, v, unknown);
    return *this;
  }

  std::string s_;
  int args_ = 0;
  int saved_errno_;
};

// File status flags as strace shows them: O_RDWR|O_NONBLOCK (the access mode always, even O_RDONLY).
std::string OpenMode(int flags) {
  int mode = flags & O_ACCMODE;
  std::string s = mode == O_RDONLY ? "O_RDONLY" : mode == O_WRONLY ? "O_WRONLY" : mode == O_RDWR ? "O_RDWR" : "O_ACCMODE";
  if (flags & ~O_ACCMODE) AppendFlags(s, kOpenFlags, flags & ~O_ACCMODE, true);
  return s;
}

// A result as strace decodes it: 0x802 (flags O_RDWR|O_NONBLOCK); 0 stays 0.
std::string DecodedFlags(int flags, const std::string& names) {
  char hex[32];
  std::snprintf(hex, sizeof(hex), "%#x", flags);  // "0" for 0, as strace prints it
  return std::string(hex) + " (flags " + names + ")";
}
std::string OpenFlags(int flags) { return DecodedFlags(flags, OpenMode(flags)); }

// The bytes a data call moved: what it sent, or what it read into the buffer (none when it failed).
size_t Shown(ssize_t result) { return result > 0 ? static_cast<size_t>(result) : 0; }

// What a receive into `buf` of `len` bytes shows: the data, never past the buffer (with MSG_TRUNC the
// result is the datagram's full length), or for a failed call the buffer's address, as strace does.
Line& BufferOrData(Line& line, const void* buf, size_t len, ssize_t result) {
  return result < 0 ? line.Ptr(buf) : line.Data(buf, std::min(Shown(result), len));
}

// A value-result sockaddr after the call: decoded if the call succeeded and filled some, else its address.
Line& ResultAddr(Line& line, const sockaddr* sa, socklen_t in, const socklen_t* out, bool ok) {
  if (sa == nullptr) return line.Text("NULL").Text("NULL");
  if (ok && *out > 0) {
    line.Addr(sa, std::min(*out, in));  // the kernel reports the full length even when it truncated
  } else {
    line.Ptr(sa);
  }
  return line.InOut(in, ok ? *out : in);
}


// An fd_set as strace shows it: [3 4], only the fds below nfds.
void AppendFdSet(std::string& s, const fd_set* set, int nfds) {
  if (set == nullptr) {
    s.append("NULL");
    return;
  }
  s.push_back('[');
  bool first = true;
  for (int fd = 0; fd < nfds && fd < FD_SETSIZE; fd++) {
    if (!FD_ISSET(fd, set)) continue;
    if (!first) s.push_back(' ');
    s.append(std::to_string(fd));
    first = false;
  }
  s.push_back(']');
}

void AppendTimespec(std::string& s, const timespec& ts) {
  s.append("{tv_sec=").append(std::to_string(ts.tv_sec)).append(", tv_nsec=").append(std::to_string(ts.tv_nsec)).append("}");
}

// {events=EPOLLIN|EPOLLET, data={u32=3, u64=3}}
void AppendEpollEvent(std::string& s, const epoll_event& e) {
  s.append("{events=");
  AppendFlags(s, kEpollEvents, static_cast<long>(e.events));
  s.append(", data={u32=").append(std::to_string(static_cast<uint32_t>(e.data.u64)));
  s.append(", u64=").append(std::to_string(e.data.u64)).append("}}");
}
}  // namespace

namespace sys {

int socket(int domain, int type, int protocol) {
  Begin();
  int r = ::socket(domain, type, protocol);
  if (On()) Line("socket").Family(domain).Type(type).Protocol(domain, protocol).Done(r);
  return r;
}

int socketpair(int domain, int type, int protocol, int sv[2]) {
  Begin();
  int r = ::socketpair(domain, type, protocol, sv);
  if (On()) {
    Line line("socketpair");
    line.Family(domain).Type(type).Protocol(domain, protocol);
    if (r == 0) {
      line.Array({sv[0], sv[1]});
    } else {
      line.Ptr(sv);
    }
    line.Done(r);
  }
  return r;
}

int close(int fd) {
  Begin();
  int r = ::close(fd);
  if (On()) Line("close").Int(fd).Done(r);
  return r;
}

int shutdown(int fd, int how) {
  Begin();
  int r = ::shutdown(fd, how);
  if (On()) Line("shutdown").Int(fd).How(how).Done(r);
  return r;
}

int fcntl(int fd, int cmd, int arg) {
  Begin();
  int r = ::fcntl(fd, cmd, arg);  // a command that takes no argument ignores it
  if (On()) {
    // strace shows the argument of the commands that take one
    const bool takes_arg = cmd != F_GETFD && cmd != F_GETFL
#ifdef F_GETPIPE_SZ
                           && cmd != F_GETPIPE_SZ
#endif
        ;
    Line line("fcntl");
    line.Int(fd).Enum(kFcntlCommands, cmd, "F_???");
    std::string decoded;
    if (cmd == F_SETFL) {
      line.Text(OpenMode(arg));
    } else if (cmd == F_SETFD) {
      line.Flags(kFdFlags, arg);
    } else if (takes_arg) {
      line.Int(cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC ? static_cast<unsigned>(arg) : arg);
    }
    if (r >= 0 && cmd == F_GETFL) decoded = OpenFlags(r);
    if (r > 0 && cmd == F_GETFD) {
      std::string names;
      AppendFlags(names, kFdFlags, r);
      decoded = DecodedFlags(r, names);
    }
    line.Done(r, decoded);
  }
  return r;
}

int ioctl_int(int fd, unsigned long request, int* value) {
  Begin();
  int r = ::ioctl(fd, request, value);
  if (On()) {
    Line line("ioctl");
    line.Int(fd).Enum(kIoctlRequests, static_cast<long>(request), "_IOC(...)");
    // what the kernel wrote (or FIONBIO's input); a failed read shows the pointer, as strace does
    if (r >= 0 || request == FIONBIO) line.Array({*value});
    else line.Ptr(value);
    line.Done(r);
  }
  return r;
}

int dup(int fd) {
  Begin();
  int r = ::dup(fd);
  if (On()) Line("dup").Int(fd).Done(r);
  return r;
}

int dup2(int oldfd, int newfd) {
  Begin();
  int r = ::dup2(oldfd, newfd);
  if (On()) Line("dup2").Int(oldfd).Int(newfd).Done(r);
  return r;
}

int dup3(int oldfd, int newfd, int flags) {
  Begin();
  int r = ::dup3(oldfd, newfd, flags);
  if (On()) Line("dup3").Int(oldfd).Int(newfd).Flags(kDupFlags, flags).Done(r);
  return r;
}

ssize_t sendfile(int out_fd, int in_fd, off_t* offset, size_t count) {
  Begin();
  off_t in = offset != nullptr ? *offset : 0;
  ssize_t r = ::sendfile(out_fd, in_fd, offset, count);
  if (On()) {
    Line line("sendfile");
    line.Int(out_fd).Int(in_fd);
    // strace: NULL, or [in] and, when the call moved it, [in] => [out]
    if (offset == nullptr) line.Text("NULL");
    else if (*offset == in) line.Array({static_cast<long long>(in)});
    else line.Text("[" + std::to_string(in) + "] => [" + std::to_string(*offset) + "]");
    line.Int(static_cast<long long>(count)).Done(r);
  }
  return r;
}

int bind(int fd, const sockaddr* addr, socklen_t len) {
  Begin();
  int r = ::bind(fd, addr, len);
  if (On()) Line("bind").Int(fd).Addr(addr, len).Int(len).Done(r);
  return r;
}

int listen(int fd, int backlog) {
  Begin();
  int r = ::listen(fd, backlog);
  if (On()) Line("listen").Int(fd).Int(backlog).Done(r);
  return r;
}

int accept4(int fd, sockaddr* addr, socklen_t* len, int flags) {
  Begin();
  socklen_t in = *len;
#ifdef SOCK_CLOEXEC
  int r = ::accept4(fd, addr, len, flags);
  if (On()) {
    Line line("accept4");
    ResultAddr(line.Int(fd), addr, in, len, r >= 0).Flags(kTypeFlags, flags).Done(r);
  }
#else
  (void)flags;  // no accept4(): AcceptFlagsArg allowed only 0
  int r = ::accept(fd, addr, len);
  if (On()) {
    Line line("accept");
    ResultAddr(line.Int(fd), addr, in, len, r >= 0).Done(r);
  }
#endif
  return r;
}

int connect(int fd, const sockaddr* addr, socklen_t len) {
  Begin();
  int r = ::connect(fd, addr, len);
  if (On()) Line("connect").Int(fd).Addr(addr, len).Int(len).Done(r);
  return r;
}

namespace {

// getsockname and getpeername: the same arguments, the same notation
int NameCall(const char* name, int (*call)(int, sockaddr*, socklen_t*), int fd, sockaddr* addr, socklen_t* len) {
  Begin();
  socklen_t in = *len;
  int r = call(fd, addr, len);
  if (On()) {
    Line line(name);
    ResultAddr(line.Int(fd), addr, in, len, r == 0).Done(r);
  }
  return r;
}

}  // namespace

int getsockname(int fd, sockaddr* addr, socklen_t* len) { return NameCall("getsockname", ::getsockname, fd, addr, len); }
int getpeername(int fd, sockaddr* addr, socklen_t* len) { return NameCall("getpeername", ::getpeername, fd, addr, len); }

ssize_t sendto(int fd, const void* buf, size_t len, int flags, const sockaddr* addr, socklen_t addrlen) {
  Begin();
  ssize_t r = ::sendto(fd, buf, len, flags, addr, addrlen);
  if (On()) {
    Line("sendto").Int(fd).Data(buf, len).Int(len).MsgFlags(flags).Addr(addr, addrlen).Int(addrlen).Done(r);
  }
  return r;
}

ssize_t recvfrom(int fd, void* buf, size_t len, int flags, sockaddr* addr, socklen_t* addrlen) {
  Begin();
  socklen_t in = addrlen != nullptr ? *addrlen : 0;
  ssize_t r = ::recvfrom(fd, buf, len, flags, addr, addrlen);
  if (On()) {
    Line line("recvfrom");
    BufferOrData(line.Int(fd), buf, len, r).Int(len).MsgFlags(flags);
    ResultAddr(line, addr, in, addrlen, r >= 0).Done(r);
  }
  return r;
}

ssize_t send(int fd, const void* buf, size_t len, int flags) { return sys::sendto(fd, buf, len, flags, nullptr, 0); }

ssize_t recv(int fd, void* buf, size_t len, int flags) {
  return sys::recvfrom(fd, buf, len, flags, nullptr, nullptr);
}

ssize_t read(int fd, void* buf, size_t len) {
  Begin();
  ssize_t r = ::read(fd, buf, len);
  if (On()) {
    Line line("read");
    BufferOrData(line.Int(fd), buf, len, r).Int(len).Done(r);
  }
  return r;
}

ssize_t write(int fd, const void* buf, size_t len) {
  Begin();
  ssize_t r = ::write(fd, buf, len);
  if (On()) Line("write").Int(fd).Data(buf, len).Int(len).Done(r);
  return r;
}

ssize_t readv(int fd, const iovec* iov, int iovcnt) {
  Begin();
  ssize_t r = ::readv(fd, iov, iovcnt);
  if (On()) {
    Line line("readv");
    AppendIov(line.Int(fd).Next(), iov, iovcnt, Shown(r), r >= 0);
    line.Int(iovcnt).Done(r);
  }
  return r;
}

ssize_t writev(int fd, const iovec* iov, int iovcnt) {
  Begin();
  ssize_t r = ::writev(fd, iov, iovcnt);
  if (On()) {
    Line line("writev");
    AppendIov(line.Int(fd).Next(), iov, iovcnt, SIZE_MAX, true);
    line.Int(iovcnt).Done(r);
  }
  return r;
}

namespace {

// An option value as strace shows it: an int as [1], struct linger as an initialiser, other bytes as a
// string.
void AppendOption(std::string& s, int level, int name, const void* value, socklen_t len) {
  if (value == nullptr) {
    s.append("NULL");
  } else if (level == SOL_SOCKET && name == SO_LINGER && len >= sizeof(linger)) {
    linger lg;
    std::memcpy(&lg, value, sizeof(lg));
    s.append("{l_onoff=").append(std::to_string(lg.l_onoff)).append(", l_linger=");
    s.append(std::to_string(lg.l_linger)).append("}");
#ifdef SO_PEERCRED
  } else if (level == SOL_SOCKET && name == SO_PEERCRED && len >= sizeof(ucred)) {
    ucred cred;
    std::memcpy(&cred, value, sizeof(cred));
    AppendCred(s, cred);
#endif
  } else if (len == sizeof(int)) {
    int v;
    std::memcpy(&v, value, sizeof(v));
    s.append("[").append(std::to_string(v)).append("]");
  } else {
    AppendString(s, value, len);
  }
}

}  // namespace

int setsockopt(int fd, int level, int name, const void* value, socklen_t len) {
  Begin();
  int r = ::setsockopt(fd, level, name, value, len);
  if (On()) {
    Line line("setsockopt");
    line.Int(fd).Level(level).Option(level, name);
    AppendOption(line.Next(), level, name, value, len);
    line.Int(len).Done(r);
  }
  return r;
}

int getsockopt(int fd, int level, int name, void* value, socklen_t* len) {
  Begin();
  socklen_t in = *len;
  int r = ::getsockopt(fd, level, name, value, len);
  if (On()) {
    Line line("getsockopt");
    line.Int(fd).Level(level).Option(level, name);
    if (r == 0) {
      AppendOption(line.Next(), level, name, value, std::min(*len, in));
    } else {
      line.Ptr(value);
    }
    line.InOut(in, r == 0 ? *len : in).Done(r);
  }
  return r;
}

ssize_t sendmsg(int fd, const msghdr* msg, int flags) {
  Begin();
  ssize_t r = ::sendmsg(fd, msg, flags);
  if (On()) {
    Line line("sendmsg");
    AppendMsghdr(line.Int(fd).Next(), msg, SIZE_MAX, true, false, 0, 0);
    line.MsgFlags(flags).Done(r);
  }
  return r;
}

ssize_t recvmsg(int fd, msghdr* msg, int flags) {
  Begin();
  socklen_t namelen = msg->msg_namelen;
  size_t controllen = msg->msg_controllen;
  ssize_t r = ::recvmsg(fd, msg, flags);
  if (On()) {
    Line line("recvmsg");
    AppendMsghdr(line.Int(fd).Next(), msg, Shown(r), r >= 0, true, namelen, controllen);
    line.MsgFlags(flags).Done(r);
  }
  return r;
}

// glibc's select() is the pselect6 system call (with a timespec, no signal mask); sockfd makes that
// call itself, so the trace can show the time left as strace does.
int select(int nfds, fd_set* readfds, fd_set* writefds, fd_set* exceptfds, timeval* timeout) {
  Begin();
  timespec ts{};
  if (timeout != nullptr) ts = timespec{timeout->tv_sec, static_cast<long>(timeout->tv_usec) * 1000};
  const timespec given = ts;
  fd_set before[3];
  fd_set* sets[3] = {readfds, writefds, exceptfds};
  if (On())
    for (int i = 0; i < 3; i++)
      if (sets[i] != nullptr) before[i] = *sets[i];
  int r = static_cast<int>(::syscall(SYS_pselect6, nfds, readfds, writefds, exceptfds, timeout != nullptr ? &ts : nullptr, nullptr));
  if (On()) {
    Line line("pselect6");
    line.Int(nfds);
    for (int i = 0; i < 3; i++) AppendFdSet(line.Next(), sets[i] != nullptr ? &before[i] : nullptr, nfds);
    if (timeout != nullptr) AppendTimespec(line.Next(), given);
    else line.Text("NULL");
    line.Text("NULL");
    std::string decoded;
    if (r == 0) {
      decoded = "0 (Timeout)";
    } else if (r > 0) {
      decoded = std::to_string(r) + " (";
      const char* names[3] = {"in", "out", "except"};
      bool first = true;
      for (int i = 0; i < 3; i++) {
        if (sets[i] == nullptr) continue;
        bool any = false;
        for (int fd = 0; fd < nfds && !any; fd++) any = FD_ISSET(fd, sets[i]);
        if (!any) continue;
        decoded.append(first ? "" : ", ").append(names[i]).push_back(' ');
        AppendFdSet(decoded, sets[i], nfds);
        first = false;
      }
      if (timeout != nullptr) {
        decoded.append(first ? "" : ", ").append("left ");
        AppendTimespec(decoded, ts);
      }
      decoded.push_back(')');
    }
    line.Done(r, decoded);
  }
  return r;
}

int poll(pollfd* fds, nfds_t nfds, int timeout) {
  Begin();
  int r = ::poll(fds, nfds, timeout);
  if (On()) {
    Line line("poll");
    std::string& s = line.Next();
    s.push_back('[');
    for (nfds_t i = 0; i < nfds; i++) {
      s.append(i == 0 ? "" : ", ").append("{fd=").append(std::to_string(fds[i].fd)).append(", events=");
      AppendFlags(s, kPollEvents, static_cast<uint16_t>(fds[i].events));
      s.push_back('}');
    }
    s.push_back(']');
    line.Int(static_cast<long long>(nfds)).Int(timeout);
    std::string decoded;
    if (r == 0) {
      decoded = "0 (Timeout)";
    } else if (r > 0) {
      decoded = std::to_string(r) + " ([";
      bool first = true;
      for (nfds_t i = 0; i < nfds; i++) {
        if (fds[i].revents == 0) continue;
        decoded.append(first ? "" : ", ").append("{fd=").append(std::to_string(fds[i].fd)).append(", revents=");
        AppendFlags(decoded, kPollEvents, static_cast<uint16_t>(fds[i].revents));
        decoded.push_back('}');
        first = false;
      }
      decoded.append("])");
    }
    line.Done(r, decoded);
  }
  return r;
}

int epoll_create(int size) {
  Begin();
  int r = ::epoll_create(size);
  if (On()) Line("epoll_create").Int(size).Done(r);
  return r;
}

int epoll_create1(int flags) {
  Begin();
  int r = ::epoll_create1(flags);
  if (On()) Line("epoll_create1").Flags(kEpollFlags, flags).Done(r);
  return r;
}

int epoll_ctl(int epfd, int op, int fd, epoll_event* event) {
  Begin();
  int r = ::epoll_ctl(epfd, op, fd, event);
  if (On()) {
    Line line("epoll_ctl");
    line.Int(epfd).Enum(kEpollOps, op, "EPOLL_CTL_???").Int(fd);
    if (event != nullptr) AppendEpollEvent(line.Next(), *event);
    else line.Text("NULL");
    line.Done(r);
  }
  return r;
}

int epoll_wait(int epfd, epoll_event* events, int maxevents, int timeout) {
  Begin();
  int r = ::epoll_wait(epfd, events, maxevents, timeout);
  if (On()) {
    Line line("epoll_wait");
    line.Int(epfd);
    if (r < 0) {
      line.Ptr(events);
    } else {
      std::string& s = line.Next();
      s.push_back('[');
      for (int i = 0; i < r; i++) {
        if (i > 0) s.append(", ");
        AppendEpollEvent(s, events[i]);
      }
      s.push_back(']');
    }
    line.Int(maxevents).Int(timeout).Done(r);
  }
  return r;
}

#ifdef __linux__

int sendmmsg(int fd, mmsghdr* msgvec, unsigned int vlen, int flags) {
  Begin();
  int r = ::sendmmsg(fd, msgvec, vlen, flags);
  if (On()) {
    Line line("sendmmsg");
    line.Int(fd);
    if (r > 0) AppendMmsg(line.Next(), msgvec, r, nullptr);
    else line.Ptr(msgvec);
    line.Int(vlen).MsgFlags(flags).Done(r);
  }
  return r;
}

int recvmmsg(int fd, mmsghdr* msgvec, unsigned int vlen, int flags, timespec* timeout) {
  Begin();
  std::vector<socklen_t> namelens;  // what strace shows as msg_namelen=128 => 28
  if (On()) {
    namelens.resize(vlen);
    for (unsigned int i = 0; i < vlen; i++) namelens[i] = msgvec[i].msg_hdr.msg_namelen;
  }
  int r = ::recvmmsg(fd, msgvec, vlen, flags, timeout);
  if (On()) {
    Line line("recvmmsg");
    line.Int(fd);
    if (r > 0) AppendMmsg(line.Next(), msgvec, r, namelens.data());
    else line.Ptr(msgvec);
    line.Int(vlen).MsgFlags(flags);
    if (timeout != nullptr) {
      line.Text("{tv_sec=" + std::to_string(timeout->tv_sec) + ", tv_nsec=" + std::to_string(timeout->tv_nsec) + "}");
    } else {
      line.Text("NULL");
    }
    line.Done(r);
  }
  return r;
}

#endif  // __linux__

}  // namespace sys

namespace {

// trace(on?): switches this environment's trace and returns what it was; without an argument, just reads.
Napi::Value Trace(const Napi::CallbackInfo& info) {
  bool was = tracing;
  if (!info[0].IsUndefined()) {
    if (!info[0].IsBoolean()) ThrowInvalidArgType(info.Env(), "on", "of type boolean", info[0]);
    SetTracing(info[0].As<Napi::Boolean>().Value());
  }
  return Napi::Boolean::New(info.Env(), was);
}

}  // namespace

namespace {

bool EnvFlag(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' && std::strcmp(v, "0") != 0;
}

// Once per process (Workers share it): SOCKFD_TRACE_TIME and SOCKFD_TRACE_FILE. A file that cannot be
// opened leaves the trace on stderr and says so there.
void InitTraceOutput() {
  timed = EnvFlag("SOCKFD_TRACE_TIME");
  const char* path = std::getenv("SOCKFD_TRACE_FILE");
  if (path == nullptr || *path == '\0') return;
  int fd = ::open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    std::fprintf(stderr, "sockfd: SOCKFD_TRACE_FILE %s: %s; tracing to stderr\n", path, std::strerror(errno));
    return;
  }
  trace_fd = fd;
  trace_to_file = true;
}

}  // namespace

void InitTrace(Napi::Env env, Napi::Object exports) {
  static std::once_flag output_once;
  std::call_once(output_once, InitTraceOutput);
  if (EnvFlag("SOCKFD_TRACE")) SetTracing(true);
  Export<Trace>(env, exports, "trace");
}

}  // namespace sockfd
