#!/bin/sh
# Finds the kernel a VM test boots. The tests name a kernel slot: a Debian 12
# series and flavour, booted in its newest installed build (a
# /boot/vmlinuz-<v> whose /lib/modules/<v>/modules.dep exists):
#   6.1       linux-image-amd64          (6.1.0-N-amd64)
#   6.12      linux-image-6.12-amd64     (6.12.N+deb12-amd64)
#   6.12-rt   linux-image-6.12-rt-amd64  (6.12.N+deb12-rt-amd64, PREEMPT_RT)
# AF_VM_KERNEL_VERSION=<v> boots that build in the slot of its series and
# flavour, the other slots keep theirs; a build of a series without a slot
# (a kernel of your own) takes the 6.1 slot, or the 6.12-rt one if it is
# PREEMPT_RT.
#   kernel.sh [SLOT] version   prints <v> (SLOT defaults to $AF_VM_SLOT, else 6.1)
#   kernel.sh [SLOT] image     prints /boot/vmlinuz-<v>
# SLOT may also be an installed version: that one is booted.
set -eu

slots="6.1 6.12 6.12-rt"

# series VERSION: "6.12", "6.12-rt", "6.1" (major.minor, "-rt" for PREEMPT_RT,
# from the kernel's config when installed, else from its name).
series() {
	v=$1
	mm=$(echo "$v" | sed -n 's/^\([0-9][0-9]*\.[0-9][0-9]*\).*/\1/p')
	rt=""
	if [ -r "/boot/config-$v" ]; then
		grep -q '^CONFIG_PREEMPT_RT=y' "/boot/config-$v" && rt=-rt
	else
		case "$v" in *-rt-* | *-rt) rt=-rt ;; esac
	fi
	echo "$mm$rt"
}

# slot_of VERSION: the slot that boots VERSION when AF_VM_KERNEL_VERSION names it.
slot_of() {
	s=$(series "$1")
	case " $slots " in *" $s "*) echo "$s" && return ;; esac
	case "$s" in *-rt) echo 6.12-rt ;; *) echo 6.1 ;; esac
}

# installed: every version with an image and modules, oldest first.
installed() {
	for image in /boot/vmlinuz-*; do
		[ -f "$image" ] || continue
		v=${image#/boot/vmlinuz-}
		[ -f "/lib/modules/$v/modules.dep" ] && echo "$v"
	done | sort -V
}

package_of() {
	case "$1" in
	6.1) echo linux-image-amd64 ;;
	6.12) echo linux-image-6.12-amd64 ;;
	6.12-rt) echo linux-image-6.12-rt-amd64 ;;
	esac
}

case $# in
1) slot=${AF_VM_SLOT:-6.1} what=$1 ;;
2) slot=$1 what=$2 ;;
*) echo "usage: kernel.sh [SLOT] version|image" >&2 && exit 2 ;;
esac
v=""
case " $slots " in
*" $slot "*)
	want=${AF_VM_KERNEL_VERSION:-}
	if [ -n "$want" ] && [ "$(slot_of "$want")" = "$slot" ]; then
		v=$want
	else
		for c in $(installed); do
			[ "$(series "$c")" = "$slot" ] && v=$c
		done
	fi
	;;
*)
	[ -e "/boot/vmlinuz-$slot" ] ||
		{ echo "kernel.sh: '$slot' is neither a kernel slot ($slots) nor an installed kernel" >&2 && exit 2; }
	v=$slot
	;;
esac
if [ -z "$v" ]; then
	echo "kernel.sh: no $slot kernel (/boot/vmlinuz-* with /lib/modules/*/modules.dep): run tools/install-deps --test (package $(package_of "$slot"))" >&2
	exit 1
fi
if [ ! -r "/boot/vmlinuz-$v" ] || [ ! -f "/lib/modules/$v/modules.dep" ]; then
	echo "kernel.sh: $v: no readable /boot/vmlinuz-$v with /lib/modules/$v/modules.dep" >&2
	exit 1
fi
case "$what" in
version) echo "$v" ;;
image) echo "/boot/vmlinuz-$v" ;;
*) echo "usage: kernel.sh [SLOT] version|image" >&2 && exit 2 ;;
esac
