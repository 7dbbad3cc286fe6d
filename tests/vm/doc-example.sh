#!/bin/sh
# The kernel documentation's managed-IRQ example: 8 vCPUs,
# managed_irq isolation, virtio-scsi with 2 request queues; the kernel's
# spread and the dry-run's report of it (scenarios/doc-example.sh).
. "$(dirname "$0")/host-lib.sh"
vm_run doc-example --smp 8 --timeout 300 \
	--append "irqaffinity=0,1 isolcpus=domain,2-7 isolcpus=managed_irq,1-3,5-7" -- \
	-device virtio-scsi-pci,num_queues=2
