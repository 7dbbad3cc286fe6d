# Guest side of the kernel documentation's example of
# managed IRQs: 8 vCPUs, "irqaffinity=0,1 isolcpus=domain,2-7
# isolcpus=managed_irq,1-3,5-7", virtio-scsi with 2 request queues. The
# kernel spreads the queues over 0-3 and 4-7; managed_irq isolation is best
# effort, so the queue whose mask holds only isolated CPUs is served by
# isolated CPU 4. `affinityd --dry-run --json` must report both as managed
# and warn about that one; from 6.12 it knows them by their 0444 files.
. "$AF_SRCDIR/tests/vm/guest-lib.sh"

scsi=$(virtio_name virtio_scsi) || not_ok "a virtio_scsi device is bound"
is "isolated CPUs (domain flag) as the kernel reports them" \
	"$(cat /sys/devices/system/cpu/isolated)" 2-7

irq_sample
requests=$(irq_find "$scsi-request")
diag "request queues (IRQ NAME MASK EFFECTIVE NODE COUNT):"
echo "$requests" | sed 's/^/#   /'
is "2 request queues" "$(count_lines "$requests")" 2
set -- $requests
q1=${1:-} q1_mask=${3:-} q1_eff=${4:-}
shift $(($# < 6 ? $# : 6))
q2=${1:-} q2_mask=${3:-} q2_eff=${4:-}
is "first request queue: mask 0-3, effective 0" "$q1_mask/$q1_eff" 0-3/0
is "second request queue: mask 4-7, effective 4 (an isolated CPU)" "$q2_mask/$q2_eff" 4-7/4
for irq in $q1 $q2; do
	is "write to managed request queue IRQ $irq refused" "$(irq_set "$irq" 0)" "$(managed_write_errno)"
done

# The daemon's view.
plan_file=$AF_OUT/plan.json
if dry_run_plan "$plan_file"; then
	PLAN=$("$AF_PLAN" "$plan_file") || not_ok "afvm-plan reads the dry-run JSON"
	for irq in $q1 $q2; do
		# irq IRQ NAME DEVICE MANAGED MOVABLE CURRENT EFFECTIVE PLANNED ACTION NWARNINGS SOURCE
		set -- $(plan_irq "$irq")
		is "plan: IRQ $irq is in the plan" "${2:-}" "$irq"
		is "plan: IRQ $irq managed, not movable, skipped" "${5:-}/${6:-}/${10:-}" true/false/skip
		is "plan: IRQ $irq has the managed_source \"$(managed_source_want)\"" "${12:-}" "$(managed_source_want)"
		if [ "$irq" = "$q1" ]; then
			is "plan: IRQ $irq current/effective" "${7:-}/${8:-}" 0-3/0
		else
			is "plan: IRQ $irq current/effective" "${7:-}/${8:-}" 4-7/4
			# Its own warnings, or a top-level one naming it.
			top=$(echo "$PLAN" | while read -r kind text; do
				[ "$kind" = warning ] && case " $text " in
				*[!0-9]"$irq"[!0-9]* | *"$scsi-request"*) echo x ;;
				esac
			done)
			if [ "${11:-0}" -gt 0 ] || [ -n "$top" ]; then
				ok "plan: a warning for IRQ $irq, served by isolated CPU 4"
			else
				not_ok "plan: a warning for IRQ $irq, served by isolated CPU 4"
			fi
		fi
	done
fi

finish
