#!/bin/sh
# Builds the guest's initramfs: static busybox, the kernel modules the VM
# tests need (dependencies first, as modules.dep orders them) and an /init
# that mounts the host's root over 9p and runs one scenario in a chroot.
#   mkinitramfs.sh OUTDIR [KERNEL-VERSION]
# Writes OUTDIR/initramfs-<version>.cpio.gz and prints its path. Rebuilds only
# when this script, guest-init.sh or the kernel's modules.dep is newer.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
outdir=${1:?usage: mkinitramfs.sh OUTDIR [KERNEL-VERSION]}
kver=${2:-$("$here/kernel.sh" version)}
moddir=/lib/modules/$kver
busybox=${AF_VM_BUSYBOX:-/bin/busybox}

# The modules /init loads. Their dependencies come from the kernel's own
# modules.dep (modprobe --show-depends): the sets differ between kernels
# (6.12 builds virtio and crc64-rocksoft in and has no fscache module).
modules="virtio_pci virtio_net virtio_scsi nvme e1000e 9pnet_virtio 9p overlay"

die() {
	echo "mkinitramfs: $*" >&2
	exit 1
}

[ -f "$moddir/modules.dep" ] ||
	die "no $moddir/modules.dep: run tools/install-deps --test (package linux-image-amd64)"
[ -x "$busybox" ] || die "no $busybox: run tools/install-deps --test (package busybox-static)"
command -v cpio >/dev/null || die "no cpio: run tools/install-deps --test"
command -v xz >/dev/null || die "no xz: run tools/install-deps --test (package xz-utils)"

mkdir -p "$outdir"
out=$(cd "$outdir" && pwd)/initramfs-$kver.cpio.gz
if [ -f "$out" ] && [ "$out" -nt "$0" ] && [ "$out" -nt "$here/guest-init.sh" ] &&
	[ "$out" -nt "$moddir/modules.dep" ]; then
	echo "$out"
	exit 0
fi

# Dependencies first, each module once, as modprobe would insmod them;
# built-in ones are skipped.
command -v modprobe >/dev/null || die "no modprobe: run tools/install-deps --test (package kmod)"
ordered=""
for m in $modules; do
	deps=$(modprobe -S "$kver" --show-depends "$m" 2>&1) || die "$kver has no module $m: $deps"
	for file in $(echo "$deps" | awk '$1 == "insmod" { print $2 }'); do
		case " $ordered " in *" $file "*) ;; *) ordered="$ordered $file" ;; esac
	done
done

root=$(mktemp -d "$out.root.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/h" "$root/lib/modules"
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$here/guest-init.sh" "$root/init"
chmod 755 "$root/init"

: >"$root/lib/modules/load.list"
for file in $ordered; do
	base=${file##*/}
	# busybox's insmod takes plain .ko files: 6.12's are xz-compressed.
	case "$base" in
	*.ko) cp "$file" "$root/lib/modules/$base" ;;
	*.ko.xz) base=${base%.xz} && xz -dc "$file" >"$root/lib/modules/$base" ;;
	*.ko.zst) base=${base%.zst} && zstd -qdc "$file" >"$root/lib/modules/$base" ;;
	*.ko.gz) base=${base%.gz} && gzip -dc "$file" >"$root/lib/modules/$base" ;;
	*) die "unknown module file $file" ;;
	esac
	echo "$base" >>"$root/lib/modules/load.list"
done

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
