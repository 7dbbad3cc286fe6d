#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The command lines of affinityd and affinityd-capture as a new user meets
# them: a wrong option points at --help; affinityd-capture has --version
# and --quiet, and names every path it could not copy. Prints TAP.
set -u

. "$(dirname "$0")/lib.sh"

capture=$affinityd-capture
root=$tmp/root
mkdir "$root"
unpack_fixture "$root"

echo "1..9"
"$affinityd" --bogus > "$tmp/out" 2> "$tmp/err"
check "affinityd: an unknown option exits 2" '[ $? -eq 2 ]'
check "affinityd: and points at --help" \
	'[ "$(cat "$tmp/err")" = "affinityd: Unknown option --bogus (see affinityd --help)" ]'
"$affinityd" --dry-run extra > /dev/null 2> "$tmp/err"
check "affinityd: an extra argument points at --help" \
	'[ "$(cat "$tmp/err")" = "affinityd: unexpected argument '"'extra'"' (see affinityd --help)" ]'
"$capture" --bogus > /dev/null 2> "$tmp/err"
check "affinityd-capture: an unknown option exits 2 and points at --help" \
	'[ $? -eq 2 ] &&
	 [ "$(cat "$tmp/err")" = "affinityd-capture: Unknown option --bogus (see affinityd-capture --help)" ]'
"$capture" --version > "$tmp/out"
check "affinityd-capture --version" '[ $? -eq 0 ] && grep -qx "affinityd-capture [0-9][0-9.]*" "$tmp/out"'

# Something that cannot be copied (a FIFO where affinityd lists a directory).
mkfifo "$root/proc/irq/24/pipe"
"$capture" --sysroot "$root" "$tmp/copy1" > "$tmp/out1" 2> "$tmp/err1"
check "affinityd-capture lists what it copied" \
	'[ $? -eq 0 ] && grep -qx "proc/interrupts" "$tmp/out1" && tail -n1 "$tmp/out1" | grep -q "; 1 skipped$"'
check "affinityd-capture names what it skipped" \
	'[ "$(cat "$tmp/err1")" = "affinityd-capture: Skipped /proc/irq/24/pipe: Operation not supported" ]'
"$capture" --quiet --sysroot "$root" "$tmp/copy2" > "$tmp/out2" 2> "$tmp/err2"
check "affinityd-capture --quiet prints nothing on standard output" '[ $? -eq 0 ] && [ ! -s "$tmp/out2" ]'
check "affinityd-capture --quiet still names what it skipped" 'cmp -s "$tmp/err1" "$tmp/err2"'
[ $failed -eq 0 ] || for f in "$tmp"/err*; do sed "s|^|# $(basename "$f"): |" "$f"; done
exit 0
