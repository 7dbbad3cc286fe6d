#!/bin/sh
# daemon-isolcpus.sh on Debian 12's newest 6.12 PREEMPT_RT kernel
# (kernel.sh): isolation under steady load and hotplug, every device IRQ
# handled in its irq/N thread.
AF_VM_SLOT=6.12-rt exec "$(dirname "$0")/daemon-isolcpus.sh"
