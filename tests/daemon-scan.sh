#!/bin/sh
# The real daemon on a copied fixture tree, its periodic scan of
# /proc/interrupts failing and recovering: a file that cannot be read or
# parsed is warned about once, with the file and the reason, not at every
# scan; reading again is said once; a new failure later is warned again.
# Prints TAP.
set -u
unset STATE_DIRECTORY

. "$(dirname "$0")/lib.sh"
log=$tmp/log
# Lets the daemon scan a few more times (interval_ms=100 below).
scans() { sleep 0.6; }

root=$tmp/root
file=$root/proc/interrupts
mkdir "$root" "$tmp/state"
unpack_fixture "$root"
# A capture without /proc/stat: the scan reads /proc/interrupts (irqscan.h).
rm "$root/proc/stat"
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
