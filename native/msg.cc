// sendmsg(2), recvmsg(2), sendmmsg(2), recvmmsg(2), sync and awaitable. The control messages they
// carry are cmsg.cc's.
//
// A message is the JS side of one struct msghdr: `{ iov, addr?, control? }` to send, `{ iov,
// controlLength? }` to receive, or just a buffer (or an array of buffers) as its iov. Control messages
// are laid out and parsed back by cmsg.cc.
//
// As in io.cc, every JS value (getters of message objects, array elements) is read before any pointer
// into an ArrayBuffer is taken, for all messages of a batch: no getter can detach a buffer we point into.
#include "cmsg.h"
#include "engine/engine.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <limits>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace sockfd {

namespace {
// ---- one message ----------------------------------------------------------------------------------

// n values, the first one inline: a message of one buffer (the usual case, and every message of a
// recvmmsg flood) allocates nothing for its iovec and its buffer's view. Measured: three mallocs per
// message were a quarter of a sendmmsg + recvmmsg datagram's instructions.
template <typename T>
class OneOrMany {
 public:
  void resize(size_t n) {
    many_.reset(n > 1 ? new T[n]() : nullptr);
    size_ = n;
  }
  T* data() { return many_ ? many_.get() : &one_; }
  const T* data() const { return many_ ? many_.get() : &one_; }
  T& operator[](size_t i) { return data()[i]; }
  size_t size() const { return size_; }

 private:
  T one_{};
  std::unique_ptr<T[]> many_;
  size_t size_ = 0;
};

// The JS side of one struct msghdr, owned for as long as the call or the waiting operation lasts.
// Read() reads every JS value, Bind() then takes the buffer pointers, Header() fills a msghdr.
class Msg {
 public:
  enum Kind { kOut, kIn };

  // `control_budget`: what the control buffers of the call may still take (a batch shares one).
  void Read(Napi::Value v, const std::string& name, Kind kind, const char* syscall, size_t& control_budget) {
    Napi::Env env = v.Env();
    kind_ = kind;
    Napi::Value iov = v;
    bool bare = v.IsArray() || IsView(v) || (kind == kOut && v.IsString());
    if (!bare) {
      Napi::Object o = ObjectArg(v, name);
      iov = o.Get("iov");
      if (kind == kOut) {
        Napi::Value addr = o.Get("addr");
        if (!IsMissing(addr) && !addr.IsNull()) {
          addr_ = AddressArg(addr, (name + ".addr").c_str());
          has_addr_ = true;
        }
        Napi::Value control = o.Get("control");
        if (!IsMissing(control) && !control.IsNull()) control_ = ControlArg(control, name + ".control");
      } else {
        Napi::Value length = o.Get("controlLength");
        if (!IsMissing(length)) {
          size_t n = static_cast<size_t>(IntegerArg(length, (name + ".controlLength").c_str(), 0, kMaxControl));
          if (n > control_budget)
            ThrowRangeError(env, "ERR_OUT_OF_RANGE", "The control buffers of one call may hold at most 1 MiB in all; " + name + ".controlLength is " + std::to_string(n));
          control_budget -= n;
          control_.resize(n);
        }
      }
      iov_name_ = name + ".iov";
    } else {
      iov_name_ = name;
    }
    if (iov.IsArray()) {
      std::vector<Napi::Value> items = ArrayItems(iov, iov_name_.c_str(), syscall);
      items_.resize(items.size());
      std::copy(items.begin(), items.end(), items_.data());
    } else if (IsView(iov) || (kind == kOut && iov.IsString())) {
      items_.resize(1);
      items_[0] = iov;
    } else {
      ThrowInvalidArgType(env, iov_name_.c_str(), kind == kOut ? "of type string or an instance of Buffer, TypedArray, DataView or Array" : "an instance of Buffer, TypedArray, DataView or Array", iov);
    }
  }

  // Takes the buffer pointers; no JS may run between this and the syscall.
  void Bind() {
    size_t count = items_.size();
    views_.resize(count);
    iov_.resize(count);
    if (kind_ == kOut) strings_.resize(count);  // sized once: the strings never move
    for (size_t i = 0; i < count; i++) {
      Napi::Value item = items_[i];
      Bytes b = kind_ == kOut ? DataArg(item, iov_name_.c_str(), strings_[i]) : ViewArg(item, iov_name_.c_str());
      views_[i].Set(item.IsString() ? nullptr : static_cast<napi_value>(item), b, b.length);
      iov_[i] = iovec{b.data, b.length};
    }
    items_.resize(0);
  }

  // The header for one attempt of the syscall (a receive's lengths are reset each time).
  void Header(msghdr& h) {
    h = msghdr{};
    h.msg_iov = iov_.data();
    h.msg_iovlen = iov_.size();
    if (kind_ == kIn) {
      h.msg_name = addr_.get();
      h.msg_namelen = sizeof(addr_.storage);
    } else if (has_addr_) {
      h.msg_name = addr_.get();
      h.msg_namelen = addr_.length;
    }
    if (!control_.empty()) {
      h.msg_control = control_.data();
      h.msg_controllen = control_.size();
    }
  }

  void Hold(Napi::Env env) {
    for (size_t i = 0; i < iov_.size(); i++) views_[i].Hold(env);
  }
  void Refresh(Napi::Env env, const char* syscall) {
    for (size_t i = 0; i < iov_.size(); i++) {
      views_[i].Refresh(env, syscall);
      iov_[i].iov_base = views_[i].data;
    }
  }

  // The fds the kernel installed in this process for a received header (SCM_RIGHTS).
  void CollectFds(const msghdr& h, std::vector<int>& fds) const {
    EachCmsg(h, control_.size(), [&](const cmsghdr& c, const uint8_t* data, size_t length) {
      if (c.cmsg_level != SOL_SOCKET || c.cmsg_type != SCM_RIGHTS) return;
      for (size_t i = 0; i + sizeof(int) <= length; i += sizeof(int)) fds.push_back(Load<int>(data + i));
    });
  }

  // recvmsg's result: { bytes, addr, flags, control }.
  Napi::Value Received(Napi::Env env, const msghdr& h, size_t bytes) const {
    // MSG_CMSG_CLOEXEC comes back in msg_flags (Linux copies it there); sockfd added it, not the caller.
    const int flags = h.msg_flags & ~MSG_CMSG_CLOEXEC;
    const bool has_control = CMSG_FIRSTHDR(&h) != nullptr;
    Napi::Value control = has_control ? Control(env, h) : env.Undefined();  // none: lib/address.ts makes it []
    Napi::Value made = MadeInJS(env, Made::kMessage, static_cast<const sockaddr*>(h.msg_name), h.msg_namelen,
                                {Napi::Number::New(env, static_cast<double>(bytes)), Napi::Number::New(env, flags), control});
    if (!made.IsEmpty()) return made;
    Napi::Object o = Napi::Object::New(env);
    o.Set("bytes", static_cast<double>(bytes));
    o.Set("addr", AddressToJS(env, static_cast<const sockaddr*>(h.msg_name), h.msg_namelen));
    o.Set("flags", flags);
    o.Set("control", has_control ? control : Napi::Array::New(env));
    return o;
  }

  // The control messages, as objects.
  Napi::Array Control(Napi::Env env, const msghdr& h) const {
    Napi::Array control = Napi::Array::New(env);
    uint32_t i = 0;
    EachCmsg(h, control_.size(), [&](const cmsghdr& c, const uint8_t* data, size_t length) {
      control.Set(i++, CmsgToJS(env, c, data, length));
    });
    return control;
  }

  bool HasControlRoom() const { return !control_.empty(); }
  const sockaddr* addr() const { return has_addr_ ? addr_.get() : nullptr; }
  socklen_t addrlen() const { return has_addr_ ? addr_.length : 0; }

 private:
  Kind kind_ = kOut;
  std::string iov_name_;
  OneOrMany<Napi::Value> items_;  // the iov's JS values, between Read() and Bind()
  OneOrMany<HeldView> views_;
  OneOrMany<std::string> strings_;
  OneOrMany<iovec> iov_;
  SockAddr addr_;
  bool has_addr_ = false;
  std::vector<uint8_t> control_;  // operator new's alignment suits cmsghdr
};

// Builds the JS result of received messages. The fds they carry are the caller's from then on; if
// building fails (a throwing setter on Object.prototype), they are closed, never left open unseen.
template <typename Build>
Napi::Value OwningFds(Napi::Env env, const std::vector<int>& fds, Build build) {
  for (int fd : fds) ReleaseFd(env, fd);  // new fds: nothing recorded for their numbers applies
  try {
    return build();
  } catch (...) {
    for (int fd : fds) sys::close(fd);
    throw;
  }
}

Napi::Value RecvMsgResult(Napi::Env env, const Msg& msg, const msghdr& h, ssize_t n) {
  std::vector<int> fds;
  msg.CollectFds(h, fds);
  return OwningFds(env, fds, [&] { return msg.Received(env, h, static_cast<size_t>(n)); });
}

// ---- a batch of messages (sendmmsg / recvmmsg) ----------------------------------------------------

class Batch {
 public:
  void Read(Napi::Value v, Msg::Kind kind, const char* syscall) {
    if (!v.IsArray()) ThrowInvalidArgType(v.Env(), "msgvec", "an instance of Array", v);
    Napi::Array array = v.As<Napi::Array>();
    // The kernel caps vlen at UIO_MAXIOV (1024, = IOV_MAX) and handles that many; so do we.
    size_ = std::min<uint32_t>(array.Length(), IOV_MAX);
    msgs_ = std::make_unique<Msg[]>(size_);  // a Msg holds its first view inline: it never moves
    // One budget for the whole batch: 1024 messages of 1 MiB each would pin 1 GiB of zeroed memory.
    size_t control_budget = kMaxControl;
    for (uint32_t i = 0; i < size_; i++)
      msgs_[i].Read(array.Get(i), "msgvec[" + std::to_string(i) + "]", kind, syscall, control_budget);
    for (Msg& m : messages()) m.Bind();  // every getter has run: now the pointers
    hdrs_.resize(size_);
  }

  mmsghdr* Headers() {
    for (size_t i = 0; i < size_; i++) {
      msgs_[i].Header(hdrs_[i].msg_hdr);
      hdrs_[i].msg_len = 0;
    }
    return hdrs_.data();
  }
  unsigned size() const { return size_; }
  bool HasControlRoom() const {
    return std::any_of(msgs_.get(), msgs_.get() + size_, [](const Msg& m) { return m.HasControlRoom(); });
  }

  void Hold(Napi::Env env) {
    for (Msg& m : messages()) m.Hold(env);
  }
  void Refresh(Napi::Env env, const char* syscall) {
    for (Msg& m : messages()) m.Refresh(env, syscall);
  }

  // recvmmsg's result: one recvmsg result per message received.
  Napi::Value Received(Napi::Env env, size_t count) const {
    std::vector<int> fds;
    for (size_t i = 0; i < count; i++) msgs_[i].CollectFds(hdrs_[i].msg_hdr, fds);
    return OwningFds(env, fds, [&] {
      Napi::Array out = Napi::Array::New(env, count);
      for (size_t i = 0; i < count; i++) out.Set(i, msgs_[i].Received(env, hdrs_[i].msg_hdr, hdrs_[i].msg_len));
      return out;
    });
  }

 private:
  std::span<Msg> messages() { return {msgs_.get(), size_}; }

  std::unique_ptr<Msg[]> msgs_;
  unsigned size_ = 0;
  std::vector<mmsghdr> hdrs_;
};

// recvmmsg's timeout: undefined/null or { sec, nsec }.
bool TimeoutArg(Napi::Value v, timespec& ts) {
  if (IsMissing(v) || v.IsNull()) return false;
  Napi::Object o = ObjectArg(v, "timeout");
  Napi::Value nsec = o.Get("nsec");
  ts.tv_sec = static_cast<time_t>(IntegerArg(o.Get("sec"), "timeout.sec", 0, INT32_MAX));
  ts.tv_nsec = IsMissing(nsec) ? 0 : static_cast<long>(IntegerArg(nsec, "timeout.nsec", 0, 999999999));
  return true;
}

// ---- sync bindings --------------------------------------------------------------------------------

Napi::Value SendMsg(const Napi::CallbackInfo& info) {
  int fd = FdArg(info[0]);
  Msg msg;
  size_t control_budget = kMaxControl;
  msg.Read(info[1], "msg", Msg::kOut, "sendmsg", control_budget);
  int flags = FlagsArg(info[2]);
  msg.Bind();
  msghdr h;
  msg.Header(h);
  ssize_t n = sys::sendmsg(fd, &h, flags);
  if (n < 0) ThrowErrno(info.Env(), errno, "sendmsg", msg.addr(), msg.addrlen());
  return Count(info.Env(), n);
}

// Receives with MSG_CMSG_CLOEXEC when a header has room for control messages, so that fds passed with
// SCM_RIGHTS arrive close-on-exec. AF_PACKET refuses flags it does not know with EINVAL (and passes no
// fds): on EINVAL the call is made once more as the caller asked.
template <typename Call>
auto ReceiveCloexec(bool control_room, int flags, Call call) {
  if (!control_room) return call(flags);
  auto n = call(flags | MSG_CMSG_CLOEXEC);
  if (n < 0 && errno == EINVAL) n = call(flags);
  return n;
}

Napi::Value RecvMsg(const Napi::CallbackInfo& info) {
  int fd = FdArg(info[0]);
  Msg msg;
  size_t control_budget = kMaxControl;
  msg.Read(info[1], "msg", Msg::kIn, "recvmsg", control_budget);
  int flags = FlagsArg(info[2]);
  msg.Bind();
  msghdr h;
  msg.Header(h);
  ssize_t n = ReceiveCloexec(h.msg_controllen > 0, flags, [&](int f) { return sys::recvmsg(fd, &h, f); });
  if (n < 0) ThrowErrno(info.Env(), errno, "recvmsg");
  return RecvMsgResult(info.Env(), msg, h, n);
}

Napi::Value SendMmsg(const Napi::CallbackInfo& info) {
  int fd = FdArg(info[0]);
  Batch batch;
  batch.Read(info[1], Msg::kOut, "sendmmsg");
  int flags = FlagsArg(info[2]);
  int n = sys::sendmmsg(fd, batch.Headers(), batch.size(), flags);
  if (n < 0) ThrowErrno(info.Env(), errno, "sendmmsg");
  return Count(info.Env(), n);
}

Napi::Value RecvMmsg(const Napi::CallbackInfo& info) {
  int fd = FdArg(info[0]);
  timespec ts{};
  bool has_timeout = TimeoutArg(info[3], ts);
  Batch batch;
  batch.Read(info[1], Msg::kIn, "recvmmsg");
  int flags = FlagsArg(info[2]);
  int n = ReceiveCloexec(batch.HasControlRoom(), flags, [&](int f) {
    return sys::recvmmsg(fd, batch.Headers(), batch.size(), f, has_timeout ? &ts : nullptr);
  });
  if (n < 0) ThrowErrno(info.Env(), errno, "recvmmsg");
  return batch.Received(info.Env(), static_cast<size_t>(n));
}

// ---- awaitable forms (see async.cc: MSG_DONTWAIT, then wait for readiness on EAGAIN) ---------------

// sendmsg / recvmsg.
class MsgOp : public Op {
 public:
  MsgOp(const Napi::CallbackInfo& info, Direction direction)
      : Op(FdArg(info[0]), direction, direction == kRead ? "recvmsg" : "sendmsg") {
    size_t control_budget = kMaxControl;
    msg_.Read(info[1], "msg", direction == kRead ? Msg::kIn : Msg::kOut, syscall, control_budget);
    flags_ = FlagsArg(info[2]) | MSG_DONTWAIT;
    msg_.Bind();
  }
  Outcome Attempt() override {
    msg_.Header(h_);
    return Retrying(err, n_, [&] {
      if (direction != kRead) return sys::sendmsg(fd, &h_, flags_);
      return ReceiveCloexec(h_.msg_controllen > 0, flags_, [&](int f) { return sys::recvmsg(fd, &h_, f); });
    });
  }
  Napi::Value Result(Napi::Env env) override {
    return direction == kRead ? RecvMsgResult(env, msg_, h_, n_) : Count(env, n_);
  }
  Napi::Value Error(Napi::Env env) override { return ErrnoError(env, err, syscall, msg_.addr(), msg_.addrlen()).Value(); }
  void Hold(Napi::Env env) override { msg_.Hold(env); }
  void Refresh(Napi::Env env) override { msg_.Refresh(env, syscall); }

 private:
  Msg msg_;
  msghdr h_{};
  int flags_ = 0;
  ssize_t n_ = 0;
};

// sendmmsg / recvmmsg: complete as soon as at least one message went through, with however many did.
class MmsgOp : public Op {
 public:
  MmsgOp(const Napi::CallbackInfo& info, Direction direction)
      : Op(FdArg(info[0]), direction, direction == kRead ? "recvmmsg" : "sendmmsg") {
    batch_.Read(info[1], direction == kRead ? Msg::kIn : Msg::kOut, syscall);
    flags_ = FlagsArg(info[2]) | MSG_DONTWAIT;
  }
  Outcome Attempt() override {
    return Retrying(err, n_, [&] {
      if (direction != kRead) return sys::sendmmsg(fd, batch_.Headers(), batch_.size(), flags_);
      return ReceiveCloexec(batch_.HasControlRoom(), flags_,
                            [&](int f) { return sys::recvmmsg(fd, batch_.Headers(), batch_.size(), f, nullptr); });
    });
  }
  Napi::Value Result(Napi::Env env) override {
    return direction == kRead ? batch_.Received(env, static_cast<size_t>(n_)) : Count(env, n_);
  }
  void Hold(Napi::Env env) override { batch_.Hold(env); }
  void Refresh(Napi::Env env) override { batch_.Refresh(env, syscall); }

 private:
  Batch batch_;
  int flags_ = 0;
  ssize_t n_ = 0;
};

Napi::Value SendMsgAsync(const Napi::CallbackInfo& info) {
  return Start(info, "sendmsg", 3, [&] { return std::make_unique<MsgOp>(info, kWrite); });
}
Napi::Value RecvMsgAsync(const Napi::CallbackInfo& info) {
  return Start(info, "recvmsg", 3, [&] { return std::make_unique<MsgOp>(info, kRead); });
}
Napi::Value SendMmsgAsync(const Napi::CallbackInfo& info) {
  return Start(info, "sendmmsg", 3, [&] { return std::make_unique<MmsgOp>(info, kWrite); });
}
Napi::Value RecvMmsgAsync(const Napi::CallbackInfo& info) {
  return Start(info, "recvmmsg", 3, [&] { return std::make_unique<MmsgOp>(info, kRead); });
}

}  // namespace

void InitMsg(Napi::Env env, Napi::Object exports) {
  Export<SendMsg>(env, exports, "sendmsg");
  Export<RecvMsg>(env, exports, "recvmsg");
  Export<SendMmsg>(env, exports, "sendmmsg");
  Export<RecvMmsg>(env, exports, "recvmmsg");
  Export<SendMsgAsync>(env, exports, "sendmsgAsync");
  Export<RecvMsgAsync>(env, exports, "recvmsgAsync");
  Export<SendMmsgAsync>(env, exports, "sendmmsgAsync");
  Export<RecvMmsgAsync>(env, exports, "recvmmsgAsync");
}

}  // namespace sockfd
