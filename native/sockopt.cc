// setsockopt(2) and getsockopt(2). A value is an int (number/boolean), raw bytes, a string for the string
// options, or an object for the struct-valued ones: those are looked up by (level, optname) in the
// tables of sockopt.h (SOL_SOCKET's here: SO_LINGER <-> { onoff, linger }, SO_RCVTIMEO/SO_SNDTIMEO <->
// { sec, usec }, SO_PEERCRED -> { pid, uid, gid }). Read back, an option gives an int, its object, its
// string, or raw bytes when a length is asked for; a struct sockfd does not decode, asked without a
// length, is refused with the length to pass (kOtherOptions).
#include "sockopt.h"

#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/time.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <unordered_map>
#include <vector>

namespace sockfd {

namespace {

constexpr int64_t kMaxOptLen = 1 << 20;  // far past any real option; bounds what a caller can allocate

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
    {SOL_SOCKET, SO_BINDTODEVICE, "SO_BINDTODEVICE", IFNAMSIZ, true},
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

uint64_t OptionKey(int level, int optname) { return uint64_t{static_cast<uint32_t>(level)} << 32 | static_cast<uint32_t>(optname); }

void EncodeLinger(Napi::Value v, OptionBytes& out) {
  Napi::Object o = StructArg(v, "struct linger", {"onoff", "linger"});
  linger lg{};
  Napi::Value onoff = o.Get("onoff");
  lg.l_onoff = onoff.IsBoolean() ? onoff.As<Napi::Boolean>().Value() : OptionalU32(o, "onoff", "value.onoff", INT32_MAX);
  lg.l_linger = static_cast<int>(OptionalU32(o, "linger", "value.linger", INT32_MAX));
  PutStruct(out, lg);
}

Napi::Value GetLinger(Napi::Env env, int fd, int level, int optname) {
  linger lg{};
  GetOptInto(env, fd, level, optname, &lg, sizeof(lg));
  Napi::Object o = Napi::Object::New(env);
  o.Set("onoff", lg.l_onoff);
  o.Set("linger", lg.l_linger);
  return o;
}

void EncodeTimeval(Napi::Value v, OptionBytes& out) {
  Napi::Object o = StructArg(v, "struct timeval", {"sec", "usec"});
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(OptionalU32(o, "sec", "value.sec", INT32_MAX));
  tv.tv_usec = static_cast<suseconds_t>(OptionalU32(o, "usec", "value.usec", 999999));
  PutStruct(out, tv);
}

Napi::Value GetTimeval(Napi::Env env, int fd, int level, int optname) {
  timeval tv{};
  GetOptInto(env, fd, level, optname, &tv, sizeof(tv));
  Napi::Object o = Napi::Object::New(env);
  o.Set("sec", static_cast<double>(tv.tv_sec));
  o.Set("usec", static_cast<double>(tv.tv_usec));
  return o;
}

#ifdef SO_PEERCRED
Napi::Value GetUcred(Napi::Env env, int fd, int level, int optname) {
  ucred cred{};
  GetOptInto(env, fd, level, optname, &cred, sizeof(cred));
  Napi::Object o = Napi::Object::New(env);
  o.Set("pid", static_cast<double>(cred.pid));
  o.Set("uid", static_cast<double>(cred.uid));
  o.Set("gid", static_cast<double>(cred.gid));
  return o;
}
#endif

constexpr StructOption kSocketOptions[] = {
    {SOL_SOCKET, SO_LINGER, EncodeLinger, GetLinger},
    {SOL_SOCKET, SO_RCVTIMEO, EncodeTimeval, GetTimeval},
    {SOL_SOCKET, SO_SNDTIMEO, EncodeTimeval, GetTimeval},
#if defined(SO_RCVTIMEO_NEW) && __SIZEOF_POINTER__ == 8
    // On 64-bit Linux the _OLD and _NEW forms share struct timeval's layout (asm-generic/socket.h).
    {SOL_SOCKET, SO_RCVTIMEO_NEW, EncodeTimeval, GetTimeval},
    {SOL_SOCKET, SO_SNDTIMEO_NEW, EncodeTimeval, GetTimeval},
#endif
#ifdef SO_PEERCRED
    {SOL_SOCKET, SO_PEERCRED, nullptr, GetUcred},
#endif
};

// What sockfd knows of an option besides "an int": its struct form, its other shape (kOtherOptions).
struct KnownOption {
  const StructOption* structured = nullptr;
  const OtherOption* other = nullptr;
};

// One hash lookup instead of a scan of every table (~46 entries), which a getsockopt of a plain int
// option, the common case, made in full to find nothing. Built once, never changed or freed (threads
// share it; nothing destroys it under a Worker at exit).
const KnownOption* FindOption(int level, int optname) {
  static const auto* const index = [] {
    auto* map = new std::unordered_map<uint64_t, KnownOption>();
    for (auto table : {SocketStructOptions(), McastStructOptions(), TcpStructOptions(), BpfStructOptions()})
      for (const StructOption& o : table) {
        KnownOption& known = (*map)[OptionKey(o.level, o.optname)];
        if (known.structured == nullptr) known.structured = &o;
      }
    for (const OtherOption& o : kOtherOptions) {
      KnownOption& known = (*map)[OptionKey(o.level, o.optname)];
      if (known.other == nullptr) known.other = &o;
    }
    return map;
  }();
  auto found = index->find(OptionKey(level, optname));
  return found == index->end() ? nullptr : &found->second;
}

const StructOption* FindStructOption(int level, int optname) {
  const KnownOption* known = FindOption(level, optname);
  return known != nullptr ? known->structured : nullptr;
}

const OtherOption* FindOtherOption(int level, int optname) {
  const KnownOption* known = FindOption(level, optname);
  return known != nullptr ? known->other : nullptr;
}

std::string OptionNumbers(int level, int optname) {
  return "option (level " + std::to_string(level) + ", optname " + std::to_string(optname) + ")";
}

// A string option's value: its bytes without a NUL (the kernel NUL-terminates what it copies).
void StringValue(Napi::Env env, Napi::Value value, int level, int optname, OptionBytes& out) {
  const OtherOption* other = FindOtherOption(level, optname);
  if (other == nullptr || !other->string)
    ThrowTypeError(env, "ERR_INVALID_ARG_VALUE",
                   "The \"value\" argument is a string, but this " + OptionNumbers(level, optname) +
                       " is not one of the string options (SO_BINDTODEVICE, TCP_CONGESTION, TCP_ULP...)");
  std::vector<char> text(other->size);
  CStringArg(value, "value", text.data(), other->size);
  out.bytes.assign(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(strnlen(text.data(), other->size)));
}

Napi::Value SetSockOpt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = FdArg(info[0]);
  int level = Int32Arg(info[1], "level");
  int optname = Int32Arg(info[2], "optname");
  Napi::Value value = info[3];
  int as_int = 0;
  OptionBytes struct_value;
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
  } else if (value.IsString() || (value.IsObject() && !value.IsFunction())) {
    if (value.IsString()) {
      StringValue(env, value, level, optname, struct_value);
    } else {
      const StructOption* option = FindStructOption(level, optname);
      if (option == nullptr || option->encode == nullptr)
        ThrowTypeError(env, "ERR_INVALID_ARG_VALUE",
                       std::string("The \"value\" argument is ") + (value.IsArray() ? "an array" : "an object") +
                           ", but this " + OptionNumbers(level, optname) +
                           " has no struct form sockfd knows: pass a number or its bytes");
      option->encode(value, struct_value);
    }
    optval = struct_value.bytes.data();
    optlen = static_cast<socklen_t>(struct_value.bytes.size());
  } else {
    ThrowInvalidArgType(env, "value", "of type number, boolean, string, object or an instance of Uint8Array", value);
  }
  if (sys::setsockopt(fd, level, optname, optval, optlen) < 0) ThrowErrno(env, errno, "setsockopt");
  return env.Undefined();
}

Napi::Value GetSockOpt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = FdArg(info[0]);
  int level = Int32Arg(info[1], "level");
  int optname = Int32Arg(info[2], "optname");
  if (info.Length() > 3 && !IsMissing(info[3])) {  // lib/index.ts passes no length rather than undefined
    // Raw bytes: the kernel writes at most `length`, and reports how many it wrote.
    socklen_t length = static_cast<socklen_t>(IntegerArg(info[3], "length", 0, kMaxOptLen));
    const socklen_t unit = OptionLengthUnit(level, optname);
    if (length % unit != 0)
      ThrowRangeError(env, "ERR_OUT_OF_RANGE",
                      "The \"length\" of this option must be a multiple of " + std::to_string(unit) + ". Received " +
                          std::to_string(length));
    std::vector<uint8_t> buf(length);
    socklen_t len = length / unit;
    if (sys::getsockopt(fd, level, optname, buf.data(), &len) < 0) ThrowErrno(env, errno, "getsockopt");
    len = std::min<socklen_t>(len * unit, length);
    Napi::Uint8Array out = Napi::Uint8Array::New(env, len);
    if (len > 0) std::memcpy(out.Data(), buf.data(), len);
    return out;
  }
  const KnownOption* known = FindOption(level, optname);  // nullptr: an int, as most options are
  if (known != nullptr && known->structured != nullptr && known->structured->get != nullptr)
    return known->structured->get(env, fd, level, optname);
  if (const OtherOption* other = known != nullptr ? known->other : nullptr) {
    if (!other->string)
      ThrowTypeError(env, "ERR_INVALID_ARG_VALUE",
                     std::string("getsockopt: the value of ") + other->name + " is not an int: pass its length (" +
                         std::to_string(other->size) + ") to get its bytes");
    std::vector<char> text(other->size + 1, '\0');
    socklen_t len = GetOptInto(env, fd, level, optname, text.data(), other->size);
    return Napi::String::New(env, text.data(), strnlen(text.data(), std::min<size_t>(len, other->size)));
  }
  int value = 0;
  socklen_t len = GetOptInto(env, fd, level, optname, &value, sizeof(value));
  // A few IP options answer with a single byte (ip(7): IP_MULTICAST_TTL, IP_MULTICAST_LOOP).
  if (len == 1) value = *reinterpret_cast<unsigned char*>(&value);
  return Napi::Number::New(env, value);
}

}  // namespace

std::span<const StructOption> SocketStructOptions() { return kSocketOptions; }

socklen_t GetOptInto(Napi::Env env, int fd, int level, int optname, void* buf, socklen_t size) {
  socklen_t len = size;
  if (sys::getsockopt(fd, level, optname, buf, &len) < 0) ThrowErrno(env, errno, "getsockopt");
  return std::min(len, size);
}

Napi::Object StructArg(Napi::Value v, const char* struct_name, std::initializer_list<const char*> fields) {
  Napi::Env env = v.Env();
  if (!v.IsObject() || v.IsArray() || v.IsFunction() || IsView(v))
    ThrowInvalidArgType(env, "value", (std::string("a ") + struct_name + " object").c_str(), v);
  Napi::Object o = v.As<Napi::Object>();
  Napi::Array keys = o.GetPropertyNames();
  for (uint32_t i = 0; i < keys.Length(); i++) {
    std::string key = keys.Get(i).ToString().Utf8Value();
    bool known = false;
    for (const char* f : fields) known = known || key == f;
    if (!known) {
      std::string list;
      for (const char* f : fields) list += (list.empty() ? "" : ", ") + std::string(f);
      ThrowTypeError(env, "ERR_INVALID_ARG_VALUE",
                     "The property 'value." + key + "' is not a field of " + struct_name + " (" + list + ")");
    }
  }
  return o;
}

void InitSockopt(Napi::Env env, Napi::Object exports) {
  Export<SetSockOpt>(env, exports, "setsockopt");
  Export<GetSockOpt>(env, exports, "getsockopt");
}

}  // namespace sockfd
