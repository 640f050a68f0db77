#!/usr/bin/env bash
# Try the CLI (or anything else) on a private two-host network, as root:
#
#   deno task netns -- <command...>
#   deno task netns -- deno run -A --unstable-net cli/main.ts browse _http._tcp
#   deno task netns                      # an interactive shell in host a
#   MDT_AVAHI=1 deno task netns -- deno run -A --unstable-net cli/main.ts browse
#   MDT_PEER='deno run -A --unstable-net cli/main.ts publish Peer _http._tcp 80' \
#     deno task netns -- deno run -A --unstable-net cli/main.ts browse _http._tcp
#
# Topology: hosts a (198.18.1.1, fd00:5353:1::1) and b (198.18.1.2,
# fd00:5353:1::2), each with eth0 on one bridge, lo up, and the ff02::fb route
# on lo. The command runs in a, in the current directory, with the current
# environment. MDT_AVAHI=1 starts avahi-daemon (host name avahi-b, private
# D-Bus) in b. MDT_PEER runs a command in b in the background (with avahi on,
# its avahi tools reach b's daemon, e.g. MDT_PEER='avahi-publish -s X _http._tcp 80').
# From a, b's avahi tools run as:
#   ip netns exec "$MDT_NS_B" env DBUS_SYSTEM_BUS_ADDRESS="$MDT_AVAHI_BUS" avahi-browse -a -t
#
# Everything happens inside namespaces named mdt-<pid>-<n>-*: no packet reaches
# this machine's interfaces, and everything is torn down when the command ends
# (or on Ctrl-C).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

[ "${1:-}" = "--" ] && shift

mdt_lab || exit 1
br=$(mdt_bridge)
mdt_host a && mdt_host b || exit 1
mdt_connect a "$br" && mdt_connect b "$br" || exit 1
mdt_loopback_mdns a
mdt_loopback_mdns b
export MDT_NS_A MDT_NS_B MDT_AVAHI_BUS
MDT_NS_A=$(mdt_ns a)
MDT_NS_B=$(mdt_ns b)
MDT_AVAHI_BUS=""
if [ "${MDT_AVAHI:-}" = 1 ]; then
  mdt_avahi b avahi-b || exit 1
  MDT_AVAHI_BUS="unix:path=$MDT_TMP/avahi-b/bus"
fi
if [ -n "${MDT_PEER:-}" ]; then
  if [ -n "$MDT_AVAHI_BUS" ]; then
    DBUS_SYSTEM_BUS_ADDRESS=$MDT_AVAHI_BUS mdt_bg b bash -c "$MDT_PEER"
  else
    mdt_bg b bash -c "$MDT_PEER"
  fi
fi
echo "mdt: a=$MDT_NS_A (198.18.1.1, fd00:5353:1::1)  b=$MDT_NS_B (198.18.1.2, fd00:5353:1::2)" >&2
if [ $# -eq 0 ]; then
  mdt_exec a bash -i
else
  mdt_exec a "$@"
fi
status=$?
exit $status
