#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# irqbalance's socket protocol ([compat] irqbalance_socket=) of the real
# daemon on a copied fixture tree, spoken by tests/irqb-client as
# intel-lpmd speaks it (it finds irqbalance<PID>.sock in the directory):
#   - the socket is made where the config says, a dead daemon's leftover
#     is removed, and the socket goes on stop and when a reload drops it;
#   - "settings cpus LIST" bans LIST for the client's program: the IRQs
#     leave those CPUs; "settings cpus NULL" lifts the ban;
#   - "setup" and "stats" answer in the form irqbalance's UI parses;
#   - a client that sends nothing does not stall the others; a client of
#     another user is refused. Prints TAP.
set -u
unset STATE_DIRECTORY

. "$(dirname "$0")/lib.sh"
client=$top_builddir/tests/irqb-client

echo "1..15"
root=$tmp/root
dir=$tmp/run/irqbalance
conf=$tmp/affinityd.conf
log=$tmp/daemon.log
unpack_fixture "$root"
# No isolation on the command line: every CPU takes IRQs to begin with.
echo "console=ttyS0" > "$root/proc/cmdline"
echo > "$root/sys/devices/system/cpu/isolated"
echo ff > "$root/proc/irq/default_smp_affinity" # every CPU: no other program banned any
mkdir -p "$dir" "$tmp/state"
# A dead irqbalance's socket file (no process has this pid).
: > "$dir/irqbalance2147480000.sock"
write_conf() {
	printf '[daemon]\ndebounce_ms=5\n' > "$conf"
	[ -n "${1:-}" ] && printf '[compat]\nirqbalance_socket=%s\n' "$1" >> "$conf"
	return 0
}
write_conf "$dir"
(exec "$affinityd" --foreground --debug --sysroot "$root" --config "$conf" \
	--state-dir "$tmp/state") > "$log" 2>&1 &
pid=$!
wait_for "Started"
sock=$dir/irqbalance$pid.sock
check "the socket is $sock" '[ -S "$sock" ] && [ "$(count "irqbalance socket: $sock")" -eq 1 ]'
check "a dead process's socket file is removed" '[ ! -e "$dir/irqbalance2147480000.sock" ]'

# IRQs the daemon moved ("Moved IRQ N ..."): where the tree has them now.
moved_cpus() {
	for irq in $(sed -n 's/.*Moved IRQ \([0-9]*\) .*/\1/p' "$log" | sort -un); do
		cat "$root/proc/irq/$irq/smp_affinity_list"
	done | tr '\n' ','
}
# TRUE when every CPU of the comma-separated lists $1 is in the range $2-$3.
within() {
	echo "$1" | tr ',' '\n' | awk -F- -v lo="$2" -v hi="$3" '
		NF == 0 || $0 == "" { next }
		{ first = $1; last = (NF > 1) ? $2 : $1; if (first < lo || last > hi) bad = 1 }
		END { exit bad }'
}
check "some IRQs went to CPUs 4-7 at start" '! within "$(moved_cpus)" 0 3'

"$client" "$dir" "settings cpus 4,5,6,7" > "$tmp/answer" 2>&1
rc=$?
check "settings cpus: no answer, the connection closed" '[ $rc -eq 0 ] && [ ! -s "$tmp/answer" ]'
check "the ban is held by the client's program" \
	'wait_for "Ban by socket:irqb-client: CPUs 4-7 kept free of IRQs$"'
wait_for "Replan (ban)"
check "the IRQs left CPUs 4-7" 'within "$(moved_cpus)" 0 3'

"$client" "$dir" setup > "$tmp/setup"
check "setup: sleep, then the banned CPUs as a hex mask" \
	'grep -q "^SLEEP 10 .*BANNED f0$" "$tmp/setup"'
"$client" "$dir" stats > "$tmp/stats"
check "stats: node, package, cache, then CPUs 0-7 with their IRQs" \
	'grep -q "^TYPE 3 NUMBER 0 LOAD [0-9]* SAVE_MODE 0 TYPE 2 NUMBER 0 .*TYPE 0 NUMBER 0 LOAD" "$tmp/stats" &&
	 [ "$(grep -o "TYPE 0 NUMBER [0-9]*" "$tmp/stats" | wc -l)" -eq 8 ] &&
	 grep -q "IRQ [0-9]* LOAD [0-9]* DIFF [0-9]* CLASS [0-9]" "$tmp/stats"'

# A client that connects and says nothing: the others are served meanwhile.
"$client" "$dir" --idle 3000 &
idle=$!
sleep 0.2
start=$(date +%s%N)
"$client" "$dir" setup > "$tmp/setup2"
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "# setup answered in $elapsed_ms ms while another client idled"
check "an idle client does not stall the others" \
	'[ -s "$tmp/setup2" ] && [ $elapsed_ms -lt 2500 ]'
wait "$idle"

"$client" "$dir" "settings cpus NULL" > /dev/null
check "settings cpus NULL lifts the ban" 'wait_for "Ban by socket:irqb-client lifted"'

# Another user: root's clients only, as irqbalance serves them.
if [ "$(id -u)" -eq 0 ] && command -v setpriv > /dev/null; then
	chmod 0777 "$sock" "$dir" "$tmp" "$tmp/run"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$client" "$dir" "settings cpus 1" \
		> /dev/null 2>&1
	check "another user's client is refused, and said so" \
		'wait_for "refused a client of uid 65534" && [ "$(count "Ban by socket:irqb-client: CPUs 1 ")" -eq 0 ]'
else
	ok "# SKIP needs root and setpriv to be another user"
fi

# A reload without the key closes the socket; with it, it comes back. The
# daemon logs "Configuration reloaded" before it opens or closes the
# socket: wait for the socket (10 s at most: a failure guard).
until_true() {
	i=0
	until eval "$1"; do
		i=$((i + 1))
		[ $i -gt 200 ] && return 1
		sleep 0.05
	done
}
write_conf
kill -HUP "$pid"
wait_for "Configuration reloaded"
check "a reload without irqbalance_socket removes the socket" 'until_true "[ ! -e \"\$sock\" ]"'
write_conf "$dir"
kill -HUP "$pid"
wait_for "Configuration reloaded" 2
check "a reload with it makes it again" 'until_true "[ -S \"\$sock\" ]"'

kill -TERM "$pid"
wait "$pid"
status=$?
pid=
check "stops with status 0" '[ $status -eq 0 ]'
check "the socket goes with the daemon" '[ ! -e "$sock" ]'
exit $failed
