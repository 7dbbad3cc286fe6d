#!/bin/sh
# Smoke test: 4 vCPUs with nvme, virtio-scsi, multi-queue virtio-net and
# e1000e; checks IRQ names and which vectors take writes (scenarios/smoke.sh).
. "$(dirname "$0")/host-lib.sh"
vm_run smoke --smp 4 --timeout 240 --tap afvm0 -- \
	-drive file=/dev/null,if=none,id=nv0,format=raw,readonly=on \
	-device nvme,drive=nv0,serial=x1 \
	-device virtio-scsi-pci,num_queues=4 \
	-netdev tap,id=n0,queues=4,script=no,downscript=no,ifname=afvm0 \
	-device virtio-net-pci,netdev=n0,mq=on,vectors=10,romfile= \
	-netdev user,id=n1 -device e1000e,netdev=n1,romfile=
