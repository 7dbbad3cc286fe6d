#!/bin/sh
# Finds the kernel the VM tests boot: the newest /boot/vmlinuz-<v> whose
# modules are installed (AF_VM_KERNEL_VERSION picks another).
#   kernel.sh version   prints <v>
#   kernel.sh image     prints /boot/vmlinuz-<v>
set -eu

pick() {
	if [ -n "${AF_VM_KERNEL_VERSION:-}" ]; then
		echo "$AF_VM_KERNEL_VERSION"
		return
	fi
	for image in /boot/vmlinuz-*; do
		[ -f "$image" ] || continue
		v=${image#/boot/vmlinuz-}
		[ -f "/lib/modules/$v/modules.dep" ] && echo "$v"
	done | sort -V | tail -n 1
}

v=$(pick)
if [ -z "$v" ] || [ ! -r "/boot/vmlinuz-$v" ] || [ ! -f "/lib/modules/$v/modules.dep" ]; then
	echo "kernel.sh: no readable /boot/vmlinuz-* with modules under /lib/modules: run tools/install-deps --test (package linux-image-amd64)" >&2
	exit 1
fi
case "${1:-version}" in
version) echo "$v" ;;
image) echo "/boot/vmlinuz-$v" ;;
*) echo "usage: kernel.sh version|image" >&2 && exit 2 ;;
esac
