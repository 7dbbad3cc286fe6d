#!/bin/sh
# The fault matrix: the real daemon on a copied fixture tree while the fake
# kernel (lib/fakekernel.h, its fault file) fails reads and writes with
# ENOENT, EIO, EBUSY, ENOMEM or EINVAL, or while kernel files are empty,
# cut short or garbage. Each row starts the daemon with the fault in place,
# lets it retry for a while, removes the fault and sends SIGHUP (the next
# event), then checks that the daemon still runs, said so once (one line
# naming the file or IRQ, not one per retry), did not loop writing, and
# ends in the placement of a run without faults. Prints TAP.
set -u
unset STATE_DIRECTORY

. "$(dirname "$0")/lib.sh"

printf '[daemon]\ndebounce_ms=5\ninterval_ms=100\n' > "$tmp/affinityd.conf"

placement() {
	for d in "$1"/proc/irq/[0-9]*; do
		printf '%s=%s\n' "${d##*/}" "$(cat "$d/smp_affinity_list" 2>/dev/null)"
	done
}

# run NAME SETUP UNDO: a fresh tree, SETUP (a shell command in $root) before the
# start, 1 s of retries, UNDO, SIGHUP, 1 s, SIGTERM. Leaves $root and $log.
run() {
	root=$tmp/$1
	log=$tmp/$1.log
	mkdir "$root" "$root.state"
	cp -a "$tmp/fixture/." "$root"
	(cd "$root" && eval "$2")
	(exec "$affinityd" --foreground --sysroot "$root" --config "$tmp/affinityd.conf" \
		--state-dir "$root.state") > "$log" 2>&1 &
	pid=$!
	sleep 1
	faulted=$(wc -l < "$log")
	(cd "$root" && eval "$3")
	kill -HUP "$pid" 2>/dev/null
	wait_for "Configuration reloaded"
	sleep 1
	alive=0
	kill -0 "$pid" 2>/dev/null && alive=1
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=
	writes=$(sed -n 's/.*Stopped after .* \([0-9]*\) writes$/\1/p' "$log")
	replans=$(sed -n 's/.*Stopped after [0-9]* events, \([0-9]*\) replans.*/\1/p' "$log")
}

# The faults' first second of log: lines matching RE.
told() { head -n "$faulted" "$log" | grep -c -- "$1"; }

unpack_fixture "$tmp/fixture"
run reference : :
reference=$(placement "$root")
ref_writes=$writes
echo "1..${AF_FAULT_ROWS:-16}"
check "a run without faults places and writes" \
	'[ "$alive" = 1 ] && [ "${ref_writes:-0}" -gt 0 ] && [ "$(count "Failed")" -eq 0 ]'

# row NAME SETUP UNDO RE [N]: RE names what failed; told N times (default
# once), the daemon alive, no more writes than the reference, and its
# placement in the end.
row() {
	run "$1" "$2" "$3"
	if [ "$alive" = 1 ] && [ "$(told "$4")" -eq "${5:-1}" ] && [ "${writes:-999}" -le "$ref_writes" ] &&
		[ "${replans:-999}" -le 12 ] && [ "$(placement "$root")" = "$reference" ]; then
		ok "$1: told ${5:-1}, kept running, placed ($replans replans, $writes writes)"
	else
		not_ok "$1: told $(told "$4"), alive $alive, ${replans:-?} replans, ${writes:-?} writes (reference $ref_writes)"
		sed 's/^/# /' "$log" | head -40
		diff "$(printf '%s\n' "$reference" > "$tmp/ref"; echo "$tmp/ref")" \
			"$(placement "$root" > "$tmp/got"; echo "$tmp/got")" | sed 's/^/# /'
	fi
}
fault() { echo "$1" > fake-kernel-faults; }
nofault='rm -f fake-kernel-faults'

# Reads failing: the whole read is tried again (500 ms, doubling).
for e in ENOENT EIO EBUSY ENOMEM; do
	row "read-interrupts-$e" "fault 'read proc/interrupts $e'" "$nofault" "proc/interrupts"
done
row read-online-EIO "fault 'read sys/devices/system/cpu/online EIO'" "$nofault" "cpu/online"
# Not "no isolation": that would put IRQs on the isolated CPU.
row read-cmdline-ENOMEM "fault 'read proc/cmdline ENOMEM'" "$nofault" "proc/cmdline"
row read-irq-affinity-EBUSY "fault 'read proc/irq/30/smp_affinity* EBUSY'" "$nofault" \
	"proc/irq/30/smp_affinity"
# Not "no devices": managed queues would look movable.
row read-pci-EIO "fault 'read sys/bus/pci/devices EIO'" "$nofault" "sys/bus/pci/devices"
row list-irq-ENOMEM "fault 'read proc/irq ENOMEM'" "$nofault" "/proc/irq"

# Files empty, cut short or garbage, then put back.
cpu=sys/devices/system/cpu
row online-empty "cp $cpu/online online.bak && : > $cpu/online" "mv online.bak $cpu/online" \
	"cpu/online"
row online-garbage "cp $cpu/online online.bak && echo 'zz-' > $cpu/online" \
	"mv online.bak $cpu/online" "cpu/online"
row interrupts-cut "cp proc/interrupts i.bak && head -c 1 proc/interrupts > i.cut && mv i.cut proc/interrupts" \
	"mv i.bak proc/interrupts" "proc/interrupts"

# Writes failing: an IRQ gone between the read and the write, a CPU gone
# offline under the plan (EINVAL: a few replans, then the next event), a
# busy kernel (backoff per IRQ). Each IRQ told once, not at every retry.
# An IRQ that vanishes is no news (debug only).
row write-gone-ENOENT "fault 'write proc/irq/30/smp_affinity* ENOENT'" "$nofault" "IRQ 30 " 0
row write-offline-EINVAL "fault 'write proc/irq/30/smp_affinity* EINVAL'" "$nofault" "IRQ 30 "
row write-busy-EBUSY "fault 'write proc/irq/30/smp_affinity* EBUSY'" "$nofault" "IRQ 30 "
exit $failed
