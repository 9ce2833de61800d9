// Module initialisation. The addon is context-aware: everything it keeps lives in per-environment
// instance data (one per main thread and per Worker), never in process globals.
#include "sockfd.h"

namespace sockfd {

// Per-environment state. Empty in the sync layer; the readiness engine (native/watcher) keeps its poll
// handles here, and its cleanup hook closes them when the environment ends.
struct Environment {};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData(new Environment());  // deleted by node-addon-api's default finalizer
  InitConstants(env, exports);
  InitSockaddrLayout(env, exports);
  InitSocket(env, exports);
  InitAddr(env, exports);
  InitIo(env, exports);
  InitSockopt(env, exports);
  InitInet(env, exports);
  return exports;
}

}  // namespace sockfd

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return sockfd::Init(env, exports); }
NODE_API_MODULE(sockfd, InitModule)
