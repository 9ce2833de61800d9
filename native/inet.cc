// Byte order (htons(3)...), address text conversion (inet_pton(3), inet_ntop(3), inet_aton(3),
// inet_addr(3), inet_ntoa(3)) and name resolution (getaddrinfo(3), getnameinfo(3)). These are libc
// functions, not syscalls; getaddrinfo/getnameinfo may block on DNS: the sync bindings do so on the calling
// thread, as in C, the promises ones on the libuv thread pool.
#include "sockfd.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <cerrno>
#include <cstring>

namespace sockfd {

namespace {

Napi::Value Htons(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), htons(static_cast<uint16_t>(IntegerArg(info[0], "hostshort", 0, 0xffff))));
}
Napi::Value Ntohs(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), ntohs(static_cast<uint16_t>(IntegerArg(info[0], "netshort", 0, 0xffff))));
}
Napi::Value Htonl(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), htonl(static_cast<uint32_t>(IntegerArg(info[0], "hostlong", 0, UINT32_MAX))));
}
Napi::Value Ntohl(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), ntohl(static_cast<uint32_t>(IntegerArg(info[0], "netlong", 0, UINT32_MAX))));
}

std::string StringArg(Napi::Value v, const char* name) {
  if (!v.IsString()) ThrowInvalidArgType(v.Env(), name, "of type string", v);
  return v.As<Napi::String>().Utf8Value();
}

// inet_pton(af, src) -> the address bytes in network order, or null where C returns 0 (not an address).
Napi::Value InetPton(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int af = Int32Arg(info[0], "af");
  std::string src = StringArg(info[1], "src");
  unsigned char dst[sizeof(in6_addr)];
  // An embedded NUL would make C see a shorter string: such a string is not an address.
  int r = src.size() == std::strlen(src.c_str()) ? inet_pton(af, src.c_str(), dst) : 0;
  if (r < 0) ThrowErrno(env, errno, "inet_pton");
  if (r == 0) return env.Null();
  size_t n = af == AF_INET ? sizeof(in_addr) : sizeof(in6_addr);
  Napi::Uint8Array out = Napi::Uint8Array::New(env, n);
  std::memcpy(out.Data(), dst, n);
  return out;
}

Napi::Value InetNtop(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int af = Int32Arg(info[0], "af");
  Bytes src = ViewArg(info[1], "src");
  size_t need = af == AF_INET ? sizeof(in_addr) : af == AF_INET6 ? sizeof(in6_addr) : 0;
  if (need == 0) ThrowErrno(env, EAFNOSUPPORT, "inet_ntop");
  if (src.length < need)
    ThrowRangeError(env, "ERR_OUT_OF_RANGE",
                    "The \"src\" argument must be at least " + std::to_string(need) + " bytes for this family. "
                    "Received " + std::to_string(src.length));
  char text[INET6_ADDRSTRLEN];
  if (inet_ntop(af, src.data, text, sizeof(text)) == nullptr) ThrowErrno(env, errno, "inet_ntop");
  return Napi::String::New(env, text);
}

// inet_aton(cp) -> in_addr.s_addr (network order, as the number C holds) or null where C returns 0.
// Accepts the shorthand forms: "127.1", "0x7f.1", "2130706433".
Napi::Value InetAton(const Napi::CallbackInfo& info) {
  std::string cp = StringArg(info[0], "cp");
  in_addr a{};
  if (cp.size() != std::strlen(cp.c_str()) || inet_aton(cp.c_str(), &a) == 0) return info.Env().Null();
  return Napi::Number::New(info.Env(), a.s_addr);
}

// inet_addr(cp) -> in_addr_t, INADDR_NONE (0xffffffff) for a bad string, as in C.
Napi::Value InetAddr(const Napi::CallbackInfo& info) {
  std::string cp = StringArg(info[0], "cp");
  in_addr_t a = cp.size() == std::strlen(cp.c_str()) ? inet_addr(cp.c_str()) : INADDR_NONE;
  return Napi::Number::New(info.Env(), a);
}

// inet_ntoa(in) with in = s_addr. inet_ntop() does the formatting: the same text, without inet_ntoa's
// static buffer that two Worker threads could share.
Napi::Value InetNtoa(const Napi::CallbackInfo& info) {
  in_addr a{};
  a.s_addr = static_cast<in_addr_t>(IntegerArg(info[0], "in", 0, UINT32_MAX));
  char text[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &a, text, sizeof(text));
  return Napi::String::New(info.Env(), text);
}

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
  Napi::Error error = Napi::Error::New(env, std::string(syscall) + " " + EaiName(code) + (host.empty() ? "" : " " + host));
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

}  // namespace

void InitInet(Napi::Env env, Napi::Object exports) {
  Export<Htons>(env, exports, "htons");
  Export<Ntohs>(env, exports, "ntohs");
  Export<Htonl>(env, exports, "htonl");
  Export<Ntohl>(env, exports, "ntohl");
  Export<InetPton>(env, exports, "inet_pton");
  Export<InetNtop>(env, exports, "inet_ntop");
  Export<InetAton>(env, exports, "inet_aton");
  Export<InetAddr>(env, exports, "inet_addr");
  Export<InetNtoa>(env, exports, "inet_ntoa");
  Export<GetAddrInfo>(env, exports, "getaddrinfo");
  Export<GetNameInfo>(env, exports, "getnameinfo");
  Export<GetAddrInfoAsync>(env, exports, "getaddrinfoAsync");
  Export<GetNameInfoAsync>(env, exports, "getnameinfoAsync");
}

}  // namespace sockfd
