# Guest side of the smoke test (4 vCPUs; nvme, virtio-scsi num_queues=4,
# virtio-net with 4 queue pairs, e1000e): the IRQs have the names the
# inventory expects, managed queues refuse writes while the movable vectors
# take them, and from 6.12 the refusing IRQs' files are 0444 (KERNEL.md,
# "Managed IRQs"); the kernel-side write record sees every write.
. "$AF_SRCDIR/tests/vm/guest-lib.sh"

refused=$(managed_write_errno)
irq_sample
diag "kernel $(uname -r), IRQ table:"
echo "$IRQ_TABLE" | sed 's/^/#   /'

# nvme: admin queue q0 and one I/O queue per CPU.
is "nvme0q0 (admin queue) present" "$(count_lines "$(irq_find nvme0q0)")" 1
nvme_io=$(irq_find 'nvme0q[1-9]*')
is "4 nvme I/O queues" "$(count_lines "$nvme_io")" 4
cpus=""
while read -r irq name aff eff node; do
	case "$aff" in
	*[!0-9]*) not_ok "$name mask is one CPU (got $aff)" ;;
	*) cpus="$cpus$aff " ;;
	esac
done <<END
$nvme_io
END
is "nvme I/O queues spread one per CPU" "$cpus" "0 1 2 3 "

# virtio-scsi: config, control, event movable; request queues managed.
scsi=$(virtio_name virtio_scsi) || not_ok "a virtio_scsi device is bound"
for what in config control event; do
	is "$scsi-$what present" "$(count_lines "$(irq_find "$scsi-$what")")" 1
done
is "4 $scsi-request queues" "$(count_lines "$(irq_find "$scsi-request")")" 4

# virtio-net: config, control and 4 input/output pairs.
vnet=$(virtio_name virtio_net) || not_ok "a virtio_net device is bound"
is "$vnet-config present" "$(count_lines "$(irq_find "$vnet-config")")" 1
is "$vnet-input.0..3" "$(count_lines "$(irq_find "$vnet-input.[0-3]")")" 4
is "$vnet-output.0..3" "$(count_lines "$(irq_find "$vnet-output.[0-3]")")" 4

# e1000e: three vectors, requested when the link went up.
eth=$(netdev_of e1000e) || not_ok "an e1000e interface exists"
for what in "$eth-rx-0" "$eth-tx-0" "$eth"; do
	is "$what present" "$(count_lines "$(irq_find "$what")")" 1
done

# Which IRQs the kernel lets user space move: each one's own mask written
# back (nothing moves). From 6.12 the kernel creates smp_affinity and
# smp_affinity_list 0444 for exactly the refusing ones; before, all 0644.
"$AF_PROBE" rewrite >"$AF_OUT/rewrite"
refusing=$(awk '$2 != "ok" { print $1 }' "$AF_OUT/rewrite")
diag "IRQs refusing their own mask: $(echo $refusing)"
check "some IRQs refuse their own mask" [ -n "$refusing" ]
is "each refusal is $refused" "$(awk '$2 != "ok" { print $2 }' "$AF_OUT/rewrite" | sort -u)" "$refused"
readonly=$(readonly_irqs)
diag "IRQs with a 0444 smp_affinity: $(echo $readonly)"
if readonly_mode_kernel; then
	mismatch=$(echo "$readonly" | awk '
	FNR == NR { ro[$1] = 1; next }
	($2 != "ok") != ($1 in ro) { printf " %s:%s:%s", $1, $2, ($1 in ro) ? "0444" : "writable" }' - "$AF_OUT/rewrite")
	is "smp_affinity is 0444 for exactly the IRQs that refuse writes" "${mismatch# }" ""
else
	is "before 6.12 no smp_affinity is 0444" "$(echo $readonly)" ""
fi
check "each smp_affinity_list has its smp_affinity's mode" \
	[ "$(stat -c %a /proc/irq/*/smp_affinity)" = "$(stat -c %a /proc/irq/*/smp_affinity_list)" ]

# Writes. Managed IRQs refuse any mask; the others take a one-CPU mask. The
# kernel-side record (kwrites) must see each of them, with its IRQ and result.
check "the kernel-side write record starts" kwrites_start
expected=""
while read -r irq name rest; do
	is "write to managed $name (IRQ $irq) refused with $refused" "$(irq_set "$irq" 0-3)" "$refused"
	expected="$expected$irq refused
"
done <<END
$nvme_io
$(irq_find "$scsi-request")
END
for name in nvme0q0 "$scsi-config" "$vnet-input.0" "$eth-rx-0"; do
	row=$(irq_find "$name")
	irq=${row%% *}
	if [ -z "$irq" ]; then
		not_ok "write to movable $name: no such IRQ"
		continue
	fi
	is "write of CPU 1 to movable $name (IRQ $irq) accepted" "$(irq_set "$irq" 1)" ok
	expected="${expected}$irq ok
"
done
recorded=$(kwrites | awk '$1 == "afvm-irq" { print $2, ($3 < 0 ? "refused" : "ok") }')
is "the kernel-side record holds each write, its IRQ and result" "$recorded" "${expected%?}"
is "and counts them" "$(kwrites_count afvm-irq)" "$(count_lines "$expected")"
is "and counts the refused ones" "$(kwrites_count afvm-irq failed)" "$(count_lines "$(irq_find 'nvme0q[1-9]*')
$(irq_find "$scsi-request")")"
irq_sample
for name in nvme0q0 "$scsi-config" "$eth-rx-0"; do
	set -- $(irq_find "$name")
	is "$name (IRQ ${1:-?}) now requests CPU 1" "${3:-}" 1
done
# A rejected mask leaves the managed queue as it was.
set -- $(irq_find nvme0q1)
is "nvme0q1 keeps its mask after the refused write" "${3:-}" 0

finish
