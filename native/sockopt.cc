// setsockopt(2) and getsockopt(2), with the struct-valued options decoded both ways:
// SO_LINGER <-> { onoff, linger }, SO_RCVTIMEO/SO_SNDTIMEO <-> { sec, usec }, SO_PEERCRED -> { pid, uid, gid }.
// Any other option takes an int (number/boolean) or raw bytes, and gives back an int, or raw bytes when
// a length is asked for; the string options come back as strings, and a struct one asked without a
// length is refused with the length to pass (kOtherOptions).
#include "sockfd.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/time.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <vector>

namespace sockfd {

namespace {

constexpr int64_t kMaxOptLen = 1 << 20;  // far past any real option; bounds what a caller can allocate

bool IsTimeoutOption(int level, int optname) {
  if (level != SOL_SOCKET) return false;
  if (optname == SO_RCVTIMEO || optname == SO_SNDTIMEO) return true;
#if defined(SO_RCVTIMEO_OLD) && defined(SO_RCVTIMEO_NEW)
  // On 64-bit Linux the _OLD and _NEW forms share struct timeval's layout (asm-generic/socket.h).
  if (sizeof(time_t) == 8 && (optname == SO_RCVTIMEO_OLD || optname == SO_RCVTIMEO_NEW ||
                              optname == SO_SNDTIMEO_OLD || optname == SO_SNDTIMEO_NEW))
    return true;
#endif
  return false;
}

bool IsLingerOption(int level, int optname) { return level == SOL_SOCKET && optname == SO_LINGER; }

// The options whose value is neither an int nor one of the structs decoded here. Asked without a
// length, the kernel would write their first 4 bytes into an int, which means nothing: a string is
// decoded (read into a buffer of its largest size), a struct or byte array is refused with the length
// to pass for its bytes.
struct OtherOption {
  int level, optname;
  const char* name;
  socklen_t size;   // the value's size (for a string, its largest)
  bool string;      // NUL-terminated text
};
constexpr OtherOption kOtherOptions[] = {
#ifdef __linux__
    {IPPROTO_TCP, TCP_INFO, "TCP_INFO (struct tcp_info)", sizeof(tcp_info), false},
    {IPPROTO_TCP, TCP_CONGESTION, "TCP_CONGESTION", 16, true},  // TCP_CA_NAME_MAX
#ifdef TCP_ULP
    {IPPROTO_TCP, TCP_ULP, "TCP_ULP", 16, true},
#endif
#ifdef TCP_CC_INFO
    {IPPROTO_TCP, TCP_CC_INFO, "TCP_CC_INFO (union tcp_cc_info)", 20, false},
#endif
#ifdef TCP_REPAIR_WINDOW
    {IPPROTO_TCP, TCP_REPAIR_WINDOW, "TCP_REPAIR_WINDOW (struct tcp_repair_window)", 20, false},
#endif
    {SOL_SOCKET, SO_BINDTODEVICE, "SO_BINDTODEVICE", 16, true},  // IFNAMSIZ
    {SOL_SOCKET, SO_PEERSEC, "SO_PEERSEC", 256, true},
#ifdef SO_COOKIE
    {SOL_SOCKET, SO_COOKIE, "SO_COOKIE (a 64-bit cookie)", 8, false},
#endif
#ifdef SO_PEERGROUPS
    {SOL_SOCKET, SO_PEERGROUPS, "SO_PEERGROUPS (gid_t[])", 256, false},
#endif
#ifdef SO_MEMINFO
    {SOL_SOCKET, SO_MEMINFO, "SO_MEMINFO (__u32[SK_MEMINFO_VARS])", 36, false},
#endif
    {IPPROTO_IP, IP_OPTIONS, "IP_OPTIONS (the IP options' bytes)", 40, false},
    {IPPROTO_IP, IP_PKTOPTIONS, "IP_PKTOPTIONS (control messages)", 256, false},
    {IPPROTO_IP, IP_MULTICAST_IF, "IP_MULTICAST_IF (struct in_addr)", 4, false},
#endif
};

const OtherOption* FindOtherOption(int level, int optname) {
  for (const OtherOption& o : kOtherOptions)
    if (o.level == level && o.optname == optname) return &o;
  return nullptr;
}

[[noreturn]] void ThrowShapeMismatch(Napi::Env env, const char* shape, const char* options) {
  ThrowTypeError(env, "ERR_INVALID_ARG_VALUE",
                 std::string("The \"value\" argument ") + shape + " is only for " + options);
}

Napi::Value SetSockOpt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = FdArg(info[0]);
  int level = Int32Arg(info[1], "level");
  int optname = Int32Arg(info[2], "optname");
  Napi::Value value = info[3];
  int as_int = 0;
  linger lg{};
  timeval tv{};
  const void* optval = &as_int;
  socklen_t optlen = sizeof(as_int);
  if (value.IsNumber()) {
    // int options; unsigned ones (SO_MARK) may use the whole 32 bits
    as_int = static_cast<int>(static_cast<uint32_t>(IntegerArg(value, "value", INT32_MIN, UINT32_MAX)));
  } else if (value.IsBoolean()) {
    as_int = value.As<Napi::Boolean>().Value() ? 1 : 0;
  } else if (IsView(value)) {
    Bytes b = ViewArg(value, "value");
    if (b.length > static_cast<size_t>(kMaxOptLen))
      ThrowRangeError(env, "ERR_OUT_OF_RANGE",
                      "The \"value\" argument must be at most " + std::to_string(kMaxOptLen) + " bytes. Received " +
                          std::to_string(b.length));
    optval = b.data;
    optlen = static_cast<socklen_t>(b.length);
  } else if (value.IsObject() && !value.IsFunction() && !value.IsArray()) {
    Napi::Object o = value.As<Napi::Object>();
    if (o.Has("onoff") || o.Has("linger")) {
      if (!IsLingerOption(level, optname)) ThrowShapeMismatch(env, "{ onoff, linger }", "SO_LINGER");
      Napi::Value onoff = o.Get("onoff");
      lg.l_onoff = onoff.IsBoolean() ? onoff.As<Napi::Boolean>().Value() : Int32Arg(onoff, "value.onoff");
      lg.l_linger = static_cast<int>(IntegerArg(o.Get("linger"), "value.linger", 0, INT32_MAX));
      optval = &lg;
      optlen = sizeof(lg);
    } else if (o.Has("sec") || o.Has("usec")) {
      if (!IsTimeoutOption(level, optname)) ThrowShapeMismatch(env, "{ sec, usec }", "SO_RCVTIMEO/SO_SNDTIMEO");
      Napi::Value usec = o.Get("usec");
      tv.tv_sec = static_cast<time_t>(IntegerArg(o.Get("sec"), "value.sec", 0, INT32_MAX));
      tv.tv_usec = IsMissing(usec) ? 0 : static_cast<suseconds_t>(IntegerArg(usec, "value.usec", 0, 999999));
      optval = &tv;
      optlen = sizeof(tv);
    } else {
      ThrowTypeError(env, "ERR_INVALID_ARG_VALUE",
                     "The \"value\" argument must be { onoff, linger } or { sec, usec } when an object");
    }
  } else {
    ThrowInvalidArgType(env, "value", "of type number, boolean, object or an instance of Uint8Array", value);
  }
  if (sys::setsockopt(fd, level, optname, optval, optlen) < 0) ThrowErrno(env, errno, "setsockopt");
  return env.Undefined();
}

Napi::Value GetSockOpt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = FdArg(info[0]);
  int level = Int32Arg(info[1], "level");
  int optname = Int32Arg(info[2], "optname");
  if (!IsMissing(info[3])) {
    // Raw bytes: the kernel writes at most `length`, and reports how many it wrote.
    socklen_t len = static_cast<socklen_t>(IntegerArg(info[3], "length", 0, kMaxOptLen));
    std::vector<uint8_t> buf(len);
    if (sys::getsockopt(fd, level, optname, buf.data(), &len) < 0) ThrowErrno(env, errno, "getsockopt");
    len = std::min<socklen_t>(len, static_cast<socklen_t>(buf.size()));
    Napi::Uint8Array out = Napi::Uint8Array::New(env, len);
    if (len > 0) std::memcpy(out.Data(), buf.data(), len);
    return out;
  }
  if (IsLingerOption(level, optname)) {
    linger lg{};
    socklen_t len = sizeof(lg);
    if (sys::getsockopt(fd, level, optname, &lg, &len) < 0) ThrowErrno(env, errno, "getsockopt");
    Napi::Object o = Napi::Object::New(env);
    o.Set("onoff", lg.l_onoff);
    o.Set("linger", lg.l_linger);
    return o;
  }
  if (IsTimeoutOption(level, optname)) {
    timeval tv{};
    socklen_t len = sizeof(tv);
    if (sys::getsockopt(fd, level, optname, &tv, &len) < 0) ThrowErrno(env, errno, "getsockopt");
    Napi::Object o = Napi::Object::New(env);
    o.Set("sec", static_cast<double>(tv.tv_sec));
    o.Set("usec", static_cast<double>(tv.tv_usec));
    return o;
  }
#ifdef SO_PEERCRED
  if (level == SOL_SOCKET && optname == SO_PEERCRED) {
    ucred cred{};
    socklen_t len = sizeof(cred);
    if (sys::getsockopt(fd, level, optname, &cred, &len) < 0) ThrowErrno(env, errno, "getsockopt");
    Napi::Object o = Napi::Object::New(env);
    o.Set("pid", static_cast<double>(cred.pid));
    o.Set("uid", static_cast<double>(cred.uid));
    o.Set("gid", static_cast<double>(cred.gid));
    return o;
  }
#endif
  if (const OtherOption* other = FindOtherOption(level, optname)) {
    if (!other->string)
      ThrowTypeError(env, "ERR_INVALID_ARG_VALUE",
                     std::string("getsockopt: the value of ") + other->name + " is not an int: pass its length (" +
                         std::to_string(other->size) + ") to get its bytes");
    std::vector<char> text(other->size + 1, '\0');
    socklen_t len = other->size;
    if (sys::getsockopt(fd, level, optname, text.data(), &len) < 0) ThrowErrno(env, errno, "getsockopt");
    return Napi::String::New(env, text.data(), strnlen(text.data(), std::min<size_t>(len, other->size)));
  }
  int value = 0;
  socklen_t len = sizeof(value);
  if (sys::getsockopt(fd, level, optname, &value, &len) < 0) ThrowErrno(env, errno, "getsockopt");
  // A few IP options answer with a single byte (ip(7): IP_MULTICAST_TTL, IP_MULTICAST_LOOP).
  if (len == 1) value = *reinterpret_cast<unsigned char*>(&value);
  return Napi::Number::New(env, value);
}

}  // namespace

void InitSockopt(Napi::Env env, Napi::Object exports) {
  Export<SetSockOpt>(env, exports, "setsockopt");
  Export<GetSockOpt>(env, exports, "getsockopt");
}

}  // namespace sockfd
