#!/bin/sh
# The installed service under a real systemd: `make install` into a staging
# tree the guest copies over its (overlay) root, then `systemctl enable --now
# affinityd`, the journal's fields, reload, capabilities and restore on stop
# (scenarios/systemd.sh). The guest boots the host's root with systemd as
# PID 1 (af.boot=systemd in guest-init.sh); nothing reaches the host's /.
. "$(dirname "$0")/host-lib.sh"
inst=$AF_TOP_BUILDDIR/tests/vm/out/${AF_VM_SLOT:-6.1}/systemd-inst
rm -rf "$inst"
mkdir -p "${inst%/*}"
if ! make -s -C "$AF_TOP_BUILDDIR" install DESTDIR="$inst" >"$inst.log" 2>&1; then
	echo "not ok 1 - make install DESTDIR=$inst"
	sed 's/^/# /' "$inst.log"
	echo "1..1"
	exit 1
fi
# -nodefaults and no KVM modules: udev's coldplug of a full QEMU machine
# (VGA, CD-ROM, nested KVM) costs minutes under emulation.
vm_run systemd --smp 4 --timeout 420 \
	--append "af.boot=systemd af.inst=$inst isolcpus=domain,2-3 modprobe.blacklist=kvm,kvm_amd,kvm_intel" -- \
	-nodefaults \
	-drive file=/dev/null,if=none,id=nv0,format=raw,readonly=on \
	-device nvme,drive=nv0,serial=x1 \
	-device virtio-scsi-pci,num_queues=2 \
	-netdev user,id=n1 -device e1000e,netdev=n1,romfile=
