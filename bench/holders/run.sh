#!/usr/bin/env bash
# Instructions a hold for each way a waiting operation can keep its buffer alive (holders.cc), counted by
# callgrind. Needs valgrind; about 40 s.
# `bash bench/holders/run.sh [N]` from the repository.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
n=${1:-100000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/holders.cc" "$here/binding.gyp" "$work/"
# Node's headers where the install script finds them, never downloaded: its headers() gives at most
# one argument (--nodedir=...), or says what is missing.
nodedir=$(node -e "const h = require('$here/../../scripts/install.cjs').headers(); if (h.missing) { console.error(h.missing + ' not found'); process.exit(1); } process.stdout.write(h.args[0] ?? '')")
(cd "$work" && "$here/../../node_modules/.bin/node-gyp" rebuild ${nodedir:+"$nodedir"} >build.log 2>&1) || { cat "$work/build.log"; exit 1; }
# Instructions inside run() only (callgrind's --toggle-collect), per hold: start-up and the rest of the
# process never count.
per_hold() { # mode -> instructions a hold
  valgrind --tool=callgrind --callgrind-out-file="$work/cg" --toggle-collect='(anonymous namespace)::Run(*' \
    node --single-threaded -e "require('$work/build/Release/holders.node').run($1, $n, Buffer.alloc(4096))" \
    2>&1 | sed -n 's/.*Collected : \([0-9]*\).*/\1/p' | awk -v n="$n" '{ printf "%d", $1 / n }'
}
floor=$(per_hold 2)
echo "handle scope alone (the floor): $floor instructions a hold"
echo "napi_ref (create, get, delete): $(($(per_hold 0) - floor)) instructions a hold over the floor"
echo "slot in one held array (set, get, clear): $(($(per_hold 1) - floor)) instructions a hold over the floor"
