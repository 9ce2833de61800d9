// The portable backend, for Node-API runtimes without a real libuv loop (Bun, Deno; on Node when
// SOCKFD_ENGINE=thread): a waiter thread blocks in epoll_wait until the engine's epoll fd is readable,
// then wakes the JS thread through a napi_threadsafe_function and waits until the engine has taken
// the events (the epoll fd sits in the waiter's own epoll set with EPOLLONESHOT, re-armed by the JS
// thread after each wake-up), so one readiness costs one wake-up and the thread never spins.
//
// - The loop is held through napi_ref/unref_threadsafe_function, only while an operation waits.
// - Teardown: the thread is stopped (an eventfd in its set) and joined before the runtime finalizes
//   the threadsafe function, so it never calls a finalized one: in Node the threadsafe function is
//   finalized by a cleanup hook of its own, and ours is added after it, so it runs first (hooks run
//   in reverse order). The function is not released at teardown: the runtime finalizes it with the
//   environment, and Deno's release made a V8 handle outside any scope there (a fatal error at exit).
// - A wake-up still queued when the environment goes finds the link to this backend cut, and does
//   nothing. The link is the threadsafe function's context and is freed in its finalizer, so it
//   outlives every call, in whatever order the runtime tears the two down.
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

constexpr uint64_t kEngineFd = 0;
constexpr uint64_t kStopFd = 1;

class ThreadBackend final : public Backend {
 public:
  ThreadBackend(napi_env env, int epfd, std::function<void()> ready) : Backend(std::move(ready)), env_(env), epfd_(epfd) {}
  ~ThreadBackend() override { Stop(false); }

  static std::unique_ptr<Backend> Make(napi_env env, int epfd, std::function<void()> ready) {
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

  std::vector<int> Fds() const override {
    std::vector<int> fds;
    for (int fd : {outer_, stop_})
      if (fd >= 0) fds.push_back(fd);
    return fds;
  }

 private:
  // The threadsafe function's context (see the top of the file).
  struct Link {
    std::atomic<ThreadBackend*> backend;
  };

  void Start() {
    Napi::Env env(env_);
    stop_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (stop_ < 0) ThrowErrno(env, errno, "eventfd");
    outer_ = epoll_create1(EPOLL_CLOEXEC);
    if (outer_ < 0) ThrowErrno(env, errno, "epoll_create1");
    epoll_event stop{EPOLLIN, {.u64 = kStopFd}};
    if (epoll_ctl(outer_, EPOLL_CTL_ADD, stop_, &stop) < 0) ThrowErrno(env, errno, "epoll_ctl");
    epoll_event engine{EPOLLIN | EPOLLONESHOT, {.u64 = kEngineFd}};
    if (epoll_ctl(outer_, EPOLL_CTL_ADD, epfd_, &engine) < 0) ThrowErrno(env, errno, "epoll_ctl");

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
      epoll_event events[2];
      int n = epoll_wait(outer_, events, 2, -1);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return;
      bool ready = false;
      for (int i = 0; i < n; i++) {
        if (events[i].data.u64 == kStopFd) return;
        ready = true;
      }
      if (ready && napi_call_threadsafe_function(tsfn_, nullptr, napi_tsfn_nonblocking) != napi_ok) return;
    }
  }

  // On the JS thread: the engine takes the events, then the waiter may wait again.
  static void Wake(napi_env env, napi_value, void* context, void*) {
    auto* link = static_cast<Link*>(context);
    ThreadBackend* self = link->backend.load();
    if (env == nullptr || self == nullptr) return;  // the environment is going
    self->ready_();
    epoll_event engine{EPOLLIN | EPOLLONESHOT, {.u64 = kEngineFd}};
    epoll_ctl(self->outer_, EPOLL_CTL_MOD, self->epfd_, &engine);
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
    if (outer_ >= 0) ::close(outer_);
    if (stop_ >= 0) ::close(stop_);
    outer_ = stop_ = -1;
  }

  const napi_env env_;
  const int epfd_;
  int outer_ = -1;
  int stop_ = -1;
  napi_threadsafe_function tsfn_ = nullptr;
  Link* link_ = nullptr;
  bool hooked_ = false;
  std::thread thread_;
};

}  // namespace

std::unique_ptr<Backend> MakeThreadBackend(napi_env env, int epfd, std::function<void()> ready) {
  return ThreadBackend::Make(env, epfd, std::move(ready));
}

}  // namespace sockfd
