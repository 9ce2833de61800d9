// The file-descriptor calls around sockets: fcntl(2) (the commands whose argument is an int), dup(2),
// dup2(2), dup3(2), ioctl(2) (the socket requests that take or give an int), sockatmark(3).
//
// fcntl and ioctl take a third argument whose type depends on the command: an int for some, a pointer
// for others (F_GETLK's struct flock, SIOCGIFCONF's struct ifconf). Handed a JS number where the kernel
// expects a pointer, it would write to whatever address that number is, so only the commands listed
// here are passed on; any other is refused before the call.
#include "sockfd.h"

#include <fcntl.h>
#ifdef __linux__
#include <linux/sockios.h>  // SIOCOUTQ, SIOCOUTQNSD
#endif
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace sockfd {

namespace {

// ---- fcntl --------------------------------------------------------------------------------------

struct FcntlCommand {
  int cmd;
  bool takes_int;  // else it takes nothing
  bool makes_fd;   // F_DUPFD*: the result is a new fd
};

// glibc makes F_GETOWN/F_SETOWN as F_GETOWN_EX/F_SETOWN_EX (struct f_owner_ex), so they are not here:
// what strace showed would not be the call named.
constexpr FcntlCommand kFcntlCommands[] = {
    {F_GETFD, false, false}, {F_SETFD, true, false}, {F_GETFL, false, false},
    {F_SETFL, true, false},  {F_DUPFD, true, true},  {F_DUPFD_CLOEXEC, true, true},
#ifdef F_GETPIPE_SZ
    {F_GETPIPE_SZ, false, false}, {F_SETPIPE_SZ, true, false},
#endif
};

const FcntlCommand* FindFcntl(int cmd) {
  for (const FcntlCommand& c : kFcntlCommands)
    if (c.cmd == cmd) return &c;
  return nullptr;
}

// fcntl(fd, cmd, arg): the result as C returns it (flags, an fd, 0...).
Napi::Value Fcntl(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = FdArg(info[0]);
  int cmd = Int32Arg(info[1], "cmd");
  const FcntlCommand* c = FindFcntl(cmd);
  if (c == nullptr)
    ThrowTypeError(env, "ERR_INVALID_ARG_VALUE",
                   "fcntl command " + std::to_string(cmd) +
                       " is not one sockfd passes: only those whose argument is an int or nothing (F_GETFL, F_SETFL, "
                       "F_GETFD, F_SETFD, F_DUPFD, F_DUPFD_CLOEXEC, F_GETPIPE_SZ, F_SETPIPE_SZ)");
  int arg = 0;
  if (c->takes_int) arg = Int32Arg(info[2], "arg");
  int r = sys::fcntl(fd, cmd, arg);
  if (r < 0) ThrowErrno(env, errno, "fcntl");
  if (c->makes_fd) ReleaseFd(env, r);  // a new fd: nothing recorded for its number applies
  if (cmd == F_SETFL) ForgetNonBlocking(env, fd);  // O_NONBLOCK may have changed: the engine sets it again
  return Napi::Number::New(env, r);
}

// ---- dup ----------------------------------------------------------------------------------------

Napi::Value Dup(const Napi::CallbackInfo& info) {
  int fd = FdArg(info[0], "oldfd");
  int r = sys::dup(fd);
  if (r < 0) ThrowErrno(info.Env(), errno, "dup");
  ReleaseFd(info.Env(), r);
  return Napi::Number::New(info.Env(), r);
}

// dup2/dup3 close newfd first (silently, as close() would): calls of sockfd/promises waiting on it
// reject with ECANCELED before the call, as they do for close().
Napi::Value Dup2(const Napi::CallbackInfo& info) {
  int oldfd = FdArg(info[0], "oldfd");
  int newfd = FdArg(info[1], "newfd");
  if (oldfd != newfd) ReleaseBeforeClose(info.Env(), newfd, "dup2");  // dup2(fd, fd) changes nothing
  int r = sys::dup2(oldfd, newfd);
  if (r < 0) ThrowErrno(info.Env(), errno, "dup2");
  return Napi::Number::New(info.Env(), r);
}

Napi::Value Dup3(const Napi::CallbackInfo& info) {
  int oldfd = FdArg(info[0], "oldfd");
  int newfd = FdArg(info[1], "newfd");
  int flags = FlagsArg(info[2]);
  if (oldfd != newfd) ReleaseBeforeClose(info.Env(), newfd, "dup3");  // dup3(fd, fd) is EINVAL and closes nothing
  int r = sys::dup3(oldfd, newfd, flags);
  if (r < 0) ThrowErrno(info.Env(), errno, "dup3");
  return Napi::Number::New(info.Env(), r);
}

// ---- ioctl --------------------------------------------------------------------------------------

// The requests passed on: each reads or writes one int through its pointer argument.
enum class IoctlArg { kGet, kSet };
struct IoctlRequest {
  unsigned long request;
  IoctlArg arg;
};
constexpr IoctlRequest kIoctlRequests[] = {
    {FIONREAD, IoctlArg::kGet},  // SIOCINQ: bytes queued to read (a datagram socket: the next datagram's size)
    {SIOCOUTQ, IoctlArg::kGet},  // bytes not yet acknowledged by the peer (TCP) / not yet sent
#ifdef SIOCOUTQNSD
    {SIOCOUTQNSD, IoctlArg::kGet},  // TCP: bytes not yet sent at all
#endif
    {SIOCATMARK, IoctlArg::kGet},  // at the urgent-data mark
    {FIONBIO, IoctlArg::kSet},     // O_NONBLOCK on or off
};

// ioctl(fd, request, value?): for a request that gives an int, returns it; for FIONBIO, which takes
// one, passes `value` and returns ioctl's result, 0.
Napi::Value Ioctl(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = FdArg(info[0]);
  int64_t request = IntegerArg(info[1], "request", 0, UINT32_MAX);
  const IoctlRequest* found = nullptr;
  for (const IoctlRequest& r : kIoctlRequests)
    if (r.request == static_cast<unsigned long>(request)) found = &r;
  if (found == nullptr)
    ThrowTypeError(env, "ERR_INVALID_ARG_VALUE",
                   "ioctl request " + std::to_string(request) +
                       " is not one sockfd passes: only those that read or write one int (FIONREAD/SIOCINQ, "
                       "SIOCOUTQ, SIOCOUTQNSD, SIOCATMARK, FIONBIO)");
  int value = found->arg == IoctlArg::kSet ? Int32Arg(info[2], "value") : 0;
  int r = sys::ioctl_int(fd, found->request, &value);
  if (r < 0) ThrowErrno(env, errno, "ioctl");
  if (found->request == FIONBIO) ForgetNonBlocking(env, fd);
  return Napi::Number::New(env, found->arg == IoctlArg::kGet ? value : r);
}

// sockatmark(fd): 1 at the urgent-data mark, 0 otherwise. glibc makes it as ioctl(SIOCATMARK), which is
// what the trace and strace show.
Napi::Value Sockatmark(const Napi::CallbackInfo& info) {
  int fd = FdArg(info[0]);
  int at = 0;
  if (sys::ioctl_int(fd, SIOCATMARK, &at) < 0) ThrowErrno(info.Env(), errno, "sockatmark");
  return Napi::Number::New(info.Env(), at);
}

}  // namespace

void InitFd(Napi::Env env, Napi::Object exports) {
  Export<Fcntl>(env, exports, "fcntl");
  Export<Dup>(env, exports, "dup");
  Export<Dup2>(env, exports, "dup2");
  Export<Dup3>(env, exports, "dup3");
  Export<Ioctl>(env, exports, "ioctl");
  Export<Sockatmark>(env, exports, "sockatmark");
}

}  // namespace sockfd
