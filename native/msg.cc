// sendmsg(2), recvmsg(2), sendmmsg(2), recvmmsg(2), sync and awaitable, and the control messages
// (cmsg(3)) they carry.
//
// A message is the JS side of one struct msghdr: `{ iov, addr?, control? }` to send, `{ iov,
// controlLength? }` to receive, or just a buffer (or an array of buffers) as its iov. Control messages
// are laid out from JS objects with CMSG_SPACE / CMSG_NXTHDR, and parsed back the same way; a received
// one is read only as far as it lies inside the bytes the kernel reported, so no length from JS or from
// the kernel makes us read or write outside the control buffer.
//
// As in io.cc, every JS value (getters of message objects, array elements) is read before any pointer
// into an ArrayBuffer is taken, for all messages of a batch: no getter can detach a buffer we point into.
#include "watcher.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <limits>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace sockfd {

namespace {

// Bounds what one message may allocate for control data (far past the kernel's net.core.optmem_max).
constexpr size_t kMaxControl = 1 << 20;

template <typename T>
void AppendBytes(std::vector<uint8_t>& out, const T& value) {
  const auto* p = reinterpret_cast<const uint8_t*>(&value);
  out.insert(out.end(), p, p + sizeof(value));
}

// ---- control messages out: JS objects -> the bytes of msg_control ---------------------------------

struct CmsgOut {
  int level = 0;
  int type = 0;
  std::vector<uint8_t> data;
};

// One control message: { level, type } and its payload. The payload of SCM_RIGHTS may be `fds`, of
// SCM_CREDENTIALS `cred`, of IP_PKTINFO / IPV6_PKTINFO `pktinfo`; of any (level, type) raw `data`.
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

// Calls f(cmsg, data, length) for each control message of a received header. `capacity` is the buffer's
// real size: lengths are trusted neither from the kernel nor from a peer's layout.
template <typename F>
void EachCmsg(const msghdr& received, size_t capacity, F f) {
  if (received.msg_control == nullptr) return;
  msghdr h = received;
  h.msg_controllen = std::min<size_t>(h.msg_controllen, capacity);
  const uint8_t* end = static_cast<const uint8_t*>(h.msg_control) + h.msg_controllen;
  for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(&h, c)) {
    if (c->cmsg_len < CMSG_LEN(0)) break;  // malformed; CMSG_NXTHDR would not move past it
    const uint8_t* data = CMSG_DATA(c);
    size_t length = std::min<size_t>(c->cmsg_len - CMSG_LEN(0), static_cast<size_t>(end - data));
    f(*c, data, length);
  }
}

template <typename T>
T Load(const uint8_t* data) {
  T value;
  std::memcpy(&value, data, sizeof(value));  // cmsg data is not necessarily aligned for T
  return value;
}

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

// { level, type, data } plus, for the types sockfd knows, the payload decoded: fds, cred, timestamp,
// pktinfo. A payload too short for its struct (truncated: MSG_CTRUNC) is left as data only.
Napi::Object CmsgToJS(Napi::Env env, const cmsghdr& c, const uint8_t* data, size_t length) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("level", c.cmsg_level);
  o.Set("type", c.cmsg_type);
  Napi::Uint8Array bytes = Napi::Uint8Array::New(env, length);
  if (length > 0) std::memcpy(bytes.Data(), data, length);
  o.Set("data", bytes);
  bool nanos;
  if (c.cmsg_level == SOL_SOCKET && c.cmsg_type == SCM_RIGHTS) {
    Napi::Array fds = Napi::Array::New(env, length / sizeof(int));
    for (size_t i = 0; i < length / sizeof(int); i++) fds.Set(i, Load<int>(data + i * sizeof(int)));
    o.Set("fds", fds);
#ifdef SCM_CREDENTIALS
  } else if (c.cmsg_level == SOL_SOCKET && c.cmsg_type == SCM_CREDENTIALS && length >= sizeof(ucred)) {
    ucred u = Load<ucred>(data);
    Napi::Object cred = Pair(env, "pid", u.pid, "uid", u.uid);
    cred.Set("gid", static_cast<double>(u.gid));
    o.Set("cred", cred);
#endif
  } else if (c.cmsg_level == SOL_SOCKET && IsTimestamp(c.cmsg_type, nanos) && length == 2 * sizeof(int64_t)) {
    // 64-bit time_t: struct timeval / timespec and the _NEW forms are both two 64-bit fields.
    double sec = static_cast<double>(Load<int64_t>(data));
    double frac = static_cast<double>(Load<int64_t>(data + sizeof(int64_t)));
    o.Set("timestamp", Pair(env, "sec", sec, nanos ? "nsec" : "usec", frac));
#ifdef IP_PKTINFO
  } else if (c.cmsg_level == IPPROTO_IP && c.cmsg_type == IP_PKTINFO && length >= sizeof(in_pktinfo)) {
    in_pktinfo p = Load<in_pktinfo>(data);
    Napi::Object pi = Napi::Object::New(env);
    pi.Set("ifindex", p.ipi_ifindex);
    pi.Set("spec_dst", IpText(AF_INET, &p.ipi_spec_dst));
    pi.Set("addr", IpText(AF_INET, &p.ipi_addr));
    o.Set("pktinfo", pi);
#endif
  } else if (c.cmsg_level == IPPROTO_IPV6 && c.cmsg_type == IPV6_PKTINFO && length >= sizeof(in6_pktinfo)) {
    in6_pktinfo p = Load<in6_pktinfo>(data);
    Napi::Object pi = Napi::Object::New(env);
    pi.Set("ifindex", p.ipi6_ifindex);
    pi.Set("addr", IpText(AF_INET6, &p.ipi6_addr));
    o.Set("pktinfo", pi);
  }
  return o;
}

// ---- one message ----------------------------------------------------------------------------------

// The JS side of one struct msghdr, owned for as long as the call or the waiting operation lasts.
// Read() reads every JS value, Bind() then takes the buffer pointers, Header() fills a msghdr.
class Msg {
 public:
  enum Kind { kOut, kIn };

  // `control_budget`: what the control buffers of the call may still take (a batch shares one).
  void Read(Napi::Value v, const std::string& name, Kind kind, const char* syscall, size_t& control_budget) {
    Napi::Env env = v.Env();
    kind_ = kind;
    Napi::Value iov = v;
    bool bare = v.IsArray() || IsView(v) || (kind == kOut && v.IsString());
    if (!bare) {
      Napi::Object o = ObjectArg(v, name);
      iov = o.Get("iov");
      if (kind == kOut) {
        Napi::Value addr = o.Get("addr");
        if (!IsMissing(addr) && !addr.IsNull()) {
          addr_ = AddressArg(addr, (name + ".addr").c_str());
          has_addr_ = true;
        }
        ReadControl(o.Get("control"), name + ".control");
      } else {
        Napi::Value length = o.Get("controlLength");
        if (!IsMissing(length)) {
          size_t n = static_cast<size_t>(IntegerArg(length, (name + ".controlLength").c_str(), 0, kMaxControl));
          if (n > control_budget)
            ThrowRangeError(env, "ERR_OUT_OF_RANGE", "The control buffers of one call may hold at most 1 MiB in all; " + name + ".controlLength is " + std::to_string(n));
          control_budget -= n;
          control_.resize(n);
        }
      }
      iov_name_ = name + ".iov";
    } else {
      iov_name_ = name;
    }
    if (iov.IsArray())
      items_ = ArrayItems(iov, iov_name_.c_str(), syscall);
    else if (IsView(iov) || (kind == kOut && iov.IsString()))
      items_.assign(1, iov);
    else
      ThrowInvalidArgType(env, iov_name_.c_str(), kind == kOut ? "of type string or an instance of Buffer, TypedArray, DataView or Array" : "an instance of Buffer, TypedArray, DataView or Array", iov);
  }

  // Takes the buffer pointers; no JS may run between this and the syscall.
  void Bind() {
    size_t count = items_.size();
    views_ = std::make_unique<HeldView[]>(count);
    iov_.resize(count);
    if (kind_ == kOut) strings_.resize(count);  // sized once: the strings never move
    for (size_t i = 0; i < count; i++) {
      Napi::Value item = items_[i];
      Bytes b = kind_ == kOut ? DataArg(item, iov_name_.c_str(), strings_[i]) : ViewArg(item, iov_name_.c_str());
      views_[i].Set(item.IsString() ? nullptr : static_cast<napi_value>(item), b, b.length);
      iov_[i] = iovec{b.data, b.length};
    }
    items_.clear();
  }

  // The header for one attempt of the syscall (a receive's lengths are reset each time).
  void Header(msghdr& h) {
    h = msghdr{};
    h.msg_iov = iov_.data();
    h.msg_iovlen = iov_.size();
    if (kind_ == kIn) {
      h.msg_name = addr_.get();
      h.msg_namelen = sizeof(addr_.storage);
    } else if (has_addr_) {
      h.msg_name = addr_.get();
      h.msg_namelen = addr_.length;
    }
    if (!control_.empty()) {
      h.msg_control = control_.data();
      h.msg_controllen = control_.size();
    }
  }

  void Hold(Napi::Env env) {
    for (size_t i = 0; i < iov_.size(); i++) views_[i].Hold(env);
  }
  void Refresh(Napi::Env env, const char* syscall) {
    for (size_t i = 0; i < iov_.size(); i++) {
      views_[i].Refresh(env, syscall);
      iov_[i].iov_base = views_[i].data;
    }
  }

  // The fds the kernel installed in this process for a received header (SCM_RIGHTS).
  void CollectFds(const msghdr& h, std::vector<int>& fds) const {
    EachCmsg(h, control_.size(), [&](const cmsghdr& c, const uint8_t* data, size_t length) {
      if (c.cmsg_level != SOL_SOCKET || c.cmsg_type != SCM_RIGHTS) return;
      for (size_t i = 0; i + sizeof(int) <= length; i += sizeof(int)) fds.push_back(Load<int>(data + i));
    });
  }

  // recvmsg's result: { bytes, addr, flags, control }.
  Napi::Object Received(Napi::Env env, const msghdr& h, size_t bytes) const {
    Napi::Object o = Napi::Object::New(env);
    o.Set("bytes", static_cast<double>(bytes));
    o.Set("addr", AddressToJS(env, static_cast<const sockaddr*>(h.msg_name), h.msg_namelen));
    // MSG_CMSG_CLOEXEC comes back in msg_flags (Linux copies it there); sockfd added it, not the caller.
    o.Set("flags", h.msg_flags & ~MSG_CMSG_CLOEXEC);
    Napi::Array control = Napi::Array::New(env);
    uint32_t i = 0;
    EachCmsg(h, control_.size(), [&](const cmsghdr& c, const uint8_t* data, size_t length) {
      control.Set(i++, CmsgToJS(env, c, data, length));
    });
    o.Set("control", control);
    return o;
  }

  const sockaddr* addr() const { return has_addr_ ? addr_.get() : nullptr; }
  socklen_t addrlen() const { return has_addr_ ? addr_.length : 0; }

 private:
  void ReadControl(Napi::Value v, const std::string& name) {
    if (IsMissing(v) || v.IsNull()) return;
    if (IsView(v)) {  // raw msg_control bytes, laid out by the caller: the kernel checks them
      Bytes b = ViewArg(v, name.c_str());
      if (b.length > kMaxControl) ThrowRangeError(v.Env(), "ERR_OUT_OF_RANGE", "The \"" + name + "\" argument is larger than 1 MiB");
      control_.assign(b.data, b.data + b.length);
      return;
    }
    if (!v.IsArray()) ThrowInvalidArgType(v.Env(), name.c_str(), "an instance of Array, Buffer, TypedArray, or DataView", v);
    Napi::Array array = v.As<Napi::Array>();
    if (array.Length() > kMaxControl / CMSG_SPACE(0))
      ThrowRangeError(v.Env(), "ERR_OUT_OF_RANGE", "The \"" + name + "\" argument has too many elements");
    std::vector<CmsgOut> list(array.Length());
    for (uint32_t i = 0; i < array.Length(); i++) list[i] = ReadCmsg(array.Get(i), name + "[" + std::to_string(i) + "]");
    control_ = LayOut(v.Env(), list, name);
  }

  Kind kind_ = kOut;
  std::string iov_name_;
  std::vector<Napi::Value> items_;  // the iov's JS values, between Read() and Bind()
  std::unique_ptr<HeldView[]> views_;
  std::vector<std::string> strings_;
  std::vector<iovec> iov_;
  SockAddr addr_;
  bool has_addr_ = false;
  std::vector<uint8_t> control_;  // operator new's alignment suits cmsghdr
};

// Builds the JS result of received messages. The fds they carry are the caller's from then on; if
// building fails (a throwing setter on Object.prototype), they are closed, never left open unseen.
template <typename Build>
Napi::Value OwningFds(Napi::Env env, const std::vector<int>& fds, Build build) {
  for (int fd : fds) ReleaseFd(env, fd);  // new fds: nothing recorded for their numbers applies
  try {
    return build();
  } catch (...) {
    for (int fd : fds) sys::close(fd);
    throw;
  }
}

Napi::Value RecvMsgResult(Napi::Env env, const Msg& msg, const msghdr& h, ssize_t n) {
  std::vector<int> fds;
  msg.CollectFds(h, fds);
  return OwningFds(env, fds, [&] { return msg.Received(env, h, static_cast<size_t>(n)); });
}

// ---- a batch of messages (sendmmsg / recvmmsg) ----------------------------------------------------

class Batch {
 public:
  void Read(Napi::Value v, Msg::Kind kind, const char* syscall) {
    if (!v.IsArray()) ThrowInvalidArgType(v.Env(), "msgvec", "an instance of Array", v);
    Napi::Array array = v.As<Napi::Array>();
    // The kernel caps vlen at UIO_MAXIOV (1024, = IOV_MAX) and handles that many; so do we.
    msgs_.resize(std::min<uint32_t>(array.Length(), IOV_MAX));
    // One budget for the whole batch: 1024 messages of 1 MiB each would pin 1 GiB of zeroed memory.
    size_t control_budget = kMaxControl;
    for (uint32_t i = 0; i < msgs_.size(); i++)
      msgs_[i].Read(array.Get(i), "msgvec[" + std::to_string(i) + "]", kind, syscall, control_budget);
    for (Msg& m : msgs_) m.Bind();  // every getter has run: now the pointers
    hdrs_.resize(msgs_.size());
  }

  mmsghdr* Headers() {
    for (size_t i = 0; i < msgs_.size(); i++) {
      msgs_[i].Header(hdrs_[i].msg_hdr);
      hdrs_[i].msg_len = 0;
    }
    return hdrs_.data();
  }
  unsigned size() const { return static_cast<unsigned>(msgs_.size()); }

  void Hold(Napi::Env env) {
    for (Msg& m : msgs_) m.Hold(env);
  }
  void Refresh(Napi::Env env, const char* syscall) {
    for (Msg& m : msgs_) m.Refresh(env, syscall);
  }

  // recvmmsg's result: one recvmsg result per message received.
  Napi::Value Received(Napi::Env env, size_t count) const {
    std::vector<int> fds;
    for (size_t i = 0; i < count; i++) msgs_[i].CollectFds(hdrs_[i].msg_hdr, fds);
    return OwningFds(env, fds, [&] {
      Napi::Array out = Napi::Array::New(env, count);
      for (size_t i = 0; i < count; i++) out.Set(i, msgs_[i].Received(env, hdrs_[i].msg_hdr, hdrs_[i].msg_len));
      return out;
    });
  }

 private:
  std::vector<Msg> msgs_;
  std::vector<mmsghdr> hdrs_;
};

// recvmmsg's timeout: undefined/null or { sec, nsec }.
bool TimeoutArg(Napi::Value v, timespec& ts) {
  if (IsMissing(v) || v.IsNull()) return false;
  Napi::Object o = ObjectArg(v, "timeout");
  Napi::Value nsec = o.Get("nsec");
  ts.tv_sec = static_cast<time_t>(IntegerArg(o.Get("sec"), "timeout.sec", 0, INT32_MAX));
  ts.tv_nsec = IsMissing(nsec) ? 0 : static_cast<long>(IntegerArg(nsec, "timeout.nsec", 0, 999999999));
  return true;
}

// ---- sync bindings --------------------------------------------------------------------------------

Napi::Value SendMsg(const Napi::CallbackInfo& info) {
  int fd = FdArg(info[0]);
  Msg msg;
  size_t control_budget = kMaxControl;
  msg.Read(info[1], "msg", Msg::kOut, "sendmsg", control_budget);
  int flags = FlagsArg(info[2]);
  msg.Bind();
  msghdr h;
  msg.Header(h);
  ssize_t n = sys::sendmsg(fd, &h, flags);
  if (n < 0) ThrowErrno(info.Env(), errno, "sendmsg", msg.addr(), msg.addrlen());
  return Count(info.Env(), n);
}

Napi::Value RecvMsg(const Napi::CallbackInfo& info) {
  int fd = FdArg(info[0]);
  Msg msg;
  size_t control_budget = kMaxControl;
  msg.Read(info[1], "msg", Msg::kIn, "recvmsg", control_budget);
  int flags = FlagsArg(info[2]) | MSG_CMSG_CLOEXEC;
  msg.Bind();
  msghdr h;
  msg.Header(h);
  ssize_t n = sys::recvmsg(fd, &h, flags);
  if (n < 0) ThrowErrno(info.Env(), errno, "recvmsg");
  return RecvMsgResult(info.Env(), msg, h, n);
}

Napi::Value SendMmsg(const Napi::CallbackInfo& info) {
  int fd = FdArg(info[0]);
  Batch batch;
  batch.Read(info[1], Msg::kOut, "sendmmsg");
  int flags = FlagsArg(info[2]);
  int n = sys::sendmmsg(fd, batch.Headers(), batch.size(), flags);
  if (n < 0) ThrowErrno(info.Env(), errno, "sendmmsg");
  return Count(info.Env(), n);
}

Napi::Value RecvMmsg(const Napi::CallbackInfo& info) {
  int fd = FdArg(info[0]);
  timespec ts{};
  bool has_timeout = TimeoutArg(info[3], ts);
  Batch batch;
  batch.Read(info[1], Msg::kIn, "recvmmsg");
  int flags = FlagsArg(info[2]) | MSG_CMSG_CLOEXEC;
  int n = sys::recvmmsg(fd, batch.Headers(), batch.size(), flags, has_timeout ? &ts : nullptr);
  if (n < 0) ThrowErrno(info.Env(), errno, "recvmmsg");
  return batch.Received(info.Env(), static_cast<size_t>(n));
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

// ---- awaitable forms (see async.cc: MSG_DONTWAIT, then wait for readiness on EAGAIN) ---------------

// sendmsg / recvmsg.
class MsgOp : public Op {
 public:
  MsgOp(const Napi::CallbackInfo& info, Direction direction)
      : Op(FdArg(info[0]), direction, direction == kRead ? "recvmsg" : "sendmsg") {
    size_t control_budget = kMaxControl;
    msg_.Read(info[1], "msg", direction == kRead ? Msg::kIn : Msg::kOut, syscall, control_budget);
    flags_ = FlagsArg(info[2]) | MSG_DONTWAIT | (direction == kRead ? MSG_CMSG_CLOEXEC : 0);
    msg_.Bind();
  }
  Outcome Attempt() override {
    msg_.Header(h_);
    return Retrying(err, n_, [&] { return direction == kRead ? sys::recvmsg(fd, &h_, flags_) : sys::sendmsg(fd, &h_, flags_); });
  }
  Napi::Value Result(Napi::Env env) override {
    return direction == kRead ? RecvMsgResult(env, msg_, h_, n_) : Count(env, n_);
  }
  Napi::Value Error(Napi::Env env) override { return ErrnoError(env, err, syscall, msg_.addr(), msg_.addrlen()).Value(); }
  void Hold(Napi::Env env) override { msg_.Hold(env); }
  void Refresh(Napi::Env env) override { msg_.Refresh(env, syscall); }

 private:
  Msg msg_;
  msghdr h_{};
  int flags_ = 0;
  ssize_t n_ = 0;
};

// sendmmsg / recvmmsg: complete as soon as at least one message went through, with however many did.
class MmsgOp : public Op {
 public:
  MmsgOp(const Napi::CallbackInfo& info, Direction direction)
      : Op(FdArg(info[0]), direction, direction == kRead ? "recvmmsg" : "sendmmsg") {
    batch_.Read(info[1], direction == kRead ? Msg::kIn : Msg::kOut, syscall);
    flags_ = FlagsArg(info[2]) | MSG_DONTWAIT | (direction == kRead ? MSG_CMSG_CLOEXEC : 0);
  }
  Outcome Attempt() override {
    return Retrying(err, n_, [&] {
      return direction == kRead ? sys::recvmmsg(fd, batch_.Headers(), batch_.size(), flags_, nullptr)
                                : sys::sendmmsg(fd, batch_.Headers(), batch_.size(), flags_);
    });
  }
  Napi::Value Result(Napi::Env env) override {
    return direction == kRead ? batch_.Received(env, static_cast<size_t>(n_)) : Count(env, n_);
  }
  void Hold(Napi::Env env) override { batch_.Hold(env); }
  void Refresh(Napi::Env env) override { batch_.Refresh(env, syscall); }

 private:
  Batch batch_;
  int flags_ = 0;
  ssize_t n_ = 0;
};

Napi::Value SendMsgAsync(const Napi::CallbackInfo& info) {
  return Start(info, "sendmsg", 3, [&] { return std::make_unique<MsgOp>(info, kWrite); });
}
Napi::Value RecvMsgAsync(const Napi::CallbackInfo& info) {
  return Start(info, "recvmsg", 3, [&] { return std::make_unique<MsgOp>(info, kRead); });
}
Napi::Value SendMmsgAsync(const Napi::CallbackInfo& info) {
  return Start(info, "sendmmsg", 3, [&] { return std::make_unique<MmsgOp>(info, kWrite); });
}
Napi::Value RecvMmsgAsync(const Napi::CallbackInfo& info) {
  return Start(info, "recvmmsg", 3, [&] { return std::make_unique<MmsgOp>(info, kRead); });
}

}  // namespace

void InitMsg(Napi::Env env, Napi::Object exports) {
  Export<SendMsg>(env, exports, "sendmsg");
  Export<RecvMsg>(env, exports, "recvmsg");
  Export<SendMmsg>(env, exports, "sendmmsg");
  Export<RecvMmsg>(env, exports, "recvmmsg");
  Export<CmsgSpace>(env, exports, "CMSG_SPACE");
  Export<CmsgLen>(env, exports, "CMSG_LEN");
  Export<SendMsgAsync>(env, exports, "sendmsgAsync");
  Export<RecvMsgAsync>(env, exports, "recvmsgAsync");
  Export<SendMmsgAsync>(env, exports, "sendmmsgAsync");
  Export<RecvMmsgAsync>(env, exports, "recvmmsgAsync");
}

}  // namespace sockfd
