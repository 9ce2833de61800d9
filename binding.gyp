{
  "targets": [
    {
      "target_name": "sockfd",
      "sources": [
        "native/addon.cc",
        "native/args.cc",
        "native/errors.cc",
        "native/constants.cc",
        "native/sockaddr.cc",
        "native/sockaddr_linux.cc",
        "native/socket.cc",
        "native/addr.cc",
        "native/io.cc",
        "native/sockopt.cc",
        "native/sockopt_mcast.cc",
        "native/sockopt_tcp.cc",
        "native/bpf.cc",
        "native/inet.cc",
        "native/engine/engine.cc",
        "native/engine/uv.cc",
        "native/engine/thread.cc",
        "native/async.cc",
        "native/msg.cc",
        "native/cmsg.cc",
        "native/poll.cc",
        "native/fd.cc",
        "native/netdb.cc",
        "native/if.cc",
        "native/sendfile.cc",
        "native/trace.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_CPP_EXCEPTIONS_ALL", "NODE_ADDON_API_DISABLE_DEPRECATED", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "cflags_cc": ["-std=c++20", "-fexceptions", "-fvisibility=hidden", "-Wall", "-Wextra", "-Wno-missing-field-initializers"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++20",
        "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
        "WARNING_CFLAGS": ["-Wall", "-Wextra"]
      }
    }
  ]
}
