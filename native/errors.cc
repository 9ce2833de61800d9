// errno -> JS errors in Node's shape, and Node-style argument errors.
#include "sockfd.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>
#include <uv.h>

#include <cerrno>
#include <cmath>
#include <cstring>

namespace sockfd {

namespace {

struct ErrnoEntry {
  int value;
  const char* name;
};

constexpr ErrnoEntry kErrnoNames[] = {
#define SOCKFD_ERRNO(name) {name, #name},
#include "errno_list.inc"
#undef SOCKFD_ERRNO
};

// Appends " <address>:<port>" or " <path>" for the address a failed call was given, as Node does. A raw
// sockaddr too short for its family decodes to { family, bytes } and adds nothing.
void AppendAddress(std::string& msg, Napi::Object err, const sockaddr* sa, socklen_t salen) {
  if (sa == nullptr) return;
  Napi::Value addr = AddressToJS(err.Env(), sa, salen);
  if (!addr.IsObject()) return;
  Napi::Object o = addr.As<Napi::Object>();
  Napi::Value address = o.Get("address");
  Napi::Value port = o.Get("port");
  Napi::Value path = o.Get("path");
  if (address.IsString() && port.IsNumber()) {
    err.Set("address", address);
    err.Set("port", port);
    msg.append(" ").append(address.As<Napi::String>().Utf8Value()).append(":");
    msg.append(std::to_string(port.As<Napi::Number>().Int32Value()));
  } else if (path.IsString()) {
    err.Set("address", path);
    msg.append(" ").append(path.As<Napi::String>().Utf8Value());
  }
}

// libuv's wording of each error ("address already in use"), which Node's own errors print. Only the
// table is taken from uv.h (a macro): no libuv function is called, so errors read the same in a
// runtime without libuv (Bun, Deno). UV_E* are -errno on Unix.
struct UvText {
  int err;
  const char* text;
};
constexpr UvText kUvTexts[] = {
#define SOCKFD_UV_TEXT(name, text) {-UV_##name, text},
    UV_ERRNO_MAP(SOCKFD_UV_TEXT)
#undef SOCKFD_UV_TEXT
};

// The error's text as Node prints it: libuv's, and for an errno libuv has no entry for, glibc's with a
// lowercase initial.
std::string ErrnoText(int err) {
  for (const UvText& entry : kUvTexts)
    if (entry.err == err) return entry.text;
  char buf[256];
  return Lowercased(strerror_r(err, buf, sizeof(buf)));  // GNU form
}

// What a learner most often did to get this error, when one mistake is the usual cause.
const char* Hint(int err, const std::string& syscall) {
  if (err == EINVAL && (syscall == "accept" || syscall == "accept4"))
    return "accept() takes a listening socket: call listen(fd, backlog) after bind() first";
  if (err == EDESTADDRREQ && (syscall == "sendto" || syscall == "sendmsg" || syscall == "write"))
    return "a datagram socket needs a destination: give sendto() an address, or connect() it first";
  if (err == ENOTCONN && (syscall == "recvfrom" || syscall == "sendto" || syscall == "getpeername"))
    return "the socket is not connected: connect() it (or accept() a connection) first";
  if (err == EOPNOTSUPP && (syscall == "listen" || syscall == "accept" || syscall == "accept4"))
    return "only stream sockets (SOCK_STREAM, SOCK_SEQPACKET) listen and accept";
  return nullptr;
}

Napi::Error WithCode(Napi::Error err, const char* code) {
  err.Set("code", Napi::String::New(err.Env(), code));
  return err;
}

}  // namespace

std::string Lowercased(const char* text) {
  std::string s = text;
  if (s.size() > 1 && s[0] >= 'A' && s[0] <= 'Z' && !(s[1] >= 'A' && s[1] <= 'Z')) s[0] = static_cast<char>(s[0] - 'A' + 'a');
  return s;
}

const char* ErrnoName(int err) {
  for (const ErrnoEntry& e : kErrnoNames)
    if (e.value == err) return e.name;
  return nullptr;
}

Napi::Error ErrnoError(Napi::Env env, int err, const char* syscall, const sockaddr* sa, socklen_t salen) {
  const char* name = ErrnoName(err);
  std::string code = name != nullptr ? name : "Unknown system error " + std::to_string(err);
  Napi::Error error = Napi::Error::New(env, "");
  Napi::Object o = error.Value();
  // Node's form: "bind EADDRINUSE: address already in use 127.0.0.1:4321"
  std::string msg = std::string(syscall) + " " + code + ": " + ErrnoText(err);
  AppendAddress(msg, o, sa, salen);
  if (const char* hint = Hint(err, syscall)) msg.append(" (").append(hint).append(")");
  o.Set("message", Napi::String::New(env, msg));
  o.Set("code", Napi::String::New(env, code));
  o.Set("errno", Napi::Number::New(env, err));
  o.Set("syscall", Napi::String::New(env, syscall));
  return error;
}

void ThrowErrno(Napi::Env env, int err, const char* syscall, const sockaddr* sa, socklen_t salen) {
  throw ErrnoError(env, err, syscall, sa, salen);
}

void ThrowTypeError(Napi::Env env, const char* code, const std::string& message) {
  throw WithCode(Napi::TypeError::New(env, message), code);
}

void ThrowRangeError(Napi::Env env, const char* code, const std::string& message) {
  throw WithCode(Napi::RangeError::New(env, message), code);
}

std::string DescribeReceived(Napi::Value v) {
  switch (v.Type()) {
    case napi_undefined:
      return "undefined";
    case napi_null:
      return "null";
    case napi_function: {
      std::string name = v.As<Napi::Object>().Get("name").ToString().Utf8Value();
      return name.empty() ? "function " : "function " + name;
    }
    case napi_object: {
      Napi::Value ctor = v.As<Napi::Object>().Get("constructor");
      if (ctor.IsFunction()) {
        std::string name = ctor.As<Napi::Object>().Get("name").ToString().Utf8Value();
        if (!name.empty()) return "an instance of " + name;
      }
      return "an instance of Object";  // e.g. Object.create(null)
    }
    case napi_string: {
      std::string s = v.As<Napi::String>().Utf8Value();
      if (s.size() > 28) s = s.substr(0, 25) + "...";
      return "type string ('" + s + "')";
    }
    case napi_number: {
      double d = v.As<Napi::Number>().DoubleValue();
      std::string s = std::isnan(d)        ? "NaN"
                      : std::isinf(d)      ? (d > 0 ? "Infinity" : "-Infinity")
                      : d == std::trunc(d) && std::fabs(d) < 1e21
                          ? std::to_string(static_cast<long long>(d))
                          : v.ToString().Utf8Value();
      return "type number (" + s + ")";
    }
    case napi_bigint:
      return "type bigint (" + v.ToString().Utf8Value() + "n)";
    case napi_boolean:
      return std::string("type boolean (") + (v.As<Napi::Boolean>().Value() ? "true" : "false") + ")";
    case napi_symbol:
      return "type symbol";
    default:
      return "type unknown";
  }
}

void ThrowInvalidArgType(Napi::Env env, const char* name, const char* expected, Napi::Value actual) {
  ThrowTypeError(env, "ERR_INVALID_ARG_TYPE",
                 std::string("The \"") + name + "\" argument must be " + expected + ". Received " +
                     DescribeReceived(actual));
}

void ThrowOutOfRange(Napi::Env env, const char* name, const std::string& range, Napi::Value actual) {
  std::string received = actual.IsNumber() ? actual.ToString().Utf8Value() : DescribeReceived(actual);
  ThrowRangeError(env, "ERR_OUT_OF_RANGE",
                  std::string("The value of \"") + name + "\" is out of range. It must be " + range +
                      ". Received " + received);
}

}  // namespace sockfd
