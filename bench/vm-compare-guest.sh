# Guest side of `make bench-vm` (bench/vm-compare.sh): in one guest, affinityd
# and then irqbalance, each started the same way (in the background, in the
# foreground mode, default options, output to a log) and measured the same
# way:
#   start     wait (bounded) until the movable IRQs are on housekeeping CPUs
#   steady    AF_BENCH_STEADY_S s without events, with steady background
#             traffic (afvm-react load): writes, CPU time
#   hotplug   AF_BENCH_REPS offline/online cycles of a housekeeping CPU,
#             timed by afvm-react hotplug; writes per event; meanwhile
#             afvm-sample reads the masks of the movable IRQs (virtio-net's
#             queues aside: their driver re-targets them itself) about every
#             ms: the most with an isolated CPU in their mask at once, and
#             their interrupts on isolated CPUs
#   rmap      AF_BENCH_RMAP_REPS offlines of the CPU serving e1000e's rx
#             IRQ, each timed by afvm-rmap until the cpu_rmap over e1000e's
#             rx and tx (the test module, tests/vm/rmap/) is fresh again,
#             then the CPU back online and AF_BENCH_SETTLE_MS of pause
#   modprobe  rmmod and modprobe e1000e, its link up: afvm-sample (every
#             IRQ, about every ms) sees how its new IRQs are born; the
#             cpu_rmap module is taken off e1000e's IRQs first and put on
#             the new ones after
#   stop      SIGTERM; what is left of the masks the guest booted with
# Writes are counted by the kernel (guest-lib.sh's kwrites: every write to
# /proc/irq/N/smp_affinity{,_list}, with the writer's command name and the
# result; steering-lib.sh's swrites: every write to a queue's rps_cpus or
# xps_cpus). Raw results go to $AF_OUT; the host prints the table from them.
#
# irqbalance is Debian's package (AF_IRQBALANCE, unpacked by the host from
# `apt-get download irqbalance`), run as its systemd unit runs it:
# `irqbalance --foreground` with no other option (the unit adds only
# $IRQBALANCE_ARGS, empty by default, and creates /run/irqbalance, its
# socket's directory, which this script creates). It reads isolcpus= and
# nohz_full= itself (/sys/devices/system/cpu/isolated and nohz_full) and
# rebalances every 10 s.
#
# affinityd runs with --foreground, --config (only restore_on_exit=true, so
# that irqbalance starts from the guest's own masks) and --state-dir on
# tmpfs. AF_BENCH_BALANCERS picks which run ("affinityd irqbalance").
# AF_BENCH_DEBUG=1 adds --debug (replan timings in its log; costs CPU
# time, so not for the numbers).
. "$AF_SRCDIR/tests/vm/guest-lib.sh"
. "$AF_SRCDIR/tests/vm/steering-lib.sh" # also puts kmod (rmmod, modprobe) on PATH

react=$AF_BUILDDIR/bench/afvm-react
sample=$AF_BUILDDIR/tests/vm/afvm-sample
reps=${AF_BENCH_REPS:-5}
steady_s=${AF_BENCH_STEADY_S:-60}
settle_ms=${AF_BENCH_SETTLE_MS:-11000}
timeout_ms=${AF_BENCH_TIMEOUT_MS:-30000}
rmap_reps=${AF_BENCH_RMAP_REPS:-3}
# The poller sits on an isolated CPU, away from the balancers.
pin=7
# The sampler on the other one, beside it.
sample_pin=6
out=$AF_OUT

info() { echo "$*" >>"$out/info"; }
: >"$out/info"
: >"$out/restore"
info "kernel $(uname -r)"
info "cmdline $(cat /proc/cmdline)"
info "clk_tck $(getconf CLK_TCK)"
info "reps $reps"
info "steady_s $steady_s"
info "settle_ms $settle_ms"
info "timeout_ms $timeout_ms"
info "rmap_reps $rmap_reps"

# Which IRQs are movable and which managed, before any balancer ran.
dry_run_plan "$out/plan.json" || finish
PLAN=$("$AF_PLAN" "$out/plan.json") || {
	not_ok "afvm-plan reads the plan"
	finish
}
hk="" isolated="" movable="" managed="" sampled=""
# Lines "cpus ONLINE ISOLATED HOUSEKEEPING" and "irq IRQ NAME DEVICE MANAGED
# MOVABLE ..." (afvm-plan).
while read -r kind irq name device is_managed is_movable rest; do
	case "$kind" in
	cpus) isolated=$name hk=$device ;;
	irq)
		# Legacy IRQs without a handler never fire: nothing to place.
		[ "$is_movable" = true ] && [ "$name" != - ] && movable="$movable${movable:+,}$irq"
		[ "$is_managed" = true ] && managed="$managed $irq"
		# virtio-net re-targets its queue vectors itself on hotplug.
		case "$name" in
		virtio*-input.* | virtio*-output.*) ;;
		*) [ "$is_movable" = true ] && [ "$name" != - ] && sampled="$sampled${sampled:+,}$irq" ;;
		esac
		;;
	esac
done <<END
$PLAN
END
info "housekeeping $hk"
info "isolated $isolated"
info "movable $movable"
info "managed$managed"
info "sampled $sampled"
check "the plan names housekeeping CPUs" [ -n "$hk" ]
check "the plan has movable IRQs" [ -n "$movable" ]

# Steady background traffic for the whole run, the same for both.
eth=$(netdev_of e1000e) || not_ok "an e1000e interface exists"
vnet=$(netdev_of virtio_net) || not_ok "a virtio-net interface exists"
ip addr add 10.0.2.15/24 dev "$eth"
"$react" load "$vnet" 10.0.2.2 /dev/nvme0 2>"$out/load.err" &
loadpid=$!

irq_sample
echo "$IRQ_TABLE" >"$out/table.initial"
kwrites_start || not_ok "kernel write tracing starts"
swrites_start || not_ok "kernel steering write tracing starts"
# A cpu_rmap over e1000e's rx and tx, as an aRFS driver keeps one, and
# its ntuple-filters on: affinityd takes e1000e for an aRFS NIC.
set -- $(irq_find "$eth-rx-0")
rx=${1:-}
set -- $(irq_find "$eth-tx-0")
tx=${1:-}
rmap_load -n "$eth" "$rx" "$tx" || not_ok "the cpu_rmap module attaches to e1000e's rx and tx ($rx, $tx)"
info "rmap_irqs $rx $tx"

# ticks PID: utime+stime of PID in clock ticks.
ticks() {
	read -r line <"/proc/$1/stat"
	set -- ${line#*) }
	echo $((${12} + ${13}))
}
# hwm PID: its peak RSS in kB.
hwm() {
	while read -r key value unit; do
		[ "$key" = VmHWM: ] && echo "$value" && return
	done <"/proc/$1/status"
	echo "?"
}

conf=$out/affinityd.conf
printf '[daemon]\nrestore_on_exit=true\n' >"$conf"
mkdir -p /run/irqbalance /tmp/affinityd

# The kernel command line carries the list with commas.
for b in $(echo "${AF_BENCH_BALANCERS:-affinityd,irqbalance}" | tr , ' '); do
	kwrites_clear
	case "$b" in
	affinityd)
		debug=""
		[ "${AF_BENCH_DEBUG:-0}" = 1 ] && debug=--debug
		G_MESSAGES_DEBUG=${debug:+all} "$AF_DAEMON" --foreground $debug --config "$conf" --state-dir /tmp/affinityd \
			>"$out/$b.log" 2>&1 &
		;;
	irqbalance)
		"$AF_IRQBALANCE" --foreground >"$out/$b.log" 2>&1 &
		;;
	esac
	pid=$!
	"$react" -p $pin settle "$hk" "$movable" "$timeout_ms" >"$out/$b.settle"
	check "$b is running after its start" kill -0 "$pid"
	sleep 5
	kwrites >"$out/$b.kw.start"
	swrites >"$out/$b.sw.start"

	kwrites_clear
	irq_sample
	echo "$IRQ_TABLE" >"$out/$b.table.steady0"
	t0=$(ticks "$pid")
	sleep "$steady_s"
	t1=$(ticks "$pid")
	kwrites >"$out/$b.kw.steady"
	swrites >"$out/$b.sw.steady"
	irq_sample
	echo "$IRQ_TABLE" >"$out/$b.table.steady1"

	kwrites_clear
	"$sample" -p $sample_pin "$out/$b.sample.hotplug" "$isolated" "$sampled" >/dev/null &
	spid=$!
	"$react" -p $pin hotplug "$hk" "$movable" "$reps" "$timeout_ms" "$settle_ms" \
		>"$out/$b.react" 2>"$out/$b.react.err"
	kill -TERM "$spid"
	wait "$spid"
	kwrites >"$out/$b.kw.hotplug"
	swrites >"$out/$b.sw.hotplug"
	t2=$(ticks "$pid")
	echo "steady_ticks $((t1 - t0))" >"$out/$b.cpu"
	echo "total_ticks $t2" >>"$out/$b.cpu"
	echo "hwm_kb $(hwm "$pid")" >>"$out/$b.cpu"
	check "$b is running after the hotplug cycles" kill -0 "$pid"

	# Each offline takes the CPU serving rx (steady traffic keeps it
	# firing); "broken" when that was its only CPU, which the host counts.
	: >"$out/$b.rmap"
	i=0
	while [ "$i" -lt "$rmap_reps" ]; do
		i=$((i + 1))
		irq_sample
		set -- $(irq_row "$rx")
		mask=${3:--} cpu=${4:--}
		case "$cpu" in
		0 | *[!0-9]*)
			echo "rep $i cpu $cpu mask $mask broken - fresh_ms - (CPU 0 or none: not taken offline)" >>"$out/$b.rmap"
			continue
			;;
		esac
		"$AF_BUILDDIR/tests/vm/afvm-rmap" offline "$cpu" "$timeout_ms" >"$out/$b.rmap.$i" 2>&1 ||
			not_ok "afvm-rmap offline $cpu ($b, rep $i)"
		"$AF_PROBE" set "/sys/devices/system/cpu/cpu$cpu/online" 1 >/dev/null
		broken=$(awk -v irq="$rx" '$1 == "irq" && $2 == irq { print $4 }' "$out/$b.rmap.$i")
		fresh=$(sed -n 's/^result fresh_ms //p' "$out/$b.rmap.$i")
		echo "rep $i cpu $cpu mask $mask broken ${broken:--} fresh_ms ${fresh:--}" >>"$out/$b.rmap"
		sleep $((settle_ms / 1000))
	done
	check "$b is running after the rmap offlines" kill -0 "$pid"

	# A NIC driver loaded again: its IRQs as they are born.
	"$sample" -p $sample_pin "$out/$b.sample.modprobe" "$isolated" all >"$out/$b.born" &
	spid=$!
	sleep 0.5
	# The cpu_rmap module holds e1000e's IRQs: off first, back on the new ones.
	check "$b: rmmod afvm_rmap" rmmod afvm_rmap
	check "$b: rmmod e1000e" rmmod e1000e
	check "$b: modprobe e1000e" modprobe e1000e
	eth=$(netdev_of e1000e) && ip link set "$eth" up && ip addr add 10.0.2.15/24 dev "$eth"
	sleep 3
	kill -TERM "$spid"
	wait "$spid"
	irq_sample
	echo "$IRQ_TABLE" >"$out/$b.table.modprobe"
	check "$b: e1000e is back" [ -n "$eth" ]
	check "$b: e1000e's new IRQs were seen being born" grep -q '^born ' "$out/$b.born"
	set -- $(irq_find "$eth-rx-0")
	rx=${1:-}
	set -- $(irq_find "$eth-tx-0")
	tx=${1:-}
	rmap_load -n "$eth" "$rx" "$tx" ||
		not_ok "the cpu_rmap module attaches to e1000e's new rx and tx ($rx, $tx)"

	kwrites_clear
	kill -TERM "$pid"
	wait "$pid"
	echo "exit_status $?" >>"$out/$b.cpu"
	kwrites >"$out/$b.kw.stop"
	irq_sample
	echo "$IRQ_TABLE" >"$out/$b.table.stopped"
	[ "$b" = affinityd ] || continue
	# Whatever the stop did not put back is written back here (by afvm-irq,
	# which the counts ignore), so that irqbalance starts from the guest's
	# own masks; what the kernel refuses stays and the host reports it.
	while read -r irq actions mask rest; do
		set -- $(irq_row "$irq")
		[ -n "${3:-}" ] && [ "$mask" != - ] && [ "$3" != "$mask" ] || continue
		echo "$irq ${2:-?} $3 -> $mask $(irq_set "$irq" "$mask")" >>"$out/restore"
	done <"$out/table.initial"
	irq_sample
	echo "$IRQ_TABLE" >"$out/$b.table.restored"
done

kill "$loadpid"
wait "$loadpid"
finish
