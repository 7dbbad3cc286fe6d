#!/bin/sh
# The fault matrix: the real daemon on a copied fixture tree while the fake
# kernel (lib/fakekernel.h, its fault file) fails reads and writes with
# ENOENT, EIO, EBUSY, ENOMEM or EINVAL, or while kernel files are empty,
# cut short or garbage. Each row starts the daemon with the fault in place,
# lets it retry for a while, removes the fault and sends SIGHUP (the next
# event), then checks that the daemon still runs, said so once (one line
# naming the file or IRQ, not one per retry), did not loop writing, and
# ends in the placement of a run without faults. Last, a machine of 8192
# possible CPUs numbered sparsely (6 online, 3 isolated). Prints TAP.
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
# start, 1 s of retries after it started, UNDO, SIGHUP, up to 10 s for the
# placement of the reference (none for the reference itself), 0.5 s more,
# SIGTERM. Leaves $root and $log.
run() {
	root=$tmp/$1
	log=$tmp/$1.log
	mkdir "$root" "$root.state"
	cp -a "$tmp/fixture/." "$root"
	(cd "$root" && eval "$2")
	(exec "$affinityd" --foreground --sysroot "$root" --config "$tmp/affinityd.conf" \
		--state-dir "$root.state") > "$log" 2>&1 &
	pid=$!
	# SIGHUP before its handler is set would end it (slow starts: sanitizers).
	wait_for "Started"
	sleep 1
	faulted=$(wc -l < "$log")
	(cd "$root" && eval "$3")
	kill -HUP "$pid" 2>/dev/null
	wait_for "Configuration reloaded"
	# Until it is placed as without faults (a write backs off 1 s, then 2 s).
	i=0
	while [ -n "$reference" ] && [ $i -lt 40 ] && [ "$(placement "$root")" != "$reference" ]; do
		sleep 0.25
		i=$((i + 1))
	done
	sleep 0.5
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
reference=
run reference : :
reference=$(placement "$root")
ref_writes=$writes
echo "1..${AF_FAULT_ROWS:-18}"
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

# 8192 possible CPUs numbered sparsely: online 0-1, 4096-4097, 8190-8191
# (the kernel's columns), 4097 and 8190-8191 isolated; masks 8192 bits wide.
sparse=$tmp/sparse
cpus="0 1 4096 4097 8190 8191"
mkdir -p "$sparse/sys/devices/system/cpu" "$sparse/proc/irq" "$sparse.state"
echo 0-8191 > "$sparse/sys/devices/system/cpu/possible"
echo 0-8191 > "$sparse/sys/devices/system/cpu/present"
echo 0-1,4096-4097,8190-8191 > "$sparse/sys/devices/system/cpu/online"
echo "isolcpus=managed_irq,domain,4097,8190-8191" > "$sparse/proc/cmdline"
wide=$(awk 'BEGIN { for (i = 0; i < 255; i++) printf "ffffffff,"; print "ffffffff" }')
{
	for c in $cpus; do printf '%11s' "CPU$c"; done
	echo
	for irq in 24 25 26 27; do
		printf '%4s:' "$irq"
		for c in $cpus; do printf ' %10s' 5; done
		echo "  PCI-MSI 1-edge      q$irq"
	done
} > "$sparse/proc/interrupts"
{
	echo "cpu  1 2 3 4 5 6 7 8 9 10"
	for c in $cpus; do echo "cpu$c 1 2 3 4 5 6 7 8 9 10"; done
	printf 'intr 120'
	for i in $(seq 0 23); do printf ' 0'; done
	echo " 30 30 30 30"
} > "$sparse/proc/stat"
for irq in 24 25 26 27; do
	d=$sparse/proc/irq/$irq
	mkdir "$d"
	echo "$wide" > "$d/smp_affinity"
	echo 0-8191 > "$d/smp_affinity_list"
	echo "$wide" > "$d/effective_affinity"
	echo 0 > "$d/effective_affinity_list"
done
log=$tmp/sparse.log
(exec "$affinityd" --foreground --sysroot "$sparse" --config "$tmp/affinityd.conf" \
	--state-dir "$sparse.state") > "$log" 2>&1 &
pid=$!
wait_for "Started"
sleep 1
kill -0 "$pid" 2>/dev/null && alive=1 || alive=0
kill -TERM "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
pid=
lists=$(cat "$sparse"/proc/irq/*/smp_affinity_list | sort -u | tr '\n' ' ')
check "sparse 8192 CPUs: runs, places on housekeeping CPUs only ($lists)" \
	'[ "$alive" = 1 ] && [ "$(count "Started: 4 IRQs placed, 4 written")" -eq 1 ] &&
	 [ -z "$(echo $lists | tr " " "\n" | grep -v "^\(0\|1\|4096\)$")" ]'
check "sparse 8192 CPUs: no write after the start, no warning but the missing topology" \
	'[ "$(count "Stopped after .* 4 writes")" -eq 1 ] &&
	 [ "$(grep -v "Moved IRQ\|Started\|Stopp\|State directory\|topology" "$log" | wc -l)" -eq 0 ]'
[ $failed -eq 0 ] || sed 's/^/# /' "$log" | head -30
exit $failed
