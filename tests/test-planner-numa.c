/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "fakemachine.h"
#include "planner.h"
#include "testutil.h"

/*
 * numa_local on thin nodes, on the multi-node captures: a node with fewer
 * housekeeping cores than a NIC has queues. Where each queue may go is
 * worked out here from the capture's files (nodeN/cpulist, nodeN/distance
 * and the cores of thread_siblings_list, as hwloc reads them), never from
 * the planner's own output.
 *
 *   128arm-2pa2n8cluster4co: 4 nodes of 32 CPUs (0-31, 32-63, 64-95,
 *     96-127), one core per CPU; distances from node 0: 10 16 32 33.
 *   48amd64-4pa2n6c-sparse: nodes 0 1 2 33 34 45 72 73 of 6 CPUs each
 *     (0-5, 6-11, ..., 42-47), one core per CPU; node 72's distances to
 *     0 1 2 33 34 45 72 73: 16 22 16 22 16 22 10 16.
 */

#define ARM "hwloc/128arm-2pa2n8cluster4co.tar.bz2"
#define SPARSE "hwloc/48amd64-4pa2n6c-sparse.tar.bz2"

/* A machine of a capture with isolated CPUs and a NIC of n_queues queues on node. */
static AfFakeMachine *nic_machine(const AfFakeTree *tree, const char *isolated, int node,
				  guint n_queues, AfNumaLocal numa_local)
{
	g_autoptr(AfCpuSet) none = af_cpuset_new(), isolate = af_fake_cpus(isolated);
	g_autofree char *all = af_cpuset_format_list(tree->online);
	AfFakeMachine *m = af_fake_machine_new_tree(tree, none, isolate);
	const AfFakeDevice nic = {"0000:10:00.0", "testnic", AF_IRQ_CLASS_NETWORK, node, "eth0"};

	m->policy->numa_local = numa_local;
	for (guint q = 0; q < n_queues; q++)
		af_fake_add_queue(m, &nic, 100 + q, NULL, (int)q, AF_QUEUE_COMBINED, all, NULL);
	return m;
}

static AfPlan *plan_checked(AfFakeMachine *m, AfPlacement *previous)
{
	AfPlan *plan = NULL;
	g_autofree char *message = NULL;
	int r;

	r = af_fake_plan(m, previous, &plan);
	if (r < 0)
		g_error("no plan: %s", g_strerror(-r));
	if (af_plan_check(plan, m->snapshot, m->hk, m->policy, m->limits, &message) < 0)
		af_test_fail("plan invariant broken: %s", message);
	af_test_dump_plan(plan);
	return plan;
}

/* The CPU each queue IRQ (100 + q) is planned on, -1 when not placed. */
static int planned_cpu(const AfPlan *plan, guint irq)
{
	const AfPlanEntry *entry = af_plan_lookup(plan, irq);

	if (!entry || !entry->planned || af_cpuset_count(entry->planned) != 1)
		return -1;
	return af_cpuset_first(entry->planned);
}

/* How many of the n queues are planned within cpus; fails the case for a queue not placed. */
static guint queues_within(const AfPlan *plan, guint n, const char *cpus)
{
	g_autoptr(AfCpuSet) set = af_fake_cpus(cpus);
	guint within = 0;

	for (guint q = 0; q < n; q++) {
		int cpu = planned_cpu(plan, 100 + q);

		if (cpu < 0)
			af_test_fail("queue %u: not placed", q);
		else
			within += af_cpuset_contains(set, (guint)cpu);
	}
	return within;
}

/* The distinct CPUs (= cores on these captures) the n queues are planned on. */
static guint distinct_cpus(const AfPlan *plan, guint n)
{
	g_autoptr(AfCpuSet) used = af_cpuset_new();

	for (guint q = 0; q < n; q++)
		if (planned_cpu(plan, 100 + q) >= 0)
			af_cpuset_add(used, (guint)planned_cpu(plan, 100 + q));
	return af_cpuset_count(used);
}

/*
 * The case: node 0 keeps one housekeeping CPU (0), a 16-queue NIC
 * sits on it. prefer: one queue on CPU 0, the other 15 on distinct cores
 * of node 1 (distance 16, before node 2 at 32), none stacked.
 */
static void test_thin_prefer(void)
{
	g_autoptr(AfFakeTree) tree = af_fake_tree_open(ARM);
	g_autoptr(AfFakeMachine) m = nic_machine(tree, "1-31", 0, 16, AF_NUMA_LOCAL_PREFER);
	g_autoptr(AfPlan) plan = plan_checked(m, NULL);

	g_assert_cmpuint(queues_within(plan, 16, "0"), ==, 1);
	g_assert_cmpuint(queues_within(plan, 16, "32-63"), ==, 15);
	g_assert_cmpuint(distinct_cpus(plan, 16), ==, 16);
	for (guint q = 0; q < 16; q++) {
		const AfPlanEntry *entry = af_plan_lookup(plan, 100 + q);

		if (planned_cpu(plan, 100 + q) == 0)
			g_assert_nonnull(strstr(entry->reason, "(device local)"));
		else
			g_assert_nonnull(strstr(entry->reason, "(spilled: its node 0 has 1 "
							       "housekeeping core for 16 queues)"));
	}
}

/* strict is the behaviour before prefer: every queue on the node's one CPU. */
static void test_thin_strict(void)
{
	g_autoptr(AfFakeTree) tree = af_fake_tree_open(ARM);
	g_autoptr(AfFakeMachine) m = nic_machine(tree, "1-31", 0, 16, AF_NUMA_LOCAL_STRICT);
	g_autoptr(AfPlan) plan = plan_checked(m, NULL);

	g_assert_cmpuint(queues_within(plan, 16, "0"), ==, 16);
}

/* off: any housekeeping CPU, distinct cores, the node not preferred. */
static void test_thin_off(void)
{
	g_autoptr(AfFakeTree) tree = af_fake_tree_open(ARM);
	g_autoptr(AfFakeMachine) m = nic_machine(tree, "1-31", 0, 16, AF_NUMA_LOCAL_OFF);
	g_autoptr(AfPlan) plan = plan_checked(m, NULL);

	g_assert_cmpuint(distinct_cpus(plan, 16), ==, 16);
	g_assert_cmpuint(queues_within(plan, 16, "0,32-127"), ==, 16);
	/* The spread ranking takes the other nodes' cores as readily as node 1's. */
	g_assert_cmpuint(queues_within(plan, 16, "32-63"), <, 15);
}

/*
 * A node with cores enough spills nothing: 16 queues, node 0 keeps 16
 * housekeeping CPUs (0-15), all stay on the node, one per core.
 */
static void test_thick_node(void)
{
	g_autoptr(AfFakeTree) tree = af_fake_tree_open(ARM);
	g_autoptr(AfFakeMachine) m = nic_machine(tree, "16-31", 0, 16, AF_NUMA_LOCAL_PREFER);
	g_autoptr(AfPlan) plan = plan_checked(m, NULL);

	g_assert_cmpuint(queues_within(plan, 16, "0-15"), ==, 16);
	g_assert_cmpuint(distinct_cpus(plan, 16), ==, 16);
}

/*
 * Sparse node numbers, nearest by distance: node 72 keeps CPU 36 only, an
 * 8-queue NIC on it. Its nearest nodes are 0, 2, 34 and 73 (16), then 1,
 * 33, 45 (22); whole nodes, ties by number: node 0 (7 cores with 36),
 * then node 2 (13). Nearest first, node by node: one queue on 36, six on
 * node 0, the last on node 2 (the spread ranking alone, over all 13
 * cores, would alternate between the nodes' caches).
 */
static void test_sparse_nearest(void)
{
	g_autoptr(AfFakeTree) tree = af_fake_tree_open(SPARSE);
	g_autoptr(AfFakeMachine) m = nic_machine(tree, "37-41", 72, 8, AF_NUMA_LOCAL_PREFER);
	g_autoptr(AfPlan) plan = plan_checked(m, NULL);

	g_assert_cmpuint(queues_within(plan, 8, "36"), ==, 1);
	g_assert_cmpuint(queues_within(plan, 8, "0-5"), ==, 6);
	g_assert_cmpuint(queues_within(plan, 8, "12-17"), ==, 1);
	g_assert_cmpuint(distinct_cpus(plan, 8), ==, 8);
}

/* Applied and planned again: nothing moves (spilled queues stay, the node's stay). */
static void test_fixed_point(void)
{
	g_autoptr(AfFakeTree) tree = af_fake_tree_open(ARM);
	g_autoptr(AfFakeMachine) m = nic_machine(tree, "1-31", 0, 16, AF_NUMA_LOCAL_PREFER);
	g_autoptr(AfPlan) plan = plan_checked(m, NULL), again = NULL;
	g_autoptr(AfPlacement) previous = af_test_apply_plan(m->snapshot, plan);

	again = plan_checked(m, previous);
	g_assert_cmpuint(again->n_move, ==, 0);
	for (guint q = 0; q < 16; q++)
		g_assert_cmpint(planned_cpu(again, 100 + q), ==, planned_cpu(plan, 100 + q));
}

/*
 * Queues found on a nearer node while their own node has a core free of
 * them (a driver's hints, a plan from before CPUs were un-isolated): one
 * comes home, the farthest, and the rest stay where they are.
 */
static void test_pull_home(void)
{
	g_autoptr(AfFakeTree) tree = af_fake_tree_open(ARM);
	g_autoptr(AfFakeMachine) m = nic_machine(tree, "2-31", 0, 4, AF_NUMA_LOCAL_PREFER);
	g_autoptr(AfPlan) plan = NULL;
	const char *now[] = {"0", "32", "33", "34"};
	guint home = 0;

	for (guint q = 0; q < 4; q++) {
		AfIrq *irq = af_snapshot_lookup(m->snapshot, 100 + q);

		af_cpuset_free(irq->affinity);
		irq->affinity = af_fake_cpus(now[q]);
		irq->effective = af_fake_cpus(now[q]);
	}
	plan = plan_checked(m, NULL);
	g_assert_cmpint(planned_cpu(plan, 100), ==, 0);
	/* CPU 1, node 0's free core, takes the queue of the farthest tier (all
	 * three are on node 1: the highest IRQ number of them). */
	g_assert_cmpint(planned_cpu(plan, 103), ==, 1);
	g_assert_nonnull(strstr(af_plan_lookup(plan, 103)->reason, "back from a nearest node"));
	for (guint q = 1; q < 3; q++) {
		g_assert_cmpint(af_plan_lookup(plan, 100 + q)->action, ==, AF_ACTION_KEEP);
		home += planned_cpu(plan, 100 + q) < 32;
	}
	g_assert_cmpuint(home, ==, 0);
}

/*
 * A node without housekeeping CPUs: under prefer a lone IRQ of its device
 * goes to the nearest node (node 1 from node 0), not to any CPU.
 */
static void test_empty_node(void)
{
	g_autoptr(AfFakeTree) tree = af_fake_tree_open(ARM);
	g_autoptr(AfFakeMachine) m = nic_machine(tree, "0-31,33-63", 0, 0, AF_NUMA_LOCAL_PREFER);
	const AfFakeDevice nvme = {"0000:40:00.0", "nvme", AF_IRQ_CLASS_STORAGE, 0, NULL};
	g_autoptr(AfPlan) plan = NULL;

	af_fake_irq_set_device(af_fake_add_irq(m, 50, "nvme0q0", "0-127", "0"), &nvme);
	plan = plan_checked(m, NULL);
	g_assert_cmpint(planned_cpu(plan, 50), ==, 32);
	g_assert_nonnull(strstr(af_plan_lookup(plan, 50)->reason,
				"(spilled: its node 0 has 0 housekeeping cores for 1 IRQ)"));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/planner/compute/thin-node-prefer", test_thin_prefer);
	g_test_add_func("/planner/compute/thin-node-strict", test_thin_strict);
	g_test_add_func("/planner/compute/thin-node-off", test_thin_off);
	g_test_add_func("/planner/compute/thick-node-prefer", test_thick_node);
	g_test_add_func("/planner/compute/spill-sparse-nearest", test_sparse_nearest);
	g_test_add_func("/planner/compute/spill-fixed-point", test_fixed_point);
	g_test_add_func("/planner/compute/spill-pull-home", test_pull_home);
	g_test_add_func("/planner/compute/spill-empty-node", test_empty_node);
	return g_test_run();
}
