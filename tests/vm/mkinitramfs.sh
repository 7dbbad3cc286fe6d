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

# The modules /init loads; their own dependencies are added in front.
modules="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci
	failover net_failover virtio_net scsi_common scsi_mod virtio_scsi
	crc64 crc64-rocksoft crct10dif_common crc-t10dif t10-pi nvme-core nvme
	e1000e 9pnet 9pnet_virtio netfs fscache 9p overlay"

die() {
	echo "mkinitramfs: $*" >&2
	exit 1
}

[ -f "$moddir/modules.dep" ] ||
	die "no $moddir/modules.dep: run tools/install-deps --test (package linux-image-amd64)"
[ -x "$busybox" ] || die "no $busybox: run tools/install-deps --test (package busybox-static)"
command -v cpio >/dev/null || die "no cpio: run tools/install-deps --test"

mkdir -p "$outdir"
out=$(cd "$outdir" && pwd)/initramfs-$kver.cpio.gz
if [ -f "$out" ] && [ "$out" -nt "$0" ] && [ "$out" -nt "$here/guest-init.sh" ] &&
	[ "$out" -nt "$moddir/modules.dep" ]; then
	echo "$out"
	exit 0
fi

# Dependencies first, depth first, each module once. Module names use '-'
# and '_' interchangeably; modules.dep lists a module's direct dependencies
# first, so they are visited from the far end.
ordered=$(awk -v want="$modules" '
	function key(path,  b) {
		b = path; sub(/.*\//, "", b); sub(/\.ko(\.[a-z]+)?$/, "", b)
		gsub(/-/, "_", b)
		return b
	}
	function add(name,  i, n, parts) {
		if (!(name in file)) { missing = missing " " name; return }
		if (name in done) return
		done[name] = 1
		n = split(deps[name], parts, " ")
		for (i = n; i > 0; i--) add(key(parts[i]))
		print file[name]
	}
	{
		f = $1; sub(/:$/, "", f)
		k = key(f); file[k] = f
		d = ""; for (i = 2; i <= NF; i++) d = d " " $i
		deps[k] = d
	}
	END {
		n = split(want, names, /[ \t\n]+/)
		for (i = 1; i <= n; i++) if (names[i] != "") { m = names[i]; gsub(/-/, "_", m); add(m) }
		if (missing != "") { print "MISSING" missing; exit 1 }
	}' "$moddir/modules.dep") || die "not in $moddir/modules.dep:${ordered#*MISSING}"

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
	case "$base" in
	*.ko) cp "$moddir/$file" "$root/lib/modules/$base" ;;
	*.ko.xz) base=${base%.xz} && xz -dc "$moddir/$file" >"$root/lib/modules/$base" ;;
	*.ko.zst) base=${base%.zst} && zstd -qdc "$moddir/$file" >"$root/lib/modules/$base" ;;
	*.ko.gz) base=${base%.gz} && gzip -dc "$moddir/$file" >"$root/lib/modules/$base" ;;
	*) die "unknown module file $file" ;;
	esac
	echo "$base" >>"$root/lib/modules/load.list"
done

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
