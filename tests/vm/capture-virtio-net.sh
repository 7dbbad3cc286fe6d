#!/bin/sh
# 8 vCPUs, CPUs 5-7 isolated (6-7 by isolcpus, 5 by nohz_full alone), virtio-net with 4 queue pairs: affinityd-capture
# records the guest's tree with its ethtool answers (the source of
# tests/fixtures/sysroots/qemu-virtio-net.tar.gz, its /proc/cmdline cut to
# the isolation arguments), and --oneshot's steering writes pass the real
# kernel (scenarios/capture-virtio-net.sh). About 200 s of guest time.
. "$(dirname "$0")/host-lib.sh"
vm_run capture-virtio-net --smp 8 --timeout 400 --tap afvm0 --tap-addr 10.9.0.1/24 \
	--append "isolcpus=managed_irq,domain,6-7 nohz_full=5-7" -- \
	-netdev tap,id=n0,queues=4,script=no,downscript=no,ifname=afvm0 \
	-device virtio-net-pci,netdev=n0,mq=on,vectors=10,romfile=
