#!/bin/sh
# CPU offline/online probe: 4 vCPUs, nvme and e1000e; what the kernel does
# to IRQ masks around hotplug (scenarios/cpu-offline.sh).
. "$(dirname "$0")/host-lib.sh"
vm_run cpu-offline --smp 4 --timeout 240 -- \
	-drive file=/dev/null,if=none,id=nv0,format=raw,readonly=on \
	-device nvme,drive=nv0,serial=x1 \
	-device virtio-scsi-pci,num_queues=4 \
	-netdev user,id=n1 -device e1000e,netdev=n1,romfile=
