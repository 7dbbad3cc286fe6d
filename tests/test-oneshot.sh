#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end: affinityd --oneshot against a copy of the QEMU fixture.
# The first run writes the plan into the copy and exits 0; a second run
# finds every IRQ where the plan put it and writes nothing (no file of the
# copy changes: compared by content and mtime).
set -u
top_srcdir=${AF_TOP_SRCDIR:-.}
top_builddir=${AF_TOP_BUILDDIR:-.}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-oneshot-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
check() { n=$((n + 1)); if eval "$2"; then echo "ok $n $1"; else echo "not ok $n $1"; failed=1; fi; }
listing() { (cd "$tmp/root/proc/irq" && for f in */smp_affinity_list; do printf '%s %s %s\n' "$f" "$(cat "$f")" "$(stat -c %Y.%y "$f")"; done); }

echo "1..5"
mkdir "$tmp/root" "$tmp/state"
tar -xzf "$top_srcdir/tests/fixtures/sysroots/qemu-managed-doc-example.tar.gz" -C "$tmp/root"
listing > "$tmp/before"
"$top_builddir/daemon/affinityd" --oneshot --foreground --sysroot "$tmp/root" \
	--config "$tmp/none.conf" --state-dir "$tmp/state" 2> "$tmp/first.err"
check "/oneshot/first_run/exit_0" "[ $? -eq 0 ]"
listing > "$tmp/after"
check "/oneshot/first_run/writes_land_in_copy" "! cmp -s '$tmp/before' '$tmp/after'"
# Housekeeping is 0-1 (isolcpus=domain,2-7): every written IRQ is on CPU 0 or 1.
check "/oneshot/first_run/only_housekeeping" \
	"! awk '{print \$2}' '$tmp/after' | grep -qv -e '^0\$' -e '^1\$' -e '^0-1\$' -e '^0-3\$' -e '^4-7\$'"
sleep 1.1
"$top_builddir/daemon/affinityd" --oneshot --foreground --sysroot "$tmp/root" \
	--config "$tmp/none.conf" --state-dir "$tmp/state" 2> "$tmp/second.err"
check "/oneshot/second_run/exit_0" "[ $? -eq 0 ]"
listing > "$tmp/again"
check "/oneshot/second_run/zero_writes" "cmp -s '$tmp/after' '$tmp/again'"
[ $failed -eq 0 ] || { cat "$tmp/first.err" "$tmp/second.err" >&2; }
exit 0
