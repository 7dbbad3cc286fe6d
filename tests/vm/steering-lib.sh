# Sourced by the steering scenario, inside the guest, after guest-lib.sh:
# the cpu_rmap test module (tests/vm/rmap/afvm_rmap.c) and the network
# steering files of an interface. Everything reads with shell builtins
# where it can: each program started from 9p costs time under emulation.

AF_RMAP_PROC=/proc/afvm_rmap
# ethtool and kmod's insmod live in the host's /usr/sbin and /sbin.
PATH=$PATH:/usr/sbin:/sbin

# rmap_load [-n IF] IRQ...: loads the module (AF_RMAP_KO, built on the host
# for this kernel) with a cpu_rmap over the IRQs, in that index order; -n
# also turns on IF's ntuple-filters feature (the module's ntuple=), so that
# user space sees IF as an aRFS NIC.
rmap_load() {
	[ -n "${AF_RMAP_KO:-}" ] && [ -r "$AF_RMAP_KO" ] || return 1
	ntuple=""
	if [ "$1" = -n ]; then
		ntuple="ntuple=$2"
		shift 2
	fi
	list=$(echo "$@" | tr ' ' ,)
	insmod "$AF_RMAP_KO" "irqs=$list" $ntuple
}

# arfs_interfaces JSON: the interfaces that `affinityd --dry-run --json`
# (in the file JSON) shows with "arfs": true, one a line.
arfs_interfaces() {
	awk '/"interfaces"/ { in_if = 1 }
	in_if && /"name" :/ { name = $3; gsub(/[",]/, "", name) }
	in_if && /"arfs" : true/ { print name }' "$1"
}

# rmap_sample: /proc/afvm_rmap into $RMAP, one read.
rmap_sample() {
	RMAP=""
	while IFS= read -r line; do
		RMAP="$RMAP$line
"
	done <$AF_RMAP_PROC
}

# rmap_field IRQ KEY: a field of the IRQ's line in $RMAP ("irq IRQ index I
# mask M fed F notifies N last_ns T").
rmap_field() {
	while read -r kind irq rest; do
		[ "$kind" = irq ] && [ "$irq" = "$1" ] || continue
		set -- "$2" $rest
		want=$1
		shift
		while [ $# -ge 2 ]; do
			[ "$1" = "$want" ] && echo "$2" && return 0
			shift 2
		done
	done <<END
$RMAP
END
	return 1
}

# rmap_map: the map itself, "CPU INDEX DIST" a line, from $RMAP.
rmap_map() {
	while read -r kind cpu k1 index k2 dist; do
		[ "$kind" = cpu ] && echo "$cpu $index $dist"
	done <<END
$RMAP
END
}

# rmap_fresh IRQ: succeeds when the rmap was last fed the IRQ's requested
# mask, as it is now ($RMAP).
rmap_fresh() {
	[ "$(rmap_field "$1" fed)" = "$(rmap_field "$1" mask)" ]
}

# rmap_wait IRQ NOTIFIES BOUND_S: samples until the IRQ's notifier ran at
# least NOTIFIES times and the rmap is fresh for it; fails after BOUND_S.
rmap_wait() {
	i=0
	while :; do
		rmap_sample
		[ "$(rmap_field "$1" notifies)" -ge "$2" ] && rmap_fresh "$1" && return 0
		i=$((i + 1))
		[ $i -gt $(($3 * 10)) ] && return 1
		sleep 0.1
	done
}

# rmap_show: $RMAP as diagnostics.
rmap_show() {
	echo "$RMAP" | sed '/^$/d; s/^/#   /'
}

# kick_until_served IRQ CPU ADDR: makes a NIC's IRQ take interrupts (a
# datagram to ADDR, its reply) until CPU serves it; fails after 20 tries. On
# x86 without interrupt remapping a move happens at the next interrupt
# (KERNEL.md), and the hotplug path looks at the effective CPU.
kick_until_served() {
	tries=0
	while [ $tries -lt 20 ]; do
		irq_sample
		set -- "$1" "$2" "$3" $(irq_row "$1")
		[ "${7:-}" = "$2" ] && return 0
		"$AF_PROBE" udp "$3" >/dev/null
		tries=$((tries + 1))
		sleep 0.1
	done
	return 1
}

# mask_to_cpulist HEX: a kernel hex mask ("3f", "00000000,000000ff") as a
# cpulist ("0-5"; "" for no CPU).
mask_to_cpulist() {
	# The last group holds CPUs 0-31: walk the groups from there.
	rest=$1 cpus="" base=0
	while [ -n "$rest" ]; do
		g=${rest##*,}
		case "$rest" in *,*) rest=${rest%,*} ;; *) rest="" ;; esac
		v=$((0x$g)) bit=0
		while [ "$v" -ne 0 ]; do
			[ $((v & 1)) -eq 1 ] && cpus="$cpus,$((base + bit))"
			v=$((v >> 1)) bit=$((bit + 1))
		done
		base=$((base + 32))
	done
	cpulist_join "${cpus#,}"
}

# cpulist_join LIST: a comma list of single CPUs in ascending order as a
# cpulist with ranges ("0,1,2,5" -> "0-2,5").
cpulist_join() {
	out="" lo="" hi=""
	for c in $(echo "$1" | tr , ' '); do
		if [ -n "$hi" ] && [ "$c" -eq $((hi + 1)) ]; then
			hi=$c
			continue
		fi
		[ -n "$lo" ] && out="$out,$(range_text "$lo" "$hi")"
		lo=$c hi=$c
	done
	[ -n "$lo" ] && out="$out,$(range_text "$lo" "$hi")"
	echo "${out#,}"
}
range_text() {
	if [ "$1" = "$2" ]; then echo "$1"; else echo "$1-$2"; fi
}

# queue_masks IF: "QUEUE CPULIST" for each rx queue's rps_cpus and each tx
# queue's xps_cpus of the interface, queue order.
queue_masks() {
	for d in /sys/class/net/"$1"/queues/rx-* /sys/class/net/"$1"/queues/tx-*; do
		[ -d "$d" ] || continue
		case "$d" in */rx-*) f=rps_cpus ;; *) f=xps_cpus ;; esac
		hex=""
		read -r hex <"$d/$f" 2>/dev/null
		echo "${d##*/} $(mask_to_cpulist "${hex:-0}")"
	done
}

# xps_problems IF: every online CPU must be in exactly one tx queue's
# xps_cpus; prints "CPU:N" for each that is in N of them, none when all are
# in one.
xps_problems() {
	masks=$(queue_masks "$1" | while read -r q list; do
		case "$q" in tx-*) echo "$list" ;; esac
	done)
	for c in $(cpulist_expand "$(cpu_file online)"); do
		n=0
		for list in $masks; do
			cpulist_has "$list" "$c" && n=$((n + 1))
		done
		[ "$n" -eq 1 ] || echo "$c:$n"
	done
}

# rps_problems IF ISOLATED: the rx queues whose rps_cpus hold a CPU of
# ISOLATED, as QUEUE:CPULIST.
rps_problems() {
	queue_masks "$1" | while read -r q list; do
		case "$q" in rx-*) ;; *) continue ;; esac
		for c in $(cpulist_expand "${list:--}"); do
			cpulist_has "$2" "$c" && echo "$q:$list" && break
		done
	done
}

# net_rx_sample: the NET_RX row of /proc/softirqs as "CPU COUNT" lines in
# $NET_RX (columns by the header: one per possible CPU).
net_rx_sample() {
	NET_RX=""
	{
		read -r header
		while read -r name counts; do
			[ "$name" = NET_RX: ] || continue
			set -- $counts
			for col in $header; do
				NET_RX="$NET_RX${col#CPU} $1
"
				shift
			done
		done
	} </proc/softirqs
}

# net_rx_busy BEFORE: the CPUs whose NET_RX count rose since BEFORE (an
# earlier $NET_RX), as "CPU:DELTA" words, from a new sample.
net_rx_busy() {
	before=$1
	net_rx_sample
	while read -r cpu count; do
		[ -n "$cpu" ] || continue
		old=$(echo "$before" | while read -r c n; do [ "$c" = "$cpu" ] && echo "$n"; done)
		[ "$count" -gt "${old:-0}" ] && echo "$cpu:$((count - ${old:-0}))"
	done <<END
$NET_RX
END
}

# Steering writes in the kernel-side write record (guest-lib.sh's kwrites,
# started first): a kretprobe on each sysfs store of rps_cpus and xps_cpus
# (net/core/net-sysfs.c: store_rps_map, xps_cpus_store) notes the writer
# and the result.
swrites_start() {
	for f in store_rps_map xps_cpus_store; do
		echo "r:afvm/af_sr_$f $f ret=\$retval:s64" >>$AF_TRACE/kprobe_events || return 1
		echo 1 >$AF_TRACE/events/afvm/af_sr_$f/enable || return 1
	done
}

# swrites: one line "COMMAND rps|xps RESULT" per steering write recorded
# since the last kwrites_clear.
swrites() {
	awk '/ af_sr_[a-z_]*: / {
		comm = $1; sub(/-[0-9]+$/, "", comm)
		kind = ($0 ~ /af_sr_store_rps_map/) ? "rps" : "xps"
		r = "?"
		if (match($0, /ret=-?[0-9]+/)) r = substr($0, RSTART + 4, RLENGTH - 4)
		print comm, kind, r
	}' $AF_TRACE/trace
}

# swrites_count COMMAND: its steering writes since the last clear.
swrites_count() {
	swrites | awk -v c="$1" '$1 == c { n++ } END { print n + 0 }'
}

# wait_steady COMMAND QUIET_S BOUND_S: waits until COMMAND has made no
# recorded write, affinity or steering, for QUIET_S seconds; fails when
# that has not happened within BOUND_S.
wait_steady() {
	last=$(($(kwrites_count "$1") + $(swrites_count "$1"))) still=0 waited=0
	while [ "$still" -lt $(($2 * 2)) ]; do
		[ "$waited" -ge $(($3 * 2)) ] && return 1
		sleep 0.5
		waited=$((waited + 1))
		now=$(($(kwrites_count "$1") + $(swrites_count "$1")))
		if [ "$now" = "$last" ]; then
			still=$((still + 1))
		else
			last=$now still=0
		fi
	done
}

# wait_started BOUND_S: waits until the daemon started with daemon_start
# logs "Started"; fails at once when it exits, or after BOUND_S.
wait_started() {
	end=$(($(now_ms) + $1 * 1000))
	while ! grep -q Started "$log"; do
		kill -0 "$pid" 2>/dev/null || return 1
		[ "$(now_ms)" -lt "$end" ] || return 1
		sleep 0.2
	done
}
