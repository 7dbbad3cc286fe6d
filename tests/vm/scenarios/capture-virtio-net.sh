# Guest side: a virtio-net guest's tree for the steering fixtures, and the
# steering writes of --oneshot through the real kernel (6.1: rps_cpus and
# xps_cpus take hex masks; the store of rps_cpus strips the domain and
# nohz_full CPUs, the config's isolated CPUs are ours to strip).
. "$AF_SRCDIR/tests/vm/guest-lib.sh"

capture=$AF_BUILDDIR/daemon/affinityd-capture
ifname=$(netdev_of virtio_net) || ifname=""
check "a virtio_net interface exists" [ -n "$ifname" ]
q=/sys/class/net/$ifname/queues
is "$ifname has 4 receive queues" "$(ls -d "$q"/rx-* | wc -l)" 4
# RPS over every CPU on rx-0, as a careless tuning script leaves it. The 6.1
# store ANDs the mask with the domain and the workqueue housekeeping CPUs,
# and nohz_full= takes CPUs out of the latter: 5-7 go, CPUs isolated by
# affinityd's config or a cgroup partition alone would stay.
echo ff >"$q/rx-0/rps_cpus" || not_ok "write rps_cpus of rx-0"
is "the kernel strips nohz_full CPU 5 too" "$(cat "$q/rx-0/rps_cpus")" 1f

rm -rf "$AF_OUT/tree"
if "$capture" "$AF_OUT/tree" >"$AF_OUT/capture.log" 2>&1; then
	ok "affinityd-capture writes the tree"
else
	not_ok "affinityd-capture failed: $(tail -n 3 "$AF_OUT/capture.log")"
fi
check "the tree holds the ethtool answers of $ifname" \
	grep -q "^combined_channels=4/4$" "$AF_OUT/tree/affinityd-capture/ethtool/$ifname"
check "the tree holds xps_cpus of tx-3" [ -f "$AF_OUT/tree/sys/class/net/$ifname/queues/tx-3/xps_cpus" ]
if "$AF_DAEMON" --dry-run --json --sysroot "$AF_OUT/tree" >"$AF_OUT/tree-plan.json" 2>&1; then
	ok "dry-run reads the captured tree"
else
	not_ok "dry-run on the captured tree failed: $(tail -n 3 "$AF_OUT/tree-plan.json")"
fi
check "the captured tree's plan lists $ifname" grep -q "\"name\" : \"$ifname\"" "$AF_OUT/tree-plan.json"

# The writes: one --oneshot, then every online CPU in exactly one xps mask.
"$AF_DAEMON" --oneshot --foreground >"$AF_OUT/oneshot.log" 2>&1
diag "oneshot: $(grep -c 'Set xps' "$AF_OUT/oneshot.log") xps and $(grep -c 'Set rps' "$AF_OUT/oneshot.log") rps writes"
seen=""
dup=0
for t in "$q"/tx-*; do
	m=$((0x$(tr -d , <"$t/xps_cpus")))
	c=0
	while [ $c -lt 8 ]; do
		if [ $(((m >> c) & 1)) = 1 ]; then
			case " $seen " in *" $c "*) dup=1 ;; esac
			seen="$seen $c"
		fi
		c=$((c + 1))
	done
done
is "no CPU in two xps masks" "$dup" 0
is "every online CPU in an xps mask" "$(echo $seen | wc -w)" 8
is "rx-0 rps_cpus hold no isolated CPU after --oneshot" "$(cat "$q/rx-0/rps_cpus")" 1f
finish
