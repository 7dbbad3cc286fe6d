# Guest side of a reload (4 vCPUs, CPU 3 isolated with
# isolcpus=domain, nvme, virtio-scsi num_queues=2, e1000e): the running
# daemon, restore_on_exit=true, gets a configuration that also isolates
# CPU 2 and SIGHUP: its IRQs leave CPU 2 without a restart. A broken
# configuration and SIGHUP: the error is logged with the file's path and the
# running configuration stays (an IRQ put on CPU 2 meanwhile is moved off
# it again). SIGTERM then puts back every mask from before the daemon ran.
# Movable is the kernel's word: the probe writes each IRQ's own mask back.
. "$AF_SRCDIR/tests/vm/guest-lib.sh"

conf=$AF_OUT/affinityd.conf
state=$AF_OUT/state
D=affinityd
EVENT_BOUND=10 QUIET=2 SETTLE_BOUND=30
printf '[daemon]\ndebounce_ms=5\nrestore_on_exit=true\n' >"$conf"

check "the kernel-side write record starts" kwrites_start
"$AF_PROBE" rewrite >"$AF_OUT/rewrite"
irq_sample
masks >"$AF_OUT/masks.before"
movable=$(while read -r irq res; do
	set -- $(irq_row "$irq")
	[ "$res" = ok ] && [ "${2:--}" != - ] && echo "$irq"
done <"$AF_OUT/rewrite")
movable=$(echo $movable)
diag "movable IRQs (the kernel takes their own mask): $movable"
hk0=$(housekeeping_cpus)
set -- $(cpulist_expand "$hk0")
shift $(($# - 1))
extra=$1 # the last housekeeping CPU: the configuration isolates it next
hk1=$(cpulist_minus "$hk0" "$extra")
diag "housekeeping CPUs $hk0; the new configuration isolates CPU $extra too: $hk1"
check "housekeeping CPUs remain after isolating CPU $extra" [ -n "$hk1" ]

# wait_within ALLOWED: polls (bound $EVENT_BOUND s) until every movable
# IRQ's mask is within ALLOWED; prints the milliseconds it took.
wait_within() {
	t=$(now_ms)
	while :; do
		irq_sample
		[ -z "$(movable_outside "$1")" ] && echo $(($(now_ms) - t)) && return 0
		[ $(($(now_ms) - t)) -gt $((EVENT_BOUND * 1000)) ] && return 1
		sleep 0.1
	done
}

daemon_start daemon
first_pid=$pid
check "the daemon starts and applies" wait_log "Started"
check "its writes settle" wait_quiet $D $QUIET $SETTLE_BOUND
irq_sample
is "every movable IRQ requests housekeeping CPUs ($hk0) only" "$(echo $(movable_outside "$hk0"))" ""
on_extra=$(echo $(movable_on "$extra"))
check "some movable IRQs are on CPU $extra ($on_extra)" [ -n "$on_extra" ]

# A configuration that isolates CPU $extra too, and SIGHUP.
reloads=$(log_count "Configuration reloaded")
printf '[cpus]\nisolated=%s\n[daemon]\ndebounce_ms=5\nrestore_on_exit=true\n' "$extra" >"$conf.new"
mv "$conf.new" "$conf"
sleep 1
diag "reloads on the file change alone (inotify): $(($(log_count "Configuration reloaded") - reloads))"
reloads=$(log_count "Configuration reloaded")
kill -HUP "$pid"
check "SIGHUP reloads the configuration" wait_log "Configuration reloaded" $((reloads + 1))
if took=$(wait_within "$hk1"); then
	ok "the IRQs leave CPU $extra: every movable IRQ within $hk1"
	diag "took $took ms after SIGHUP"
else
	not_ok "the IRQs leave CPU $extra: every movable IRQ within $hk1 (outside: $(echo $(movable_outside "$hk1")))"
fi
check "without a restart (started once, pid $first_pid)" \
	[ "$(log_count "Started")" = 1 -a "$pid" = "$first_pid" ]
check "the daemon still runs" kill -0 "$pid"
check "its writes settle" wait_quiet $D $QUIET $SETTLE_BOUND

# A broken configuration: the running one (CPU $extra isolated) stays.
set -- $(irq_find nvme0q0)
pinned=${1:-}
is "pin movable nvme0q0 (IRQ $pinned) to CPU $extra behind the daemon's back" \
	"$(irq_set "$pinned" "$extra")" ok
fails=$(log_count "Failed to reload the configuration")
printf '[cpus]\nisolated=%s\nno_such_key=1\n[daemon]\ndebounce_ms=5\nrestore_on_exit=true\n' \
	"$extra" >"$conf.new"
mv "$conf.new" "$conf"
kill -HUP "$pid"
check "a broken configuration is refused and logged" \
	wait_log "Failed to reload the configuration" $((fails + 1))
grep -- "Failed to reload the configuration" "$log" | sed 's/^/#   /'
check "the error names the file" grep -q -- "Failed to reload the configuration.*$conf" "$log"
if took=$(wait_within "$hk1"); then
	ok "the running configuration stays: nvme0q0 and every movable IRQ back within $hk1"
	diag "took $took ms"
else
	not_ok "the running configuration stays: every movable IRQ within $hk1 (outside: $(echo $(movable_outside "$hk1")))"
fi
check "the daemon still runs" kill -0 "$pid"
check "its writes settle" wait_quiet $D $QUIET $SETTLE_BOUND

daemon_stop TERM
is "SIGTERM stops it with status 0" "$status" 0
check "it logged its restores" [ "$(log_count "Restored IRQ")" -gt 0 ]
masks_as_before "$AF_OUT/masks.before" "every mask is back as before the daemon ran"
diag "the daemon's writes: $(kwrites_count $D), refused $(kwrites_count $D failed)"
[ "$af_failed" -eq 0 ] || {
	diag "--- daemon.log"
	grep -v 'already has' "$log" | tail -n 150 | sed 's/^/#   /'
}

finish
