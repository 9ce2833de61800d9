// The readiness engine's core: one epoll fd per environment, which a backend (backend.h: a libuv
// poll handle on Node, a waiter thread elsewhere) watches for the JS thread. This is the design of
// Rust's mio under Tokio, and it is here because the first engine (one uv_poll_t per fd) could not be
// made safe: libuv calls abort() when epoll_ctl fails on an fd that was closed behind its back
// (src/unix/linux.c, uv__io_poll), and level-triggered EPOLLERR cannot be masked, so a socket whose
// error queue is not empty woke the loop forever. Now no loop sees a socket fd: a closed file simply
// leaves the engine's epoll set (the kernel removes it from every epoll, epoll(7)).
//
// - The engine starts (its epoll fd, its backend) the first time an operation has to wait: loading
//   the addon and the sync API touch neither, so they work in any Node-API runtime.
// - Each fd is registered once, the first time an operation on it has to wait, for EPOLLIN |
//   EPOLLRDHUP | EPOLLPRI, edge-triggered, and EPOLLOUT joins for good the first time a write waits
//   (see kInterest). Interest never changes otherwise; an error queue reports EPOLLERR once.
// - Readiness is tracked per fd and direction: set by an event, cleared by EAGAIN (or by a short
//   transfer on a stream socket, which means the kernel's buffer was used up). An operation makes its
//   syscall only while its direction may be ready; otherwise it waits for the next edge. A wrong guess
//   costs one EAGAIN, never a missed wake-up: an edge is reported for anything that arrives after the
//   event that set the flag, and the flag is cleared only by a syscall that saw the buffer empty.
// - Operations of one direction complete in call order: a new call makes its syscall at once only if
//   no earlier one of its direction still waits on the fd.
// - At most kMaxPerEvent operations per direction complete per event, and kMaxEvents events are taken
//   per wake-up; an fd left with work and readiness is re-armed (EPOLL_CTL_MOD reports it again).
// - The backend holds the loop only while an operation waits, so an idle socket never keeps the
//   process alive.
// - ReleaseFd (close() and every call that makes an fd): pending operations reject with ECANCELED and
//   the fd leaves the epoll set before it may be closed. While they settle, a new call on the fd (a
//   setter on Object.prototype re-entering) rejects with ECANCELED too, rather than start waiting on an
//   fd about to be closed. States are freed only when no engine code is on the stack (Busy).
// - Environment teardown (Worker exit): a cleanup hook (async for libuv's handle) drops every
//   operation, closes the fds of Socket objects, stops the backend, then closes the epoll fd, before
//   the runtime closes the loop.
#include "engine.h"

#include "backend.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <unordered_map>
#include <vector>

namespace sockfd {

namespace {

constexpr int kMaxPerEvent = 64;
// Writability joins the interest the first time a write has to wait on the fd, and stays: a datagram
// or AF_UNIX socket reports EPOLLOUT each time the peer takes a message (its buffer space comes back),
// which would wake the loop once per message for nothing if every socket asked for it.
constexpr uint32_t kInterest = EPOLLIN | EPOLLRDHUP | EPOLLPRI | EPOLLET;

using OpQueue = std::list<std::unique_ptr<Op>>;

struct FdState {
  FdState(int fd, uint32_t generation) : fd(fd), generation(generation) {}

  const int fd;
  // Events carry it beside the fd: one queued for an earlier state of the same number is ignored.
  const uint32_t generation;
  bool registered = false;   // in the engine's epoll set
  bool watch_out = false;    // EPOLLOUT is in its interest (see kInterest)
  // SOCK_STREAM: a short transfer means the buffer was used up. Asked once, at the first short
  // transfer (one datagram read leaves the next one unreported; an epoll fd is never asked).
  enum { kUnknown, kStream, kOther } type = kUnknown;
  bool nonblocking = false;  // O_NONBLOCK is known to be set (by this engine, or found set)
  bool released = false;     // ReleaseFd is settling its operations; freed after
  // The peer's FIN (EPOLLRDHUP, EPOLLHUP) was seen: reads are ready for good (end of stream stays
  // readable, and no new edge says so), whatever a short read suggests. Tokio's READ_CLOSED.
  bool read_closed = false;
  bool ready[2] = {true, true};
  OpQueue queue[2];

  // After a transfer that moved fewer bytes than asked: on a stream socket, the buffer is used up.
  void ShortTransfer(Direction d) {
    if (type == kUnknown) {
      int t = 0;
      socklen_t len = sizeof(t);
      type = sys::getsockopt(fd, SOL_SOCKET, SO_TYPE, &t, &len) == 0 && t == SOCK_STREAM ? kStream : kOther;
    }
    if (type == kStream && !(d == kRead && read_closed)) ready[d] = false;
  }

  uint64_t Key() const { return uint64_t{generation} << 32 | static_cast<uint32_t>(fd); }
  epoll_event Event() const {
    epoll_event event{};
    event.events = kInterest | (watch_out ? uint32_t{EPOLLOUT} : 0u);
    event.data.u64 = Key();
    return event;
  }
};

void OnTeardown(napi_async_cleanup_hook_handle hook, void* arg);
void OnTeardownSync(void* arg);

// Per-environment state, the addon's instance data. It outlives the environment's JS: the cleanup
// hook deletes it after its backend has stopped. Made at load without a syscall; Start() makes the
// rest when an operation first has to wait.
class Engine {
 public:
  explicit Engine(napi_env env) : env(env) {}

  static Engine* From(napi_env env) {
    void* data = nullptr;
    napi_get_instance_data(env, &data);
    return static_cast<Engine*>(data);
  }

  Napi::Value Submit(Napi::Env env, std::unique_ptr<Op> op);
  void Release(Napi::Env env, int fd);
  // Ends the waiting operation started with `token`: rejects it with `reason`, or (expire) resolves it
  // with its Expired() value. False if no such operation waits.
  bool Cancel(Napi::Env env, double token, Napi::Value reason, bool expire);
  void OnEvents(const epoll_event* events, int n);
  // Marks each event's fd ready and completes what waits on it.
  void Dispatch(Napi::Env env, const epoll_event* events, int n);
  void Teardown(napi_async_cleanup_hook_handle hook);
  void Finish();
  Napi::Object Stats(Napi::Env env) const;

  FdState* Find(int fd) const { return static_cast<size_t>(fd) < fds_.size() ? fds_[fd] : nullptr; }
  // The engine's own fds: its epoll fd and its backend's (-1 where there is none).
  int OwnFd(int i) const { return i == 0 ? epfd_ : backend_ != nullptr ? backend_->Fd() : -1; }
  bool Owns(int fd) const { return fd >= 0 && (fd == OwnFd(0) || fd == OwnFd(1)); }
  // setEngineBackend(): which backend Start() makes; fixed once the teardown hook is in (see Hook).
  bool Choose(BackendKind kind) {
    if (hooked_) return kind == kind_;
    kind_ = kind;
    Hook();
    return true;
  }
  // The teardown hook, added once the backend is known (by the first of setEngineBackend, own(), the
  // first wait). Only the libuv backend needs an async one (its handle closes on the loop); the thread
  // backend stops synchronously, and takes a plain hook, which every runtime has. (Deno frees an async
  // hook's handle itself after calling it, so the napi_remove_async_cleanup_hook that Node requires
  // would free it twice.)
  void Hook() {
    if (hooked_) return;
    napi_status status = kind_ == BackendKind::kLibuv ? napi_add_async_cleanup_hook(env, OnTeardown, this, &hook_)
                                                      : napi_add_env_cleanup_hook(env, OnTeardownSync, this);
    NAPI_THROW_IF_FAILED_VOID(env, status);
    hooked_ = true;
  }
  // fd belongs to a Socket object of this environment: closed at teardown unless released first.
  void Own(int fd) {
    Hook();
    if (static_cast<size_t>(fd) >= owned_.size()) owned_.resize(fd + 1, false);
    owned_[fd] = true;
  }

  const napi_env env;

 private:
  // Engine code on the stack: states released meanwhile are freed when the outermost Busy ends, so
  // no caller is left holding a freed state after JS (settling a promise) ran.
  class Busy {
   public:
    explicit Busy(Engine* e) : e_(e) { e_->busy_++; }
    ~Busy() {
      if (--e_->busy_ == 0) e_->Bury();
    }

   private:
    Engine* e_;
  };

  // Only for fds a syscall has just shown to be open, so the table stays as small as the fd table.
  FdState* Create(int fd) {
    if (static_cast<size_t>(fd) >= fds_.size()) fds_.resize(fd + 1, nullptr);
    if (fds_[fd] == nullptr) {
      fds_[fd] = new FdState(fd, next_generation_);
      if (++next_generation_ == 0) next_generation_ = 1;  // key 0 is no socket's (thread.cc's stop key)
    }
    return fds_[fd];
  }
  void Start(Napi::Env env);
  int Register(FdState* state);
  void Rearm(FdState* state);
  void Drain(Napi::Env env, FdState* state, Direction d);
  void Enqueue(FdState* state, std::unique_ptr<Op> op);
  std::unique_ptr<Op> Dequeue(FdState* state, Direction d, OpQueue::iterator it);
  // Dequeue, and for an operation that waited on an fd of its own, forget that fd (it closes with the
  // operation).
  std::unique_ptr<Op> Take(FdState* state, Direction d, OpQueue::iterator it) {
    std::unique_ptr<Op> op = Dequeue(state, d, it);
    if (op->OwnsFd()) Forget(state);
    return op;
  }
  void Forget(FdState* state) {
    if (state->registered) epoll_ctl(epfd_, EPOLL_CTL_DEL, state->fd, nullptr);
    state->released = true;
    fds_[state->fd] = nullptr;
    graveyard_.push_back(state);
  }
  void Bury() {
    for (FdState* state : graveyard_) delete state;
    graveyard_.clear();
  }
  // The backend holds the loop only while something waits.
  void UpdateRef() {
    bool want = waiting_ > 0;
    if (want == referenced_ || backend_ == nullptr) return;
    backend_->Hold(want);
    referenced_ = want;
  }

  int epfd_ = -1;
  BackendKind kind_ = BackendKind::kThread;
  std::unique_ptr<Backend> backend_;
  bool referenced_ = false;
  bool hooked_ = false;
  napi_async_cleanup_hook_handle hook_ = nullptr;
  std::vector<FdState*> fds_;
  std::vector<bool> owned_;
  std::vector<FdState*> graveyard_;
  std::unordered_map<double, Op*> tokens_;  // waiting operations that a signal or timeout may end
  size_t waiting_ = 0;
  int busy_ = 0;
  uint32_t next_generation_ = 1;
};

// Resolves or rejects the operation's promise; the operation (and its buffer references) is gone after.
void Settle(Napi::Env env, std::unique_ptr<Op> op, Outcome outcome) {
  napi_deferred deferred = op->deferred;
  napi_value value;
  bool ok = outcome == Outcome::kDone;
  try {
    // Building the value may run JS (a setter on Object.prototype); whatever it throws rejects instead.
    if (ok) {
      value = op->Result(env);
    } else {
      value = op->Error(env);
      op->Annotate(Napi::Value(env, value));
    }
  } catch (const Napi::Error& e) {
    value = e.Value();
    ok = false;
  }
  op.reset();
  if (ok)
    napi_resolve_deferred(env, deferred, value);
  else
    napi_reject_deferred(env, deferred, value);
}

// Settles with a value the caller made: the AbortError from lib/promises.ts (rejects), or what a
// timed-out poll()/select()/epoll_wait() resolves with.
void SettleWith(Napi::Env env, std::unique_ptr<Op> op, Napi::Value value, bool resolve) {
  napi_deferred deferred = op->deferred;
  if (!resolve) {
    try {
      op->Annotate(value);
    } catch (const Napi::Error&) {  // a setter on the reason threw: reject with the reason all the same
    }
  }
  op.reset();
  if (resolve)
    napi_resolve_deferred(env, deferred, value);
  else
    napi_reject_deferred(env, deferred, value);
}

// Gives the operation its promise, for an outcome that is not a result returned at once.
Napi::Value PromiseFor(Napi::Env env, Op& op) {
  napi_value promise;
  NAPI_THROW_IF_FAILED(env, napi_create_promise(env, &op.deferred, &promise), Napi::Value());
  return Napi::Value(env, promise);
}

// A promise for the operation, rejected with its error for `err` (naming its syscall) at once.
Napi::Value FailedNow(Napi::Env env, std::unique_ptr<Op> op, int err) {
  op->err = err;
  Napi::Value promise = PromiseFor(env, *op);
  Settle(env, std::move(op), Outcome::kFailed);
  return promise;
}

Napi::Value FailedWith(Napi::Env env, std::unique_ptr<Op> op, Napi::Value error) {
  Napi::Value promise = PromiseFor(env, *op);
  SettleWith(env, std::move(op), error, false);
  return promise;
}

void Engine::Enqueue(FdState* state, std::unique_ptr<Op> op) {
  OpQueue& queue = state->queue[op->direction];
  Op* raw = op.get();
  queue.push_back(std::move(op));
  raw->where = std::prev(queue.end());
  if (!std::isnan(raw->token)) tokens_[raw->token] = raw;
  waiting_++;
}

std::unique_ptr<Op> Engine::Dequeue(FdState* state, Direction d, OpQueue::iterator it) {
  std::unique_ptr<Op> op = std::move(*it);
  state->queue[d].erase(it);
  if (!std::isnan(op->token)) tokens_.erase(op->token);
  waiting_--;
  return op;
}

// The epoll fd and the backend that watches it, made when the first operation has to wait.
void Engine::Start(Napi::Env env) {
  Hook();
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epfd_ < 0) ThrowErrno(env, errno, "epoll_create1");
  try {
    auto ready = [this](const epoll_event* events, int n) { OnEvents(events, n); };
    backend_ = kind_ == BackendKind::kLibuv ? MakeLibuvBackend(env, epfd_, ready) : MakeThreadBackend(env, epfd_, ready);
  } catch (...) {
    ::close(epfd_);
    epfd_ = -1;
    throw;
  }
}

// Adds the fd to the epoll set, or (registered already) updates its interest. Returns 0 or an errno value.
int Engine::Register(FdState* state) {
  epoll_event event = state->Event();
  if (state->registered) return epoll_ctl(epfd_, EPOLL_CTL_MOD, state->fd, &event) < 0 ? errno : 0;
  if (epoll_ctl(epfd_, EPOLL_CTL_ADD, state->fd, &event) < 0) {
    // EEXIST: this fd and file are still in the set from an earlier state: take the entry over.
    if (errno != EEXIST || epoll_ctl(epfd_, EPOLL_CTL_MOD, state->fd, &event) < 0) return errno;
  }
  state->registered = true;
  return 0;
}

// Edge-triggered, so work left over for lack of time is not reported again by itself: MOD makes the
// kernel look at the fd afresh and queue an event if it is ready.
void Engine::Rearm(FdState* state) {
  epoll_event event = state->Event();
  epoll_ctl(epfd_, EPOLL_CTL_MOD, state->fd, &event);
}

void Engine::Drain(Napi::Env env, FdState* state, Direction d) {
  for (int i = 0; i < kMaxPerEvent; i++) {
    if (state->released || !state->ready[d] || state->queue[d].empty()) return;
    OpQueue::iterator front = state->queue[d].begin();
    Op* op = front->get();
    Outcome outcome;
    try {
      op->Refresh(env);
      outcome = op->Attempt();
    } catch (const Napi::Error& e) {  // the buffer was detached or shrunk while the operation waited
      SettleWith(env, Take(state, d, front), e.Value(), false);
      continue;
    }
    if (outcome == Outcome::kWait) {  // spurious or used up: wait for the next edge, keeping call order
      state->ready[d] = false;
      return;
    }
    if (outcome == Outcome::kDone && op->Short()) state->ShortTransfer(d);
    // Off the queue before settling: settling may run JS, which may queue, cancel or close.
    Settle(env, Take(state, d, front), outcome);
  }
  if (!state->released && state->ready[d] && !state->queue[d].empty()) Rearm(state);
}

void Engine::OnEvents(const epoll_event* events, int n) {
  Napi::Env env(this->env);
  napi_handle_scope handle_scope;
  if (napi_open_handle_scope(env, &handle_scope) != napi_ok) return;
  Dispatch(env, events, n);
  // Before the callback scope closes, so that the promise callbacks that run there see the hold as it is.
  UpdateRef();
  napi_close_handle_scope(env, handle_scope);
}

void Engine::Dispatch(Napi::Env env, const epoll_event* events, int n) {
  Busy busy(this);
  for (int i = 0; i < n; i++) {
    int fd = static_cast<int>(events[i].data.u64 & 0xffffffffu);
    FdState* state = Find(fd);
    if (state == nullptr || state->Key() != events[i].data.u64) continue;  // released since
    uint32_t e = events[i].events;
    // EPOLLERR and EPOLLHUP: the syscalls themselves report what happened (ECONNREFUSED, ...).
    if (e & (EPOLLIN | EPOLLPRI | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) state->ready[kRead] = true;
    if (e & (EPOLLRDHUP | EPOLLHUP)) state->read_closed = true;
    // Urgent data: a TCP read stops at its mark with bytes after it, so from now on a short read
    // proves nothing about the buffer.
    if (e & EPOLLPRI) state->type = FdState::kOther;
    if (e & (EPOLLOUT | EPOLLHUP | EPOLLERR)) state->ready[kWrite] = true;
    for (Direction d : {kRead, kWrite}) Drain(env, state, d);
  }
}

Napi::Value Engine::Submit(Napi::Env env, std::unique_ptr<Op> op) {
  Busy busy(this);
  const int fd = op->fd;
  const Direction d = op->direction;
  FdState* state = Find(fd);
  if (state != nullptr && state->released) return FailedNow(env, std::move(op), ECANCELED);
  // accept() and connect() need O_NONBLOCK on the fd itself, before any attempt. If this call sets it
  // and then fails (ENOTSOCK, EINVAL...), it is put back: a failed call leaves the fd as it found it.
  const bool needs_nonblocking = op->NeedsNonBlockingFd() && (state == nullptr || !state->nonblocking);
  bool set_here = false;
  if (needs_nonblocking) {
    int flags = sys::fcntl(fd, F_GETFL, 0);
    if (flags < 0) return FailedWith(env, std::move(op), ErrnoError(env, errno, "fcntl").Value());
    if (!(flags & O_NONBLOCK)) {
      int on = 1;
      if (sys::ioctl_int(fd, FIONBIO, &on) < 0) return FailedWith(env, std::move(op), ErrnoError(env, errno, "ioctl").Value());
      set_here = true;
    }
  }
  if (state == nullptr || (state->queue[d].empty() && state->ready[d])) {
    Outcome outcome = op->Attempt();
    if (outcome == Outcome::kFailed && set_here) {
      int off = 0;
      sys::ioctl_int(fd, FIONBIO, &off);
    } else if (needs_nonblocking) {
      state = Create(fd);
      state->nonblocking = true;
    }
    if (outcome == Outcome::kDone) {
      if (state != nullptr && op->Short()) state->ShortTransfer(d);
      try {
        return op->Result(env);  // building it may run JS (a setter on Object.prototype) that throws
      } catch (const Napi::Error& e) {
        return Rejected(env, e.Value());
      }
    }
    if (outcome == Outcome::kFailed) {
      int err = op->err;
      return FailedNow(env, std::move(op), err);
    }
    if (int err = op->BeforeWait()) return FailedNow(env, std::move(op), err);
    state = Create(op->fd);  // EAGAIN: the fd is open
    state->ready[d] = false;
  } else if (needs_nonblocking) {
    state->nonblocking = true;
  }
  if (backend_ == nullptr) {
    try {
      Start(env);
    } catch (const Napi::Error& e) {
      return FailedWith(env, std::move(op), e.Value());
    }
  }
  if (!state->registered || (d == kWrite && !state->watch_out)) {
    state->watch_out |= d == kWrite;
    int err = Register(state);
    if (err != 0) return FailedWith(env, std::move(op), ErrnoError(env, err, "epoll_ctl").Value());
  }
  Napi::Value promise = PromiseFor(env, *op);
  op->Hold(env);
  Enqueue(state, std::move(op));
  UpdateRef();
  return promise;
}

void Engine::Release(Napi::Env env, int fd) {
  if (static_cast<size_t>(fd) < owned_.size()) owned_[fd] = false;
  FdState* state = Find(fd);
  if (state == nullptr || state->released) return;
  Busy busy(this);
  state->released = true;
  // Before close(2), while fd is still this file. (If it was closed elsewhere, the kernel has already
  // taken it out and this says EBADF or ENOENT: nothing to undo.)
  if (state->registered) epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);
  std::vector<std::unique_ptr<Op>> pending;
  for (Direction d : {kRead, kWrite})
    while (!state->queue[d].empty()) pending.push_back(Dequeue(state, d, state->queue[d].begin()));
  for (auto& op : pending) {
    op->err = ECANCELED;
    Settle(env, std::move(op), Outcome::kFailed);
  }
  fds_[fd] = nullptr;
  graveyard_.push_back(state);
  UpdateRef();
}

// O(1): the token finds the operation, the operation knows its place in its queue.
bool Engine::Cancel(Napi::Env env, double token, Napi::Value reason, bool expire) {
  auto found = tokens_.find(token);
  if (found == tokens_.end()) return false;
  Op* op = found->second;
  FdState* state = Find(op->fd);
  const Direction d = op->direction;
  Busy busy(this);
  std::unique_ptr<Op> taken = Take(state, d, op->where);
  // Readiness is unknown again: the next call tries its syscall, so an fd closed elsewhere meanwhile
  // (by another thread, which this engine cannot see) says EBADF instead of waiting for ever.
  if (!state->released && state->queue[d].empty()) state->ready[d] = true;
  UpdateRef();
  if (!expire) {
    SettleWith(env, std::move(taken), reason, false);
    return true;
  }
  Napi::Value value;
  try {
    value = taken->Expired(env);  // writes revents / the fd_sets back: setters may run, and throw
  } catch (const Napi::Error& e) {
    SettleWith(env, std::move(taken), e.Value(), false);
    return true;
  }
  SettleWith(env, std::move(taken), value, true);
  return true;
}

void Engine::Teardown(napi_async_cleanup_hook_handle hook) {
  hook_ = hook;
  // No JS runs any more: the promises can no longer settle. Dropping the operations releases their
  // buffer references.
  tokens_.clear();
  for (FdState*& state : fds_) {
    delete state;
    state = nullptr;
  }
  waiting_ = 0;
  Bury();
  // Like a net.Socket's, a Socket object's fd dies with its environment. (Plain fds from socket() stay
  // open, as fs.openSync's do.)
  for (size_t fd = 0; fd < owned_.size(); fd++)
    if (owned_[fd]) sys::close(static_cast<int>(fd));
  owned_.clear();
  if (backend_ != nullptr)
    backend_->Close([this] { Finish(); });
  else
    Finish();
}

void Engine::Finish() {
  backend_.reset();
  if (epfd_ >= 0) ::close(epfd_);
  if (hook_ != nullptr) napi_remove_async_cleanup_hook(hook_);
  delete this;
}

void OnTeardown(napi_async_cleanup_hook_handle hook, void* arg) { static_cast<Engine*>(arg)->Teardown(hook); }
void OnTeardownSync(void* arg) { static_cast<Engine*>(arg)->Teardown(nullptr); }

// What the engine holds, for the soak and leak tests: fd states, fds in its epoll set, operations
// waiting, tokens, fds owned by Socket objects, its backend (none before the first wait) and what
// the backend has on the loop.
Napi::Object Engine::Stats(Napi::Env env) const {
  size_t states = 0, registered = 0, queued = 0, owned = 0;
  for (const FdState* state : fds_) {
    if (state == nullptr) continue;
    states++;
    registered += state->registered;
    queued += state->queue[kRead].size() + state->queue[kWrite].size();
  }
  for (bool o : owned_) owned += o;
  Napi::Object out = Napi::Object::New(env);
  out["fdStates"] = states;
  out["registered"] = registered;
  out["waiting"] = queued;
  out["counted"] = waiting_;
  out["tokens"] = tokens_.size();
  out["owned"] = owned;
  out["referenced"] = referenced_;
  out["backend"] = backend_ == nullptr ? env.Null() : Napi::String::New(env, kind_ == BackendKind::kLibuv ? "libuv" : "thread");
  if (backend_ != nullptr) backend_->Stats(out);
  // The fds the engine itself holds until its environment ends (the tests' leak checks leave them out).
  Napi::Array own = Napi::Array::New(env);
  for (int i : {0, 1})
    if (OwnFd(i) >= 0) own[own.Length()] = OwnFd(i);
  out["fds"] = own;
  return out;
}

// cancel(token, reason): rejects the waiting operation started with `token` with `reason` (an
// AbortError). expire(token): resolves it as a timed-out wait (poll, select, epoll_wait). Each returns
// whether such an operation was still waiting.
Napi::Value Cancel(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Napi::Boolean::New(env, Engine::From(env)->Cancel(env, TokenArg(info[0]), info[1], false));
}
Napi::Value Expire(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Napi::Boolean::New(env, Engine::From(env)->Cancel(env, TokenArg(info[0]), env.Undefined(), true));
}

// setEngineBackend('libuv' | 'thread'): lib/binding.ts picks it as it loads (libuv where the
// runtime is Node). False if the engine has already started with the other one.
Napi::Value SetEngineBackend(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = StringArg(info[0], "backend");
  if (name != "libuv" && name != "thread")
    ThrowTypeError(env, "ERR_INVALID_ARG_VALUE", "The argument 'backend' must be 'libuv' or 'thread'. Received '" + name + "'");
  return Napi::Boolean::New(env, Engine::From(env)->Choose(name == "libuv" ? BackendKind::kLibuv : BackendKind::kThread));
}

Napi::Value EngineStats(const Napi::CallbackInfo& info) { return Engine::From(info.Env())->Stats(info.Env()); }

// own(fd): a Socket object took fd; the environment closes it at teardown unless close()/release() ran.
Napi::Value Own(const Napi::CallbackInfo& info) {
  Engine::From(info.Env())->Own(FdArg(info[0]));
  return info.Env().Undefined();
}

// release(fd): ReleaseFd without closing, so another owner (node:net) can take the fd over.
Napi::Value Release(const Napi::CallbackInfo& info) {
  ReleaseFd(info.Env(), FdArg(info[0]));
  return info.Env().Undefined();
}

}  // namespace

Napi::Value Op::Error(Napi::Env env) { return ErrnoError(env, err, syscall).Value(); }

HeldView::~HeldView() {
  if (ref_ != nullptr) napi_delete_reference(env_, ref_);
}

void HeldView::Hold(Napi::Env env) {
  if (view_ == nullptr) return;
  env_ = env;
  NAPI_THROW_IF_FAILED_VOID(env, napi_create_reference(env, view_, 1, &ref_));
}

void HeldView::Refresh(Napi::Env env, const char* syscall) {
  if (ref_ == nullptr) return;
  napi_value view;
  NAPI_THROW_IF_FAILED_VOID(env, napi_get_reference_value(env, ref_, &view));
  Bytes now = ViewArg(Napi::Value(env, view), "buf");
  if (now.length < length)
    ThrowTypeError(env, "ERR_INVALID_STATE",
                   std::string("The buffer of a pending ") + syscall + "() was detached or shrunk while it waited");
  data = now.data;
}

Napi::Value Rejected(Napi::Env env, Napi::Value reason) {
  napi_deferred deferred;
  napi_value promise;
  NAPI_THROW_IF_FAILED(env, napi_create_promise(env, &deferred, &promise), Napi::Value());
  napi_reject_deferred(env, deferred, reason);
  return Napi::Value(env, promise);
}

Napi::Value Submit(Napi::Env env, std::unique_ptr<Op> op) { return Engine::From(env)->Submit(env, std::move(op)); }

void ReleaseFd(Napi::Env env, int fd) {
  Engine* engine = Engine::From(env);
  if (engine != nullptr) engine->Release(env, fd);
}

void ReleaseBeforeClose(Napi::Env env, int fd, const char* syscall) {
  Engine* engine = Engine::From(env);
  if (engine == nullptr) return;
  if (engine->Owns(fd)) {
    Napi::Error err = ErrnoError(env, EBADF, syscall);
    err.Set("message", Napi::String::New(env, std::string(syscall) + " EBADF: fd " + std::to_string(fd) +
                                                  " is sockfd's own (its readiness engine's), not the program's to close"));
    throw err;
  }
  engine->Release(env, fd);
}

void ForgetNonBlocking(Napi::Env env, int fd) {
  Engine* engine = Engine::From(env);
  FdState* state = engine != nullptr ? engine->Find(fd) : nullptr;
  if (state != nullptr) state->nonblocking = false;
}

void InitWatcher(Napi::Env env, Napi::Object exports) {
  // The engine deletes itself at teardown (after its handle has closed), so no finalizer here.
  NAPI_THROW_IF_FAILED_VOID(env, napi_set_instance_data(env, new Engine(env), nullptr, nullptr));
  Export<Cancel>(env, exports, "cancel");
  Export<Expire>(env, exports, "expire");
  Export<Release>(env, exports, "release");
  Export<Own>(env, exports, "own");
  Export<EngineStats>(env, exports, "engineStats");
  Export<SetEngineBackend>(env, exports, "setEngineBackend");
}

}  // namespace sockfd
