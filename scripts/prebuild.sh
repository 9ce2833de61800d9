#!/usr/bin/env bash
# npm run build:prebuilds: the binaries the tarball ships, prebuilds/linux-{x64,arm64}/sockfd.glibc.node
# (prebuildify --napi: one N-API binary per platform and arch serves every Node version). linux-arm64
# is cross-compiled with Debian's g++-aarch64-linux-gnu. Both are built in a scratch copy of the
# sources, since prebuildify moves its output out of build/: the clone's own build stays as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
clone=$PWD

# Node's own headers, never a download (as .ci/run): npm's nodedir, else the ones beside node.
if [ -z "${npm_config_nodedir:-}" ]; then
  prefix=$(dirname "$(dirname "$(command -v node)")")
  [ -f "$prefix/include/node/node_api.h" ] || { echo "prebuild: no Node headers in $prefix/include/node" >&2; exit 1; }
  export npm_config_nodedir="$prefix"
fi
cross=aarch64-linux-gnu
command -v "$cross-g++" >/dev/null || { echo "prebuild: $cross-g++ not found (Debian: apt-get install g++-$cross)" >&2; exit 1; }
export JOBS="${JOBS:-max}"  # node-gyp compiles on every core

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -r package.json binding.gyp native "$stage/"
ln -s "$clone/node_modules" "$stage/node_modules"
rm -rf prebuilds
prebuildify() { "$clone/node_modules/.bin/prebuildify" --cwd "$stage" --out "$clone" --napi --strip --tag-libc "$@"; }
prebuildify
CC="$cross-gcc" CXX="$cross-g++" LINK="$cross-g++" PREBUILD_STRIP_BIN="$cross-strip" prebuildify --arch arm64
ls -l prebuilds/*/
