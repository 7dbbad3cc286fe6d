#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `make fuzz`: runs each libFuzzer target for FUZZ_SECONDS (default 60)
# from its seed corpus (fuzz/seeds.sh) plus what earlier runs found (the
# corpus is kept in fuzz/out/corpus/TARGET). Writes fuzz/out/TARGET.result:
# "ok N executions in S s" or "crash ARTIFACT"; a crashing input is kept
# as fuzz/out/TARGET-crash-*: copy it to fuzz/regressions/TARGET/ with the
# fix, so that make check replays it. Exits 1 when a target crashed.
# Usage: run.sh SRCDIR BUILDDIR TARGET...
set -u
srcdir=$1
builddir=$2
shift 2
seconds=${FUZZ_SECONDS:-60}
out=$builddir/fuzz/out
status=0

mkdir -p "$out/corpus"
rm -rf "$out/seeds"
sh "$srcdir/fuzz/seeds.sh" "$srcdir" "$out/seeds" || exit 1
for target in "$@"; do
	name=${target#fuzz-}
	corpus=$out/corpus/$name
	mkdir -p "$corpus"
	rm -f "$out/$name".result "$out/$name"-crash-* "$out/$name"-leak-* "$out/$name"-timeout-* \
		"$out/$name"-oom-*
	# A 2 GB RSS and 10 s per-input limit: a parser that needs more on one
	# input is a finding too.
	dirs=$corpus
	for d in "$out/seeds/$name" "$srcdir/fuzz/regressions/$name"; do
		[ -d "$d" ] && dirs="$dirs $d"
	done
	# shellcheck disable=SC2086
	"$builddir/fuzz/$target" -max_total_time="$seconds" -print_final_stats=1 \
		-rss_limit_mb=2048 -timeout=10 -max_len=65536 -artifact_prefix="$out/$name-" \
		$dirs > "$out/$name.log" 2>&1
	r=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$name.log" | tail -1)
	artifact=$(ls "$out/$name"-* 2>/dev/null | grep -v '\.log$\|\.result$' | head -1)
	if [ $r -eq 0 ] && [ -z "$artifact" ]; then
		echo "ok ${runs:-0} executions in $seconds s" > "$out/$name.result"
	else
		echo "crash ${artifact:-exit $r} (log $out/$name.log)" > "$out/$name.result"
		status=1
	fi
	echo "$name: $(cat "$out/$name.result")"
done
exit $status
