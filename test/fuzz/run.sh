#!/usr/bin/env bash
# `npm run test:fuzz [-- --cases N --seed S --only NAME --verbose]`: the argument fuzzer (args.mjs). As
# root it runs in a network namespace of its own with only loopback up, so whatever address a case
# makes up, no packet leaves the machine (the generators keep to loopback as well). $NODE picks the
# node binary (test/fuzz.test.ts passes its own).
set -euo pipefail
# glibc writes its fatal messages (heap corruption, fortify) to /dev/tty unless told otherwise; here
# they go to stderr, where the test shows them with the seed and the target
export LIBC_FATAL_STDERR_=1
args_mjs="$(cd "$(dirname "$0")" && pwd)/args.mjs"
node=${NODE:-node}
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && command -v ip >/dev/null && unshare -n true 2>/dev/null; then
  exec unshare -n sh -c 'ip link set lo up && SOCKFD_FUZZ_NETNS=1 exec "$0" "$@"' "$node" "$args_mjs" "$@"
fi
exec "$node" "$args_mjs" "$@"
