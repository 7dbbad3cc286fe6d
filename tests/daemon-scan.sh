#!/bin/sh
# The real daemon on a copied fixture tree, its periodic scan of
# /proc/interrupts failing and recovering: a file that cannot be read or
# parsed is warned about once, with the file and the reason, not at every
# scan; reading again is said once; a new failure later is warned again.
# Prints TAP.
set -u
unset STATE_DIRECTORY

top_srcdir=${AF_TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${AF_TOP_BUILDDIR:-$top_srcdir}
affinityd=$top_builddir/daemon/affinityd
fixture=$top_srcdir/tests/fixtures/sysroots/qemu-managed-doc-example.tar.gz

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else not_ok "$1"; fi; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/af-scan-XXXXXX") || exit 1
pid=
cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

log=$tmp/log
# Waits (a failure guard, not a measurement) until the log has $2 lines matching $1.
wait_for() {
	i=0
	while [ "$(count "$1")" -lt "${2:-1}" ]; do
		i=$((i + 1))
		[ $i -gt 200 ] && return 1
		sleep 0.05
	done
	return 0
}
count() { c=$(grep -c -- "$1" "$log" 2>/dev/null); echo "${c:-0}"; }
# Lets the daemon scan a few more times (interval_ms=100 below).
scans() { sleep 0.6; }

root=$tmp/root
file=$root/proc/interrupts
mkdir "$root" "$tmp/state"
tar -C "$root" --no-same-owner -xzf "$fixture"
printf '[daemon]\ndebounce_ms=5\ninterval_ms=100\n' > "$tmp/affinityd.conf"
failing="Failed to read $file, not following new IRQs and load"
back="$file reads again"

echo "1..8"
(exec "$affinityd" --foreground --sysroot "$root" --config "$tmp/affinityd.conf" \
	--state-dir "$tmp/state") > "$log" 2>&1 &
pid=$!
check "starts" 'wait_for "Started"'
scans
check "a file that reads says nothing" '[ "$(count "$failing")" -eq 0 ] && [ "$(count "$back")" -eq 0 ]'

# Gone: one warning with the reason, however many scans fail.
mv "$file" "$tmp/interrupts"
wait_for "$failing"
scans
check "a missing file is warned once" '[ "$(count "$failing")" -eq 1 ]'
check "the warning gives the reason" '[ "$(count "$failing.*: No such file or directory")" -eq 1 ]'
# Back, but without a header: the same run of failures, still one warning.
printf ' 24: 1 2 PCI-MSI 1-edge x\n' > "$file"
scans
check "another reason in the same run is not warned again" '[ "$(count "$failing")" -eq 1 ]'

# Readable again: said once.
cp "$tmp/interrupts" "$file"
wait_for "$back"
scans
check "reading again is said once" '[ "$(count "$back")" -eq 1 ]'

# A later failure is a new run: warned again, with its own reason.
printf 'no header here\n' > "$file"
wait_for "$failing" 2
scans
check "a later failure is warned again, once" '[ "$(count "$failing")" -eq 2 ]'
check "an unparsable file says why" \
	'[ "$(count "$failing.*: no header naming the CPUs")" -eq 1 ]'

kill -TERM "$pid"
wait "$pid" 2>/dev/null
pid=
[ $failed -eq 0 ] || { echo "# log:"; sed 's/^/# /' "$log"; }
exit $failed
