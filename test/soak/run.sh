#!/usr/bin/env bash
# `npm run test:soak`: the long checks. 1,000,000 calls (fd count, RSS, handles), 10,000 concurrent
# connections against a sockfd/promises server and node:net's, and valgrind memcheck of a subset.
# Each step is bounded by SOCKFD_SOAK_BUDGET seconds (default 900): over it is a failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
budget=${SOCKFD_SOAK_BUDGET:-900}
step() { printf '\n==> %s\n' "$*"; }

step "1,000,000 calls: open, connect, exchange, close"
timeout "$budget" node --expose-gc test/soak/ops.mjs

step "10,000 concurrent connections: a sockfd/promises server, a sockfd epoll reactor, then node:net's"
timeout "$budget" node test/soak/load.mjs

if command -v valgrind >/dev/null; then
  step "valgrind memcheck"
  timeout "$budget" bash test/soak/valgrind.sh
else
  step "valgrind memcheck: skipped, valgrind is not installed"
fi
