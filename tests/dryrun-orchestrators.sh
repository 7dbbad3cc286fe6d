#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# affinityd --dry-run on a Kubernetes node as CRI-O leaves it: a copy of the
# QEMU fixture without boot isolation, a pod on CPUs 1-7 with
# irq-load-balancing.crio.io: disable, so every IRQ was moved to CPU 0 and
# /proc/irq/default_smp_affinity narrowed to 01. The plan must put no IRQ
# back on the pod's CPUs (the issue's tried case put 9 on CPU 1):
#   a) default_smp_affinity alone (CRI-O writes irqbalance's file only when
#      it exists): source default_smp_affinity;
#   b) with irqbalance's file as CRI-O rewrites it: source irqbalance_env,
#      and default_smp_affinity no more (the file accounts for those CPUs);
#   c) tuned's list in Debian's file; [cpus] irqbalance_env= empty ignores it;
#   d) affinityd-capture copies the files, and the copy plans the same.
# Prints TAP.
set -u

. "$(dirname "$0")/lib.sh"

root=$tmp/root
conf=$tmp/affinityd.conf
: > "$conf"
mkdir "$root" "$tmp/state"
unpack_fixture "$root"
echo "console=ttyS0 quiet" > "$root/proc/cmdline"
: > "$root/sys/devices/system/cpu/isolated"
for dir in "$root"/proc/irq/[0-9]*; do
	# Managed queues kept their masks: the kernel refused irqbalance.
	[ "$(cat "$dir/smp_affinity_list")" = 0-1 ] || continue
	echo 01 > "$dir/smp_affinity"
	echo 0 > "$dir/smp_affinity_list"
	echo 0 > "$dir/effective_affinity_list"
	echo 01 > "$dir/effective_affinity"
done
echo 01 > "$root/proc/irq/default_smp_affinity"

plan() { # $1: output name; the rest: more options
	out=$tmp/$1.json
	shift
	"$affinityd" --dry-run --json --sysroot "$root" --config "$conf" --state-dir "$tmp/state" \
		"$@" > "$out" 2> "$out.err"
}
# Planned masks of the movable IRQs, one per line.
planned() { sed -n 's/^ *"planned" : "\(.*\)",$/\1/p' "$1"; }
# The "sources" object on one line.
sources() { tr -d ' \n' < "$1" | sed -n 's/.*"sources":{\([^}]*\)}.*/\1/p'; }

echo "1..11"

plan a
check "a: exits 0" '[ -s "$tmp/a.json" ]'
check "a: default_smp_affinity bans the pod's CPUs" \
	'[ "$(sources "$tmp/a.json")" = "\"default_smp_affinity\":\"1-7\"" ]'
check "a: every movable IRQ planned on CPU 0, none back on the pod's CPUs" \
	'[ "$(planned "$tmp/a.json" | sort -u)" = 0 ] && [ "$(planned "$tmp/a.json" | wc -l)" -eq 12 ]'
check "a: so the plan moves nothing" 'grep -q "\"move\" : 0," "$tmp/a.json"'

mkdir -p "$root/etc/sysconfig"
printf '# CRI-O\nIRQBALANCE_BANNED_CPUS="000000fe"\n' > "$root/etc/sysconfig/irqbalance"
plan b
check "b: irqbalance's file bans them, and accounts for default_smp_affinity" \
	'[ "$(sources "$tmp/b.json")" = "\"irqbalance_env\":\"1-7\"" ]'
check "b: every movable IRQ planned on CPU 0" '[ "$(planned "$tmp/b.json" | sort -u)" = 0 ]'

# c) Without the narrowed default: only the files count.
echo ff > "$root/proc/irq/default_smp_affinity"
rm "$root/etc/sysconfig/irqbalance"
mkdir -p "$root/etc/default"
printf 'IRQBALANCE_BANNED_CPULIST=4-7\n' > "$root/etc/default/irqbalance"
plan c
check "c: tuned's list in Debian's file" \
	'[ "$(sources "$tmp/c.json")" = "\"irqbalance_env\":\"4-7\"" ] &&
	 ! planned "$tmp/c.json" | grep -q "[4-7]"'
printf '[cpus]\nirqbalance_env=\n' > "$conf"
plan c-off
check "c: irqbalance_env= empty reads no file" \
	'[ "$(sources "$tmp/c-off.json")" = "" ] && planned "$tmp/c-off.json" | grep -q "[4-7]"'
: > "$conf"

# d) A capture carries the files and the narrowed default.
echo 01 > "$root/proc/irq/default_smp_affinity"
"$affinityd-capture" --sysroot "$root" "$tmp/copy" > "$tmp/capture.out" 2>&1
check "d: affinityd-capture copies irqbalance's file" \
	'cmp -s "$root/etc/default/irqbalance" "$tmp/copy/etc/default/irqbalance"'
check "d: and default_smp_affinity" \
	'cmp -s "$root/proc/irq/default_smp_affinity" "$tmp/copy/proc/irq/default_smp_affinity"'
plan d
"$affinityd" --dry-run --json --sysroot "$tmp/copy" --config "$conf" --state-dir "$tmp/state" \
	> "$tmp/copy.json" 2> /dev/null
check "d: the copy plans as the tree" 'cmp -s "$tmp/d.json" "$tmp/copy.json"'

[ $failed -eq 0 ] || for f in "$tmp"/*.err "$tmp/capture.out"; do sed "s|^|# $(basename "$f"): |" "$f"; done
exit 0
