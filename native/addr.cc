// bind(2), listen(2), accept(2)/accept4(2), connect(2), getsockname(2), getpeername(2).
#include "sockfd.h"

#include <unistd.h>

#include <cerrno>

namespace sockfd {

#ifdef SOCK_CLOEXEC
const char* const kAcceptSyscall = "accept4";
#else
const char* const kAcceptSyscall = "accept";
#endif

int AcceptFlagsArg(Napi::Value v) {
  int flags = FlagsArg(v);
#ifndef SOCK_CLOEXEC
  if (flags != 0) ThrowErrno(v.Env(), EINVAL, "accept");  // no accept4() on this platform
#endif
  return flags;
}

int AcceptConnection(int fd, SockAddr& peer, int flags) {
  peer.length = sizeof(peer.storage);
  // accept4() makes the new fd close-on-exec (and, with SOCK_NONBLOCK, non-blocking) in the same call;
  // without it (macOS) sys::accept4 is accept(), and flags is 0.
#ifdef SOCK_CLOEXEC
  flags |= SOCK_CLOEXEC;
#endif
  return sys::accept4(fd, peer.get(), &peer.length, flags);
}

Napi::Value Accepted(Napi::Env env, int client, const SockAddr& peer) {
  ReleaseFd(env, client);  // a new fd: nothing the async layer recorded for its number applies
  try {
    Napi::Value made = MadeInJS(env, Made::kAccepted, peer.get(), peer.length, {Napi::Number::New(env, client)});
    if (!made.IsEmpty()) return made;
    Napi::Object result = Napi::Object::New(env);
    result.Set("fd", client);
    result.Set("addr", AddressToJS(env, peer.get(), peer.length));
    return result;
  } catch (...) {  // JS (a setter on Object.prototype) threw: the caller would never learn the fd
    sys::close(client);
    throw;
  }
}

namespace {

Napi::Value Bind(const Napi::CallbackInfo& info) {
  int fd = FdArg(info[0]);
  SockAddr addr = AddressArg(info[1]);
  if (sys::bind(fd, addr.get(), addr.length) < 0) ThrowErrno(info.Env(), errno, "bind", addr.get(), addr.length);
  return info.Env().Undefined();
}

Napi::Value Listen(const Napi::CallbackInfo& info) {
  int fd = FdArg(info[0]);
  int backlog = IsMissing(info[1]) ? SOMAXCONN : Int32Arg(info[1], "backlog");
  if (sys::listen(fd, backlog) < 0) ThrowErrno(info.Env(), errno, "listen");
  return info.Env().Undefined();
}

Napi::Value Accept(const Napi::CallbackInfo& info) {
  int fd = FdArg(info[0]);
  int flags = AcceptFlagsArg(info[1]);
  SockAddr peer;
  int client = AcceptConnection(fd, peer, flags);
  if (client < 0) ThrowErrno(info.Env(), errno, kAcceptSyscall);
  ReleaseFd(info.Env(), client);  // a new fd: nothing the async layer recorded for its number applies
  StoreAddress(peer.get(), peer.length);  // lib/index.ts makes { fd, addr }
  return Napi::Number::New(info.Env(), client);
}

Napi::Value Connect(const Napi::CallbackInfo& info) {
  int fd = FdArg(info[0]);
  SockAddr addr = AddressArg(info[1]);
  if (sys::connect(fd, addr.get(), addr.length) < 0)
    ThrowErrno(info.Env(), errno, "connect", addr.get(), addr.length);
  return info.Env().Undefined();
}

template <int (*Call)(int, sockaddr*, socklen_t*)>
Napi::Value SockName(const Napi::CallbackInfo& info, const char* syscall) {
  int fd = FdArg(info[0]);
  SockAddr addr;
  addr.length = sizeof(addr.storage);
  if (Call(fd, addr.get(), &addr.length) < 0) ThrowErrno(info.Env(), errno, syscall);
  StoreAddress(addr.get(), addr.length);  // lib/index.ts decodes it
  return info.Env().Undefined();
}

Napi::Value GetSockName(const Napi::CallbackInfo& info) { return SockName<sys::getsockname>(info, "getsockname"); }
Napi::Value GetPeerName(const Napi::CallbackInfo& info) { return SockName<sys::getpeername>(info, "getpeername"); }

}  // namespace

void InitAddr(Napi::Env env, Napi::Object exports) {
  Export<Bind>(env, exports, "bind");
  Export<Listen>(env, exports, "listen");
  Export<Accept>(env, exports, "accept");
  Export<Connect>(env, exports, "connect");
  Export<GetSockName>(env, exports, "getsockname");
  Export<GetPeerName>(env, exports, "getpeername");
}

}  // namespace sockfd
