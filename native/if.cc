// Network interfaces: if_nametoindex(3), if_indextoname(3), if_nameindex(3), getifaddrs(3). libc
// functions that ask the kernel over a netlink or ioctl socket of their own (several syscalls each), so
// the trace does not show them.
#include "sockfd.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#ifdef __linux__
#include <linux/if_packet.h>
#endif

#include <cerrno>
#include <cstring>

namespace sockfd {

namespace {

// if_nametoindex(ifname): the index; C's 0 (no such interface) throws the errno error, ENODEV.
Napi::Value IfNameToIndex(const Napi::CallbackInfo& info) {
  std::string name = StringArg(info[0], "ifname");
  if (name.size() >= IF_NAMESIZE || name.size() != std::strlen(name.c_str())) ThrowErrno(info.Env(), ENODEV, "if_nametoindex");
  unsigned index = if_nametoindex(name.c_str());
  if (index == 0) ThrowErrno(info.Env(), errno, "if_nametoindex");
  return Napi::Number::New(info.Env(), index);
}

// if_indextoname(ifindex): the name; C's NULL throws the errno error, ENXIO.
Napi::Value IfIndexToName(const Napi::CallbackInfo& info) {
  auto index = static_cast<unsigned>(IntegerArg(info[0], "ifindex", 0, UINT32_MAX));
  char name[IF_NAMESIZE] = {};
  if (if_indextoname(index, name) == nullptr) ThrowErrno(info.Env(), errno, "if_indextoname");
  return Napi::String::New(info.Env(), name);
}

// if_nameindex(): [{ if_index, if_name }], freed with if_freenameindex before returning.
Napi::Value IfNameIndex(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  struct if_nameindex* list = if_nameindex();
  if (list == nullptr) ThrowErrno(env, errno, "if_nameindex");
  Napi::Array out = Napi::Array::New(env);
  try {
    for (uint32_t i = 0; list[i].if_index != 0; i++) {
      Napi::Object o = Napi::Object::New(env);
      o.Set("if_index", list[i].if_index);
      o.Set("if_name", list[i].if_name);
      out.Set(i, o);
    }
  } catch (...) {
    if_freenameindex(list);
    throw;
  }
  if_freenameindex(list);
  return out;
}

// The length of an address getifaddrs gives (it gives none): its family's struct.
socklen_t SockaddrLength(const sockaddr* sa) {
  switch (sa->sa_family) {
    case AF_INET: return sizeof(sockaddr_in);
    case AF_INET6: return sizeof(sockaddr_in6);
#ifdef __linux__
    case AF_PACKET: return sizeof(sockaddr_ll);
#endif
    default: return sizeof(sockaddr);
  }
}

Napi::Value OptionalAddress(Napi::Env env, const sockaddr* sa) {
  return sa == nullptr ? env.Null() : AddressToJS(env, sa, SockaddrLength(sa));
}

// getifaddrs(): [{ ifa_name, ifa_flags, ifa_addr, ifa_netmask, ifa_broadaddr, ifa_dstaddr }], the
// addresses as the objects getsockname returns (null where C has NULL); ifa_broadaddr is set where
// IFF_BROADCAST is, ifa_dstaddr where IFF_POINTOPOINT is (the union C has, split by the flag).
Napi::Value GetIfAddrs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) < 0) ThrowErrno(env, errno, "getifaddrs");
  Napi::Array out = Napi::Array::New(env);
  try {
    uint32_t i = 0;
    for (ifaddrs* ifa = list; ifa != nullptr; ifa = ifa->ifa_next) {
      Napi::Object o = Napi::Object::New(env);
      o.Set("ifa_name", ifa->ifa_name);
      o.Set("ifa_flags", ifa->ifa_flags);
      o.Set("ifa_addr", OptionalAddress(env, ifa->ifa_addr));
      o.Set("ifa_netmask", OptionalAddress(env, ifa->ifa_netmask));
      const bool p2p = (ifa->ifa_flags & IFF_POINTOPOINT) != 0;
      o.Set("ifa_broadaddr", p2p ? env.Null() : OptionalAddress(env, ifa->ifa_broadaddr));
      o.Set("ifa_dstaddr", p2p ? OptionalAddress(env, ifa->ifa_dstaddr) : env.Null());
      out.Set(i++, o);
    }
  } catch (...) {
    freeifaddrs(list);
    throw;
  }
  freeifaddrs(list);
  return out;
}

}  // namespace

void InitIf(Napi::Env env, Napi::Object exports) {
  Export<IfNameToIndex>(env, exports, "if_nametoindex");
  Export<IfIndexToName>(env, exports, "if_indextoname");
  Export<IfNameIndex>(env, exports, "if_nameindex");
  Export<GetIfAddrs>(env, exports, "getifaddrs");
}

}  // namespace sockfd
