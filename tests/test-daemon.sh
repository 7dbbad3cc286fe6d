#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The real daemon (affinityd without --dry-run/--oneshot) applying its plans
# into a copied fixture tree with a temporary state directory:
#   a) after the first apply, replans without a change write nothing;
#   b) originals come back on stop, also after a crash: a first run killed
#      with SIGKILL, a second run stopped with SIGTERM restores the values
#      from before the first run (kept in the state directory);
#   c) an IRQ whose write the kernel refuses (a read-only affinity file,
#      as kernels >= 6.12 make them) is learned, logged once, never written
#      again, also after a restart when its file is writable again;
#   d) the state directory in use: --state-dir, else (live machine only) the
#      config's state_dir, else systemd's $STATE_DIRECTORY, else the built-in
#      default; a --sysroot tree never uses $STATE_DIRECTORY;
#   e) /proc/irq/default_smp_affinity is the housekeeping set while it
#      runs (written once) and back as it was after a restoring stop.
# The copy plays the kernel's side of each write (lib/fakekernel.c: both
# affinity files and the effective CPU follow), so the daemon runs the same
# code as on the live machine. Prints TAP.
set -u
# The tests choose the state directory; systemd's is not theirs.
unset STATE_DIRECTORY

. "$(dirname "$0")/lib.sh"

root=$tmp/root
conf=$tmp/affinityd.conf

# Starts the daemon in the background on the copy; its log is $tmp/$1.log.
start() {
	log=$tmp/$1.log
	shift
	# exec: $! must be the daemon itself, not a subshell.
	# --debug: the "Replan (...)" lines below are debug messages.
	(exec "$affinityd" --foreground --debug --sysroot "$root" \
		--config "$conf" "$@") > "$log" 2>&1 &
	pid=$!
}
# Stops the daemon with signal $1; the exit status is in $status.
stop() {
	kill "-$1" "$pid"
	wait "$pid" 2>/dev/null
	status=$?
	pid=
}
# Every affinity file of every IRQ: content and modification time (ns).
listing() {
	(cd "$root/proc/irq" && for f in */smp_affinity */smp_affinity_list \
		*/effective_affinity */effective_affinity_list; do
		[ -f "$f" ] && printf '%s %s %s\n' "$f" "$(cat "$f")" "$(stat -c %y "$f")"
	done)
}
# The requested masks only, both forms: what a restore must bring back.
masks() {
	(cd "$root/proc/irq" && for f in */smp_affinity */smp_affinity_list; do
		[ -f "$f" ] && printf '%s %s\n' "$f" "$(cat "$f")"
	done)
}
# Housekeeping is CPU 0 (isolcpus=domain,2-7, managed_irq 1-3,5-7): IRQ 1
# (i8042, at 0-1) is planned onto 0.
moved_irq=1

# A fresh copy of the fixture.
fresh_root() {
	rm -rf "$root"
	mkdir "$root"
	unpack_fixture "$root"
}

echo "1..34"
mkdir "$tmp/state" "$tmp/state-c"
fresh_root
printf '[daemon]\ndebounce_ms=5\ninterval_ms=100\nrestore_on_exit=true\n' > "$conf"
masks > "$tmp/masks.pristine"

# a) The first apply writes; replans after SIGHUP, a config change and a
# new IRQ row in /proc/interrupts find everything in place: no writes.
start a --state-dir "$tmp/state"
check "a: starts and applies" 'wait_for "Started"'
check "d: the state directory in use is logged" \
	'[ "$(count "^affinityd: State directory: $tmp/state\$")" -eq 1 ]'
# "Replan (start): 21 move, 0 keep, 4 skip; ...": the IRQs left alone.
skips() { s=$(sed -n 's/.*Replan (start): .* \([0-9]*\) skip;.*/\1/p' "$log"); echo "${s:--1}"; }
skipped=$(skips)
check "a: the first apply moved IRQs" '[ "$(count "Moved IRQ")" -gt 0 ]'
check "a: IRQ $moved_irq now at CPU 0 in both files" \
	'[ "$(cat "$root/proc/irq/$moved_irq/smp_affinity_list")" = 0 ] &&
	 [ "$(cat "$root/proc/irq/$moved_irq/smp_affinity")" = 01 ]'
moves=$(count "Moved IRQ")
check "e: new IRQs are born on housekeeping CPUs (default_smp_affinity 01)" \
	'[ "$(cat "$root/proc/irq/default_smp_affinity")" = 01 ]'
listing > "$tmp/a.placed"
sleep 0.02 # a later write would show a later mtime
kill -HUP "$pid"
wait_for "Replan (config)" 1
printf '[daemon]\ndebounce_ms=5\ninterval_ms=100\nrestore_on_exit=true\n\n' > "$conf"
wait_for "Replan (config)" 2
# As the kernel shows a new IRQ: its row and its /proc/irq directory (a
# per-CPU one, without smp_affinity: nothing to write for it either).
mkdir "$root/proc/irq/40"
printf '40:          0          0          0          0          0          0          0          0   PCI-MSI 1-edge      later\n' \
	>> "$root/proc/interrupts"
wait_for "Replan (irqs)" 1
check "a: three replans after the first" \
	'[ "$(count "Replan (config)")" -eq 2 ] && [ "$(count "Replan (irqs)")" -ge 1 ]'
check "a: no move logged by them" '[ "$(count "Moved IRQ")" -eq "$moves" ]'
listing > "$tmp/a.after"
check "a: no affinity file written by them" 'cmp -s "$tmp/a.placed" "$tmp/a.after"'
check "e: the default affinity written once, not again by the replans" \
	'[ "$(count "Default IRQ affinity set to 0")" -eq 1 ]'
check "e: its own write is no isolation event (the scan reads it every 100 ms)" \
	'[ "$(count "Event: /proc/irq/default_smp_affinity")" -eq 0 ]'
check "a: the originals are in the state directory" \
	'grep -q "^$moved_irq 0-1 i8042\$" "$tmp/state/originals"'
# Someone else widens IRQ 1 again (both files, as the kernel shows a write):
# the next replan compares with what the kernel shows, not with what it
# wrote last, and moves exactly that IRQ back.
echo 0-1 > "$root/proc/irq/$moved_irq/smp_affinity_list"
echo 03 > "$root/proc/irq/$moved_irq/smp_affinity"
kill -HUP "$pid"
wait_for "Replan (config)" 3
check "a: a change by someone else is written back, alone" \
	'[ "$(count "Moved IRQ")" -eq $((moves + 1)) ] &&
	 [ "$(count "Moved IRQ $moved_irq (i8042) from 0-1 to 0")" -eq 2 ] &&
	 [ "$(cat "$root/proc/irq/$moved_irq/smp_affinity_list")" = 0 ]'

# b) SIGTERM with restore_on_exit=true puts the originals back.
stop TERM
check "b: SIGTERM stops with status 0" '[ $status -eq 0 ]'
masks > "$tmp/masks.restored"
check "b: every mask is back as before the run" 'cmp -s "$tmp/masks.pristine" "$tmp/masks.restored"'
check "e: the default affinity is back as before the run" \
	'[ "$(cat "$root/proc/irq/default_smp_affinity")" = 03 ]'
check "b: restored originals are forgotten" '! grep -q "^[0-9]" "$tmp/state/originals"'

# b) A crash: the first run is killed after its apply ...
start b1 --state-dir "$tmp/state"
wait_for "Started"
stop KILL
check "b: the killed run had moved IRQ $moved_irq" \
	'[ "$(cat "$root/proc/irq/$moved_irq/smp_affinity_list")" = 0 ]'
# ... the second finds everything placed, and on stop restores what was
# there before the first run, not what it found at its own start.
start b2 --state-dir "$tmp/state"
wait_for "Started"
check "b: the restarted run writes nothing" '[ "$(count "Moved IRQ")" -eq 0 ]'
stop TERM
check "b: its stop restores the originals from before the killed run" \
	'[ $status -eq 0 ] && masks > "$tmp/masks.crash" && cmp -s "$tmp/masks.pristine" "$tmp/masks.crash"'
check "b: restores are logged" '[ "$(count "Restored IRQ $moved_irq (i8042) from 0 to its original 0-1")" -eq 1 ]'

# Without --state-dir on a --sysroot tree the state lives in memory; said
# once. systemd's $STATE_DIRECTORY is this host's: it is not used either.
fresh_root
mkdir "$tmp/state-systemd"
STATE_DIRECTORY=$tmp/state-systemd start mem
wait_for "Started"
stop TERM
check "memory-only state is said once" '[ "$(count "kept in memory only")" -eq 1 ]'
check "d: a --sysroot tree leaves \$STATE_DIRECTORY alone" \
	'[ -z "$(ls -A "$tmp/state-systemd")" ] && [ "$(count "State directory:")" -eq 0 ]'
check "memory-only state still restores what the run moved" \
	'[ "$(count "Moved IRQ")" -gt 0 ] && masks > "$tmp/masks.mem" &&
	 cmp -s "$tmp/masks.pristine" "$tmp/masks.mem"'

# c) On a fresh copy and state directory, IRQ 25 (virtio2-control, planned
# 0-1 -> 0) refuses: read-only file.
fresh_root
refused=25
chmod 0444 "$root/proc/irq/$refused/smp_affinity_list"
before=$(stat -c '%y' "$root/proc/irq/$refused/smp_affinity_list" "$root/proc/irq/$refused/smp_affinity")
start c1 --state-dir "$tmp/state-c"
wait_for "Started"
check "c: the refusal is logged" \
	'[ "$(count "IRQ $refused (virtio2-control) cannot be moved")" -eq 1 ]'
check "c: it is learned in the state directory" \
	'grep -q "^$refused virtio2-control\$" "$tmp/state-c/learned"'
kill -HUP "$pid"
wait_for "Replan (config)"
stop TERM
check "c: a replan neither writes nor logs it again" \
	'[ "$(count "IRQ $refused (virtio2-control) cannot be moved")" -eq 1 ] &&
	 [ "$(stat -c %y "$root/proc/irq/$refused/smp_affinity_list" "$root/proc/irq/$refused/smp_affinity")" = "$before" ]'
# Writable again: only what was learned keeps the daemon away from it.
chmod 0644 "$root/proc/irq/$refused/smp_affinity_list"
start c2 --state-dir "$tmp/state-c"
wait_for "Started"
kill -HUP "$pid"
wait_for "Replan (config)"
stop TERM
check "c: after a restart the plan leaves it alone" '[ "$(skips)" -eq $((skipped + 1)) ]'
check "c: after a restart it is neither written nor logged" \
	'[ "$(count "IRQ $refused")" -eq 0 ] &&
	 [ "$(stat -c %y "$root/proc/irq/$refused/smp_affinity_list" "$root/proc/irq/$refused/smp_affinity")" = "$before" ] &&
	 [ "$(cat "$root/proc/irq/$refused/smp_affinity_list")" = 0-1 ]'
"$affinityd" --dry-run --json --sysroot "$root" --config "$conf" --state-dir "$tmp/state-c" \
	> "$tmp/plan.json" 2> "$tmp/dry-run.err"
check "c: the plan reports it learned and skips it" \
	'tr -d " \n" < "$tmp/plan.json" | grep -q "\"irq\":$refused,[^}]*\"managed_source\":\"learned\",\"movable\":false,[^}]*\"action\":\"skip\""'

# d) On the live machine (--dry-run: it reads, and writes nothing) the
# learned file of the directory in use marks an IRQ learned. An IRQ of this
# host that the plan finds movable, by no other source, is written into the
# learned file of each candidate directory; only the chosen one may count.
printf '\n' > "$tmp/empty.conf"
live() { # $1: name of the output; the rest: options
	out=$tmp/$1.json
	shift
	"$affinityd" --dry-run --json --config "$tmp/empty.conf" "$@" > "$out" 2> "$out.err"
}
# "IRQ NAME" of the first movable IRQ without a managed_source, from the JSON.
first_movable() {
	tr -d '\n' < "$1" | sed 's/{ *"irq"/\n&/g' |
		sed -n 's/^{ *"irq" : \([0-9]*\), *"name" : "\([^"\\]*\)",.*"managed_source" : null, *"movable" : true,.*/\1 \2/p' |
		head -n 1
}
# Is IRQ $2 reported with managed_source "learned" in $1?
learned_in() {
	tr -d '\n' < "$1" | sed 's/{ *"irq"/\n&/g' | grep -q "^{ *\"irq\" : $2,.*\"managed_source\" : \"learned\""
}
live host
victim=$(first_movable "$tmp/host.json")
if [ -z "$victim" ]; then
	for i in 1 2 3 4 5; do n=$((n + 1)); echo "ok $n # SKIP this host shows no movable IRQ"; done
else
	irq=${victim%% *}
	for d in sd-first sd-second sd-config sd-option; do
		mkdir "$tmp/$d" && echo "$victim" > "$tmp/$d/learned"
	done
	check "d: without a learned file IRQ $irq is movable" '! learned_in "$tmp/host.json" "$irq"'
	STATE_DIRECTORY=$tmp/sd-first live sd
	check "d: \$STATE_DIRECTORY is used on the live machine" 'learned_in "$tmp/sd.json" "$irq"'
	rm "$tmp/sd-first/learned"
	STATE_DIRECTORY=$tmp/sd-first:$tmp/sd-second live sd2
	check "d: of several \$STATE_DIRECTORY paths only the first counts" \
		'! learned_in "$tmp/sd2.json" "$irq"'
	echo "$victim" > "$tmp/sd-first/learned"
	printf '[daemon]\nstate_dir=%s\n' "$tmp/sd-empty" > "$tmp/state.conf"
	STATE_DIRECTORY=$tmp/sd-first "$affinityd" --dry-run --json --config "$tmp/state.conf" \
		> "$tmp/sdc.json" 2>/dev/null
	STATE_DIRECTORY=$tmp/sd-first "$affinityd" --dry-run --json --config "$tmp/state.conf" \
		--state-dir "$tmp/sd-option" > "$tmp/sdo.json" 2>/dev/null
	check "d: a state_dir in the config wins over \$STATE_DIRECTORY" \
		'[ -s "$tmp/sdc.json" ] && ! learned_in "$tmp/sdc.json" "$irq"'
	check "d: --state-dir wins over both" 'learned_in "$tmp/sdo.json" "$irq"'
fi

[ $failed -eq 0 ] || for f in "$tmp"/*.log; do echo "# --- $f"; sed 's/^/# /' "$f"; done
exit 0
