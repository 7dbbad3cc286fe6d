#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end: network steering of affinityd --oneshot on a copy of a virtio-net
# guest's capture (8 CPUs, 5-7 isolated by the kernel command line, 4 queue
# pairs; rx-0's RPS over CPUs 0-4, what the kernel kept of "ff"), with CPU 4
# isolated by the config too: the kernel would never strip it. The first run
# writes xps_cpus so that every online CPU sends on exactly one queue and
# strips CPU 4 from rps_cpus; a second run writes no queue file (content and
# mtime), and the dry-run then plans no steering move. Prints TAP.
set -u
. "$(dirname "$0")/lib.sh"
fixture=$top_srcdir/tests/fixtures/sysroots/qemu-virtio-net.tar.gz

oneshot() {
	"$affinityd" --oneshot --foreground --sysroot "$tmp/root" --config "$tmp/steer.conf" \
		--state-dir "$tmp/state" 2> "$tmp/$1.err"
}
queues() { ls -d "$tmp/root/sys/class/net/$ifname/queues/$1"-*; }
mask() { echo $((0x$(tr -d , < "$1"))); }
listing() { for f in $(queues rx) $(queues tx); do for a in "$f"/rps_cpus "$f"/xps_cpus; do [ -f "$a" ] && printf '%s %s %s\n' "$a" "$(cat "$a")" "$(stat -c %Y.%y "$a")"; done; done; }

echo "1..8"
printf '[cpus]\nisolated=4\n' > "$tmp/steer.conf"
unpack_fixture "$tmp/root"
mkdir "$tmp/state"
ifname=$(ls "$tmp/root/sys/class/net" | grep -v '^lo$' | head -n 1)
check "the capture has a 4-queue interface ($ifname)" "[ $(queues tx | wc -l) -eq 4 ]"
oneshot first
check "first run exits 0" "[ $? -eq 0 ]"
check "it logged steering writes" "grep -q 'Set xps of $ifname' '$tmp/first.err'"
seen=0 dup=0
for t in $(queues tx); do
	m=$(mask "$t/xps_cpus")
	[ $((seen & m)) -ne 0 ] && dup=1
	seen=$((seen | m))
done
check "no CPU sends on two queues" "[ $dup -eq 0 ]"
check "every online CPU (0-7) sends on a queue" "[ $seen -eq 255 ]"
isolated=0
for r in $(queues rx); do isolated=$((isolated | ($(mask "$r/rps_cpus") & 0xf0))); done
check "no isolated CPU (4-7) in any rps_cpus" "[ $isolated -eq 0 ] && [ $(mask "$(queues rx | head -n 1)/rps_cpus") -eq 15 ]"
listing > "$tmp/after"
sleep 1.1
oneshot second
listing > "$tmp/again"
check "second run writes no queue file" "cmp -s '$tmp/after' '$tmp/again'"
"$affinityd" --dry-run --json --sysroot "$tmp/root" --config "$tmp/steer.conf" > "$tmp/plan.json" 2>&1
check "the dry-run then plans no steering move" \
	"tr -d ' \n' < '$tmp/plan.json' | grep -q '\"steering\":{\"move\":0,'"
[ $failed -eq 0 ] || { cat "$tmp/first.err" "$tmp/second.err" >&2; }
exit 0
