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

if rmap_load "$rx" "$tx"; then
	ok "the cpu_rmap module attaches to IRQs $rx and $tx"
else
	not_ok "the cpu_rmap module attaches to IRQs $rx and $tx (AF_RMAP_KO=${AF_RMAP_KO:-}; see the console)"
	finish
fi
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

finish
