// Classic BPF socket filters (socket(7) SO_ATTACH_FILTER, the kernel's Documentation/networking/
// filter.rst): a program is an array of struct sock_filter, `{ code, jt, jf, k }`, built with the
// BPF_* / SKF_* constants as C builds it with BPF_STMT / BPF_JUMP.
//   SO_ATTACH_FILTER, SO_ATTACH_REUSEPORT_CBPF <- the array (struct sock_fprog points at a copy that
//     lives for the call; the kernel copies it in and checks it: EINVAL for a bad program)
//   SO_GET_FILTER (= SO_ATTACH_FILTER) -> the array the socket has, [] for none. Its optlen counts
//     instructions, not bytes: the kernel writes 8 bytes per unit (OptionLengthUnit).
#include "sockopt.h"

#include <cerrno>

#ifdef __linux__
#include <linux/filter.h>
#endif

namespace sockfd {

#ifdef __linux__

namespace {

void EncodeProgram(Napi::Value v, OptionBytes& out) {
  Napi::Env env = v.Env();
  if (!v.IsArray()) ThrowInvalidArgType(env, "value", "an Array of { code, jt, jf, k } (struct sock_filter)", v);
  Napi::Array program = v.As<Napi::Array>();
  if (program.Length() > BPF_MAXINSNS)
    ThrowRangeError(env, "ERR_OUT_OF_RANGE",
                    "A BPF program may have at most " + std::to_string(BPF_MAXINSNS) + " instructions (BPF_MAXINSNS). Received " +
                        std::to_string(program.Length()));
  out.owned.resize(program.Length() * sizeof(sock_filter));
  auto* insns = reinterpret_cast<sock_filter*>(out.owned.data());
  for (uint32_t i = 0; i < program.Length(); i++) {
    std::string at = "value[" + std::to_string(i) + "]";
    Napi::Object o = StructArg(program.Get(i), "struct sock_filter", {"code", "jt", "jf", "k"});
    insns[i].code = static_cast<uint16_t>(OptionalU32(o, "code", (at + ".code").c_str(), UINT16_MAX));
    insns[i].jt = static_cast<uint8_t>(OptionalU32(o, "jt", (at + ".jt").c_str(), UINT8_MAX));
    insns[i].jf = static_cast<uint8_t>(OptionalU32(o, "jf", (at + ".jf").c_str(), UINT8_MAX));
    // k is a u32 that C programs fill with negative offsets too (SKF_NET_OFF + 28): both are taken.
    Napi::Value k = o.Get("k");
    insns[i].k = IsMissing(k) ? 0 : static_cast<uint32_t>(IntegerArg(k, (at + ".k").c_str(), INT32_MIN, UINT32_MAX));
  }
  sock_fprog fprog{};
  fprog.len = static_cast<unsigned short>(program.Length());
  fprog.filter = insns;
  PutStruct(out, fprog);
}

Napi::Value GetProgram(Napi::Env env, int fd, int level, int optname) {
  // Its length is counted in instructions, not bytes: asked with 0, the kernel says how many there are.
  socklen_t count = 0;
  if (sys::getsockopt(fd, level, optname, nullptr, &count) < 0) ThrowErrno(env, errno, "getsockopt");
  std::vector<sock_filter> insns(count);
  if (count > 0) count = GetOptInto(env, fd, level, optname, insns.data(), count);
  Napi::Array program = Napi::Array::New(env, count);
  for (uint32_t i = 0; i < count && i < insns.size(); i++) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("code", insns[i].code);
    o.Set("jt", insns[i].jt);
    o.Set("jf", insns[i].jf);
    o.Set("k", insns[i].k);
    program.Set(i, o);
  }
  return program;
}

constexpr StructOption kOptions[] = {
    {SOL_SOCKET, SO_ATTACH_FILTER, EncodeProgram, GetProgram},
    {SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, EncodeProgram, nullptr},
};
static_assert(SO_GET_FILTER == SO_ATTACH_FILTER, "getsockopt reads the filter under the number that sets it");

}  // namespace

std::span<const StructOption> BpfStructOptions() { return kOptions; }

socklen_t OptionLengthUnit(int level, int optname) {
  return level == SOL_SOCKET && optname == SO_GET_FILTER ? sizeof(sock_filter) : 1;
}

#else

std::span<const StructOption> BpfStructOptions() { return {}; }
socklen_t OptionLengthUnit(int, int) { return 1; }

#endif

}  // namespace sockfd
