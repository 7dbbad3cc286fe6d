#!/bin/sh
# Boots Debian's kernel under QEMU (TCG) in a network namespace of its own and
# runs one scenario script inside the guest (see guest-init.sh).
#   run-guest.sh --out DIR --scenario ABS-PATH [--kernel SLOT|VERSION] [--smp SPEC]
#                [--cpu MODEL] [--mem MB] [--timeout S] [--tap NAME [--tap-addr CIDR]]
#                [--ns-run CMD] [--append "KERNEL ARGS"]... [-- QEMU-ARGS...]
# --kernel: a kernel slot (kernel.sh: 6.1, 6.12, 6.12-rt; default
# $AF_VM_SLOT, else 6.1) or an installed version. DIR receives serial.log,
# tap (the scenario's stdout) and status. --tap creates a multi-queue tap
# device NAME in the namespace for "-netdev tap,ifname=NAME,queues=N,...";
# --tap-addr gives it an address in the namespace, so the guest's packets to
# it get answers (ARP replies: the NIC's receive IRQs fire). --ns-run runs
# the shell command CMD in the namespace while the guest runs (traffic into
# the guest from outside; killed when the guest ends). Exit status: the
# scenario's, 124 when the guest outlived its timeout, 125 when the guest
# could not run it.
# At most AF_VM_GUESTS guests (default 2, one per core of the CI machine)
# run at once, whatever make -j says; --timeout is a bound for a guest that
# has the machine to itself, so it is multiplied by AF_VM_GUESTS.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out="" scenario="" slot=${AF_VM_SLOT:-6.1} cpu=max smp=4 mem=1024 timeout_s=300 tap="" tap_addr="" append=""
ns_run=""

usage() {
	sed -n '2,19p' "$0" >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=$2 && shift 2 ;;
	--scenario) scenario=$2 && shift 2 ;;
	--kernel) slot=$2 && shift 2 ;;
	--smp) smp=$2 && shift 2 ;;
	--cpu) cpu=$2 && shift 2 ;;
	--mem) mem=$2 && shift 2 ;;
	--timeout) timeout_s=$2 && shift 2 ;;
	--tap) tap=$2 && shift 2 ;;
	--tap-addr) tap_addr=$2 && shift 2 ;;
	--ns-run) ns_run=$2 && shift 2 ;;
	--append) append="$append $2" && shift 2 ;;
	--) shift && break ;;
	*) usage ;;
	esac
done
[ -n "$out" ] && [ -n "$scenario" ] || usage

die() {
	echo "run-guest: $*" >&2
	exit 125
}

command -v qemu-system-x86_64 >/dev/null ||
	die "qemu-system-x86_64 not found: run tools/install-deps --test"
command -v ip >/dev/null || die "ip not found: run tools/install-deps --test"
[ "$(id -u)" = 0 ] || die "needs root (a network namespace and a tap device per guest)"
kver=$("$here/kernel.sh" "$slot" version) || exit 125
image=/boot/vmlinuz-$kver
guests=${AF_VM_GUESTS:-2}
case "$guests" in '' | *[!0-9]* | 0) die "AF_VM_GUESTS=$guests: want a number of guests, 1 or more" ;; esac
timeout_s=$((timeout_s * guests))
top=$(cd "$here/../.." && pwd)
tree_args=""
case "$top" in
/tmp/* | /run/*)
	# The guest mounts tmpfs on /tmp and /run: share the tree again.
	tree_args="-virtfs local,path=$top,mount_tag=tree,security_model=none,readonly=on,multidevs=remap"
	;;
esac
case "$scenario" in
"$top"/*) ;;
/tmp/* | /run/*) die "$scenario is hidden in the guest (tmpfs on /tmp and /run)" ;;
/*) ;;
*) die "--scenario needs an absolute path (the guest sees the host's / at the same paths)" ;;
esac
[ -r "$scenario" ] || die "no scenario $scenario"

mkdir -p "$out" "$here/work"
out=$(cd "$out" && pwd)
rm -f "$out/serial.log" "$out/tap" "$out/status"
initrd=$(flock "$here/work/.lock" "$here/mkinitramfs.sh" "$here/work" "$kver") || exit 125

ns=afvm-$$
qpid="" nspid=""
cleanup() {
	trap - EXIT INT TERM HUP
	if [ -n "$nspid" ]; then
		kill "$nspid" 2>/dev/null || true
		wait "$nspid" 2>/dev/null || true
	fi
	if [ -n "$qpid" ]; then
		kill "$qpid" 2>/dev/null || true
		wait "$qpid" 2>/dev/null || true
	fi
	ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM HUP

# One of AF_VM_GUESTS guest locks, held (fd 9) until this script exits.
while :; do
	i=0
	while [ "$i" -lt "$guests" ]; do
		exec 9>"$here/work/.guest.$i.lock"
		flock -n 9 && break 2
		i=$((i + 1))
	done
	sleep 1
done

ip netns add "$ns" || die "ip netns add $ns failed"
ip -n "$ns" link set lo up
if [ -n "$tap" ]; then
	ip -n "$ns" tuntap add dev "$tap" mode tap multi_queue || die "cannot create tap $tap"
	ip -n "$ns" link set "$tap" up
	if [ -n "$tap_addr" ]; then
		ip -n "$ns" addr add "$tap_addr" dev "$tap" || die "cannot give $tap the address $tap_addr"
	fi
fi

start=$(date +%s)
# boot: runs the guest once, its exit status in rc.
boot() {
	# -cpu max with TCG: nested KVM hangs in the firmware on this machine kind.
	timeout -k 10 "$timeout_s" ip netns exec "$ns" qemu-system-x86_64 \
		-accel tcg -cpu "$cpu" -smp "$smp" -m "$mem" \
		-kernel "$image" -initrd "$initrd" \
		-append "console=ttyS0 quiet panic=-1 af.script=$scenario ${tree_args:+af.tree=$top} $append" \
		-display none -monitor none -serial "file:$out/serial.log" -no-reboot \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		-virtfs "local,path=$out,mount_tag=results,security_model=none" \
		$tree_args "$@" </dev/null 9>&- &
	qpid=$!
	if [ -n "$ns_run" ]; then
		ip netns exec "$ns" sh -c "$ns_run" </dev/null 9>&- &
		nspid=$!
	fi
	rc=0
	wait "$qpid" || rc=$?
	qpid=""
	if [ -n "$nspid" ]; then
		kill "$nspid" 2>/dev/null || true
		wait "$nspid" 2>/dev/null || true
		nspid=""
	fi
}
boot "$@"
# TCG on a loaded host now and then kills a kernel while it boots ("Oops:
# int3" in sched_clock_cpu while static keys are patched, "IO-APIC + timer
# doesn't work"), before any code of ours runs. A guest that died before its
# scenario began is booted once more; its first log is kept beside.
if [ "$rc" -eq 0 ] && [ ! -f "$out/status" ] && ! grep -q AFVM-BEGIN "$out/serial.log" 2>/dev/null; then
	mv "$out/serial.log" "$out/serial.log.first"
	echo "run-guest: the guest died before its scenario began ($(grep -m1 -E 'Oops|panic' "$out/serial.log.first" || echo 'no panic line')); booting it once more" >&2
	boot "$@"
fi
echo "run-guest: guest ran $(($(date +%s) - start)) s on $kver" >&2

if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	echo "run-guest: guest still running after $timeout_s s, killed" >&2
	exit 124
fi
[ "$rc" -eq 0 ] || die "qemu-system-x86_64 exited with status $rc (see $out/serial.log)"
[ -f "$out/status" ] || die "the guest never ran the scenario (see $out/serial.log)"
exit "$(cat "$out/status")"
