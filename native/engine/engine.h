// The readiness engine behind sockfd/promises: an awaitable syscall is tried at once and, only if the
// kernel says EAGAIN / EINPROGRESS, waits for readiness on the environment's event loop (through the
// engine's own epoll fd and a backend, see engine.cc and backend.h) and is tried again. Socket I/O
// never touches the thread pool.
#pragma once

#include "../sockfd.h"

#include <cerrno>
#include <cmath>
#include <list>
#include <memory>
#include <new>

namespace sockfd {

// What one attempt of an operation's syscall came to.
enum class Outcome { kDone, kWait, kFailed };

// Which readiness an operation waits for; also the index of its queue.
enum Direction { kRead = 0, kWrite = 1 };

// The outcome of a non-blocking syscall that returned `n`: EINTR retries at once, EAGAIN waits.
template <typename Call>
Outcome Retrying(int& err, ssize_t& n, Call call) {
  do n = call();
  while (n < 0 && errno == EINTR);
  if (n >= 0) return Outcome::kDone;
  err = errno;
  return err == EAGAIN || err == EWOULDBLOCK ? Outcome::kWait : Outcome::kFailed;
}

// The loop of the operations that go on until `total` bytes have moved (sendAll, the awaitable
// sendfile): `once()` makes one syscall for the bytes left and returns its count; 0 means nothing more
// will come (the end of a file). At most 16 calls per readiness event, so that a fast reader cannot
// keep the loop here indefinitely.
template <typename Once>
Outcome UntilAll(int& err, size_t& sent, size_t total, Once once) {
  for (int i = 0; i < 16 && sent < total; i++) {
    ssize_t n;
    Outcome o = Retrying(err, n, once);
    if (o != Outcome::kDone) return o;
    if (n == 0) return Outcome::kDone;
    sent += static_cast<size_t>(n);
  }
  return sent == total ? Outcome::kDone : Outcome::kWait;
}

// What such an operation's rejection carries: how many bytes did reach the socket.
inline void SetBytesWritten(Napi::Value error, size_t sent) {
  if (error.IsObject()) error.As<Napi::Object>().Set("bytesWritten", static_cast<double>(sent));
}

// One awaitable syscall on one fd. Subclasses make the syscall in Attempt() (non-blocking: it never
// sleeps) and build the resolved value in Result().
class Op {
 public:
  Op(int fd, Direction direction, const char* syscall) : fd(fd), direction(direction), syscall(syscall) {}
  virtual ~Op() = default;

  // Makes the syscall once. kFailed leaves the errno value in `err`.
  virtual Outcome Attempt() = 0;
  virtual Napi::Value Result(Napi::Env env) = 0;
  // The rejection for `err` (default: the errno error naming `syscall`).
  virtual Napi::Value Error(Napi::Env env);
  // Adds to whatever value the operation rejects with (sendAll adds bytesWritten).
  virtual void Annotate(Napi::Value /*error*/) {}
  // accept() and connect() need O_NONBLOCK on the fd itself; the send/recv family uses MSG_DONTWAIT.
  virtual bool NeedsNonBlockingFd() const { return false; }
  // Called once, while the JS call that made this operation is still on the stack, when it starts to
  // wait: take references so that the buffers outlive the call.
  virtual void Hold(Napi::Env) {}
  // Called before every retry: re-read buffer pointers, since JS may have detached or shrunk a buffer
  // while the operation waited. Throws (a JS error) if the buffer no longer holds the operation's bytes.
  virtual void Refresh(Napi::Env) {}
  // After kDone: whether fewer bytes moved than were asked for. On a stream socket that means the
  // kernel's buffer was used up (read empty, or written full), so the engine need not try again
  // before the next readiness event (Tokio does the same).
  virtual bool Short() const { return false; }
  // Called when the first attempt found nothing ready, before the operation waits on `fd`: one that
  // waits on an fd of its own (poll's and select's watchlist) makes it here and sets `fd`. Returns 0 or
  // an errno value (the rejection names `syscall`).
  virtual int BeforeWait() { return 0; }
  // Whether `fd` is the operation's own (made in BeforeWait): the engine forgets it when the operation ends.
  virtual bool OwnsFd() const { return false; }
  // What a wait that timed out resolves with (poll and select: 0; epoll_wait: []).
  virtual Napi::Value Expired(Napi::Env env) { return env.Undefined(); }

  int fd;
  const Direction direction;
  const char* const syscall;
  int err = 0;
  double token = NAN;  // set by JS when an AbortSignal or a timeout may end this operation
  napi_deferred deferred = nullptr;
  std::list<std::unique_ptr<Op>>::iterator where;  // its place in its fd's queue, while it waits
};

// The bytes of a JS ArrayBufferView that a pending operation reads or writes. While the JS call is on
// the stack the pointer comes straight from the argument; once the operation waits, a reference keeps
// the view alive and Refresh() takes the pointer again before each retry.
class HeldView {
 public:
  HeldView() = default;
  ~HeldView();
  HeldView(const HeldView&) = delete;
  HeldView& operator=(const HeldView&) = delete;

  // `view` is the JS value the bytes belong to, or nullptr for bytes the operation owns.
  void Set(napi_value view, Bytes bytes, size_t len) {
    view_ = view;
    data = bytes.data;
    length = len;
  }
  void Hold(Napi::Env env);
  void Refresh(Napi::Env env, const char* syscall);

 private:
  napi_value view_ = nullptr;  // valid only during the JS call
  napi_ref ref_ = nullptr;
  napi_env env_ = nullptr;

 public:
  uint8_t* data = nullptr;
  size_t length = 0;  // the operation's length; never more than the view's current byteLength
};

// A cancellation token: lib/promises.ts counts them up from 1 (a safe integer).
inline double TokenArg(Napi::Value v) {
  return static_cast<double>(IntegerArg(v, "token", 1, (int64_t{1} << 53) - 1));
}

// Tries the operation now, unless earlier operations of its direction still wait on the fd (they
// complete first, in call order) or the fd is known not to be ready in that direction. Returns the
// result itself if it completed at once (no promise to create and settle: lib/promises.ts wraps it),
// and otherwise a promise: rejected, or settled once the fd is ready and the retried syscall is done.
Napi::Value Submit(Napi::Env env, std::unique_ptr<Op> op);

// A promise already rejected with `reason`.
Napi::Value Rejected(Napi::Env env, Napi::Value reason);

// The awaitable form of a binding: `make` validates the arguments and builds the operation, which is
// then submitted. Invalid arguments reject rather than throw, as in node:fs/promises; so does memory
// that cannot be had for the operation's buffers (ENOMEM, naming `syscall`).
// info[token_index] is the cancellation token lib/promises.ts passes with a signal or a timeout.
template <typename Make>
Napi::Value Start(const Napi::CallbackInfo& info, const char* syscall, size_t token_index, Make make) {
  std::unique_ptr<Op> op;
  try {
    op = make();
    Napi::Value token = info[token_index];
    if (!IsMissing(token)) op->token = TokenArg(token);
  } catch (const Napi::Error& e) {
    return Rejected(info.Env(), e.Value());
  } catch (const std::bad_alloc&) {
    return Rejected(info.Env(), ErrnoError(info.Env(), ENOMEM, syscall).Value());
  }
  return Submit(info.Env(), std::move(op));
}

}  // namespace sockfd
