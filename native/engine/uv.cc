// The libuv backend: the engine's epoll fd is watched by one uv_poll_t on the environment's own loop
// (napi_get_uv_event_loop: a Worker's, never uv_default_loop). The handle stays started; it references
// the loop only while an operation waits (uv_ref and uv_unref make no syscall). libuv never sees a
// socket fd, only the epoll fd, which the engine closes after the handle. A poll callback comes from
// the loop with no callback scope: the backend opens one around the engine's work, so that promise
// callbacks (microtasks) run when it closes, under an async context of its own.
#include "backend.h"

#include "../sockfd.h"

#include <uv.h>

#include <cerrno>

namespace sockfd {

namespace {

class LibuvBackend final : public Backend {
 public:
  explicit LibuvBackend(Ready ready) : Backend(std::move(ready)) {}

  // A factory rather than a constructor: once uv_poll_init has put the handle on the loop, the object
  // may only go in the handle's close callback, so a failure after it cannot simply throw.
  static std::unique_ptr<Backend> Make(napi_env env, int epfd, Ready ready) {
    uv_loop_t* loop;
    NAPI_THROW_IF_FAILED(env, napi_get_uv_event_loop(env, &loop), nullptr);
    auto self = std::make_unique<LibuvBackend>(std::move(ready));
    self->loop_ = loop;
    self->epfd_ = epfd;
    napi_value name;
    NAPI_THROW_IF_FAILED(env, napi_create_string_utf8(env, "sockfd", NAPI_AUTO_LENGTH, &name), nullptr);
    NAPI_THROW_IF_FAILED(env, napi_async_init(env, nullptr, name, &self->context_), nullptr);
    self->env_ = env;
    int rc = uv_poll_init(loop, &self->poll_, epfd);
    if (rc < 0) {
      napi_async_destroy(env, self->context_);
      ThrowErrno(Napi::Env(env), -rc, "uv_poll_init");
    }
    self->poll_.data = self.get();
    uv_unref(reinterpret_cast<uv_handle_t*>(&self->poll_));
    rc = uv_poll_start(&self->poll_, UV_READABLE, [](uv_poll_t* handle, int, int) {
      static_cast<LibuvBackend*>(handle->data)->Take();
    });
    if (rc < 0) {
      LibuvBackend* orphan = self.release();
      orphan->Close([orphan] { delete orphan; });
      ThrowErrno(Napi::Env(env), -rc, "uv_poll_start");
    }
    return self;
  }

  void Hold(bool hold) override {
    if (hold)
      uv_ref(reinterpret_cast<uv_handle_t*>(&poll_));
    else
      uv_unref(reinterpret_cast<uv_handle_t*>(&poll_));
  }

  void Close(std::function<void()> done) override {
    done_ = std::move(done);
    uv_close(reinterpret_cast<uv_handle_t*>(&poll_), [](uv_handle_t* handle) {
      // done() frees the engine and this backend with it: take it off the object first.
      auto* self = static_cast<LibuvBackend*>(handle->data);
      napi_async_destroy(self->env_, self->context_);
      std::function<void()> done = std::move(self->done_);
      done();
    });
  }

  void Stats(Napi::Object out) const override {
    // As libuv counts them (uv_walk): the loop's poll handles (the engine's one) and all its handles
    // but timers (V8's delayed tasks make timers of their own as they please).
    struct {
      size_t polls = 0, others = 0;
    } count;
    uv_walk(
        loop_,
        [](uv_handle_t* handle, void* arg) {
          auto* c = static_cast<decltype(count)*>(arg);
          if (handle->type == UV_POLL) c->polls++;
          else if (handle->type != UV_TIMER) c->others++;
        },
        &count);
    out["loopPollHandles"] = count.polls;
    out["loopOtherHandles"] = count.others;
  }

 private:
  // The loop says the epoll fd is readable: take what it holds, without waiting.
  void Take() {
    epoll_event events[kMaxEvents];
    int n;
    do n = epoll_wait(epfd_, events, kMaxEvents, 0);
    while (n < 0 && errno == EINTR);
    if (n <= 0) return;
    napi_handle_scope handle_scope;
    if (napi_open_handle_scope(env_, &handle_scope) != napi_ok) return;
    napi_value resource;
    napi_callback_scope callback_scope;
    napi_get_global(env_, &resource);
    if (napi_open_callback_scope(env_, resource, context_, &callback_scope) == napi_ok) {
      ready_(events, n);
      napi_close_callback_scope(env_, callback_scope);  // promise callbacks (microtasks) run here
    }
    napi_close_handle_scope(env_, handle_scope);
  }

  napi_env env_ = nullptr;
  uv_loop_t* loop_ = nullptr;
  int epfd_ = -1;
  napi_async_context context_ = nullptr;
  uv_poll_t poll_;
  std::function<void()> done_;
};

}  // namespace

std::unique_ptr<Backend> MakeLibuvBackend(napi_env env, int epfd, Ready ready) {
  return LibuvBackend::Make(env, epfd, std::move(ready));
}

}  // namespace sockfd
