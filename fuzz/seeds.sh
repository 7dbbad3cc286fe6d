#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Seed corpora for the fuzz targets, from the real captures: every
# /proc/interrupts, /proc/cmdline, cpulist and hex mask file of the
# fixture trees (tests/fixtures/sysroots/*.tar.gz), the documented
# configuration, and the hand-made seeds of fuzz/seeds/TARGET/ (state
# files, uevents, netlink messages, /proc/stat). Usage: seeds.sh SRCDIR OUTDIR;
# writes OUTDIR/TARGET/ for each target.
set -eu
srcdir=$1
out=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/af-seeds-XXXXXX")
trap 'rm -rf "$work"' EXIT

for t in cpuset interrupts procstat cmdline policy state kernelfiles netlink uevent ethtool \
	irqbalanceenv irqbsock napi; do
	mkdir -p "$out/$t"
	[ -d "$srcdir/fuzz/seeds/$t" ] && cp "$srcdir/fuzz/seeds/$t"/* "$out/$t/" 2>/dev/null || true
done

# Targets whose first byte picks nr_cpu_ids or a parser: prefix it.
with_byte() { printf "\\$(printf '%03o' "$1")"; cat "$2"; }

i=0
for tarball in "$srcdir"/tests/fixtures/sysroots/*.tar.gz; do
	i=$((i + 1))
	tree=$work/$i
	mkdir -p "$tree"
	tar -C "$tree" --no-same-owner -xzf "$tarball"
	[ -f "$tree/proc/interrupts" ] && with_byte 8 "$tree/proc/interrupts" > "$out/interrupts/capture-$i"
	[ -f "$tree/proc/stat" ] && grep "^intr " "$tree/proc/stat" > "$out/procstat/capture-$i"
	[ -f "$tree/proc/cmdline" ] && with_byte 8 "$tree/proc/cmdline" > "$out/cmdline/capture-$i"
	j=0
	for f in "$tree"/sys/devices/system/cpu/online "$tree"/sys/devices/system/cpu/possible \
		"$tree"/proc/irq/*/smp_affinity "$tree"/proc/irq/*/smp_affinity_list \
		"$tree"/proc/irq/*/effective_affinity "$tree"/sys/bus/pci/devices/*/local_cpulist; do
		[ -f "$f" ] || continue
		j=$((j + 1))
		cp "$f" "$out/cpuset/capture-$i-$j"
	done
	for f in "$tree"/sys/kernel/irq/*/per_cpu_count; do
		[ -f "$f" ] || continue
		with_byte 8 "$f" > "$out/interrupts/per-cpu-$i"
		break
	done
	for f in "$tree"/sys/kernel/irq/*/actions; do
		[ -f "$f" ] || continue
		j=$((j + 1))
		with_byte 2 "$f" > "$out/kernelfiles/action-$i-$j"
	done
	[ -f "$tree/proc/sys/kernel/osrelease" ] &&
		with_byte 1 "$tree/proc/sys/kernel/osrelease" > "$out/kernelfiles/release-$i"
	[ -f "$tree/proc/sys/kernel/osrelease" ] &&
		with_byte 3 "$tree/proc/sys/kernel/osrelease" > "$out/kernelfiles/rmap-release-$i"
	for f in "$tree"/affinityd-capture/ethtool/*; do
		[ -f "$f" ] && cp "$f" "$out/ethtool/capture-$i-${f##*/}"
	done
done
cp "$srcdir/conf/affinityd.conf" "$out/policy/affinityd.conf"
# Network steering's names: the rmap fix table, a NAPI kthread.
printf '\004%s' '7.0,6.12.50,6.6.100' > "$out/kernelfiles/rmap-table"
printf '\005%s' 'napi/eth0-8193' > "$out/kernelfiles/napi-comm"
exit 0
