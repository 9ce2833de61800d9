// Module initialisation. The addon is context-aware: everything it keeps lives in per-environment
// instance data (one per main thread and per Worker), never in process globals.
#include "sockfd.h"

namespace sockfd {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  InitWatcher(env, exports);  // first: the per-environment state (the readiness engine's) is instance data
  InitConstants(env, exports);
  InitSockaddrLayout(env, exports);
  InitAddressSlot(env, exports);
  InitSocket(env, exports);
  InitAddr(env, exports);
  InitIo(env, exports);
  InitSockopt(env, exports);
  InitInet(env, exports);
  InitAsync(env, exports);
  InitMsg(env, exports);
  InitCmsg(env, exports);
  InitPoll(env, exports);
  InitFd(env, exports);
  InitNetdb(env, exports);
  InitIf(env, exports);
  InitSendfile(env, exports);
  InitTrace(env, exports);
  return exports;
}

}  // namespace sockfd

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return sockfd::Init(env, exports); }
NODE_API_MODULE(sockfd, InitModule)
