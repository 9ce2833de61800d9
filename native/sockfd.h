// Shared declarations of the sockfd addon: argument validation, errors, sockaddr conversion and the
// per-family export tables. Every JS-facing function is thin: validate all arguments (throwing Node-style
// TypeError/RangeError with an ERR_* code before any syscall), make exactly one system call, convert the
// result. Errors travel as C++ exceptions (NAPI_CPP_EXCEPTIONS) and reach JS as thrown errors;
// NODE_ADDON_API_CPP_EXCEPTIONS_ALL turns any other C++ exception (std::bad_alloc) into a JS Error
// instead of std::terminate().
#pragma once

#include <napi.h>

#include "sys.h"

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <initializer_list>
#include <vector>

namespace sockfd {

// ---- errors (errors.cc) ---------------------------------------------------------------------------

// The errno name ("EADDRINUSE"), or nullptr for a number this platform does not name.
const char* ErrnoName(int err);

// A failed system call: Error with code (errno name), errno (positive, as in C), syscall and, where the
// call had one, the address (address/port or path). Message in Node's style: "connect ECONNREFUSED
// 127.0.0.1:1".
Napi::Error ErrnoError(Napi::Env env, int err, const char* syscall, const sockaddr* sa = nullptr,
                       socklen_t salen = 0);
// libc's message text ("Name or service not known") with a lowercase initial, as Node's texts are.
std::string Lowercased(const char* text);
[[noreturn]] void ThrowErrno(Napi::Env env, int err, const char* syscall, const sockaddr* sa = nullptr,
                             socklen_t salen = 0);

// Node-style argument errors: `code` is ERR_INVALID_ARG_TYPE, ERR_OUT_OF_RANGE, ...
[[noreturn]] void ThrowTypeError(Napi::Env env, const char* code, const std::string& message);
[[noreturn]] void ThrowRangeError(Napi::Env env, const char* code, const std::string& message);
// `The "name" argument must be <expected>. Received ...`
[[noreturn]] void ThrowInvalidArgType(Napi::Env env, const char* name, const char* expected,
                                      Napi::Value actual);
// `The value of "name" is out of range. It must be <range>. Received ...`
[[noreturn]] void ThrowOutOfRange(Napi::Env env, const char* name, const std::string& range,
                                  Napi::Value actual);
// How Node's messages describe a received value: "type string ('abc')", "undefined", "an instance of X".
std::string DescribeReceived(Napi::Value v);

// A byte count returned by send/recv and friends.
inline Napi::Value Count(Napi::Env env, ssize_t n) { return Napi::Number::New(env, static_cast<double>(n)); }

// ---- arguments (args.cc) --------------------------------------------------------------------------

inline bool IsMissing(Napi::Value v) { return v.IsUndefined(); }

// An integer number in [min, max]; anything else throws before any syscall.
int64_t IntegerArg(Napi::Value v, const char* name, int64_t min, int64_t max);
// The same, or `missing` when v is undefined.
int64_t IntegerArgOr(Napi::Value v, const char* name, int64_t min, int64_t max, int64_t missing);
inline int32_t Int32Arg(Napi::Value v, const char* name) {
  return static_cast<int32_t>(IntegerArg(v, name, INT32_MIN, INT32_MAX));
}
// A file descriptor: an integer in [0, INT32_MAX].
inline int FdArg(Napi::Value v, const char* name = "fd") {
  return static_cast<int>(IntegerArg(v, name, 0, INT32_MAX));
}
// C `int flags`, defaulting to 0 when undefined.
inline int FlagsArg(Napi::Value v, const char* name = "flags") {
  return static_cast<int>(IntegerArgOr(v, name, INT32_MIN, INT32_MAX, 0));
}

// The bytes of an ArrayBufferView (any TypedArray, Buffer or DataView).
struct Bytes {
  uint8_t* data = nullptr;
  size_t length = 0;
};
bool IsView(Napi::Value v);
Bytes ViewArg(Napi::Value v, const char* name);

// Data to send: an ArrayBufferView, or a string sent as its UTF-8 bytes (copied into `storage`).
Bytes DataArg(Napi::Value v, const char* name, std::string& storage);

// The elements of an array of buffers (readv's bufs, an iov), read (running any getters) before any
// pointer is taken. More than IOV_MAX is EINVAL, as the kernel would say, before anything is allocated.
std::vector<Napi::Value> ArrayItems(Napi::Value v, const char* name, const char* syscall);

// A field of an object standing for a C struct: an integer in [0, max]; missing is 0, as in a
// memset() struct.
uint32_t OptionalU32(Napi::Object o, const char* key, const char* name, uint32_t max);

// A JS string, as UTF-8.
std::string StringArg(Napi::Value v, const char* name);

// A plain object argument (not an array, function or buffer); `name` is its name in the message.
Napi::Object ObjectArg(Napi::Value v, const std::string& name);

// An optional length that may never exceed the buffer it describes; undefined means all of it.
size_t LengthArg(Napi::Value v, const char* name, size_t max);

// ---- addresses (sockaddr.cc) ----------------------------------------------------------------------

struct SockAddr {
  sockaddr_storage storage{};
  socklen_t length = 0;
  sockaddr* get() { return reinterpret_cast<sockaddr*>(&storage); }
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

// A JS address ({ family: 'AF_INET', address, port }, AF_INET6 with flowinfo/scopeId, AF_UNIX with path,
// AF_UNSPEC) or a raw sockaddr laid out as bytes (an ArrayBufferView) -> sockaddr. Throws on bad input.
SockAddr AddressArg(Napi::Value v, const char* name = "addr");
// An IPv4/IPv6 address in text into dst (in_addr / in6_addr), through inet_pton(3); undefined leaves dst
// as it is (zero: the wildcard). Anything else, or text with a NUL in it, throws ERR_INVALID_IP_ADDRESS.
void IpArg(Napi::Value v, const char* name, int af, void* dst);
// sockaddr -> a JS address object that AddressArg accepts back unchanged.
Napi::Value AddressToJS(Napi::Env env, const sockaddr* sa, socklen_t len);
// A sync call's resulting address, into this thread's address slot, for lib/address.ts to decode.
void StoreAddress(const sockaddr* sa, socklen_t len);
// A result made in JavaScript by lib/address.ts from `args` and the address (put in the slot first):
// the address itself (no args), { bytes, addr } (bytes), { fd, addr } (fd), or a received message
// { bytes, addr, flags, control } (bytes, flags, control or undefined for none). Empty where this
// environment has no makers (lib/address.ts not loaded, or no slot): the caller builds it in C++ then.
enum class Made { kAddress, kReceived, kAccepted, kMessage };
Napi::Value MadeInJS(Napi::Env env, Made what, const sockaddr* sa, socklen_t len, std::initializer_list<napi_value> args);

// ---- Linux's own families (sockaddr_linux.cc) -----------------------------------------------------

// AF_NETLINK / AF_PACKET / AF_VSOCK / AF_ALG objects -> sockaddr; false for any other family.
bool LinuxAddressArg(int family, Napi::Object o, SockAddr& out);
// Sets o's fields from a Linux-family sockaddr; false for another family or a truncated one.
bool LinuxAddressToJS(Napi::Object o, const sockaddr* sa, socklen_t len);
// A hardware address, "02:00:00:00:00:01" or bytes, into out (at most max bytes); its length.
size_t HwAddrArg(Napi::Value v, const char* name, uint8_t* out, size_t max);
// A string into a fixed char array of `size` bytes (a device or algorithm name), NUL-padded; too long
// for the array and its NUL, or holding a NUL, throws.
void CStringArg(Napi::Value v, const char* name, char* out, size_t size);

// ---- accept, shared by the sync and the awaitable binding (addr.cc) -------------------------------

// "accept4", or "accept" where the platform has no accept4().
extern const char* const kAcceptSyscall;
// accept's flags; without accept4() only 0 is possible (EINVAL otherwise, before any syscall).
int AcceptFlagsArg(Napi::Value v);
// One accept4(fd, &peer, flags | SOCK_CLOEXEC) (or accept()): the new fd, or -1 with errno set.
int AcceptConnection(int fd, SockAddr& peer, int flags);
// accept()'s result { fd, addr } for a new connection; closes `client` if building it throws.
Napi::Value Accepted(Napi::Env env, int client, const SockAddr& peer);

// ---- export tables: one per syscall family -------------------------------------------------------

void InitConstants(Napi::Env env, Napi::Object exports);
void InitSocket(Napi::Env env, Napi::Object exports);
void InitAddr(Napi::Env env, Napi::Object exports);
void InitIo(Napi::Env env, Napi::Object exports);
void InitSockopt(Napi::Env env, Napi::Object exports);
void InitInet(Napi::Env env, Napi::Object exports);
void InitSockaddrLayout(Napi::Env env, Napi::Object exports);
void InitAddressSlot(Napi::Env env, Napi::Object exports);
void InitWatcher(Napi::Env env, Napi::Object exports);
void InitAsync(Napi::Env env, Napi::Object exports);
void InitMsg(Napi::Env env, Napi::Object exports);
void InitCmsg(Napi::Env env, Napi::Object exports);
void InitTrace(Napi::Env env, Napi::Object exports);
void InitPoll(Napi::Env env, Napi::Object exports);
void InitFd(Napi::Env env, Napi::Object exports);
void InitNetdb(Napi::Env env, Napi::Object exports);
void InitIf(Napi::Env env, Napi::Object exports);
void InitSendfile(Napi::Env env, Napi::Object exports);

// ---- the readiness engine (engine/engine.cc) -----------------------------------------------------

// Drops this environment's readiness state for fd: pending operations reject with ECANCELED and the fd
// leaves the engine's epoll set. close() calls it before close(2), and every call that creates an fd
// calls it for the new number (state left by an fd closed outside sockfd must not apply to a new socket).
void ReleaseFd(Napi::Env env, int fd);
// The same before a call that closes fd (close, dup2's and dup3's newfd), which first refuses the
// engine's own fds with EBADF naming `syscall`: closed behind the engine's back, they would stop every
// awaited call, or let the engine close a number that a new socket has taken since.
void ReleaseBeforeClose(Napi::Env env, int fd, const char* syscall);
// setNonBlocking() calls it: the engine sets O_NONBLOCK again before its next accept/connect on fd.
void ForgetNonBlocking(Napi::Env env, int fd);

// Sets exports[name] = fn (the template form calls fn directly, with no per-function allocation).
template <Napi::Function::Callback fn>
void Export(Napi::Env env, Napi::Object exports, const char* name) {
  exports.Set(name, Napi::Function::New<fn>(env, name));
}

}  // namespace sockfd
