// JS address objects <-> struct sockaddr, both ways, plus the struct layouts the raw-sockaddr helpers
// in lib/address.ts use to build sockaddr_in / sockaddr_in6 / sockaddr_un byte for byte.
#include "sockfd.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <algorithm>
#include <initializer_list>
#include <iterator>
#include <cstring>

namespace sockfd {

namespace {

uint16_t PortOf(Napi::Object o) {
  Napi::Value v = o.Get("port");
  if (IsMissing(v)) return 0;
  if (!v.IsNumber()) ThrowInvalidArgType(v.Env(), "addr.port", "of type number", v);
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d <= 65535 && d == static_cast<double>(static_cast<int>(d))))
    ThrowRangeError(v.Env(), "ERR_SOCKET_BAD_PORT",
                    "addr.port should be >= 0 and < 65536. Received " + DescribeReceived(v) + ".");
  return static_cast<uint16_t>(d);
}

int FamilyOf(Napi::Value v) {
  if (v.IsNumber()) return static_cast<int>(IntegerArg(v, "addr.family", 0, 65535));
  if (v.IsString()) {
    std::string s = v.As<Napi::String>().Utf8Value();
    if (s == "AF_INET") return AF_INET;
    if (s == "AF_INET6") return AF_INET6;
    if (s == "AF_UNIX" || s == "AF_LOCAL") return AF_UNIX;
    if (s == "AF_UNSPEC") return AF_UNSPEC;
#ifdef __linux__
    if (s == "AF_NETLINK") return AF_NETLINK;
    if (s == "AF_PACKET") return AF_PACKET;
    if (s == "AF_VSOCK") return AF_VSOCK;
    if (s == "AF_ALG") return AF_ALG;
#endif
    ThrowTypeError(v.Env(), "ERR_INVALID_ARG_VALUE",
                   "The property 'addr.family' must be one of 'AF_INET', 'AF_INET6', 'AF_UNIX', "
                   "'AF_UNSPEC', 'AF_NETLINK', 'AF_PACKET', 'AF_VSOCK', 'AF_ALG'. Received '" + s + "'");
  }
  ThrowInvalidArgType(v.Env(), "addr.family", "of type string", v);
}

void UnixPathOf(Napi::Object o, SockAddr& out) {
  auto* sun = reinterpret_cast<sockaddr_un*>(&out.storage);
  sun->sun_family = AF_UNIX;
  constexpr size_t kOffset = offsetof(sockaddr_un, sun_path);
  Napi::Value v = o.Get("path");
  std::string path;
  if (v.IsString()) {
    path = v.As<Napi::String>().Utf8Value();
  } else if (IsView(v)) {
    Bytes b = ViewArg(v, "addr.path");
    path.assign(reinterpret_cast<const char*>(b.data), b.length);
  } else if (!IsMissing(v)) {
    ThrowInvalidArgType(o.Env(), "addr.path", "of type string or an instance of Buffer or Uint8Array", v);
  }
  if (path.empty()) {
    out.length = kOffset;  // unnamed: bind() autobinds to an abstract name on Linux
    return;
  }
  // A leading NUL is Linux's abstract namespace: the name is every byte given, no terminator. A path
  // name is NUL-terminated, so it may hold no NUL and must leave room for one.
  const bool abstract = path[0] == '\0';
  const size_t max = sizeof(sun->sun_path) - (abstract ? 0 : 1);
  if (path.size() > max)
    ThrowRangeError(o.Env(), "ERR_OUT_OF_RANGE",
                    "The AF_UNIX path is too long: " + std::to_string(path.size()) + " bytes, sun_path holds " +
                        std::to_string(max) + (abstract ? " (abstract)" : " plus its NUL"));
  if (!abstract && path.find('\0') != std::string::npos)
    ThrowTypeError(o.Env(), "ERR_INVALID_ARG_VALUE", "The AF_UNIX path must not contain a NUL byte");
  std::memcpy(sun->sun_path, path.data(), path.size());
  out.length = static_cast<socklen_t>(kOffset + path.size() + (abstract ? 0 : 1));
}

// Whether bytes are well-formed UTF-8 (RFC 3629: no overlong forms, surrogates or code points past
// U+10FFFF), i.e. whether a JS string holds them exactly.
bool IsUtf8(const char* text, size_t n) {
  const auto* p = reinterpret_cast<const unsigned char*>(text);
  for (size_t i = 0; i < n;) {
    unsigned char c = p[i];
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (len == 0 || i + len > n) return false;
    for (size_t k = 1; k < len; k++)
      if ((p[i + k] & 0xc0) != 0x80) return false;
    if (len == 2 && c < 0xc2) return false;                                     // overlong
    if (len == 3 && c == 0xe0 && p[i + 1] < 0xa0) return false;                 // overlong
    if (len == 3 && c == 0xed && p[i + 1] >= 0xa0) return false;                // surrogate
    if (len == 4 && (c > 0xf4 || (c == 0xf0 && p[i + 1] < 0x90) || (c == 0xf4 && p[i + 1] >= 0x90))) return false;
    i += len;
  }
  return true;
}

}  // namespace

SockAddr AddressArg(Napi::Value v, const char* name) {
  SockAddr out;
  if (IsView(v)) {  // a raw sockaddr, already laid out like the C struct
    Bytes b = ViewArg(v, name);
    if (b.length < sizeof(sa_family_t) || b.length > sizeof(out.storage))
      ThrowRangeError(v.Env(), "ERR_OUT_OF_RANGE",
                      std::string("A raw \"") + name + "\" must be " + std::to_string(sizeof(sa_family_t)) +
                          " to " + std::to_string(sizeof(out.storage)) + " bytes long. Received " +
                          std::to_string(b.length));
    std::memcpy(&out.storage, b.data, b.length);
    out.length = static_cast<socklen_t>(b.length);
    return out;
  }
  if (!v.IsObject() || v.IsFunction() || v.IsArray())
    ThrowInvalidArgType(v.Env(), name, "an address object or a raw sockaddr (Uint8Array)", v);
  Napi::Object o = v.As<Napi::Object>();
  int family = FamilyOf(o.Get("family"));
  switch (family) {
    case AF_INET: {
      auto* sin = reinterpret_cast<sockaddr_in*>(&out.storage);
      sin->sin_family = AF_INET;
      sin->sin_port = htons(PortOf(o));
      IpArg(o.Get("address"), "addr.address", AF_INET, &sin->sin_addr);
      out.length = sizeof(sockaddr_in);
      break;
    }
    case AF_INET6: {
      auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
      sin6->sin6_family = AF_INET6;
      sin6->sin6_port = htons(PortOf(o));
      sin6->sin6_flowinfo = htonl(OptionalU32(o, "flowinfo", "addr.flowinfo", UINT32_MAX));
      sin6->sin6_scope_id = OptionalU32(o, "scopeId", "addr.scopeId", UINT32_MAX);
      IpArg(o.Get("address"), "addr.address", AF_INET6, &sin6->sin6_addr);
      out.length = sizeof(sockaddr_in6);
      break;
    }
    case AF_UNIX:
      UnixPathOf(o, out);
      break;
    case AF_UNSPEC:  // connect() to AF_UNSPEC dissolves a datagram socket's association
      out.storage.ss_family = AF_UNSPEC;
      out.length = sizeof(sockaddr);
      break;
    default:
      if (LinuxAddressArg(family, o, out)) break;
      ThrowTypeError(v.Env(), "ERR_INVALID_ARG_VALUE",
                     "Only AF_INET, AF_INET6, AF_UNIX, AF_UNSPEC, AF_NETLINK, AF_PACKET, AF_VSOCK and AF_ALG "
                     "addresses can be given as objects; pass other families as a raw sockaddr (Uint8Array)");
  }
  return out;
}

void IpArg(Napi::Value v, const char* name, int af, void* dst) {
  if (IsMissing(v)) return;  // dst is already zero: INADDR_ANY / in6addr_any
  if (!v.IsString()) ThrowInvalidArgType(v.Env(), name, "of type string", v);
  std::string s = v.As<Napi::String>().Utf8Value();
  if (s.size() != std::strlen(s.c_str()) || inet_pton(af, s.c_str(), dst) != 1) {
    // Letters no address of the family has: most likely a host name, which the address calls never look up.
    const char* letters = af == AF_INET ? "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" : "ghijklmnopqrstuvwxyzGHIJKLMNOPQRSTUVWXYZ";
    bool name = s.find_first_of(letters) != std::string::npos;
    ThrowTypeError(v.Env(), "ERR_INVALID_IP_ADDRESS",
                   std::string("Invalid ") + (af == AF_INET ? "IPv4" : "IPv6") + " address: " + s +
                       (name ? " (a host name? addresses are numeric here: look the name up with getaddrinfo() first)" : ""));
  }
}

namespace {

// The object built in C++ alone. decodeAddressSlot, which lib/address.ts calls for what it does not
// decode itself, uses this one: a path from JS back into JS (and round again) cannot exist.
Napi::Value AddressObject(Napi::Env env, const sockaddr* sa, socklen_t len) {
  if (len < static_cast<socklen_t>(sizeof(sa_family_t))) return env.Null();
  Napi::Object o = Napi::Object::New(env);
  char text[INET6_ADDRSTRLEN];
  switch (sa->sa_family) {
    case AF_INET: {
      if (len < static_cast<socklen_t>(sizeof(sockaddr_in))) break;
      auto* sin = reinterpret_cast<const sockaddr_in*>(sa);
      inet_ntop(AF_INET, &sin->sin_addr, text, sizeof(text));
      o.Set("family", "AF_INET");
      o.Set("address", text);
      o.Set("port", ntohs(sin->sin_port));
      return o;
    }
    case AF_INET6: {
      if (len < static_cast<socklen_t>(sizeof(sockaddr_in6))) break;
      auto* sin6 = reinterpret_cast<const sockaddr_in6*>(sa);
      inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof(text));
      o.Set("family", "AF_INET6");
      o.Set("address", text);
      o.Set("port", ntohs(sin6->sin6_port));
      o.Set("flowinfo", ntohl(sin6->sin6_flowinfo));
      o.Set("scopeId", sin6->sin6_scope_id);
      return o;
    }
    case AF_UNIX: {
      auto* sun = reinterpret_cast<const sockaddr_un*>(sa);
      constexpr socklen_t kOffset = offsetof(sockaddr_un, sun_path);
      // The kernel may report a length past the struct (a full sun_path without NUL); never read past it.
      size_t room = len > kOffset ? std::min<size_t>(len - kOffset, sizeof(sun->sun_path)) : 0;
      size_t n = room > 0 && sun->sun_path[0] == '\0' ? room : strnlen(sun->sun_path, room);
      o.Set("family", "AF_UNIX");
      // A name is bytes: one that is not UTF-8 comes back as a Buffer of them, so that passing it back
      // names the same socket (a string would have U+FFFD where the bytes were).
      if (IsUtf8(sun->sun_path, n))
        o.Set("path", Napi::String::New(env, sun->sun_path, n));
      else
        o.Set("path", Napi::Buffer<char>::Copy(env, sun->sun_path, n));
      return o;
    }
    case AF_UNSPEC:
      o.Set("family", "AF_UNSPEC");
      return o;
    default:
      if (LinuxAddressToJS(o, sa, len)) return o;
      break;
  }
  // Any other family (or a truncated one): its number and the raw bytes, which bind/connect accept back.
  o.Set("family", static_cast<double>(sa->sa_family));
  size_t n = std::min<size_t>(len, sizeof(sockaddr_storage));
  Napi::Uint8Array bytes = Napi::Uint8Array::New(env, n);
  std::memcpy(bytes.Data(), sa, n);
  o.Set("bytes", bytes);
  return o;
}

}  // namespace

Napi::Value AddressToJS(Napi::Env env, const sockaddr* sa, socklen_t len) {
  if (len >= static_cast<socklen_t>(sizeof(sa_family_t)) && (sa->sa_family == AF_INET || sa->sa_family == AF_INET6)) {
    Napi::Value made = MadeInJS(env, Made::kAddress, sa, len, {});
    if (!made.IsEmpty()) return made;
  }
  return AddressObject(env, sa, len);
}

// ---- the address slot ----------------------------------------------------------------------------

namespace {

// Where the sync calls that return an address (accept, recvfrom, getsockname, getpeername) leave it:
// the length the kernel reported, then the sockaddr's bytes. lib/address.ts builds the object in
// JavaScript, where V8 makes { family, address, port } cheaply; through N-API the same object cost
// ~8,800 instructions (callgrind: three napi_set_named_property at ~2,000 each, and inet_ntop's sprintf).
struct AddressSlot {
  uint32_t length;
  uint32_t unused;  // the sockaddr at offset 8, aligned as sockaddr_storage wants
  sockaddr_storage addr;
};
// One per thread, so one per Node environment, and never freed: the external ArrayBuffer that JS sees
// over it stays valid whatever JS does with it (detached, it only reads as empty in JS).
thread_local AddressSlot slot;

// decodeAddressSlot(): the slot's address through AddressToJS, for the families lib/address.ts leaves
// to C++ (everything but AF_INET and AF_INET6), or everywhere if external buffers are not allowed.
Napi::Value DecodeAddressSlot(const Napi::CallbackInfo& info) {
  return AddressObject(info.Env(), reinterpret_cast<const sockaddr*>(&slot.addr), slot.length);
}

}  // namespace

void StoreAddress(const sockaddr* sa, socklen_t len) {
  slot.length = std::min<socklen_t>(len, sizeof(slot.addr));  // the kernel may report more than it wrote
  if (slot.length > 0) std::memcpy(&slot.addr, sa, slot.length);  // (no name: sa may be null)
}

namespace {

// lib/address.ts's makers of results from the slot (setResultMakers), per thread as the slot is: the
// address, { bytes, addr }, { fd, addr } and a received message. Every result with an IPv4 or IPv6 address (awaited
// recvfrom and accept, recvmsg, recvmmsg, errors) is made by the same JavaScript as the sync calls':
// one call into JS costs ~2,000 instructions (callgrind), where each property set through N-API costs
// ~1,500 (V8's generic SetProperty) and the address object ~8,800.
struct Makers {
  napi_env env = nullptr;
  napi_ref refs[4] = {};
};
thread_local Makers makers;

void DeleteMakerRefs() {
  for (napi_ref& ref : makers.refs) {
    if (ref != nullptr) napi_delete_reference(makers.env, ref);
    ref = nullptr;
  }
}

void DropMakers(void*) {
  DeleteMakerRefs();
  makers.env = nullptr;
}

// setResultMakers(address, received, accepted, message): handed over once, as lib/address.ts loads.
Napi::Value SetResultMakers(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  constexpr size_t count = std::size(Makers{}.refs);
  for (size_t i = 0; i < count; i++)
    if (!info[i].IsFunction()) ThrowInvalidArgType(env, "maker", "of type function", info[i]);
  // Set again (this thread's environment is the only one that can): new references, the same hook,
  // since Node aborts on a cleanup hook added twice.
  const bool first = makers.env == nullptr;
  DeleteMakerRefs();
  makers.env = env;
  for (size_t i = 0; i < count; i++) NAPI_THROW_IF_FAILED(env, napi_create_reference(env, info[i], 1, &makers.refs[i]), Napi::Value());
  if (first) napi_add_env_cleanup_hook(env, DropMakers, nullptr);
  return env.Undefined();
}

}  // namespace

Napi::Value MadeInJS(Napi::Env env, Made what, const sockaddr* sa, socklen_t len, std::initializer_list<napi_value> args) {
  napi_ref ref = makers.refs[static_cast<size_t>(what)];
  if (makers.env != static_cast<napi_env>(env) || ref == nullptr) return Napi::Value();
  StoreAddress(sa, len);
  napi_value fn, result;
  NAPI_THROW_IF_FAILED(env, napi_get_reference_value(env, ref, &fn), Napi::Value());
  NAPI_THROW_IF_FAILED(env, napi_call_function(env, env.Undefined(), fn, args.size(), args.begin(), &result), Napi::Value());
  return Napi::Value(env, result);
}

void InitAddressSlot(Napi::Env env, Napi::Object exports) {
  napi_value buffer;
  // An embedder that forbids external buffers (a V8 sandbox) gets no slot: JS decodes through C++.
  if (napi_create_external_arraybuffer(env, &slot, sizeof(slot), nullptr, nullptr, &buffer) == napi_ok) {
    exports.Set("addressSlot", Napi::Value(env, buffer));
    exports.Set("addressSlotOffset", static_cast<double>(offsetof(AddressSlot, addr)));  // where the sockaddr starts
  }
  Export<DecodeAddressSlot>(env, exports, "decodeAddressSlot");
  Export<SetResultMakers>(env, exports, "setResultMakers");
}

// Offsets and sizes of the sockaddr structs on this platform (macOS has sin_len before sin_family, ...).
void InitSockaddrLayout(Napi::Env env, Napi::Object exports) {
  auto field = [&](Napi::Object s, const char* name, size_t offset, size_t size) {
    Napi::Object f = Napi::Object::New(env);
    f.Set("offset", static_cast<double>(offset));
    f.Set("size", static_cast<double>(size));
    s.Set(name, f);
  };
  Napi::Object layout = Napi::Object::New(env);
  Napi::Object in = Napi::Object::New(env);
  in.Set("size", static_cast<double>(sizeof(sockaddr_in)));
  field(in, "sin_family", offsetof(sockaddr_in, sin_family), sizeof(sa_family_t));
  field(in, "sin_port", offsetof(sockaddr_in, sin_port), sizeof(in_port_t));
  field(in, "sin_addr", offsetof(sockaddr_in, sin_addr), sizeof(in_addr));
  layout.Set("sockaddr_in", in);
  Napi::Object in6 = Napi::Object::New(env);
  in6.Set("size", static_cast<double>(sizeof(sockaddr_in6)));
  field(in6, "sin6_family", offsetof(sockaddr_in6, sin6_family), sizeof(sa_family_t));
  field(in6, "sin6_port", offsetof(sockaddr_in6, sin6_port), sizeof(in_port_t));
  field(in6, "sin6_flowinfo", offsetof(sockaddr_in6, sin6_flowinfo), sizeof(uint32_t));
  field(in6, "sin6_addr", offsetof(sockaddr_in6, sin6_addr), sizeof(in6_addr));
  field(in6, "sin6_scope_id", offsetof(sockaddr_in6, sin6_scope_id), sizeof(uint32_t));
  layout.Set("sockaddr_in6", in6);
  Napi::Object un = Napi::Object::New(env);
  un.Set("size", static_cast<double>(sizeof(sockaddr_un)));
  field(un, "sun_family", offsetof(sockaddr_un, sun_family), sizeof(sa_family_t));
  field(un, "sun_path", offsetof(sockaddr_un, sun_path), sizeof(sockaddr_un::sun_path));
  layout.Set("sockaddr_un", un);
  layout.Set("sockaddr_storage", static_cast<double>(sizeof(sockaddr_storage)));
  exports.Set("sockaddrLayout", layout);
}

}  // namespace sockfd
