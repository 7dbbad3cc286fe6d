# Guest side of the zero-window test (8 vCPUs, "isolcpus=managed_irq,domain,6-7
# nohz_full=6-7", virtio-net with 4 queue pairs, nvme, virtio-scsi, e1000e):
# the isolated CPUs are never exposed to a movable IRQ, by design, not by
# the daemon's speed. afvm-sample reads the masks and effective CPUs of the
# IRQs about every millisecond (KERNEL.md: the x86 vector allocator, the
# kernel's broken affinity on offline, default_smp_affinity):
# 1. start-up: the daemon places the movable IRQs; every one it widened
#    (one-CPU write, then the fallback CPUs) is still served by the CPU it
#    planned, and no widening moved an IRQ (its effective CPU stayed while
#    its mask held it);
# 2. under steady traffic, offline/online cycles of housekeeping CPUs: no
#    movable IRQ ever has an isolated CPU in its mask or as its effective
#    CPU, and their interrupt counts on isolated CPUs do not grow;
#    virtio-net's queue vectors, which their driver re-targets itself on
#    every hotplug (onto every CPU), are reported apart;
# 3. rmmod/modprobe e1000e: its new IRQs are born on housekeeping CPUs
#    (/proc/irq/default_smp_affinity), never with an isolated CPU.
# Movable is the kernel's word: each IRQ's own mask written back before
# the daemon runs (afvm-irq rewrite). Writes are counted by the kernel
# (kwrites) under the command "affinityd".
. "$AF_SRCDIR/tests/vm/guest-lib.sh"
# rmmod and modprobe: the host root's kmod.
PATH=$PATH:/usr/sbin:/sbin

conf=$AF_OUT/affinityd.conf
state=$AF_OUT/state
printf '[daemon]\ndebounce_ms=5\n' >"$conf"
D=affinityd
SAMPLE=$AF_BUILDDIR/tests/vm/afvm-sample
REACT=$AF_BUILDDIR/bench/afvm-react
# Failure bounds (correctness, not timing): seconds.
QUIET=2 SETTLE_BOUND=30
# The samplers sit on the last isolated CPU: no device IRQ goes there, and
# they do not compete with the daemon for housekeeping CPUs.
PIN=7

check "the kernel-side write record starts" kwrites_start
online0=$(cpu_file online)
hk0=$(housekeeping_cpus)
isolated=$(cpulist_minus "$online0" "$hk0")
diag "online $online0, isolated $isolated, housekeeping $hk0"
check "the kernel isolates CPUs ($isolated) and keeps housekeeping ones ($hk0)" \
	[ -n "$isolated" -a -n "$hk0" ]

vnet=$(virtio_name virtio_net) || not_ok "a virtio_net device is bound"
eth=$(netdev_of e1000e) || not_ok "an e1000e interface exists"
veth=$(netdev_of virtio_net) || not_ok "a virtio_net interface exists"
ip addr add 10.0.2.15/24 dev "$eth"
ip addr add 10.9.0.2/24 dev "$veth"

"$AF_PROBE" rewrite >"$AF_OUT/rewrite"
irq_sample
# Movable IRQs with a handler; virtio-net's queue vectors apart.
driver_irqs=$(irq_find "$vnet-[io][nu]*" | while read -r irq rest; do echo "$irq"; done)
driver_irqs=$(echo $driver_irqs)
watched=""
while read -r irq res; do
	set -- $(irq_row "$irq")
	[ "${2:--}" = - ] && continue
	[ "$res" = ok ] || continue
	case " $driver_irqs " in *" $irq "*) continue ;; esac
	watched="$watched${watched:+,}$irq"
done <"$AF_OUT/rewrite"
diag "movable IRQs watched: $watched; re-targeted by virtio-net, reported apart: $driver_irqs"
check "there are movable IRQs to watch" [ -n "$watched" ]

# sampler_start NAME IRQS: afvm-sample in the background, results in
# $AF_OUT/NAME.sample ("born" lines in NAME.born).
sampler_start() {
	"$SAMPLE" -p $PIN "$AF_OUT/$1.sample" "$isolated" "$2" >"$AF_OUT/$1.born" &
	sampler=$!
	sleep 0.5
}
sampler_stop() {
	kill -TERM "$sampler"
	wait "$sampler"
	diag "$(head -n 2 "$AF_OUT/$1.sample" | tr '\n' ' ')"
}
# bad NAME IRQS: "IRQ:first_bad" for each IRQ of IRQS that had an isolated
# CPU in its mask or effective CPUs in a sample of NAME.
bad() {
	awk -v l=",$2," '$1 == "irq" && index(l, "," $2 ",") && ($4 > 0 || $6 > 0) {
		printf "%s%s:mask%s/eff%s:first %s", s, $2, $4, $6, $8; s = " " }' "$AF_OUT/$1.sample"
}
# grew NAME IRQS: IRQs of IRQS with more interrupts on isolated CPUs at the end.
grew() {
	awk -v l=",$2," '$1 == "irq" && index(l, "," $2 ",") && $16 > $14 {
		printf "%s%s:+%d", s, $2, $16 - $14; s = " " }' "$AF_OUT/$1.sample"
}

### 1. Start-up: widened masks keep the serving CPU
sampler_start start "$watched"
daemon_start first
check "the daemon starts and applies" wait_log "Started"
check "its writes settle within $SETTLE_BOUND s" wait_quiet $D $QUIET $SETTLE_BOUND
sampler_stop start
kwrites | awk -v c=$D '$1 == c' | per_irq >"$AF_OUT/start.writes"
widened=$(awk '$1 == "irq" && $10 > 0 { printf "%s%s", s, $2; s = " " }' "$AF_OUT/start.sample")
moved=$(awk '$1 == "irq" && $12 > 0 { printf "%s%s:%s", s, $2, $12; s = " " }' "$AF_OUT/start.sample")
diag "IRQs seen widened from one CPU (sampled): ${widened:-none}; daemon writes per IRQ: $(tr '\n' ' ' <"$AF_OUT/start.writes")"
is "no widening moved an IRQ off its CPU (effective unchanged)" "$moved" ""
# Every movable IRQ with a mask of several CPUs after the daemon's writes
# is served by the CPU the plan gives it.
dry_run_plan "$AF_OUT/plan.json"
PLAN=$("$AF_PLAN" "$AF_OUT/plan.json")
irq_sample
# A wide mask whose effective CPU lies outside it is a move the kernel
# carries out at the IRQ's next interrupt (x86 without interrupt
# remapping): over an old affinity not known to be its own the daemon
# writes the whole mask first; it is shown apart, not judged.
wide="" off_plan="" waiting=""
for irq in $(echo "$watched" | tr , ' '); do
	set -- $(irq_row "$irq") || continue
	mask=${3:-} eff=${4:-}
	case "$mask" in *[,-]*) ;; *) continue ;; esac
	grep -q "^$irq " "$AF_OUT/start.writes" || continue
	if ! cpulist_has "$mask" "$eff"; then
		waiting="$waiting $irq:$mask/eff$eff"
		continue
	fi
	wide="$wide $irq:$mask"
	set -- $(plan_irq "$irq")
	[ "${9:-}" = "$eff" ] || off_plan="$off_plan $irq:mask$mask/eff$eff/planned${9:-}"
done
diag "written and wide after start-up:${wide:- none}; waiting for their next interrupt:${waiting:- none}"
check "the daemon widens masks with fallback CPUs (x86)" [ -n "$wide" ]
is "each widened IRQ is served by its planned CPU" "${off_plan# }" ""

### 2. Hotplug of housekeeping CPUs under steady traffic
"$REACT" load "$veth" 10.0.2.2 /dev/nvme0 2>"$AF_OUT/load.err" &
load=$!
all=$watched${driver_irqs:+,$(echo $driver_irqs | tr ' ' ,)}
sampler_start hotplug "$all"
set -- $(cpulist_expand "$hk0")
cycle_cpus="${2:-} ${3:-} ${4:-}"
diag "offline/online cycles over housekeeping CPUs $cycle_cpus, twice"
for rep in 1 2; do
	for cpu in $cycle_cpus; do
		is "rep $rep: offline CPU $cpu" "$("$AF_PROBE" set "/sys/devices/system/cpu/cpu$cpu/online" 0)" ok
		sleep 1
		is "rep $rep: online CPU $cpu" "$("$AF_PROBE" set "/sys/devices/system/cpu/cpu$cpu/online" 1)" ok
		sleep 1
	done
done
sampler_stop hotplug
kill "$load"
wait "$load"
is "all CPUs back online" "$(cpu_file online)" "$online0"
# Emulated CPUs are descheduled now and then, and a read of a /proc file
# is slow under TCG (a shared host: ~6 ms a round of 25 IRQs seen): the
# mean period is bounded, the longest gap only shown.
check "the sampler kept a period of milliseconds (mean at most 10 ms)" \
	awk '$1 == "samples" { exit !($2 > 0 && $4 / $2 <= 10) }' "$AF_OUT/hotplug.sample"
is "across the cycles no movable IRQ had an isolated CPU in its mask or effective CPUs" \
	"$(bad hotplug "$watched")" ""
is "their interrupt counts on isolated CPUs did not grow" "$(grew hotplug "$watched")" ""
diag "re-targeted by virtio-net (not judged): isolated in mask/effective: $(bad hotplug "$(echo $driver_irqs | tr ' ' ,)")"
diag "re-targeted by virtio-net: interrupts on isolated CPUs grew: $(grew hotplug "$(echo $driver_irqs | tr ' ' ,)")"
stale=$(awk '$1 == "irq" { print $2, $18 }' "$AF_OUT/hotplug.sample" | while read -r irq eff; do
	for c in $(cpulist_expand "$isolated"); do
		cpulist_has "${eff#none}" "$c" && echo "$irq:$eff" && break
	done
done)
stale=$(echo $stale)
diag "quiet IRQs still on the effective CPU they had before the daemon moved them (x86 moves at the next interrupt), judged by their masks: ${stale:-none}"
diag "most movable IRQs with an isolated CPU in mask at one sample: $(awk '$1 == "max_bad_masks" { print $2 }' "$AF_OUT/hotplug.sample") (virtio-net's included)"

### 3. A NIC driver unloaded and loaded: its new IRQs are born on housekeeping CPUs
diag "default_smp_affinity: $(cat /proc/irq/default_smp_affinity)"
sampler_start modprobe all
check "rmmod e1000e" rmmod e1000e
check "modprobe e1000e" modprobe e1000e
eth=$(netdev_of e1000e) || not_ok "an e1000e interface exists again"
# e1000e requests its MSI-X vectors when the link goes up.
ip link set "$eth" up
sleep 2
sampler_stop modprobe
irq_sample
born_e1000e=$(irq_find "$eth*" | while read -r irq rest; do
	grep "^born $irq " "$AF_OUT/modprobe.born"
done)
diag "e1000e's IRQs as born (born IRQ MASK EFFECTIVE): $(echo "$born_e1000e" | tr '\n' ';')"
check "e1000e's new IRQs were seen being born" [ -n "$born_e1000e" ]
isolated_born=$(echo "$born_e1000e" | while read -r b irq mask eff; do
	[ -n "$irq" ] || continue
	for c in $(cpulist_expand "$isolated"); do
		cpulist_has "$(echo "$mask" | sed 's/none//')" "$c" || cpulist_has "$(echo "$eff" | sed 's/none//')" "$c" || continue
		echo "$irq:$mask/$eff"
		break
	done
done)
is "none of them was born with an isolated CPU in its mask or effective CPUs" "$(echo $isolated_born)" ""
daemon_stop TERM

[ "$af_failed" -eq 0 ] || {
	diag "--- first.log"
	grep -v 'already has' "$AF_OUT/first.log" | tail -n 80 | sed 's/^/#   /'
}
finish
