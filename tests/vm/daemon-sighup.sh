#!/bin/sh
# The running daemon's SIGHUP reload (a newly isolated CPU is emptied without
# a restart, a broken configuration is refused and the running one stays)
# and its restore of every mask on SIGTERM (scenarios/daemon-sighup.sh).
. "$(dirname "$0")/host-lib.sh"
vm_run daemon-sighup --smp 4 --timeout 300 --append "isolcpus=domain,3" -- \
	-drive file=/dev/null,if=none,id=nv0,format=raw,readonly=on \
	-device nvme,drive=nv0,serial=x1 \
	-device virtio-scsi-pci,num_queues=2 \
	-netdev user,id=n1 -device e1000e,netdev=n1,romfile=
