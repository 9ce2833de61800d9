// sendfile(2): the kernel copies from a file (or any fd it can read with splice semantics) to a socket,
// with no copy through user space. The sync binding is one call; the awaitable one (sockfd/promises)
// goes on until `count` bytes are sent or the file ends, waiting for the socket's writability between
// calls, as sendAll does for send.
#include "engine/engine.h"

#include <sys/sendfile.h>

#include <cerrno>

namespace sockfd {

namespace {

// sendfile's arguments: out_fd, in_fd, offset (null: the file position, which the call advances; a
// number: where to read from, leaving the position alone, as C's off_t *), count.
struct SendfileArgs {
  explicit SendfileArgs(const Napi::CallbackInfo& info)
      : out_fd(FdArg(info[0], "out_fd")), in_fd(FdArg(info[1], "in_fd")) {
    has_offset = !IsMissing(info[2]) && !info[2].IsNull();
    if (has_offset) offset = static_cast<off_t>(IntegerArg(info[2], "offset", 0, (int64_t{1} << 53) - 1));
    count = static_cast<size_t>(IntegerArg(info[3], "count", 0, (int64_t{1} << 53) - 1));
  }
  ssize_t Call(size_t n) { return sys::sendfile(out_fd, in_fd, has_offset ? &offset : nullptr, n); }

  int out_fd, in_fd;
  bool has_offset = false;
  off_t offset = 0;
  size_t count = 0;
};

// sendfile(out_fd, in_fd, offset, count): the bytes sent, 0 at the end of the file.
Napi::Value Sendfile(const Napi::CallbackInfo& info) {
  SendfileArgs args(info);
  ssize_t n = args.Call(args.count);
  if (n < 0) ThrowErrno(info.Env(), errno, "sendfile");
  return Count(info.Env(), n);
}

// The awaitable form: resolves with the bytes sent once `count` are, or the file ended; a rejection
// carries bytesWritten. out_fd is made non-blocking (sendfile has no MSG_DONTWAIT).
class SendfileOp : public Op {
 public:
  explicit SendfileOp(const Napi::CallbackInfo& info) : Op(FdArg(info[0], "out_fd"), kWrite, "sendfile"), args_(info) {}
  bool NeedsNonBlockingFd() const override { return true; }
  Outcome Attempt() override {
    return UntilAll(err, sent_, args_.count, [&] { return args_.Call(args_.count - sent_); });
  }
  Napi::Value Result(Napi::Env env) override { return Count(env, static_cast<ssize_t>(sent_)); }
  void Annotate(Napi::Value error) override { SetBytesWritten(error, sent_); }

 private:
  SendfileArgs args_;
  size_t sent_ = 0;
};

Napi::Value SendfileAsync(const Napi::CallbackInfo& info) {
  return Start(info, "sendfile", 4, [&] { return std::make_unique<SendfileOp>(info); });
}

}  // namespace

void InitSendfile(Napi::Env env, Napi::Object exports) {
  Export<Sendfile>(env, exports, "sendfile");
  Export<SendfileAsync>(env, exports, "sendfileAsync");
}

}  // namespace sockfd
