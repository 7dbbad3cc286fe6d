#!/bin/sh
# Network steering on a real kernel (scenarios/steering.sh): 8 vCPUs, CPUs
# 6-7 isolated by isolcpus=, 5-7 by nohz_full=, virtio-net with 4 queue
# pairs on a tap in the test's network namespace, e1000e. Builds the
# cpu_rmap test module (rmap/) for the kernel the guest boots first.
. "$(dirname "$0")/host-lib.sh"
mkdir -p "$vm_here/work"
kver=$("$vm_here/kernel.sh" version) || kver=""
ko=none
if [ -n "$kver" ]; then
	if built=$(flock "$vm_here/work/.lock" "$vm_here/rmap/build.sh" "$vm_here/work" "$kver" 2>"$vm_here/work/rmap-build.err"); then
		ko=$built
	else
		sed 's/^/# /' "$vm_here/work/rmap-build.err"
	fi
fi
# From the namespace, 200 datagrams a second over 64 flows into the guest's
# virtio-net (its address and MAC are fixed: no ARP needed), for 20 minutes
# at most (the guest's 600 s, doubled when two guests run; killed when the
# guest ends).
traffic="ip neigh replace 10.9.2.2 lladdr 52:54:00:af:02:02 dev afvs0 nud permanent &&
	exec $AF_TOP_BUILDDIR/tests/vm/afvm-traffic 10.9.2.2 64 200 1200"
vm_run steering --smp 8 --timeout 600 --tap afvs0 --tap-addr 10.9.2.1/24 --ns-run "$traffic" \
	--append "isolcpus=managed_irq,domain,6-7 nohz_full=5-7 af.rmap_ko=$ko" -- \
	-netdev tap,id=n0,queues=4,script=no,downscript=no,ifname=afvs0 \
	-device virtio-net-pci,netdev=n0,mq=on,vectors=10,romfile=,mac=52:54:00:af:02:02 \
	-netdev user,id=n1 -device e1000e,netdev=n1,romfile=
