// The readiness engine: one uv_poll_t per fd per environment, created when an operation on that fd first
// has to wait.
//
// - Interest is the union of what the queued operations need (readable if a read waits, writable if a
//   write waits). uv_poll_start() is called only when that mask changes: libuv implements every call as
//   epoll_ctl(DEL) + epoll_ctl(ADD) (src/unix/poll.c), so a steady ping-pong must not pay for it.
// - The mask is brought up to date after the promise callbacks of a readiness event have run (they run
//   when the callback scope closes), so an `await recv()` loop that queues its next recv from the
//   continuation keeps the handle started; when nothing waits any more, the handle is stopped. A stopped
//   handle holds no reference on the loop: an idle socket never keeps the process alive.
// - Operations of one direction complete in call order: a new call makes its syscall at once only if no
//   earlier one of its direction still waits on the fd.
// - Readiness may be spurious (another reader, another process): EAGAIN on retry just waits again. At
//   most kMaxPerEvent operations per direction complete per event; the rest run on the next one (epoll is
//   level-triggered, so the readiness is reported again).
// - ReleaseFd (close() and friends): pending operations reject with ECANCELED, the handle is stopped and
//   closed, and only then may the fd be closed. The FdState is freed in the uv_close callback, which never
//   runs while a callback of the same handle is on the stack.
// - Environment teardown (Worker exit): an async cleanup hook closes every handle and the fds of Socket
//   objects, and finishes when the last close callback has run, before Node closes the loop.
#include "watcher.h"

#include <uv.h>

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <list>
#include <vector>

namespace sockfd {

namespace {

constexpr int kMaxPerEvent = 64;
constexpr int kProbeEvery = 64;
constexpr int kEvents[] = {UV_READABLE, UV_WRITABLE};

class Engine;

// Operations waiting on one fd in one direction, in call order. A list, not a deque: an empty list
// allocates nothing, where libstdc++'s deque allocates ~600 bytes up front, and every connection that
// ever waited has two of these for its lifetime. Measured: a waiting recv on a new fd costs ~1.0 KiB
// with lists, ~2.4 KiB with deques.
using OpQueue = std::list<std::unique_ptr<Op>>;

struct FdState {
  FdState(Engine* engine, int fd) : engine(engine), fd(fd) { poll.data = this; }

  Engine* const engine;
  const int fd;
  uv_poll_t poll;
  bool poll_initialized = false;
  int mask = 0;              // the events the handle is started with; 0 = stopped
  bool nonblocking = false;  // O_NONBLOCK was set by this engine (ioctl, or uv_poll_init)
  bool released = false;     // ReleaseFd ran; the state only waits for its close callback
  bool wait_first = false;   // reads wait for readiness before their first try (see TryNow)
  int skipped = 0;           // tries skipped since the last one
  OpQueue queue[2];

  bool TryNow(Direction d);
  void UpdateInterest();
  void Drain(Napi::Env env, Direction d);
};

void OnPoll(uv_poll_t* handle, int status, int events);
void OnClosed(uv_handle_t* handle);
void OnTeardown(napi_async_cleanup_hook_handle hook, void* arg);

// Per-environment state, the addon's instance data. It outlives the environment's JS: the async
// cleanup hook deletes it after the last poll handle has closed.
class Engine {
 public:
  explicit Engine(napi_env env) : env(env) {
    napi_value name;
    NAPI_THROW_IF_FAILED_VOID(env, napi_get_uv_event_loop(env, &loop));
    NAPI_THROW_IF_FAILED_VOID(env, napi_create_string_utf8(env, "sockfd", NAPI_AUTO_LENGTH, &name));
    NAPI_THROW_IF_FAILED_VOID(env, napi_async_init(env, nullptr, name, &context));
    NAPI_THROW_IF_FAILED_VOID(env, napi_add_async_cleanup_hook(env, OnTeardown, this, &hook_));
  }

  static Engine* From(napi_env env) {
    void* data = nullptr;
    napi_get_instance_data(env, &data);
    return static_cast<Engine*>(data);
  }

  FdState* Find(int fd) const { return static_cast<size_t>(fd) < fds_.size() ? fds_[fd] : nullptr; }

  // Only for fds a syscall has just shown to be open, so the table stays as small as the fd table.
  FdState* Create(int fd) {
    if (static_cast<size_t>(fd) >= fds_.size()) fds_.resize(fd + 1, nullptr);
    if (fds_[fd] == nullptr) fds_[fd] = new FdState(this, fd);
    return fds_[fd];
  }

  void Release(Napi::Env env, int fd);
  // fd belongs to a Socket object of this environment: closed at teardown unless released first.
  void Own(int fd) {
    if (static_cast<size_t>(fd) >= owned_.size()) owned_.resize(fd + 1, false);
    owned_[fd] = true;
  }
  void Teardown(napi_async_cleanup_hook_handle hook);
  void HandleClosed(FdState* state);
  Napi::Object Stats(Napi::Env env) const;

  const napi_env env;
  uv_loop_t* loop = nullptr;
  napi_async_context context = nullptr;

 private:
  // Frees a state taken out of the table: at once, or, if it has a poll handle, once that has closed.
  void Dispose(FdState* state);
  void MaybeFinish();

  napi_async_cleanup_hook_handle hook_ = nullptr;
  std::vector<FdState*> fds_;
  std::vector<bool> owned_;
  size_t closing_ = 0;  // poll handles whose close callback has not run yet
  bool tearing_down_ = false;
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

// Rejects with a value the caller made (the AbortError from lib/promises.ts).
void Reject(Napi::Env env, std::unique_ptr<Op> op, Napi::Value reason) {
  napi_deferred deferred = op->deferred;
  try {
    op->Annotate(reason);
  } catch (const Napi::Error&) {  // a setter on the reason threw: reject with the reason all the same
  }
  op.reset();
  napi_reject_deferred(env, deferred, reason);
}

void FdState::UpdateInterest() {
  int want = (queue[kRead].empty() ? 0 : UV_READABLE) | (queue[kWrite].empty() ? 0 : UV_WRITABLE);
  if (want == mask) return;
  if (want == 0)
    uv_poll_stop(&poll);
  else
    uv_poll_start(&poll, want, OnPoll);
  mask = want;
}

// Whether a new operation makes its syscall at once. Not while earlier ones of its direction wait
// (they complete first, in call order). And not a read right after reads that found nothing: in a
// request-response exchange the try would only say EAGAIN, a syscall per message for nothing, so such
// reads wait for readiness first, as libuv's do; every kProbeEvery-th still tries, and one that finds
// data turns trying first back on. A wrong guess costs time, never correctness: readiness is
// level-triggered, so data already there ends the wait at once.
bool FdState::TryNow(Direction d) {
  if (!queue[d].empty()) return false;
  if (d == kWrite || !wait_first) return true;
  if (++skipped < kProbeEvery) return false;
  skipped = 0;
  return true;
}

void FdState::Drain(Napi::Env env, Direction d) {
  for (int i = 0; i < kMaxPerEvent && !released && !queue[d].empty(); i++) {
    Op* op = queue[d].front().get();
    Outcome outcome;
    try {
      op->Refresh(env);
      outcome = op->Attempt();
    } catch (const Napi::Error& e) {  // the buffer was detached or shrunk while the operation waited
      std::unique_ptr<Op> failed = std::move(queue[d].front());
      queue[d].pop_front();
      Reject(env, std::move(failed), e.Value());
      continue;
    }
    if (outcome == Outcome::kWait) return;  // spurious or used up: wait again, keeping call order
    // Off the queue before settling: settling may run JS, which may queue, cancel or close.
    std::unique_ptr<Op> done = std::move(queue[d].front());
    queue[d].pop_front();
    Settle(env, std::move(done), outcome);
  }
}

void OnPoll(uv_poll_t* handle, int status, int events) {
  FdState* state = static_cast<FdState*>(handle->data);
  Engine* engine = state->engine;
  Napi::Env env(engine->env);
  // On POLLERR libuv stops the handle and reports UV_EBADF: the syscalls themselves report the error
  // (ECONNREFUSED, ECONNRESET, ...), so retry both directions.
  if (status < 0) {
    state->mask = 0;
    events = UV_READABLE | UV_WRITABLE;
  }
  napi_handle_scope handle_scope;
  if (napi_open_handle_scope(env, &handle_scope) != napi_ok) return;
  napi_value resource;
  napi_callback_scope callback_scope;
  napi_get_global(env, &resource);
  if (napi_open_callback_scope(env, resource, engine->context, &callback_scope) == napi_ok) {
    for (Direction d : {kRead, kWrite})
      if (events & kEvents[d]) state->Drain(env, d);
    napi_close_callback_scope(env, callback_scope);  // promise callbacks (microtasks) run here
  }
  if (!state->released) state->UpdateInterest();
  napi_close_handle_scope(env, handle_scope);
}

void OnClosed(uv_handle_t* handle) {
  FdState* state = static_cast<FdState*>(handle->data);
  state->engine->HandleClosed(state);
}

void Engine::HandleClosed(FdState* state) {
  delete state;
  closing_--;
  MaybeFinish();
}

void Engine::Release(Napi::Env env, int fd) {
  if (static_cast<size_t>(fd) < owned_.size()) owned_[fd] = false;
  FdState* state = Find(fd);
  if (state == nullptr) return;
  fds_[fd] = nullptr;
  OpQueue pending[2] = {std::move(state->queue[kRead]), std::move(state->queue[kWrite])};
  Dispose(state);
  for (auto& queue : pending) {
    for (auto& op : queue) {
      op->err = ECANCELED;
      Settle(env, std::move(op), Outcome::kFailed);
    }
  }
}

void Engine::Dispose(FdState* state) {
  state->released = true;  // a callback of this state still on the stack stops here
  if (!state->poll_initialized) {
    delete state;
    return;
  }
  uv_close(reinterpret_cast<uv_handle_t*>(&state->poll), OnClosed);  // stops it: epoll forgets the fd now
  closing_++;  // freed in OnClosed
}

void Engine::Teardown(napi_async_cleanup_hook_handle hook) {
  tearing_down_ = true;
  hook_ = hook;
  for (FdState*& state : fds_) {
    if (state == nullptr) continue;
    // No JS runs any more: the promises can no longer settle. Dropping the operations releases their
    // buffer references.
    for (auto& queue : state->queue) queue.clear();
    Dispose(state);
    state = nullptr;
  }
  // Like a net.Socket's, a Socket object's fd dies with its environment. (Plain fds from socket() stay
  // open, as fs.openSync's do.) Their poll handles are closed above, so epoll no longer has them.
  for (size_t fd = 0; fd < owned_.size(); fd++)
    if (owned_[fd]) sys::close(static_cast<int>(fd));
  owned_.clear();
  MaybeFinish();
}

void Engine::MaybeFinish() {
  if (!tearing_down_ || closing_ != 0) return;
  napi_async_destroy(env, context);
  napi_remove_async_cleanup_hook(hook_);
  delete this;
}

void OnTeardown(napi_async_cleanup_hook_handle hook, void* arg) { static_cast<Engine*>(arg)->Teardown(hook); }

// cancel(fd, token, reason): rejects the operation that was started with `token` with `reason` (an
// AbortError), and forgets it. Returns whether such an operation was still waiting.
Napi::Value Cancel(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = FdArg(info[0]);
  double token = TokenArg(info[1]);
  FdState* state = Engine::From(env)->Find(fd);
  if (state == nullptr) return Napi::Boolean::New(env, false);
  for (auto& queue : state->queue) {
    for (auto it = queue.begin(); it != queue.end(); ++it) {
      if ((*it)->token != token) continue;
      std::unique_ptr<Op> op = std::move(*it);
      queue.erase(it);
      state->UpdateInterest();
      Reject(env, std::move(op), info[2]);
      return Napi::Boolean::New(env, true);
    }
  }
  return Napi::Boolean::New(env, false);
}

// What the engine holds, for the soak and leak tests: fd states (each with its poll handle once one
// was needed), poll handles still closing, operations waiting, fds owned by Socket objects; and, as
// libuv counts them (uv_walk), the loop's poll handles (only this addon makes them) and all its handles
// but timers (V8's delayed tasks make timers of their own as they please).
Napi::Object Engine::Stats(Napi::Env env) const {
  size_t states = 0, polls = 0, waiting = 0, owned = 0;
  for (const FdState* state : fds_) {
    if (state == nullptr) continue;
    states++;
    polls += state->poll_initialized;
    waiting += state->queue[kRead].size() + state->queue[kWrite].size();
  }
  for (bool o : owned_) owned += o;
  struct {
    size_t polls = 0, others = 0;
  } loop_handles;
  uv_walk(
      loop,
      [](uv_handle_t* handle, void* arg) {
        auto* count = static_cast<decltype(loop_handles)*>(arg);
        if (handle->type == UV_POLL) count->polls++;
        else if (handle->type != UV_TIMER) count->others++;
      },
      &loop_handles);
  Napi::Object out = Napi::Object::New(env);
  out["fdStates"] = states;
  out["pollHandles"] = polls;
  out["closing"] = closing_;
  out["waiting"] = waiting;
  out["owned"] = owned;
  out["loopPollHandles"] = loop_handles.polls;
  out["loopOtherHandles"] = loop_handles.others;
  return out;
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

namespace {

// Gives the operation its promise, for an outcome that is not a result returned at once.
Napi::Value PromiseFor(Napi::Env env, Op& op) {
  napi_value promise;
  NAPI_THROW_IF_FAILED(env, napi_create_promise(env, &op.deferred, &promise), Napi::Value());
  return Napi::Value(env, promise);
}

Napi::Value Failed(Napi::Env env, std::unique_ptr<Op> op, Napi::Value error) {
  Napi::Value promise = PromiseFor(env, *op);
  Reject(env, std::move(op), error);
  return promise;
}

}  // namespace

Napi::Value Submit(Napi::Env env, std::unique_ptr<Op> op) {
  Engine* engine = Engine::From(env);
  const int fd = op->fd;
  const Direction d = op->direction;
  FdState* state = engine->Find(fd);
  if (state == nullptr || state->TryNow(d)) {
    if (op->NeedsNonBlockingFd() && (state == nullptr || !state->nonblocking)) {
      int on = 1;
      if (sys::ioctl_fionbio(fd, &on) < 0) return Failed(env, std::move(op), ErrnoError(env, errno, "ioctl").Value());
      state = engine->Create(fd);
      state->nonblocking = true;
    }
    Outcome outcome = op->Attempt();
    if (outcome == Outcome::kDone) {
      if (state != nullptr && d == kRead) state->wait_first = false;
      try {
        return op->Result(env);  // building it may run JS (a setter on Object.prototype) that throws
      } catch (const Napi::Error& e) {
        return Rejected(env, e.Value());
      }
    }
    if (outcome == Outcome::kFailed) {
      Napi::Value promise = PromiseFor(env, *op);
      Settle(env, std::move(op), outcome);
      return promise;
    }
    state = engine->Create(fd);  // EAGAIN: the fd is open
    if (d == kRead) state->wait_first = true;
  }
  if (!state->poll_initialized) {
    // Also sets O_NONBLOCK. Fails with EEXIST if another handle of this loop (a net.Socket) owns the fd.
    int rc = uv_poll_init(engine->loop, &state->poll, fd);
    if (rc < 0) return Failed(env, std::move(op), ErrnoError(env, -rc, "uv_poll_init").Value());
    sys::libuv_set_nonblocking(fd);
    state->poll_initialized = true;
    state->nonblocking = true;
  }
  Napi::Value promise = PromiseFor(env, *op);
  op->Hold(env);
  state->queue[d].push_back(std::move(op));
  state->UpdateInterest();
  return promise;
}

void ReleaseFd(Napi::Env env, int fd) {
  Engine* engine = Engine::From(env);
  if (engine != nullptr) engine->Release(env, fd);
}

void ForgetNonBlocking(Napi::Env env, int fd) {
  Engine* engine = Engine::From(env);
  FdState* state = engine != nullptr ? engine->Find(fd) : nullptr;
  if (state != nullptr) state->nonblocking = false;
}

void InitWatcher(Napi::Env env, Napi::Object exports) {
  // The engine deletes itself at teardown (after its handles have closed), so no finalizer here.
  NAPI_THROW_IF_FAILED_VOID(env, napi_set_instance_data(env, new Engine(env), nullptr, nullptr));
  Export<Cancel>(env, exports, "cancel");
  Export<Release>(env, exports, "release");
  Export<Own>(env, exports, "own");
  Export<EngineStats>(env, exports, "engineStats");
}

}  // namespace sockfd
