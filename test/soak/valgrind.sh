#!/usr/bin/env bash
# valgrind memcheck over a representative subset: every sync call once (one-call-each.mjs), the
# msghdr calls with control messages (msg-calls.mjs), the multiplexing calls sync and awaited
# (poll-calls.mjs), the fd calls and sendfile (fd-calls.mjs), the lookups (lookup-calls.mjs), the Linux
# structs (linux-calls.mjs), 20,000 calls of the soak (sync and awaited, fds registered with the engine and forgotten), and 1,000 fuzz
# cases. Node runs --jitless (memcheck and JIT-written code get on badly, and the addon's code paths are
# the same). Any invalid read/write/free, use of uninitialised memory or definite leak, in the addon or
# anywhere else in the process, fails it (--error-exitcode with --errors-for-leak-kinds=definite).
# node.supp names the one kind of report that is V8's by design (its conservative stack scan).
set -euo pipefail
cd "$(dirname "$0")/../.."
logs=$(mktemp -d)
run() {
  local name=$1
  shift
  local started=$SECONDS
  if valgrind --tool=memcheck --suppressions=test/soak/node.supp --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
      --error-exitcode=99 --log-file="$logs/$name.log" node --jitless "$@" >"$logs/$name.out" 2>&1; then
    printf '%-14s ok in %3d s: %s; %s\n' "$name" $((SECONDS - started)) \
      "$(grep -o 'ERROR SUMMARY: [0-9]* errors' "$logs/$name.log")" "$(grep -o 'definitely lost: .*' "$logs/$name.log")"
  else
    echo "valgrind: $name FAILED (log: $logs/$name.log)"
    tail -20 "$logs/$name.out"
    grep -A30 'Invalid\|uninitialised\|definitely lost in' "$logs/$name.log" | head -80
    exit 1
  fi
}
run one-call-each test/fixtures/one-call-each.mjs
run msg-calls test/fixtures/msg-calls.mjs
run poll-calls test/fixtures/poll-calls.mjs
run fd-calls test/fixtures/fd-calls.mjs
run lookup-calls test/fixtures/lookup-calls.mjs
run linux-calls test/fixtures/linux-calls.mjs
run soak --expose-gc test/soak/ops.mjs --ops 20000 --rss-bound 64
run fuzz test/fuzz/args.mjs --cases 1000
rm -rf "$logs"
