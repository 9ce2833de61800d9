// The portable backend, for Node-API runtimes without a real libuv loop (Bun, Deno; on Node when
// SOCKFD_ENGINE=thread): a waiter thread blocks in epoll_wait on the engine's epoll fd and hands each
// batch of events to the JS thread through a napi_threadsafe_function (in order: its queue is FIFO).
// The sockets are registered edge-triggered, so the waiter may wait again at once: it is woken only by
// new edges, never spins, and the JS thread makes no syscall of its own to learn what is ready. An
// event that arrives for an fd released meanwhile is dropped by the engine (its key names the fd's
// generation).
//
// - The loop is held through napi_ref/unref_threadsafe_function, only while an operation waits.
// - Teardown: the thread is stopped (an eventfd in the epoll set) and joined before the runtime finalizes
//   the threadsafe function, so it never calls a finalized one: in Node the threadsafe function is
//   finalized by a cleanup hook of its own, and ours is added after it, so it runs first (hooks run
//   in reverse order). The function is not released at teardown: the runtime finalizes it with the
//   environment, and Deno's release made a V8 handle outside any scope there (a fatal error at exit).
// - A wake-up still queued when the environment goes does nothing: before the finalizer, it finds the
//   link to this backend cut; after it (Node drains the queue once the finalizer has freed the link,
//   calling with a null env), it touches neither the link nor the backend.
#include "backend.h"

#include "../sockfd.h"

#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <thread>

namespace sockfd {

namespace {

// The stop eventfd's key in the engine's epoll set: no socket's (theirs are generation << 32 | fd,
// generations counting from 1).
constexpr uint64_t kStopKey = 0;

// One wake-up's events, from the waiter thread to the JS thread.
struct Batch {
  int n;
  epoll_event events[kMaxEvents];
};

class ThreadBackend final : public Backend {
 public:
  ThreadBackend(napi_env env, int epfd, Ready ready) : Backend(std::move(ready)), env_(env), epfd_(epfd) {}
  ~ThreadBackend() override { Stop(false); }

  static std::unique_ptr<Backend> Make(napi_env env, int epfd, Ready ready) {
    auto self = std::make_unique<ThreadBackend>(env, epfd, std::move(ready));
    self->Start();
    return self;
  }

  void Hold(bool hold) override {
    if (tsfn_ == nullptr) return;
    if (hold)
      napi_ref_threadsafe_function(env_, tsfn_);
    else
      napi_unref_threadsafe_function(env_, tsfn_);
  }

  void Close(std::function<void()> done) override {
    Stop(true);
    done();
  }

  void Stats(Napi::Object out) const override { out["waiterThreads"] = thread_.joinable() ? 1 : 0; }

  int Fd() const override { return stop_; }

 private:
  // The threadsafe function's context (see the top of the file).
  struct Link {
    std::atomic<ThreadBackend*> backend;
  };

  void Start() {
    Napi::Env env(env_);
    stop_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (stop_ < 0) ThrowErrno(env, errno, "eventfd");
    epoll_event stop{EPOLLIN, {.u64 = kStopKey}};
    if (epoll_ctl(epfd_, EPOLL_CTL_ADD, stop_, &stop) < 0) ThrowErrno(env, errno, "epoll_ctl");

    napi_value name;
    NAPI_THROW_IF_FAILED_VOID(env_, napi_create_string_utf8(env_, "sockfd", NAPI_AUTO_LENGTH, &name));
    auto* link = new Link{this};
    napi_status status = napi_create_threadsafe_function(env_, nullptr, nullptr, name, 0, 1, link, Finalize, link, Wake, &tsfn_);
    if (status != napi_ok) {
      delete link;
      NAPI_THROW_IF_FAILED_VOID(env_, status);
    }
    link_ = link;
    napi_unref_threadsafe_function(env_, tsfn_);
    NAPI_THROW_IF_FAILED_VOID(env_, napi_add_env_cleanup_hook(env_, OnCleanup, this));
    hooked_ = true;

    // The thread takes no signals: they stay with the runtime's own threads.
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    try {
      thread_ = std::thread([this] { Run(); });
    } catch (const std::system_error& e) {
      pthread_sigmask(SIG_SETMASK, &old, nullptr);
      ThrowErrno(env, e.code().value(), "pthread_create");
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
  }

  // The waiter thread.
  void Run() {
    for (;;) {
      auto batch = std::make_unique<Batch>();
      int n = epoll_wait(epfd_, batch->events, kMaxEvents, -1);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return;
      for (int i = 0; i < n; i++)
        if (batch->events[i].data.u64 == kStopKey) return;
      batch->n = n;
      if (napi_call_threadsafe_function(tsfn_, batch.get(), napi_tsfn_nonblocking) != napi_ok) return;
      batch.release();  // the JS thread's now
    }
  }

  // On the JS thread: the engine takes the events.
  static void Wake(napi_env env, napi_value, void* context, void* data) {
    std::unique_ptr<Batch> batch(static_cast<Batch*>(data));
    if (env == nullptr) return;  // the queue drained at teardown: the link may be freed already
    ThreadBackend* self = static_cast<Link*>(context)->backend.load();
    if (self == nullptr) return;  // the environment is going
    self->ready_(batch->events, batch->n);
  }

  static void Finalize(napi_env, void* data, void*) { delete static_cast<Link*>(data); }

  static void OnCleanup(void* arg) {
    auto* self = static_cast<ThreadBackend*>(arg);
    self->hooked_ = false;
    self->Stop(true);
  }

  // Idempotent: the cleanup hook or Close, whichever comes first; or a Start that failed half way,
  // which releases its threadsafe function (`teardown` false).
  void Stop(bool teardown) {
    if (thread_.joinable()) {
      uint64_t one = 1;
      while (write(stop_, &one, sizeof(one)) < 0 && errno == EINTR) {
      }
      thread_.join();
    }
    if (hooked_) napi_remove_env_cleanup_hook(env_, OnCleanup, this);
    hooked_ = false;
    if (tsfn_ != nullptr) {
      link_->backend = nullptr;
      if (!teardown) napi_release_threadsafe_function(tsfn_, napi_tsfn_abort);
      tsfn_ = nullptr;
    }
    if (stop_ >= 0) ::close(stop_);  // which also takes it out of the engine's epoll set
    stop_ = -1;
  }

  const napi_env env_;
  const int epfd_;
  int stop_ = -1;
  napi_threadsafe_function tsfn_ = nullptr;
  Link* link_ = nullptr;
  bool hooked_ = false;
  std::thread thread_;
};

}  // namespace

std::unique_ptr<Backend> MakeThreadBackend(napi_env env, int epfd, Ready ready) {
  return ThreadBackend::Make(env, epfd, std::move(ready));
}

}  // namespace sockfd
