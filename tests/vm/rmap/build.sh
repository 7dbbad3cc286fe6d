#!/bin/sh
# Builds the cpu_rmap test module (afvm_rmap.c) for the kernel a guest
# boots, against that kernel's headers (Debian's linux-headers-<version>,
# pulled in by tools/install-deps --test), and prints the path of the .ko.
#   build.sh OUTDIR [KERNEL-VERSION]
# The build happens in OUTDIR/rmap-<version>/ and is kept there: it is
# redone only when a source here is newer than the module. The guest loads
# the .ko from the host's root (read-only at the same path) with insmod.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
outdir=${1:?usage: build.sh OUTDIR [KERNEL-VERSION]}
kver=${2:-$("$here/../kernel.sh" version)}
kdir=/lib/modules/$kver/build

die() {
	echo "rmap/build.sh: $*" >&2
	exit 1
}

[ -f "$kdir/Makefile" ] ||
	die "no headers for $kver ($kdir): run tools/install-deps --test (package linux-headers-$kver)"
command -v make >/dev/null || die "no make: run tools/install-deps (build-essential)"

mkdir -p "$outdir/rmap-$kver"
build=$(cd "$outdir/rmap-$kver" && pwd)
ko=$build/afvm_rmap.ko
if [ -f "$ko" ] && [ "$ko" -nt "$here/afvm_rmap.c" ] && [ "$ko" -nt "$here/Kbuild" ] &&
	[ "$ko" -nt "$0" ]; then
	echo "$ko"
	exit 0
fi
rm -f "$ko"
cp "$here/afvm_rmap.c" "$here/Kbuild" "$build/"
# Kbuild's own output goes to a log; only a failure shows it. Run under
# `make -j check`, this script inherits MAKEFLAGS naming the jobserver's
# pipe fds (3,4), but the TAP driver has reused fd 3 for the test's log:
# Kbuild's sub-make then reads its job tokens from a write-only file and
# stops ("read jobs pipe: Bad file descriptor"). Build without them.
if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	make -C "$kdir" M="$build" -j"$(nproc)" modules >"$build/build.log" 2>&1; then
	tail -n 20 "$build/build.log" >&2
	die "building afvm_rmap.ko for $kver failed (log: $build/build.log)"
fi
[ -f "$ko" ] || die "make succeeded but left no $ko"
echo "$ko"
