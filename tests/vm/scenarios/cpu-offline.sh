# Guest side of the CPU offline/online probe (4 vCPUs; nvme, virtio-scsi,
# e1000e), nothing running: what KERNEL.md says the kernel does around
# hotplug.
# - IRQs whose mask held only the CPU that goes get all online CPUs.
# - The managed nvme queue of that CPU keeps its mask, shows effective 0 and
#   is restarted on the CPU when it comes back.
# - Non-managed IRQs are not re-spread when it comes back.
# x86 without interrupt remapping applies an affinity write at the IRQ's next
# interrupt, so the pinned IRQs are made to fire before the offline; a quiet
# one keeps its write pending, and a pending move to a CPU that goes offline
# is dropped: that IRQ falls back to its previous mask.
. "$AF_SRCDIR/tests/vm/guest-lib.sh"

cpu=2
online_file=/sys/devices/system/cpu/cpu$cpu/online
eth=$(netdev_of e1000e) || not_ok "an e1000e interface exists"
scsi=$(virtio_name virtio_scsi) || not_ok "a virtio_scsi device is bound"

irq_sample
set -- $(irq_find 'nvme0q[1-9]*' | while read -r irq name aff rest; do
	[ "$aff" = "$cpu" ] && echo "$irq $name"
done)
queue=${1:-} queue_name=${2:-}
check "an nvme I/O queue serves only CPU $cpu" [ -n "$queue" ]
set -- $(irq_find "$scsi-config")
quiet=${1:-} quiet_mask=${3:-}

# Movable IRQs pinned to the CPU that goes; all but the quiet one fire after.
moved=""
for name in nvme0q0 "$eth-rx-0" "$eth-tx-0" "$scsi-config"; do
	set -- $(irq_find "$name")
	is "pin movable $name (IRQ ${1:-?}) to CPU $cpu" "$(irq_set "${1:-0}" "$cpu")" ok
	[ "$name" = "$scsi-config" ] || moved="$moved ${1:-}"
done
# Each pinned IRQ must take an interrupt after the write: a rising count.
irq_sample
counts=$(for irq in $moved; do irq_row "$irq"; done)
ip addr add 10.0.2.15/24 dev "$eth"
tries=0
while [ "$(cat "/sys/class/net/$eth/carrier" 2>/dev/null)" != 1 ] && [ $tries -lt 50 ]; do
	sleep 0.1
	tries=$((tries + 1))
done
tries=0 pending=$moved
while [ -n "$pending" ] && [ $tries -lt 10 ]; do
	tries=$((tries + 1))
	"$AF_PROBE" nvme-identify /dev/nvme0 >/dev/null
	"$AF_PROBE" udp 10.0.2.2 >/dev/null
	irq_sample
	pending=""
	for irq in $moved; do
		set -- $(irq_row "$irq")
		now=${6:-0}
		set -- $(echo "$counts" | while read -r i rest; do [ "$i" = "$irq" ] && echo "$i $rest"; done)
		[ "$now" -gt "${6:-0}" ] || pending="$pending $irq"
	done
done
diag "kicked the pinned IRQs $tries times (nvme admin command, datagrams on $eth)"
is "every pinned IRQ but the quiet one took an interrupt after its write" "$pending" ""

diag "IRQ table before the offline:"
echo "$IRQ_TABLE" | sed 's/^/#   /'
for irq in $moved; do
	set -- $(irq_row "$irq")
	is "IRQ $irq (${2:-?}) moved to CPU $cpu at its interrupt" "${3:-}/${4:-}" "$cpu/$cpu"
done
set -- $(irq_row "$quiet")
is "quiet $scsi-config (IRQ $quiet) shows the requested CPU $cpu" "${3:-}" "$cpu"

is "offline CPU $cpu" "$("$AF_PROBE" set "$online_file" 0)" ok
is "online CPUs without $cpu" "$(cat /sys/devices/system/cpu/online)" 0-1,3
is "/proc/interrupts header names online CPUs only" "$("$AF_PROBE" cpus)" "CPU0 CPU1 CPU3"

irq_sample
diag "IRQ table with CPU $cpu offline:"
echo "$IRQ_TABLE" | sed 's/^/#   /'
for irq in $moved; do
	set -- $(irq_row "$irq")
	is "IRQ $irq (${2:-?}) lost its only CPU: mask is all online CPUs" "${3:-}" 0-1,3
	case "${4:-}" in
	0 | 1 | 3) ok "IRQ $irq (${2:-?}) is served by an online CPU (${4:-})" ;;
	*) not_ok "IRQ $irq (${2:-?}) is served by an online CPU (got '${4:-}')" ;;
	esac
done
set -- $(irq_row "$quiet")
is "quiet $scsi-config (IRQ $quiet): the pending move is dropped, old mask back" "${3:-}" "$quiet_mask"
if [ -n "$queue" ]; then
	set -- $(irq_row "$queue")
	is "managed $queue_name keeps its mask" "${3:-}" "$cpu"
	is "managed $queue_name shows effective 0" "${4:-}" 0
	is "a write to the shut-down $queue_name is refused with $(managed_write_errno)" \
		"$(irq_set "$queue" 0-3)" "$(managed_write_errno)"
fi

is "online CPU $cpu again" "$("$AF_PROBE" set "$online_file" 1)" ok
is "online CPUs" "$(cat /sys/devices/system/cpu/online)" 0-3
irq_sample
for irq in $moved; do
	set -- $(irq_row "$irq")
	is "IRQ $irq (${2:-?}) is not re-spread when CPU $cpu returns" "${3:-}" 0-1,3
done
if [ -n "$queue" ]; then
	set -- $(irq_row "$queue")
	is "managed $queue_name restarted on CPU $cpu" "${3:-}/${4:-}" "$cpu/$cpu"
fi

finish
