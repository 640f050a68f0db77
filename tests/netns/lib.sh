# shellcheck shell=bash
# Network-namespace labs for trying mDNS by hand, without a packet touching
# this machine's real interfaces. Source it from bash (needs root + iproute2):
#
#   . tests/netns/lib.sh
#   mdt_lab                      # prefix mdt-<pid>-<n>, switch namespace, teardown trap
#   br=$(mdt_bridge)             # bridge 1, 2, ... in the switch namespace
#   mdt_host a; mdt_host b       # namespaces mdt-<pid>-<n>-a, ...-b (lo up, DAD off)
#   mdt_connect a "$br"          # a:eth0 = 198.18.<br>.<host#>/24, fd00:5353:<br>::<host#>/64
#   mdt_connect b "$br"
#   mdt_loopback_mdns a          # local ff02::fb route on lo (IPv6 mDNS over lo)
#   mdt_exec a deno run -A --unstable-net cli/main.ts browse
#   mdt_bg b avahi-browse -a     # background; killed at teardown
#   mdt_avahi b avahi-b          # private D-Bus + avahi-daemon in b (host name avahi-b)
#   mdt_exec_avahi b avahi-browse -a -t -r   # avahi tools talking to b's daemon
#
# Everything lives in namespaces named mdt-<pid>-<n>-*; bridges are in the
# switch namespace, so nothing is created in the machine's own namespace. The
# EXIT/INT/TERM trap kills every process in those namespaces and deletes them.
# Addresses: 198.18.0.0/15 (RFC 2544) and fd00:5353::/32 (ULA).

MDT_PREFIX=""
MDT_TMP=""

# mdt_lab: start a lab (once per shell). Sets MDT_PREFIX and the teardown trap.
mdt_lab() {
  [ "$(id -u)" = 0 ] || { echo "mdt: network namespaces need root" >&2; return 1; }
  command -v ip >/dev/null || { echo "mdt: iproute2 (ip) is not installed" >&2; return 1; }
  local n=0
  while ip netns list | grep -q "^mdt-$$-$n-"; do n=$((n + 1)); done
  MDT_PREFIX="mdt-$$-$n"
  MDT_TMP=$(mktemp -d "/tmp/$MDT_PREFIX.XXXXXX")
  trap mdt_teardown EXIT
  trap 'mdt_teardown; exit 130' INT
  trap 'mdt_teardown; exit 143' TERM
  ip netns add "$MDT_PREFIX-sw"
  # The switch only forwards frames; it must not speak IPv6 itself.
  ip netns exec "$MDT_PREFIX-sw" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
    net.ipv6.conf.default.disable_ipv6=1
}

# mdt_ns NAME: the namespace name of host NAME.
mdt_ns() { echo "$MDT_PREFIX-$1"; }

# mdt_bridge: add a bridge (multicast snooping off); prints its number. The
# number is derived from the switch's state, so `br=$(mdt_bridge)` works.
mdt_bridge() {
  local n
  n=$(($(ip -n "$MDT_PREFIX-sw" -o link show type bridge | wc -l) + 1))
  ip -n "$MDT_PREFIX-sw" link add "br$n" type bridge mcast_snooping 0
  ip -n "$MDT_PREFIX-sw" link set "br$n" up
  echo "$n"
}

# mdt_host NAME: add a host namespace with lo up and duplicate address detection off.
mdt_host() {
  local ns
  ns=$(mdt_ns "$1")
  ip netns add "$ns"
  # Host number = order of creation; kept in a file so subshells agree.
  echo $(($(find "$MDT_TMP" -name 'host-*' | wc -l) + 1)) >"$MDT_TMP/host-$1"
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
  ip -n "$ns" link set lo up
}

# mdt_loopback_mdns NAME: the route IPv6 mDNS over lo needs (without it sends
# fail or vanish: the kernel turns other routes via lo into reject routes).
mdt_loopback_mdns() {
  ip -n "$(mdt_ns "$1")" -6 route add local ff02::fb dev lo table local
}

# mdt_connect NAME BRIDGE [IFNAME]: plug host NAME into bridge number BRIDGE.
mdt_connect() {
  local name=$1 br=$2 ns num ifname port
  ns=$(mdt_ns "$name")
  num=$(cat "$MDT_TMP/host-$name")
  ifname=${3:-eth$(ip -n "$ns" -o link show | grep -c ' eth')}
  local last
  last=$(ip -n "$MDT_PREFIX-sw" -o link show type veth |
    sed -n 's/^[0-9]*: p\([0-9]*\)@.*/\1/p' | sort -n | tail -n 1)
  port="p$((${last:-0} + 1))"
  ip -n "$MDT_PREFIX-sw" link add "$port" type veth peer name "$ifname" netns "$ns"
  ip -n "$MDT_PREFIX-sw" link set "$port" master "br$br" up
  ip -n "$ns" addr add "198.18.$br.$num/24" dev "$ifname"
  ip -n "$ns" addr add "fd00:5353:$br::$num/64" dev "$ifname" nodad
  ip -n "$ns" link set "$ifname" up
  local i
  for i in $(seq 50); do
    ip -n "$ns" -6 addr show dev "$ifname" scope link | grep -q inet6 && return 0
    sleep 0.05
  done
  echo "mdt: no link-local address on $name:$ifname" >&2
  return 1
}

# mdt_exec NAME CMD...: run CMD in host NAME.
mdt_exec() {
  local ns
  ns=$(mdt_ns "$1")
  shift
  ip netns exec "$ns" "$@"
}

# mdt_bg NAME CMD...: run CMD in host NAME in the background (ended at teardown).
mdt_bg() {
  mdt_exec "$@" &
  disown $! 2>/dev/null # teardown kills it by pid; no "Killed" job notice
}

# mdt_avahi NAME HOSTNAME: start a private D-Bus system bus and avahi-daemon in
# host NAME, claiming HOSTNAME.local. avahi runs under unshare -m with a tmpfs
# /run, so its pid file and socket cannot collide with any other avahi.
mdt_avahi() {
  local name=$1 hostname=$2 dir
  dir="$MDT_TMP/avahi-$name"
  mkdir -p "$dir"
  cat >"$dir/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <listen>unix:path=$dir/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/><allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow receive_sender="*"/><allow eavesdrop="true"/>
  </policy>
</busconfig>
EOF
  cat >"$dir/avahi-daemon.conf" <<EOF
[server]
host-name=$hostname
domain-name=local
use-ipv4=yes
use-ipv6=yes
enable-dbus=yes
disallow-other-stacks=no
[wide-area]
enable-wide-area=no
[publish]
publish-hinfo=no
publish-workstation=no
[reflector]
[rlimits]
EOF
  mdt_exec "$name" dbus-daemon --config-file="$dir/bus.conf" --nofork --nopidfile \
    >"$dir/dbus.log" 2>&1 &
  disown $! 2>/dev/null
  local i
  for i in $(seq 100); do [ -S "$dir/bus" ] && break; sleep 0.05; done
  DBUS_SYSTEM_BUS_ADDRESS="unix:path=$dir/bus" mdt_exec "$name" unshare -m -- sh -c \
    "mount --make-rprivate / && mount -t tmpfs tmpfs /run && mkdir -p /run/avahi-daemon /run/dbus &&
     exec avahi-daemon -f $dir/avahi-daemon.conf --no-drop-root --no-chroot --no-rlimits" \
    >"$dir/avahi.log" 2>&1 &
  disown $! 2>/dev/null
  for i in $(seq 300); do
    grep -q "Server startup complete" "$dir/avahi.log" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "mdt: avahi-daemon did not start in $name; log:" >&2
  cat "$dir/avahi.log" >&2
  return 1
}

# mdt_exec_avahi NAME CMD...: run an avahi client (avahi-browse, avahi-publish,
# avahi-resolve) in host NAME against the daemon mdt_avahi started there.
mdt_exec_avahi() {
  local name=$1
  shift
  DBUS_SYSTEM_BUS_ADDRESS="unix:path=$MDT_TMP/avahi-$name/bus" mdt_exec "$name" "$@"
}

# mdt_teardown: kill everything in our namespaces (by pid) and delete them. Idempotent.
mdt_teardown() {
  [ -n "$MDT_PREFIX" ] || return 0
  local ns pid
  for ns in $(ip netns list | awk '{print $1}' | grep "^$MDT_PREFIX-"); do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
  done
  for ns in $(ip netns list | awk '{print $1}' | grep "^$MDT_PREFIX-"); do
    ip netns del "$ns" 2>/dev/null
  done
  [ -n "$MDT_TMP" ] && rm -rf "$MDT_TMP"
  MDT_PREFIX=""
}
