# Guest side of the running daemon on an isolating machine (8 vCPUs,
# "isolcpus=managed_irq,domain,6-7 nohz_full=6-7", virtio-net with 4 queue
# pairs, nvme, virtio-scsi num_queues=4, e1000e), in this order:
# 1. after start-up every movable IRQ requests housekeeping CPUs only and
#    those that fired are served by one; managed IRQs keep their masks and
#    are reported by --dry-run --json;
# 2. 60 s of steady load (nvme admin commands, datagrams on both NICs) with
#    the scan every second: no affinity write by the daemon;
# 3. CPU offline and online, three housekeeping CPUs and one isolated CPU:
#    after each event no movable IRQ requests an isolated or offline CPU, an
#    onlined housekeeping CPU carries IRQs again, the writes settle (no
#    fight with virtio-net, which re-sets its own affinity on hotplug) and
#    are bounded;
# 4. over the daemon's life at most one (refused) write per managed IRQ, and
#    none after a restart with the same state directory; from 6.12, where
#    the kernel makes their files 0444, none at all.
# On PREEMPT_RT (k6.12-rt-daemon-isolcpus.sh) every device IRQ has an
# irq/N thread, and after start-up, in the steady state and after each
# hotplug event, under traffic: the threads of movable IRQs run on
# housekeeping CPUs only, each on its IRQ's CPU once the IRQ fired, also
# right after the daemon moved the IRQ (KERNEL.md, PREEMPT_RT).
# Movable and managed are the kernel's word, not the daemon's: before the
# daemon runs the probe writes each IRQ's own mask back to it.
# Writes are counted by the kernel (kwrites), under the command "affinityd".
. "$AF_SRCDIR/tests/vm/guest-lib.sh"

conf=$AF_OUT/affinityd.conf
state=$AF_OUT/state
# The scan every second: load sampling runs all through the steady state.
printf '[daemon]\ndebounce_ms=5\ninterval_ms=1000\n' >"$conf"
D=affinityd
# Failure bounds (correctness, not timing): seconds.
EVENT_BOUND=10 QUIET=2 SETTLE_BOUND=30

check "the kernel-side write record starts" kwrites_start

online0=$(cpu_file online)
isolated=$(cpulist_minus "$online0" "$(housekeeping_cpus)")
hk0=$(housekeeping_cpus)
diag "online $online0, isolated (isolcpus domain, nohz_full) $isolated, housekeeping $hk0"
check "the kernel isolates CPUs ($isolated) and keeps housekeeping ones ($hk0)" \
	[ -n "$isolated" -a -n "$hk0" ]

scsi=$(virtio_name virtio_scsi) || not_ok "a virtio_scsi device is bound"
vnet=$(virtio_name virtio_net) || not_ok "a virtio_net device is bound"
eth=$(netdev_of e1000e) || not_ok "an e1000e interface exists"
veth=$(netdev_of virtio_net) || not_ok "a virtio_net interface exists"
ip addr add 10.0.2.15/24 dev "$eth"
ip addr add 10.9.0.2/24 dev "$veth"
# kick: one nvme admin command and a datagram on each NIC (ARP out, reply in).
kick() {
	"$AF_PROBE" nvme-identify /dev/nvme0 >/dev/null
	"$AF_PROBE" udp 10.0.2.2 >/dev/null
	"$AF_PROBE" udp 10.9.0.1 >/dev/null
}

# The kernel's classification: which IRQs take a write of their own mask.
"$AF_PROBE" rewrite >"$AF_OUT/rewrite"
irq_sample
masks >"$AF_OUT/masks.before"
movable="" unmovable="" managed=""
while read -r irq res; do
	set -- $(irq_row "$irq")
	[ "${2:--}" = - ] && continue # no handler
	if [ "$res" = ok ]; then
		movable="$movable $irq"
	else
		unmovable="$unmovable $irq:${2:-}:$res"
	fi
done <"$AF_OUT/rewrite"
# Managed queues by name: nvme I/O queues and virtio-scsi request queues.
managed=$( (
	irq_find 'nvme0q[1-9]*'
	irq_find "$scsi-request"
) | while read -r irq rest; do echo "$irq"; done)
managed=$(echo $managed)
n_movable=$(echo $movable | wc -w)
diag "movable IRQs ($n_movable):$movable"
diag "refused their own mask:$unmovable"
diag "managed queues by name: $managed"
refused_all=1
for irq in $managed; do
	case " $unmovable " in *" $irq:"*) ;; *) refused_all=0 ;; esac
done
check "the kernel refuses a write to each managed queue ($(echo $managed | wc -w))" \
	[ "$refused_all" = 1 -a -n "$managed" ]
# The devices' other vectors take writes.
missing=""
for name in nvme0q0 "$scsi-config" "$scsi-control" "$scsi-event" "$vnet-config" \
	"$vnet-input.[0-3]" "$vnet-output.[0-3]" "$eth-rx-0" "$eth-tx-0" "$eth"; do
	rows=$(irq_find "$name")
	[ -n "$rows" ] || missing="$missing $name:absent"
	for irq in $(echo "$rows" | while read -r i rest; do echo "$i"; done); do
		case " $movable " in *" $irq "*) ;; *) missing="$missing $irq:$name" ;; esac
	done
done
is "the kernel takes writes to the devices' other vectors" "${missing# }" ""
if preempt_rt; then
	"$AF_PROBE" threads >"$AF_OUT/threads.boot"
	missing=$(for irq in $movable; do grep -q "^$irq " "$AF_OUT/threads.boot" || echo "$irq"; done)
	is "PREEMPT_RT: each movable IRQ has its irq/N thread" "$(echo $missing)" ""
	diag "PREEMPT_RT: threads at boot (IRQ PID CPU ALLOWED SWITCHES COMM):"
	sed 's/^/#   /' "$AF_OUT/threads.boot"
fi
# rt_window WHAT HOUSEKEEPING FROM TO: on PREEMPT_RT, the checks of the
# movable IRQs' threads over a window between two window_sample calls.
rt_window() {
	preempt_rt || return 0
	problems=$(thread_problems "$movable" "$2" "$3" "$4")
	# An interrupt counted just before the sample wakes its thread, which on
	# a guest starved by a loaded host may not have run 0.5 s later (seen
	# once in CI); and a thread takes its IRQ's new CPU when it next wakes
	# after the move, which a move carried out at the IRQ's interrupt may
	# leave for the interrupt after (seen in CI: eth1-tx-0's thread on its
	# old CPU 3 while the IRQ was served by 4). Before calling a thread idle
	# or astray, more traffic and a later sample, 3 s on: one that still is
	# has lost its IRQ.
	if echo "$problems" | grep -q '^idle \|^astray '; then
		diag "$1: $(echo "$problems" | grep -c '^idle \|^astray ') fired IRQs' threads not run yet or not on the IRQ's CPU ($(echo $problems)); more traffic, sampling again in 3 s"
		kick
		sleep 3
		window_sample "$4"
		problems=$(thread_problems "$movable" "$2" "$3" "$4")
	fi
	is "$1: the movable IRQs' threads that ran did so on housekeeping CPUs $2 only" \
		"$(echo "$problems" | awk '$1 == "outside" { printf "%s%s on %s allowed %s", s, $2, $3, $4; s = ", " }')" ""
	is "$1: each movable IRQ that fired has its thread on the IRQ's CPU" \
		"$(echo "$problems" | awk '$1 != "outside" && $1 != "parked" && NF { printf "%s%s", s, $0; s = ", " }')" ""
	diag "$1: $(threads_ran "$movable" "$3" "$4") threads of movable IRQs ran; quiet ones outside $2:" \
		"$(echo "$problems" | awk '$1 == "parked" { printf " %s on %s allowed %s", $2, $3, $4 }')"
}
# rt_followed: on PREEMPT_RT, after an event's window: the movable IRQs
# whose effective CPU the event changed and that fired since, with their
# thread's CPU; adds those whose thread followed to $followed.
rt_followed() {
	awk -v m=" $movable " '
	FILENAME == ARGV[1] { pre[$1] = $4; next }
	FILENAME == ARGV[2] { c0[$1] = $6; next }
	FILENAME == ARGV[3] {
		if (index(m, " " $1 " ") && ($1 in pre) && pre[$1] != $4 && $6 > c0[$1])
			to[$1] = $4
		next
	}
	($1 in to) { print $1 ":" $6, "CPU " pre[$1] " -> " to[$1] ", thread on " $3, ($3 == to[$1] ? "followed" : "stayed") }
	' "$AF_OUT/w.pre.irqs" "$AF_OUT/w.ev0.irqs" "$AF_OUT/w.ev1.irqs" "$AF_OUT/w.ev1.threads" >"$AF_OUT/w.moved"
	followed=$((followed + $(grep -c ' followed$' "$AF_OUT/w.moved")))
}


vnet_inputs=$(irq_find "$vnet-input.*" | while read -r irq rest; do echo "$irq"; done)
vnet_inputs=$(echo $vnet_inputs)
# n_cores LIST: how many cores the CPUs of LIST belong to.
n_cores() {
	for c in $(cpulist_expand "$1"); do
		cat "/sys/devices/system/cpu/cpu$c/topology/core_cpus_list"
	done | sort -u | wc -l
}
# queue_cores: how many distinct cores serve the virtio-net queue pairs
# (the CPU each input vector is placed on, guest-lib.sh serving_cpu: its
# mask holds fallback CPUs beside it; "wide" when it is on none).
# A queue whose move waits for its interrupt (a CPU outside its mask
# serves it) counts where the daemon planned it (its dry-run, which takes up
# the daemon's state directory).
queue_cores() {
	planned=""
	for irq in $vnet_inputs; do
		row=$(irq_row "$irq")
		c=$(serving_cpu "$row")
		set -- $row
		if [ "$c" != wide ] && ! cpulist_has "${3:-}" "$c"; then
			if [ -z "$planned" ]; then
				"$AF_DAEMON" --dry-run --json --config "$conf" --state-dir "$state" \
					>"$AF_OUT/queues.json" 2>/dev/null
				PLAN=$("$AF_PLAN" "$AF_OUT/queues.json")
				planned=yes
			fi
			set -- $(plan_irq "$irq")
			c=${9:-wide}
		fi
		case "$c" in
		wide) echo wide ;;
		*) cat "/sys/devices/system/cpu/cpu$c/topology/core_cpus_list" ;;
		esac
	done | sort -u | wc -l
}
# move_cost_problems WRITES: "IRQ:LENGTHS" for each IRQ the recorded
# writes ("COMMAND IRQ RESULT") wrote more often than a move costs
# (daemon/apply-widen.c): its CPU alone, then, once that CPU serves it, the
# CPU with its fallback CPUs; over an affinity not known to be the daemon's
# (a driver's or the kernel's own, after an offline) the whole mask first,
# then the CPU alone once the kernel carried it out onto a fallback CPU,
# then the widening. A one-CPU write is 2 bytes (the guest's CPUs have one
# digit), a wider one more: at most three writes, never two one-CPU writes
# in a row, and three only as whole, alone, widening.
move_cost_problems() {
	echo "$1" | awk 'NF {
		n[$2]++
		seq[$2] = seq[$2] ($3 == 2 ? "1" : "W")
	}
	END {
		for (irq in n)
			if (n[irq] > 3 || seq[irq] ~ /11/ || (n[irq] == 3 && seq[irq] != "W1W"))
				printf " %s:%s", irq, seq[irq]
	}'
}
# waiting_irqs: the movable IRQs of $IRQ_TABLE whose last move waits for
# their next interrupt (x86 without interrupt remapping): a mask that does
# not hold the CPU serving them, or one CPU not yet widened. Their landing
# is followed by the rest of the move (at most the CPU alone, then the
# widening), whenever it comes.
waiting_irqs() {
	echo "$IRQ_TABLE" | awk -v m=" $movable " "$AWK_HAS"'
	index(m, " " $1 " ") && ($3 ~ /^[0-9]+$/ || ($4 ~ /^[0-9]+$/ && !has($3, $4))) { print $1 }'
}
### 1. Isolation at start-up
daemon_start first
check "the daemon starts and applies" wait_log "Started"
diag "$(grep -- "Replan (start)" "$log")"
check "its writes settle within $SETTLE_BOUND s" wait_quiet $D $QUIET $SETTLE_BOUND
irq_sample
diag "IRQ table after start-up (IRQ ACTIONS MASK EFFECTIVE NODE COUNT):"
echo "$IRQ_TABLE" | sed 's/^/#   /'
is "every movable IRQ requests housekeeping CPUs ($hk0) only" "$(echo $(movable_outside "$hk0"))" ""
want_cores=$(n_cores "$hk0")
[ "$want_cores" -gt "$(echo $vnet_inputs | wc -w)" ] && want_cores=$(echo $vnet_inputs | wc -w)
is "the virtio-net queue pairs on distinct housekeeping cores" "$(queue_cores)" "$want_cores"

# Served by housekeeping CPUs: an x86 move lands at the IRQ's next
# interrupt, so only IRQs that fired since the writes are checked.
counts0=$IRQ_TABLE
preempt_rt && window_sample "$AF_OUT/w.start0"
kick
kick
preempt_rt && window_sample "$AF_OUT/w.start1"
irq_sample
fired="" bad_eff=""
for irq in $movable; do
	row=$(echo "$counts0" | while read -r i rest; do [ "$i" = "$irq" ] && echo "$i $rest"; done)
	set -- $row
	before=${6:-0}
	row=$(irq_row "$irq") || continue # gone
	set -- $row
	[ "${6:-0}" -gt "$before" ] || continue
	fired="$fired $irq:$2"
	cpulist_within "${4:-}" "$hk0" || bad_eff="$bad_eff $irq:$2:${4:-}"
done
diag "movable IRQs that fired since:$fired"
for name in nvme0q0 "$eth-rx-0" "$vnet-input.*"; do
	case "$fired " in
	*:$name" "*) ok "$name fired since the writes" ;;
	*) not_ok "$name fired since the writes" ;;
	esac
done
is "each movable IRQ that fired is served by a housekeeping CPU" "${bad_eff# }" ""
rt_window "start-up" "$hk0" "$AF_OUT/w.start0" "$AF_OUT/w.start1"

# Managed: masks untouched, no write but refused ones, at most one each.
changed=""
for irq in $managed; do
	set -- $(irq_row "$irq")
	was=$(grep "^$irq " "$AF_OUT/masks.before")
	[ "${was#* }" = "${3:-}" ] || changed="$changed $irq:${was#* }->${3:-}"
done
is "managed queues keep their masks" "${changed# }" ""
managed_writes() {
	kwrites | awk -v c=$D -v m=" $managed " 'index(m, " " $2 " ") && $1 == c' | per_irq
}
over=$(managed_writes | awk '$2 > 1')
is "at most one write attempt per managed queue" "$over" ""
readonly_mode_kernel &&
	is "no write attempt on a managed queue: their files are 0444" "$(managed_writes | wc -l)" 0
accepted=$(kwrites | awk -v c=$D -v m=" $managed " 'index(m, " " $2 " ") && $1 == c && $3 >= 0')
is "the kernel accepted no write to a managed queue" "$accepted" ""
diag "attempts on managed queues by the daemon: $(managed_writes | wc -l) IRQs"
"$AF_DAEMON" --dry-run --json --config "$conf" --state-dir "$state" >"$AF_OUT/plan.json" \
	2>"$AF_OUT/plan.stderr"
is "affinityd --dry-run --json exits 0" "$?" 0
PLAN=$("$AF_PLAN" "$AF_OUT/plan.json") || not_ok "afvm-plan reads the dry-run JSON"
unreported="" unsourced=""
for irq in $managed; do
	# irq IRQ NAME DEVICE MANAGED MOVABLE CURRENT EFFECTIVE PLANNED ACTION NWARNINGS SOURCE
	set -- $(plan_irq "$irq")
	[ "${5:-}/${6:-}/${10:-}" = true/false/skip ] || unreported="$unreported $irq:${5:-}/${6:-}/${10:-}"
	# Before 6.12 a refused write may have taught it first.
	case "${12:-}" in
	"$(managed_source_want)") ;;
	learned) readonly_mode_kernel && unsourced="$unsourced $irq:learned" ;;
	*) unsourced="$unsourced $irq:${12:-}" ;;
	esac
done
is "the dry-run report shows each managed queue as managed, not movable, skipped" \
	"${unreported# }" ""
is "and gives each the managed_source \"$(managed_source_want)\"" "${unsourced# }" ""

### 2. Steady state
load_flag=$AF_OUT/load.on
: >"$load_flag"
(while [ -e "$load_flag" ]; do
	kick
	sleep 0.3
done) &
load_pid=$!
sleep 2
preempt_rt && window_sample "$AF_OUT/w.steady0"
irq_sample
steady0=$IRQ_TABLE
w0=$(kwrites_count $D)
r0=$(log_count "Replan (")
t0=$(now_ms)
waiting=" $(echo $(waiting_irqs)) "
sleep 60
w1=$(kwrites_count $D)
t1=$(now_ms)
irq_sample
preempt_rt && window_sample "$AF_OUT/w.steady1"
rm -f "$load_flag"
wait "$load_pid"
sum_counts() {
	awk -v m=" $movable " 'index(m, " " $1 " ") { n += $6 } END { print n + 0 }'
}
ints=$(($(echo "$IRQ_TABLE" | sum_counts) - $(echo "$steady0" | sum_counts)))
diag "steady state: $(((t1 - t0) / 1000)) s, $ints interrupts on movable IRQs, $(($(log_count "Replan (") - r0)) replans"
check "the load made interrupts" [ "$ints" -gt 0 ]
steady_writes=$(kwrites_after $D "$w0" | head -n $((w1 - w0)))
diag "steady state: $((w1 - w0)) writes; moves waiting for their interrupt at its start:$waiting"
is "in 60 s of steady state the daemon writes only to finish a move that waited for its interrupt (CPU alone, widening)" \
	"$(echo "$steady_writes" | awk -v w="$waiting" 'NF && (!index(w, " " $2 " ") || ++n[$2] > 2) { printf " %s", $2 }')" ""
echo "$steady_writes" | sed 's/^/#   /'
rt_window "steady state" "$hk0" "$AF_OUT/w.steady0" "$AF_OUT/w.steady1"

### 3. Hotplug
vnet_irqs=$(irq_find "$vnet-[io][nu]*" | while read -r irq rest; do echo "$irq"; done)
vnet_irqs=$(echo $vnet_irqs)
# hints: virtio-net's affinity hints, which its hotplug callbacks re-set.
hints() {
	h=""
	for irq in $vnet_irqs; do
		read -r v <"/proc/irq/$irq/affinity_hint" && h="$h ${v##*,}"
	done
	echo "${h# }"
}
# event CPU 0|1: takes CPU offline (0) or online (1) and checks the result.
event() {
	cpu=$1 state_to=$2
	what=$([ "$state_to" = 0 ] && echo offline || echo online)
	hints_before=$(hints)
	if preempt_rt; then
		irq_sample
		echo "$IRQ_TABLE" >"$AF_OUT/w.pre.irqs"
	fi
	m=$(kwrites_count $D)
	log_mark=$(wc -l <"$log")
	t=$(now_ms)
	is "$what CPU $cpu" "$("$AF_PROBE" set "/sys/devices/system/cpu/cpu$cpu/online" "$state_to")" ok
	hk=$(housekeeping_cpus)
	ons=$(cpu_file online)
	want_on=""
	[ "$state_to" = 1 ] && cpulist_has "$hk" "$cpu" && want_on=$cpu
	# Poll: every movable IRQ within the housekeeping CPUs online now and,
	# after the online of one, some movable IRQ on it.
	took="" samples=0
	while :; do
		irq_sample
		samples=$((samples + 1))
		if [ -z "$(movable_outside "$hk")" ] &&
			{ [ -z "$want_on" ] || [ -n "$(movable_on "$want_on")" ]; }; then
			took=$(($(now_ms) - t))
			break
		fi
		[ $(($(now_ms) - t)) -gt $((EVENT_BOUND * 1000)) ] && break
		sleep 0.1
	done
	if [ -n "$took" ]; then
		ok "$what CPU $cpu: movable IRQs on housekeeping CPUs $hk${want_on:+, some on CPU $cpu} (within $EVENT_BOUND s)"
		diag "$what CPU $cpu: seen done after $took ms ($samples samples of the IRQ table)"
	else
		not_ok "$what CPU $cpu: movable IRQs on housekeeping CPUs $hk${want_on:+, some on CPU $cpu} within $EVENT_BOUND s (outside: $(echo $(movable_outside "$hk")); on CPU $cpu: $(echo $(movable_on "${want_on:-x}")))"
	fi
	check "$what CPU $cpu: the daemon's writes settle (no write loop)" \
		wait_quiet $D $QUIET $SETTLE_BOUND
	irq_sample
	is "$what CPU $cpu: still so once settled" \
		"$(echo $(movable_outside "$hk"))/$([ -z "$want_on" ] || [ -n "$(movable_on "$want_on")" ] && echo yes)" /yes
	want_cores=$(n_cores "$hk")
	[ "$want_cores" -gt "$(echo $vnet_inputs | wc -w)" ] && want_cores=$(echo $vnet_inputs | wc -w)
	is "$what CPU $cpu: the virtio-net queue pairs on distinct housekeeping cores" \
		"$(queue_cores)" "$want_cores"
	ev_writes=$(kwrites_after $D "$m")
	n=$(count_lines "$ev_writes")
	is "$what CPU $cpu: $n writes, at most a move (one CPU, then with its fallback CPUs) per movable IRQ ($n_movable)" \
		"$(move_cost_problems "$ev_writes")/$([ "$n" -le $((2 * n_movable)) ] && echo ok)" /ok
	vn=$(echo "$ev_writes" | awk -v m=" $vnet_irqs " 'NF && index(m, " " $2 " ")' | wc -l)
	twice=$(echo "$ev_writes" | grep . | per_irq | awk '$2 > 1 { printf " %s:%s", $1, $2 }')
	refused=$(echo "$ev_writes" | awk 'NF && $3 < 0' | wc -l)
	diag "$what CPU $cpu: $n writes ($vn to virtio-net, $refused refused; IRQs written more than once:${twice:- none})"
	diag "$what CPU $cpu: virtio-net hints before [$hints_before] after [$(hints)]"
	diag "$what CPU $cpu: virtio-net masks now: $(for irq in $vnet_irqs; do set -- $(irq_row "$irq"); printf '%s ' "${3:-}"; done)"
	# The daemon's own work on the event: its first replan's time (reading
	# the machine, planning, writing), as it logs it.
	reaction=$(sed -n "$((log_mark + 1)),\$p" "$log" | awk '
	/Replan \(cpu-/ && !r { n = split($0, f, "; "); r = f[n] }
	END { print (r ? r : "?") }')
	diag "$what CPU $cpu: the daemon's replan on the event took $reaction"
	diag "$what CPU $cpu: the daemon's log:"
	sed -n "$((log_mark + 1)),\$p" "$log" | grep -- "Event: cpu\|Replan (" | sed 's/^/#   /'
	total_writes=$((total_writes + n))
	# PREEMPT_RT: the IRQ threads under traffic once the daemon has moved
	# the IRQs.
	if preempt_rt; then
		window_sample "$AF_OUT/w.ev0"
		kick
		kick
		window_sample "$AF_OUT/w.ev1"
		rt_window "$what CPU $cpu" "$hk" "$AF_OUT/w.ev0" "$AF_OUT/w.ev1"
		rt_followed
		diag "$what CPU $cpu: IRQs the event moved that fired since (IRQ:THREAD FROM -> TO, thread):"
		sed 's/^/#   /' "$AF_OUT/w.moved"
	fi
}

total_writes=0 followed=0
set -- $(cpulist_expand "$hk0")
cycle_cpus="${2:-} ${4:-} ${6:-}"
set -- $(cpulist_expand "$isolated")
cycle_cpus="$cycle_cpus ${1:-}"
diag "hotplug cycles over CPUs $cycle_cpus"
for hp_cpu in $cycle_cpus; do
	before=$total_writes
	event "$hp_cpu" 0
	event "$hp_cpu" 1
	diag "cycle over CPU $hp_cpu: $((total_writes - before)) writes"
done
is "all CPUs back online" "$(cpu_file online)" "$online0"
preempt_rt && check "PREEMPT_RT: the threads of $followed IRQs the daemon moved on hotplug followed them" \
	[ "$followed" -gt 0 ]
m=$(kwrites_count $D)
sleep 5
is "back in the initial state, no write in 5 s" "$(($(kwrites_count $D) - m))" 0

### 4. Managed IRQs over the daemon's life, and after a restart
over=$(managed_writes | awk '$2 > 1')
is "over the daemon's life, at most one write attempt per managed queue" "$over" ""
readonly_mode_kernel &&
	is "over the daemon's life, no write attempt on a managed queue" "$(managed_writes | wc -l)" 0
daemon_stop TERM
is "SIGTERM stops it with status 0" "$status" 0
m=$(kwrites_count $D)
irq_sample
table_stopped=$IRQ_TABLE
daemon_start second
check "restarted with the same state directory, it starts" wait_log "Started"
check "its writes settle" wait_quiet $D $QUIET $SETTLE_BOUND
after=$(kwrites_after $D "$m")
is "restarted, it makes no write to a managed queue" \
	"$(echo "$after" | awk -v m=" $managed " 'NF && index(m, " " $2 " ")' | wc -l)" 0
is "restarted, no write of it is refused" "$(echo "$after" | awk 'NF && $3 < 0' | wc -l)" 0
irq_sample
is "restarted on the machine it left, it writes nothing but the widening of a move that landed since" \
	"$(echo $(beyond_widening "$table_stopped" "$IRQ_TABLE" "$after"))" ""
diag "restarted: $(count_lines "$after") writes (IRQ NAME MASK/EFFECTIVE when stopped -> MASK now):"
echo "$after" | while read -r comm irq res; do
	[ -n "$irq" ] || continue
	set -- $(echo "$table_stopped" | while read -r i rest; do [ "$i" = "$irq" ] && echo "$i $rest"; done)
	was="${2:-} ${3:-}/${4:-}"
	set -- $(irq_row "$irq")
	diag "  $irq $was -> ${3:-}"
done
daemon_stop TERM

[ "$af_failed" -eq 0 ] || for f in first second; do
	diag "--- $f.log"
	grep -v 'already has' "$AF_OUT/$f.log" | tail -n 150 | sed 's/^/#   /'
done

finish
