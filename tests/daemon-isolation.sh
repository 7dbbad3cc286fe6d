#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The real daemon on a copied fixture tree follows isolation that changes
# while it runs, without a restart, as CRI-O, tuned and the kernel's cgroup
# partitions change it:
#   a) irqbalance's environment file written (CRI-O's mask, in place) and
#      rewritten (tuned's list, renamed over): every movable IRQ leaves the
#      banned CPUs, at once (inotify), and comes back when the ban is lifted;
#   b) CRI-O's pod start: default_smp_affinity narrowed, then the file;
#   d) a cgroup v2 isolated partition made and removed (this test plays the
#      kernel: the root's cpuset.cpus.isolated first, then the partition
#      file, which raises the inotify event the daemon hears);
#   e) [cpus] irqbalance_env= changed by a reload: the new file is followed;
#   c) default_smp_affinity narrowed alone (procfs raises no event): seen by
#      the next scan.
# Reaction times (the change written -> every movable IRQ off the CPUs) are
# printed as TAP comments; the test asserts only a generous bound. The tree
# plays the kernel's side of each affinity write (lib/fakekernel.c).
set -u
unset STATE_DIRECTORY

. "$(dirname "$0")/lib.sh"

root=$tmp/root
conf=$tmp/affinityd.conf
log=$tmp/log
# The fixture's movable IRQs (27 and 28 are kernel-managed queues).
movable="1 4 8 9 12 24 25 26 29 30 31 32"

# How many movable IRQs have a CPU of the cpulist $1 in their mask (two processes).
count_on() {
	(cd "$root/proc/irq" && cat $(for irq in $movable; do echo "$irq/smp_affinity_list"; done)) |
		awk -v want="$1" '
		function expand(list, set,   n, parts, i, r, c) {
			n = split(list, parts, ",")
			for (i = 1; i <= n; i++) {
				if (split(parts[i], r, "-") == 2) {
					for (c = r[1] + 0; c <= r[2] + 0; c++)
						set[c] = 1
				} else if (parts[i] != "") {
					set[parts[i] + 0] = 1
				}
			}
		}
		BEGIN { expand(want, W) }
		{ split("", S); expand($0, S); for (c in S) if (c in W) { hit++; break } }
		END { print hit + 0 }'
}
off_cpus() { [ "$(count_on "$1")" -eq 0 ]; }
on_cpus() { [ "$(count_on "$1")" -gt 0 ]; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# Waits (10 s at most: a failure guard) until "$1" succeeds; prints the time
# taken as a TAP comment.
react() {
	start=$(now_ms)
	until eval "$1"; do
		[ $(($(now_ms) - start)) -gt 10000 ] && return 1
		sleep 0.005
	done
	echo "# $2: $(($(now_ms) - start)) ms"
}
dry_run_sources() {
	"$affinityd" --dry-run --json --sysroot "$root" --config "$conf" --state-dir "$tmp/dry" \
		2> /dev/null | tr -d ' \n' | sed -n 's/.*"sources":{\([^}]*\)}.*/\1/p'
}

echo "1..18"
mkdir "$root" "$tmp/state" "$tmp/dry"
unpack_fixture "$root"
# No boot isolation: every CPU serves IRQs, until someone bans some.
echo "console=ttyS0 quiet" > "$root/proc/cmdline"
: > "$root/sys/devices/system/cpu/isolated"
echo ff > "$root/proc/irq/default_smp_affinity"
mkdir -p "$root/sys/fs/cgroup/pod" "$root/etc/sysconfig" "$root/etc/default"
: > "$root/sys/fs/cgroup/cpuset.cpus.isolated"
for f in cpuset.cpus cpuset.cpus.exclusive cpuset.cpus.partition; do
	echo > "$root/sys/fs/cgroup/pod/$f"
done
# No scan within the tests' bounds (the watches alone must do it) until e)
# sets one every second for c).
printf '[daemon]\ndebounce_ms=5\ninterval_ms=60000\n' > "$conf"

(exec "$affinityd" --foreground --debug --sysroot "$root" --config "$conf" \
	--state-dir "$tmp/state") > "$log" 2>&1 &
pid=$!
check "starts" 'wait_for "Started"'
check "IRQs are spread over CPUs 4-7 too" 'on_cpus 4-7'

# a) CRI-O writes its mask into the existing file in place.
echo 'IRQBALANCE_ARGS=""' > "$root/etc/sysconfig/irqbalance"
wait_for "irqbalance changed"
before=$(count_on 4-7)
printf 'IRQBALANCE_ARGS=""\nIRQBALANCE_BANNED_CPUS="000000f0"\n' > "$root/etc/sysconfig/irqbalance"
check "a: CRI-O's IRQBALANCE_BANNED_CPUS moves every movable IRQ off 4-7" \
	'[ $before -gt 0 ] && react "off_cpus 4-7" "a: irqbalance env file (CRI-O) -> IRQs off 4-7"'
check "a: the dry-run names the source" \
	'dry_run_sources | grep -q "\"irqbalance_env\":\"4-7\""'
printf 'IRQBALANCE_BANNED_CPUS=""\n' > "$root/etc/sysconfig/irqbalance"
check "a: lifted, the CPUs serve IRQs again" 'react "on_cpus 4-7" "a: ban lifted -> back on 4-7"'
# tuned: a list, Debian's file, renamed over.
before=$(count_on 2-3)
printf 'IRQBALANCE_BANNED_CPULIST=2-3\n' > "$root/etc/default/irqbalance.new"
mv "$root/etc/default/irqbalance.new" "$root/etc/default/irqbalance"
check "a: tuned's IRQBALANCE_BANNED_CPULIST, renamed over, moves them off 2-3" \
	'[ $before -gt 0 ] && react "off_cpus 2-3" "a: irqbalance env file (tuned) -> IRQs off 2-3"'
rm "$root/etc/default/irqbalance"
react "on_cpus 2-3" "a: file removed -> back on 2-3" > /dev/null

# b) CRI-O starts a pod on CPUs 6-7: default_smp_affinity first, then the file.
before=$(count_on 6-7)
echo 3f > "$root/proc/irq/default_smp_affinity"
printf 'IRQBALANCE_BANNED_CPUS="000000c0"\n' > "$root/etc/sysconfig/irqbalance"
check "b: a CRI-O pod start moves every movable IRQ off its CPUs" \
	'[ $before -gt 0 ] && react "off_cpus 6-7" "b: CRI-O pod start -> IRQs off 6-7"'
# The pod stops: both given back.
echo ff > "$root/proc/irq/default_smp_affinity"
printf 'IRQBALANCE_BANNED_CPUS="00000000"\n' > "$root/etc/sysconfig/irqbalance"
check "b: the pod's stop gives the CPUs back" 'react "on_cpus 6-7" "b: CRI-O pod stop -> back on 6-7"'

# d) An isolated partition on 4-5, made as the kernel shows it.
before=$(count_on 4-5)
echo 4-5 > "$root/sys/fs/cgroup/pod/cpuset.cpus"
echo 4-5 > "$root/sys/fs/cgroup/pod/cpuset.cpus.exclusive"
wait_for "Cgroup file modified"
echo 4-5 > "$root/sys/fs/cgroup/cpuset.cpus.isolated"
echo isolated > "$root/sys/fs/cgroup/pod/cpuset.cpus.partition"
check "d: an isolated partition moves every movable IRQ off its CPUs, at once" \
	'[ $before -gt 0 ] && react "off_cpus 4-5" "d: cgroup partition made -> IRQs off 4-5"'
check "d: the dry-run names the source" \
	'dry_run_sources | grep -q "\"cgroup_isolated\":\"4-5\""'
: > "$root/sys/fs/cgroup/cpuset.cpus.isolated"
echo member > "$root/sys/fs/cgroup/pod/cpuset.cpus.partition"
check "d: removed, it gives them back" 'react "on_cpus 4-5" "d: cgroup partition removed -> back on 4-5"'
# A cgroup made after the start is heard too.
mkdir "$root/sys/fs/cgroup/pod2"
echo > "$root/sys/fs/cgroup/pod2/cpuset.cpus.partition"
sleep 0.1
before=$(count_on 1)
echo 1 > "$root/sys/fs/cgroup/cpuset.cpus.isolated"
echo isolated > "$root/sys/fs/cgroup/pod2/cpuset.cpus.partition"
check "d: a partition in a cgroup made later is heard at once" \
	'[ $before -gt 0 ] && react "off_cpus 1" "d: new cgroup partition -> IRQs off 1"'

# e) Another file by a reload: followed from then on; the old one no longer.
# The old file bans 2-7 (1 is the partition's): every IRQ on CPU 0 ...
printf 'IRQBALANCE_BANNED_CPUS=fc\n' > "$root/etc/sysconfig/irqbalance"
react "off_cpus 1-7" "e: everything on CPU 0" > /dev/null
printf '[cpus]\nirqbalance_env=/etc/crio-irqbalance\n[daemon]\ndebounce_ms=5\ninterval_ms=500\n' > "$conf"
# ... until the reload drops that file, and the IRQs spread again.
check "e: the old file's ban goes with it" 'react "on_cpus 2-7" "e: reload -> spread over 2-7"'
before=$(count_on 2-7)
printf 'IRQBALANCE_BANNED_CPULIST=2-7\n' > "$root/etc/crio-irqbalance"
check "e: the new file is followed" \
	'[ $before -gt 0 ] && react "off_cpus 2-7" "e: the new file -> IRQs off 2-7"'

# c) Only default_smp_affinity (CRI-O without irqbalance's file): the next
# scan. Every other ban lifted first; the CPU taken out is the one serving IRQ 1.
: > "$root/etc/crio-irqbalance"
: > "$root/sys/fs/cgroup/cpuset.cpus.isolated"
echo member > "$root/sys/fs/cgroup/pod2/cpuset.cpus.partition"
react "on_cpus 1-7" "c: spread again" > /dev/null
sleep 0.6
# The CPU serving it: its mask also holds fallback CPUs ([placement] fallback_cpus).
cpu=$(cat "$root/proc/irq/1/effective_affinity_list")
printf '%x\n' $((0xff & ~(1 << cpu))) > "$root/proc/irq/default_smp_affinity"
check "c: a narrowed default_smp_affinity alone is seen by the scan" \
	'react "off_cpus $cpu" "c: default_smp_affinity alone -> IRQs off $cpu (scan every 500 ms)"'
check "c: the dry-run names the source" \
	'dry_run_sources | grep -q "\"default_smp_affinity\":\"$cpu\""'
echo ff > "$root/proc/irq/default_smp_affinity"

kill -TERM "$pid"
wait "$pid" 2> /dev/null
status=$?
pid=
check "stops with status 0" '[ $status -eq 0 ]'
# --debug shows GLib's debug messages: none about setenv() after threads (hwloc's root).
check "no environment change after threads exist" '[ "$(count "not thread-safe")" -eq 0 ]'
[ $failed -eq 0 ] || { echo "# log:"; sed 's/^/# /' "$log"; }
[ -n "${AF_KEEP_LOG:-}" ] && cp "$log" "$AF_KEEP_LOG"
exit 0
