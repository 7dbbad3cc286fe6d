#!/bin/sh
# `make bench-vm`: affinityd and irqbalance side by side on a real kernel.
# Boots one guest (8 vCPUs, CPUs 6-7 isolated with
# `isolcpus=managed_irq,domain,6-7 nohz_full=6-7`; virtio-net with 4 queue
# pairs, nvme, virtio-scsi, e1000e) and runs bench/vm-compare-guest.sh in it:
# affinityd, then irqbalance, each started the same way and measured the
# same way (that script says how). Prints numbers, not pass/fail: the table
# compares both with affinityd's targets (its last column).
#
# The kernel: AF_VM_KERNEL_VERSION, an installed version or a slot of
# tests/vm/kernel.sh (6.1, 6.12, 6.12-rt: the newest build of it); default
# 6.1. Several, separated by spaces, boot one guest each, one after the
# other, and print one table with a column group per kernel:
#   make bench-vm AF_VM_KERNEL_VERSION="6.1 6.12"
#
# irqbalance is Debian's package, fetched with `apt-get download irqbalance`
# and unpacked with `dpkg -x` under bench/work/ of the build tree: it is
# never installed on, nor run on, this host (its service would rebalance
# this machine); it runs only inside the guest.
#
# Knobs (environment): AF_BENCH_REPS (hotplug cycles, 5), AF_BENCH_STEADY_S
# (60), AF_BENCH_SETTLE_MS (pause after each cycle, 11000: longer than
# irqbalance's 10 s period, so each cycle's writes are counted in it),
# AF_BENCH_TIMEOUT_MS (bounded waits, 30000), AF_BENCH_DEBUG=1 (affinityd
# --debug, for diagnosis; its log is in bench/work/out/affinityd.log),
# AF_BENCH_BALANCERS ("affinityd irqbalance"; one of them for a quicker run),
# AF_BENCH_RMAP_REPS (offlines of e1000e rx's CPU timed to a fresh cpu_rmap,
# 3; the rmap is the test module tests/vm/rmap/, built for each kernel).
# Needs root (as the VM tests: network namespace, tap device).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
srcdir=${AF_TOP_SRCDIR:-$(cd "$here/.." && pwd)}
builddir=${AF_TOP_BUILDDIR:-$srcdir}
work=$builddir/bench/work
reps=${AF_BENCH_REPS:-5}
steady_s=${AF_BENCH_STEADY_S:-60}
settle_ms=${AF_BENCH_SETTLE_MS:-11000}
timeout_ms=${AF_BENCH_TIMEOUT_MS:-30000}

die() {
	echo "vm-compare: $*" >&2
	exit 1
}
rmap_reps=${AF_BENCH_RMAP_REPS:-3}
for prog in daemon/affinityd bench/afvm-react tests/vm/afvm-irq tests/vm/afvm-plan tests/vm/afvm-rmap tests/vm/afvm-sample; do
	[ -x "$builddir/$prog" ] || die "$builddir/$prog is not built (make bench-vm builds it)"
done

# Debian's irqbalance, unpacked, never installed.
irqbalance=$work/irqbalance/usr/sbin/irqbalance
if [ ! -x "$irqbalance" ]; then
	command -v apt-get >/dev/null && command -v dpkg >/dev/null ||
		die "needs apt-get and dpkg to fetch Debian's irqbalance"
	mkdir -p "$work/deb"
	(cd "$work/deb" && rm -f irqbalance_*.deb && apt-get download irqbalance) >&2 ||
		die "apt-get download irqbalance failed"
	rm -rf "$work/irqbalance"
	dpkg -x "$work"/deb/irqbalance_*.deb "$work/irqbalance" || die "dpkg -x failed"
fi
irqbalance_version=$(ls "$work"/deb/irqbalance_*.deb 2>/dev/null | sed 's/.*irqbalance_\(.*\)_.*/\1/' | tail -n 1)

kernels=""
for k in ${AF_VM_KERNEL_VERSION:-6.1}; do
	v=$(AF_VM_KERNEL_VERSION="" "$srcdir/tests/vm/kernel.sh" "$k" version) || exit 1
	kernels="$kernels $v"
done

# run_guest VERSION: the benchmark's guest on that kernel; results in $out.
run_guest() {
	rm -rf "$out"
	mkdir -p "$out"
	# The cpu_rmap test module, built against this kernel's headers.
	mkdir -p "$srcdir/tests/vm/work"
	ko=$(flock "$srcdir/tests/vm/work/.lock" "$srcdir/tests/vm/rmap/build.sh" "$srcdir/tests/vm/work" "$1") ||
		die "cannot build the cpu_rmap module for $1"
	start=$(date +%s)
	# Guest time: boot ~20 s, two balancers × (start, steady, reps × cycle,
	# rmap reps × (offline, online), the e1000e reload).
	guest_timeout=$((300 + 2 * (steady_s + 80 + reps * (3 * timeout_ms + settle_ms) / 1000 +
		rmap_reps * (timeout_ms + settle_ms) / 1000)))
	status=0
	"$srcdir/tests/vm/run-guest.sh" --out "$out" --kernel "$1" \
		--scenario "$here/vm-compare-guest.sh" \
		--smp 8 --mem 1024 --timeout "$guest_timeout" --tap afvb0 \
		--append "isolcpus=managed_irq,domain,6-7 nohz_full=6-7" \
		--append "af.srcdir=$srcdir af.builddir=$builddir af.irqbalance=$irqbalance" \
		--append "af.bench_reps=$reps af.bench_steady_s=$steady_s af.bench_settle_ms=$settle_ms" \
		--append "af.bench_timeout_ms=$timeout_ms af.bench_debug=${AF_BENCH_DEBUG:-0}" \
		--append "af.bench_balancers=$(echo "${AF_BENCH_BALANCERS:-affinityd irqbalance}" | tr ' ' ,)" \
		--append "af.rmap_ko=$ko af.bench_rmap_reps=$rmap_reps" \
		-- \
		-drive file=/dev/null,if=none,id=nv0,format=raw,readonly=on \
		-device nvme,drive=nv0,serial=x1 \
		-device virtio-scsi-pci,num_queues=4 \
		-netdev tap,id=n0,queues=4,script=no,downscript=no,ifname=afvb0 \
		-device virtio-net-pci,netdev=n0,mq=on,vectors=10,romfile= \
		-netdev user,id=n1 -device e1000e,netdev=n1,romfile= \
		2>"$out.stderr" || status=$?
	elapsed=$(($(date +%s) - start))
	echo "$elapsed" >"$out.elapsed"

	# The guest script's own checks (a balancer that died, no plan, ...).
	if [ -f "$out/tap" ] && grep -q '^not ok' "$out/tap"; then
		echo "vm-compare: on $1 the guest reported problems; the numbers below may be incomplete:"
		grep '^not ok' "$out/tap" | sed 's/^/  /'
	fi
	if [ "$status" -ne 0 ] || [ ! -f "$out/affinityd.cpu" ]; then
		cat "$out.stderr" >&2
		tail -n 30 "$out/serial.log" >&2 2>/dev/null || true
		[ -f "$out/affinityd.cpu" ] || die "on $1 the guest ran ${elapsed} s and measured nothing (status $status)"
	fi
}

# What one guest measured, read from $out.
info() { sed -n "s/^$1 //p" "$out/info" | head -n 1; }
# result BALANCER KEY: a "result KEY VALUE" of afvm-react hotplug.
result() { sed -n "s/^result $2 //p" "$out/$1.react" 2>/dev/null | head -n 1; }
# cpu BALANCER KEY
cpu() { sed -n "s/^$2 //p" "$out/$1.cpu" 2>/dev/null | head -n 1; }
# writes BALANCER PHASE...: its writes in those phases' kernel records.
writes() {
	b=$1
	shift
	for p; do cat "$out/$b.kw.$p" 2>/dev/null; done | awk -v c="$b" '$1 == c { n++ } END { print n + 0 }'
}
refused() {
	for p in start steady hotplug stop; do cat "$out/$1.kw.$p" 2>/dev/null; done |
		awk -v c="$1" '$1 == c && $3 < 0 { n++ } END { print n + 0 }'
}
# managed BALANCER attempts|distinct|repeated: its writes to managed IRQs.
managed() {
	for p in start steady hotplug stop; do cat "$out/$1.kw.$p" 2>/dev/null; done |
		awk -v c="$1" -v what="$2" -v list="$(info managed)" '
		BEGIN { n = split(list, m, " "); for (i = 1; i <= n; i++) managed[m[i]] = 1 }
		$1 == c && ($2 in managed) { a++; per[$2]++ }
		END {
			for (i in per) { d++; if (per[i] > 1) r++ }
			print (what == "attempts" ? a + 0 : what == "distinct" ? d + 0 : r + 0)
		}'
}
settle() {
	v=$(cat "$out/$1.settle" 2>/dev/null | awk '{ print $2 }')
	case "$v" in
	timeout) echo ">$timeout_ms" ;;
	"") echo "?" ;;
	*) echo "$v" ;;
	esac
}
cpu_steady() { awk -v t="$(cpu "$1" steady_ticks)" -v k="$(info clk_tck)" -v s="$steady_s" 'BEGIN { printf "%.0f", t * 1000 / k * 60 / s }'; }
cpu_total() { awk -v t="$(cpu "$1" total_ticks)" -v k="$(info clk_tck)" 'BEGIN { printf "%.0f", t * 1000 / k }'; }
per_event() { awk -v n="$(writes "$1" hotplug)" -v r="$reps" 'BEGIN { printf "%.1f", n / (2 * r) }'; }
# swrites BALANCER PHASE: its rps/xps writes in that phase's kernel record.
swrites() { awk -v c="$1" '$1 == c { n++ } END { print n + 0 }' "$out/$1.sw.$2" 2>/dev/null || echo "?"; }
sw_per_event() { awk -v n="$(swrites "$1" hotplug)" -v r="$reps" 'BEGIN { printf "%.1f", n / (2 * r) }'; }
# rmap BALANCER median|max: offline of e1000e rx's CPU -> fresh cpu_rmap,
# over the repetitions whose offline broke rx's affinity ("-": none did).
rmap() {
	awk -v what="$2" '$1 == "rep" && $7 == "broken" && $8 == 1 {
		v = $10; gt = sub(/^>/, "", v); t[++n] = v + 0; if (gt) over = 1
	}
	END {
		if (!n) { print "-"; exit }
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (t[j] < t[i]) { x = t[i]; t[i] = t[j]; t[j] = x }
		v = (what == "max") ? t[n] : (n % 2 ? t[(n + 1) / 2] : (t[n / 2] + t[n / 2 + 1]) / 2)
		printf "%s%.1f\n", (over && what == "max") ? ">" : "", v
	}' "$out/$1.rmap" 2>/dev/null || echo "?"
}
# fired BALANCER: movable IRQs whose count rose during its steady state.
fired() {
	[ -f "$out/$1.table.steady1" ] || return 0
	awk -v list="$(info movable)" '
	BEGIN { n = split(list, m, ","); for (i = 1; i <= n; i++) mov[m[i]] = 1 }
	FNR == NR { c[$1] = $6; next }
	($1 in mov) && $6 > c[$1] { f++ }
	END { printf "%d of %d", f, n }' "$out/$1.table.steady0" "$out/$1.table.steady1"
}

# isolated_masks BALANCER: the most movable IRQs (virtio-net's queues aside)
# with an isolated CPU in their mask at one sample of the hotplug cycles.
isolated_masks() { sed -n 's/^max_bad_masks //p' "$out/$1.sample.hotplug" 2>/dev/null | head -n 1; }
# isolated_ints BALANCER: their interrupts on isolated CPUs per hotplug event.
isolated_ints() {
	[ -f "$out/$1.sample.hotplug" ] || return 0
	awk -v r="$reps" '$1 == "irq" { n += $16 - $14 } END { printf "%.1f", n / (2 * r) }' "$out/$1.sample.hotplug"
}
# born_isolated BALANCER: IRQs born (e1000e loaded again) with an isolated
# CPU in their mask or effective CPUs, of those born.
born_isolated() {
	[ -f "$out/$1.born" ] || return 0
	awk -v iso="$(info isolated)" '
	function has(list, c,   n, p, i, r) {
		n = split(list, p, ",")
		for (i = 1; i <= n; i++) {
			split(p[i], r, "-")
			if (r[2] == "") r[2] = r[1]
			if (p[i] != "none" && c >= r[1] + 0 && c <= r[2] + 0) return 1
		}
		return 0
	}
	BEGIN { n = split(iso, ip, ","); for (i = 1; i <= n; i++) { split(ip[i], r, "-"); if (r[2] == "") r[2] = r[1]; for (c = r[1]; c <= r[2]; c++) cpus[c] = 1 } }
	$1 == "born" { b++; for (c in cpus) if (has($3, c) || has($4, c)) { bad++; break } }
	END { if (b) printf "%d of %d", bad, b; else print "?" }' "$out/$1.born"
}

# metrics: one line per row of the table for the guest of $out,
# "LABEL|AFFINITYD|IRQBALANCE|TARGET".
metrics() {
	for t in off_placed:"offline -> movable IRQs placed" on_placed:"online -> movable IRQs placed" \
		on_serves:"online -> placed, the CPU serving IRQs"; do
		key=${t%%:*} label=${t#*:}
		echo "$label, median (ms)|$(result affinityd "${key}_median_ms")|$(result irqbalance "${key}_median_ms")|<= 100"
		echo "$label, max (ms)|$(result affinityd "${key}_max_ms")|$(result irqbalance "${key}_max_ms")|<= 100"
	done
	echo "start -> movable IRQs placed (ms, +-1 s)|$(settle affinityd)|$(settle irqbalance)|"
	echo "writes at start (first 5 s after placed)|$(writes affinityd start)|$(writes irqbalance start)|"
	echo "writes in ${steady_s} s steady state|$(writes affinityd steady)|$(writes irqbalance steady)|0"
	echo "writes per hotplug event|$(per_event affinityd)|$(per_event irqbalance)|"
	echo "steering writes (rps/xps) in steady state|$(swrites affinityd steady)|$(swrites irqbalance steady)|0"
	echo "steering writes (rps/xps) per hotplug event|$(sw_per_event affinityd)|$(sw_per_event irqbalance)|"
	echo "offline -> fresh aRFS rmap, median (ms)|$(rmap affinityd median)|$(rmap irqbalance median)|<= 100"
	echo "offline -> fresh aRFS rmap, max (ms)|$(rmap affinityd max)|$(rmap irqbalance max)|<= 100"
	echo "most movable IRQs with an isolated CPU in mask (ms-sampled)|$(isolated_masks affinityd)|$(isolated_masks irqbalance)|0"
	echo "interrupts of movable IRQs on isolated CPUs per hotplug event|$(isolated_ints affinityd)|$(isolated_ints irqbalance)|0"
	echo "IRQs born on isolated CPUs (e1000e loaded again)|$(born_isolated affinityd)|$(born_isolated irqbalance)|0"
	echo "CPU time per minute, steady state (ms)|$(cpu_steady affinityd)|$(cpu_steady irqbalance)|"
	echo "CPU time, whole run until stop (ms)|$(cpu_total affinityd)|$(cpu_total irqbalance)|"
	echo "peak RSS, VmHWM (kB)|$(cpu affinityd hwm_kb)|$(cpu irqbalance hwm_kb)|"
	echo "writes refused by the kernel|$(refused affinityd)|$(refused irqbalance)|"
	echo "write attempts on managed IRQs|$(managed affinityd attempts)|$(managed irqbalance attempts)|"
	echo "managed IRQs attempted|$(managed affinityd distinct)|$(managed irqbalance distinct)|"
	echo "managed IRQs attempted more than once|$(managed affinityd repeated)|$(managed irqbalance repeated)|0"
}

# ratio AFFINITYD IRQBALANCE: irqbalance / affinityd.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		gt = (b ~ /^>/); sub(/^>/, "", b); sub(/^>/, "", a)
		if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/) { print "-"; exit }
		if (a + 0 == 0) { print (b + 0 == 0 ? "=" : "inf"); exit }
		printf "%s%.1f\n", gt ? ">" : "", b / a }'
}

# notes: what the table leaves out, for the guest of $out.
notes() {
	echo "kernel: offline write $(result affinityd offline_write_median_ms) / $(result irqbalance offline_write_median_ms) ms," \
		"online write $(result affinityd online_write_median_ms) / $(result irqbalance online_write_median_ms) ms (median, affinityd / irqbalance runs)"
	echo "movable IRQs that fired in steady state: $(fired affinityd) (affinityd), $(fired irqbalance) (irqbalance)"
	echo "isolated-CPU rows: movable IRQs sampled $(info sampled) (virtio-net's queues aside, their driver re-targets them on hotplug);" \
		"samples $(sed -n 's/^samples //p' "$out/affinityd.sample.hotplug" 2>/dev/null) (affinityd)," \
		"$(sed -n 's/^samples //p' "$out/irqbalance.sample.hotplug" 2>/dev/null) (irqbalance)"
	for b in affinityd irqbalance; do
		[ -f "$out/$b.sample.hotplug" ] || continue
		awk -v b="$b" '$1 == "irq" && ($4 > 0 || $16 > $14) { printf "  %-10s IRQ %s: isolated CPU in mask in %s samples, first %s; +%d interrupts on isolated CPUs\n", b, $2, $4, $8, $16 - $14 }' "$out/$b.sample.hotplug"
		sed "s/^/  $b /" "$out/$b.born" 2>/dev/null
	done
	echo "balancer exit status on SIGTERM: $(cpu affinityd exit_status) (affinityd), $(cpu irqbalance exit_status) (irqbalance)"
	echo "hotplug cycles (CPU taken offline, IRQs it served, IRQs left on forbidden CPUs by the kernel and drivers):"
	for b in affinityd irqbalance; do
		[ -f "$out/$b.react" ] || continue # AF_BENCH_BALANCERS left it out
		awk -v b="$b" '/^rep / { printf "  %-10s rep %s: cpu%s served %s broken %s; off %s, on placed %s, on serves %s ms\n", b, $2, $4, $6, $8, $12, $16, $18 }' "$out/$b.react" 2>/dev/null
	done
	echo "cpu_rmap over e1000e rx/tx (the offline of rx's CPU; broken: it took rx's only CPU):"
	for b in affinityd irqbalance; do
		[ -f "$out/$b.rmap" ] || continue
		sed "s/^/  $b /" "$out/$b.rmap"
	done
	# What the stop of affinityd (restore_on_exit=true) did not put back, and
	# what the write-back after it could not.
	awk 'FNR == NR { m[$1] = $3; a[$1] = $2; next }
	($1 in m) && m[$1] != $3 && $3 != "-" { printf "  IRQ %s %s: %s at boot, %s after the stop\n", $1, a[$1], m[$1], $3 }' \
		"$out/table.initial" "$out/affinityd.table.stopped" >"$out/not-restored"
	echo "masks affinityd's stop did not restore: $(grep -c . "$out/not-restored" || true)"
	cat "$out/not-restored"
	awk 'FNR == NR { m[$1] = $3; a[$1] = $2; next }
	($1 in m) && m[$1] != $3 && $3 != "-" { printf "  IRQ %s %s: %s at boot, %s before irqbalance started\n", $1, a[$1], m[$1], $3 }' \
		"$out/table.initial" "$out/affinityd.table.restored" >"$out/still-different"
	echo "masks still different from boot when irqbalance started (after writing back): $(grep -c . "$out/still-different" || true)"
	cat "$out/still-different"
	echo "bench-vm: guest wall time $(cat "$out.elapsed") s; raw results in $out"
}

n=0
for kver in $kernels; do
	out=$work/out/$kver
	run_guest "$kver"
	metrics >"$out/metrics"
	n=$((n + 1))
done

set -- $kernels
out=$work/out/$1
echo
echo "affinityd vs irqbalance $irqbalance_version on a real kernel ($(echo $kernels | sed 's/ /, /g'), TCG guest, 8 vCPUs," \
	"isolated $(info isolated), housekeeping $(info housekeeping))"
echo "$(date -u +%Y-%m-%d), $reps hotplug cycles, ${steady_s} s steady state; ratio = irqbalance / affinityd;" \
	"times in ms from the return of the offline/online write"
if [ "$n" -eq 1 ]; then
	printf '%-52s %12s %12s %8s %10s\n' metric affinityd irqbalance ratio target
	while IFS='|' read -r label a i target; do
		printf '%-52s %12s %12s %8s %10s\n' "$label" "$a" "$i" "$(ratio "$a" "$i")" "$target"
	done <"$out/metrics"
else
	# One column group per kernel: the rows of each guest's metrics side by side.
	printf '%-52s' ""
	for kver in $kernels; do printf ' %-30s' "$kver"; done
	printf '\n%-52s' metric
	for kver in $kernels; do printf ' %11s %11s %6s' affinityd irqbalance ratio; done
	printf ' %8s\n' target
	i=0
	while IFS='|' read -r label a b target; do
		i=$((i + 1))
		printf '%-52s' "$label"
		for kver in $kernels; do
			IFS='|' read -r l a b t <<END
$(sed -n "${i}p" "$work/out/$kver/metrics")
END
			printf ' %11s %11s %6s' "$a" "$b" "$(ratio "$a" "$b")"
		done
		printf ' %8s\n' "$target"
	done <"$out/metrics"
fi
for kver in $kernels; do
	out=$work/out/$kver
	echo
	[ "$n" -eq 1 ] || echo "$kver:"
	notes
done
