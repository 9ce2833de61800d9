// How the JS thread learns that the engine's epoll fd is readable: a backend. The engine core
// (engine.cc) is runtime-neutral; each backend is in a file of its own:
// - uv.cc: one uv_poll_t on the environment's libuv loop. No thread, the fastest; Node only.
// - thread.cc: a waiter thread blocked in epoll_wait that wakes the JS thread through a
//   napi_threadsafe_function. Nothing but Node-API, so it works in any Node-API runtime (Bun, Deno),
//   whose libuv is missing or partial (Bun's uv_* functions abort: oven-sh/bun#18546).
// Nothing libuv runs outside uv.cc: the addon loads, and its sync API works, where there is no libuv.
#pragma once

#include <napi.h>

#include <sys/epoll.h>

#include <functional>
#include <memory>

namespace sockfd {

// Events taken from the epoll fd at a time.
constexpr int kMaxEvents = 128;

// Called on the JS thread with events the backend has taken from the engine's epoll fd, inside a
// callback scope (so that promise callbacks run when it closes): the backend's own, or the one the
// runtime runs a threadsafe function's call in. The engine opens its handle scope.
using Ready = std::function<void(const epoll_event* events, int n)>;

class Backend {
 public:
  explicit Backend(Ready ready) : ready_(std::move(ready)) {}
  virtual ~Backend() = default;
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  // Holds the event loop (and so the process) open, or lets it go: the engine holds it only while an
  // operation waits.
  virtual void Hold(bool hold) = 0;
  // Stops calling `ready`, then calls `done` (at once, or from the loop once the handle has closed).
  // The engine is freed in `done`.
  virtual void Close(std::function<void()> done) = 0;
  // What the backend has on the loop (the soak test's leak checks).
  virtual void Stats(Napi::Object out) const = 0;
  // The fd it holds of its own, or -1 (the engine refuses to let JS close it).
  virtual int Fd() const { return -1; }

 protected:
  Ready ready_;
};

enum class BackendKind { kLibuv, kThread };

// Each returns the backend watching `epfd`, or throws a JS error (the syscall or Node-API call that failed).
std::unique_ptr<Backend> MakeLibuvBackend(napi_env env, int epfd, Ready ready);
std::unique_ptr<Backend> MakeThreadBackend(napi_env env, int epfd, Ready ready);

}  // namespace sockfd
