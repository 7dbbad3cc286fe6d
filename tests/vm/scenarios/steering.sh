# Guest side of the network steering scenario (issue 12; 8 vCPUs,
# "isolcpus=managed_irq,domain,6-7 nohz_full=5-7", virtio-net with 4 queue
# pairs on the harness's tap, e1000e). One boot, in this order:
# A. The kernel alone, no daemon: a cpu_rmap (the test module afvm_rmap,
#    built on the host against this kernel's headers) over e1000e's rx and
#    tx IRQs, as an aRFS driver holds one. An accepted affinity write fires
#    the IRQ affinity notifier (the same mask too) and refreshes the map; a
#    CPU offline that breaks rx's affinity changes its mask without firing
#    it: the map stays as it was, stale (no kernel here has the fix
#    dd9f6d30c640, KERNEL.md); writing the same mask back refreshes it.
# B. The daemon (arfs_refresh=on, rps and xps by default, CPU 4 isolated by
#    its own config, which the kernel's rps_cpus store does not strip):
#    after start, after the offline and the online of the CPU serving
#    e1000e's rx, and after `ethtool -L combined 2` on virtio-net: every
#    online CPU in exactly one xps_cpus mask, each CPU of a tx queue's IRQ
#    sending through a queue whose IRQ is on it, no isolated CPU in any
#    rps_cpus mask; e1000e (ntuple on by the module) taken for an aRFS NIC,
#    its rx and tx on one CPU; the datagrams the harness sends from the
#    namespace raise NET_RX softirqs on the CPUs of the NICs' IRQs and rps
#    masks only, never on an isolated one, and the daemon writes nothing
#    meanwhile; the rmap is fresh again soon after the offline that broke
#    rx's affinity, by one write of rx.
# Writes are counted by the kernel (kwrites, swrites), under "affinityd".
. "$AF_SRCDIR/tests/vm/guest-lib.sh"
. "$AF_SRCDIR/tests/vm/steering-lib.sh"

diag "kernel $(uname -r)"
eth=$(netdev_of e1000e) || not_ok "an e1000e interface exists"
ip addr add 10.0.2.15/24 dev "$eth"
# The user-mode network's gateway answers: the e1000e IRQs fire.
gw=10.0.2.2

# --- A. the kernel alone ---------------------------------------------------
irq_sample
set -- $(irq_find "$eth-rx-0")
rx=${1:-}
set -- $(irq_find "$eth-tx-0")
tx=${1:-}
check "e1000e has an rx and a tx vector (IRQs $rx, $tx)" [ -n "$rx" -a -n "$tx" ]
# rx on its own CPU, tx on another: the offline of rx's CPU breaks rx only.
rx_cpu=2 tx_cpu=1
online_file=/sys/devices/system/cpu/cpu$rx_cpu/online
all_online=$(cpu_file online)

# The module also turns on e1000e's ntuple-filters feature: the daemon
# (part B) then takes e1000e for the aRFS NIC whose rmap the module holds.
if rmap_load -n "$eth" "$rx" "$tx"; then
	ok "the cpu_rmap module attaches to IRQs $rx and $tx"
else
	not_ok "the cpu_rmap module attaches to IRQs $rx and $tx (AF_RMAP_KO=${AF_RMAP_KO:-}; see the console)"
	finish
fi
is "ethtool shows $eth's ntuple-filters on" \
	"$(ethtool -k "$eth" | awk '$1 == "ntuple-filters:" { print $2 }')" on
rmap_sample
is "no notification before any write (rx)" "$(rmap_field "$rx" notifies)/$(rmap_field "$rx" fed)" "0/-"

is "pin rx (IRQ $rx) to CPU $rx_cpu" "$(irq_set "$rx" $rx_cpu)" ok
is "pin tx (IRQ $tx) to CPU $tx_cpu" "$(irq_set "$tx" $tx_cpu)" ok
check "a write fires the notifier: the rmap is fed rx's mask $rx_cpu" rmap_wait "$rx" 1 10
check "a write fires the notifier: the rmap is fed tx's mask $tx_cpu" rmap_wait "$tx" 1 10
rmap_map >"$AF_OUT/rmap.pinned"
is "the map sends CPU $rx_cpu to rx (index 0, distance 0)" \
	"$(grep "^$rx_cpu " "$AF_OUT/rmap.pinned")" "$rx_cpu 0 0"
is "the map sends CPU $tx_cpu to tx (index 1, distance 0)" \
	"$(grep "^$tx_cpu " "$AF_OUT/rmap.pinned")" "$tx_cpu 1 0"
n=$(rmap_field "$rx" notifies)
is "rewrite rx's own mask" "$(irq_set "$rx" $rx_cpu)" ok
check "writing the same mask fires the notifier too" rmap_wait "$rx" $((n + 1)) 10

# The hotplug path looks at the CPU that serves the IRQ, not at its mask.
check "rx is served by CPU $rx_cpu (datagrams to $gw)" kick_until_served "$rx" $rx_cpu $gw
rmap_sample
n=$(rmap_field "$rx" notifies)
rmap_show
rmap_map >"$AF_OUT/rmap.online"
is "offline CPU $rx_cpu" "$("$AF_PROBE" set "$online_file" 0)" ok
irq_sample
set -- $(irq_row "$rx")
broken=${3:-}
is "rx's affinity is broken: its mask is every online CPU" "$broken" "$(cpu_file online)"
# The notifier runs from a workqueue within milliseconds when it is fired:
# a second is ample to see that it was not.
sleep 1
rmap_sample
rmap_show
is "the offline fired no notifier for rx" "$(rmap_field "$rx" notifies)" "$n"
is "the rmap was last fed rx's old mask: stale" "$(rmap_field "$rx" fed)" $rx_cpu
rmap_map >"$AF_OUT/rmap.offline"
check "the offline left the map unchanged" cmp -s "$AF_OUT/rmap.online" "$AF_OUT/rmap.offline"
is "write rx's mask ($broken) back unchanged" "$(irq_set "$rx" "$broken")" ok
check "the same mask written back refreshes the rmap" rmap_wait "$rx" $((n + 1)) 10
rmap_map >"$AF_OUT/rmap.refreshed"
wrong=""
for c in $(cpulist_expand "$broken"); do
	grep -q "^$c 0 0\$" "$AF_OUT/rmap.refreshed" || wrong="$wrong $c"
done
is "the refreshed map sends every CPU of rx's mask to rx" "$wrong" ""
is "online CPU $rx_cpu again" "$("$AF_PROBE" set "$online_file" 1)" ok
is "every CPU is online" "$(cpu_file online)" "$all_online"

# --- B. the daemon -----------------------------------------------------------
D=affinityd
# Failure bounds (correctness, not timing), seconds; bench-vm has the times.
QUIET=2 SETTLE_BOUND=60 FRESH_BOUND_MS=10000 WINDOW_S=5
conf=$AF_OUT/affinityd.conf
state=$AF_OUT/state
printf '[cpus]\nisolated=4\n[daemon]\ndebounce_ms=5\ninterval_ms=1000\n[network]\narfs_refresh=on\n' >"$conf"
isolated=4-7
hk=0-3
vnet=$(virtio_name virtio_net) || not_ok "a virtio_net device is bound"
veth=$(netdev_of virtio_net) || not_ok "a virtio_net interface exists"
# The address the harness's datagrams go to (afvm-traffic, run-guest.sh
# --ns-run); before it is set they are dropped, after the softirq.
ip addr add 10.9.2.2/24 dev "$veth"

# What the daemon must repair: every rx queue's RPS over all CPUs (the
# kernel strips those of its own isolation, 6-7 and nohz_full's 5 on 6.1,
# not the daemon's CPU 4), and tx-0's XPS over all CPUs (each CPU then in two
# masks; virtio-net's own XPS has each in one).
for q in /sys/class/net/"$veth"/queues/rx-*; do
	"$AF_PROBE" set "$q/rps_cpus" ff >/dev/null
done
"$AF_PROBE" set "/sys/class/net/$veth/queues/tx-0/xps_cpus" ff >/dev/null
diag "before the daemon: $(queue_masks "$veth" | tr '\n' ' ')"
is "before the daemon an rps mask holds isolated CPU 4" "$(rps_problems "$veth" 4 | head -n 1 | cut -d: -f1)" rx-0
check "before the daemon some online CPU is in two xps masks" [ -n "$(xps_problems "$veth")" ]
# rx of e1000e on CPU 3, tx on 2: the daemon joins tx to its channel
# partner rx (kept by its hysteresis); that leaves a CPU other than 0 to take
# offline (CPU 0 cannot go).
irq_set "$rx" 3 >/dev/null
irq_set "$tx" 2 >/dev/null

check "the kernel-side write record starts" kwrites_start
check "the kernel-side steering write record starts" swrites_start

# nic_irqs: the IRQs of both NICs, by number.
nic_irqs() {
	(
		irq_find "$vnet-input.*"
		irq_find "$vnet-output.*"
		irq_find "$eth-*"
		irq_find "$eth"
	) | while read -r irq rest; do echo "$irq"; done | sort -n
}
# tx_irq_problems: a CPU that the IRQ of a tx queue (virtio-net's output.N)
# is on must send through a queue whose IRQ is on it (xps=follow; with more
# queues than CPUs for them, some queue gets none of its IRQ's CPUs). The
# CPU an IRQ is on is the one serving it (guest-lib.sh serving_cpu), not
# its mask, which holds fallback CPUs beside it. Prints CPU:tx-N:IRQ-CPU
# for each CPU in the xps_cpus of a queue tx-N whose IRQ is not on it, when
# another queue's IRQ is.
tx_irq_problems() {
	irq_sample
	# The IRQs of the tx queues there are (after ethtool -L fewer than
	# virtio-net has output vectors).
	irq_cpus=$(queue_masks "$veth" | while read -r q list; do
		case "$q" in tx-*) ;; *) continue ;; esac
		row=$(irq_find "$vnet-output.${q#tx-}")
		[ -n "$row" ] && serving_cpu "$row"
	done | grep -v '^wide$' | tr '\n' ,)
	queue_masks "$veth" | while read -r q list; do
		case "$q" in tx-*) ;; *) continue ;; esac
		row=$(irq_find "$vnet-output.${q#tx-}")
		irq_cpu=-
		[ -n "$row" ] && irq_cpu=$(serving_cpu "$row")
		for c in $(cpulist_expand "${list:--}"); do
			cpulist_has "$irq_cpus" "$c" && [ "$c" != "$irq_cpu" ] && echo "$c:$q:$irq_cpu"
		done
	done
}
# steering_ok WHEN: the steering rules on virtio-net, now.
steering_ok() {
	is "$1: every online CPU in exactly one xps mask" "$(echo $(xps_problems "$veth"))" ""
	is "$1: each CPU of a tx queue's IRQ sends through a queue whose IRQ is on it" "$(echo $(tx_irq_problems))" ""
	is "$1: no isolated CPU ($isolated) in an rps mask" "$(echo $(rps_problems "$veth" "$isolated"))" ""
	diag "$1: $(queue_masks "$veth" | tr '\n' ' ')"
}
# traffic_ok WHEN: for WINDOW_S seconds of the harness's datagrams, the
# CPUs that ran NET_RX softirqs must be CPUs of the NICs' IRQs or of an rps
# mask, none isolated; the daemon writes nothing meanwhile.
traffic_ok() {
	when=$1
	irq_sample
	planned=""
	for irq in $(nic_irqs); do
		set -- $(irq_row "$irq")
		[ "${3:--}" = - ] || planned="$planned,$3"
	done
	for list in $(queue_masks "$veth" | while read -r q list; do
		case "$q" in rx-*) echo "${list:--}" ;; esac
	done); do
		[ "$list" = - ] || planned="$planned,$list"
	done
	planned=$(cpulist_join "$(cpulist_expand "${planned#,}" | tr ' ' '\n' | sort -n | uniq | tr '\n' ,)")
	planned=${planned%,}
	writes0=$(($(kwrites_count $D) + $(swrites_count $D)))
	inputs0=$(irq_find "$vnet-input.*")
	net_rx_sample
	before=$NET_RX
	sleep $WINDOW_S
	busy=$(net_rx_busy "$before")
	irq_sample
	got=0
	for irq in $(irq_find "$vnet-input.*" | while read -r i rest; do echo "$i"; done); do
		set -- $(irq_row "$irq")
		now=${6:-0}
		set -- $(echo "$inputs0" | while read -r i rest; do [ "$i" = "$irq" ] && echo "$i $rest"; done)
		got=$((got + now - ${6:-0}))
	done
	diag "$when: NET_RX in $WINDOW_S s (CPU:count): $(echo $busy); planned CPUs $planned; $got interrupts on virtio-net's input vectors"
	diag "$when: $(irq_find "$vnet-input.*" | awk '{ printf "%s:%s:%s:%s ", $1, $3, $4, $6 }')$(grep "$veth:" /proc/net/dev)"
	check "$when: the harness's datagrams arrived (virtio-net input interrupts)" [ "$got" -gt 0 ]
	outside="" on_isolated=""
	for b in $busy; do
		c=${b%%:*}
		cpulist_has "$planned" "$c" || outside="$outside $b"
		cpulist_has "$isolated" "$c" && on_isolated="$on_isolated $b"
	done
	is "$when: NET_RX softirqs on planned CPUs only" "${outside# }" ""
	is "$when: no NET_RX softirq on an isolated CPU" "${on_isolated# }" ""
	is "$when: the daemon wrote nothing under the traffic" \
		"$(($(kwrites_count $D) + $(swrites_count $D)))" "$writes0"
}

# The daemon takes e1000e for an aRFS NIC (ntuple on, queue IRQs), virtio-net
# not (no ntuple).
if "$AF_DAEMON" --dry-run --json --config "$conf" >"$AF_OUT/dry-run.json" 2>"$AF_OUT/dry-run.err"; then
	is "the dry run shows $eth, and only it, with aRFS" "$(echo $(arfs_interfaces "$AF_OUT/dry-run.json"))" "$eth"
else
	not_ok "affinityd --dry-run --json: $(cat "$AF_OUT/dry-run.err")"
fi

daemon_start steering
check "the daemon starts" wait_started 60
check "its writes settle within $SETTLE_BOUND s" wait_steady $D $QUIET $SETTLE_BOUND
diag "steering writes at start: $(swrites | awk -v c=$D '$1 == c { n[$2 " " $3]++ } END { for (k in n) printf "%s x%d, ", k, n[k] }')"
steering_ok "after start"
# aRFS queue IRQs get one CPU each; rx-0 and tx-0 are one channel's
# partners, so on the same CPU.
irq_sample
set -- $(irq_row "$rx")
rx_now=${3:-}
set -- $(irq_row "$tx")
tx_now=${3:-}
case "$rx_now" in
"" | *[!0-9]*) not_ok "aRFS: e1000e rx and tx on one CPU, together (rx $rx_now, tx $tx_now)" ;;
*) is "aRFS: e1000e rx and tx on one CPU, together (rx $rx_now)" "$tx_now" "$rx_now" ;;
esac
traffic_ok "after start"

# The offline of the CPU serving rx, when rx has that CPU alone: the kernel
# breaks rx's affinity, fires no notifier (part A), and the daemon must
# write rx so that the notifier refreshes the map.
irq_sample
set -- $(irq_row "$rx")
rx_mask=${3:-}
case "$rx_mask" in
0 | "" | *[!0-9]*)
	not_ok "the daemon keeps e1000e rx on one CPU other than 0 (got '$rx_mask'): no offline to break it"
	;;
*)
	ok "the daemon keeps e1000e rx on one CPU ($rx_mask)"
	check "rx is served by CPU $rx_mask (datagrams to $gw)" kick_until_served "$rx" "$rx_mask" $gw
	mark=$(kwrites_count $D)
	"$AF_BUILDDIR/tests/vm/afvm-rmap" offline "$rx_mask" $FRESH_BOUND_MS >"$AF_OUT/rmap-offline" 2>&1 ||
		not_ok "afvm-rmap offline $rx_mask: $(cat "$AF_OUT/rmap-offline")"
	sed 's/^/#   /' "$AF_OUT/rmap-offline"
	is "the offline of CPU $rx_mask broke rx's affinity" \
		"$(awk -v i="$rx" '$1 == "irq" && $2 == i { print $4 }' "$AF_OUT/rmap-offline")" 1
	fresh=$(sed -n 's/^result fresh_ms //p' "$AF_OUT/rmap-offline")
	case "$fresh" in
	">"* | "") not_ok "with the daemon the rmap is fresh again after the offline (bound $FRESH_BOUND_MS ms)" ;;
	*) ok "with the daemon the rmap is fresh again after the offline ($fresh ms; bound $FRESH_BOUND_MS ms)" ;;
	esac
	check "after the offline its writes settle within $SETTLE_BOUND s" wait_steady $D $QUIET $SETTLE_BOUND
	check "the daemon saw aRFS IRQs changed by the hotplug" [ "$(log_count 'aRFS IRQs changed by the hotplug')" -ge 1 ]
	is "the daemon wrote rx once for the offline" \
		"$(kwrites_after $D "$mark" | awk -v i="$rx" '$2 == i { n++ } END { print n + 0 }')" 1
	diag "its log on rx since: $(grep -E "IRQ $rx[^0-9]|rmap-refresh" "$log" | tail -n 3 | tr '\n' ' ')"
	steering_ok "CPU $rx_mask offline"
	is "online CPU $rx_mask again" "$("$AF_PROBE" set "/sys/devices/system/cpu/cpu$rx_mask/online" 1)" ok
	check "after the online its writes settle within $SETTLE_BOUND s" wait_steady $D $QUIET $SETTLE_BOUND
	steering_ok "CPU $rx_mask online again"
	;;
esac

# Fewer channels: virtio-net drops queues 2-3 and re-sets its own IRQ
# affinity and XPS; the daemon follows.
if ethtool -L "$veth" combined 2; then
	ok "ethtool -L $veth combined 2"
else
	not_ok "ethtool -L $veth combined 2"
fi
check "after ethtool -L its writes settle within $SETTLE_BOUND s" wait_steady $D $QUIET $SETTLE_BOUND
is "virtio-net has 2 tx queues" "$(queue_masks "$veth" | awk '$1 ~ /^tx-/ { n++ } END { print n + 0 }')" 2
steering_ok "after ethtool -L combined 2"
traffic_ok "after ethtool -L combined 2"

daemon_stop TERM
is "the daemon exits 0 on SIGTERM" "$status" 0
is "no write of the daemon was refused" "$(kwrites_count $D failed)" 0
is "no steering write of the daemon was refused" \
	"$(swrites | awk -v c=$D '$1 == c && $3 < 0 { n++ } END { print n + 0 }')" 0

finish
