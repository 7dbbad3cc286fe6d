# Sourced by the host-side VM test drivers (tests/vm/<scenario>.sh): boots
# one guest through run-guest.sh and turns its result into TAP on stdout.
# The guest's scenario prints unnumbered TAP lines ("ok - ...", "not ok - ...",
# "# ..."); this adds the harness's own results and the plan at the end.

vm_here=$(cd "$(dirname "$0")" && pwd)
AF_TOP_SRCDIR=${AF_TOP_SRCDIR:-$(cd "$vm_here/../.." && pwd)}
AF_TOP_BUILDDIR=${AF_TOP_BUILDDIR:-$AF_TOP_SRCDIR}
vm_count=0

vm_ok() {
	vm_count=$((vm_count + 1))
	echo "ok $vm_count - $*"
}
vm_not_ok() {
	vm_count=$((vm_count + 1))
	echo "not ok $vm_count - $*"
}

# vm_run NAME RUN-GUEST-ARGS... -- QEMU-ARGS...
# Boots the kernel of slot AF_VM_SLOT (kernel.sh; the k<slot>-NAME.sh
# drivers set it, else 6.1). AF_VM_APPEND adds kernel arguments
# (af.daemon=/abs/prog runs another program as the daemon, to try a
# scenario's plan assertions).
# Runs scenarios/NAME.sh in a guest, prints its TAP, then the plan; returns
# nonzero when anything failed. A missing tool or kernel is a failure that
# says what to install, never a skip. Results: out/SLOT/NAME/.
vm_run() {
	name=$1
	shift
	slot=${AF_VM_SLOT:-6.1}
	out=$AF_TOP_BUILDDIR/tests/vm/out/$slot/$name
	# No result of an earlier run may stand in for this one, nor its state.
	rm -rf "$out"
	mkdir -p "$out"
	kver=$("$vm_here/kernel.sh" "$slot" version 2>/dev/null) || kver="no $slot kernel"
	echo "# kernel $kver (slot $slot)"
	start=$(date +%s)
	status=0
	"$vm_here/run-guest.sh" --out "$out" --scenario "$vm_here/scenarios/$name.sh" --kernel "$slot" \
		--append "af.srcdir=$AF_TOP_SRCDIR af.builddir=$AF_TOP_BUILDDIR ${AF_VM_APPEND:-}" \
		"$@" 2>"$out.stderr" || status=$?
	elapsed=$(($(date +%s) - start))

	failed=0
	if [ -f "$out/tap" ]; then
		while IFS= read -r line; do
			case "$line" in
			"ok "*) vm_ok "${line#ok - }" ;;
			"not ok "*)
				vm_not_ok "${line#not ok - }"
				failed=1
				;;
			*) echo "$line" ;;
			esac
		done <"$out/tap"
	fi
	case "$status" in
	0) vm_ok "guest ran scenario $name on $kver (wall time ${elapsed} s)" ;;
	124) vm_not_ok "guest timed out (wall time ${elapsed} s)" ;;
	125) vm_not_ok "guest could not run scenario $name: $(tail -n 1 "$out.stderr")" ;;
	*) vm_not_ok "guest scenario $name ended with status $status (wall time ${elapsed} s)" ;;
	esac
	if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then
		sed 's/^/# /' "$out.stderr"
		echo "# last lines of $out/serial.log:"
		tail -n 30 "$out/serial.log" 2>/dev/null | sed 's/^/#   /'
	fi
	echo "# wall time: ${elapsed} s"
	echo "1..$vm_count"
	[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
}
