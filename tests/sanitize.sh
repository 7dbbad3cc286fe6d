#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The suite again under AddressSanitizer and UndefinedBehaviorSanitizer, and
# a short pass of every fuzz target: a copy of the source tree (tracked and
# not-ignored files) in $AF_SANITIZE_DIR (default _sanitize/ of the build
# tree, kept between runs so that a second run only rebuilds what changed),
# configured with clang, --enable-sanitizers --enable-fuzzing
# --disable-vm-tests, then `make check` and `make fuzz` there. Each test of
# that run is one TAP line here; a sanitizer report fails the test that made
# it, a fuzz crash fails its target. FUZZ_SECONDS (default 10) bounds each
# target. Skipped (with the reason) without clang or its runtime.
set -u

top_srcdir=${AF_TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${AF_TOP_BUILDDIR:-$top_srcdir}
dir=${AF_SANITIZE_DIR:-$top_builddir/_sanitize}
seconds=${FUZZ_SECONDS:-10}
cc=${AF_SANITIZE_CC:-clang-14}
log=$dir.log

skip() { echo "1..0 # SKIP $1"; exit 0; }
command -v "$cc" > /dev/null 2>&1 || skip "no $cc (tools/install-deps --test installs clang-14)"
printf '#include <stddef.h>\nint LLVMFuzzerTestOneInput(const char *d, size_t n);\nint LLVMFuzzerTestOneInput(const char *d, size_t n) { return d && n ? 0 : 0; }\n' > "$dir.probe.c" 2>/dev/null || skip "cannot write $dir.probe.c"
"$cc" -fsanitize=fuzzer,address,undefined "$dir.probe.c" -o "$dir.probe" > /dev/null 2>&1 ||
	{ rm -f "$dir.probe.c"; skip "$cc cannot link the sanitizers (libclang-rt-14-dev)"; }
rm -f "$dir.probe.c" "$dir.probe"

# The source as committed plus work in progress; tar keeps each file's
# mtime, so make rebuilds only what changed since the last run.
copy_source() {
	mkdir -p "$dir"
	if git -C "$top_srcdir" rev-parse --git-dir > /dev/null 2>&1; then
		(cd "$top_srcdir" && git ls-files -z --cached --others --exclude-standard |
			xargs -0 sh -c 'for f; do [ -f "$f" ] && printf "%s\0" "$f"; done' sh |
			tar --null -T - -cf -) | tar -C "$dir" -xf -
	else
		(cd "$top_srcdir" && tar --exclude=./_sanitize --exclude='*.o' -cf - .) | tar -C "$dir" -xf -
	fi
}

n=0
failed=0
tap() { n=$((n + 1)); if [ "$1" = ok ]; then echo "ok $n - $2"; else failed=1; echo "not ok $n - $2"; fi; }

copy_source
(
	set -e
	cd "$dir"
	[ -x configure ] || autoreconf -fi
	# clang warns where gcc does not ({ NULL } sentinels of option tables, a
	# variable sized struct inside another, "literal" + 1): the gcc build
	# keeps -Werror, this one is for the sanitizers and only prints them.
	# Configured again when these arguments change.
	set -- CC="$cc" CFLAGS="-O1 -g -Wno-missing-field-initializers -Wno-error" \
		--enable-sanitizers --enable-fuzzing --disable-vm-tests --disable-sanitizer-tests
	if [ ! -f Makefile ] || [ "$(cat .af-configured 2>/dev/null)" != "$*" ]; then
		./configure "$@"
		echo "$*" > .af-configured
	fi
	make -j2
) > "$log" 2>&1
if [ $? -ne 0 ]; then
	echo "1..1"
	tail -40 "$log" | sed 's/^/# /'
	tap not_ok "sanitizer build in $dir (see $log)"
	exit 1
fi

# Results of this run only: an earlier run's (or a test since removed) would count.
rm -f "$dir"/tests/*.trs "$dir"/fuzz/out/*.result
# The copy's own make: not this make's variables (make check TESTS=... here
# would run only those there).
(cd "$dir" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u TESTS make -j2 -k check) >> "$log" 2>&1
n_trs=0
for trs in "$dir"/tests/*.trs; do
	[ -f "$trs" ] || continue
	# Never nested (the copy is configured --disable-sanitizer-tests).
	[ "$(basename "$trs")" = sanitize.sh.trs ] && continue
	n_trs=$((n_trs + 1))
	name=tests/$(basename "$trs" .trs)
	if grep -q '^:global-test-result: \(PASS\|SKIP\)' "$trs"; then
		tap ok "sanitizers: $name"
	else
		tap not_ok "sanitizers: $name"
		sed 's/^/# /' "$dir/$name.log" | grep -i -A30 'sanitizer\|not ok\|ERROR\|leak' | head -60
	fi
done

[ "$n_trs" -gt 0 ] || tap not_ok "sanitizers: no test ran in $dir (see $log)"

(cd "$dir" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make fuzz FUZZ_SECONDS="$seconds") > "$dir/fuzz.log" 2>&1
fuzz_status=$?
for result in "$dir"/fuzz/out/*.result; do
	[ -f "$result" ] || continue
	target=$(basename "$result" .result)
	if grep -q '^ok' "$result"; then
		tap ok "fuzz $target: $(sed -n 's/^ok //p' "$result")"
	else
		tap not_ok "fuzz $target: $(cat "$result")"
	fi
done
[ $fuzz_status -eq 0 ] || tap not_ok "make fuzz (see $dir/fuzz.log)"
echo "1..$n"
exit $failed
