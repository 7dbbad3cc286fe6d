#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The real daemon on a copied fixture tree writes its Prometheus metrics
# ([daemon] metrics_file=) after each replan, and Prometheus' own text
# parser (python3-prometheus-client) reads them: the families and their
# types, writes and a refused write by errno, IRQs per CPU, the hotplug
# histogram; the file is replaced whole (no temporary left), readable by
# all under the unit's UMask=0077, followed to a new path on reload, and a
# failing write is warned once. Prints TAP.
set -u
unset STATE_DIRECTORY

. "$(dirname "$0")/lib.sh"

python=
for p in /usr/bin/python3 python3; do
	if "$p" -c "import prometheus_client.parser" 2> /dev/null; then
		python=$p
		break
	fi
done
if [ -z "$python" ]; then
	echo "1..0 # SKIP python3-prometheus-client is not installed (tools/install-deps --test)"
	exit 0
fi
parse() { "$python" "$top_srcdir/tests/prometheus-parse.py" "$1"; }
# The value of one sample line of the parsed file $1 ("name" or "name{labels}").
value() { parse "$1" | awk -v s="$2" '$1 == s { print $2 }'; }

root=$tmp/root
conf=$tmp/affinityd.conf
log=$tmp/log
metrics=$tmp/metrics/affinityd.prom
mkdir "$root" "$tmp/state" "$tmp/metrics"
unpack_fixture "$root"
mkdir -p "$root/etc/default"
# Housekeeping 0-3 (the managed queue IRQ 28 stays on isolated CPU 4).
echo "console=ttyS0 quiet irqaffinity=0-3" > "$root/proc/cmdline"
echo 4-7 > "$root/sys/devices/system/cpu/isolated"
# IRQ 25 is moved at the start (from 0-1); its file is read-only: refused.
chmod 0444 "$root/proc/irq/25/smp_affinity_list" "$root/proc/irq/25/smp_affinity"
# One-CPU masks: with fallback CPUs IRQ 25's mask 0-1 is already its plan
# (CPU 1, fallback 0), kept, and the refused write never tried.
printf '[placement]\nfallback_cpus=0\n[daemon]\ndebounce_ms=5\ninterval_ms=60000\nmetrics_file=%s\n' \
	"$metrics" > "$conf"

echo "1..14"
(umask 077 && exec "$affinityd" --foreground --debug --sysroot "$root" --config "$conf" \
	--state-dir "$tmp/state") > "$log" 2>&1 &
pid=$!
check "starts" 'wait_for "Started"'
written=$(sed -n 's/.*Started: [0-9]* IRQs placed, \([0-9]*\) written.*/\1/p' "$log")
check "the metrics file is there after the first replan, parsed by Prometheus' parser" \
	'[ -f "$metrics" ] && parse "$metrics" > "$tmp/parsed"'
check "every family with its type" \
	'grep -qx "TYPE affinityd_writes counter" "$tmp/parsed" &&
	 grep -qx "TYPE affinityd_moves counter" "$tmp/parsed" &&
	 grep -qx "TYPE affinityd_replans counter" "$tmp/parsed" &&
	 grep -qx "TYPE affinityd_refused_writes counter" "$tmp/parsed" &&
	 grep -qx "TYPE affinityd_hotplug_reaction_seconds histogram" "$tmp/parsed" &&
	 grep -qx "TYPE affinityd_irqs gauge" "$tmp/parsed" &&
	 grep -qx "TYPE affinityd_managed_irqs_on_isolated_cpus gauge" "$tmp/parsed"'
check "writes: as many as the daemon says it wrote ($written)" \
	'[ -n "$written" ] && [ "$written" -gt 0 ] &&
	 [ "$(value "$metrics" affinityd_writes_total)" = "$written" ]'
check "the refused write, by errno (a read-only file is not tried)" \
	'[ "$(grep -c "^affinityd_refused_writes_total{" "$tmp/parsed")" -eq 1 ] &&
	 grep -qx "affinityd_refused_writes_total{errno=\"read_only\"} 1" "$tmp/parsed"'
check "IRQs per CPU: one sample per online CPU, every placed IRQ counted, none on 4-7 but IRQ 28" \
	'[ "$(grep -c "^affinityd_irqs{cpu=" "$tmp/parsed")" -eq 8 ] &&
	 [ "$(awk "/^affinityd_irqs\\{/ { s += \$2 } END { print s }" "$tmp/parsed")" -ge 12 ] &&
	 [ "$(value "$metrics" "affinityd_irqs{cpu=\"4\"}")" = 1 ] &&
	 [ "$(value "$metrics" "affinityd_irqs{cpu=\"5\"}")" = 0 ]'
check "the fixture's managed queue on isolated CPU 4 is counted" \
	'[ "$(value "$metrics" affinityd_managed_irqs_on_isolated_cpus)" = "1" ]'
check "no hotplug yet: an empty histogram" \
	'[ "$(value "$metrics" affinityd_hotplug_reaction_seconds_count)" = "0" ] &&
	 [ "$(value "$metrics" "affinityd_hotplug_reaction_seconds_bucket{le=\"+Inf\"}")" = "0" ]'
check "readable by all under umask 077" '[ "$(stat -c %a "$metrics")" = "644" ]'

# A change (irqbalance's file bans CPU 0, where the IRQs are): a replan, its writes counted.
replans=$(value "$metrics" affinityd_replans_total)
echo "IRQBALANCE_BANNED_CPULIST=0" > "$root/etc/default/irqbalance.new"
mv "$root/etc/default/irqbalance.new" "$root/etc/default/irqbalance"
i=0
while [ "$(value "$metrics" affinityd_writes_total)" = "$written" ] && [ $i -lt 200 ]; do
	i=$((i + 1))
	sleep 0.05
done
check "a replan rewrites the file: more replans and writes" \
	'[ "$(value "$metrics" affinityd_replans_total)" -gt "$replans" ] &&
	 [ "$(value "$metrics" affinityd_writes_total)" -gt "$written" ]'
check "the file is replaced whole: nothing else in its directory" \
	'[ "$(ls -A "$tmp/metrics")" = "affinityd.prom" ]'

# A reload to a path that cannot be written: warned once, however many replans.
printf '[daemon]\ndebounce_ms=5\ninterval_ms=60000\nmetrics_file=%s\n' \
	"$tmp/missing/affinityd.prom" > "$conf"
wait_for "Configuration reloaded"
replans=$(count "Replan (isolation)")
echo "IRQBALANCE_BANNED_CPULIST=3" > "$root/etc/default/irqbalance"
wait_for "Replan (isolation)" $((replans + 1))
check "a failing write is warned once, naming the file" \
	'[ "$(count "Failed to write the metrics to $tmp/missing/affinityd.prom")" -eq 1 ]'
# And a reload to a good path again: written there from the next replan.
printf '[daemon]\ndebounce_ms=5\ninterval_ms=60000\nmetrics_file=%s\n' "$tmp/metrics/b.prom" \
	> "$conf"
wait_for "Configuration reloaded" 2
check "a reload moves the file" 'react=0; while [ ! -f "$tmp/metrics/b.prom" ] &&
	[ $react -lt 200 ]; do react=$((react + 1)); sleep 0.05; done; parse "$tmp/metrics/b.prom" > /dev/null'

kill -TERM "$pid"
wait "$pid" 2> /dev/null
status=$?
pid=
check "stops with status 0" '[ $status -eq 0 ]'
[ $failed -eq 0 ] || { echo "# log:"; sed 's/^/# /' "$log"; }
exit 0
