// The awaitable forms of accept(2), connect(2), send(2), recv(2), sendto(2), recvfrom(2), read(2),
// write(2), readv(2), writev(2), and sendAll (send(2) until every byte is written), for sockfd/promises. Arguments are validated exactly as in the
// sync bindings; each binding takes one more argument, the cancellation token (see engine/engine.h).
//
// The send/recv family passes MSG_DONTWAIT, so an attempt never sleeps whatever the fd's O_NONBLOCK
// says; accept and connect have no such flag, so the engine sets O_NONBLOCK on their fd first.
#include "engine/engine.h"

#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <string_view>
#include <vector>

namespace sockfd {

namespace {

// Data to send: a view (held while waiting) or a string's UTF-8 bytes (owned by the operation).
class OutData {
 public:
  void Parse(Napi::Value data, Napi::Value len, const char* len_name = "len") {
    Bytes b = DataArg(data, "data", storage_);
    size_t n = LengthArg(len, len_name, b.length);
    view.Set(data.IsString() ? nullptr : static_cast<napi_value>(data), b, n);
  }
  HeldView view;

 private:
  std::string storage_;
};

// recv(fd, buf, len, flags), or read(fd, buf, count) when `syscall` is "read": read(2) works on any fd
// (pipes, ttys, netlink...) but has no MSG_DONTWAIT, so the fd itself is made non-blocking, as libuv
// does for the fds it reads.
class RecvOp : public Op {
 public:
  RecvOp(const Napi::CallbackInfo& info, const char* syscall)
      : Op(FdArg(info[0]), kRead, syscall), read_(std::string_view(syscall) == "read") {
    Bytes b = ViewArg(info[1], "buf");
    size_t len = LengthArg(info[2], read_ ? "count" : "len", b.length);
    if (!read_) flags_ = FlagsArg(info[3]) | MSG_DONTWAIT;
    buf_.Set(info[1], b, len);
  }
  bool NeedsNonBlockingFd() const override { return read_; }
  Outcome Attempt() override {
    return Retrying(err, n_, [&] { return read_ ? sys::read(fd, buf_.data, buf_.length) : sys::recv(fd, buf_.data, buf_.length, flags_); });
  }
  Napi::Value Result(Napi::Env env) override { return Count(env, n_); }
  void Hold(Napi::Env env) override { buf_.Hold(env); }
  void Refresh(Napi::Env env) override { buf_.Refresh(env, syscall); }
  // Not 0: end of stream stays readable, and no new edge would say so. Not a peek: it leaves the bytes.
  bool Short() const override {
    return n_ > 0 && static_cast<size_t>(n_) < buf_.length && !(flags_ & (MSG_PEEK | MSG_OOB));
  }

 protected:
  const bool read_;
  HeldView buf_;
  int flags_ = 0;
  ssize_t n_ = 0;
};

class RecvFromOp : public RecvOp {
 public:
  explicit RecvFromOp(const Napi::CallbackInfo& info) : RecvOp(info, "recvfrom") {}
  Outcome Attempt() override {
    return Retrying(err, n_, [&] {
      from_.length = sizeof(from_.storage);
      return sys::recvfrom(fd, buf_.data, buf_.length, flags_, from_.get(), &from_.length);
    });
  }
  Napi::Value Result(Napi::Env env) override {
    Napi::Value made = MadeInJS(env, Made::kReceived, from_.get(), from_.length, {Count(env, n_)});
    if (!made.IsEmpty()) return made;
    Napi::Object result = Napi::Object::New(env);
    result.Set("bytes", Count(env, n_));
    result.Set("addr", AddressToJS(env, from_.get(), from_.length));
    return result;
  }

 private:
  SockAddr from_;
};

// send, sendto (with_addr), or write(fd, data, count) when `syscall` is "write" (the fd made
// non-blocking, as for read).
class SendOp : public Op {
 public:
  // sendto(fd, data, len, flags, addr): the address is read first, since reading it may run JS.
  SendOp(const Napi::CallbackInfo& info, const char* syscall, bool with_addr)
      : Op(FdArg(info[0]), kWrite, syscall), write_(std::string_view(syscall) == "write") {
    has_addr_ = with_addr && !IsMissing(info[4]) && !info[4].IsNull();
    if (has_addr_) addr_ = AddressArg(info[4]);
    data_.Parse(info[1], info[2], write_ ? "count" : "len");
    if (!write_) flags_ = FlagsArg(info[3]) | MSG_DONTWAIT;
  }
  bool NeedsNonBlockingFd() const override { return write_; }
  Outcome Attempt() override {
    return Retrying(err, n_, [&] {
      if (write_) return sys::write(fd, data_.view.data, data_.view.length);
      return sys::sendto(fd, data_.view.data, data_.view.length, flags_, has_addr_ ? addr_.get() : nullptr, addr_.length);
    });
  }
  Napi::Value Result(Napi::Env env) override { return Count(env, n_); }
  Napi::Value Error(Napi::Env env) override {
    return ErrnoError(env, err, syscall, has_addr_ ? addr_.get() : nullptr, addr_.length).Value();
  }
  void Hold(Napi::Env env) override { data_.view.Hold(env); }
  void Refresh(Napi::Env env) override { data_.view.Refresh(env, syscall); }
  bool Short() const override { return static_cast<size_t>(n_) < data_.view.length; }

 protected:
  const bool write_;
  OutData data_;
  SockAddr addr_;
  bool has_addr_ = false;
  int flags_ = 0;
  ssize_t n_ = 0;
};

// sendAll: send(2) until every byte is written, waiting for writability in between. Resolves with the
// byte count; a rejection carries bytesWritten, the count that did reach the socket.
class SendAllOp : public SendOp {
 public:
  explicit SendAllOp(const Napi::CallbackInfo& info) : SendOp(info, "send", false) {}
  Outcome Attempt() override {
    return UntilAll(err, sent_, data_.view.length, [&] {
      return sys::send(fd, data_.view.data + sent_, data_.view.length - sent_, flags_);
    });
  }
  Napi::Value Result(Napi::Env env) override { return Count(env, static_cast<ssize_t>(sent_)); }
  bool Short() const override { return false; }
  void Annotate(Napi::Value error) override { SetBytesWritten(error, sent_); }

 private:
  size_t sent_ = 0;
};

class AcceptOp : public Op {
 public:
  explicit AcceptOp(const Napi::CallbackInfo& info)
      : Op(FdArg(info[0]), kRead, kAcceptSyscall), flags_(AcceptFlagsArg(info[1])) {}
  bool NeedsNonBlockingFd() const override { return true; }
  Outcome Attempt() override {
    ssize_t n;
    Outcome o = Retrying(err, n, [&] { return AcceptConnection(fd, peer_, flags_); });
    client_ = static_cast<int>(n);
    return o;
  }
  Napi::Value Result(Napi::Env env) override { return Accepted(env, client_, peer_); }

 private:
  const int flags_;
  int client_ = -1;
  SockAddr peer_;
};

// connect: EINPROGRESS waits for writability, then SO_ERROR says how the handshake ended.
class ConnectOp : public Op {
 public:
  explicit ConnectOp(const Napi::CallbackInfo& info) : Op(FdArg(info[0]), kWrite, "connect") {
    addr_ = AddressArg(info[1]);
  }
  bool NeedsNonBlockingFd() const override { return true; }
  Outcome Attempt() override {
    if (!started_) {
      started_ = true;
      if (sys::connect(fd, addr_.get(), addr_.length) == 0) return Outcome::kDone;
      err = errno;
      // EINTR: the connection attempt goes on asynchronously, like EINPROGRESS (connect(2)). EAGAIN is
      // AF_UNIX's "backlog full": an error, as in libuv, since writability would not say when to retry.
      return err == EINPROGRESS || err == EINTR ? Outcome::kWait : Outcome::kFailed;
    }
    int so_error = 0;
    socklen_t len = sizeof(so_error);
    if (sys::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len) < 0) so_error = errno;
    if (so_error == 0) return Outcome::kDone;
    err = so_error;
    return Outcome::kFailed;
  }
  Napi::Value Result(Napi::Env env) override { return env.Undefined(); }
  Napi::Value Error(Napi::Env env) override { return ErrnoError(env, err, syscall, addr_.get(), addr_.length).Value(); }

 private:
  SockAddr addr_;
  bool started_ = false;
};

// The buffers of readv(2) / writev(2): every element read first (getters run), then the pointers;
// held, and taken again before each retry, as HeldView does for one.
class IoVec {
 public:
  void Parse(Napi::Value v, const char* syscall, bool out) {
    std::vector<Napi::Value> items = ArrayItems(v, "bufs", syscall);
    count_ = items.size();
    views_ = std::make_unique<HeldView[]>(count_);
    strings_.resize(count_);  // sized once: the strings never move
    iov.resize(count_);
    for (size_t i = 0; i < count_; i++) {
      Bytes b = out ? DataArg(items[i], "bufs[i]", strings_[i]) : ViewArg(items[i], "bufs[i]");
      views_[i].Set(items[i].IsString() ? nullptr : static_cast<napi_value>(items[i]), b, b.length);
      iov[i] = iovec{b.data, b.length};
      total += b.length;
    }
  }
  void Hold(Napi::Env env) {
    for (size_t i = 0; i < count_; i++) views_[i].Hold(env);
  }
  void Refresh(Napi::Env env, const char* syscall) {
    for (size_t i = 0; i < count_; i++) {
      views_[i].Refresh(env, syscall);
      iov[i].iov_base = views_[i].data;
    }
  }
  std::vector<iovec> iov;
  size_t total = 0;

 private:
  size_t count_ = 0;
  std::unique_ptr<HeldView[]> views_;
  std::vector<std::string> strings_;
};

class VectorOp : public Op {
 public:
  VectorOp(const Napi::CallbackInfo& info, Direction d) : Op(FdArg(info[0]), d, d == kRead ? "readv" : "writev") {
    bufs_.Parse(info[1], syscall, d == kWrite);
  }
  bool NeedsNonBlockingFd() const override { return true; }
  Outcome Attempt() override {
    return Retrying(err, n_, [&] {
      int count = static_cast<int>(bufs_.iov.size());
      return direction == kRead ? sys::readv(fd, bufs_.iov.data(), count) : sys::writev(fd, bufs_.iov.data(), count);
    });
  }
  Napi::Value Result(Napi::Env env) override { return Count(env, n_); }
  void Hold(Napi::Env env) override { bufs_.Hold(env); }
  void Refresh(Napi::Env env) override { bufs_.Refresh(env, syscall); }
  bool Short() const override { return n_ > 0 && static_cast<size_t>(n_) < bufs_.total; }

 private:
  IoVec bufs_;
  ssize_t n_ = 0;
};

// Each binding: the sync binding's arguments, then the token.
Napi::Value AcceptAsync(const Napi::CallbackInfo& info) {
  return Start(info, kAcceptSyscall, 2, [&] { return std::make_unique<AcceptOp>(info); });
}
Napi::Value ConnectAsync(const Napi::CallbackInfo& info) {
  return Start(info, "connect", 2, [&] { return std::make_unique<ConnectOp>(info); });
}
Napi::Value RecvAsync(const Napi::CallbackInfo& info) {
  return Start(info, "recv", 4, [&] { return std::make_unique<RecvOp>(info, "recv"); });
}
Napi::Value RecvFromAsync(const Napi::CallbackInfo& info) {
  return Start(info, "recvfrom", 4, [&] { return std::make_unique<RecvFromOp>(info); });
}
Napi::Value SendAsync(const Napi::CallbackInfo& info) {
  return Start(info, "send", 4, [&] { return std::make_unique<SendOp>(info, "send", false); });
}
Napi::Value SendToAsync(const Napi::CallbackInfo& info) {
  return Start(info, "sendto", 5, [&] { return std::make_unique<SendOp>(info, "sendto", true); });
}
Napi::Value ReadAsync(const Napi::CallbackInfo& info) {
  return Start(info, "read", 3, [&] { return std::make_unique<RecvOp>(info, "read"); });
}
Napi::Value WriteAsync(const Napi::CallbackInfo& info) {
  return Start(info, "write", 3, [&] { return std::make_unique<SendOp>(info, "write", false); });
}
Napi::Value ReadvAsync(const Napi::CallbackInfo& info) {
  return Start(info, "readv", 2, [&] { return std::make_unique<VectorOp>(info, kRead); });
}
Napi::Value WritevAsync(const Napi::CallbackInfo& info) {
  return Start(info, "writev", 2, [&] { return std::make_unique<VectorOp>(info, kWrite); });
}
Napi::Value SendAllAsync(const Napi::CallbackInfo& info) {
  return Start(info, "send", 4, [&] { return std::make_unique<SendAllOp>(info); });
}

}  // namespace

void InitAsync(Napi::Env env, Napi::Object exports) {
  Export<AcceptAsync>(env, exports, "acceptAsync");
  Export<ConnectAsync>(env, exports, "connectAsync");
  Export<RecvAsync>(env, exports, "recvAsync");
  Export<RecvFromAsync>(env, exports, "recvfromAsync");
  Export<SendAsync>(env, exports, "sendAsync");
  Export<SendToAsync>(env, exports, "sendtoAsync");
  Export<SendAllAsync>(env, exports, "sendAllAsync");
  Export<ReadAsync>(env, exports, "readAsync");
  Export<WriteAsync>(env, exports, "writeAsync");
  Export<ReadvAsync>(env, exports, "readvAsync");
  Export<WritevAsync>(env, exports, "writevAsync");
}

}  // namespace sockfd
