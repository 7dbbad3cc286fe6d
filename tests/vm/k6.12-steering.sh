#!/bin/sh
# steering.sh on Debian 12's newest 6.12 kernel (kernel.sh): the cpu_rmap
# module built against its headers; 6.12 has no notifier fix either.
AF_VM_SLOT=6.12 exec "$(dirname "$0")/steering.sh"
