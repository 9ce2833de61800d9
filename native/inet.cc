// Byte order (htons(3)...), address text conversion (inet_pton(3), inet_ntop(3), inet_aton(3),
// inet_addr(3), inet_ntoa(3)) and name resolution (getaddrinfo(3), getnameinfo(3)). These are libc
// functions, not syscalls; getaddrinfo/getnameinfo may block on DNS, and do so here, synchronously.
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
// EAI_SYSTEM, the errno error itself.
[[noreturn]] void ThrowEai(Napi::Env env, int code, const char* syscall, const std::string& host) {
  if (code == EAI_SYSTEM) ThrowErrno(env, errno, syscall);
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

// getaddrinfo(node, service, hints?) -> [{ flags, family, socktype, protocol, addr, canonname? }]
Napi::Value GetAddrInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  bool has_node = !IsMissing(info[0]) && !info[0].IsNull();
  bool has_service = !IsMissing(info[1]) && !info[1].IsNull();
  std::string node = has_node ? StringArg(info[0], "node") : "";
  std::string service;
  if (has_service) {
    service = info[1].IsNumber() ? std::to_string(IntegerArg(info[1], "service", 0, 65535))
                                 : StringArg(info[1], "service");
  }
  addrinfo hints{};
  if (!IsMissing(info[2]) && !info[2].IsNull()) {
    if (!info[2].IsObject()) ThrowInvalidArgType(env, "hints", "of type object", info[2]);
    Napi::Object h = info[2].As<Napi::Object>();
    hints.ai_flags = OptionalHint(h, "flags", "hints.flags");
    hints.ai_family = OptionalHint(h, "family", "hints.family");
    hints.ai_socktype = OptionalHint(h, "socktype", "hints.socktype");
    hints.ai_protocol = OptionalHint(h, "protocol", "hints.protocol");
  }
  if ((has_node && node.size() != std::strlen(node.c_str())) ||
      (has_service && service.size() != std::strlen(service.c_str())))
    ThrowEai(env, EAI_NONAME, "getaddrinfo", node);
  addrinfo* res = nullptr;
  int rc = getaddrinfo(has_node ? node.c_str() : nullptr, has_service ? service.c_str() : nullptr, &hints, &res);
  if (rc != 0) ThrowEai(env, rc, "getaddrinfo", node);
  // Build the array without letting an exception skip freeaddrinfo().
  Napi::Array out = Napi::Array::New(env);
  try {
    uint32_t i = 0;
    for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
      Napi::Object o = Napi::Object::New(env);
      o.Set("flags", ai->ai_flags);
      o.Set("family", ai->ai_family);
      o.Set("socktype", ai->ai_socktype);
      o.Set("protocol", ai->ai_protocol);
      o.Set("addr", AddressToJS(env, ai->ai_addr, ai->ai_addrlen));
      if (ai->ai_canonname != nullptr) o.Set("canonname", ai->ai_canonname);
      out.Set(i++, o);
    }
  } catch (...) {
    freeaddrinfo(res);
    throw;
  }
  freeaddrinfo(res);
  return out;
}

// getnameinfo(addr, flags?) -> { host, service }
Napi::Value GetNameInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  SockAddr addr = AddressArg(info[0]);
  int flags = FlagsArg(info[1]);
  char host[NI_MAXHOST];
  char serv[NI_MAXSERV];
  int rc = getnameinfo(addr.get(), addr.length, host, sizeof(host), serv, sizeof(serv), flags);
  if (rc != 0) ThrowEai(env, rc, "getnameinfo", "");
  Napi::Object o = Napi::Object::New(env);
  o.Set("host", host);
  o.Set("service", serv);
  return o;
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
}

}  // namespace sockfd
