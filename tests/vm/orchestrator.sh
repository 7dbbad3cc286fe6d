#!/bin/sh
# What CRI-O does to a node for a pod with irq-load-balancing.crio.io:
# disable (default_smp_affinity narrowed, irqbalance's environment file
# rewritten, its restart step), and `affinityctl ban` over a private system
# bus, followed by the running daemon on a real kernel without a restart;
# each reaction timed on the kernel's trace clock and printed
# (scenarios/orchestrator.sh).
. "$(dirname "$0")/host-lib.sh"
vm_run orchestrator --smp 4 --timeout 300 -- \
	-drive file=/dev/null,if=none,id=nv0,format=raw,readonly=on \
	-device nvme,drive=nv0,serial=x1 \
	-device virtio-scsi-pci,num_queues=2 \
	-netdev user,id=n1 -device e1000e,netdev=n1,romfile=
