# Guest side of the daemon's apply on a real kernel (4 vCPUs, CPUs 2-3
# isolated, nvme, virtio-scsi num_queues=2, e1000e): the running daemon
# moves the movable IRQs onto housekeeping CPUs 0-1 and writes nothing more
# on a replan without change; killed and restarted, it writes nothing (but
# the fallback CPUs of a move that waited for the IRQ's next interrupt and
# landed since: guest-lib.sh beyond_widening), and
# its stop (restore_on_exit=true) puts back the masks from before the first
# run, which only the state directory still knows.
# And the learned path (DESIGN.md, "Knows which IRQs it must not touch"):
# an IRQ the kernel refuses although its file looks writable and no rule of
# the daemon knows it, as the queues of a storage driver it has no rule for
# would be. Made from virtio-scsi's request queues: an empty directory over
# their PCI device's msi_irqs leaves their vectors without a device or
# driver, and from 6.12, where their 0444 files would tell, chmod (root
# may, on procfs) gives the files a write bit. The kernel still refuses
# them, with EIO before 6.12 and EPERM from 6.12. The daemon tries each at
# most once, logs it once, keeps it in its state directory and never writes
# it again: not on a replan, not after a restart, not on its stop. The
# kernel-side write record (kwrites) counts the attempts.
. "$AF_SRCDIR/tests/vm/guest-lib.sh"

conf=$AF_OUT/affinityd.conf
state=$AF_OUT/state
printf '[daemon]\ndebounce_ms=5\nrestore_on_exit=true\n' >"$conf"

irq_sample
masks >"$AF_OUT/masks.before"
scsi=$(virtio_name virtio_scsi) || not_ok "a virtio_scsi device is bound"
eth=$(netdev_of e1000e) || not_ok "an e1000e interface exists"

errno=$(managed_write_errno)
case "$errno" in
EPERM) ret=-1 text="Operation not permitted" ;;
EIO) ret=-5 text="Input/output error" ;;
esac
requests=$(irq_find "$scsi-request" | while read -r irq rest; do echo "$irq"; done)
requests=$(echo $requests)
is "2 virtio-scsi request queues" "$(echo $requests | wc -w)" 2
pci=$(cd -P "/sys/bus/virtio/devices/$scsi/.." && pwd)
mkdir -p /run/afvm-empty
check "$scsi's vectors hidden from the daemon (an empty directory over $pci/msi_irqs)" \
	mount --bind /run/afvm-empty "$pci/msi_irqs"
if readonly_mode_kernel; then
	for irq in $requests; do
		chmod u+w "/proc/irq/$irq/smp_affinity" "/proc/irq/$irq/smp_affinity_list"
	done
	left=$(for irq in $requests; do readonly_irqs | grep -x "$irq"; done)
	is "their request queues' files get a write bit ($requests)" "$(echo $left)" ""
fi
for irq in $requests; do
	is "the kernel still refuses request queue IRQ $irq ($errno)" \
		"$("$AF_PROBE" set "/proc/irq/$irq/smp_affinity_list" "$(cat "/proc/irq/$irq/smp_affinity_list")")" "$errno"
done
check "the kernel-side write record starts" kwrites_start
# learned_writes: the daemon's recorded writes to the request queues.
learned_writes() {
	kwrites | awk -v m=" $requests " '$1 == "affinityd" && index(m, " " $2 " ")'
}

daemon_start first
check "the daemon starts and applies" wait_log "Started"
moves=$(log_count "Moved IRQ")
diag "$(grep -- "Replan (start)" "$log")"
check "it moved IRQs" [ "$moves" -gt 0 ]
irq_sample
for name in nvme0q0 "$scsi-config" "$scsi-control" "$scsi-event" "$eth-rx-0" "$eth-tx-0" "$eth"; do
	set -- $(irq_find "$name")
	if cpulist_within "${3:-}" 0-1; then
		ok "movable $name (IRQ ${1:-?}) now on housekeeping CPUs (${3:-})"
	else
		not_ok "movable $name (IRQ ${1:-?}) now on housekeeping CPUs (got '${3:-}')"
	fi
done
refused=$(log_count "cannot be moved")
diag "refusals the plan did not foresee: $refused"
grep -- "cannot be moved" "$log" | sed 's/^/#   /'
tried=$(learned_writes)
diag "its writes to the hidden request queues: $(echo $tried)"
check "it tried a hidden request queue" [ -n "$tried" ]
is "at most once each" "$(echo "$tried" | per_irq | awk '$2 > 1')" ""
is "each attempt refused with $errno ($ret)" "$(echo "$tried" | awk '{ print $3 }' | sort -u)" "$ret"
is "each refusal logged once, with its errno" "$(log_count "cannot be moved ($text)")" "$(count_lines "$tried")"
irq_sample
before=$IRQ_TABLE
m=$(kwrites_count affinityd)
kill -HUP "$pid"
check "a reload replans" wait_log "Replan (config)"
irq_sample
is "the replan without change writes nothing but the widening of a move that landed since" \
	"$(echo $(beyond_widening "$before" "$IRQ_TABLE" "$(kwrites_after affinityd "$m")"))" ""
is "and learns nothing new" "$(log_count "cannot be moved")" "$refused"
is "nor tries a learned queue again" "$(learned_writes)" "$tried"

daemon_stop KILL
irq_sample
killed=$IRQ_TABLE
m=$(kwrites_count affinityd)
masks >"$AF_OUT/masks.killed"
if cmp -s "$AF_OUT/masks.before" "$AF_OUT/masks.killed"; then
	not_ok "the killed daemon left its placement"
else
	ok "the killed daemon left its placement"
fi

daemon_start second
check "restarted, it starts" wait_log "Started"
irq_sample
is "restarted, it writes nothing but the widening of a move that landed since" \
	"$(echo $(beyond_widening "$killed" "$IRQ_TABLE" "$(kwrites_after affinityd "$m")"))" ""
is "restarted, it tries no learned queue again" "$(learned_writes)" "$tried"
"$AF_DAEMON" --dry-run --json --config "$conf" --state-dir "$state" >"$AF_OUT/plan.json" \
	2>"$AF_OUT/plan.stderr"
PLAN=$("$AF_PLAN" "$AF_OUT/plan.json") || not_ok "afvm-plan reads the dry-run JSON"
for irq in $(echo "$tried" | awk 'NF { print $2 }' | sort -nu); do
	# irq IRQ NAME DEVICE MANAGED MOVABLE CURRENT EFFECTIVE PLANNED ACTION NWARNINGS SOURCE
	set -- $(plan_irq "$irq")
	is "the dry-run reports IRQ $irq as learned unmovable, skipped" "${5:-}/${6:-}/${10:-}/${12:-}" \
		true/false/skip/learned
done
daemon_stop TERM
is "SIGTERM stops it with status 0" "$status" 0
check "it logged its restores" [ "$(log_count "Restored IRQ")" -gt 0 ]
is "its stop writes no learned queue" "$(learned_writes)" "$tried"
masks_as_before "$AF_OUT/masks.before" "every mask is back as before the first run"
[ "$af_failed" -eq 0 ] || for f in first second; do
	diag "--- $f.log"
	sed 's/^/#   /' "$AF_OUT/$f.log"
done

finish
