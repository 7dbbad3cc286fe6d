#!/bin/sh
# The running daemon on 8 vCPUs with CPUs 6-7 isolated (isolcpus=managed_irq,
# domain, nohz_full): placement on housekeeping CPUs at start-up, managed
# queues left alone and reported, no write in 60 s of steady load, CPU
# offline/online cycles corrected without a write loop, no write to a managed
# queue after a restart (scenarios/daemon-isolcpus.sh).
. "$(dirname "$0")/host-lib.sh"
vm_run daemon-isolcpus --smp 8 --timeout 600 --tap afvm0 --tap-addr 10.9.0.1/24 \
	--append "isolcpus=managed_irq,domain,6-7 nohz_full=6-7" -- \
	-drive file=/dev/null,if=none,id=nv0,format=raw,readonly=on \
	-device nvme,drive=nv0,serial=x1 \
	-device virtio-scsi-pci,num_queues=4 \
	-netdev tap,id=n0,queues=4,script=no,downscript=no,ifname=afvm0 \
	-device virtio-net-pci,netdev=n0,mq=on,vectors=10,romfile= \
	-netdev user,id=n1 -device e1000e,netdev=n1,romfile=
