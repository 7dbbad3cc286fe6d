#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The real daemon hears a channel change: in a network namespace of the
# test's own, `ethtool -L` on a 4-queue veth raises an ethtool netlink
# channels notification, the queue kobjects' remove uevents and a link
# change at once, and the daemon (planning a copy of the virtio-net guest's
# capture, default debounce) plans exactly once for all of them; a features
# change (`ethtool -K`) likewise. The tree does not change, so those replans
# write no steering file. The time from the first event to the steering
# written is printed (a number, not an assertion). The host's links are never
# touched. Prints TAP.
set -u
if [ -z "${AF_TEST_NETNS:-}" ]; then
	if unshare -n true 2> /dev/null; then
		AF_TEST_NETNS=1 exec unshare -n "$0" "$@"
	fi
	echo "1..0 # SKIP needs a network namespace of its own (root or CAP_SYS_ADMIN)"
	exit 0
fi
for tool in ip ethtool; do
	if ! command -v $tool > /dev/null; then
		echo "1..0 # SKIP no $tool (tools/install-deps --test installs it)"
		exit 0
	fi
done
. "$(dirname "$0")/lib.sh"
fixture=$top_srcdir/tests/fixtures/sysroots/qemu-virtio-net.tar.gz
log=$tmp/log
replans() { count 'Replan ('; }
# After an event burst: until its replan shows, then 0.5 s (five times the
# longest a trickle may stretch the default debounce) for any second one.
settle() {
	wait_for 'Replan (' $(($1 + 1)) || return 0
	sleep 0.5
}

if ! ip link add afw0 numtxqueues 4 numrxqueues 4 type veth peer name afw1 \
	numtxqueues 4 numrxqueues 4 2> /dev/null; then
	echo "1..0 # SKIP cannot create a veth pair (no veth module?)"
	exit 0
fi
ip link set afw0 up && ip link set afw1 up
echo "1..7"
mkdir "$tmp/root" "$tmp/state"
unpack_fixture "$tmp/root"
printf '[daemon]\n' > "$tmp/conf"
# Appending: the test's own marks go into the same file.
"$affinityd" --foreground --debug --sysroot "$tmp/root" --config "$tmp/conf" \
	--state-dir "$tmp/state" >> "$log" 2>&1 &
pid=$!
check "the daemon starts" 'wait_for "Started"'
check "its first plan wrote the tree's steering" 'grep -q "Set xps of " "$log"'
sleep 0.3

before=$(replans)
echo "TEST: ethtool -L" >> "$log"
ethtool -L afw0 rx 2 tx 2
settle "$before"
check "the channels notification is heard" 'wait_for "Event: ethtool afw0 channels"'
check "one replan for the notification, the queue uevents and the link change" \
	'[ $(replans) -eq $((before + 1)) ]'
check "the replan writes no steering file (the tree did not change)" \
	'sed -n "/^TEST: ethtool -L/,\$p" "$log" | grep -q "steering 0 written"'
since=$(sed -n '/^TEST: ethtool -L/,$p' "$log" | sed -n 's/.*, \([0-9.]*\) ms since the first event.*/\1/p' | head -n 1)
own=$(sed -n '/^TEST: ethtool -L/,$p' "$log" | sed -n 's/.*failed; \([0-9.]*\) ms, .*/\1/p' | head -n 1)
echo "# ethtool -L: first event to steering written: ${since:-?} ms, of which the replan ${own:-?} ms (on a tree)"

before=$(replans)
echo "TEST: ethtool -K" >> "$log"
ethtool -K afw0 gro on
settle "$before"
check "the features notification is heard" 'wait_for "Event: ethtool afw0 features"'
check "one replan for it" '[ $(replans) -eq $((before + 1)) ]'

[ $failed -eq 0 ] || sed 's/^/# /' "$log"
exit 0
