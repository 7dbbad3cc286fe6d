# Guest side of the orchestrator test (4 vCPUs, no boot isolation, nvme,
# virtio-scsi, e1000e): the running daemon follows, without a restart, what
# CRI-O does to a node when a pod with irq-load-balancing.crio.io: disable
# starts and stops, and a ban by `affinityctl ban` over D-Bus. Each change is
# timed on the kernel's own clock: a mark written into the trace buffer just
# before the change, then the kernel-side write record of the daemon's
# affinity writes (kwrites) up to the moment it falls quiet. The figures are
# printed (the target is 100 ms); the test asserts correctness and only a
# generous bound (10 s).
#   a) CRI-O on a node without irqbalance (affinityd(8), ORCHESTRATORS):
#      default_smp_affinity narrowed, then irqbalance's environment file
#      rewritten in place with IRQBALANCE_BANNED_CPUS, then CRI-O's restart
#      step, which finds irqbalance neither enabled nor installed and does
#      nothing: the daemon alone moves every movable IRQ off the pod's CPUs.
#      The pod stops: both given back, the IRQs may return.
#   a') CRI-O where irqbalance is installed but disabled: its irqbalance
#      --oneshot (played here by a loop) has cleared the pod's CPUs from
#      every IRQ mask before the file changes: the daemon puts none back.
#   b) `affinityctl ban --owner NAME CPULIST` (a private system bus): every
#      movable IRQ is off those CPUs when the command returns; unbanned,
#      they may return.
. "$AF_SRCDIR/tests/vm/guest-lib.sh"

AF_CTL=$AF_BUILDDIR/daemon/affinityctl
conf=$AF_OUT/affinityd.conf
state=$AF_OUT/state
# The shipped defaults (debounce, scan interval) but the restore on stop.
printf '[daemon]\nrestore_on_exit=true\n' >"$conf"
pod=2-3 pod_mask=c all_mask=f
envfile=/etc/default/irqbalance

# The root is the host's, read-only: a writable copy of /etc/default in its
# place, where CRI-O (irqbalance_config_file on Debian) and tuned write.
mkdir -p /run/afvm-etc-default
cp -a /etc/default/. /run/afvm-etc-default/ 2>/dev/null
check "a writable /etc/default (a copy bound over it)" \
	mount --bind /run/afvm-etc-default /etc/default
echo 'IRQBALANCE_ARGS=""' >"$envfile"

# The trace buffer's clock stamps both the marks and the writes.
kmark() { echo "afvm-mark $1" >$AF_TRACE/trace_marker; }
# kreaction MARK COMMAND: "N FIRST LAST" of COMMAND's affinity writes after
# MARK (and before the next mark): how many, and the first and last one's
# delay after MARK in ms (- when none).
kreaction() {
	awk -v m="afvm-mark $1" -v c="$2" '
	function ts(   i) {
		for (i = 2; i <= NF; i++)
			if ($i ~ /^[0-9]+\.[0-9]+:$/)
				return substr($i, 1, length($i) - 1) + 0
		return -1
	}
	/tracing_mark_write: / {
		if (index($0, m)) { t0 = ts(); on = 1 } else if (on) { exit }
		next
	}
	on && / af_r_[a-z_]*: / {
		comm = $1; sub(/-[0-9]+$/, "", comm)
		if (comm != c) next
		t = ts(); n++
		if (n == 1) first = t
		last = t
	}
	END {
		if (n) printf "%d %.1f %.1f\n", n, (first - t0) * 1000, (last - t0) * 1000
		else print "0 - -"
	}' $AF_TRACE/trace
}
# Nothing of the test may compete with the daemon for the guest's CPUs
# while it reacts: starting a program costs a lot under emulation. So the
# pause after a change is a sleep started before it: quiet_start starts it
# and lets its start-up pass; reacted waits for it (a shell built-in).
quiet_start() {
	sleep 3 &
	quiet=$!
	sleep 0.5
}
# reacted DESCRIPTION MARK: after the pause, waits until the daemon has
# written nothing for 2 s (a failure guard: 10 s), then prints its writes
# after MARK.
reacted() {
	wait "$quiet"
	check "$1: the daemon falls quiet (within 10 s)" wait_quiet affinityd 2 10
	set -- "$1" $(kreaction "$2" affinityd)
	diag "$1: $2 affinity writes by affinityd, the first $3 ms and the last $4 ms after the change"
	case "$4" in -) ;; *) echo "$1 $4" >>"$AF_OUT/latencies" ;; esac
	last_ms=$4
}
# daemon_since WHY N: the daemon's own figures of its replans for WHY after
# the first N, from the event's arrival to its last write ("Replan (WHY):
# ... T ms since the first event") and their read/plan/writes parts.
daemon_since() {
	grep -- "Replan ($1)" "$log" | tail -n +$(($2 + 1)) |
		sed 's/.* \([0-9.]* ms since the first event.*\)/\1/' | tr '\n' '|'
}
# within_bound: the last write of the reaction within the generous bound.
within_bound() { [ "$last_ms" != - ] && [ "${last_ms%.*}" -lt 10000 ]; }
# none_or_within_bound: no write at all (nothing was needed), or within it.
none_or_within_bound() { [ "$last_ms" = - ] || within_bound; }

# CRI-O's restart step (internal/runtimehandlerhooks): `systemctl restart
# irqbalance` when `systemctl is-enabled irqbalance` says enabled, else
# `irqbalance --oneshot` when it is installed, else nothing. Prints what it
# did; runs neither here (the setup affinityd(8) documents).
crio_restart_irqbalance() {
	if [ "$(systemctl is-enabled irqbalance 2>/dev/null)" = enabled ]; then
		echo "systemctl restart irqbalance"
	elif command -v irqbalance >/dev/null; then
		echo "irqbalance --oneshot"
	else
		echo nothing
	fi
}
# clear_pod_from_masks: what irqbalance --oneshot with the pod's CPUs banned
# leaves: the pod's CPUs out of every IRQ mask the kernel lets user space
# write (the rest of the mask, or the housekeeping CPUs when nothing is
# left). Shell built-ins only: no process per IRQ.
clear_pod_from_masks() {
	cleared=0
	for f in /proc/irq/*/smp_affinity; do
		read -r m <"$f" || continue
		m=$((0x$m & 0xf))
		[ $((m & 0x$pod_mask)) -ne 0 ] || continue
		n=$((m & ~0x$pod_mask & 0xf))
		[ "$n" -ne 0 ] || n=$((0x$all_mask & ~0x$pod_mask))
		printf '%x\n' "$n" 2>/dev/null >"$f" && cleared=$((cleared + 1))
	done
}

# The private system bus affinityctl and the daemon meet on; the daemon's
# own check of the caller's uid still applies (the policy file is
# systemd.sh's).
sed "s|@SOCKET@|/run/afvm-bus|" "$AF_SRCDIR/tests/private-bus.conf" >"$AF_OUT/bus.conf"
dbus-daemon --config-file="$AF_OUT/bus.conf" --fork --print-pid=3 3>"$AF_OUT/bus.pid" ||
	not_ok "a private system bus (dbus-daemon)"
export DBUS_SYSTEM_BUS_ADDRESS=unix:path=/run/afvm-bus

irq_sample
scsi=$(virtio_name virtio_scsi) || not_ok "a virtio_scsi device is bound"
eth=$(netdev_of e1000e) || not_ok "an e1000e interface exists"
rows=$(for name in nvme0q0 "$scsi-config" "$scsi-control" "$scsi-event"; do irq_find "$name"; done
for v in "/sys/class/net/$eth/device/msi_irqs/"*; do irq_row "${v##*/}"; done)
movable=$(echo "$rows" | awk '{ print $1 }' | tr '\n' ' ')
is "nvme0q0, $scsi's config, control and event, e1000e's 3 vectors" "$(count_lines "$rows")" 7
check "the kernel-side write record starts" kwrites_start
# The masks of those IRQs, to be put back on the daemon's stop (the others
# the loop of a') leaves changed).
movable_masks() {
	masks | while read -r irq mask; do
		case " $movable " in *" $irq "*) echo "$irq $mask" ;; esac
	done
}
movable_masks >"$AF_OUT/masks.before"

G_MESSAGES_DEBUG=all "$AF_DAEMON" --foreground --config "$conf" --state-dir "$state" \
	--bus "$DBUS_SYSTEM_BUS_ADDRESS" >"$AF_OUT/daemon.log" 2>&1 &
pid=$!
log=$AF_OUT/daemon.log
check "the daemon starts, with its D-Bus API" wait_log "D-Bus API org.affinityd1"
check "and falls quiet after its first placement" wait_quiet affinityd 2 60
irq_sample
diag "placement without isolation: $(movable_outside 0-1 | tr '\n' ' ')"
check "some movable IRQs are on the pod's CPUs $pod to begin with" [ -n "$(movable_outside 0-1)" ]

# a) The pod starts: CRI-O's order, the mask first, the file second, then
# its restart step. Built-ins only between the mark and the file.
is "CRI-O's restart step finds irqbalance neither enabled nor installed" \
	"$(crio_restart_irqbalance)" nothing
# Both writes back to back, as CRI-O makes them: a scan between them
# would see the mask alone.
kwrites_clear
n0=$(log_count "Replan (isolation)")
quiet_start
kmark crio-start
echo 3 >/proc/irq/default_smp_affinity
printf 'IRQBALANCE_ARGS=""\nIRQBALANCE_BANNED_CPUS="0000000%s"\n' "$pod_mask" >"$envfile"
reacted "a: CRI-O pod start on $pod -> IRQs off" crio-start
diag "a: the daemon's own account: $(daemon_since isolation "$n0")"
irq_sample
is "a: every movable IRQ is off the pod's CPUs" "$(movable_outside 0-1)" ""
check "a: within the generous bound (10 s)" within_bound
is "a: no restart (the same daemon runs)" "$(log_count "Started")" 1
plan=$("$AF_DAEMON" --dry-run --json --config "$conf" --state-dir "$AF_OUT/dry" 2>/dev/null |
	tr -d ' \n' | sed -n 's/.*"sources":{\([^}]*\)}.*/\1/p')
diag "the dry-run's sources: $plan"
case "$plan" in
*'"irqbalance_env":"2-3"'*'"default_smp_affinity":"2-3"'* | \
	*'"default_smp_affinity":"2-3"'*'"irqbalance_env":"2-3"'*)
	ok "a: the dry-run names both sources" ;;
*'"irqbalance_env":"2-3"'*) ok "a: the dry-run names irqbalance_env (a first look: the file already bans the mask's CPUs)" ;;
*) not_ok "a: the dry-run names irqbalance_env" ;;
esac
# The pod stops: both given back.
quiet_start
kmark crio-stop
echo $all_mask >/proc/irq/default_smp_affinity
printf 'IRQBALANCE_ARGS=""\nIRQBALANCE_BANNED_CPUS="00000000"\n' >"$envfile"
reacted "a: CRI-O pod stop -> IRQs may return" crio-stop
irq_sample
check "a: the pod's CPUs serve IRQs again" [ -n "$(movable_outside 0-1)" ]

# a') irqbalance --oneshot has cleared the masks before the file changes.
echo 3 >/proc/irq/default_smp_affinity
clear_pod_from_masks
diag "a': the pod's CPUs cleared from $cleared masks"
irq_sample
is "a': the loop took every movable IRQ off the pod's CPUs" "$(movable_outside 0-1)" ""
quiet_start
kmark crio-oneshot
printf 'IRQBALANCE_ARGS=""\nIRQBALANCE_BANNED_CPUS="0000000%s"\n' "$pod_mask" >"$envfile"
reacted "a': CRI-O pod start after irqbalance --oneshot" crio-oneshot
irq_sample
is "a': the daemon put no movable IRQ back on the pod's CPUs" "$(movable_outside 0-1)" ""
check "a': within the generous bound (10 s)" none_or_within_bound
quiet_start
kmark crio-oneshot-stop
echo $all_mask >/proc/irq/default_smp_affinity
printf 'IRQBALANCE_ARGS=""\n' >"$envfile"
reacted "a': CRI-O pod stop" crio-oneshot-stop
irq_sample
check "a': the pod's CPUs serve IRQs again" [ -n "$(movable_outside 0-1)" ]

# b) A ban by affinityctl: timed from the command's start, on the kernel's
# clock, and by the command's return.
ban=1-2
diag "before the ban: $(movable_outside 0,3 | tr '\n' ' ')"
check "b: some movable IRQs are on CPUs $ban before the ban" [ -n "$(movable_outside 0,3)" ]
n0=$(log_count "Replan (ban)")
quiet_start
kmark ban
start_ms=$(now_ms)
check "b: affinityctl ban --owner vmtest $ban" "$AF_CTL" ban --owner vmtest $ban
returned_ms=$(($(now_ms) - start_ms))
irq_sample
is "b: when it returns, every movable IRQ is off CPUs $ban" "$(movable_outside 0,3)" ""
diag "b: affinityctl ban returned after $returned_ms ms (/proc/uptime, 10 ms steps)"
reacted "b: affinityctl ban $ban -> IRQs off" ban
diag "b: the daemon's own account, from the D-Bus call: $(daemon_since ban "$n0")"
check "b: within the generous bound (10 s)" within_bound
case "$("$AF_CTL" bans)" in
*"vmtest  $ban"*) ok "b: affinityctl bans lists it" ;;
*) not_ok "b: affinityctl bans lists it" ;;
esac
quiet_start
kmark unban
check "b: affinityctl unban --owner vmtest" "$AF_CTL" unban --owner vmtest
reacted "b: unban -> IRQs may return" unban
irq_sample
check "b: CPUs $ban serve IRQs again" [ -n "$(movable_outside 0,3)" ]
is "no restart through it all" "$(log_count "Started")" 1

daemon_stop TERM
is "SIGTERM stops it with status 0" "$status" 0
kill "$(cat "$AF_OUT/bus.pid")" 2>/dev/null
irq_sample
movable_masks >"$AF_OUT/masks.after"
if cmp -s "$AF_OUT/masks.before" "$AF_OUT/masks.after"; then
	ok "stopped, every movable IRQ's mask is back as before it started"
else
	not_ok "stopped, every movable IRQ's mask is back as before it started"
	diff "$AF_OUT/masks.before" "$AF_OUT/masks.after" | sed 's/^/#   /'
fi
[ "$af_failed" -eq 0 ] || sed 's/^/#   /' "$log" | tail -n 60
finish
