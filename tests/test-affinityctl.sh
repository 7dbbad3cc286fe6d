#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# affinityctl end to end: a private dbus-daemon started here, the real
# daemon on a copied fixture tree serving its API there (--bus), and
# affinityctl finding the bus as a test or a container would, through
# $DBUS_SYSTEM_BUS_ADDRESS (and --address, --session). Every command, its
# errors and exit codes, a ban moving IRQs off CPUs by the time the command
# returns, a persistent ban across a restart, a non-root caller, the
# daemon or the bus missing, and the bash completion. Prints TAP.
set -u
unset STATE_DIRECTORY

. "$(dirname "$0")/lib.sh"
ctl=$top_builddir/daemon/affinityctl
completion=$top_srcdir/shell/affinityctl

if ! command -v dbus-daemon > /dev/null; then
	echo "1..0 # SKIP dbus-daemon is not installed (tools/install-deps --test)"
	exit 0
fi
echo "1..29"
chmod 0755 "$tmp" # nobody reaches the bus socket
root=$tmp/root
conf=$tmp/affinityd.conf
unpack_fixture "$root"
echo "console=ttyS0" > "$root/proc/cmdline"
echo > "$root/sys/devices/system/cpu/isolated"
echo ff > "$root/proc/irq/default_smp_affinity" # every CPU: no other program banned any
mkdir "$tmp/state"
printf '[daemon]\ndebounce_ms=5\n' > "$conf"

# A bus that lets everything through: the daemon's own check of the caller
# is what a non-root caller meets (test-dbus covers the policy file).
start_bus

n_daemon=0
start_daemon() {
	n_daemon=$((n_daemon + 1))
	log=$tmp/daemon-$n_daemon.log
	(exec "$affinityd" --foreground --sysroot "$root" --config "$conf" \
		--state-dir "$tmp/state" --bus "$DBUS_SYSTEM_BUS_ADDRESS") > "$log" 2>&1 &
	pid=$!
	wait_for "D-Bus API org.affinityd1"
}
stop_daemon() {
	kill -TERM "$pid"
	wait "$pid"
	pid=
}
# run NAME ARGS...: affinityctl's stdout, stderr and status in $tmp/NAME.{out,err}, $rc.
run() {
	name=$1
	shift
	"$ctl" "$@" > "$tmp/$name.out" 2> "$tmp/$name.err"
	rc=$?
}
has() { grep -q -- "$2" "$tmp/$1"; }
# IRQs the daemon moved ("Moved IRQ N ..." in every log): their CPUs in the tree now.
moved_cpus() {
	for irq in $(cat "$tmp"/daemon-*.log | sed -n 's/.*Moved IRQ \([0-9]*\) .*/\1/p' | sort -un); do
		cat "$root/proc/irq/$irq/smp_affinity_list"
	done | tr '\n' ','
}
# TRUE when every CPU of the comma-separated lists $1 is in the range $2-$3.
within() {
	echo "$1" | tr ',' '\n' | awk -F- -v lo="$2" -v hi="$3" '
		$0 == "" { next }
		{ first = $1; last = (NF > 1) ? $2 : $1; if (first < lo || last > hi) bad = 1 }
		END { exit bad }'
}

start_daemon
run version --version
check "--version" '[ $rc -eq 0 ] && has version.out "^affinityctl [0-9]"'
run status status
check "status: the CPU sets" \
	'[ $rc -eq 0 ] && has status.out "^Online:        0-7$" && has status.out "^Housekeeping:  0-7$" &&
	 has status.out "^  (no bans)$"'

# A ban: the IRQs are off the banned CPUs when the command returns.
check "some IRQs are on CPUs 4-7 before the ban" '! within "$(moved_cpus)" 0 3'
start=$(date +%s%N)
run ban ban --owner tuned 4-7
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
placed=$(moved_cpus)
echo "# affinityctl ban returned in $elapsed_ms ms (the machine is shared)"
check "ban: exit 0, nothing printed" '[ $rc -eq 0 ] && [ ! -s "$tmp/ban.out" ] && [ ! -s "$tmp/ban.err" ]'
check "ban: the IRQs are on CPUs 0-3 when it returns ($placed)" 'within "$placed" 0 3'
run bans bans
check "bans: the owner and its CPUs" \
	'[ $rc -eq 0 ] && has bans.out "^OWNER  CPUS$" && has bans.out "^tuned  4-7$"'
run status2 status
check "status: the ban as an isolation source and a ban" \
	'has status2.out "^Housekeeping:  0-3$" && has status2.out "^  owner:tuned  4-7$" &&
	 has status2.out "^  tuned  4-7$"'

run plan plan
check "plan: a table with the ban among the sources" \
	'[ $rc -eq 0 ] && has plan.out "^IRQ  NAME  *ACTION  CURRENT  *PLANNED  REASON$" &&
	 has plan.out "^  owner:tuned  4-7$" && has plan.out "^0 move, [0-9]* keep, [0-9]* skip$"'
run json plan --json
check "plan --json: the dry-run's schema" \
	'[ $rc -eq 0 ] && has json.out "\"version\" : 1" && has json.out "\"owner:tuned\" : \"4-7\""'
if command -v python3 > /dev/null; then
	check "plan --json parses as JSON" 'python3 -m json.tool < "$tmp/json.out" > /dev/null'
else
	ok "# SKIP no python3 to parse the JSON"
fi
run explain explain 25
check "explain IRQ: why it is where it is" \
	'[ $rc -eq 0 ] && has explain.out "^IRQ 25 (virtio2-control): keep on " &&
	 has explain.out "^Housekeeping CPUs: 0-3; isolated by owner:tuned 4-7$"'

# Errors: a clear message and status 1; a command line that does not parse: 2.
run noirq explain 9999
check "explain of a missing IRQ: status 1, said so" \
	'[ $rc -eq 1 ] && has noirq.err "^affinityctl: explain: IRQ 9999 is not in /proc/interrupts$"'
run all ban --owner x 0-7
check "a ban of every CPU is refused" \
	'[ $rc -eq 1 ] && has all.err "would leave no online CPU for IRQs"'
run noowner ban 4-7
check "ban without --owner: usage error, status 2" \
	'[ $rc -eq 2 ] && has noowner.err "--owner NAME is required" && has noowner.err "affinityctl --help"'
run badcmd frobnicate
check "an unknown command: status 2" '[ $rc -eq 2 ] && has badcmd.err "unknown command .frobnicate."'
run badirq explain x
check "explain x: status 2" '[ $rc -eq 2 ] && has badirq.err "not an IRQ number"'
run unban unban --owner tuned
run bans2 bans
check "unban: the ban is gone" '[ $rc -eq 0 ] && has bans2.out "^(no bans)$"'
run unban2 unban --owner tuned
check "unban of no ban: status 1, said so" '[ $rc -eq 1 ] && has unban2.err "No ban is held by \"tuned\""'

# reload: the verdict on the files.
printf '[daemon]\ndebounce_ms=5\nbogus=1\n' > "$conf.new" && mv "$conf.new" "$conf"
run reload reload
check "reload of a bad file: status 1, the file and line named" \
	'[ $rc -eq 1 ] && has reload.err "Configuration refused, the running one is kept: $conf:3: unknown key"'
printf '[daemon]\ndebounce_ms=5\n' > "$conf.new" && mv "$conf.new" "$conf"
run reload2 reload
check "reload of a good file: status 0" '[ $rc -eq 0 ]'

# Another user: refused, and told what to do.
if [ "$(id -u)" -eq 0 ] && command -v setpriv > /dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$ctl" ban --owner x 1 \
		> "$tmp/nobody.out" 2> "$tmp/nobody.err"
	rc=$?
	check "ban as nobody: status 1, permission denied, use sudo" \
		'[ $rc -eq 1 ] && has nobody.err "permission denied" && has nobody.err "sudo"'
	setpriv --reuid=65534 --regid=65534 --clear-groups "$ctl" bans > "$tmp/nobody2.out" 2>&1
	rc=$?
	check "bans as nobody: allowed" '[ $rc -eq 0 ] && has nobody2.out "(no bans)"'
else
	ok "# SKIP needs root and setpriv to be another user"
	ok "# SKIP needs root and setpriv to be another user"
fi

# A persistent ban outlives the daemon; --address talks to the same bus.
run persist ban --owner crio --persist 6-7
stop_daemon
start_daemon
run bans3 --address "$DBUS_SYSTEM_BUS_ADDRESS" bans
check "a persistent ban is back after a restart (--address)" \
	'[ $rc -eq 0 ] && has bans3.out "^crio  *6-7$"'
DBUS_SESSION_BUS_ADDRESS=$DBUS_SYSTEM_BUS_ADDRESS "$ctl" --session bans > "$tmp/session.out" 2>&1
rc=$?
check "--session talks to \$DBUS_SESSION_BUS_ADDRESS" '[ $rc -eq 0 ] && has session.out "^crio  *6-7$"'

# The bash completion: commands, options, IRQs, the owners that hold a ban.
complete_words() {
	PATH=$top_builddir/daemon:$PATH bash -c '
		_init_completion() {
			words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD
			cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}
		}
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_affinityctl
		echo "${COMPREPLY[*]}"' sh "$completion" "$@"
}
check "completion: commands" '[ "$(complete_words affinityctl b)" = "ban bans" ]'
check "completion: a command's options" \
	'[ "$(complete_words affinityctl --address x plan --)" = "--json --help" ]'
check "completion: the owners of unban --owner" \
	'[ "$(complete_words affinityctl unban --owner "")" = "crio" ]'

# No daemon, then no bus: what is wrong, and what to look at.
stop_daemon
run gone status
check "no daemon: status 1, names the bus name and systemctl status affinityd" \
	'[ $rc -eq 1 ] && has gone.err "affinityd is not running: nothing owns org.affinityd1" &&
	 has gone.err "systemctl status affinityd"'
kill -TERM "$bus"
wait "$bus" 2> /dev/null
bus=
run nobus status
check "no bus: status 1, says it cannot connect" \
	'[ $rc -eq 1 ] && has nobus.err "cannot connect to the system bus" &&
	 has nobus.err "systemctl status dbus"'
exit $failed
