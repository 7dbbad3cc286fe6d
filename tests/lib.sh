# Shared by the shell tests that run the real program on a copied fixture
# tree (sourced, not run): paths, TAP output, a temporary directory removed
# on exit with the daemon still running in it, and waiting for log lines.
#
#   $affinityd $fixture   the built program, the Debian 6.1 QEMU capture
#   $tmp                  a new temporary directory (removed on exit)
#   $pid                  set it to a background daemon's pid: killed on exit
#   $log                  the log file count and wait_for read
#   ok/not_ok/check       TAP lines ("ok N - name"); $failed is 1 after a failure
#   count RE              lines of $log matching RE
#   wait_for RE [N]       until $log has N (default 1) lines matching RE; a
#                         failure guard of 10 s, not a measurement
#   unpack_fixture DIR    the fixture, unpacked as plain files into DIR
#   start_bus             a private system bus (dbus-daemon) in $tmp that lets
#                         everything through: exports DBUS_SYSTEM_BUS_ADDRESS,
#                         $bus is its pid (killed on exit); 1 if it gave no
#                         address. The caller checks dbus-daemon is installed.

top_srcdir=${AF_TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${AF_TOP_BUILDDIR:-$top_srcdir}
affinityd=$top_builddir/daemon/affinityd
fixture=$top_srcdir/tests/fixtures/sysroots/qemu-managed-doc-example.tar.gz

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else not_ok "$1"; fi; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/af-$(basename "$0" .sh)-XXXXXX") || exit 1
pid=
bus=
log=
cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	[ -n "$bus" ] && kill -KILL "$bus" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

count() { c=$(grep -c -- "$1" "$log" 2>/dev/null); echo "${c:-0}"; }
wait_for() {
	i=0
	while [ "$(count "$1")" -lt "${2:-1}" ]; do
		i=$((i + 1))
		[ $i -gt 200 ] && return 1
		sleep 0.05
	done
	return 0
}
unpack_fixture() {
	mkdir -p "$1" && tar -C "$1" --no-same-owner -xzf "$fixture"
}
start_bus() {
	sed "s|@SOCKET@|$tmp/bus|" "$top_srcdir/tests/private-bus.conf" > "$tmp/bus.conf"
	dbus-daemon --config-file="$tmp/bus.conf" --nofork --print-address=3 3> "$tmp/address" \
		2> /dev/null &
	bus=$!
	i=0
	while [ ! -s "$tmp/address" ] && [ $i -lt 200 ]; do i=$((i + 1)); sleep 0.05; done
	DBUS_SYSTEM_BUS_ADDRESS=$(head -n 1 "$tmp/address")
	export DBUS_SYSTEM_BUS_ADDRESS
	[ -n "$DBUS_SYSTEM_BUS_ADDRESS" ]
}
