// The membership requests, as objects with C's field names less their prefix (ip(7), ipv6(7),
// packet(7), RFC 3678):
//   IP_ADD_MEMBERSHIP / IP_DROP_MEMBERSHIP / IP_MULTICAST_IF   struct ip_mreq  { multiaddr, interface }
//                                                              struct ip_mreqn { multiaddr, address, ifindex }
//   IP_{ADD,DROP}_SOURCE_MEMBERSHIP, IP_{BLOCK,UNBLOCK}_SOURCE struct ip_mreq_source { multiaddr, interface, sourceaddr }
//   IPV6_ADD_MEMBERSHIP / IPV6_DROP_MEMBERSHIP                 struct ipv6_mreq { multiaddr, interface }
//   MCAST_JOIN_GROUP / MCAST_LEAVE_GROUP (IPv4 and IPv6)       struct group_req { interface, group }
//   MCAST_{JOIN,LEAVE}_SOURCE_GROUP, MCAST_{BLOCK,UNBLOCK}_SOURCE struct group_source_req { interface, group, source }
//   PACKET_ADD_MEMBERSHIP / PACKET_DROP_MEMBERSHIP             struct packet_mreq { ifindex, type, address }
// Addresses are text ('224.1.2.3'), group/source are address objects, an interface is its index (or
// for ip_mreq its IPv4 address). Which of ip_mreq / ip_mreqn is sent follows the fields given, as the
// kernel tells them apart by length.
#include "sockopt.h"

#include <netinet/in.h>
#ifdef __linux__
#include <linux/if_packet.h>
#endif

#include <cstring>

namespace sockfd {

namespace {

void EncodeIpMreq(Napi::Value v, OptionBytes& out) {
  Napi::Object o = StructArg(v, "struct ip_mreq or ip_mreqn", {"multiaddr", "interface", "address", "ifindex"});
  bool mreqn = o.Has("address") || o.Has("ifindex");
  if (mreqn && o.Has("interface"))
    ThrowTypeError(v.Env(), "ERR_INVALID_ARG_VALUE",
                   "The \"value\" argument mixes struct ip_mreq's 'interface' with ip_mreqn's 'address'/'ifindex'");
  if (mreqn) {
    ip_mreqn m{};
    IpArg(o.Get("multiaddr"), "value.multiaddr", AF_INET, &m.imr_multiaddr);
    IpArg(o.Get("address"), "value.address", AF_INET, &m.imr_address);
    m.imr_ifindex = static_cast<int>(OptionalU32(o, "ifindex", "value.ifindex", INT32_MAX));
    PutStruct(out, m);
  } else {
    ip_mreq m{};
    IpArg(o.Get("multiaddr"), "value.multiaddr", AF_INET, &m.imr_multiaddr);
    IpArg(o.Get("interface"), "value.interface", AF_INET, &m.imr_interface);
    PutStruct(out, m);
  }
}

void EncodeIpMreqSource(Napi::Value v, OptionBytes& out) {
  Napi::Object o = StructArg(v, "struct ip_mreq_source", {"multiaddr", "interface", "sourceaddr"});
  ip_mreq_source m{};
  IpArg(o.Get("multiaddr"), "value.multiaddr", AF_INET, &m.imr_multiaddr);
  IpArg(o.Get("interface"), "value.interface", AF_INET, &m.imr_interface);
  IpArg(o.Get("sourceaddr"), "value.sourceaddr", AF_INET, &m.imr_sourceaddr);
  PutStruct(out, m);
}

void EncodeIpv6Mreq(Napi::Value v, OptionBytes& out) {
  Napi::Object o = StructArg(v, "struct ipv6_mreq", {"multiaddr", "interface"});
  ipv6_mreq m{};
  IpArg(o.Get("multiaddr"), "value.multiaddr", AF_INET6, &m.ipv6mr_multiaddr);
  m.ipv6mr_interface = OptionalU32(o, "interface", "value.interface", UINT32_MAX);
  PutStruct(out, m);
}

// An address object (or raw sockaddr) into a sockaddr_storage field.
void StorageArg(Napi::Value v, const char* name, sockaddr_storage& out) {
  SockAddr addr = AddressArg(v, name);
  std::memcpy(&out, &addr.storage, sizeof(out));
}

void EncodeGroupReq(Napi::Value v, OptionBytes& out) {
  Napi::Object o = StructArg(v, "struct group_req", {"interface", "group"});
  group_req g{};
  g.gr_interface = OptionalU32(o, "interface", "value.interface", UINT32_MAX);
  StorageArg(o.Get("group"), "value.group", g.gr_group);
  PutStruct(out, g);
}

void EncodeGroupSourceReq(Napi::Value v, OptionBytes& out) {
  Napi::Object o = StructArg(v, "struct group_source_req", {"interface", "group", "source"});
  group_source_req g{};
  g.gsr_interface = OptionalU32(o, "interface", "value.interface", UINT32_MAX);
  StorageArg(o.Get("group"), "value.group", g.gsr_group);
  StorageArg(o.Get("source"), "value.source", g.gsr_source);
  PutStruct(out, g);
}

#ifdef __linux__
void EncodePacketMreq(Napi::Value v, OptionBytes& out) {
  Napi::Object o = StructArg(v, "struct packet_mreq", {"ifindex", "type", "address"});
  packet_mreq m{};
  m.mr_ifindex = static_cast<int>(OptionalU32(o, "ifindex", "value.ifindex", INT32_MAX));
  m.mr_type = static_cast<unsigned short>(OptionalU32(o, "type", "value.type", UINT16_MAX));
  m.mr_alen = static_cast<unsigned short>(HwAddrArg(o.Get("address"), "value.address", m.mr_address, sizeof(m.mr_address)));
  PutStruct(out, m);
}
#endif

constexpr StructOption kOptions[] = {
    {IPPROTO_IP, IP_ADD_MEMBERSHIP, EncodeIpMreq, nullptr},
    {IPPROTO_IP, IP_DROP_MEMBERSHIP, EncodeIpMreq, nullptr},
    {IPPROTO_IP, IP_MULTICAST_IF, EncodeIpMreq, nullptr},
    {IPPROTO_IP, IP_ADD_SOURCE_MEMBERSHIP, EncodeIpMreqSource, nullptr},
    {IPPROTO_IP, IP_DROP_SOURCE_MEMBERSHIP, EncodeIpMreqSource, nullptr},
    {IPPROTO_IP, IP_BLOCK_SOURCE, EncodeIpMreqSource, nullptr},
    {IPPROTO_IP, IP_UNBLOCK_SOURCE, EncodeIpMreqSource, nullptr},
    {IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, EncodeIpv6Mreq, nullptr},
    {IPPROTO_IPV6, IPV6_DROP_MEMBERSHIP, EncodeIpv6Mreq, nullptr},
#ifdef MCAST_JOIN_GROUP
    {IPPROTO_IP, MCAST_JOIN_GROUP, EncodeGroupReq, nullptr},
    {IPPROTO_IP, MCAST_LEAVE_GROUP, EncodeGroupReq, nullptr},
    {IPPROTO_IPV6, MCAST_JOIN_GROUP, EncodeGroupReq, nullptr},
    {IPPROTO_IPV6, MCAST_LEAVE_GROUP, EncodeGroupReq, nullptr},
    {IPPROTO_IP, MCAST_JOIN_SOURCE_GROUP, EncodeGroupSourceReq, nullptr},
    {IPPROTO_IP, MCAST_LEAVE_SOURCE_GROUP, EncodeGroupSourceReq, nullptr},
    {IPPROTO_IP, MCAST_BLOCK_SOURCE, EncodeGroupSourceReq, nullptr},
    {IPPROTO_IP, MCAST_UNBLOCK_SOURCE, EncodeGroupSourceReq, nullptr},
    {IPPROTO_IPV6, MCAST_JOIN_SOURCE_GROUP, EncodeGroupSourceReq, nullptr},
    {IPPROTO_IPV6, MCAST_LEAVE_SOURCE_GROUP, EncodeGroupSourceReq, nullptr},
    {IPPROTO_IPV6, MCAST_BLOCK_SOURCE, EncodeGroupSourceReq, nullptr},
    {IPPROTO_IPV6, MCAST_UNBLOCK_SOURCE, EncodeGroupSourceReq, nullptr},
#endif
#ifdef __linux__
    {SOL_PACKET, PACKET_ADD_MEMBERSHIP, EncodePacketMreq, nullptr},
    {SOL_PACKET, PACKET_DROP_MEMBERSHIP, EncodePacketMreq, nullptr},
#endif
};

}  // namespace

std::span<const StructOption> McastStructOptions() { return kOptions; }

}  // namespace sockfd
