// Name lookups, from netdb.h: getaddrinfo(3), getnameinfo(3), gethostbyname(3), gethostbyname2(3),
// gethostbyaddr(3), getservbyname(3), getservbyport(3), getprotobyname(3), getprotobynumber(3), and
// gethostname(2). These are libc functions that read files (/etc/hosts, /etc/services, /etc/protocols)
// or ask DNS through NSS; they make many syscalls each, so the trace does not show them. Those that may
// block on DNS (getaddrinfo, getnameinfo, gethostby*) also have a promises binding, which runs the call
// on the libuv thread pool; the sync bindings block the calling thread, as in C.
//
// The gethostby*/getserv*/getproto* calls of C return a pointer to static storage that the next call
// overwrites, so two Workers would share it: the reentrant _r forms are called instead, each into a
// buffer of its own (grown on ERANGE), with the same results.
#include "sockfd.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <vector>

namespace sockfd {

namespace {

const char* EaiName(int code) {
  switch (code) {
#define EAI(name) \
  case name:      \
    return #name;
#ifdef EAI_ADDRFAMILY
    EAI(EAI_ADDRFAMILY)
#endif
    EAI(EAI_AGAIN) EAI(EAI_BADFLAGS) EAI(EAI_FAIL) EAI(EAI_FAMILY) EAI(EAI_MEMORY) EAI(EAI_NONAME)
    EAI(EAI_SERVICE) EAI(EAI_SOCKTYPE) EAI(EAI_SYSTEM)
#ifdef EAI_NODATA
    EAI(EAI_NODATA)
#endif
#ifdef EAI_OVERFLOW
    EAI(EAI_OVERFLOW)
#endif
#undef EAI
    default:
      return "EAI_UNKNOWN";
  }
}

// A getaddrinfo/getnameinfo failure: code is the EAI_* name and errno its (libc-defined) value, or, for
// EAI_SYSTEM, the errno error itself (`sys_errno`, saved by the thread that made the call).
[[noreturn]] void ThrowEai(Napi::Env env, int code, int sys_errno, const char* syscall, const std::string& host) {
  if (code == EAI_SYSTEM) ThrowErrno(env, sys_errno, syscall);
  // "getaddrinfo EAI_NONAME: name or service not known nosuchhost (errno -2 is an EAI_* value of
  // <netdb.h>, not an errno)": the numbers overlap errno's, so the message says whose it is.
  Napi::Error error = Napi::Error::New(env, std::string(syscall) + " " + EaiName(code) + ": " + Lowercased(gai_strerror(code)) +
                                                (host.empty() ? "" : " " + host) + " (errno " + std::to_string(code) +
                                                " is an EAI_* value of <netdb.h>, not an errno)");
  error.Set("code", Napi::String::New(env, EaiName(code)));
  error.Set("errno", Napi::Number::New(env, code));
  error.Set("syscall", Napi::String::New(env, syscall));
  error.Set("description", Napi::String::New(env, gai_strerror(code)));
  if (!host.empty()) error.Set("hostname", Napi::String::New(env, host));
  throw error;
}

int OptionalHint(Napi::Object hints, const char* key, const char* name) {
  Napi::Value v = hints.Get(key);
  return IsMissing(v) ? 0 : Int32Arg(v, name);
}

// One getaddrinfo(node, service, hints) call: the arguments validated on the JS thread, the libc call
// (thread-safe, so it may run on the thread pool), and its result as
// [{ flags, family, socktype, protocol, addr, canonname? }].
class AddrInfoCall {
 public:
  explicit AddrInfoCall(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    has_node_ = !IsMissing(info[0]) && !info[0].IsNull();
    has_service_ = !IsMissing(info[1]) && !info[1].IsNull();
    if (has_node_) node_ = StringArg(info[0], "node");
    if (has_service_) {
      service_ = info[1].IsNumber() ? std::to_string(IntegerArg(info[1], "service", 0, 65535))
                                    : StringArg(info[1], "service");
    }
    if (!IsMissing(info[2]) && !info[2].IsNull()) {
      if (!info[2].IsObject()) ThrowInvalidArgType(env, "hints", "of type object", info[2]);
      Napi::Object h = info[2].As<Napi::Object>();
      hints_.ai_flags = OptionalHint(h, "flags", "hints.flags");
      hints_.ai_family = OptionalHint(h, "family", "hints.family");
      hints_.ai_socktype = OptionalHint(h, "socktype", "hints.socktype");
      hints_.ai_protocol = OptionalHint(h, "protocol", "hints.protocol");
    }
  }
  AddrInfoCall(const AddrInfoCall&) = delete;
  AddrInfoCall& operator=(const AddrInfoCall&) = delete;
  ~AddrInfoCall() {
    if (res_ != nullptr) freeaddrinfo(res_);
  }

  void Run() {
    // A NUL inside a name would silently truncate it in C: no such host.
    if ((has_node_ && node_.size() != std::strlen(node_.c_str())) ||
        (has_service_ && service_.size() != std::strlen(service_.c_str()))) {
      rc_ = EAI_NONAME;
      return;
    }
    rc_ = getaddrinfo(has_node_ ? node_.c_str() : nullptr, has_service_ ? service_.c_str() : nullptr, &hints_, &res_);
    sys_errno_ = errno;
  }

  Napi::Value Result(Napi::Env env) {
    if (rc_ != 0) ThrowEai(env, rc_, sys_errno_, "getaddrinfo", node_);
    Napi::Array out = Napi::Array::New(env);
    uint32_t i = 0;
    for (addrinfo* ai = res_; ai != nullptr; ai = ai->ai_next) {
      Napi::Object o = Napi::Object::New(env);
      o.Set("flags", ai->ai_flags);
      o.Set("family", ai->ai_family);
      o.Set("socktype", ai->ai_socktype);
      o.Set("protocol", ai->ai_protocol);
      o.Set("addr", AddressToJS(env, ai->ai_addr, ai->ai_addrlen));
      if (ai->ai_canonname != nullptr) o.Set("canonname", ai->ai_canonname);
      out.Set(i++, o);
    }
    return out;
  }

 private:
  bool has_node_ = false;
  bool has_service_ = false;
  std::string node_;
  std::string service_;
  addrinfo hints_{};
  addrinfo* res_ = nullptr;
  int rc_ = 0;
  int sys_errno_ = 0;
};

// One getnameinfo(addr, flags) call, shaped like AddrInfoCall; the result is { host, service }.
class NameInfoCall {
 public:
  explicit NameInfoCall(const Napi::CallbackInfo& info) : addr_(AddressArg(info[0])), flags_(FlagsArg(info[1])) {}

  void Run() {
    rc_ = getnameinfo(addr_.get(), addr_.length, host_, sizeof(host_), service_, sizeof(service_), flags_);
    sys_errno_ = errno;
  }

  Napi::Value Result(Napi::Env env) {
    if (rc_ != 0) ThrowEai(env, rc_, sys_errno_, "getnameinfo", "");
    Napi::Object o = Napi::Object::New(env);
    o.Set("host", host_);
    o.Set("service", service_);
    return o;
  }

 private:
  SockAddr addr_;
  int flags_;
  char host_[NI_MAXHOST] = {};
  char service_[NI_MAXSERV] = {};
  int rc_ = 0;
  int sys_errno_ = 0;
};

// The sync binding: the libc call on the calling thread, blocking it (as in C).
template <typename Call>
Napi::Value RunNow(const Napi::CallbackInfo& info) {
  Call call(info);
  call.Run();
  return call.Result(info.Env());
}

// The promises binding: the libc call on the libuv thread pool, since it blocks on DNS.
template <typename Call>
class ThreadPoolCall : public Napi::AsyncWorker {
 public:
  ThreadPoolCall(const Napi::CallbackInfo& info, const char* name)
      : Napi::AsyncWorker(info.Env(), name), call_(info), deferred_(Napi::Promise::Deferred::New(info.Env())) {}
  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override { call_.Run(); }
  void OnOK() override {
    try {
      deferred_.Resolve(call_.Result(Env()));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }

 private:
  Call call_;
  Napi::Promise::Deferred deferred_;
};

template <typename Call>
Napi::Value RunOnThreadPool(const Napi::CallbackInfo& info, const char* name) {
  Napi::Env env = info.Env();
  try {
    auto* work = new ThreadPoolCall<Call>(info, name);  // deletes itself after OnOK
    work->Queue();
    return work->Promise();
  } catch (const Napi::Error& e) {  // invalid arguments reject, as in node:fs/promises
    Napi::Promise::Deferred d = Napi::Promise::Deferred::New(env);
    d.Reject(e.Value());
    return d.Promise();
  }
}

Napi::Value GetAddrInfo(const Napi::CallbackInfo& info) { return RunNow<AddrInfoCall>(info); }
Napi::Value GetNameInfo(const Napi::CallbackInfo& info) { return RunNow<NameInfoCall>(info); }
Napi::Value GetAddrInfoAsync(const Napi::CallbackInfo& info) {
  return RunOnThreadPool<AddrInfoCall>(info, "sockfd:getaddrinfo");
}
Napi::Value GetNameInfoAsync(const Napi::CallbackInfo& info) {
  return RunOnThreadPool<NameInfoCall>(info, "sockfd:getnameinfo");
}

// ---- hostent, servent, protoent -------------------------------------------------------------------

// A NUL inside a name would end it early in C: such a name is never found.
bool HasNul(const std::string& s) { return s.size() != std::strlen(s.c_str()); }

// Calls `call(buf, size)` (an _r lookup, returning 0 or an errno value) with a buffer that grows while it
// says ERANGE, up to 1 MiB.
template <typename Call>
int WithBuffer(std::vector<char>& buf, Call call) {
  buf.resize(1024);
  for (;;) {
    int rc = call(buf.data(), buf.size());
    if (rc != ERANGE || buf.size() >= (1u << 20)) return rc;
    buf.resize(buf.size() * 2);
  }
}

Napi::Array Strings(Napi::Env env, char** list) {
  Napi::Array out = Napi::Array::New(env);
  for (uint32_t i = 0; list != nullptr && list[i] != nullptr; i++) out.Set(i, list[i]);
  return out;
}

const char* HerrnoName(int h) {
  switch (h) {
    case HOST_NOT_FOUND: return "HOST_NOT_FOUND";
    case TRY_AGAIN: return "TRY_AGAIN";
    case NO_RECOVERY: return "NO_RECOVERY";
    case NO_DATA: return "NO_DATA";
    default: return "NETDB_UNKNOWN";
  }
}

// One gethostbyname_r / gethostbyname2_r / gethostbyaddr_r call. Its result is a hostent with C's field
// names: { h_name, h_aliases, h_addrtype, h_length, h_addr_list } (addresses in inet_ntop's form); a
// failure throws with code the h_errno name (HOST_NOT_FOUND...), errno its value, as getaddrinfo's
// errors carry their EAI_* value.
class HostCall {
 public:
  enum Kind { kByName, kByName2, kByAddr };

  HostCall(const Napi::CallbackInfo& info, Kind kind) : kind_(kind) {
    Napi::Env env = info.Env();
    if (kind != kByAddr) {
      name_ = StringArg(info[0], "name");
      af_ = kind == kByName2 ? Int32Arg(info[1], "af") : AF_INET;
      return;
    }
    // gethostbyaddr(addr, len, type): the address bytes (in_addr / in6_addr, as C passes them) or its text
    af_ = Int32Arg(info[2], "type");
    if (info[0].IsString()) {
      name_ = info[0].As<Napi::String>().Utf8Value();
      addr_.resize(sizeof(in6_addr));
      if (HasNul(name_) || inet_pton(af_, name_.c_str(), addr_.data()) != 1)
        ThrowTypeError(env, "ERR_INVALID_IP_ADDRESS", "Invalid IP address: " + name_);
      addr_.resize(af_ == AF_INET6 ? sizeof(in6_addr) : sizeof(in_addr));
    } else {
      Bytes b = ViewArg(info[0], "addr");
      addr_.assign(b.data, b.data + b.length);
    }
    addr_.resize(LengthArg(info[1], "len", addr_.size()));
  }

  void Run() {
    // glibc's files backend asserts (aborting the process) on another family: EAFNOSUPPORT instead, as
    // the man page gives it.
    if (af_ != AF_INET && af_ != AF_INET6) {
      rc_ = EAFNOSUPPORT;
      herr_ = NETDB_INTERNAL;
      return;
    }
    if (HasNul(name_) && kind_ != kByAddr) {
      herr_ = HOST_NOT_FOUND;
      return;
    }
    rc_ = WithBuffer(buf_, [&](char* buf, size_t size) {
      switch (kind_) {
        case kByName: return gethostbyname_r(name_.c_str(), &host_, buf, size, &result_, &herr_);
        case kByName2: return gethostbyname2_r(name_.c_str(), af_, &host_, buf, size, &result_, &herr_);
        default: return gethostbyaddr_r(addr_.data(), static_cast<socklen_t>(addr_.size()), af_, &host_, buf, size, &result_, &herr_);
      }
    });
  }

  Napi::Value Result(Napi::Env env) {
    const char* syscall = kind_ == kByName ? "gethostbyname" : kind_ == kByName2 ? "gethostbyname2" : "gethostbyaddr";
    if (result_ == nullptr) {
      if (herr_ == NETDB_INTERNAL || (rc_ != 0 && herr_ == 0)) ThrowErrno(env, rc_ != 0 ? rc_ : EINVAL, syscall);
      Napi::Error error = Napi::Error::New(env, std::string(syscall) + " " + HerrnoName(herr_) + ": " + Lowercased(hstrerror(herr_)) +
                                                    (name_.empty() ? "" : " " + name_) + " (errno " + std::to_string(herr_) +
                                                    " is an h_errno value of <netdb.h>, not an errno)");
      error.Set("code", HerrnoName(herr_));
      error.Set("errno", static_cast<double>(herr_));
      error.Set("syscall", syscall);
      error.Set("description", hstrerror(herr_));
      if (!name_.empty()) error.Set("hostname", name_);
      throw error;
    }
    Napi::Object o = Napi::Object::New(env);
    o.Set("h_name", host_.h_name != nullptr ? host_.h_name : "");
    o.Set("h_aliases", Strings(env, host_.h_aliases));
    o.Set("h_addrtype", host_.h_addrtype);
    o.Set("h_length", host_.h_length);
    Napi::Array list = Napi::Array::New(env);
    for (uint32_t i = 0; host_.h_addr_list != nullptr && host_.h_addr_list[i] != nullptr; i++) {
      char text[INET6_ADDRSTRLEN] = "";
      inet_ntop(host_.h_addrtype, host_.h_addr_list[i], text, sizeof(text));
      list.Set(i, text);
    }
    o.Set("h_addr_list", list);
    return o;
  }

 private:
  Kind kind_;
  std::string name_;
  int af_ = AF_INET;  // gethostbyname2's af, gethostbyaddr's type
  std::vector<uint8_t> addr_;
  std::vector<char> buf_;
  hostent host_{};
  hostent* result_ = nullptr;
  int herr_ = 0;
  int rc_ = 0;
};

template <HostCall::Kind kind>
struct HostCallOf : HostCall {
  explicit HostCallOf(const Napi::CallbackInfo& info) : HostCall(info, kind) {}
};
using ByName = HostCallOf<HostCall::kByName>;
using ByName2 = HostCallOf<HostCall::kByName2>;
using ByAddr = HostCallOf<HostCall::kByAddr>;

// An optional protocol name for getserv*: undefined or null is C's NULL (any protocol).
bool ProtoArg(Napi::Value v, std::string& proto) {
  if (IsMissing(v) || v.IsNull()) return false;
  proto = StringArg(v, "proto");
  return true;
}

// getservbyname(name, proto?) / getservbyport(port, proto?): { s_name, s_aliases, s_port, s_proto } with
// s_port in network byte order, as C gives it (ntohs(s_port) is the number), or null where C returns NULL.
Napi::Value Servent(Napi::Env env, int rc, servent* s, const char* syscall) {
  if (s == nullptr) {
    if (rc != 0 && rc != ENOENT) ThrowErrno(env, rc, syscall);
    return env.Null();
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("s_name", s->s_name);
  o.Set("s_aliases", Strings(env, s->s_aliases));
  o.Set("s_port", static_cast<uint16_t>(s->s_port));
  o.Set("s_proto", s->s_proto);
  return o;
}

Napi::Value GetServByName(const Napi::CallbackInfo& info) {
  std::string name = StringArg(info[0], "name"), proto;
  bool has_proto = ProtoArg(info[1], proto);
  if (HasNul(name) || HasNul(proto)) return info.Env().Null();
  servent s{}, *result = nullptr;
  std::vector<char> buf;
  int rc = WithBuffer(buf, [&](char* b, size_t size) {
    return getservbyname_r(name.c_str(), has_proto ? proto.c_str() : nullptr, &s, b, size, &result);
  });
  return Servent(info.Env(), rc, result, "getservbyname");
}

Napi::Value GetServByPort(const Napi::CallbackInfo& info) {
  int port = static_cast<int>(IntegerArg(info[0], "port", 0, 0xffff));  // network byte order, as in C
  std::string proto;
  bool has_proto = ProtoArg(info[1], proto);
  if (HasNul(proto)) return info.Env().Null();
  servent s{}, *result = nullptr;
  std::vector<char> buf;
  int rc = WithBuffer(buf, [&](char* b, size_t size) {
    return getservbyport_r(port, has_proto ? proto.c_str() : nullptr, &s, b, size, &result);
  });
  return Servent(info.Env(), rc, result, "getservbyport");
}

// getprotobyname(name) / getprotobynumber(proto): { p_name, p_aliases, p_proto }, or null.
Napi::Value Protoent(Napi::Env env, int rc, protoent* p, const char* syscall) {
  if (p == nullptr) {
    if (rc != 0 && rc != ENOENT) ThrowErrno(env, rc, syscall);
    return env.Null();
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("p_name", p->p_name);
  o.Set("p_aliases", Strings(env, p->p_aliases));
  o.Set("p_proto", p->p_proto);
  return o;
}

Napi::Value GetProtoByName(const Napi::CallbackInfo& info) {
  std::string name = StringArg(info[0], "name");
  if (HasNul(name)) return info.Env().Null();
  protoent p{}, *result = nullptr;
  std::vector<char> buf;
  int rc = WithBuffer(buf, [&](char* b, size_t size) { return getprotobyname_r(name.c_str(), &p, b, size, &result); });
  return Protoent(info.Env(), rc, result, "getprotobyname");
}

Napi::Value GetProtoByNumber(const Napi::CallbackInfo& info) {
  int proto = Int32Arg(info[0], "proto");
  protoent p{}, *result = nullptr;
  std::vector<char> buf;
  int rc = WithBuffer(buf, [&](char* b, size_t size) { return getprotobynumber_r(proto, &p, b, size, &result); });
  return Protoent(info.Env(), rc, result, "getprotobynumber");
}

// gethostname(): the name uname(2) reports (glibc's gethostname reads it from there).
Napi::Value GetHostName(const Napi::CallbackInfo& info) {
  char name[HOST_NAME_MAX + 1] = {};
  if (gethostname(name, sizeof(name)) < 0) ThrowErrno(info.Env(), errno, "gethostname");
  return Napi::String::New(info.Env(), name);
}

Napi::Value GetHostByName(const Napi::CallbackInfo& info) { return RunNow<ByName>(info); }
Napi::Value GetHostByName2(const Napi::CallbackInfo& info) { return RunNow<ByName2>(info); }
Napi::Value GetHostByAddr(const Napi::CallbackInfo& info) { return RunNow<ByAddr>(info); }
Napi::Value GetHostByNameAsync(const Napi::CallbackInfo& info) { return RunOnThreadPool<ByName>(info, "sockfd:gethostbyname"); }
Napi::Value GetHostByName2Async(const Napi::CallbackInfo& info) { return RunOnThreadPool<ByName2>(info, "sockfd:gethostbyname2"); }
Napi::Value GetHostByAddrAsync(const Napi::CallbackInfo& info) { return RunOnThreadPool<ByAddr>(info, "sockfd:gethostbyaddr"); }

}  // namespace

void InitNetdb(Napi::Env env, Napi::Object exports) {
  Export<GetAddrInfo>(env, exports, "getaddrinfo");
  Export<GetNameInfo>(env, exports, "getnameinfo");
  Export<GetAddrInfoAsync>(env, exports, "getaddrinfoAsync");
  Export<GetNameInfoAsync>(env, exports, "getnameinfoAsync");
  Export<GetHostName>(env, exports, "gethostname");
  Export<GetHostByName>(env, exports, "gethostbyname");
  Export<GetHostByName2>(env, exports, "gethostbyname2");
  Export<GetHostByAddr>(env, exports, "gethostbyaddr");
  Export<GetHostByNameAsync>(env, exports, "gethostbynameAsync");
  Export<GetHostByName2Async>(env, exports, "gethostbyname2Async");
  Export<GetHostByAddrAsync>(env, exports, "gethostbyaddrAsync");
  Export<GetServByName>(env, exports, "getservbyname");
  Export<GetServByPort>(env, exports, "getservbyport");
  Export<GetProtoByName>(env, exports, "getprotobyname");
  Export<GetProtoByNumber>(env, exports, "getprotobynumber");
}

}  // namespace sockfd
