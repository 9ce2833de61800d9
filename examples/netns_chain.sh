#!/usr/bin/env bash
# A path with a router on it, for examples/traceroute.ts: three network namespaces joined by veth pairs,
#   <prefix>-a (10.91.1.1) -- <prefix>-b, forwarding (10.91.1.2 | 10.91.2.1) -- <prefix>-c (10.91.2.2)
# Needs root (CAP_NET_ADMIN). ICMP errors are rate-limited per destination; the chain turns that off so
# every probe is answered.
# Usage: sudo bash examples/netns_chain.sh up|down [prefix=sockfd]
#        sudo ip netns exec sockfd-a node dist/examples/traceroute.js 10.91.2.2
set -euo pipefail
p=${2:-sockfd}
case ${1:-} in
  up)
    for n in a b c; do ip netns add "$p-$n"; ip -n "$p-$n" link set lo up; done
    ip link add ab netns "$p-a" type veth peer name ba netns "$p-b"
    ip link add bc netns "$p-b" type veth peer name cb netns "$p-c"
    ip -n "$p-a" addr add 10.91.1.1/24 dev ab && ip -n "$p-a" link set ab up
    ip -n "$p-b" addr add 10.91.1.2/24 dev ba && ip -n "$p-b" link set ba up
    ip -n "$p-b" addr add 10.91.2.1/24 dev bc && ip -n "$p-b" link set bc up
    ip -n "$p-c" addr add 10.91.2.2/24 dev cb && ip -n "$p-c" link set cb up
    ip -n "$p-a" route add default via 10.91.1.2
    ip -n "$p-c" route add default via 10.91.2.1
    ip netns exec "$p-b" sysctl -qw net.ipv4.ip_forward=1
    for n in b c; do ip netns exec "$p-$n" sysctl -qw net.ipv4.icmp_ratelimit=0; done
    ;;
  down)
    for n in a b c; do ip netns del "$p-$n" 2>/dev/null || true; done
    ;;
  *)
    echo "usage: $0 up|down [prefix]" >&2
    exit 2
    ;;
esac
