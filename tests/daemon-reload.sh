#!/bin/sh
# The real daemon on a copied fixture tree: a bad config at start-up exits 1
# naming the file; a bad config on reload (inotify and SIGHUP) is refused and
# the running one kept; a good one is taken; SIGTERM stops it with status 0.
# Every write goes through --sysroot into the copy. Prints TAP.
set -u

. "$(dirname "$0")/lib.sh"
log=$tmp/log
listener=
trap 'cleanup; [ -n "$listener" ] && kill -KILL "$listener" 2>/dev/null' EXIT

echo "1..13"
mkdir "$tmp/root" "$tmp/etc" "$tmp/state"
unpack_fixture "$tmp/root"
conf=$tmp/etc/affinityd.conf
# exec: in the background, $! must be the daemon itself, not a subshell.
run() {
	exec "$affinityd" --foreground --sysroot "$tmp/root" --config "$conf" \
		--state-dir "$tmp/state" "$@"
}

# Start-up with a bad file: status 1 and the file's name.
printf '[daemon]\nthis is not a key\n' > "$conf"
(run) > "$tmp/log" 2>&1
status=$?
check "bad config at start-up exits 1" '[ $status -eq 1 ]'
check "the start-up error names the file" 'grep -q -- "$conf:" "$tmp/log"'

# A notify socket like systemd's, when python3 can play it.
notify=
if command -v python3 > /dev/null; then
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a") as f:
    while True:
        f.write(s.recv(4096).decode() + "\n--\n")
        f.flush()
' "$tmp/notify" "$tmp/notified" &
	listener=$!
	i=0
	while [ ! -S "$tmp/notify" ] && [ $i -lt 200 ]; do i=$((i + 1)); sleep 0.05; done
	[ -S "$tmp/notify" ] && notify=$tmp/notify
fi
# Tests 9-13: what the daemon told the notify socket.
notified() {
	if [ -z "$notify" ]; then
		ok "# SKIP no python3 to play the notify socket"
		return
	fi
	# The listener writes what it got a moment later: 5 s at most.
	i=0
	while ! grep -q -- "$2" "$tmp/notified" 2>/dev/null && [ $i -lt 100 ]; do
		i=$((i + 1))
		sleep 0.05
	done
	check "$1" "grep -q -- '$2' '$tmp/notified'"
}

# A good start.
printf '[daemon]\ndebounce_ms=5\n' > "$conf"
NOTIFY_SOCKET=$notify run > "$tmp/log" 2>&1 &
pid=$!
check "starts on a good config" 'wait_for "Started"'

# An editor's save of a bad file: inotify reloads, the running config stays.
printf '[daemon]\nthis is not a key\n' > "$conf.tmp" && mv "$conf.tmp" "$conf"
check "a bad file on change is refused, the running config kept" \
	'wait_for "keeping the running one: $conf:"'

# SIGHUP with the file still bad: refused again; the daemon keeps running.
before=$(count "keeping the running one")
kill -HUP "$pid"
i=0
while [ "$(count "keeping the running one")" -le "$before" ] && [ $i -lt 200 ]; do
	i=$((i + 1)); sleep 0.05
done
check "SIGHUP with a bad file is refused too" '[ "$(count "keeping the running one")" -gt "$before" ]'
check "still running after refused reloads" 'kill -0 "$pid" 2>/dev/null'

# A good file again, then SIGHUP: reloaded.
printf '[daemon]\ndebounce_ms=5\n' > "$conf"
kill -HUP "$pid"
check "a good file is reloaded" 'wait_for "Configuration reloaded"'

kill -TERM "$pid"
wait "$pid"
status=$?
pid=
check "SIGTERM stops it with status 0" '[ $status -eq 0 ]'

notified "READY=1 after the first apply" '^READY=1'
notified "STATUS= says what is placed" '^STATUS=[0-9]* IRQs placed, [0-9]* kernel-managed, housekeeping '
notified "RELOADING=1 around reloads" '^RELOADING=1'
notified "MONOTONIC_USEC= with it" '^MONOTONIC_USEC=[0-9][0-9]*'
notified "STOPPING=1 on SIGTERM" '^STOPPING=1'

[ $failed -eq 0 ] || sed 's/^/# /' "$tmp/log" "$tmp/notified" 2>/dev/null
exit 0
