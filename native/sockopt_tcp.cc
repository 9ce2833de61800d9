// TCP's struct-valued options (tcp(7)), with C's field names less their prefix:
//   TCP_INFO -> struct tcp_info, decoded: { state: 'TCP_ESTABLISHED', ca_state, retransmits, ..., rtt,
//     rttvar, snd_cwnd, total_retrans, bytes_acked, ... }. The kernel reports how much it filled: a field
//     past that (an older kernel) is absent, as is a field newer than the headers sockfd was built with.
//     The u64 counters are numbers (exact to 2^53; max_pacing_rate's "unlimited" ~0 reads as 2^64).
//   TCP_MD5SIG / TCP_MD5SIG_EXT <- struct tcp_md5sig { addr, flags, prefixlen, ifindex, key } (RFC 2385;
//     the key, at most TCP_MD5SIG_MAXKEYLEN bytes, gives tcpm_keylen).
// linux/tcp.h, not netinet/tcp.h: glibc's struct tcp_info stops long before the kernel's.
#include "sockopt.h"

#include <netinet/in.h>
#ifdef __linux__
#include <linux/tcp.h>
#endif

#include <cstring>

namespace sockfd {

#ifdef __linux__

namespace {

const char* TcpStateName(uint8_t state) {
  // include/net/tcp_states.h; the numbers the TCP_* state constants carry.
  static const char* const kNames[] = {
      nullptr,           "TCP_ESTABLISHED", "TCP_SYN_SENT", "TCP_SYN_RECV",   "TCP_FIN_WAIT1",
      "TCP_FIN_WAIT2",   "TCP_TIME_WAIT",   "TCP_CLOSE",    "TCP_CLOSE_WAIT", "TCP_LAST_ACK",
      "TCP_LISTEN",      "TCP_CLOSING",     "TCP_NEW_SYN_RECV", "TCP_BOUND_INACTIVE"};
  return state < sizeof(kNames) / sizeof(kNames[0]) ? kNames[state] : nullptr;
}

// Every whole-byte field after the first eight bytes (which hold the u8 fields and the bit fields).
#define SOCKFD_TCP_INFO_FIELDS(F)                                                                         \
  F(rto) F(ato) F(snd_mss) F(rcv_mss) F(unacked) F(sacked) F(lost) F(retrans) F(fackets) F(last_data_sent) \
  F(last_ack_sent) F(last_data_recv) F(last_ack_recv) F(pmtu) F(rcv_ssthresh) F(rtt) F(rttvar)            \
  F(snd_ssthresh) F(snd_cwnd) F(advmss) F(reordering) F(rcv_rtt) F(rcv_space) F(total_retrans)            \
  F(pacing_rate) F(max_pacing_rate) F(bytes_acked) F(bytes_received) F(segs_out) F(segs_in)               \
  F(notsent_bytes) F(min_rtt) F(data_segs_in) F(data_segs_out) F(delivery_rate) F(busy_time)              \
  F(rwnd_limited) F(sndbuf_limited) F(delivered) F(delivered_ce) F(bytes_sent) F(bytes_retrans)           \
  F(dsack_dups) F(reord_seen) F(rcv_ooopack) F(snd_wnd)

Napi::Value GetTcpInfo(Napi::Env env, int fd, int level, int optname) {
  tcp_info info{};
  socklen_t len = GetOptInto(env, fd, level, optname, &info, sizeof(info));
  Napi::Object o = Napi::Object::New(env);
  auto has = [len](size_t offset, size_t size) { return len >= offset + size; };
  if (has(offsetof(tcp_info, tcpi_state), 1)) {
    const char* name = TcpStateName(info.tcpi_state);
    if (name != nullptr)
      o.Set("state", name);
    else
      o.Set("state", info.tcpi_state);  // a state newer than this table: its number
  }
  if (has(offsetof(tcp_info, tcpi_options), 1)) {
    o.Set("ca_state", info.tcpi_ca_state);
    o.Set("retransmits", info.tcpi_retransmits);
    o.Set("probes", info.tcpi_probes);
    o.Set("backoff", info.tcpi_backoff);
    o.Set("options", info.tcpi_options);
  }
  if (len >= 8) {  // the two bytes of bit fields before tcpi_rto
    o.Set("snd_wscale", info.tcpi_snd_wscale);
    o.Set("rcv_wscale", info.tcpi_rcv_wscale);
    o.Set("delivery_rate_app_limited", info.tcpi_delivery_rate_app_limited);
    o.Set("fastopen_client_fail", info.tcpi_fastopen_client_fail);
  }
#define SOCKFD_FIELD(f)                                                         \
  if (has(offsetof(tcp_info, tcpi_##f), sizeof(info.tcpi_##f))) o.Set(#f, static_cast<double>(info.tcpi_##f));
  SOCKFD_TCP_INFO_FIELDS(SOCKFD_FIELD)
#undef SOCKFD_FIELD
  return o;
}

void EncodeMd5sig(Napi::Value v, OptionBytes& out) {
  Napi::Object o = StructArg(v, "struct tcp_md5sig", {"addr", "flags", "prefixlen", "ifindex", "key"});
  tcp_md5sig m{};
  SockAddr addr = AddressArg(o.Get("addr"), "value.addr");
  std::memcpy(&m.tcpm_addr, &addr.storage, sizeof(m.tcpm_addr));
  m.tcpm_flags = static_cast<uint8_t>(OptionalU32(o, "flags", "value.flags", UINT8_MAX));
  m.tcpm_prefixlen = static_cast<uint8_t>(OptionalU32(o, "prefixlen", "value.prefixlen", 128));
  m.tcpm_ifindex = static_cast<int>(OptionalU32(o, "ifindex", "value.ifindex", INT32_MAX));
  Napi::Value key = o.Get("key");
  std::string storage;
  Bytes b = IsMissing(key) ? Bytes{} : DataArg(key, "value.key", storage);
  if (b.length > sizeof(m.tcpm_key))
    ThrowRangeError(v.Env(), "ERR_OUT_OF_RANGE",
                    "The \"value.key\" argument must be at most " + std::to_string(sizeof(m.tcpm_key)) +
                        " bytes (TCP_MD5SIG_MAXKEYLEN). Received " + std::to_string(b.length));
  if (b.length > 0) std::memcpy(m.tcpm_key, b.data, b.length);
  m.tcpm_keylen = static_cast<uint16_t>(b.length);
  PutStruct(out, m);
}

constexpr StructOption kOptions[] = {
    {IPPROTO_TCP, TCP_INFO, nullptr, GetTcpInfo},
    {IPPROTO_TCP, TCP_MD5SIG, EncodeMd5sig, nullptr},
    {IPPROTO_TCP, TCP_MD5SIG_EXT, EncodeMd5sig, nullptr},
};

}  // namespace

std::span<const StructOption> TcpStructOptions() { return kOptions; }

#else

std::span<const StructOption> TcpStructOptions() { return {}; }

#endif

}  // namespace sockfd
