#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The real program on copies of the QEMU fixture that a broken kernel, a
# broken capture or another process could show: each case gets one clear
# warning or error naming the file (and the line where there is one); a
# warning is logged once by the daemon, not at every replan; nothing is
# written outside the tree; and a PCI device link leading outside the root
# never makes --oneshot write more than the intact tree (it made it write
# the two kernel-managed virtio-scsi queues, 27 and 28). Prints TAP.
set -u
unset STATE_DIRECTORY
. "$(dirname "$0")/lib.sh"

conf=$tmp/none.conf
: > "$conf"
# A fresh copy of the fixture in $tmp/$1.
copy() {
	rm -rf "${tmp:?}/$1"
	mkdir "$tmp/$1"
	unpack_fixture "$tmp/$1"
}
dry() { "$affinityd" --dry-run --sysroot "$tmp/$1" --config "$conf" > "$tmp/$1.out" 2>&1; }
has() { grep -qF -- "$2" "$tmp/$1.out"; }
oneshot() {
	mkdir -p "$tmp/state-$1"
	"$affinityd" --oneshot --foreground --sysroot "$tmp/$1" --config "$conf" \
		--state-dir "$tmp/state-$1" > "$tmp/$1.out" 2>&1
}
moved() { sed -n 's/.*Moved IRQ \([0-9]*\) .*/\1/p' "$tmp/$1.out" | sort -n | tr '\n' ' '; }

echo "1..16"

copy online
echo "0-3,x" > "$tmp/online/sys/devices/system/cpu/online"
dry online
check "cpu/online garbage: exit 1, the file, the line and its text" \
	'[ $? -ne 0 ] && has online "/sys/devices/system/cpu/online:1: not a CPU list: \"0-3,x\""'

copy noheader
sed -i 1d "$tmp/noheader/proc/interrupts"
dry noheader
check "/proc/interrupts without its header: exit 1, file and line" \
	'[ $? -ne 0 ] && has noheader "/proc/interrupts:1: not the header naming the CPUs"'

copy headeronly
sed -i '2,$d' "$tmp/headeronly/proc/interrupts"
dry headeronly
check "a header-only /proc/interrupts: planned, and warned" \
	'[ $? -eq 0 ] && has headeronly "/proc/interrupts: no IRQ rows after the header"'

copy columns
# IRQ 8 loses a count, IRQ 9 gains one.
sed -i -e 's/^  8:          1 /  8: /' -e 's/^  9:          0 /  9:          0          7 /' \
	"$tmp/columns/proc/interrupts"
dry columns
check "a short row: warned with its line" \
	'has columns "/proc/interrupts:5: fewer counts than the header'"'"'s 8 CPU columns (1 such rows)"'
check "a long row: warned with its line, its name intact" \
	'has columns "/proc/interrupts:6: more counts than the header'"'"'s 8 CPU columns (1 such rows)" &&
	 grep -q "^9 *acpi " "$tmp/columns.out"'

copy cut
# The file ends in the middle of IRQ 32's row.
head -c -40 "$tmp/cut/proc/interrupts" > "$tmp/cut.interrupts"
lines=$(wc -l < "$tmp/cut.interrupts")
cp "$tmp/cut.interrupts" "$tmp/cut/proc/interrupts"
dry cut
check "a last row cut short: warned with its line" \
	'has cut "/proc/interrupts:$((lines + 1)): the last line has no newline"'

copy noirqdir
rm -r "$tmp/noirqdir/proc/irq/25"
dry noirqdir
check "a listed IRQ without /proc/irq/N: warned, left out" \
	'has noirqdir "/proc/irq/25: missing though /proc/interrupts lists the IRQ: IRQ 25 (virtio2-control) left out" &&
	 ! grep -q "^25 " "$tmp/noirqdir.out"'

copy irqout
mkdir -p "$tmp/outside/25"
echo 00000001 > "$tmp/outside/25/smp_affinity"
cp -a "$tmp/outside" "$tmp/outside.before"
rm -r "$tmp/irqout/proc/irq/25"
ln -s ../../../outside/25 "$tmp/irqout/proc/irq/25"
dry irqout
check "/proc/irq/N leading outside the root: warned, left out" \
	'has irqout "/proc/irq/25: leads outside the tree: IRQ 25 (virtio2-control) left out"'
oneshot irqout
check "... and --oneshot writes nothing outside the tree" \
	'diff -r "$tmp/outside" "$tmp/outside.before" > /dev/null'

copy intact
oneshot intact
intact_moves=$(moved intact)
copy pciout
rm "$tmp/pciout/sys/bus/pci/devices/0000:00:06.0"
ln -s ../../../../../../../outside/devices/pci0000:00/0000:00:06.0 \
	"$tmp/pciout/sys/bus/pci/devices/0000:00:06.0"
dry pciout
check "a PCI device link leading outside the root: warned" \
	'has pciout "/sys/bus/pci/devices/0000:00:06.0: cannot be read"'
oneshot pciout
check "... --oneshot succeeds" '[ $? -eq 0 ]'
check "... and never writes the managed queues 27, 28 (intact: $intact_moves)" \
	'! moved pciout | grep -qw -e 27 -e 28 && ! moved intact | grep -qw -e 27 -e 28'
check "... nor any IRQ the intact tree does not write ($(moved pciout))" \
	'(for i in $(moved pciout); do echo " $intact_moves " | grep -qw "$i" || exit 1; done)'
check "... and logs the warning once" \
	'[ "$(grep -c "0000:00:06.0: cannot be read" "$tmp/pciout.out")" -eq 1 ]'

# The daemon on a tree with a short row: the warning once, however many replans.
copy daemon
sed -i -e 's/^  8:          1 /  8: /' "$tmp/daemon/proc/interrupts"
printf '[daemon]\ndebounce_ms=5\ninterval_ms=100\n' > "$tmp/daemon.conf"
log=$tmp/daemon.log
mkdir "$tmp/state-daemon"
(exec "$affinityd" --foreground --debug --sysroot "$tmp/daemon" --config "$tmp/daemon.conf" \
	--state-dir "$tmp/state-daemon") > "$log" 2>&1 &
pid=$!
wait_for "Started"
for i in 1 2 3; do
	kill -HUP "$pid"
	wait_for "Replan (config)" "$i"
done
check "the daemon replanned 4 times" '[ "$(count "Replan (")" -ge 4 ]'
check "... and warned about the short row once" \
	'[ "$(count "/proc/interrupts:5: fewer counts")" -eq 1 ]'
kill -TERM "$pid"
wait "$pid" 2>/dev/null
pid=
[ $failed -eq 0 ] || for f in "$tmp"/*.out "$log"; do echo "# $f:"; sed 's/^/#   /' "$f"; done
exit 0
