// send(2), recv(2), sendto(2), recvfrom(2), read(2), write(2), readv(2), writev(2).
//
// Rule for every function here: arguments that can run JS (property getters on address objects, array
// elements) are read first, and pointers into ArrayBuffers are taken last, so no JS can detach or shrink
// a buffer between taking its pointer and the syscall.
#include "sockfd.h"

#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

namespace sockfd {

namespace {

Napi::Value Send(const Napi::CallbackInfo& info) {
  int fd = FdArg(info[0]);
  std::string storage;
  Bytes data = DataArg(info[1], "data", storage);
  size_t len = LengthArg(info[2], "len", data.length);
  int flags = FlagsArg(info[3]);
  ssize_t n = sys::send(fd, data.data, len, flags);
  if (n < 0) ThrowErrno(info.Env(), errno, "send");
  return Count(info.Env(), n);
}

Napi::Value Recv(const Napi::CallbackInfo& info) {
  int fd = FdArg(info[0]);
  Bytes buf = ViewArg(info[1], "buf");
  size_t len = LengthArg(info[2], "len", buf.length);
  int flags = FlagsArg(info[3]);
  ssize_t n = sys::recv(fd, buf.data, len, flags);
  if (n < 0) ThrowErrno(info.Env(), errno, "recv");
  return Count(info.Env(), n);
}

Napi::Value SendTo(const Napi::CallbackInfo& info) {
  int fd = FdArg(info[0]);
  // A missing address is sendto(fd, buf, len, flags, NULL, 0): the same as send() on a connected socket.
  bool has_addr = !IsMissing(info[4]) && !info[4].IsNull();
  SockAddr addr;
  if (has_addr) addr = AddressArg(info[4]);
  std::string storage;
  Bytes data = DataArg(info[1], "data", storage);
  size_t len = LengthArg(info[2], "len", data.length);
  int flags = FlagsArg(info[3]);
  ssize_t n = sys::sendto(fd, data.data, len, flags, has_addr ? addr.get() : nullptr, addr.length);
  if (n < 0) ThrowErrno(info.Env(), errno, "sendto", has_addr ? addr.get() : nullptr, addr.length);
  return Count(info.Env(), n);
}

Napi::Value RecvFrom(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = FdArg(info[0]);
  Bytes buf = ViewArg(info[1], "buf");
  size_t len = LengthArg(info[2], "len", buf.length);
  int flags = FlagsArg(info[3]);
  SockAddr from;
  from.length = sizeof(from.storage);
  ssize_t n = sys::recvfrom(fd, buf.data, len, flags, from.get(), &from.length);
  if (n < 0) ThrowErrno(env, errno, "recvfrom");
  // lib/index.ts makes { bytes, addr }; a connected stream reports no address (length 0): addr null.
  StoreAddress(from.get(), from.length);
  return Count(env, n);
}

Napi::Value Read(const Napi::CallbackInfo& info) {
  int fd = FdArg(info[0]);
  Bytes buf = ViewArg(info[1], "buf");
  size_t len = LengthArg(info[2], "len", buf.length);
  ssize_t n = sys::read(fd, buf.data, len);
  if (n < 0) ThrowErrno(info.Env(), errno, "read");
  return Count(info.Env(), n);
}

Napi::Value Write(const Napi::CallbackInfo& info) {
  int fd = FdArg(info[0]);
  std::string storage;
  Bytes data = DataArg(info[1], "data", storage);
  size_t len = LengthArg(info[2], "len", data.length);
  ssize_t n = sys::write(fd, data.data, len);
  if (n < 0) ThrowErrno(info.Env(), errno, "write");
  return Count(info.Env(), n);
}

Napi::Value ReadV(const Napi::CallbackInfo& info) {
  int fd = FdArg(info[0]);
  std::vector<Napi::Value> items = ArrayItems(info[1], "bufs", "readv");
  std::vector<iovec> iov(items.size());
  for (size_t i = 0; i < items.size(); i++) {
    Bytes b = ViewArg(items[i], "bufs[i]");
    iov[i] = iovec{b.data, b.length};
  }
  ssize_t n = sys::readv(fd, iov.data(), static_cast<int>(iov.size()));
  if (n < 0) ThrowErrno(info.Env(), errno, "readv");
  return Count(info.Env(), n);
}

Napi::Value WriteV(const Napi::CallbackInfo& info) {
  int fd = FdArg(info[0]);
  std::vector<Napi::Value> items = ArrayItems(info[1], "bufs", "writev");
  std::vector<std::string> storage(items.size());  // sized once: the strings never move
  std::vector<iovec> iov(items.size());
  for (size_t i = 0; i < items.size(); i++) {
    Bytes b = DataArg(items[i], "bufs[i]", storage[i]);
    iov[i] = iovec{b.data, b.length};
  }
  ssize_t n = sys::writev(fd, iov.data(), static_cast<int>(iov.size()));
  if (n < 0) ThrowErrno(info.Env(), errno, "writev");
  return Count(info.Env(), n);
}

}  // namespace

void InitIo(Napi::Env env, Napi::Object exports) {
  Export<Send>(env, exports, "send");
  Export<Recv>(env, exports, "recv");
  Export<SendTo>(env, exports, "sendto");
  Export<RecvFrom>(env, exports, "recvfrom");
  Export<Read>(env, exports, "read");
  Export<Write>(env, exports, "write");
  Export<ReadV>(env, exports, "readv");
  Export<WriteV>(env, exports, "writev");
}

}  // namespace sockfd
