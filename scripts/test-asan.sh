#!/usr/bin/env bash
# `npm run test:asan [-- vitest args]`: builds the addon with ASan + UBSan (cmake-js, into build-asan/;
# build/ is left alone) and runs the whole suite against it with the sanitizer runtimes preloaded
# (node itself is not instrumented), child processes included: the fuzzer's, the examples'. Every ASan
# report goes to a file under build-asan/reports, and any file there fails the run, whichever process
# it came from and whatever that process's test made of its exit. UBSan ignores log_path when built
# together with ASan (it writes to stderr, which tests capture), so a UBSan report aborts its process
# instead: a SIGABRT that fails its test.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake-js rebuild --out build-asan --CDSOCKFD_SANITIZE=ON >/dev/null
reports=$PWD/build-asan/reports
rm -rf "$reports" && mkdir -p "$reports"
asan=$(gcc -print-file-name=libasan.so)
ubsan=$(gcc -print-file-name=libubsan.so)
# Leak checking is off: V8 keeps allocations alive to exit by design, which LSan reports as leaks
# (valgrind's leak check runs instead: test/soak/valgrind.sh).
status=0
LD_PRELOAD="$asan $ubsan" SOCKFD_ADDON=build-asan/Release/sockfd.node \
  ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:log_path=$reports/asan" \
  UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:abort_on_error=1" \
  vitest run "$@" || status=$?
if [ -n "$(ls -A "$reports")" ]; then
  echo "test:asan: sanitizer reports:" >&2
  head -50 "$reports"/* >&2
  exit 1
fi
echo "test:asan: no ASan report from any process"
exit "$status"
