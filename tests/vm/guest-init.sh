#!/bin/sh
# /init of the VM tests' initramfs (busybox). Loads the modules, mounts the
# host's root read-only at /h and the results share read-write at
# /h/run/afvm, brings the NICs up, then runs the scenario named on the kernel
# command line in a chroot:
#   af.script=/abs/path/scenario.sh   run with the host's /bin/sh
#   af.<key>=<value>                  exported to it as AF_<KEY> (upper case)
#   af.boot=systemd                   instead of the chroot: the host's root
#                                     under a tmpfs overlay becomes the root,
#                                     systemd boots it and runs the scenario
#                                     as a service (afvm-scenario.service);
#                                     af.sh_flags=-x traces it on the console
# The scenario's stdout goes to /run/afvm/tap, its stderr to the console;
# its exit status to /run/afvm/status. Between "AFVM-BEGIN" and "AFVM-END <status>"
# on the console is the scenario's own output.
export PATH=/bin
/bin/busybox --install -s /bin

status=1
# Every exit path powers off, so the host never waits for its timeout.
finish() {
	echo "AFVM-END $status"
	[ -d /h/run/afvm ] && echo "$status" >/h/run/afvm/status
	sync
	umount /h/run/afvm 2>/dev/null
	poweroff -f
}
fail() {
	echo "AFVM-FAIL: $*"
	status=125
	finish
}

# boot_systemd: the host's root, writable through a tmpfs overlay, becomes
# the root and its systemd PID 1; the scenario runs as the only job of
# afvm.target, and the unit writes the status and powers off. Nothing it
# writes (make install, /etc, /var) reaches the host.
boot_systemd() {
	mkdir -p /o /r
	mount -t tmpfs -o mode=755 tmpfs /o || fail "mount overlay tmpfs"
	mkdir -p /o/u /o/w
	mount -t overlay overlay -o lowerdir=/h,upperdir=/o/u,workdir=/o/w /r ||
		fail "mount overlay root"
	mount -t tmpfs -o mode=755 tmpfs /r/run || fail "mount /run"
	mkdir -p /r/run/afvm
	mount -t 9p -o "$p9" results /r/run/afvm || fail "mount results"
	env=/r/etc/afvm.env
	: >"$env"
	for arg in $(cat /proc/cmdline); do
		case "$arg" in
		af.*=*)
			key=${arg%%=*}
			key=$(echo "${key#af.}" | tr a-z- A-Z_)
			echo "AF_$key=${arg#*=}" >>"$env"
			;;
		esac
	done
	echo "AF_OUT=/run/afvm" >>"$env"
	units=/r/etc/systemd/system
	mkdir -p "$units"
	cat >"$units/afvm.target" <<END
[Unit]
Description=affinityd VM test
Requires=basic.target
After=basic.target
Wants=afvm-scenario.service
AllowIsolate=yes
END
	cat >"$units/afvm-scenario.service" <<END
[Unit]
Description=affinityd VM test scenario
SuccessAction=poweroff-force
FailureAction=poweroff-force
[Service]
Type=oneshot
EnvironmentFile=/etc/afvm.env
ExecStart=/bin/sh -c 'cd / && /bin/sh \$AF_SH_FLAGS "\$AF_SCRIPT" >/run/afvm/tap; echo \$\$? >/run/afvm/status; sync'
StandardError=journal+console
TimeoutStartSec=infinity
END
	# Boot work that walks the 9p root or is of no use here costs minutes
	# under emulation (systemd-tmpfiles-setup alone more than five).
	for u in systemd-tmpfiles-setup.service systemd-tmpfiles-setup-dev.service \
		systemd-tmpfiles-clean.timer systemd-journal-flush.service \
		systemd-update-utmp.service systemd-binfmt.service systemd-pstore.service \
		systemd-timesyncd.service e2scrub_reap.service man-db.timer apt-daily.timer \
		apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer fstrim.timer; do
		ln -sf /dev/null "$units/$u"
	done
	# Not a container: systemd must see the VM it runs in.
	rm -f /r/.dockerenv /r/run/.containerenv
	mount --move /dev /r/dev || fail "move /dev"
	mount --move /proc /r/proc || fail "move /proc"
	mount --move /sys /r/sys || fail "move /sys"
	echo "AFVM-BEGIN systemd"
	exec switch_root /r /lib/systemd/systemd --unit=afvm.target \
		--show-status=true
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

while read -r ko; do
	insmod "/lib/modules/$ko" || fail "insmod $ko"
done </lib/modules/load.list

# e1000e requests its MSI-X vectors only when the link goes up.
for dev in /sys/class/net/*; do
	ip link set "${dev##*/}" up || fail "ip link set ${dev##*/} up"
done

# 9p options: the root never changes under a test, so cache it (starting a
# program from 9p is slow under emulation); results are written through.
p9="trans=virtio,version=9p2000.L,msize=262144"
mount -t 9p -o "$p9,ro,cache=loose" hostroot /h || fail "mount hostroot"

case " $(cat /proc/cmdline) " in
*" af.boot=systemd "*) boot_systemd ;;
esac
mount -t proc proc /h/proc || fail "mount /h/proc"
mount -t sysfs sysfs /h/sys || fail "mount /h/sys"
mount -t devtmpfs devtmpfs /h/dev || fail "mount /h/dev"
mount -t tmpfs -o mode=1777 tmpfs /h/tmp || fail "mount /h/tmp"
mount -t tmpfs -o mode=755 tmpfs /h/run || fail "mount /h/run"
mkdir -p /h/run/afvm
mount -t 9p -o "$p9" results /h/run/afvm || fail "mount results"
# A project tree under /tmp or /run (a CI clone) is hidden by the tmpfs
# mounts above; the host shares it again and it goes back on its own path.
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	af.tree=*)
		tree=${arg#af.tree=}
		mkdir -p "/h$tree" || fail "mkdir /h$tree"
		mount -t 9p -o "$p9,ro,cache=loose" tree "/h$tree" || fail "mount tree $tree"
		;;
	esac
done

script=""
set -- $(cat /proc/cmdline)
for arg; do
	case "$arg" in
	af.script=*) script=${arg#af.script=} ;;
	af.*=*)
		key=${arg%%=*}
		key=$(echo "${key#af.}" | tr a-z- A-Z_)
		export "AF_$key=${arg#*=}"
		;;
	esac
done
[ -n "$script" ] || fail "no af.script= on the kernel command line"
export AF_OUT=/run/afvm

echo "AFVM-BEGIN $script"
chroot /h /bin/sh -c 'cd / && exec /bin/sh "$0" >/run/afvm/tap' "$script"
status=$?
finish
