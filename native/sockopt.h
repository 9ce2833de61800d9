// The options whose value is a struct (or an array of them), as objects both ways. sockopt.cc makes
// the calls and looks each (level, optname) up in the tables of the files named for their families:
// sockopt.cc (SOL_SOCKET's linger, timeval, ucred), sockopt_mcast.cc (the multicast and packet
// membership requests), sockopt_tcp.cc (tcp_info, tcp_md5sig), bpf.cc (classic BPF filters).
#pragma once

#include "sockfd.h"

#include <initializer_list>
#include <span>
#include <vector>

namespace sockfd {

// What setsockopt passes for a struct value: `bytes` is optval; `owned` holds memory that `bytes`
// points into (a filter's instructions), alive until the call returns.
struct OptionBytes {
  std::vector<uint8_t> bytes;
  std::vector<uint8_t> owned;
};

struct StructOption {
  int level;
  int optname;
  // The JS value -> the bytes; throws on a bad shape. nullptr: the option cannot be set from an object.
  void (*encode)(Napi::Value value, OptionBytes& out);
  // getsockopt made and decoded; nullptr: the option reads as raw bytes (pass a length).
  Napi::Value (*get)(Napi::Env env, int fd, int level, int optname);
};

std::span<const StructOption> SocketStructOptions();  // sockopt.cc
std::span<const StructOption> McastStructOptions();   // sockopt_mcast.cc
std::span<const StructOption> TcpStructOptions();     // sockopt_tcp.cc
std::span<const StructOption> BpfStructOptions();     // bpf.cc

// The bytes one unit of getsockopt's optlen stands for: 1, but for SO_GET_FILTER, whose length the
// kernel counts in instructions (bpf.cc). A raw read sizes its buffer by it, or the kernel writes past.
socklen_t OptionLengthUnit(int level, int optname);

// getsockopt into buf (size bytes); the length the kernel wrote. Throws the syscall's error.
socklen_t GetOptInto(Napi::Env env, int fd, int level, int optname, void* buf, socklen_t size);

template <typename T>
void PutStruct(OptionBytes& out, const T& value) {
  const auto* p = reinterpret_cast<const uint8_t*>(&value);
  out.bytes.assign(p, p + sizeof(value));
}

// The value as an object of `struct_name`'s fields: another type, or a key that is not one of `fields`
// (a typo would otherwise be a silent zero), throws.
Napi::Object StructArg(Napi::Value v, const char* struct_name, std::initializer_list<const char*> fields);

}  // namespace sockfd
