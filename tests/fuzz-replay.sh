#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every fuzz target on its seeds and on every input that once crashed it
# (fuzz/regressions/TARGET/), through the replay driver: no libFuzzer
# needed, so each build runs them (under sanitizers in tests/sanitize.sh's
# build). One TAP line per target.
set -u
top_srcdir=${AF_TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${AF_TOP_BUILDDIR:-$top_srcdir}
seeds=$(mktemp -d "${TMPDIR:-/tmp}/af-fuzz-replay-XXXXXX") || exit 1
trap 'rm -rf "$seeds"' EXIT
sh "$top_srcdir/fuzz/seeds.sh" "$top_srcdir" "$seeds" || exit 1

n=0
failed=0
targets="cpuset interrupts procstat cmdline policy state kernelfiles uevent netlink ethtool
	irqbalanceenv irqbsock napi"
echo "1..$(echo $targets | wc -w)"
for t in $targets; do
	n=$((n + 1))
	dirs="$seeds/$t"
	[ -d "$top_srcdir/fuzz/regressions/$t" ] && dirs="$dirs $top_srcdir/fuzz/regressions/$t"
	# shellcheck disable=SC2086
	if out=$("$top_builddir/fuzz/replay-$t" $dirs 2>&1) && ! echo "$out" | grep -q '^not ok'; then
		echo "ok $n - $t: $(echo "$out" | grep -c '^ok') inputs"
	else
		failed=1
		echo "not ok $n - $t"
		echo "$out" | tail -20 | sed 's/^/# /'
	fi
done
exit $failed
