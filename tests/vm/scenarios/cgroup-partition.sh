# Guest side of run-time cgroup v2 isolation (4 vCPUs, no boot isolation,
# virtio-scsi num_queues=2, e1000e; kernels 6.8 on, where the root cgroup
# shows cpuset.cpus.isolated): the daemon runs with a scan interval longer
# than the test's bounds, so the partitions' own inotify events must do it.
#   1. a child cgroup made an isolated partition on CPUs 2-3 (cpuset.cpus,
#      cpuset.cpus.exclusive, cpuset.cpus.partition=isolated, as CRI-O's
#      cpu-load-balancing.crio.io: disable does): every movable IRQ leaves
#      2-3, the dry-run names the source cgroup_isolated; the reaction time
#      is printed;
#   2. the partition made a member again: the CPUs serve IRQs again;
#   3. a partition in a cgroup made after the daemon started: heard too;
#   4. a CPU taken offline and back: the metrics file (read by Prometheus'
#      own parser) counts the hotplug reactions in its histogram.
. "$AF_SRCDIR/tests/vm/guest-lib.sh"

conf=$AF_OUT/affinityd.conf
state=$AF_OUT/state
metrics=$AF_OUT/affinityd.prom
cg=/sys/fs/cgroup
D=affinityd
EVENT_BOUND=10 QUIET=2 SETTLE_BOUND=30
printf '[daemon]\ndebounce_ms=5\ninterval_ms=600000\nmetrics_file=%s\n' "$metrics" >"$conf"

if ! kernel_at_least 6 8; then
	not_ok "this scenario needs a kernel with the root's cpuset.cpus.isolated (6.8 on): $(uname -r)"
	finish
fi
check "cgroup2 mounts on $cg" mount -t cgroup2 none "$cg"
is "the cpuset controller is enabled for children" \
	"$("$AF_PROBE" set "$cg/cgroup.subtree_control" "+cpuset")" ok
check "the root's cpuset.cpus.isolated exists" [ -f "$cg/cpuset.cpus.isolated" ]
diag "root cpuset.cpus.isolated: '$(cat "$cg/cpuset.cpus.isolated")'"

check "the kernel-side write record starts" kwrites_start
"$AF_PROBE" rewrite >"$AF_OUT/rewrite"
irq_sample
movable=$(while read -r irq res; do
	set -- $(irq_row "$irq")
	[ "$res" = ok ] && [ "${2:--}" != - ] && echo "$irq"
done <"$AF_OUT/rewrite")
movable=$(echo $movable)
diag "movable IRQs (the kernel takes their own mask): $movable"

# wait_within ALLOWED [CPU]: polls (bound $EVENT_BOUND s) until every movable
# IRQ's mask is within ALLOWED and, with CPU, some movable IRQ is on CPU;
# prints the milliseconds it took, from $t0.
wait_within() {
	while :; do
		irq_sample
		if [ -z "$(movable_outside "$1")" ] && { [ -z "${2:-}" ] || [ -n "$(movable_on "$2")" ]; }; then
			echo $(($(now_ms) - t0))
			return 0
		fi
		[ $(($(now_ms) - t0)) -gt $((EVENT_BOUND * 1000)) ] && return 1
		sleep 0.05
	done
}
# partition CGROUP CPUS: makes the cgroup an isolated partition on CPUS the
# way CRI-O does, the partition file last; $t0 is when that write began.
partition() {
	mkdir -p "$cg/$1"
	is "$1: cpuset.cpus $2" "$("$AF_PROBE" set "$cg/$1/cpuset.cpus" "$2")" ok
	is "$1: cpuset.cpus.exclusive $2" "$("$AF_PROBE" set "$cg/$1/cpuset.cpus.exclusive" "$2")" ok
	t0=$(now_ms)
	is "$1: cpuset.cpus.partition isolated" \
		"$("$AF_PROBE" set "$cg/$1/cpuset.cpus.partition" isolated)" ok
	diag "$1: cpuset.cpus.partition reads '$(cat "$cg/$1/cpuset.cpus.partition")'," \
		"root cpuset.cpus.isolated '$(cat "$cg/cpuset.cpus.isolated")'"
}
sources() {
	"$AF_DAEMON" --dry-run --json --config "$conf" --state-dir "$AF_OUT/dry" 2>/dev/null |
		tr -d ' \n' | sed -n 's/.*"sources":{\([^}]*\)}.*/\1/p'
}

daemon_start daemon
check "the daemon starts and applies" wait_log "Started"
check "its writes settle" wait_quiet $D $QUIET $SETTLE_BOUND
irq_sample
check "some movable IRQs are on CPUs 2-3 ($(echo $(movable_on 2) $(movable_on 3)))" \
	[ -n "$(movable_on 2)$(movable_on 3)" ]

# 1. An isolated partition on 2-3.
partition pod 2-3
is "1: the root's cpuset.cpus.isolated shows it" "$(cat "$cg/cpuset.cpus.isolated")" 2-3
if took=$(wait_within 0-1); then
	ok "1: every movable IRQ leaves CPUs 2-3 (within $EVENT_BOUND s, scan every 600 s)"
	diag "1: partition made -> every movable IRQ off 2-3: $took ms"
else
	not_ok "1: every movable IRQ leaves CPUs 2-3 (outside 0-1: $(echo $(movable_outside 0-1)))"
fi
check "1: the daemon heard it from the cgroup files" wait_log "cgroup isolated partitions now \"2-3\""
src=$(sources)
diag "1: dry-run sources: $src"
check "1: the dry-run names the source" eval 'echo "$src" | grep -q "\"cgroup_isolated\":\"2-3\""'
check "1: its writes settle" wait_quiet $D $QUIET $SETTLE_BOUND

# 2. The partition goes back to a member: 2-3 serve IRQs again.
t0=$(now_ms)
is "2: cpuset.cpus.partition member" "$("$AF_PROBE" set "$cg/pod/cpuset.cpus.partition" member)" ok
is "2: the root's cpuset.cpus.isolated is empty" "$(cat "$cg/cpuset.cpus.isolated")" ""
if took=$(wait_within 0-3 2); then
	ok "2: CPU 2 serves movable IRQs again"
	diag "2: partition removed -> IRQs back on 2: $took ms"
else
	not_ok "2: CPU 2 serves movable IRQs again (on 2: $(echo $(movable_on 2)))"
fi
check "2: its writes settle" wait_quiet $D $QUIET $SETTLE_BOUND
rmdir "$cg/pod"

# 3. A cgroup made while the daemon runs, then a partition in it.
mkdir "$cg/pod2"
sleep 0.5
partition pod2 3
if took=$(wait_within 0-2); then
	ok "3: a partition of a cgroup made later moves every movable IRQ off CPU 3"
	diag "3: new cgroup's partition -> every movable IRQ off 3: $took ms"
else
	not_ok "3: a partition of a cgroup made later moves every movable IRQ off CPU 3 (outside: $(echo $(movable_outside 0-2)))"
fi
check "3: its writes settle" wait_quiet $D $QUIET $SETTLE_BOUND
is "3: member again" "$("$AF_PROBE" set "$cg/pod2/cpuset.cpus.partition" member)" ok
rmdir "$cg/pod2"

# 4. Hotplug, and the metrics.
is "4: offline CPU 1" "$("$AF_PROBE" set /sys/devices/system/cpu/cpu1/online 0)" ok
t0=$(now_ms)
check "4: every movable IRQ leaves CPU 1" wait_within 0,2-3
is "4: online CPU 1" "$("$AF_PROBE" set /sys/devices/system/cpu/cpu1/online 1)" ok
check "4: its writes settle" wait_quiet $D $QUIET $SETTLE_BOUND
parsed=$(/usr/bin/python3 "$AF_SRCDIR/tests/prometheus-parse.py" "$metrics")
check "4: Prometheus' parser reads the metrics file" [ -n "$parsed" ]
echo "$parsed" | grep -E '^affinityd_(hotplug|writes|refused|irqs|managed)' | sed 's/^/#   /'
n=$(echo "$parsed" | awk '$1 == "affinityd_hotplug_reaction_seconds_count" { print $2 }')
check "4: the hotplug histogram counts both events (count $n)" [ "${n:-0}" -ge 2 ]
sum=$(echo "$parsed" | awk '$1 == "affinityd_hotplug_reaction_seconds_sum" { print $2 }')
diag "4: hotplug reaction, event to last write, mean of $n: $(echo "$sum $n" | awk '{ printf "%.1f ms", 1000 * $1 / $2 }')"
check "4: writes counted" [ "$(echo "$parsed" | awk '$1 == "affinityd_writes_total" { print $2 }')" -gt 0 ]

daemon_stop TERM
is "SIGTERM stops it with status 0" "$status" 0
diag "the daemon's writes: $(kwrites_count $D), refused $(kwrites_count $D failed)"
[ "$af_failed" -eq 0 ] || {
	diag "--- daemon.log"
	grep -v 'already has' "$log" | tail -n 150 | sed 's/^/#   /'
}

finish
