#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end: affinityd --oneshot against a copy of the QEMU fixture.
# The first run writes the plan into the copy and exits 0; a second run
# finds every IRQ where the plan put it and writes nothing (no file of the
# copy changes: compared by content and mtime). Prints TAP.
set -u
. "$(dirname "$0")/lib.sh"

listing() { (cd "$tmp/root/proc/irq" && for f in */smp_affinity_list; do printf '%s %s %s\n' "$f" "$(cat "$f")" "$(stat -c %Y.%y "$f")"; done); }
oneshot() {
	"$affinityd" --oneshot --foreground --sysroot "$tmp/root" --config "$tmp/none.conf" \
		--state-dir "$tmp/state" 2> "$tmp/$1.err"
}

echo "1..5"
unpack_fixture "$tmp/root"
mkdir "$tmp/state"
: > "$tmp/none.conf"
listing > "$tmp/before"
oneshot first
check "first run exits 0" "[ $? -eq 0 ]"
listing > "$tmp/after"
check "first run's writes land in the copy" "! cmp -s '$tmp/before' '$tmp/after'"
# Housekeeping is 0-1 (isolcpus=domain,2-7): every written IRQ is on CPU 0 or 1.
check "first run writes only housekeeping CPUs" \
	"! awk '{print \$2}' '$tmp/after' | grep -qv -e '^0\$' -e '^1\$' -e '^0-1\$' -e '^0-3\$' -e '^4-7\$'"
sleep 1.1
oneshot second
check "second run exits 0" "[ $? -eq 0 ]"
listing > "$tmp/again"
check "second run writes nothing" "cmp -s '$tmp/after' '$tmp/again'"
[ $failed -eq 0 ] || { cat "$tmp/first.err" "$tmp/second.err" >&2; }
exit 0
