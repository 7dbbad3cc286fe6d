# Guest side of a two-node machine: 16 vCPUs in two NUMA nodes (0-7, 8-15),
# CPUs 4-7,12-15 isolated, an e1000e behind a PCI expander bridge on node 1.
# The kernel reports the device on node 1; the dry-run plans its IRQs on
# node 1's housekeeping CPUs (8-11).
. "$AF_SRCDIR/tests/vm/guest-lib.sh"

node1_housekeeping=8-11
is "node 1 CPUs" "$(cat /sys/devices/system/node/node1/cpulist)" 8-15
is "CPU 8's hardware threads" "$(cat /sys/devices/system/cpu/cpu8/topology/thread_siblings_list)" 8-9
dev=""
for d in /sys/bus/pci/drivers/e1000e/0000:*; do
	[ -e "$d" ] && dev=${d##*/}
done
check "an e1000e PCI device is bound" [ -n "$dev" ]
sysdev=/sys/bus/pci/devices/$dev
is "$dev numa_node" "$(cat "$sysdev/numa_node")" 1
is "$dev local_cpulist" "$(cat "$sysdev/local_cpulist")" 8-15

# Its MSI-X vectors, by msi_irqs (never by name).
vectors=""
for v in "$sysdev"/msi_irqs/*; do
	[ -e "$v" ] && vectors="$vectors ${v##*/}"
done
is "$dev has 3 MSI-X vectors (link is up)" "$(echo $vectors | wc -w)" 3

plan_file=$AF_OUT/plan.json
if dry_run_plan "$plan_file"; then
	PLAN=$("$AF_PLAN" "$plan_file") || not_ok "afvm-plan reads the dry-run JSON"
	set -- $(echo "$PLAN" | while read -r kind rest; do [ "$kind" = cpus ] && echo "$rest"; done)
	is "plan: housekeeping CPUs" "${3:-}" 0-3,8-11
	for irq in $vectors; do
		# irq IRQ NAME DEVICE MANAGED MOVABLE CURRENT EFFECTIVE PLANNED ACTION NWARNINGS
		set -- $(plan_irq "$irq")
		is "plan: IRQ $irq belongs to $dev" "${4:-}" "$dev"
		is "plan: IRQ $irq is movable" "${6:-}" true
		check "plan: IRQ $irq (${3:-?}) planned on node 1 housekeeping $node1_housekeeping (got ${9:-none})" \
			cpulist_within "${9:--}" "$node1_housekeeping"
	done
fi

finish
