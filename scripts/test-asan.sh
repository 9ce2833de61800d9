#!/usr/bin/env bash
# `npm run test:asan`: builds the addon with ASan + UBSan into build/ and runs the whole suite with the
# sanitizer runtimes preloaded (node itself is not instrumented). Any report fails the run. Rebuild
# normally afterwards with `npm run build`.
set -euo pipefail
cd "$(dirname "$0")/.."
node-gyp rebuild -j 2 -- -Dsanitize=1
asan=$(gcc -print-file-name=libasan.so)
ubsan=$(gcc -print-file-name=libubsan.so)
# Leak checking is off: V8 keeps allocations alive to exit by design, which LSan reports as leaks.
LD_PRELOAD="$asan $ubsan" \
  ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  vitest run "$@"
