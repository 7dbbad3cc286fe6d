# Sourced by the steering scenario, inside the guest, after guest-lib.sh:
# the cpu_rmap test module (tests/vm/rmap/afvm_rmap.c) and the network
# steering files of an interface. Everything reads with shell builtins
# where it can: each program started from 9p costs time under emulation.

AF_RMAP_PROC=/proc/afvm_rmap
# ethtool and kmod's insmod live in the host's /usr/sbin and /sbin.
PATH=$PATH:/usr/sbin:/sbin

# rmap_load IRQ...: loads the module (AF_RMAP_KO, built on the host for
# this kernel) with a cpu_rmap over the IRQs, in that index order.
rmap_load() {
	[ -n "${AF_RMAP_KO:-}" ] && [ -r "$AF_RMAP_KO" ] || return 1
	list=$(echo "$@" | tr ' ' ,)
	insmod "$AF_RMAP_KO" "irqs=$list"
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
