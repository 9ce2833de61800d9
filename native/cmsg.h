// Control messages (cmsg(3)): laid out from JS objects for sendmsg, walked and decoded for recvmsg.
// msg.cc owns the messages; this is everything about what rides in their msg_control.
#pragma once

#include "sockfd.h"

#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace sockfd {

// Bounds what one message may allocate for control data (far past the kernel's net.core.optmem_max).
constexpr size_t kMaxControl = 1 << 20;

// A message's `control`: raw msg_control bytes as given (the kernel checks them), or an array of
// { level, type, ...payload } laid out at CMSG_SPACE() intervals. Copies everything at once.
std::vector<uint8_t> ControlArg(Napi::Value v, const std::string& name);

// { level, type, data } plus the payload decoded for the types sockfd knows.
Napi::Object CmsgToJS(Napi::Env env, const cmsghdr& c, const uint8_t* data, size_t length);

template <typename T>
T Load(const uint8_t* data) {
  T value;
  std::memcpy(&value, data, sizeof(value));  // cmsg data is not necessarily aligned for T
  return value;
}

// Calls f(cmsg, data, length) for each control message of a received header. `capacity` is the buffer's
// real size: lengths are trusted neither from the kernel nor from a peer's layout.
template <typename F>
void EachCmsg(const msghdr& received, size_t capacity, F f) {
  if (received.msg_control == nullptr) return;
  msghdr h = received;
  h.msg_controllen = std::min<size_t>(h.msg_controllen, capacity);
  const uint8_t* end = static_cast<const uint8_t*>(h.msg_control) + h.msg_controllen;
  for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(&h, c)) {
    if (c->cmsg_len < CMSG_LEN(0)) break;  // malformed; CMSG_NXTHDR would not move past it
    const uint8_t* data = CMSG_DATA(c);
    size_t length = std::min<size_t>(c->cmsg_len - CMSG_LEN(0), static_cast<size_t>(end - data));
    f(*c, data, length);
  }
}

}  // namespace sockfd
