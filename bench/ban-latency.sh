#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# How long `affinityctl ban` takes until the IRQs are off the banned CPUs
# (the call returns once the replan it caused has applied its plan): the
# real daemon with its default configuration (debounce included) on a
# copied fixture tree, a private dbus-daemon, ROUNDS bans alternating
# between two CPU sets. Prints min/median/max in ms of the whole command
# (process start of affinityctl, the bus, the debounce, read, plan,
# writes), of `affinityctl bans` (the same without a replan) and of the
# daemon's own replans (its "Replan (ban)" lines: it runs with -d).
#
#   bench/ban-latency.sh [ROUNDS]        (default 20; needs dbus-daemon)
set -u
unset STATE_DIRECTORY
rounds=${1:-20}
command -v dbus-daemon > /dev/null || {
	echo "ban-latency: dbus-daemon is not installed (tools/install-deps --test)" >&2
	exit 1
}
# The shell tests' helpers: $affinityd, $tmp (removed on exit, the daemon
# and the bus killed), unpack_fixture, wait_for, start_bus.
. "$(dirname "$0")/../tests/lib.sh"
# Stopped quietly, before lib.sh's cleanup removes $tmp.
trap 'for p in $pid $bus; do kill -TERM $p; wait $p; done 2> /dev/null; cleanup' EXIT
ctl=$top_builddir/daemon/affinityctl
mkdir "$tmp/state"
unpack_fixture "$tmp/root"
echo "console=ttyS0" > "$tmp/root/proc/cmdline"
echo > "$tmp/root/sys/devices/system/cpu/isolated"
echo ff > "$tmp/root/proc/irq/default_smp_affinity"
: > "$tmp/affinityd.conf"
start_bus
"$affinityd" --foreground -d --sysroot "$tmp/root" --config "$tmp/affinityd.conf" \
	--state-dir "$tmp/state" --bus "$DBUS_SYSTEM_BUS_ADDRESS" > "$tmp/log" 2>&1 &
pid=$!
log=$tmp/log
wait_for "D-Bus API org.affinityd1"
"$ctl" status > /dev/null || {
	echo "ban-latency: the daemon does not answer" >&2
	cat "$tmp/log" >&2
	exit 1
}

# Each round: `affinityctl bans` (the same process start and bus round trip,
# no replan) as the baseline, then the ban.
r=0
while [ $r -lt "$rounds" ]; do
	if [ $((r % 2)) -eq 0 ]; then cpus=4-7; else cpus=2-3; fi
	start=$(date +%s%N)
	"$ctl" bans > /dev/null || exit 1
	echo $((($(date +%s%N) - start) / 1000)) >> "$tmp/bans-us"
	start=$(date +%s%N)
	"$ctl" ban --owner bench "$cpus" || exit 1
	echo $((($(date +%s%N) - start) / 1000)) >> "$tmp/ban-us"
	r=$((r + 1))
done
summary() {
	sort -n "$1" | awk -v what="$2" '
		{ t[NR] = $1 / 1000 }
		END { printf "  %-40s min %6.1f  median %6.1f  max %6.1f\n", what, t[1], t[int((NR + 1) / 2)], t[NR] }'
}
echo "$rounds rounds, $(grep -c "Moved IRQ" "$tmp/log") IRQ moves in all; ms:"
summary "$tmp/ban-us" "affinityctl ban (returns once applied)"
summary "$tmp/bans-us" "affinityctl bans (no replan: baseline)"
sed -n 's/.*Replan (ban): [^;]*;[^;]*;[^;]*; \([0-9.]*\) ms.*/\1/p' "$tmp/log" | awk '{ print $1 * 1000 }' > "$tmp/replan-us"
summary "$tmp/replan-us" "the daemon's replans of the bans"
