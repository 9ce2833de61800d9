// Control messages (cmsg(3)) both ways: JS objects laid out into msg_control for sendmsg, and a
// received msg_control decoded: SCM_RIGHTS fds, SCM_CREDENTIALS, timestamps (SO_TIMESTAMP[NS],
// SCM_TIMESTAMPING), IP_PKTINFO / IPV6_PKTINFO, the error queue's sock_extended_err (IP_RECVERR /
// IPV6_RECVERR) with its offender, IP_ORIGDSTADDR, and the int-valued ones (IP_TTL, IP_TOS,
// IPV6_HOPLIMIT, IPV6_TCLASS, UDP_GRO, SO_RXQ_OVFL). Anything else stays raw `data`. A received
// payload is read only within the bytes the kernel reported; one too short for its struct stays raw.
#include "cmsg.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#ifdef __linux__
#include <linux/errqueue.h>
#endif

#include <limits>

namespace sockfd {

namespace {

template <typename T>
void AppendBytes(std::vector<uint8_t>& out, const T& value) {
  const auto* p = reinterpret_cast<const uint8_t*>(&value);
  out.insert(out.end(), p, p + sizeof(value));
}

// The types whose payload is one unsigned number, of the width the kernel puts: IP_TTL and
// IPV6_HOPLIMIT / IPV6_TCLASS an int, IP_TOS a byte, UDP_GRO a u16 (the segment size), SO_RXQ_OVFL a
// u32 (datagrams dropped so far). Sent, such a `value` is an int, as C passes it.
bool IsNumberCmsg(int level, int type) {
  switch (level) {
    case IPPROTO_IP: return type == IP_TTL || type == IP_TOS;
    case IPPROTO_IPV6: return type == IPV6_HOPLIMIT || type == IPV6_TCLASS;
#ifdef UDP_GRO
    case IPPROTO_UDP: return type == UDP_GRO;
#endif
#ifdef SO_RXQ_OVFL
    case SOL_SOCKET: return type == SO_RXQ_OVFL;
#endif
    default: return false;
  }
}

// ---- control messages out: JS objects -> the bytes of msg_control ---------------------------------

struct CmsgOut {
  int level = 0;
  int type = 0;
  std::vector<uint8_t> data;
};

// One control message: { level, type } and its payload. The payload of SCM_RIGHTS may be `fds`, of
// SCM_CREDENTIALS `cred`, of IP_PKTINFO / IPV6_PKTINFO `pktinfo`, of IP_TTL, IP_TOS, IPV6_HOPLIMIT and
// IPV6_TCLASS `value`; of any (level, type) raw `data`.
CmsgOut ReadCmsg(Napi::Value v, const std::string& name) {
  Napi::Env env = v.Env();
  Napi::Object o = ObjectArg(v, name);
  CmsgOut c;
  c.level = Int32Arg(o.Get("level"), (name + ".level").c_str());
  c.type = Int32Arg(o.Get("type"), (name + ".type").c_str());
  if (c.level == SOL_SOCKET && c.type == SCM_RIGHTS && !IsMissing(o.Get("fds"))) {
    Napi::Value fds = o.Get("fds");
    std::string fds_name = name + ".fds";
    if (!fds.IsArray()) ThrowInvalidArgType(env, fds_name.c_str(), "an instance of Array", fds);
    Napi::Array array = fds.As<Napi::Array>();
    if (array.Length() > kMaxControl / sizeof(int))
      ThrowRangeError(env, "ERR_OUT_OF_RANGE", "The \"" + fds_name + "\" argument has too many elements");
    for (uint32_t i = 0; i < array.Length(); i++) AppendBytes(c.data, FdArg(array.Get(i), fds_name.c_str()));
    return c;
  }
#ifdef SCM_CREDENTIALS
  if (c.level == SOL_SOCKET && c.type == SCM_CREDENTIALS && !IsMissing(o.Get("cred"))) {
    Napi::Object cred = ObjectArg(o.Get("cred"), name + ".cred");
    ucred u{};
    u.pid = Int32Arg(cred.Get("pid"), (name + ".cred.pid").c_str());
    u.uid = static_cast<uid_t>(IntegerArg(cred.Get("uid"), (name + ".cred.uid").c_str(), 0, UINT32_MAX));
    u.gid = static_cast<gid_t>(IntegerArg(cred.Get("gid"), (name + ".cred.gid").c_str(), 0, UINT32_MAX));
    AppendBytes(c.data, u);
    return c;
  }
#endif
#ifdef IP_PKTINFO
  if (c.level == IPPROTO_IP && c.type == IP_PKTINFO && !IsMissing(o.Get("pktinfo"))) {
    Napi::Object pi = ObjectArg(o.Get("pktinfo"), name + ".pktinfo");
    in_pktinfo p{};
    Napi::Value ifindex = pi.Get("ifindex");
    p.ipi_ifindex = IsMissing(ifindex) ? 0 : Int32Arg(ifindex, (name + ".pktinfo.ifindex").c_str());
    IpArg(pi.Get("spec_dst"), (name + ".pktinfo.spec_dst").c_str(), AF_INET, &p.ipi_spec_dst);
    IpArg(pi.Get("addr"), (name + ".pktinfo.addr").c_str(), AF_INET, &p.ipi_addr);
    AppendBytes(c.data, p);
    return c;
  }
#endif
  if (c.level == IPPROTO_IPV6 && c.type == IPV6_PKTINFO && !IsMissing(o.Get("pktinfo"))) {
    Napi::Object pi = ObjectArg(o.Get("pktinfo"), name + ".pktinfo");
    in6_pktinfo p{};
    Napi::Value ifindex = pi.Get("ifindex");
    p.ipi6_ifindex = IsMissing(ifindex) ? 0 : static_cast<unsigned>(IntegerArg(ifindex, (name + ".pktinfo.ifindex").c_str(), 0, UINT32_MAX));
    IpArg(pi.Get("addr"), (name + ".pktinfo.addr").c_str(), AF_INET6, &p.ipi6_addr);
    AppendBytes(c.data, p);
    return c;
  }
  if (IsNumberCmsg(c.level, c.type) && !IsMissing(o.Get("value"))) {
    AppendBytes(c.data, static_cast<int>(IntegerArg(o.Get("value"), (name + ".value").c_str(), 0, INT32_MAX)));
    return c;
  }
  Napi::Value data = o.Get("data");
  std::string data_name = name + ".data";
  if (!IsView(data)) ThrowInvalidArgType(env, data_name.c_str(), "an instance of Buffer, TypedArray, or DataView", data);
  Bytes b = ViewArg(data, data_name.c_str());
  if (b.length > kMaxControl) ThrowRangeError(env, "ERR_OUT_OF_RANGE", "The \"" + data_name + "\" argument is larger than 1 MiB");
  c.data.assign(b.data, b.data + b.length);  // copied at once: later getters cannot detach it under us
  return c;
}

// The control buffer for `list`: each message at CMSG_SPACE() intervals, padding zeroed.
std::vector<uint8_t> LayOut(Napi::Env env, const std::vector<CmsgOut>& list, const std::string& name) {
  size_t total = 0;
  for (const CmsgOut& c : list) total += CMSG_SPACE(c.data.size());
  if (total > kMaxControl) ThrowRangeError(env, "ERR_OUT_OF_RANGE", "The \"" + name + "\" argument is larger than 1 MiB");
  std::vector<uint8_t> buf(total);
  msghdr h{};
  h.msg_control = buf.data();
  h.msg_controllen = total;
  cmsghdr* c = CMSG_FIRSTHDR(&h);
  for (const CmsgOut& m : list) {
    c->cmsg_level = m.level;
    c->cmsg_type = m.type;
    c->cmsg_len = CMSG_LEN(m.data.size());
    if (!m.data.empty()) std::memcpy(CMSG_DATA(c), m.data.data(), m.data.size());
    c = CMSG_NXTHDR(&h, c);  // nullptr after the last one
  }
  return buf;
}

// ---- control messages in: the kernel's bytes -> JS objects ----------------------------------------

Napi::Object Pair(Napi::Env env, const char* a, double va, const char* b, double vb) {
  Napi::Object o = Napi::Object::New(env);
  o.Set(a, va);
  o.Set(b, vb);
  return o;
}

std::string IpText(int af, const void* addr) {
  char text[INET6_ADDRSTRLEN];
  inet_ntop(af, addr, text, sizeof(text));
  return text;
}

bool IsTimestamp(int type, bool& nanos) {
  nanos = false;
  if (type == SO_TIMESTAMP) return true;
#ifdef SO_TIMESTAMP_NEW
  if (type == SO_TIMESTAMP_OLD || type == SO_TIMESTAMP_NEW) return true;
#endif
  nanos = true;
#ifdef SO_TIMESTAMPNS
  if (type == SO_TIMESTAMPNS) return true;
#endif
#ifdef SO_TIMESTAMPNS_NEW
  if (type == SO_TIMESTAMPNS_OLD || type == SO_TIMESTAMPNS_NEW) return true;
#endif
  return false;
}


// CMSG_SPACE(length) and CMSG_LEN(length): the room a control message with `length` bytes of data takes
// in msg_control, and its cmsg_len. Plain arithmetic, as the C macros are, for every length whose result
// fits in a socklen_t (Python's are the same, to INT_MAX). The 1 MiB bound is the receive side's, on
// what it allocates, not the macros'.
constexpr int64_t kSocklenMax = std::numeric_limits<socklen_t>::max();
Napi::Value CmsgSpace(const Napi::CallbackInfo& info) {
  // CMSG_SPACE rounds the data up to the alignment: the largest length is the one that rounds to at most
  // kSocklenMax - CMSG_SPACE(0)
  constexpr int64_t kMax = (kSocklenMax - CMSG_SPACE(0)) / sizeof(size_t) * sizeof(size_t);
  return Napi::Number::New(info.Env(), static_cast<double>(CMSG_SPACE(IntegerArg(info[0], "length", 0, kMax))));
}
Napi::Value CmsgLen(const Napi::CallbackInfo& info) {
  constexpr int64_t kMax = kSocklenMax - CMSG_LEN(0);
  return Napi::Number::New(info.Env(), static_cast<double>(CMSG_LEN(IntegerArg(info[0], "length", 0, kMax))));
}

Napi::Object TimespecToJS(Napi::Env env, const uint8_t* data) {
  // 64-bit time_t: struct timespec and __kernel_timespec are both two 64-bit fields.
  return Pair(env, "sec", static_cast<double>(Load<int64_t>(data)), "nsec", static_cast<double>(Load<int64_t>(data + 8)));
}

bool IsTimestamping(int type) {
#ifdef SO_TIMESTAMPING_NEW
  if (type == SO_TIMESTAMPING_OLD || type == SO_TIMESTAMPING_NEW) return true;
#endif
#ifdef SO_TIMESTAMPING
  return type == SO_TIMESTAMPING;
#else
  return false;
#endif
}

#ifdef __linux__
// struct sock_extended_err (the error queue, ip(7) IP_RECVERR) and the offender's address after it.
Napi::Object ExtendedErrToJS(Napi::Env env, const uint8_t* data, size_t length) {
  sock_extended_err ee = Load<sock_extended_err>(data);
  Napi::Object o = Napi::Object::New(env);
  o.Set("errno", ee.ee_errno);
  o.Set("origin", ee.ee_origin);
  o.Set("type", ee.ee_type);
  o.Set("code", ee.ee_code);
  o.Set("info", ee.ee_info);
  o.Set("data", ee.ee_data);
  // SO_EE_OFFENDER(ee): the node that sent the ICMP error; AF_UNSPEC for a local error.
  sockaddr_storage offender{};
  size_t n = std::min(length - sizeof(ee), sizeof(offender));
  std::memcpy(&offender, data + sizeof(ee), n);
  o.Set("offender", AddressToJS(env, reinterpret_cast<const sockaddr*>(&offender), static_cast<socklen_t>(n)));
  return o;
}
#endif

}  // namespace

Napi::Object CmsgToJS(Napi::Env env, const cmsghdr& c, const uint8_t* data, size_t length) {
  Napi::Object o = Napi::Object::New(env);
  const int level = c.cmsg_level, type = c.cmsg_type;
  o.Set("level", level);
  o.Set("type", type);
  Napi::Uint8Array bytes = Napi::Uint8Array::New(env, length);
  if (length > 0) std::memcpy(bytes.Data(), data, length);
  o.Set("data", bytes);
  bool nanos;
  if (level == SOL_SOCKET && type == SCM_RIGHTS) {
    Napi::Array fds = Napi::Array::New(env, length / sizeof(int));
    for (size_t i = 0; i < length / sizeof(int); i++) fds.Set(i, Load<int>(data + i * sizeof(int)));
    o.Set("fds", fds);
#ifdef SCM_CREDENTIALS
  } else if (level == SOL_SOCKET && type == SCM_CREDENTIALS && length >= sizeof(ucred)) {
    ucred u = Load<ucred>(data);
    Napi::Object cred = Pair(env, "pid", u.pid, "uid", u.uid);
    cred.Set("gid", static_cast<double>(u.gid));
    o.Set("cred", cred);
#endif
  } else if (level == SOL_SOCKET && IsTimestamp(type, nanos) && length == 2 * sizeof(int64_t)) {
    // 64-bit time_t: struct timeval / timespec and the _NEW forms are both two 64-bit fields.
    double sec = static_cast<double>(Load<int64_t>(data));
    double frac = static_cast<double>(Load<int64_t>(data + sizeof(int64_t)));
    o.Set("timestamp", Pair(env, "sec", sec, nanos ? "nsec" : "usec", frac));
  } else if (level == SOL_SOCKET && IsTimestamping(type) && length >= 6 * sizeof(int64_t)) {
    // struct scm_timestamping: ts[0] software, ts[1] deprecated (zero), ts[2] raw hardware.
    Napi::Array ts = Napi::Array::New(env, 3);
    for (uint32_t i = 0; i < 3; i++) ts.Set(i, TimespecToJS(env, data + 16 * i));
    o.Set("timestamping", ts);
#ifdef IP_PKTINFO
  } else if (level == IPPROTO_IP && type == IP_PKTINFO && length >= sizeof(in_pktinfo)) {
    in_pktinfo p = Load<in_pktinfo>(data);
    Napi::Object pi = Napi::Object::New(env);
    pi.Set("ifindex", p.ipi_ifindex);
    pi.Set("spec_dst", IpText(AF_INET, &p.ipi_spec_dst));
    pi.Set("addr", IpText(AF_INET, &p.ipi_addr));
    o.Set("pktinfo", pi);
#endif
  } else if (level == IPPROTO_IPV6 && type == IPV6_PKTINFO && length >= sizeof(in6_pktinfo)) {
    in6_pktinfo p = Load<in6_pktinfo>(data);
    Napi::Object pi = Napi::Object::New(env);
    pi.Set("ifindex", p.ipi6_ifindex);
    pi.Set("addr", IpText(AF_INET6, &p.ipi6_addr));
    o.Set("pktinfo", pi);
#ifdef __linux__
  } else if (((level == IPPROTO_IP && type == IP_RECVERR) || (level == IPPROTO_IPV6 && type == IPV6_RECVERR)) &&
             length >= sizeof(sock_extended_err)) {
    o.Set("extendedErr", ExtendedErrToJS(env, data, length));
  } else if ((level == IPPROTO_IP && type == IP_ORIGDSTADDR) || (level == IPPROTO_IPV6 && type == IPV6_ORIGDSTADDR)) {
    sockaddr_storage addr{};
    size_t n = std::min(length, sizeof(addr));
    std::memcpy(&addr, data, n);
    o.Set("addr", AddressToJS(env, reinterpret_cast<const sockaddr*>(&addr), static_cast<socklen_t>(n)));
#endif
  } else if (IsNumberCmsg(level, type) && (length == 1 || length == 2 || length == 4)) {
    o.Set("value", length == 1 ? data[0] : length == 2 ? Load<uint16_t>(data) : Load<uint32_t>(data));
  }
  return o;
}

std::vector<uint8_t> ControlArg(Napi::Value v, const std::string& name) {
  if (IsView(v)) {  // raw msg_control bytes, laid out by the caller: the kernel checks them
    Bytes b = ViewArg(v, name.c_str());
    if (b.length > kMaxControl) ThrowRangeError(v.Env(), "ERR_OUT_OF_RANGE", "The \"" + name + "\" argument is larger than 1 MiB");
    return std::vector<uint8_t>(b.data, b.data + b.length);
  }
  if (!v.IsArray()) ThrowInvalidArgType(v.Env(), name.c_str(), "an instance of Array, Buffer, TypedArray, or DataView", v);
  Napi::Array array = v.As<Napi::Array>();
  if (array.Length() > kMaxControl / CMSG_SPACE(0))
    ThrowRangeError(v.Env(), "ERR_OUT_OF_RANGE", "The \"" + name + "\" argument has too many elements");
  std::vector<CmsgOut> list(array.Length());
  for (uint32_t i = 0; i < array.Length(); i++) list[i] = ReadCmsg(array.Get(i), name + "[" + std::to_string(i) + "]");
  return LayOut(v.Env(), list, name);
}

void InitCmsg(Napi::Env env, Napi::Object exports) {
  Export<CmsgSpace>(env, exports, "CMSG_SPACE");
  Export<CmsgLen>(env, exports, "CMSG_LEN");
}

}  // namespace sockfd
