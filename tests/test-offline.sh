#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end: the offline advisor, affinityd --dry-run --offline CPULIST, on
# copies of the QEMU fixture (8 CPUs; its kernel command line isolates 2-7
# for IRQs and 1-3,5-7 for managed ones: housekeeping is CPU 0; the
# virtio-scsi request queues 27 and 28 are kernel-managed, masks 0-3 and 4-7,
# served by 0 and 4). A second copy boots with isolcpus=domain,2-7 alone:
# housekeeping 0-1. Checks the text, the JSON (schema version 1 plus
# "what_if"), the exit statuses (--strict: 3 only for findings the offline
# causes), the refusals, and that nothing is written. Prints TAP.
set -u
. "$(dirname "$0")/lib.sh"

listing() { (cd "$1/proc/irq" && for f in */smp_affinity_list */effective_affinity_list; do printf '%s %s %s\n' "$f" "$(cat "$f")" "$(stat -c %Y.%y "$f")"; done); }
dry() {
	root=$1
	shift
	"$affinityd" --dry-run --sysroot "$root" --config "$tmp/none.conf" --state-dir "$tmp/state" \
		"$@" > "$tmp/out" 2> "$tmp/err"
	status=$?
}
has() { grep -qF -- "$1" "$tmp/out"; }
said() { grep -qF -- "$1" "$tmp/err"; }
# json EXPR: a Python expression over the document d, printed.
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$tmp/out"; }

echo "1..23"
unpack_fixture "$tmp/root"
unpack_fixture "$tmp/root2"
echo "console=ttyS0 isolcpus=domain,2-7" > "$tmp/root2/proc/cmdline"
mkdir "$tmp/state"
: > "$tmp/none.conf" # an empty config: every default (--config must exist)
listing "$tmp/root" > "$tmp/before"

dry "$tmp/root" --offline 0
check "--offline 0 exits 0" "[ $status -eq 0 ]"
check "the table says which CPU goes" "has 'What if CPU 0 goes offline: the IRQs as the kernel would leave them'"
check "a managed queue left on isolated CPUs only is reported" \
	"has '  IRQ 27 (virtio2-request): kernel-managed, served only by isolated CPUs 1-3'"
check "one already so is reported as such" \
	"has '  IRQ 28 (virtio2-request): kernel-managed, served only by isolated CPU 4 (so already with every CPU online)'"
check "CURRENT is what the kernel would leave: 27 within its mask, 2 shut down" \
	"grep -q '^27 .* 0-3 (eff 1-3) ' '$tmp/out' && grep -q '^2 .*(eff none)' '$tmp/out'"
check "the CPUs are the machine's without CPU 0" "grep -q '^  online  *1-7\$' '$tmp/out'"

dry "$tmp/root" --offline 0 --strict
check "--strict: 3 when the offline causes a finding" "[ $status -eq 3 ]"
dry "$tmp/root" --offline 1 --strict
check "--strict: 0 when every finding was there before" "[ $status -eq 0 ] && has '(so already with every CPU online)'"

dry "$tmp/root" --offline 0 --json
if command -v python3 > /dev/null; then
	check "JSON: schema version 1, what_if.offline" \
		"[ \"\$(json 'd[\"version\"], d[\"what_if\"][\"offline\"]')\" = '1 0' ]"
	check "JSON: the findings with kind, irq, cpus and caused" \
		"[ \"\$(json '[(f[\"kind\"], f[\"irq\"], f[\"cpus\"], f[\"caused\"]) for f in d[\"what_if\"][\"findings\"] if f[\"irq\"] >= 24]')\" = \"[('managed_isolated', 27, '1-3', True), ('managed_isolated', 28, '4', False)]\" ]"
	check "JSON: the snapshot taken offline" \
		"[ \"\$(json 'd[\"cpus\"][\"online\"], [i[\"effective\"] for i in d[\"irqs\"] if i[\"irq\"] == 27][0]')\" = '1-7 1-3' ]"
	check "JSON: every key of version 1 still there" \
		"[ \"\$(json 'set(\"cpus irqs summary version warnings\".split()) <= set(d) and set(\"action class current device driver effective interface irq managed managed_source movable name numa_node planned queue reason warnings\".split()) <= set(d[\"irqs\"][0])')\" = True ]"
else
	for i in 1 2 3 4; do ok "# SKIP no python3 to read the JSON"; done
fi
dry "$tmp/root" --json
check "without --offline the JSON has no what_if" "[ $status -eq 0 ] && ! has 'what_if'"
dry "$tmp/root"
check "without --offline the table has no what-if" "[ $status -eq 0 ] && ! has 'What if'"

# Housekeeping 0-1: what was on CPU 0 goes to CPU 1, the plan follows it there.
dry "$tmp/root2" --offline 0 --json
if command -v python3 > /dev/null; then
	check "housekeeping 0-1, CPU 0 offline: every movable IRQ planned on CPU 1" \
		"[ \"\$(json 'sorted(set(i[\"planned\"] for i in d[\"irqs\"] if i[\"movable\"] and i[\"planned\"]))')\" = \"['1']\" ]"
	check "housekeeping 0-1, CPU 0 offline: the IRQs CPU 0 served, served by CPU 1" \
		"[ \"\$(json '[i[\"current\"] + \"/\" + i[\"effective\"] for i in d[\"irqs\"] if i[\"irq\"] == 30][0]')\" = '0-1/1' ]"
else
	for i in 1 2; do ok "# SKIP no python3 to read the JSON"; done
fi
dry "$tmp/root2" --offline 0-1
check "every housekeeping CPU offline: planned nowhere, said so" \
	"[ $status -eq 0 ] && grep -q '^1 .*i8042 .* 2-7 .*skip' '$tmp/out' && has 'no housekeeping CPU'"

dry "$tmp/root" --offline 9
check "a CPU that is not online: exit 1, said" "[ $status -eq 1 ] && said 'CPU 9 is not online'"
dry "$tmp/root" --offline 0-7
check "every online CPU: exit 1, said" "[ $status -eq 1 ] && said 'no CPU would be left online'"
dry "$tmp/root" --offline 'x'
check "not a CPU list: exit 2" "[ $status -eq 2 ] && said 'not a CPU list'"
"$affinityd" --oneshot --sysroot "$tmp/root" --offline 0 > /dev/null 2> "$tmp/err"
check "--offline without --dry-run: exit 2" "[ $? -eq 2 ] && said '--offline needs --dry-run'"
dry "$tmp/root" --strict
check "--strict without --offline: exit 2" "[ $status -eq 2 ] && said '--strict needs --offline'"

listing "$tmp/root" > "$tmp/after"
check "nothing written into the tree" "cmp -s '$tmp/before' '$tmp/after'"
[ $failed -eq 0 ] || { cat "$tmp/out" "$tmp/err" >&2; }
exit 0
