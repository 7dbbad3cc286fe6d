#!/bin/sh
# No isolation window: 8 vCPUs with CPUs 6-7 isolated, masks sampled about
# every millisecond in the guest (afvm-sample): the daemon's widened masks
# keep their serving CPU; across offline/online cycles of housekeeping CPUs
# under traffic no movable IRQ ever shows an isolated CPU (virtio-net's
# queues, re-targeted by their driver, reported apart); e1000e's IRQs after
# rmmod/modprobe are born on housekeeping CPUs (scenarios/zerowin.sh).
. "$(dirname "$0")/host-lib.sh"
vm_run zerowin --smp 8 --timeout 420 --tap afvm0 --tap-addr 10.9.0.1/24 \
	--append "isolcpus=managed_irq,domain,6-7 nohz_full=6-7" -- \
	-drive file=/dev/null,if=none,id=nv0,format=raw,readonly=on \
	-device nvme,drive=nv0,serial=x1 \
	-device virtio-scsi-pci,num_queues=4 \
	-netdev tap,id=n0,queues=4,script=no,downscript=no,ifname=afvm0 \
	-device virtio-net-pci,netdev=n0,mq=on,vectors=10,romfile= \
	-netdev user,id=n1 -device e1000e,netdev=n1,romfile=
