#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The hook that keeps every parser fuzzed, those added later included:
# every parser function a header of lib/ or daemon/ declares (af_*_parse*,
# af_*_parser*, af_*_decode*) must be named by a fuzz target
# (fuzz/fuzz-*.c) or listed in fuzz/covered-elsewhere with the target that
# runs it; and every fuzz/fuzz-TARGET.c must be wired as fuzz/README says:
# a replay program (make check), a libFuzzer program (make fuzz) and seeds.
# One TAP line per parser and per target.
set -u
top_srcdir=${AF_TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top_srcdir" || exit 1

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }

parsers=$(grep -ho '\baf_[a-z0-9_]*_\(parse\|parser\|decode\)[a-z0-9_]*[[:space:]]*(' lib/*.h daemon/*.h |
	sed 's/[[:space:]]*($//' | sort -u)
for p in $parsers; do
	where=$(grep -lw -- "$p" fuzz/fuzz-*.c | sed 's|^fuzz/||' | tr '\n' ' ')
	[ -z "$where" ] && where=$(awk -v p="$p" '$1 == p { $1 = ""; print }' fuzz/covered-elsewhere)
	if [ -n "$where" ]; then
		ok "$p: $where"
	else
		not_ok "$p has no fuzz target: add one (fuzz/README) or name the target that runs it in fuzz/covered-elsewhere"
	fi
done
for src in fuzz/fuzz-*.c; do
	t=${src#fuzz/fuzz-}
	t=${t%.c}
	v=$(echo "$t" | tr - _)
	missing=""
	grep -q "^fuzz_replay_${v}_SOURCES" mk/*.am || missing="$missing replay program (mk/fuzz.am)"
	grep -q "^fuzz_fuzz_${v}_SOURCES" mk/*.am || missing="$missing libFuzzer program (mk/fuzz.am)"
	grep -q "^fuzz_[a-z_]*targets = .*\b$t\b" mk/fuzz.am || missing="$missing make fuzz (fuzz_targets)"
	grep -qw "$t" tests/fuzz-replay.sh || missing="$missing replay in tests/fuzz-replay.sh"
	grep -qw "$t" fuzz/seeds.sh || missing="$missing seeds (fuzz/seeds.sh)"
	if [ -z "$missing" ]; then
		ok "fuzz target $t is built, replayed and seeded"
	else
		not_ok "fuzz target $t lacks:$missing"
	fi
done
echo "1..$n"
exit $failed
