#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian package, as a user gets it: the release tree (make distdir),
# `dpkg-buildpackage -us -uc` in it (as nobody where nobody can reach the
# tree: Rules-Requires-Root: no), lintian on the source and binary
# packages, then in a guest booted with systemd as PID 1 (af.boot=systemd)
# `dpkg -i`, `systemctl enable --now`, remove and purge (scenarios/deb.sh).
# The guest's root is an overlay of the host's: the package is never
# installed on this machine. The package test is the kernel's business only
# through the plan it applies, so it runs on the 6.1 slot alone.
. "$(dirname "$0")/host-lib.sh"
pkg=$AF_TOP_BUILDDIR/tests/vm/out/deb-pkg
src=$pkg/affinityd

# deb_fail DESCRIPTION LOG: a host-side step failed; nothing to boot.
deb_fail() {
	vm_not_ok "$1"
	[ -f "$2" ] && tail -n 40 "$2" | sed 's/^/# /'
	echo "1..$vm_count"
	exit 1
}

rm -rf "$pkg"
mkdir -p "$pkg"
make -s -C "$AF_TOP_BUILDDIR" distdir distdir="$src" >"$pkg/distdir.log" 2>&1 ||
	deb_fail "make distdir (the release tree)" "$pkg/distdir.log"
vm_ok "make distdir (the release tree)"

# The source package and the binary one (the README's `-b` builds the
# second alone). The build must need no root: as nobody when nobody can
# reach the tree.
as=""
chown -R nobody "$pkg"
if [ "$(id -u)" = 0 ] && runuser -u nobody -- test -w "$src" 2>/dev/null; then
	as="runuser -u nobody --"
else
	echo "# nobody cannot reach $pkg: building as $(id -un)"
	chown -R "$(id -u)" "$pkg"
fi
# The project's own tests run in make check; the package build's dh_auto_test
# (unit and end-to-end tests, never the VM tests) is left out here for time,
# and so is the debug symbols package nobody installs here.
t0=$(date +%s)
if (cd "$src" && $as env HOME="$pkg" DEB_BUILD_OPTIONS="nocheck noautodbgsym parallel=2" \
	dpkg-buildpackage -us -uc) >"$pkg/build.log" 2>&1; then
	vm_ok "dpkg-buildpackage -us -uc${as:+ as nobody}"
else
	deb_fail "dpkg-buildpackage -us -uc${as:+ as nobody}" "$pkg/build.log"
fi
echo "# dpkg-buildpackage: $(($(date +%s) - t0)) s"
version=$(sed -n '1s/^affinityd (\([^)]*\)) .*/\1/p' "$src/debian/changelog")
deb=$pkg/affinityd_${version}_$(dpkg --print-architecture).deb
[ -f "$deb" ] || deb_fail "the package $deb exists" ""

# lintian on both packages: no error, no warning (informational tags are
# shown).
t0=$(date +%s)
if $as env HOME="$pkg" lintian --fail-on error,warning -I "$pkg"/affinityd_*.changes \
	>"$pkg/lintian.log" 2>&1; then
	vm_ok "lintian: no errors or warnings"
else
	vm_not_ok "lintian: no errors or warnings"
fi
sed 's/^/# lintian: /' "$pkg/lintian.log"
echo "# lintian: $(($(date +%s) - t0)) s"

# The package carries what make install installs: the same file names
# (paths differ with the prefix; dpkg adds copyright and changelog, and
# compresses man pages).
make -s -C "$AF_TOP_BUILDDIR" install DESTDIR="$pkg/inst" >"$pkg/install.log" 2>&1 ||
	deb_fail "make install DESTDIR=$pkg/inst" "$pkg/install.log"
(cd "$pkg/inst" && find . ! -type d) | sed 's|.*/||' | sort >"$pkg/install.files"
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $6 }' | sed 's|.*/||; s|\.gz$||' |
	grep -vx -e copyright -e changelog | sort >"$pkg/deb.files"
missing=$(comm -23 "$pkg/install.files" "$pkg/deb.files" | xargs)
if [ -z "$missing" ] && [ -s "$pkg/install.files" ]; then
	vm_ok "the package holds every file make install installs ($(xargs <"$pkg/install.files"))"
else
	vm_not_ok "the package holds every file make install installs (missing: $missing)"
fi
# A D-Bus policy goes where dbus-daemon reads packages' policies.
dpkg-deb -c "$deb" | awk '{ print $6 }' | grep 'dbus-1/.*\.conf$' >"$pkg/dbus.files"
if grep -qv '^\./usr/share/dbus-1/system\.d/' "$pkg/dbus.files"; then
	vm_not_ok "its D-Bus policy is under /usr/share/dbus-1/system.d ($(xargs <"$pkg/dbus.files"))"
else
	vm_ok "its D-Bus policy, if any, is under /usr/share/dbus-1/system.d ($(xargs <"$pkg/dbus.files"))"
fi
fields=$(dpkg-deb -f "$deb" Conflicts Replaces | xargs)
if [ "$fields" = "Conflicts: irqbalance Replaces: irqbalance" ]; then
	vm_ok "it conflicts with and replaces irqbalance"
else
	vm_not_ok "it conflicts with and replaces irqbalance (got '$fields')"
fi

# A stand-in for Debian's irqbalance: its environment file as a conffile,
# which must outlive the swap (affinityd reads it).
fake=$pkg/irqbalance
mkdir -p "$fake/DEBIAN" "$fake/etc/default"
printf 'Package: irqbalance\nVersion: 1.9.2-1~afvm\nArchitecture: all\nMaintainer: affinityd tests <afvm@localhost>\nDescription: stand-in for the affinityd package test\n' \
	>"$fake/DEBIAN/control"
echo /etc/default/irqbalance >"$fake/DEBIAN/conffiles"
echo 'IRQBALANCE_BANNED_CPUS=0000000c' >"$fake/etc/default/irqbalance"
dpkg-deb --root-owner-group -b "$fake" "$pkg/irqbalance.deb" >"$pkg/irqbalance.log" 2>&1 ||
	deb_fail "a stand-in irqbalance package" "$pkg/irqbalance.log"

# The devices and boot of systemd.sh: -nodefaults and no KVM modules, since
# udev's coldplug of a full QEMU machine costs minutes under emulation.
vm_run deb --smp 4 --timeout 600 \
	--append "af.boot=systemd af.deb=$deb af.irqbalance_deb=$pkg/irqbalance.deb isolcpus=domain,2-3 modprobe.blacklist=kvm,kvm_amd,kvm_intel" -- \
	-nodefaults \
	-drive file=/dev/null,if=none,id=nv0,format=raw,readonly=on \
	-device nvme,drive=nv0,serial=x1 \
	-device virtio-scsi-pci,num_queues=2 \
	-netdev user,id=n1 -device e1000e,netdev=n1,romfile=
