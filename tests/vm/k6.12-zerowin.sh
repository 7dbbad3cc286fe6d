#!/bin/sh
# zerowin.sh on Debian 12's newest 6.12 kernel (kernel.sh).
AF_VM_SLOT=6.12 exec "$(dirname "$0")/zerowin.sh"
