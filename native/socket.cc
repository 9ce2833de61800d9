// socket(2), socketpair(2), close(2), shutdown(2), and the O_NONBLOCK switch.
#include "sockfd.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>

namespace sockfd {

namespace {

// New fds are close-on-exec, as in Python (PEP 446): a child process must not inherit sockets by
// accident. SOCK_CLOEXEC makes that part of the one socket()/socketpair()/accept4() call.
#ifdef SOCK_CLOEXEC
constexpr int kCloexec = SOCK_CLOEXEC;
#else
constexpr int kCloexec = 0;  // macOS has no SOCK_CLOEXEC; see README's platform notes
#endif

Napi::Value Socket(const Napi::CallbackInfo& info) {
  int domain = Int32Arg(info[0], "domain");
  int type = Int32Arg(info[1], "type");
  int protocol = IsMissing(info[2]) ? 0 : Int32Arg(info[2], "protocol");
  int fd = sys::socket(domain, type | kCloexec, protocol);
  if (fd < 0) ThrowErrno(info.Env(), errno, "socket");
  ReleaseFd(info.Env(), fd);  // a new fd: nothing the async layer recorded for its number applies
  return Napi::Number::New(info.Env(), fd);
}

Napi::Value SocketPair(const Napi::CallbackInfo& info) {
  int domain = Int32Arg(info[0], "domain");
  int type = Int32Arg(info[1], "type");
  int protocol = IsMissing(info[2]) ? 0 : Int32Arg(info[2], "protocol");
  int sv[2];
  if (sys::socketpair(domain, type | kCloexec, protocol, sv) < 0) ThrowErrno(info.Env(), errno, "socketpair");
  ReleaseFd(info.Env(), sv[0]);
  ReleaseFd(info.Env(), sv[1]);
  Napi::Array pair = Napi::Array::New(info.Env(), 2);
  pair.Set(0u, sv[0]);
  pair.Set(1u, sv[1]);
  return pair;
}

Napi::Value Close(const Napi::CallbackInfo& info) {
  int fd = FdArg(info[0]);
  // Pending async operations reject with ECANCELED and the engine forgets the fd before it is closed.
  ReleaseBeforeClose(info.Env(), fd, "close");
  // Linux releases the fd even when close() fails with EINTR, so it is never retried (close(2) NOTES).
  if (sys::close(fd) < 0) ThrowErrno(info.Env(), errno, "close");
  return info.Env().Undefined();
}

Napi::Value Shutdown(const Napi::CallbackInfo& info) {
  int fd = FdArg(info[0]);
  int how = Int32Arg(info[1], "how");
  if (sys::shutdown(fd, how) < 0) ThrowErrno(info.Env(), errno, "shutdown");
  return info.Env().Undefined();
}

// One ioctl(FIONBIO) instead of fcntl(F_GETFL) + fcntl(F_SETFL), as libuv does on Linux.
Napi::Value SetNonBlocking(const Napi::CallbackInfo& info) {
  int fd = FdArg(info[0]);
  if (!info[1].IsBoolean()) ThrowInvalidArgType(info.Env(), "on", "of type boolean", info[1]);
  int on = info[1].As<Napi::Boolean>().Value() ? 1 : 0;
  if (sys::ioctl_int(fd, FIONBIO, &on) < 0) ThrowErrno(info.Env(), errno, "ioctl");
  ForgetNonBlocking(info.Env(), fd);
  return info.Env().Undefined();
}

Napi::Value GetNonBlocking(const Napi::CallbackInfo& info) {
  int fd = FdArg(info[0]);
  int flags = sys::fcntl(fd, F_GETFL, 0);
  if (flags < 0) ThrowErrno(info.Env(), errno, "fcntl");
  return Napi::Boolean::New(info.Env(), (flags & O_NONBLOCK) != 0);
}

}  // namespace

void InitSocket(Napi::Env env, Napi::Object exports) {
  Export<Socket>(env, exports, "socket");
  Export<SocketPair>(env, exports, "socketpair");
  Export<Close>(env, exports, "close");
  Export<Shutdown>(env, exports, "shutdown");
  Export<SetNonBlocking>(env, exports, "setNonBlocking");
  Export<GetNonBlocking>(env, exports, "getNonBlocking");
}

}  // namespace sockfd
