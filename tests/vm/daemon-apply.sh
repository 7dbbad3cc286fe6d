#!/bin/sh
# The running daemon applying on a real kernel: placement on housekeeping
# CPUs, no writes on a replan without change, restore of the originals from
# the state directory after a SIGKILL and a restart (scenarios/daemon-apply.sh).
. "$(dirname "$0")/host-lib.sh"
vm_run daemon-apply --smp 4 --timeout 300 --append "isolcpus=domain,2-3" -- \
	-drive file=/dev/null,if=none,id=nv0,format=raw,readonly=on \
	-device nvme,drive=nv0,serial=x1 \
	-device virtio-scsi-pci,num_queues=2 \
	-netdev user,id=n1 -device e1000e,netdev=n1,romfile=
