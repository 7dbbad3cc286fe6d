#!/bin/sh
# The soak: the running daemon on 4 vCPUs (CPU 3 isolated) through
# AF_SOAK_CYCLES CPU offline/online cycles (default 20, as make check runs
# it; `make soak` runs 200) and an e1000e unbind/bind every fifth cycle,
# under traffic: placement correct afterwards, RSS and open files not
# grown, no write loop, a few log lines per event (scenarios/soak.sh).
. "$(dirname "$0")/host-lib.sh"
cycles=${AF_SOAK_CYCLES:-20}
vm_run soak --smp 4 --timeout $((300 + cycles * 10)) \
	--append "isolcpus=managed_irq,domain,3 nohz_full=3 af.soak_cycles=$cycles" -- \
	-device virtio-scsi-pci,num_queues=2 \
	-netdev user,id=n1 -device e1000e,netdev=n1,romfile=
