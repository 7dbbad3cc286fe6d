#!/bin/sh
# Two NUMA nodes of 8 vCPUs, an e1000e behind a PCI expander bridge on node
# 1: the device's locality and its IRQs' planned CPUs (scenarios/numa-pxb.sh).
. "$(dirname "$0")/host-lib.sh"
# An Intel vendor: TCG lacks AMD's topoext, without which an AMD "max" CPU
# shows no hardware threads (threads=2 would be lost).
vm_run numa-pxb --smp 16,sockets=2,cores=4,threads=2 --cpu max,vendor=GenuineIntel --mem 1024 --timeout 400 \
	--append "isolcpus=managed_irq,domain,4-7,12-15 nohz_full=4-7,12-15 irqaffinity=0-3,8-11" -- \
	-object memory-backend-ram,id=m0,size=512M -object memory-backend-ram,id=m1,size=512M \
	-numa node,nodeid=0,cpus=0-7,memdev=m0 -numa node,nodeid=1,cpus=8-15,memdev=m1 \
	-device pxb,id=pxb1,bus_nr=64,numa_node=1,bus=pci.0 \
	-device pci-bridge,id=br1,bus=pxb1,chassis_nr=1 \
	-netdev user,id=n1 -device e1000e,netdev=n1,romfile=,bus=br1,addr=1
