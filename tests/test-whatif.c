/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "fakemachine.h"
#include "planner.h"
#include "testutil.h"
#include "whatif.h"

/*
 * The offline advisor's pure parts: a snapshot taken offline as the
 * kernel's CPU hotplug leaves it (KERNEL.md, "Hotplug and events" and
 * "Managed IRQs"), and the findings on the plan for it.
 */

static const AfFakeDevice nvme = {"0000:01:00.0", "nvme", AF_IRQ_CLASS_STORAGE, 0, NULL};
static const AfFakeDevice nic = {"0000:02:00.0", "testnic", AF_IRQ_CLASS_NETWORK, 0, "eth0"};

/* 2 nodes, 4 cores each, no SMT: CPUs 0-7, 6-7 isolated. */
static AfFakeMachine *machine(void)
{
	g_autofree char *topology = af_fake_x86_topology(2, 1, 4, 1);

	return af_fake_machine_new(topology, "", "6-7");
}

static void assert_set(const AfCpuSet *set, const char *expected)
{
	g_autofree char *list = set ? af_cpuset_format_list(set) : g_strdup("(null)");

	g_assert_cmpstr(list, ==, expected);
}

static void take_offline(AfFakeMachine *m, const char *cpus)
{
	g_autoptr(AfCpuSet) set = af_fake_cpus(cpus);
	g_autofree char *message = NULL;
	g_autoptr(AfHousekeeping) hk = NULL;

	g_assert_cmpint(af_whatif_take_offline(m->snapshot, set, &message), ==, 0);
	g_assert_null(message);
	g_assert_cmpint(af_housekeeping_read(m->sysroot, m->snapshot->cmdline, m->snapshot->online,
					     m->snapshot->possible, m->policy, NULL, &hk),
			==, 0);
	af_housekeeping_free(m->hk);
	m->hk = g_steal_pointer(&hk);
}

/* The CPU lists leave online for offline. */
static void test_take_offline_cpus(void)
{
	g_autoptr(AfFakeMachine) m = machine();

	take_offline(m, "2-3");
	assert_set(m->snapshot->online, "0-1,4-7");
	assert_set(m->snapshot->offline, "2-3");
	assert_set(m->snapshot->possible, "0-7");
	assert_set(m->hk->housekeeping, "0-1,4-5");
}

/* A non-managed IRQ left with no online CPU in its mask: affinity broken to every online CPU. */
static void test_take_offline_broken(void)
{
	g_autoptr(AfFakeMachine) m = machine();
	AfIrq *alone = af_fake_add_irq(m, 30, "i8042", "2", "2");
	AfIrq *no_effective = af_fake_add_irq(m, 31, "acpi", "3", NULL);

	take_offline(m, "2-3");
	assert_set(alone->affinity, "0-1,4-7");
	assert_set(alone->effective, "0-1,4-7");
	assert_set(no_effective->affinity, "0-1,4-7");
	assert_set(no_effective->effective, "0-1,4-7");
}

/* An IRQ with online CPUs left in its mask stays in it; the mask is kept whole. */
static void test_take_offline_within_mask(void)
{
	g_autoptr(AfFakeMachine) m = machine();
	AfIrq *wide = af_fake_add_irq(m, 30, "eth0-rx", "1-3", "2");
	AfIrq *spread = af_fake_add_irq(m, 31, "legacy", "0-7", "2-3");

	take_offline(m, "2");
	assert_set(wide->affinity, "1-3");
	assert_set(wide->effective, "1,3");
	/* An effective set of several CPUs keeps the ones still online. */
	assert_set(spread->affinity, "0-7");
	assert_set(spread->effective, "3");
}

/* IRQs not served by a departing CPU, per-CPU IRQs and IRQs without a handler stay as they are. */
static void test_take_offline_untouched(void)
{
	g_autoptr(AfFakeMachine) m = machine();
	AfIrq *elsewhere = af_fake_add_irq(m, 30, "i8042", "2-3", "3");
	AfIrq *per_cpu = af_fake_add_per_cpu(m, 31, "LOC", "2", "2");
	AfIrq *no_handler = af_fake_add_irq(m, 32, "", "2", "2");
	AfIrq *no_effective = af_fake_add_irq(m, 33, "rtc0", "0-1", NULL);

	take_offline(m, "2");
	assert_set(elsewhere->affinity, "2-3");
	assert_set(elsewhere->effective, "3");
	assert_set(per_cpu->affinity, "2");
	assert_set(per_cpu->effective, "2");
	assert_set(no_handler->effective, "2");
	g_assert_null(no_effective->effective);
}

/* A managed IRQ with no online CPU in its mask shuts down; with some, it moves within its mask. */
static void test_take_offline_managed(void)
{
	g_autoptr(AfFakeMachine) m = machine();
	AfIrq *q1 = af_fake_add_managed(m, &nvme, 40, "nvme0q1", 0, "2-3", "2");
	AfIrq *q2 = af_fake_add_managed(m, &nvme, 41, "nvme0q2", 1, "4-7", "4");

	take_offline(m, "2-4");
	assert_set(q1->affinity, "2-3");
	assert_set(q1->effective, "");
	assert_set(q2->affinity, "4-7");
	assert_set(q2->effective, "5-7");
}

/* Under isolcpus=managed_irq a managed IRQ takes its mask's CPUs outside that list when it can. */
static void test_take_offline_managed_irq(void)
{
	g_autoptr(AfFakeMachine) m = machine();
	AfIrq *q1 = af_fake_add_managed(m, &nvme, 40, "nvme0q1", 0, "4-7", "4");
	AfIrq *q2 = af_fake_add_managed(m, &nvme, 41, "nvme0q2", 1, "3,6-7", "3");

	af_fake_machine_boot(m, "isolcpus=managed_irq,6-7");
	take_offline(m, "3-4");
	assert_set(q1->effective, "5");
	/* Only isolated CPUs left in the mask: the kernel serves it there. */
	assert_set(q2->effective, "6-7");
}

/* CPUs that are not online, none, or every online CPU: refused, nothing changed. */
static void test_take_offline_refused(void)
{
	g_autoptr(AfFakeMachine) m = af_fake_machine_new("pack:2 pu:2", "3", "");
	AfIrq *irq = af_fake_add_irq(m, 30, "i8042", "0", "0");
	const char *cases[][2] = {
		{"3", "CPU 3 is not online"},
		{"1-4", "CPUs 3-4 are not online"},
		{"0-2", "no CPU would be left online"},
		{"", "no CPU to take offline"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(AfCpuSet) cpus = af_fake_cpus(cases[i][0]);
		g_autofree char *message = NULL;

		g_assert_cmpint(af_whatif_take_offline(m->snapshot, cpus, &message), ==, -EINVAL);
		g_assert_cmpstr(message, ==, cases[i][1]);
	}
	assert_set(m->snapshot->online, "0-2");
	assert_set(m->snapshot->offline, "3");
	assert_set(irq->affinity, "0");
}

static GPtrArray *assess(AfFakeMachine *m)
{
	g_autoptr(AfPlan) plan = NULL;
	g_autofree char *message = NULL;

	g_assert_cmpint(af_fake_plan(m, NULL, &plan), ==, 0);
	if (af_plan_check(plan, m->snapshot, m->hk, m->policy, m->limits, &message) < 0)
		af_test_fail("plan invariant broken: %s", message);
	return af_whatif_assess(m->snapshot, m->hk, plan);
}

static const AfWhatIfFinding *finding(GPtrArray *findings, guint i)
{
	g_assert_cmpuint(i, <, findings->len);
	return g_ptr_array_index(findings, i);
}

/* Managed IRQs served only by isolated CPUs, and only those (shut down ones are not served). */
static void test_assess_managed_isolated(void)
{
	g_autoptr(AfFakeMachine) m = machine();
	g_autoptr(GPtrArray) before = NULL, after = NULL;

	af_fake_add_managed(m, &nvme, 40, "nvme0q1", 0, "0-3", "0");
	af_fake_add_managed(m, &nvme, 41, "nvme0q2", 1, "5-7", "5");
	af_fake_add_managed(m, &nvme, 42, "nvme0q3", 2, "7", "7");
	af_fake_add_managed(m, &nvme, 43, "nvme0q4", 3, "4", "4");
	/* Served by a housekeeping CPU too: not only by isolated ones. */
	af_fake_add_managed(m, &nvme, 44, "nvme0q5", 4, "0,6", "0,6");
	before = assess(m);
	g_assert_cmpuint(before->len, ==, 1);
	g_assert_cmpint(finding(before, 0)->kind, ==, AF_WHATIF_MANAGED_ISOLATED);
	g_assert_cmpuint(finding(before, 0)->irq, ==, 42);

	take_offline(m, "4-5");
	after = assess(m);
	g_assert_cmpuint(after->len, ==, 2);
	g_assert_cmpuint(finding(after, 0)->irq, ==, 41);
	assert_set(finding(after, 0)->cpus, "6-7");
	g_assert_cmpstr(finding(after, 0)->text, ==,
			"IRQ 41 (nvme0q2): kernel-managed, served only by isolated CPUs 6-7");
	g_assert_cmpuint(finding(after, 1)->irq, ==, 42);
	g_assert_cmpuint(af_whatif_mark_caused(after, before), ==, 1);
	g_assert_true(finding(after, 0)->caused);
	g_assert_false(finding(after, 1)->caused);
}

/* A NIC whose movable queues the plan must stack on the one housekeeping CPU left. */
static void test_assess_one_cpu_queues(void)
{
	g_autoptr(AfFakeMachine) m = machine();
	g_autoptr(GPtrArray) before = NULL, after = NULL;

	m->policy->numa_local = AF_NUMA_LOCAL_STRICT;
	for (guint q = 0; q < 4; q++)
		af_fake_add_queue(m, &nic, 50 + q, NULL, (int)q, AF_QUEUE_COMBINED, "0-7", "0");
	before = assess(m);
	g_assert_cmpuint(before->len, ==, 0);

	take_offline(m, "1-3");
	after = assess(m);
	g_assert_cmpuint(after->len, ==, 1);
	g_assert_cmpint(finding(after, 0)->kind, ==, AF_WHATIF_ONE_CPU_QUEUES);
	g_assert_cmpuint(finding(after, 0)->irq, ==, 50);
	g_assert_cmpstr(finding(after, 0)->device, ==, "0000:02:00.0");
	g_assert_cmpuint(finding(after, 0)->n_queues, ==, 4);
	assert_set(finding(after, 0)->cpus, "0");
	g_assert_cmpstr(finding(after, 0)->text, ==,
			"device 0000:02:00.0 (testnic, eth0): its 4 queues all on CPU 0");
	g_assert_cmpuint(af_whatif_mark_caused(after, before), ==, 1);
}

/*
 * Queues count by number (rx and tx of one channel are one), managed ones
 * where they are served, shut down ones not at all.
 */
static void test_assess_queue_numbers(void)
{
	g_autoptr(AfFakeMachine) m = machine();
	g_autoptr(GPtrArray) findings = NULL;

	af_fake_add_queue(m, &nic, 50, "eth0-rx-0", 0, AF_QUEUE_RX, "0", "0");
	af_fake_add_queue(m, &nic, 51, "eth0-tx-0", 0, AF_QUEUE_TX, "0", "0");
	af_fake_add_managed(m, &nvme, 40, "nvme0q1", 0, "0-1", "1");
	af_fake_add_managed(m, &nvme, 41, "nvme0q2", 1, "2-3", "2");
	af_fake_add_managed(m, &nvme, 42, "nvme0q3", 2, "4-5", "5");
	take_offline(m, "2-5");
	/* nic: one channel; nvme: q1 on 1, q2 and q3 shut down. */
	findings = assess(m);
	g_assert_cmpuint(findings->len, ==, 0);
}

/*
 * On a captured machine (128arm-2pa2n8cluster4co: nodes of 32 CPUs, node 0
 * is 0-31, node 1 32-63, nearest to node 0): node 0 keeps housekeeping CPUs
 * 0-3 only; a 4-queue NIC on node 0 with CPUs 1-3 offline. numa_local=strict
 * stacks the queues on CPU 0, a finding; prefer spills them to node 1: none.
 */
static void test_assess_capture(void)
{
	g_autoptr(AfFakeTree) tree = af_fake_tree_open("hwloc/128arm-2pa2n8cluster4co.tar.bz2");
	const AfNumaLocal modes[] = {AF_NUMA_LOCAL_STRICT, AF_NUMA_LOCAL_PREFER};
	const guint want[] = {1, 0};

	for (guint i = 0; i < G_N_ELEMENTS(modes); i++) {
		g_autoptr(AfCpuSet) none = af_cpuset_new(), isolated = af_fake_cpus("4-31");
		g_autoptr(AfFakeMachine) m = af_fake_machine_new_tree(tree, none, isolated);
		g_autofree char *all = af_cpuset_format_list(tree->online);
		g_autoptr(GPtrArray) findings = NULL;

		m->policy->numa_local = modes[i];
		for (guint q = 0; q < 4; q++)
			af_fake_add_queue(m, &nic, 50 + q, NULL, (int)q, AF_QUEUE_COMBINED, all,
					  "0");
		take_offline(m, "1-3");
		findings = assess(m);
		g_assert_cmpuint(findings->len, ==, want[i]);
		if (want[i])
			g_assert_cmpstr(
				finding(findings, 0)->text, ==,
				"device 0000:02:00.0 (testnic, eth0): its 4 queues all on CPU 0");
	}
}

/* The same IRQ in baseline is not caused, nor the same device; another kind is. */
static void test_mark_caused(void)
{
	g_autoptr(GPtrArray) baseline =
		g_ptr_array_new_with_free_func((GDestroyNotify)af_whatif_finding_free);
	g_autoptr(GPtrArray) findings =
		g_ptr_array_new_with_free_func((GDestroyNotify)af_whatif_finding_free);
	AfWhatIfFinding *a = g_new0(AfWhatIfFinding, 1), *b = g_new0(AfWhatIfFinding, 1),
			*c = g_new0(AfWhatIfFinding, 1), *d = g_new0(AfWhatIfFinding, 1);

	*a = (AfWhatIfFinding){.kind = AF_WHATIF_MANAGED_ISOLATED, .irq = 40};
	*b = (AfWhatIfFinding){
		.kind = AF_WHATIF_ONE_CPU_QUEUES, .irq = 40, .device = g_strdup("x")};
	g_ptr_array_add(baseline, a);
	g_ptr_array_add(baseline, b);
	*c = (AfWhatIfFinding){
		.kind = AF_WHATIF_ONE_CPU_QUEUES, .irq = 41, .device = g_strdup("x")};
	*d = (AfWhatIfFinding){
		.kind = AF_WHATIF_ONE_CPU_QUEUES, .irq = 40, .device = g_strdup("y")};
	g_ptr_array_add(findings, c);
	g_ptr_array_add(findings, d);
	g_assert_cmpuint(af_whatif_mark_caused(findings, baseline), ==, 1);
	g_assert_false(c->caused);
	g_assert_true(d->caused);
	g_assert_cmpuint(af_whatif_mark_caused(findings, NULL), ==, 2);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/whatif/take_offline/cpus", test_take_offline_cpus);
	g_test_add_func("/whatif/take_offline/broken", test_take_offline_broken);
	g_test_add_func("/whatif/take_offline/within_mask", test_take_offline_within_mask);
	g_test_add_func("/whatif/take_offline/untouched", test_take_offline_untouched);
	g_test_add_func("/whatif/take_offline/managed", test_take_offline_managed);
	g_test_add_func("/whatif/take_offline/managed_irq", test_take_offline_managed_irq);
	g_test_add_func("/whatif/take_offline/refused", test_take_offline_refused);
	g_test_add_func("/whatif/assess/managed_isolated", test_assess_managed_isolated);
	g_test_add_func("/whatif/assess/one_cpu_queues", test_assess_one_cpu_queues);
	g_test_add_func("/whatif/assess/queue_numbers", test_assess_queue_numbers);
	g_test_add_func("/whatif/assess/capture", test_assess_capture);
	g_test_add_func("/whatif/mark_caused/baseline", test_mark_caused);
	return g_test_run();
}
