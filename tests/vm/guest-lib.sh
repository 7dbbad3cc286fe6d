# Sourced by the scenarios, inside the guest (chroot into the host's root):
# TAP output and assertions over the probe's IRQ table. Prints unnumbered TAP;
# the host numbers it. Everything runs in this one shell where it can: each
# program started from 9p costs time under emulation.

AF_PROBE=$AF_BUILDDIR/tests/vm/afvm-irq
AF_PLAN=$AF_BUILDDIR/tests/vm/afvm-plan
# af.daemon= on the kernel command line (AF_VM_APPEND) swaps in another program.
AF_DAEMON=${AF_DAEMON:-$AF_BUILDDIR/daemon/affinityd}
af_failed=0

ok() { echo "ok - $*"; }
not_ok() {
	echo "not ok - $*"
	af_failed=1
}
diag() { echo "# $*"; }

# is DESCRIPTION GOT WANT
is() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1 (got '$2', want '$3')"
	fi
}

# check DESCRIPTION COMMAND...: passes when COMMAND succeeds.
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# Ends the scenario: its status says whether every assertion passed.
finish() {
	exit "$af_failed"
}

# Loads the IRQ table (IRQ ACTIONS AFFINITY EFFECTIVE NODE COUNT a line) into
# $IRQ_TABLE: one sample, one process.
irq_sample() {
	IRQ_TABLE=$("$AF_PROBE" table) || not_ok "afvm-irq table failed"
}

# irq_find PATTERN: prints the rows of $IRQ_TABLE whose actions match the
# shell pattern, in IRQ order.
irq_find() {
	while read -r irq actions rest; do
		case "$actions" in
		$1) echo "$irq $actions $rest" ;;
		esac
	done <<END
$IRQ_TABLE
END
}

# irq_row IRQ: prints that IRQ's row.
irq_row() {
	while read -r irq rest; do
		[ "$irq" = "$1" ] && echo "$irq $rest" && return 0
	done <<END
$IRQ_TABLE
END
	return 1
}

# irq_set IRQ CPULIST: writes the IRQ's smp_affinity_list in the guest;
# prints "ok" or the errno's name.
irq_set() {
	"$AF_PROBE" set "/proc/irq/$1/smp_affinity_list" "$2"
}

# kernel_at_least MAJOR MINOR: succeeds when the guest's kernel is that
# version or later.
kernel_at_least() {
	v=$(uname -r)
	major=${v%%.*}
	minor=${v#*.}
	minor=${minor%%[!0-9]*}
	[ "$major" -gt "$1" ] || { [ "$major" -eq "$1" ] && [ "$minor" -ge "$2" ]; }
}

# readonly_mode_kernel: succeeds on kernels (6.12 on) that create the
# smp_affinity files of IRQs user space may not move mode 0444 (KERNEL.md).
readonly_mode_kernel() {
	kernel_at_least 6 12
}

# The errno the kernel gives writes to a managed IRQ: EIO before 6.12,
# EPERM from 6.12 (KERNEL.md).
managed_write_errno() {
	if readonly_mode_kernel; then echo EPERM; else echo EIO; fi
}

# managed_source_want: the dry-run's "managed_source" for a managed queue
# nothing was learned about: "mode" where the kernel marks it (0444),
# else the driver/queue "heuristic".
managed_source_want() {
	if readonly_mode_kernel; then echo mode; else echo heuristic; fi
}

# readonly_irqs: the IRQs whose smp_affinity has no write bit, by number.
readonly_irqs() {
	stat -c '%a %n' /proc/irq/*/smp_affinity | awk '
	$1 !~ /[2367]/ { split($2, p, "/"); print p[4] }' | sort -n
}

# count_lines TEXT: how many non-empty lines.
count_lines() {
	n=0
	while read -r line; do
		[ -n "$line" ] && n=$((n + 1))
	done <<END
$1
END
	echo "$n"
}

# virtio_name DRIVER: the first virtioN device bound to DRIVER (virtio_net,
# virtio_scsi), the prefix of its IRQ names.
virtio_name() {
	for d in /sys/bus/virtio/drivers/"$1"/virtio*; do
		[ -e "$d" ] && echo "${d##*/}" && return 0
	done
	return 1
}

# netdev_of DRIVER: the interface whose device is bound to DRIVER.
netdev_of() {
	for n in /sys/class/net/*; do
		drv=$(readlink "$n/device/driver" 2>/dev/null) || continue
		[ "${drv##*/}" = "$1" ] && echo "${n##*/}" && return 0
	done
	return 1
}

# dry_run_plan FILE: runs `affinityd --dry-run --json` into FILE; a failure
# is a failed check (with its stderr), and the caller skips what reads FILE.
dry_run_plan() {
	if "$AF_DAEMON" --dry-run --json >"$1" 2>"$1.stderr"; then
		ok "affinityd --dry-run --json exits 0"
		return 0
	fi
	not_ok "affinityd --dry-run --json failed: $(cat "$1.stderr")"
	return 1
}

# plan_irq IRQ: that IRQ's plan line, "irq IRQ NAME DEVICE MANAGED MOVABLE
# CURRENT EFFECTIVE PLANNED ACTION NWARNINGS SOURCE", from $PLAN (afvm-plan
# output).
plan_irq() {
	while read -r kind irq rest; do
		[ "$kind" = irq ] && [ "$irq" = "$1" ] && echo "irq $irq $rest" && return 0
	done <<END
$PLAN
END
	return 1
}

# cpulist_expand LIST: the CPUs of a cpulist ("0-3,8"), space separated.
cpulist_expand() {
	list=$1 cpus=""
	[ "$list" = - ] && list=""
	while [ -n "$list" ]; do
		item=${list%%,*}
		case "$list" in *,*) list=${list#*,} ;; *) list="" ;; esac
		lo=${item%-*} hi=${item#*-}
		while [ "$lo" -le "$hi" ]; do
			cpus="$cpus $lo"
			lo=$((lo + 1))
		done
	done
	echo "${cpus# }"
}

# cpulist_within LIST OUTER: succeeds when LIST is not empty and every CPU of
# it is in OUTER.
cpulist_within() {
	inner=$(cpulist_expand "$1")
	outer=" $(cpulist_expand "$2") "
	[ -n "$inner" ] || return 1
	for c in $inner; do
		case "$outer" in *" $c "*) ;; *) return 1 ;; esac
	done
}

# Kernel-side record of affinity writes, whoever makes them (affinityd,
# irqbalance, the probe): a kprobe on the two /proc/irq/N/smp_affinity{,_list}
# write handlers notes the IRQ (the name of the file's parent directory) and a
# kretprobe the result, both into the trace buffer with the writer's command
# name. Kernels with BTF probe arguments (6.6 on, CONFIG_PROBE_EVENTS_BTF_ARGS:
# Debian's 6.12) follow struct file's fields by name; 6.1 has no such
# arguments and gets the offsets of Debian's 6.1 x86-64 build (6.12 moved
# f_path: its dentry is at +72 there). The smoke scenario checks the record
# against writes of its own on each kernel.
AF_TRACE=/sys/kernel/tracing
kwrites_start() {
	[ -e $AF_TRACE/kprobe_events ] || mount -t tracefs nodev $AF_TRACE || return 1
	echo 0 >$AF_TRACE/tracing_on
	echo 0 >$AF_TRACE/events/enable
	: >$AF_TRACE/kprobe_events || return 1
	for f in irq_affinity_proc_write irq_affinity_list_proc_write; do
		e=afvm/af_w_${f#irq_affinity_}
		echo "p:$e $f irq=file->f_path.dentry->d_parent->d_name.name:string" \
			>>$AF_TRACE/kprobe_events 2>/dev/null ||
			echo "p:$e $f irq=+0(+40(+24(+24(%di)))):string" >>$AF_TRACE/kprobe_events ||
			return 1
		echo "r:afvm/af_r_${f#irq_affinity_} $f ret=\$retval:s64" >>$AF_TRACE/kprobe_events || return 1
	done
	echo 4096 >$AF_TRACE/buffer_size_kb
	: >$AF_TRACE/trace
	echo 1 >$AF_TRACE/events/afvm/enable || return 1
	echo 1 >$AF_TRACE/tracing_on
}

# kwrites_clear: forgets the writes recorded so far.
kwrites_clear() {
	: >$AF_TRACE/trace
}

# kwrites: one line "COMMAND IRQ RESULT" per write recorded since the last
# clear; RESULT is the byte count written, or a negative errno.
kwrites() {
	awk '
	function pid_of(t) { sub(/.*-/, "", t); return t }
	/ af_w_[a-z_]*: / {
		if (match($0, /irq="[^"]*"/)) irq[pid_of($1)] = substr($0, RSTART + 5, RLENGTH - 6)
		next
	}
	/ af_r_[a-z_]*: / {
		p = pid_of($1); comm = $1; sub(/-[0-9]+$/, "", comm)
		r = "?"
		if (match($0, /ret=-?[0-9]+/)) r = substr($0, RSTART + 4, RLENGTH - 4)
		print comm, (p in irq ? irq[p] : "?"), r
		delete irq[p]
	}' $AF_TRACE/trace
}

# kwrites_count COMMAND [failed]: how many writes COMMAND made since the last
# clear (with "failed", only those the kernel refused).
kwrites_count() {
	kwrites | awk -v c="$1" -v f="${2:-}" '
	$1 == c && (f == "" || $3 < 0) { n++ } END { print n + 0 }'
}

# kwrites_after COMMAND MARK: COMMAND's recorded writes ("COMMAND IRQ
# RESULT") after its first MARK ones: with MARK=$(kwrites_count COMMAND)
# taken earlier, what it wrote since, without clearing the record.
kwrites_after() {
	kwrites | awk -v c="$1" -v m="$2" '$1 == c && ++n > m'
}

# per_irq: reads "COMMAND IRQ RESULT" lines, prints "IRQ N" for each IRQ
# written, by IRQ number.
per_irq() {
	awk '{ n[$2]++ } END { for (i in n) print i, n[i] }' | sort -n
}

# cpulist_minus LIST MINUS: the CPUs of LIST that are not in MINUS, as a cpulist.
cpulist_minus() {
	keep="" minus=" $(cpulist_expand "$2") "
	for c in $(cpulist_expand "$1"); do
		case "$minus" in *" $c "*) ;; *) keep="$keep,$c" ;; esac
	done
	echo "${keep#,}"
}

# cpulist_has LIST CPU: succeeds when CPU is in LIST.
cpulist_has() {
	case " $(cpulist_expand "$1") " in *" $2 "*) return 0 ;; esac
	return 1
}

# serving_cpu ROW: the CPU an IRQ's row of $IRQ_TABLE ("IRQ ACTIONS AFFINITY
# EFFECTIVE ...") is placed on: its mask when that is one CPU (a move that
# may still wait for the IRQ's next interrupt), else its effective CPU (the
# daemon widens a mask with fallback CPUs only once its planned CPU serves
# the IRQ, and x86 keeps it there); "wide" when neither is one CPU.
serving_cpu() {
	set -- $1
	case "${3:-}" in
	"" | *[!0-9]*) ;;
	*) echo "$3" && return 0 ;;
	esac
	case "${4:-}" in
	"" | *[!0-9]*) echo wide ;;
	*) echo "$4" ;;
	esac
}

# beyond_widening BEFORE AFTER WRITES: of the recorded writes WRITES
# ("COMMAND IRQ RESULT" lines), prints those of IRQs for which they were
# more than one widening: a mask of one CPU C in BEFORE (an $IRQ_TABLE taken
# before the writes) that became C and its fallback CPUs in AFTER (taken
# after), still served by C, in one write. That is the rest of a move to C
# that waited for the IRQ's next interrupt (x86 without interrupt
# remapping): its fallback CPUs come once it fired. Or a whole mask
# BEFORE showed while a CPU outside it served the IRQ (a move waiting for
# its interrupt) that AFTER shows again, served inside it, in at most two
# writes (its planned CPU alone once it landed on a fallback CPU, then the
# widening). Any other write of an IRQ is printed.
# AWK_HAS: an awk function for awk programs here, has(LIST, C): 1 when the
# cpulist LIST holds CPU C, else 0.
AWK_HAS='
function has(list, c,   n, i, p, r) {
	n = split(list, p, ",")
	for (i = 1; i <= n; i++)
		if (split(p[i], r, "-") == 2) {
			if (c + 0 >= r[1] + 0 && c + 0 <= r[2] + 0) return 1
		} else if (p[i] != "" && p[i] + 0 == c + 0) return 1
	return 0
}'
beyond_widening() {
	printf '%s\n' "$1" >"$AF_OUT/.widen.before"
	printf '%s\n' "$2" >"$AF_OUT/.widen.after"
	printf '%s\n' "$3" | awk -v bf="$AF_OUT/.widen.before" -v af="$AF_OUT/.widen.after" "$AWK_HAS"'
	BEGIN {
		while ((getline l <bf) > 0) { split(l, f, " "); bm[f[1]] = f[3]; be[f[1]] = f[4] }
		while ((getline l <af) > 0) { split(l, f, " "); am[f[1]] = f[3]; ae[f[1]] = f[4] }
	}
	NF { n[$2]++; lines[$2] = lines[$2] $0 "\n" }
	END {
		for (irq in n) {
			c = bm[irq]
			# A one-CPU move that landed since: its widening.
			if (n[irq] == 1 && c ~ /^[0-9]+$/ && ae[irq] == c && am[irq] != c && has(am[irq], c))
				continue
			# A whole mask that waited (served outside it) and landed since
			# on one of its fallback CPUs: the CPU alone, then the widening.
			if (n[irq] <= 2 && be[irq] ~ /^[0-9]+$/ && !has(c, be[irq]) &&
			    am[irq] == c && has(c, ae[irq]))
				continue
			printf "%s", lines[irq]
		}
	}'
}

# cpu_file NAME: /sys/devices/system/cpu/NAME as a cpulist ("" when empty;
# nohz_full reads "(null)" without nohz_full=).
cpu_file() {
	v=""
	read -r v <"/sys/devices/system/cpu/$1" 2>/dev/null
	case "$v" in *[!0-9,-]*) v="" ;; esac
	echo "$v"
}

# housekeeping_cpus: the online CPUs the kernel does not isolate (isolcpus=
# with the domain flag, nohz_full=), as a cpulist.
housekeeping_cpus() {
	cpulist_minus "$(cpu_file online)" "$(cpu_file isolated),$(cpu_file nohz_full)"
}

# The daemon under test, for the scenarios that run it: $conf is its
# configuration file and $state its state directory (set them first).
# daemon_start NAME: starts it in the background with debug messages, its
# log in $AF_OUT/NAME.log ($log), its pid in $pid.
daemon_start() {
	log=$AF_OUT/$1.log
	G_MESSAGES_DEBUG=all "$AF_DAEMON" --foreground --config "$conf" --state-dir "$state" \
		>"$log" 2>&1 &
	pid=$!
}
# log_count PATTERN: lines of the current log matching it.
log_count() {
	c=$(grep -c -- "$1" "$log" 2>/dev/null)
	echo "${c:-0}"
}
# wait_log PATTERN [N]: waits (a failure guard: 60 s) for N matching lines.
wait_log() {
	i=0
	while [ "$(log_count "$1")" -lt "${2:-1}" ]; do
		i=$((i + 1))
		[ $i -gt 600 ] && return 1
		sleep 0.1
	done
}
# daemon_stop SIGNAL: sends it and waits for the exit; status in $status.
daemon_stop() {
	kill "-$1" "$pid"
	wait "$pid"
	status=$?
}
# wait_quiet COMMAND QUIET_S BOUND_S: waits until COMMAND has made no
# recorded write for QUIET_S seconds; fails when that has not happened
# within BOUND_S (a write loop).
wait_quiet() {
	last=$(kwrites_count "$1") still=0 waited=0
	while [ "$still" -lt $(($2 * 2)) ]; do
		[ "$waited" -ge $(($3 * 2)) ] && return 1
		sleep 0.5
		waited=$((waited + 1))
		now=$(kwrites_count "$1")
		if [ "$now" = "$last" ]; then
			still=$((still + 1))
		else
			last=$now still=0
		fi
	done
}
# now_ms: a monotonic-enough clock in milliseconds.
now_ms() {
	read -r up rest </proc/uptime
	frac=${up#*.}
	echo $((${up%.*} * 1000 + 10 * ${frac#0}))
}
# masks: "IRQ MASK" of every IRQ of $IRQ_TABLE.
masks() {
	while read -r irq actions mask rest; do
		echo "$irq $mask"
	done <<END
$IRQ_TABLE
END
}

# masks_as_before FILE DESCRIPTION: samples the IRQ table and passes when
# every mask is as FILE (from masks) holds it, else shows the difference.
masks_as_before() {
	irq_sample
	masks >"$1.now"
	if cmp -s "$1" "$1.now"; then
		ok "$2"
	else
		not_ok "$2"
		diff "$1" "$1.now" | sed 's/^/#   /'
	fi
}

# movable_outside ALLOWED: the IRQs of $movable (a space-separated list)
# whose mask in $IRQ_TABLE is not within ALLOWED, as IRQ:NAME:MASK. (An IRQ
# gone from the table is not looked at.)
movable_outside() {
	while read -r irq actions aff rest; do
		case " $movable " in *" $irq "*) ;; *) continue ;; esac
		cpulist_within "$aff" "$1" || echo "$irq:$actions:$aff"
	done <<END
$IRQ_TABLE
END
}
# movable_on CPU: the IRQs of $movable whose mask includes CPU.
movable_on() {
	while read -r irq actions aff rest; do
		case " $movable " in *" $irq "*) ;; *) continue ;; esac
		cpulist_has "$aff" "$1" && echo "$irq"
	done <<END
$IRQ_TABLE
END
}

# IRQ threads: the kthread irq/N-name of a threaded handler, and of every
# device IRQ on PREEMPT_RT. Its CPU affinity follows the IRQ's effective CPU
# at its next wake-up (KERNEL.md). The checks compare two samples, each an
# IRQ table (irq_sample's $IRQ_TABLE) and a thread table (afvm-irq threads:
# IRQ PID CPU ALLOWED SWITCHES COMM), saved in files.

# preempt_rt: succeeds on a PREEMPT_RT kernel.
preempt_rt() {
	[ "$(cat /sys/kernel/realtime 2>/dev/null)" = 1 ]
}

# window_sample PREFIX: saves the IRQ table to PREFIX.irqs and, a moment
# later (a woken thread runs at once, but emulation is slow), the thread
# table to PREFIX.threads.
window_sample() {
	irq_sample
	echo "$IRQ_TABLE" >"$1.irqs"
	sleep 0.5
	"$AF_PROBE" threads >"$1.threads" || not_ok "afvm-irq threads failed"
}

# thread_problems IRQS HOUSEKEEPING FROM TO: what the threads of IRQS (a
# space-separated list) did between window samples FROM and TO, one line per
# problem:
#   outside IRQ:COMM CPU ALLOWED      its thread ran in the window, and the
#                                     CPU it ran on or its allowed CPUs are
#                                     not all in HOUSEKEEPING
#   astray IRQ:COMM EFF CPU ALLOWED   the IRQ fired and its thread ran, but
#                                     not (only) on the IRQ's effective CPU
#                                     (at FROM or at TO: a move may land
#                                     in between)
#   idle IRQ:COMM EFF                 the IRQ fired, its thread never ran
#   nothread IRQ                      the IRQ fired and has no thread
#   parked IRQ:COMM CPU ALLOWED       not a problem yet: its thread did not
#                                     run, and sits outside HOUSEKEEPING
#                                     (a quiet IRQ's thread stays where its
#                                     IRQ was served until the IRQ fires)
# (idle and nothread only on PREEMPT_RT, where every device IRQ's handler
# runs in its thread).
thread_problems() {
	rt=0
	preempt_rt && rt=1
	awk -v irqs=" $1 " -v hk="$2" -v rt=$rt '
	function add(set, list,   n, p, i, r, c) {
		n = split(list, p, ",")
		for (i = 1; i <= n; i++) {
			if (split(p[i], r, "-") == 1)
				r[2] = r[1]
			for (c = r[1] + 0; c <= r[2] + 0; c++)
				set[c] = 1
		}
	}
	function within(list,   set, c) {
		if (list == "" || list == "-")
			return 0
		add(set, list)
		for (c in set)
			if (!(c in hkset))
				return 0
		return 1
	}
	BEGIN { add(hkset, hk) }
	FILENAME == ARGV[1] { count0[$1] = $6; eff0[$1] = $4; next }
	FILENAME == ARGV[2] { switches0[$2] = $5; next }
	FILENAME == ARGV[3] { count1[$1] = $6; eff[$1] = $4; next }
	index(irqs, " " $1 " ") {
		irq = $1
		threaded[irq] = 1
		ran = !($2 in switches0) || $5 > switches0[$2]
		fired = count1[irq] > count0[irq]
		if (!(within($3) && within($4)))
			print (ran ? "outside" : "parked"), irq ":" $6, $3, $4
		# A move may land inside the window: the effective CPU at either end.
		if (ran && fired && ($3 != eff[irq] || $4 != eff[irq]) &&
		    ($3 != eff0[irq] || $4 != eff0[irq]))
			print "astray", irq ":" $6, eff[irq], $3, $4
		if (rt && fired && !ran)
			print "idle", irq ":" $6, eff[irq]
	}
	END {
		if (!rt)
			exit
		n = split(irqs, list, " ")
		for (i = 1; i <= n; i++)
			if (!(list[i] in threaded) && count1[list[i]] > count0[list[i]])
				print "nothread", list[i]
	}' "$3.irqs" "$3.threads" "$4.irqs" "$4.threads"
}

# threads_ran IRQS FROM TO: how many threads of IRQS ran between the window
# samples FROM and TO.
threads_ran() {
	awk -v irqs=" $1 " '
	FNR == NR { switches0[$2] = $5; next }
	index(irqs, " " $1 " ") && (!($2 in switches0) || $5 > switches0[$2]) { n++ }
	END { print n + 0 }' "$2.threads" "$3.threads"
}
