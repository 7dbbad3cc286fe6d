#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# What the dry-run lists under "Warnings" reaches the log of --oneshot and
# of the daemon too, each warning once while it holds: a configured CPU the
# machine does not have (isolated=99 on 8 CPUs), a kernel command line CPU
# beyond nr_cpu_ids, an irqbalance file that does not parse, the plan's
# managed IRQs on isolated CPUs. Counted by their text wherever a line
# holds it, so that a second way of logging them (as the two warn-once
# mechanisms once did, side by side) fails here. Prints TAP.
set -u
unset STATE_DIRECTORY

. "$(dirname "$0")/lib.sh"

root=$tmp/root
conf=$tmp/affinityd.conf
log=$tmp/log
mkdir "$root" "$tmp/state" "$tmp/state1"
unpack_fixture "$root"
mkdir -p "$root/etc/default"
echo "console=ttyS0 quiet irqaffinity=0-3 isolcpus=9" > "$root/proc/cmdline"
printf '[cpus]\nisolated=99\n[daemon]\ndebounce_ms=5\ninterval_ms=60000\n' > "$conf"
beyond="\[cpus\] isolated names CPU(s) 99, which this machine does not have (its CPUs: 0-7)"
cmdline="isolcpus=9: CPUs 9 are not below nr_cpu_ids (8), ignored"
managed="kernel-managed IRQ(s) served by isolated CPUs"
# Lines of the log that are there more than once, but the expected ones ($1).
repeated() { sort "$log" | uniq -d | grep -v -- "${1:-^$}"; }

echo "1..9"
"$affinityd" --oneshot --foreground --sysroot "$root" --config "$conf" \
	--state-dir "$tmp/state1" > "$log" 2>&1
check "--oneshot logs a configured CPU beyond the machine, once" \
	'[ "$(count "$beyond")" -eq 1 ]'
check "--oneshot logs a command line CPU beyond nr_cpu_ids, once" \
	'[ "$(count "$cmdline")" -eq 1 ]'
check "--oneshot logs the plan's managed IRQs on isolated CPUs, once" \
	'[ "$(count "$managed")" -eq 1 ] && [ -z "$(repeated)" ]'

(exec "$affinityd" --foreground --sysroot "$root" --config "$conf" --state-dir "$tmp/state") \
	> "$log" 2>&1 &
pid=$!
check "the daemon starts and logs them" \
	'wait_for "Started" && [ "$(count "$beyond")" -eq 1 ] && [ "$(count "$cmdline")" -eq 1 ]'
# Replans with the warnings still holding: not logged again.
echo "IRQBALANCE_BANNED_CPULIST=3" > "$root/etc/default/irqbalance"
wait_for "irqbalance changed"
echo "IRQBALANCE_BANNED_CPULIST=bad" > "$root/etc/default/irqbalance"
check "a new warning (a file that does not parse) is logged when it appears" \
	'wait_for "IRQBALANCE_BANNED_CPULIST=\"bad\" is not a CPU list"'
check "the old ones are not logged again at the replans" \
	'[ "$(count "$beyond")" -eq 1 ] && [ "$(count "$cmdline")" -eq 1 ] &&
	 [ "$(count "$managed")" -eq 1 ]'
# Gone and back: logged again.
echo "IRQBALANCE_BANNED_CPULIST=2" > "$root/etc/default/irqbalance"
wait_for "Replan (isolation)" 3
echo "IRQBALANCE_BANNED_CPULIST=bad" > "$root/etc/default/irqbalance"
check "a warning that went away and came back is logged again" \
	'wait_for "IRQBALANCE_BANNED_CPULIST=\"bad\" is not a CPU list" 2'

# A reload replans without a change of the warnings. It replans in the
# same turn of the main loop as it logs "Configuration reloaded", before the
# SIGTERM: once stopped, the log is complete.
kill -HUP "$pid"
wait_for "Configuration reloaded"
kill -TERM "$pid"
wait "$pid" 2> /dev/null
status=$?
pid=
check "stops with status 0" '[ $status -eq 0 ]'
check "no line of the log is there twice but the warning that came back" \
	'[ -z "$(repeated "is not a CPU list")" ]'
[ $failed -eq 0 ] || {
	echo "# log:"
	sed 's/^/# /' "$log"
}
exit 0
