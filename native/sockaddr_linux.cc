// Linux's own address families as objects, both ways (sockaddr.cc hands them here):
// AF_NETLINK  <-> { family, pid, groups }                        struct sockaddr_nl, netlink(7)
// AF_PACKET   <-> { family, protocol, ifindex, hatype, pkttype, addr }  struct sockaddr_ll, packet(7)
// AF_VSOCK    <-> { family, cid, port, flags }                   struct sockaddr_vm, vsock(7)
// AF_ALG      <-> { family, type, name, feat, mask }             struct sockaddr_alg, the kernel crypto API
// Numbers are in host order, as everywhere in sockfd's objects (protocol is ETH_P_ALL, not
// htons(ETH_P_ALL)); a hardware address is text, "02:00:00:00:00:01".
#include "sockfd.h"

#include <arpa/inet.h>
#ifdef __linux__
#include <linux/if_alg.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/vm_sockets.h>
#endif

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace sockfd {

namespace {

// The text of a NUL-padded char array that may fill it entirely.
Napi::String FixedText(Napi::Env env, const unsigned char* text, size_t size) {
  const char* s = reinterpret_cast<const char*>(text);
  return Napi::String::New(env, s, strnlen(s, size));
}

}  // namespace

size_t HwAddrArg(Napi::Value v, const char* name, uint8_t* out, size_t max) {
  Napi::Env env = v.Env();
  if (IsMissing(v)) return 0;
  if (IsView(v)) {
    Bytes b = ViewArg(v, name);
    if (b.length > max) ThrowOutOfRange(env, name, "at most " + std::to_string(max) + " bytes long", v);
    if (b.length > 0) std::memcpy(out, b.data, b.length);  // an empty view's data may be null
    return b.length;
  }
  std::string text = StringArg(v, name);
  size_t n = 0;
  for (size_t i = 0; i < text.size(); n++) {
    unsigned byte;
    int used = 0;
    bool ok = n < max && std::sscanf(text.c_str() + i, "%2x%n", &byte, &used) == 1 && used == 2 &&
              (i + 2 == text.size() || text[i + 2] == ':');
    if (!ok || text.size() == i + 3)  // a trailing ':' is as wrong as a bad digit
      ThrowTypeError(env, "ERR_INVALID_ARG_VALUE",
                     std::string("The property '") + name + "' must be a hardware address of at most " +
                         std::to_string(max) + " bytes as hex pairs, like '02:00:00:00:00:01'. Received '" + text + "'");
    out[n] = static_cast<uint8_t>(byte);
    i += 3;
  }
  return n;
}

void CStringArg(Napi::Value v, const char* name, char* out, size_t size) {
  std::string s = StringArg(v, name);
  if (s.find('\0') != std::string::npos)
    ThrowTypeError(v.Env(), "ERR_INVALID_ARG_VALUE", std::string("The property '") + name + "' must not contain a NUL byte");
  if (s.size() >= size)
    ThrowRangeError(v.Env(), "ERR_OUT_OF_RANGE",
                    std::string("The property '") + name + "' is too long: " + std::to_string(s.size()) +
                        " bytes, the field holds " + std::to_string(size - 1) + " plus its NUL");
  std::memset(out, 0, size);
  std::memcpy(out, s.data(), s.size());
}

#ifdef __linux__

namespace {

Napi::String HwAddrToJS(Napi::Env env, const uint8_t* addr, size_t n) {
  std::string text;
  char pair[4];
  for (size_t i = 0; i < n; i++) {
    std::snprintf(pair, sizeof(pair), i ? ":%02x" : "%02x", addr[i]);
    text += pair;
  }
  return Napi::String::New(env, text);
}

}  // namespace

bool LinuxAddressArg(int family, Napi::Object o, SockAddr& out) {
  switch (family) {
    case AF_NETLINK: {
      auto* nl = reinterpret_cast<sockaddr_nl*>(&out.storage);
      nl->nl_family = AF_NETLINK;
      nl->nl_pid = OptionalU32(o, "pid", "addr.pid", UINT32_MAX);
      nl->nl_groups = OptionalU32(o, "groups", "addr.groups", UINT32_MAX);
      out.length = sizeof(sockaddr_nl);
      return true;
    }
    case AF_PACKET: {
      auto* ll = reinterpret_cast<sockaddr_ll*>(&out.storage);
      ll->sll_family = AF_PACKET;
      ll->sll_protocol = htons(static_cast<uint16_t>(OptionalU32(o, "protocol", "addr.protocol", UINT16_MAX)));
      ll->sll_ifindex = static_cast<int>(OptionalU32(o, "ifindex", "addr.ifindex", INT32_MAX));
      ll->sll_hatype = static_cast<uint16_t>(OptionalU32(o, "hatype", "addr.hatype", UINT16_MAX));
      ll->sll_pkttype = static_cast<uint8_t>(OptionalU32(o, "pkttype", "addr.pkttype", UINT8_MAX));
      ll->sll_halen = static_cast<uint8_t>(HwAddrArg(o.Get("addr"), "addr.addr", ll->sll_addr, sizeof(ll->sll_addr)));
      out.length = sizeof(sockaddr_ll);
      return true;
    }
    case AF_VSOCK: {
      auto* vm = reinterpret_cast<sockaddr_vm*>(&out.storage);
      vm->svm_family = AF_VSOCK;
      vm->svm_cid = OptionalU32(o, "cid", "addr.cid", UINT32_MAX);
      vm->svm_port = OptionalU32(o, "port", "addr.port", UINT32_MAX);
      vm->svm_flags = static_cast<uint8_t>(OptionalU32(o, "flags", "addr.flags", UINT8_MAX));
      out.length = sizeof(sockaddr_vm);
      return true;
    }
    case AF_ALG: {
      auto* alg = reinterpret_cast<sockaddr_alg*>(&out.storage);
      alg->salg_family = AF_ALG;
      CStringArg(o.Get("type"), "addr.type", reinterpret_cast<char*>(alg->salg_type), sizeof(alg->salg_type));
      CStringArg(o.Get("name"), "addr.name", reinterpret_cast<char*>(alg->salg_name), sizeof(alg->salg_name));
      alg->salg_feat = OptionalU32(o, "feat", "addr.feat", UINT32_MAX);
      alg->salg_mask = OptionalU32(o, "mask", "addr.mask", UINT32_MAX);
      out.length = sizeof(sockaddr_alg);
      return true;
    }
    default:
      return false;
  }
}

bool LinuxAddressToJS(Napi::Object o, const sockaddr* sa, socklen_t len) {
  Napi::Env env = o.Env();
  auto fits = [len](size_t size) { return len >= static_cast<socklen_t>(size); };
  switch (sa->sa_family) {
    case AF_NETLINK: {
      if (!fits(sizeof(sockaddr_nl))) return false;
      auto* nl = reinterpret_cast<const sockaddr_nl*>(sa);
      o.Set("family", "AF_NETLINK");
      o.Set("pid", nl->nl_pid);
      o.Set("groups", nl->nl_groups);
      return true;
    }
    case AF_PACKET: {
      // The kernel reports offsetof(sll_addr) + halen, which may be short of the whole struct.
      if (!fits(offsetof(sockaddr_ll, sll_addr))) return false;
      auto* ll = reinterpret_cast<const sockaddr_ll*>(sa);
      size_t halen = std::min<size_t>({ll->sll_halen, sizeof(ll->sll_addr), len - offsetof(sockaddr_ll, sll_addr)});
      o.Set("family", "AF_PACKET");
      o.Set("protocol", ntohs(ll->sll_protocol));
      o.Set("ifindex", ll->sll_ifindex);
      o.Set("hatype", ll->sll_hatype);
      o.Set("pkttype", ll->sll_pkttype);
      o.Set("addr", HwAddrToJS(env, ll->sll_addr, halen));
      return true;
    }
    case AF_VSOCK: {
      if (!fits(sizeof(sockaddr_vm))) return false;
      auto* vm = reinterpret_cast<const sockaddr_vm*>(sa);
      o.Set("family", "AF_VSOCK");
      o.Set("cid", vm->svm_cid);
      o.Set("port", vm->svm_port);
      o.Set("flags", vm->svm_flags);
      return true;
    }
    case AF_ALG: {
      if (!fits(sizeof(sockaddr_alg))) return false;
      auto* alg = reinterpret_cast<const sockaddr_alg*>(sa);
      o.Set("family", "AF_ALG");
      o.Set("type", FixedText(env, alg->salg_type, sizeof(alg->salg_type)));
      o.Set("name", FixedText(env, alg->salg_name, sizeof(alg->salg_name)));
      o.Set("feat", alg->salg_feat);
      o.Set("mask", alg->salg_mask);
      return true;
    }
    default:
      return false;
  }
}

#else  // no Linux families elsewhere: sockaddr.cc's raw-bytes fallback takes them

bool LinuxAddressArg(int, Napi::Object, SockAddr&) { return false; }
bool LinuxAddressToJS(Napi::Object, const sockaddr*, socklen_t) { return false; }

#endif

}  // namespace sockfd
