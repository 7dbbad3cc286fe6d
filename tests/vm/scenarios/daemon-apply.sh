# Guest side of the daemon's apply on a real kernel (4 vCPUs, CPUs 2-3
# isolated, nvme, virtio-scsi num_queues=2, e1000e): the running daemon
# moves the movable IRQs onto housekeeping CPUs 0-1 and writes nothing more
# on a replan without change; killed and restarted, it writes nothing, and
# its stop (restore_on_exit=true) puts back the masks from before the first
# run, which only the state directory still knows.
. "$AF_SRCDIR/tests/vm/guest-lib.sh"

conf=$AF_OUT/affinityd.conf
state=$AF_OUT/state
printf '[daemon]\ndebounce_ms=5\nrestore_on_exit=true\n' >"$conf"

irq_sample
masks >"$AF_OUT/masks.before"
scsi=$(virtio_name virtio_scsi) || not_ok "a virtio_scsi device is bound"
eth=$(netdev_of e1000e) || not_ok "an e1000e interface exists"

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
kill -HUP "$pid"
check "a reload replans" wait_log "Replan (config)"
is "the replan without change writes nothing" "$(log_count "Moved IRQ")" "$moves"
is "and learns nothing new" "$(log_count "cannot be moved")" "$refused"

daemon_stop KILL
irq_sample
masks >"$AF_OUT/masks.killed"
if cmp -s "$AF_OUT/masks.before" "$AF_OUT/masks.killed"; then
	not_ok "the killed daemon left its placement"
else
	ok "the killed daemon left its placement"
fi

daemon_start second
check "restarted, it starts" wait_log "Started"
is "restarted, it writes nothing" "$(log_count "Moved IRQ")" 0
daemon_stop TERM
is "SIGTERM stops it with status 0" "$status" 0
check "it logged its restores" [ "$(log_count "Restored IRQ")" -gt 0 ]
masks_as_before "$AF_OUT/masks.before" "every mask is back as before the first run"
[ "$af_failed" -eq 0 ] || for f in first second; do
	diag "--- $f.log"
	sed 's/^/#   /' "$AF_OUT/$f.log"
done

finish
