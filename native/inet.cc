// Byte order (htons(3)...) and address text conversion (inet_pton(3), inet_ntop(3), inet_aton(3),
// inet_addr(3), inet_ntoa(3)): libc functions, not syscalls. Name lookups are in netdb.cc.
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
}

}  // namespace sockfd
