// I/O multiplexing: select(2), poll(2), epoll_create(2)/epoll_create1(2), epoll_ctl(2), epoll_wait(2),
// and their awaitable forms for sockfd/promises.
//
// The sync calls are one call, one syscall, with C's arguments: fd_sets and struct pollfd filled in
// place. The awaitable ones never block the loop and use no thread: they make the call with a zero
// timeout; if nothing is ready, they wait on the readiness engine and make it again. epoll_wait waits
// on the user's epoll fd itself (an epoll fd is pollable); poll and select wait on a private epoll fd
// holding their fds (level-triggered, with the events they ask for), closed when the call ends. A
// timeout is lib/promises.ts's timer, which ends the wait with the "nothing ready" result (Expire).
#include "engine/engine.h"

#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <unordered_map>
#include <vector>

namespace sockfd {

namespace {

// fd_set is a bitmap of longs; on a little-endian platform that is a plain bitmap of bytes (fd n is bit
// n % 8 of byte n / 8), which is what lib/poll.ts's FD_SET/FD_CLR/FD_ISSET compute.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "lib/poll.ts assumes fd_set is a little-endian bitmap");

// epoll_wait's events come into a buffer the addon allocates: a bound on its size (12-16 MiB).
constexpr int64_t kMaxEpollEvents = 1 << 20;
// poll(): the kernel takes at most RLIMIT_NOFILE entries (EINVAL beyond); this bounds what is
// allocated before the kernel can say so (fs.nr_open's default).
constexpr uint32_t kMaxPollFds = 1 << 20;

// ---- fd_set and timeouts -------------------------------------------------------------------------

// One of select()'s sets: null/undefined (C's NULL), or the bytes of an fd_set (lib/poll.ts's fd_set).
// The call works on a copy (aligned, and safe from the caller's buffer changing size) and writes it
// back after, so the caller's set is updated in place, as in C.
struct FdSetArg {
  HeldView bytes;
  fd_set set;
  bool present = false;

  void Read(Napi::Value v, const char* name) {
    if (IsMissing(v) || v.IsNull()) return;
    Bytes b = ViewArg(v, name);
    if (b.length != sizeof(fd_set))
      ThrowRangeError(v.Env(), "ERR_OUT_OF_RANGE",
                      std::string("The \"") + name + "\" argument must be an fd_set (" + std::to_string(sizeof(fd_set)) + " bytes)");
    bytes.Set(v, b, sizeof(fd_set));
    present = true;
  }
  fd_set* Load() {
    if (!present) return nullptr;
    std::memcpy(&set, bytes.data, sizeof(set));
    return &set;
  }
  void Store() const {
    if (present) std::memcpy(bytes.data, &set, sizeof(set));
  }
};

// select's timeout: null/undefined (wait for ever) or { sec, usec }.
bool TimevalArg(Napi::Value v, timeval& tv) {
  if (IsMissing(v) || v.IsNull()) return false;
  Napi::Object o = ObjectArg(v, "timeout");
  tv.tv_sec = static_cast<time_t>(IntegerArg(o.Get("sec"), "timeout.sec", 0, INT32_MAX));
  tv.tv_usec = static_cast<suseconds_t>(IntegerArg(o.Get("usec"), "timeout.usec", 0, 999999));
  return true;
}

// The arguments of select(). The timeout is read first: its getters may run JS, which must not run
// once the sets' pointers are taken.
struct SelectArgs {
  int nfds = 0;
  FdSetArg sets[3];
  timeval timeout{};
  bool has_timeout = false;

  void Read(const Napi::CallbackInfo& info) {
    // Past FD_SETSIZE the kernel would read and write past the fd_sets; negative is its EINVAL, but
    // only after it was handed the sets: both refused here.
    nfds = static_cast<int>(IntegerArg(info[0], "nfds", 0, FD_SETSIZE));
    has_timeout = TimevalArg(info[4], timeout);
    sets[0].Read(info[1], "readfds");
    sets[1].Read(info[2], "writefds");
    sets[2].Read(info[3], "exceptfds");
  }
  int Call(timeval* tv) { return sys::select(nfds, sets[0].Load(), sets[1].Load(), sets[2].Load(), tv); }
  void Store() const {
    for (const FdSetArg& s : sets) s.Store();
  }
};

// select(nfds, readfds, writefds, exceptfds, timeout): the sets are updated in place, as in C; the
// timeout is not (Linux would write the time left into it; sockfd leaves the caller's object alone).
Napi::Value Select(const Napi::CallbackInfo& info) {
  SelectArgs args;
  args.Read(info);
  int n = args.Call(args.has_timeout ? &args.timeout : nullptr);
  if (n < 0) ThrowErrno(info.Env(), errno, "select");
  args.Store();
  return Napi::Number::New(info.Env(), n);
}

// ---- poll -----------------------------------------------------------------------------------------

// poll()'s fds: an array of { fd, events, revents } (struct pollfd), revents written back in place.
struct PollArgs {
  std::vector<pollfd> fds;

  void Read(Napi::Value v) {
    Napi::Env env = v.Env();
    if (!v.IsArray()) ThrowInvalidArgType(env, "fds", "an instance of Array", v);
    Napi::Array array = v.As<Napi::Array>();
    uint32_t count = array.Length();
    if (count > kMaxPollFds) ThrowErrno(env, EINVAL, "poll");
    fds.resize(count);
    for (uint32_t i = 0; i < count; i++) {
      std::string name = "fds[" + std::to_string(i) + "]";
      Napi::Object o = ObjectArg(array.Get(i), name);
      // A negative fd is ignored by the kernel (its revents are 0), as in C.
      fds[i].fd = Int32Arg(o.Get("fd"), (name + ".fd").c_str());
      fds[i].events = static_cast<short>(IntegerArg(o.Get("events"), (name + ".events").c_str(), INT16_MIN, UINT16_MAX));
      fds[i].revents = 0;
    }
  }
  // Writes revents back (setters may run, and throw, after the syscall). Items the caller removed
  // from the array meanwhile are skipped.
  void Store(Napi::Array array) const {
    for (uint32_t i = 0; i < fds.size() && i < array.Length(); i++) {
      Napi::Value item = array.Get(i);
      if (item.IsObject()) item.As<Napi::Object>().Set("revents", static_cast<double>(static_cast<uint16_t>(fds[i].revents)));
    }
  }
};

int TimeoutMsArg(Napi::Value v) { return IsMissing(v) ? -1 : Int32Arg(v, "timeout"); }

// poll(fds, timeout): the count of fds with events; revents filled in place.
Napi::Value Poll(const Napi::CallbackInfo& info) {
  PollArgs args;
  args.Read(info[0]);
  int timeout = TimeoutMsArg(info[1]);
  int n = sys::poll(args.fds.data(), args.fds.size(), timeout);
  if (n < 0) ThrowErrno(info.Env(), errno, "poll");
  args.Store(info[0].As<Napi::Array>());
  return Napi::Number::New(info.Env(), n);
}

// ---- epoll ----------------------------------------------------------------------------------------

Napi::Value EpollCreate(const Napi::CallbackInfo& info) {
  int size = Int32Arg(info[0], "size");
  int fd = sys::epoll_create(size);
  if (fd < 0) ThrowErrno(info.Env(), errno, "epoll_create");
  ReleaseFd(info.Env(), fd);  // a new fd: nothing the async layer recorded for its number applies
  return Napi::Number::New(info.Env(), fd);
}

Napi::Value EpollCreate1(const Napi::CallbackInfo& info) {
  int flags = FlagsArg(info[0]);
  int fd = sys::epoll_create1(flags);
  if (fd < 0) ThrowErrno(info.Env(), errno, "epoll_create1");
  ReleaseFd(info.Env(), fd);
  return Napi::Number::New(info.Env(), fd);
}

// epoll_event.events: the EPOLL* bits. JS's | makes EPOLLET (1 << 31) negative, so both readings of
// the 32 bits are taken.
uint32_t EventsArg(Napi::Value v, const char* name) {
  return static_cast<uint32_t>(IntegerArg(v, name, INT32_MIN, UINT32_MAX));
}

// epoll_ctl(epfd, op, fd, event): event { events, data? } (data: a number of the caller's, the fd if
// left out), or null (EPOLL_CTL_DEL needs none, as in C).
Napi::Value EpollCtl(const Napi::CallbackInfo& info) {
  int epfd = FdArg(info[0], "epfd");
  int op = Int32Arg(info[1], "op");
  int fd = FdArg(info[2]);
  epoll_event event{};
  bool has_event = !IsMissing(info[3]) && !info[3].IsNull();
  // C's NULL there is EFAULT from the kernel for ADD and MOD: a clear error before the call instead.
  if (!has_event && op != EPOLL_CTL_DEL)
    ThrowInvalidArgType(info.Env(), "event", "of type object (null only with EPOLL_CTL_DEL)", info[3]);
  if (has_event) {
    Napi::Object o = ObjectArg(info[3], "event");
    event.events = EventsArg(o.Get("events"), "event.events");
    Napi::Value data = o.Get("data");
    int64_t d = IsMissing(data) ? fd : IntegerArg(data, "event.data", -((int64_t{1} << 53) - 1), (int64_t{1} << 53) - 1);
    event.data.u64 = static_cast<uint64_t>(d);
  }
  if (sys::epoll_ctl(epfd, op, fd, has_event ? &event : nullptr) < 0) ThrowErrno(info.Env(), errno, "epoll_ctl");
  return info.Env().Undefined();
}

Napi::Value EpollEvents(Napi::Env env, const epoll_event* events, int n) {
  Napi::Array out = Napi::Array::New(env, n);
  for (int i = 0; i < n; i++) {
    Napi::Object e = Napi::Object::New(env);
    e.Set("events", static_cast<double>(events[i].events));
    e.Set("data", static_cast<double>(static_cast<int64_t>(events[i].data.u64)));
    out.Set(static_cast<uint32_t>(i), e);
  }
  return out;
}

// maxevents: 1 to kMaxEpollEvents, else a RangeError before anything is allocated. (The kernel says
// EINVAL for <= 0, but only after it was handed `maxevents` events' worth of pointer: refused here.)
int MaxEventsArg(Napi::Value v) { return static_cast<int>(IntegerArg(v, "maxevents", 1, kMaxEpollEvents)); }

// epoll_wait(epfd, maxevents, timeout): the ready events as [{ events, data }].
Napi::Value EpollWait(const Napi::CallbackInfo& info) {
  int epfd = FdArg(info[0], "epfd");
  int max = MaxEventsArg(info[1]);
  int timeout = TimeoutMsArg(info[2]);
  std::vector<epoll_event> events(max);
  int n = sys::epoll_wait(epfd, events.data(), max, timeout);
  if (n < 0) ThrowErrno(info.Env(), errno, "epoll_wait");
  return EpollEvents(info.Env(), events.data(), n);
}

// epoll_wait_into(epfd, events, data, timeout): for hot loops, into the caller's arrays (a Uint32Array
// of events and a Float64Array of data, maxevents the shorter length): no object per event.
struct EventArrays {
  uint32_t* events = nullptr;
  double* data = nullptr;
  int max = 0;

  void Read(Napi::Value events_v, Napi::Value data_v) {
    Napi::Env env = events_v.Env();
    if (!events_v.IsTypedArray() || events_v.As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array)
      ThrowInvalidArgType(env, "events", "an instance of Uint32Array", events_v);
    if (!data_v.IsTypedArray() || data_v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
      ThrowInvalidArgType(env, "data", "an instance of Float64Array", data_v);
    auto e = events_v.As<Napi::Uint32Array>();
    auto d = data_v.As<Napi::Float64Array>();
    size_t len = std::min(e.ElementLength(), d.ElementLength());
    if (len == 0 || len > static_cast<size_t>(kMaxEpollEvents))
      ThrowRangeError(env, "ERR_OUT_OF_RANGE", "The event arrays must hold between 1 and " + std::to_string(kMaxEpollEvents) + " events");
    events = e.Data();
    data = d.Data();
    max = static_cast<int>(len);
  }
  void Store(const epoll_event* from, int n) const {
    for (int i = 0; i < n; i++) {
      events[i] = from[i].events;
      data[i] = static_cast<double>(static_cast<int64_t>(from[i].data.u64));
    }
  }
};

Napi::Value EpollWaitInto(const Napi::CallbackInfo& info) {
  int epfd = FdArg(info[0], "epfd");
  int timeout = TimeoutMsArg(info[3]);
  EventArrays out;
  out.Read(info[1], info[2]);
  std::vector<epoll_event> events(out.max);
  int n = sys::epoll_wait(epfd, events.data(), out.max, timeout);
  if (n < 0) ThrowErrno(info.Env(), errno, "epoll_wait");
  out.Store(events.data(), n);
  return Napi::Number::New(info.Env(), n);
}

// ---- awaitable forms ------------------------------------------------------------------------------

// The fds of an awaitable poll() or select() that has to wait, in an epoll fd of their own (level-
// triggered, each with the events it waits for), on which the engine waits. Closed with the operation.
class Watchlist {
 public:
  Watchlist() = default;
  Watchlist(const Watchlist&) = delete;
  Watchlist& operator=(const Watchlist&) = delete;
  ~Watchlist() {
    if (fd_ >= 0) sys::close(fd_);
  }

  void Want(int fd, uint32_t events) {
    if (fd >= 0) wanted_[fd] |= events;
  }
  // Makes the epoll fd: its number, or -1 with errno set. An fd epoll cannot watch (a regular file:
  // EPERM) is always ready for poll and select, so a call that found nothing ready has none.
  int Make() {
    if ((fd_ = sys::epoll_create1(EPOLL_CLOEXEC)) < 0) return -1;
    for (auto [fd, events] : wanted_) {
      epoll_event e{};
      e.events = events;
      e.data.fd = fd;
      if (sys::epoll_ctl(fd_, EPOLL_CTL_ADD, fd, &e) < 0 && errno != EPERM) return -1;
    }
    return fd_;
  }

 private:
  int fd_ = -1;
  std::unordered_map<int, uint32_t> wanted_;  // one entry per fd, whatever the duplicates
};

// Both wait on their watchlist's fd, and try their call with a zero timeout on every readiness event.
class WatchingOp : public Op {
 public:
  explicit WatchingOp(const char* syscall) : Op(-1, kRead, syscall) {}
  int BeforeWait() override {
    fd = watch_.Make();
    return fd < 0 ? errno : 0;
  }
  bool OwnsFd() const override { return true; }

 protected:
  // kWait when nothing was ready: the next event retries.
  Outcome Tried(int n) {
    n_ = n;
    if (n < 0) {
      err = errno;
      return err == EINTR ? Outcome::kWait : Outcome::kFailed;
    }
    return n == 0 ? Outcome::kWait : Outcome::kDone;
  }
  Watchlist watch_;
  int n_ = 0;
};

class PollOp : public WatchingOp {
 public:
  explicit PollOp(const Napi::CallbackInfo& info) : WatchingOp("poll"), array_(info[0]) {
    args_.Read(info[0]);
    for (const pollfd& p : args_.fds) watch_.Want(p.fd, static_cast<uint16_t>(p.events) & ~uint32_t{POLLNVAL});
  }
  Outcome Attempt() override { return Tried(sys::poll(args_.fds.data(), args_.fds.size(), 0)); }
  Napi::Value Result(Napi::Env env) override {
    args_.Store(Array(env));
    return Napi::Number::New(env, n_);
  }
  Napi::Value Expired(Napi::Env env) override {
    for (pollfd& p : args_.fds) p.revents = 0;
    n_ = 0;
    return Result(env);
  }
  void Hold(Napi::Env env) override {
    env_ = env;
    NAPI_THROW_IF_FAILED_VOID(env, napi_create_reference(env, array_, 1, &ref_));
  }
  ~PollOp() override {
    if (ref_ != nullptr) napi_delete_reference(env_, ref_);
  }

 private:
  Napi::Array Array(Napi::Env env) {
    napi_value array = array_;
    if (ref_ != nullptr) napi_get_reference_value(env, ref_, &array);
    return Napi::Value(env, array).As<Napi::Array>();
  }
  PollArgs args_;
  napi_value array_;  // valid during the call; then through ref_
  napi_ref ref_ = nullptr;
  napi_env env_ = nullptr;
};

class SelectOp : public WatchingOp {
 public:
  explicit SelectOp(const Napi::CallbackInfo& info) : WatchingOp("select") {
    args_.Read(info);
    for (int fd = 0; fd < args_.nfds; fd++) {
      static constexpr uint32_t kEvents[3] = {EPOLLIN | EPOLLRDHUP, EPOLLOUT, EPOLLPRI};
      for (int i = 0; i < 3; i++)
        if (args_.sets[i].present && FD_ISSET(fd, args_.sets[i].Load())) watch_.Want(fd, kEvents[i]);
    }
  }
  Outcome Attempt() override {
    timeval zero{};
    return Tried(args_.Call(&zero));
  }
  Napi::Value Result(Napi::Env env) override {
    args_.Store();
    return Napi::Number::New(env, n_);
  }
  Napi::Value Expired(Napi::Env env) override {
    for (FdSetArg& s : args_.sets) FD_ZERO(&s.set);
    args_.Store();
    return Napi::Number::New(env, 0);
  }
  void Hold(Napi::Env env) override {
    for (FdSetArg& s : args_.sets) s.bytes.Hold(env);
  }
  void Refresh(Napi::Env env) override {
    for (FdSetArg& s : args_.sets)
      if (s.present) s.bytes.Refresh(env, syscall);
  }

 private:
  SelectArgs args_;
};

class EpollWaitOp : public Op {
 public:
  explicit EpollWaitOp(const Napi::CallbackInfo& info) : Op(FdArg(info[0], "epfd"), kRead, "epoll_wait") {
    max_ = MaxEventsArg(info[1]);
    events_.resize(max_);
  }
  Outcome Attempt() override {
    ssize_t n;
    Outcome o = Retrying(err, n, [&] { return sys::epoll_wait(fd, events_.data(), max_, 0); });
    n_ = static_cast<int>(n);
    return o == Outcome::kDone && n_ == 0 ? Outcome::kWait : o;
  }
  Napi::Value Result(Napi::Env env) override { return EpollEvents(env, events_.data(), n_); }
  Napi::Value Expired(Napi::Env env) override { return Napi::Array::New(env, 0); }

 private:
  std::vector<epoll_event> events_;
  int max_ = 0;
  int n_ = 0;
};

// poll(fds, token), select(nfds, r, w, e, token), epoll_wait(epfd, maxevents, token): the sync
// arguments without the timeout (lib/promises.ts keeps it), then the token.
Napi::Value PollAsync(const Napi::CallbackInfo& info) {
  return Start(info, "poll", 1, [&] { return std::make_unique<PollOp>(info); });
}
Napi::Value SelectAsync(const Napi::CallbackInfo& info) {
  return Start(info, "select", 5, [&] { return std::make_unique<SelectOp>(info); });
}
Napi::Value EpollWaitAsync(const Napi::CallbackInfo& info) {
  return Start(info, "epoll_wait", 2, [&] { return std::make_unique<EpollWaitOp>(info); });
}

}  // namespace

void InitPoll(Napi::Env env, Napi::Object exports) {
  Export<Select>(env, exports, "select");
  Export<Poll>(env, exports, "poll");
  Export<EpollCreate>(env, exports, "epoll_create");
  Export<EpollCreate1>(env, exports, "epoll_create1");
  Export<EpollCtl>(env, exports, "epoll_ctl");
  Export<EpollWait>(env, exports, "epoll_wait");
  Export<EpollWaitInto>(env, exports, "epoll_wait_into");
  Export<PollAsync>(env, exports, "pollAsync");
  Export<SelectAsync>(env, exports, "selectAsync");
  Export<EpollWaitAsync>(env, exports, "epoll_waitAsync");
  exports.Set("fd_set_size", static_cast<double>(sizeof(fd_set)));
}

}  // namespace sockfd
