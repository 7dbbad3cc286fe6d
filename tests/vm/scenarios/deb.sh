# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of the package test (4 vCPUs, CPUs 2-3 isolated, nvme,
# virtio-scsi, e1000e; systemd is PID 1 on an overlay of the host's root):
# what an operator does with the .deb built on the host (AF_DEB), checked
# against dpkg, systemd and the kernel. AF_IRQBALANCE_DEB is a stand-in
# irqbalance package with its environment file as a conffile.
. "$AF_SRCDIR/tests/vm/guest-lib.sh"

unit=affinityd
conf=/etc/affinityd/affinityd.conf
# The host's root carries Docker's policy-rc.d (exit 101: maintainer scripts
# start no service); a Debian machine has none, and the package's postinst
# must start the service itself.
rm -f /usr/sbin/policy-rc.d
# man-db's trigger rebuilds its index over the 9p root: minutes under
# emulation, and nothing of this test.
rm -f /var/lib/man-db/auto-update

# logged DESCRIPTION COMMAND...: check, with the command's output as
# diagnostics (dpkg talks on stdout, which is the TAP stream).
logged() {
	desc=$1
	shift
	if timeout 300 "$@" >/run/logged.out 2>&1; then ok "$desc"; else not_ok "$desc"; fi
	sed 's/^/#   /' /run/logged.out
}
# db_status PACKAGE: dpkg's state of it (installed, config-files,
# not-installed).
db_status() {
	dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || echo not-installed
}

# at STEP: how long the guest took to get there (diagnostics: dpkg reads
# its database over 9p under emulation).
at() { diag "$(cut -d' ' -f1 /proc/uptime) s after boot: $*"; }

at "scenario starts"
# udev's coldplug may still be loading drivers: their IRQs must not appear
# between the snapshot and the stop.
check "udev settles" udevadm settle --timeout=120
logged "dpkg -i the stand-in irqbalance" dpkg -i "$AF_IRQBALANCE_DEB"
irq_sample
masks >/run/masks.before
kwrites_start || not_ok "kernel-side write record"

# Type=notify: the postinst's start returns once the daemon said READY=1,
# after its first apply.
logged "dpkg -i ${AF_DEB##*/}" dpkg -i "$AF_DEB"
at "installed"
is "dpkg says it is installed" "$(db_status affinityd)" installed
is "irqbalance was removed (Conflicts+Replaces), its configuration kept" \
	"$(db_status irqbalance)" config-files
check "irqbalance's environment file is still there" grep -q IRQBALANCE_BANNED_CPUS /etc/default/irqbalance

is "the postinst enabled $unit" "$(systemctl is-enabled "$unit")" enabled
is "and started it" "$(systemctl is-active "$unit")" active
check "systemctl enable --now $unit, as an operator would" timeout 120 systemctl enable --now "$unit"
is "it is active" "$(systemctl is-active "$unit")" active
status_text=$(systemctl show -p StatusText --value "$unit")
diag "StatusText: $status_text"
check "it told systemd it is ready, with a status line" [ -n "$status_text" ]
is "the unit is the package's" "$(systemctl show -p FragmentPath --value "$unit")" \
	/lib/systemd/system/affinityd.service
conffiles=$(dpkg-query -W -f='${Conffiles}' affinityd)
diag "conffiles:$conffiles"
case "$conffiles" in
*" $conf "*) ok "$conf is a conffile" ;;
*) not_ok "$conf is a conffile" ;;
esac
check "and in place" [ -s "$conf" ]
check "/etc/affinityd/affinityd.conf.d/ exists" [ -d /etc/affinityd/affinityd.conf.d ]
check "affinityd(8) is installed" [ -f /usr/share/man/man8/affinityd.8.gz ]

# The plan applied: the movable IRQs on housekeeping CPUs 0-1.
irq_sample
eth=$(netdev_of e1000e) || not_ok "an e1000e interface exists"
scsi=$(virtio_name virtio_scsi) || not_ok "a virtio_scsi device is bound"
# e1000e's vectors by its msi_irqs: udev may rename the interface while it
# is up, and the vectors keep the name they were requested with.
rows=$(for name in nvme0q0 "$scsi-config"; do irq_find "$name"; done
for v in "/sys/class/net/$eth/device/msi_irqs/"*; do irq_row "${v##*/}"; done)
is "nvme0q0, $scsi-config and e1000e's 3 vectors" "$(count_lines "$rows")" 5
while read -r irq name mask rest; do
	if cpulist_within "$mask" 0-1; then
		ok "movable $name (IRQ $irq) on housekeeping CPUs ($mask)"
	else
		not_ok "movable $name (IRQ $irq) on housekeeping CPUs (got '$mask')"
	fi
done <<END
$rows
END
writes=$(kwrites_count affinityd)
diag "affinity writes the kernel saw from affinityd: $writes"
check "it wrote affinities" [ "$writes" -gt 0 ]

# affinityctl, when the package has it, reaches the daemon over the system bus.
if [ -x /usr/bin/affinityctl ]; then
	check "affinityctl status" timeout 60 affinityctl status
fi

# The operator's drop-in: restore the original masks when stopped.
printf '[daemon]\nrestore_on_exit=true\n' >/etc/affinityd/affinityd.conf.d/50-test.conf
check "systemctl reload $unit" systemctl reload "$unit"
is "still active after the reload" "$(systemctl is-active "$unit")" active

# dpkg -r: the prerm stops the service; configuration and state stay.
logged "dpkg -r affinityd" dpkg -r affinityd
at "removed"
is "it stopped" "$(systemctl is-active "$unit")" inactive
masks_as_before /run/masks.before "stopped, every mask is back as before it started"
is "dpkg keeps its configuration" "$(db_status affinityd)" config-files
check "the program is gone" [ ! -e /usr/sbin/affinityd ]
check "the unit is gone" [ ! -e /lib/systemd/system/affinityd.service ]
check "$conf stays" [ -s "$conf" ]
check "the state directory stays" [ -d /var/lib/affinityd ]

# dpkg --purge: configuration, enablement and state go; a file the package
# did not install stays (dpkg removes only its own).
logged "dpkg --purge affinityd" dpkg --purge affinityd
at "purged"
is "dpkg forgot it" "$(db_status affinityd)" not-installed
check "$conf is gone" [ ! -e "$conf" ]
check "the state directory is gone" [ ! -e /var/lib/affinityd ]
check "the enablement is gone" [ ! -e /etc/systemd/system/multi-user.target.wants/affinityd.service ]
check "the operator's own drop-in stays" [ -f /etc/affinityd/affinityd.conf.d/50-test.conf ]
[ "$af_failed" -eq 0 ] || journalctl -b --no-pager -u "$unit" | tail -n 40 | sed 's/^/#   /'

finish
