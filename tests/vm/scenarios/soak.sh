# Guest side of the soak (4 vCPUs, "isolcpus=managed_irq,domain,3
# nohz_full=3", e1000e and virtio-scsi): the daemon runs while datagrams
# flow on the e1000e, AF_SOAK_CYCLES (default 20) times a CPU goes offline
# and online again (CPUs 1, 2 and the isolated 3 in turn) and every fifth
# cycle the e1000e is unbound from its driver and bound again (its IRQs
# freed and allocated anew). Afterwards:
# - the daemon still runs, and stops with status 0 on SIGTERM;
# - every movable IRQ (the kernel's word: the probe's rewrite) requests
#   housekeeping CPUs only;
# - its writes settle and none comes in 5 s (no write loop, kernel write
#   record), at most one move (its CPU alone, then with its fallback CPUs:
#   two writes) per movable IRQ per event on average;
# - its open file descriptors did not grow from the start of the soak
#   (after the first cycle) to its end, nor its RSS over the second half of
#   the cycles (the first half lets the heap settle; every cycle's RSS is
#   printed);
# - its log holds a few lines per event, not a flood: no more than the
#   IRQs it moved plus two per event, and every warning names a cause.
. "$AF_SRCDIR/tests/vm/guest-lib.sh"

cycles=${AF_SOAK_CYCLES:-20}
conf=$AF_OUT/affinityd.conf
state=$AF_OUT/state
printf '[daemon]\ndebounce_ms=5\ninterval_ms=1000\n' >"$conf"
D=affinityd
QUIET=2 SETTLE_BOUND=60 RSS_SLACK_KB=512

check "the kernel-side write record starts" kwrites_start
online0=$(cpu_file online)
hk0=$(housekeeping_cpus)
diag "online $online0, housekeeping $hk0, $cycles cycles"
eth=$(netdev_of e1000e) || not_ok "an e1000e interface exists"
pci=$(basename "$(readlink "/sys/class/net/$eth/device")")
diag "e1000e $eth at $pci"
ip link set "$eth" up
ip addr add 10.0.2.15/24 dev "$eth"

# The daemon at info level, as the journal sees it.
log=$AF_OUT/soak.log
"$AF_DAEMON" --foreground --config "$conf" --state-dir "$state" >"$log" 2>&1 &
pid=$!
check "the daemon starts and applies" wait_log "Started"
check "its writes settle within $SETTLE_BOUND s" wait_quiet $D $QUIET $SETTLE_BOUND

# Traffic all through the soak: a datagram every 50 ms (errors while the
# NIC is unbound are expected).
flag=$AF_OUT/traffic
: >"$flag"
(while [ -e "$flag" ]; do
	"$AF_PROBE" udp 10.0.2.2 >/dev/null 2>&1
	sleep 0.05
done) &
traffic=$!

rss() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$pid/status"; }
fds() { ls "/proc/$pid/fd" | wc -l; }

events=0 unbinds=0 failures=""
cycle() {
	c=$1 cpu=$2
	"$AF_PROBE" set "/sys/devices/system/cpu/cpu$cpu/online" 0 >/dev/null || failures="$failures off$cpu@$c"
	sleep 0.3
	"$AF_PROBE" set "/sys/devices/system/cpu/cpu$cpu/online" 1 >/dev/null || failures="$failures on$cpu@$c"
	sleep 0.3
	events=$((events + 2))
	if [ $((c % 5)) -eq 0 ]; then
		echo "$pci" >/sys/bus/pci/drivers/e1000e/unbind || failures="$failures unbind@$c"
		sleep 0.3
		echo "$pci" >/sys/bus/pci/drivers/e1000e/bind || failures="$failures bind@$c"
		sleep 0.3
		eth=$(netdev_of e1000e) && ip link set "$eth" up && ip addr add 10.0.2.15/24 dev "$eth"
		unbinds=$((unbinds + 1))
		events=$((events + 2))
	fi
}

# The first cycle warms up what the daemon keeps (hwloc's topology, the
# scan's sample): growth is measured from after it.
t0=$(date +%s)
cycle 1 1
wait_quiet $D $QUIET $SETTLE_BOUND
rss0=$(rss) fds0=$(fds) w0=$(kwrites_count $D) lines0=$(wc -l <"$log")
half=$(((cycles + 1) / 2))
[ "$half" -lt 2 ] && half=2
rss_half=$rss0 rsses="$rss0"
c=2
while [ "$c" -le "$cycles" ]; do
	set -- 1 2 3
	shift $((c % 3))
	cycle "$c" "${1:-1}"
	rsses="$rsses $(rss)"
	[ "$c" -eq "$half" ] && rss_half=$(rss)
	c=$((c + 1))
done
rm -f "$flag"
wait "$traffic"
is "every offline, online, unbind and bind went through" "$failures" ""
is "all CPUs back online" "$(cpu_file online)" "$online0"
check "the daemon's writes settle after the soak (no write loop)" wait_quiet $D $QUIET $SETTLE_BOUND
t1=$(date +%s)
m=$(kwrites_count $D)
sleep 5
is "no write in 5 s after the soak" "$(($(kwrites_count $D) - m))" 0
check "the daemon still runs" kill -0 "$pid"
rss1=$(rss) fds1=$(fds)
writes=$(($(kwrites_count $D) - w0))
refused=$(kwrites_count $D fail)
lines=$(($(wc -l <"$log") - lines0))
moves=$(sed -n "$((lines0 + 1)),\$p" "$log" | grep -c "Moved IRQ")
warnings=$(sed -n "$((lines0 + 1)),\$p" "$log" | grep -v "Moved IRQ\|Restored\|reads again" || true)
diag "soak: $cycles cycles, $unbinds NIC unbind/bind, $events events in $((t1 - t0)) s"
diag "soak: RSS ${rss0} kB -> ${rss_half} kB after cycle $half -> ${rss1} kB, fds $fds0 -> $fds1"
diag "soak: RSS after each cycle (kB): $rsses"
diag "soak: $writes affinity writes ($refused refused over the daemon's life), $lines log lines ($moves moves)"
check "RSS did not grow over the second half (${rss_half} -> ${rss1} kB, slack $RSS_SLACK_KB kB)" \
	[ "$rss1" -le $((rss_half + RSS_SLACK_KB)) ]
is "open file descriptors did not grow" "$fds1" "$fds0"

# Placement: the kernel's movable IRQs now (new ones came with the NIC).
"$AF_PROBE" rewrite >"$AF_OUT/rewrite"
movable=$(awk '$2 == "ok" { printf "%s ", $1 }' "$AF_OUT/rewrite")
n_movable=$(echo $movable | wc -w)
# A move is two writes: the CPU alone, then with its fallback CPUs.
check "at most one move (2 writes) per movable IRQ ($n_movable) per event ($events) on average" \
	[ "$writes" -le $((2 * n_movable * events)) ]
irq_sample
is "every movable IRQ requests housekeeping CPUs ($hk0) only" "$(echo $(movable_outside "$hk0"))" ""
check "the log: no more than the moves and two lines per event ($lines lines, $moves moves)" \
	[ "$lines" -le $((moves + 2 * events)) ]
diag "soak: the log's lines other than moves:"
echo "$warnings" | sort | uniq -c | sort -rn | head -20 | sed 's/^/#   /'
daemon_stop TERM
is "SIGTERM stops it with status 0" "$status" 0
finish
