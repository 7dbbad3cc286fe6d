/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "fakemachine.h"
#include "planlimits.h"
#include "planner.h"
#include "testutil.h"

/*
 * Fallback masks in the plan: on x86 a placed IRQ's mask is its planned
 * CPU plus fallback_cpus housekeeping CPUs near it; none elsewhere, for
 * aRFS queues, for IRQs the limits narrow, or with fallback_cpus=0.
 *
 * The machine: one node, one cache, 4 cores of 2 threads (CPU c and c + 4
 * are siblings), CPUs 3 and 7 isolated: housekeeping 0-2,4-6.
 */

static AfFakeMachine *machine(AfArch arch)
{
	g_autofree char *synthetic = af_fake_x86_topology(1, 1, 4, 2);
	AfFakeMachine *m = af_fake_machine_new(synthetic, "", "3,7");

	m->snapshot->arch = arch;
	return m;
}

static AfPlan *plan_checked(AfFakeMachine *m, AfPlacement *previous)
{
	AfPlan *plan = NULL;
	g_autofree char *message = NULL;

	g_assert_cmpint(af_fake_plan(m, previous, &plan), ==, 0);
	if (af_plan_check(plan, m->snapshot, m->hk, m->policy, m->limits, &message) < 0)
		af_test_fail("plan invariant broken: %s", message);
	af_test_dump_plan(plan);
	return plan;
}

static char *list_or_dash(const AfCpuSet *set)
{
	return set ? af_cpuset_format_list(set) : g_strdup("-");
}

#define assert_entry(plan, n, want_action, want_planned, want_fallback)                            \
	do {                                                                                       \
		const AfPlanEntry *e_ = af_plan_lookup(plan, n);                                   \
		g_autofree char *p_ = list_or_dash(e_->planned), *f_ = list_or_dash(e_->fallback); \
		g_assert_cmpstr(af_plan_action_to_string(e_->action), ==, want_action);            \
		g_assert_cmpstr(p_, ==, want_planned);                                             \
		g_assert_cmpstr(f_, ==, want_fallback);                                            \
	} while (0)

/* x86: the sibling first, then after the CPU; applied and planned again, nothing moves. */
static void test_x86(void)
{
	g_autoptr(AfFakeMachine) m = machine(AF_ARCH_X86);
	g_autoptr(AfPlan) plan = NULL, again = NULL;
	g_autoptr(AfPlacement) previous = NULL;

	af_fake_add_irq(m, 1, "i8042", "0-7", "7");
	af_fake_add_irq(m, 9, "acpi", "0-7", "3");
	plan = plan_checked(m, NULL);
	assert_entry(plan, 1, "move", "0", "1,4");
	assert_entry(plan, 9, "move", "1", "2,5");
	previous = af_test_apply_plan(m->snapshot, plan);
	again = plan_checked(m, previous);
	g_assert_cmpuint(again->n_move, ==, 0);
	assert_entry(again, 1, "keep", "0", "1,4");
	assert_entry(again, 9, "keep", "1", "2,5");
}

/* After a restart (no previous plan) a widened mask is where its effective CPU is. */
static void test_restart(void)
{
	g_autoptr(AfFakeMachine) m = machine(AF_ARCH_X86);
	g_autoptr(AfPlan) plan = NULL;

	af_fake_add_irq(m, 1, "i8042", "0-1,4", "0");
	af_fake_add_irq(m, 9, "acpi", "1-2,5", "7");
	plan = plan_checked(m, NULL);
	assert_entry(plan, 1, "keep", "0", "1,4");
	/* Without a previous plan nothing says 1 is its CPU: placed anew. */
	g_assert_nonnull(af_plan_lookup(plan, 9)->fallback);
}

/* Effective lags our last move (a quiet IRQ): the last plan's CPU counts. */
static void test_lagging_effective(void)
{
	g_autoptr(AfFakeMachine) m = machine(AF_ARCH_X86);
	g_autoptr(AfPlan) plan = NULL;
	g_autoptr(AfPlacement) previous =
		g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify)af_cpuset_free);

	/* Placed anew it would go to CPU 1, the least used. */
	af_fake_add_irq(m, 1, "i8042", "0-1,4", "0");
	af_fake_add_irq(m, 9, "acpi", "2,4,6", "7");
	g_hash_table_insert(previous, GUINT_TO_POINTER(9), af_fake_cpus("2"));
	plan = plan_checked(m, previous);
	assert_entry(plan, 9, "keep", "2", "4,6");
}

/*
 * The kernel carried a whole mask out onto a fallback CPU (x86 without
 * interrupt remapping, daemon/apply.c): the mask is the plan's, the IRQ
 * is not where the plan puts it: a move, the same mask.
 */
static void test_served_by_fallback(void)
{
	g_autoptr(AfFakeMachine) m = machine(AF_ARCH_X86);
	g_autoptr(AfPlan) plan = NULL;
	g_autoptr(AfPlacement) previous =
		g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify)af_cpuset_free);
	const AfPlanEntry *entry;

	af_fake_add_irq(m, 9, "acpi", "2,4,6", "6");
	g_hash_table_insert(previous, GUINT_TO_POINTER(9), af_fake_cpus("2"));
	plan = plan_checked(m, previous);
	entry = af_plan_lookup(plan, 9);
	if (af_cpuset_first(entry->planned) == 2) {
		assert_entry(plan, 9, "move", "2", "4,6");
		g_assert_cmpint(af_plan_served_by_fallback(entry), ==, 6);
		g_assert_nonnull(strstr(entry->reason, "served by its fallback CPU 6"));
	} else {
		assert_entry(plan, 9, "move", "6", "2,4");
	}
}

/* Not x86 (or unknown), fallback_cpus=0: one-CPU masks, as before fallback masks. */
static void test_off(void)
{
	g_autoptr(AfFakeMachine) arm = machine(AF_ARCH_ARM64), zero = machine(AF_ARCH_X86);
	g_autoptr(AfFakeMachine) any = machine(AF_ARCH_ARM64);
	g_autoptr(AfPlan) a = NULL, z = NULL, y = NULL;

	af_fake_add_irq(arm, 1, "i8042", "0-7", "7");
	a = plan_checked(arm, NULL);
	assert_entry(a, 1, "move", "0", "-");
	zero->policy->fallback_cpus = 0;
	af_fake_add_irq(zero, 1, "i8042", "0-7", "7");
	z = plan_checked(zero, NULL);
	assert_entry(z, 1, "move", "0", "-");
	any->policy->fallback_any_arch = TRUE;
	af_fake_add_irq(any, 1, "i8042", "0-7", "7");
	y = plan_checked(any, NULL);
	assert_entry(y, 1, "move", "0", "1,4");
}

/* aRFS queues and narrowed IRQs: one CPU; a widened mask of theirs is narrowed in place. */
static void test_narrow(void)
{
	g_autoptr(AfFakeMachine) m = machine(AF_ARCH_X86);
	g_autoptr(AfPlan) plan = NULL;
	const AfFakeDevice nic = {"0000:10:00.0", "mlx5_core", AF_IRQ_CLASS_NETWORK, 0, "eth0"};
	AfIrq *q;

	q = af_fake_add_queue(m, &nic, 40, NULL, 0, AF_QUEUE_COMBINED, "0-7", "7");
	q->arfs = TRUE;
	af_fake_add_irq(m, 9, "acpi", "1-2,5", "1");
	m->limits = af_limits_new();
	af_limits_narrow(m->limits, 9, AF_NARROW_MOVED);
	plan = plan_checked(m, NULL);
	assert_entry(plan, 40, "move", "0", "-");
	assert_entry(plan, 9, "move", "1", "-");
}

/* 4 fallback CPUs: the sibling, then the node after the CPU, wrapping. */
static void test_count(void)
{
	g_autoptr(AfFakeMachine) m = machine(AF_ARCH_X86);
	g_autoptr(AfPlan) plan = NULL;

	m->policy->fallback_cpus = 9;
	af_fake_add_irq(m, 1, "i8042", "0-7", "7");
	plan = plan_checked(m, NULL);
	/* Every other housekeeping CPU, never an isolated one. */
	assert_entry(plan, 1, "move", "0", "1-2,4-6");
}

/* A held IRQ keeps its widened mask: kept on its effective CPU, never written. */
static void test_held(void)
{
	g_autoptr(AfFakeMachine) m = machine(AF_ARCH_X86);
	g_autoptr(AfPlan) plan = NULL;

	af_fake_add_irq(m, 1, "i8042", "2,5-6", "2");
	af_fake_add_irq(m, 9, "acpi", "2-3", "3");
	m->limits = af_limits_new();
	af_limits_hold(m->limits, 1, AF_HOLD_FIGHT);
	af_limits_hold(m->limits, 9, AF_HOLD_FIGHT);
	plan = plan_checked(m, NULL);
	assert_entry(plan, 1, "keep", "2", "5-6");
	/* Served by an isolated CPU: left where it is. */
	assert_entry(plan, 9, "skip", "-", "-");
}

/* The checker refuses fallback CPUs where the plan may not have them. */
static void test_check(void)
{
	struct {
		AfArch arch;
		const char *fallback;
		const char *affinity;
		const char *message;
	} cases[] = {
		{AF_ARCH_X86, "1,4", "0-1,4", NULL},
		{AF_ARCH_X86, "0,4", "0,4", "its planned CPU among its fallback CPUs"},
		{AF_ARCH_X86, "3,4", "0,3-4", "fallback CPUs outside housekeeping"},
		{AF_ARCH_X86, "1,2,4", "0-2,4", "3 fallback CPUs, 2 allowed"},
		{AF_ARCH_ARM64, "1,4", "0-1,4", "2 fallback CPUs, 0 allowed"},
		{AF_ARCH_X86, "1,4", "0", "keep but planned differs from"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(AfFakeMachine) m = machine(cases[i].arch);
		g_autoptr(AfPlan) plan = af_plan_new();
		g_autofree char *message = NULL;
		AfIrq *irq = af_fake_add_irq(m, 1, "i8042", cases[i].affinity, "0");
		AfPlanEntry *entry = af_fake_plan_add(plan, irq, AF_ACTION_KEEP, "0", "kept");
		int r;

		entry->fallback = af_fake_cpus(cases[i].fallback);
		plan->n_keep = 1;
		r = af_plan_check(plan, m->snapshot, m->hk, m->policy, NULL, &message);
		if (!cases[i].message) {
			g_assert_cmpint(r, ==, 0);
			continue;
		}
		g_assert_cmpint(r, ==, -EINVAL);
		g_assert_nonnull(strstr(message, cases[i].message));
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/planner/compute/fallback-x86", test_x86);
	g_test_add_func("/planner/compute/fallback-restart", test_restart);
	g_test_add_func("/planner/compute/fallback-lagging-effective", test_lagging_effective);
	g_test_add_func("/planner/compute/fallback-served-by-fallback", test_served_by_fallback);
	g_test_add_func("/planner/compute/fallback-off", test_off);
	g_test_add_func("/planner/compute/fallback-narrow", test_narrow);
	g_test_add_func("/planner/compute/fallback-count", test_count);
	g_test_add_func("/planner/compute/fallback-held", test_held);
	g_test_add_func("/plan/check/fallback", test_check);
	return g_test_run();
}
