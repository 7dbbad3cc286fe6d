#!/bin/sh
# Run-time cgroup v2 isolated partitions followed by the daemon, and its
# metrics around CPU hotplug (scenarios/cgroup-partition.sh), on Debian 12's
# newest 6.12 kernel: 6.1 has no root cpuset.cpus.isolated.
AF_VM_SLOT=${AF_VM_SLOT:-6.12}
export AF_VM_SLOT
. "$(dirname "$0")/host-lib.sh"
vm_run cgroup-partition --smp 4 --timeout 300 -- \
	-device virtio-scsi-pci,num_queues=2 \
	-netdev user,id=n1 -device e1000e,netdev=n1,romfile=
