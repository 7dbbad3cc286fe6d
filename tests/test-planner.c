/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "fakemachine.h"
#include "planner.h"
#include "testutil.h"

/*
 * Machines built by hand. CPU numbering follows x86: with C cores, CPU c
 * (c < C) is thread 0 of core c and CPU c + C its sibling. Cores fill
 * caches, caches fill nodes, in order. min_load_rate is 0: shares alone
 * decide (test_load_floor sets it).
 */
static AfFakeMachine *machine_new(guint n_nodes, guint caches_per_node, guint cores_per_cache,
				  guint threads, const char *offline, const char *isolated)
{
	g_autofree char *topology =
		af_fake_x86_topology(n_nodes, caches_per_node, cores_per_cache, threads);
	AfFakeMachine *m = af_fake_machine_new(topology, offline, isolated);

	m->policy->min_load_rate = 0;
	return m;
}

/* The suite's devices: a NIC on a node, and a storage controller on node 0. */
static AfFakeDevice nic(const char *address, int node)
{
	return (AfFakeDevice){address, "testnic", AF_IRQ_CLASS_NETWORK, node, NULL};
}

static AfFakeDevice disk(const char *address)
{
	return (AfFakeDevice){address, "testnic", AF_IRQ_CLASS_STORAGE, 0, NULL};
}

static AfRule *add_rule(AfFakeMachine *m, const char *name, AfRuleAction action, int match_irq,
			const char *match_interface, const char *pin_cpus)
{
	AfRule *rule = g_new0(AfRule, 1);

	rule->name = g_strdup(name);
	rule->action = action;
	rule->match_irq = match_irq;
	rule->match_interface = g_strdup(match_interface);
	rule->cpus = pin_cpus ? af_fake_cpus(pin_cpus) : NULL;
	g_ptr_array_add(m->policy->rules, rule);
	return rule;
}

/*
 * Plans and checks the invariants, as every planner test must. A broken
 * invariant fails the case, which goes on; without a plan (the planner
 * refused its arguments) nothing after could run: abort.
 */
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

/* The entry of an IRQ (and placed somewhere, if placed); else fails the case: NULL. */
static const AfPlanEntry *entry_of(const AfPlan *plan, guint irq, gboolean placed)
{
	const AfPlanEntry *entry = af_plan_lookup(plan, irq);

	if (!entry)
		af_test_fail("IRQ %u: not in the plan", irq);
	else if (placed && !entry->planned)
		af_test_fail("IRQ %u: %s \"%s\", expected a placement", irq,
			     af_plan_action_to_string(entry->action), entry->reason);
	else
		return entry;
	return NULL;
}

/* One IRQ's expected outcome; planned NULL for skip, reason a substring. */
static void expect(const AfPlan *plan, guint irq, AfAction action, const char *planned,
		   const char *reason)
{
	const AfPlanEntry *entry = entry_of(plan, irq, FALSE);
	g_autofree char *list = NULL;

	if (!entry)
		return;
	if (entry->action != action || (reason && !strstr(entry->reason, reason)))
		af_test_fail("IRQ %u: %s \"%s\", expected %s \"%s\"", irq,
			     af_plan_action_to_string(entry->action), entry->reason,
			     af_plan_action_to_string(action), reason ? reason : "");
	list = af_cpuset_format_list(entry->planned);
	if (planned)
		g_assert_cmpstr(list, ==, planned);
	else
		g_assert_null(entry->planned);
}

static gboolean has_warning(GPtrArray *warnings, const char *text)
{
	for (guint i = 0; i < warnings->len; i++)
		if (strstr(warnings->pdata[i], text))
			return TRUE;
	return FALSE;
}

/* Single node, 4 cores x 2 threads: cores are {0,4} {1,5} {2,6} {3,7}. */
static void test_isolation_on(void)
{
	g_autoptr(AfFakeMachine) m = machine_new(1, 1, 4, 2, "", "2-3,6-7");
	g_autoptr(AfPlan) plan = NULL;

	/* Served by isolated CPUs: both must leave; the first takes the empty
	 * core 0 (thread 0 = CPU 0), the second the next empty core 1. */
	af_fake_add_irq(m, 1, "i8042", "0-7", "2");
	af_fake_add_irq(m, 12, "i8042", "0-7", "3");
	/* Already on housekeeping CPU 5, alone: stays. */
	af_fake_add_irq(m, 9, "acpi", "5", "5");
	plan = plan_checked(m, NULL);
	expect(plan, 1, AF_ACTION_MOVE, "0", "spread to CPU 0, core 0 of node 0");
	/* Core 1 holds CPU 5 (IRQ 9), so core 0 and core 1 each have one IRQ: the
	 * emptier CPU of them is CPU 4 (thread 1 of core 0) vs CPU 1 (thread 0 of
	 * core 1, whose sibling 5 has IRQ 9): equal core and cache counts, CPU
	 * counts 0 and 0, thread 0 beats thread 1: CPU 1. */
	expect(plan, 12, AF_ACTION_MOVE, "1", "spread to CPU 1");
	expect(plan, 9, AF_ACTION_KEEP, "5", "already on CPU 5");
	g_assert_cmpuint(plan->n_move, ==, 2);
	g_assert_cmpuint(plan->n_keep, ==, 1);
}

static void test_isolation_off(void)
{
	g_autoptr(AfFakeMachine) m = machine_new(1, 1, 4, 2, "", "");
	g_autoptr(AfPlan) plan = NULL;

	af_fake_add_irq(m, 1, "i8042", "0-7", "2");
	af_fake_add_irq(m, 12, "i8042", "0-7", "3");
	plan = plan_checked(m, NULL);
	/* Nothing isolated: each stays on the CPU already serving it, narrowed. */
	expect(plan, 1, AF_ACTION_MOVE, "2", "narrow to the CPU already serving it");
	expect(plan, 12, AF_ACTION_MOVE, "3", "narrow to the CPU already serving it");
	g_assert_cmpuint(plan->warnings->len, ==, 0);
}

static void test_all_isolated(void)
{
	g_autoptr(AfFakeMachine) m = machine_new(1, 1, 2, 1, "", "0-1");
	const AfFakeDevice nvme = disk("0000:01:00.0");
	g_autoptr(AfPlan) plan = NULL;

	af_fake_add_irq(m, 5, "legacy", "0-1", "0");
	af_fake_add_managed(m, &nvme, 40, NULL, 1, "1", "1");
	plan = plan_checked(m, NULL);
	expect(plan, 5, AF_ACTION_SKIP, NULL, "no housekeeping CPU");
	expect(plan, 40, AF_ACTION_SKIP, NULL, "kernel-managed (heuristic): served by CPU 1");
	g_assert_true(has_warning(plan->warnings, "no housekeeping CPU"));
	g_assert_cmpuint(plan->n_skip, ==, 2);
}

static void test_all_isolated_load(void)
{
	g_autoptr(AfFakeMachine) m = machine_new(1, 1, 2, 1, "", "0-1");
	const AfFakeDevice nvme = disk("0000:01:00.0");
	g_autoptr(AfPlan) plan = NULL;

	/* A measured load with every CPU isolated: the load pass has no mean to
	 * take (no housekeeping CPU) and must not divide by zero. */
	af_fake_add_irq(m, 5, "legacy", "0-1", "0");
	af_fake_add_irq(m, 6, "legacy", "1", "1");
	af_fake_add_managed(m, &nvme, 40, NULL, 1, "1", "1");
	af_fake_set_load(m, 5, 5000);
	af_fake_set_load(m, 6, 100);
	af_fake_set_load(m, 40, 3000);
	plan = plan_checked(m, NULL);
	expect(plan, 5, AF_ACTION_SKIP, NULL, "no housekeeping CPU");
	expect(plan, 6, AF_ACTION_SKIP, NULL, "no housekeeping CPU");
	expect(plan, 40, AF_ACTION_SKIP, NULL, "kernel-managed");
	g_assert_cmpuint(plan->n_skip, ==, 3);
}

static void test_offline(void)
{
	/* 8 single-thread cores, CPUs 6-7 offline. */
	g_autoptr(AfFakeMachine) m = machine_new(1, 1, 8, 1, "6-7", "");
	g_autoptr(AfPlan) plan = NULL;

	/* Effective on an offline CPU (stale), and a mask of offline CPUs only. */
	af_fake_add_irq(m, 20, "a", "6-7", "7");
	af_fake_add_irq(m, 21, "b", "6", NULL);
	/* Effective unknown, affinity one online CPU: that is where it is. */
	af_fake_add_irq(m, 22, "c", "3", NULL);
	plan = plan_checked(m, NULL);
	expect(plan, 22, AF_ACTION_KEEP, "3", "already on CPU 3");
	/* Hysteresis runs first (IRQ 22 holds core 3); then IRQ order: 0, 1. */
	expect(plan, 20, AF_ACTION_MOVE, "0", "spread to CPU 0");
	expect(plan, 21, AF_ACTION_MOVE, "1", "spread to CPU 1");
}

/* Two nodes of four single-thread cores: node 0 = CPUs 0-3, node 1 = 4-7. */
static void test_two_nics(void)
{
	g_autoptr(AfFakeMachine) m = machine_new(2, 1, 4, 1, "", "");
	const AfFakeDevice nic_a = nic("0000:10:00.0", 0), nic_b = nic("0000:90:00.0", 1);
	g_autoptr(AfPlan) plan = NULL;

	for (int q = 0; q < 4; q++) {
		af_fake_add_queue(m, &nic_a, 100 + q, NULL, q, AF_QUEUE_COMBINED, "0-7", NULL);
		af_fake_add_queue(m, &nic_b, 200 + q, NULL, q, AF_QUEUE_COMBINED, "0-7", NULL);
	}
	plan = plan_checked(m, NULL);
	/* Each NIC's queues spread over its own node's cores, in IRQ order. */
	for (int q = 0; q < 4; q++) {
		g_autofree char *a = g_strdup_printf("%d", q);
		g_autofree char *b = g_strdup_printf("%d", 4 + q);

		expect(plan, 100 + q, AF_ACTION_MOVE, a, "of node 0 (device local)");
		expect(plan, 200 + q, AF_ACTION_MOVE, b, "of node 1 (device local)");
	}
}

static void test_nic_node_isolated(void)
{
	/* Node 0 keeps CPUs 0-1; node 1 (4-7) is wholly isolated. */
	g_autoptr(AfFakeMachine) m = machine_new(2, 1, 4, 1, "", "2-7");
	const AfFakeDevice nic_a = nic("0000:10:00.0", 0), nic_b = nic("0000:90:00.0", 1);
	g_autoptr(AfPlan) plan = NULL;

	for (int q = 0; q < 4; q++) {
		af_fake_add_queue(m, &nic_a, 100 + q, NULL, q, AF_QUEUE_COMBINED, "0-7", NULL);
		af_fake_add_queue(m, &nic_b, 200 + q, NULL, q, AF_QUEUE_COMBINED, "0-7", NULL);
	}
	plan = plan_checked(m, NULL);
	/* NIC A: 4 queues, 2 cores: one per core, then a second round. */
	expect(plan, 100, AF_ACTION_MOVE, "0", "device local");
	expect(plan, 101, AF_ACTION_MOVE, "1", "device local");
	expect(plan, 102, AF_ACTION_MOVE, "0", "device local");
	expect(plan, 103, AF_ACTION_MOVE, "1", "device local");
	/* NIC B's node has no housekeeping CPU: any housekeeping CPU, not "local". */
	for (int q = 0; q < 4; q++) {
		const AfPlanEntry *entry = entry_of(plan, 200 + q, FALSE);

		if (!entry)
			continue;
		g_assert_cmpint(entry->action, ==, AF_ACTION_MOVE);
		g_assert_null(strstr(entry->reason, "device local"));
	}
	/* Four IRQs on each of two CPUs in the end: balanced. */
	expect(plan, 200, AF_ACTION_MOVE, "0", NULL);
	expect(plan, 201, AF_ACTION_MOVE, "1", NULL);
}

static void test_managed_nvme(void)
{
	/* 8 single-thread cores, 4-7 isolated; nvme q1-q8 one per CPU as the kernel spreads them.
	 */
	g_autoptr(AfFakeMachine) m = machine_new(1, 1, 8, 1, "", "4-7");
	const AfFakeDevice nvme = disk("0000:02:00.0");
	g_autoptr(AfPlan) plan = NULL;

	/* The admin queue: a vector of the device, not a data queue. */
	af_fake_add_queue(m, &nvme, 50, "0000:02:00.0-q0", -1, AF_QUEUE_NONE, "0-7", "6");
	for (int q = 1; q <= 8; q++) {
		g_autofree char *cpu = g_strdup_printf("%d", q - 1);

		af_fake_add_managed(m, &nvme, 50 + q, NULL, q, cpu, cpu);
	}
	plan = plan_checked(m, NULL);
	for (int q = 1; q <= 8; q++) {
		const AfPlanEntry *entry = entry_of(plan, 50 + q, FALSE);
		g_autofree char *reason =
			g_strdup_printf("kernel-managed (heuristic): served by CPU %d", q - 1);
		g_autofree char *warning =
			g_strdup_printf("served by isolated CPU %d; isolcpus=managed_irq "
					"cannot move it",
					q - 1);

		expect(plan, 50 + q, AF_ACTION_SKIP, NULL, reason);
		if (!entry)
			continue;
		/* Only the queues on CPUs 4-7 are served by isolated CPUs. */
		g_assert_cmpuint(entry->warnings->len, ==, q - 1 >= 4 ? 1 : 0);
		if (q - 1 >= 4 && entry->warnings->len > 0)
			g_assert_cmpstr(entry->warnings->pdata[0], ==, warning);
	}
	g_assert_true(has_warning(plan->warnings, "4 kernel-managed IRQ(s) served by isolated"));
	/* The admin queue is movable and served by isolated CPU 6: it leaves. Every
	 * housekeeping core already serves one managed queue; CPU 0 first. */
	expect(plan, 50, AF_ACTION_MOVE, "0", "spread to CPU 0");
}

static void test_managed_unserved(void)
{
	g_autoptr(AfFakeMachine) m = machine_new(1, 1, 4, 1, "3", "");
	const AfFakeDevice nvme = disk("0000:02:00.0");
	g_autoptr(AfPlan) plan = NULL;
	AfIrq *irq = af_fake_add_managed(m, &nvme, 60, NULL, 3, "3", "");

	irq->managed_source = AF_MANAGED_SOURCE_DEBUGFS;
	af_fake_add_per_cpu(m, 61, "timer", "0-3", "0-3");
	plan = plan_checked(m, NULL);
	expect(plan, 60, AF_ACTION_SKIP, NULL, "kernel-managed (debugfs): not served");
	expect(plan, 61, AF_ACTION_SKIP, NULL, "per-CPU interrupt");
}

static void test_legacy(void)
{
	g_autoptr(AfFakeMachine) m = machine_new(1, 1, 4, 1, "", "");
	g_autoptr(AfPlan) plan = NULL;
	AfIrq *irq = af_fake_add_irq(m, 8, "rtc0", "0-3", "0");

	irq->chip = g_strdup("IO-APIC");
	irq = af_fake_add_irq(m, 9, "acpi", "1", "1");
	irq->chip = g_strdup("IO-APIC");
	af_fake_add_irq(m, 14, "ata_piix", NULL, NULL);
	plan = plan_checked(m, NULL);
	expect(plan, 8, AF_ACTION_MOVE, "0", "narrow to the CPU already serving it");
	expect(plan, 9, AF_ACTION_KEEP, "1", "already on CPU 1 (housekeeping)");
	expect(plan, 14, AF_ACTION_SKIP, NULL, "affinity unreadable");
}

static void test_rules(void)
{
	g_autoptr(AfFakeMachine) m = machine_new(1, 1, 8, 1, "", "6-7");
	AfFakeDevice eth0 = nic("0000:03:00.0", 0), eth1 = nic("0000:04:00.0", 0);
	g_autoptr(AfPlan) plan = NULL;

	eth0.interface = "eth0";
	eth1.interface = "eth1";

	add_rule(m, "quiet", AF_RULE_BAN, 30, NULL, NULL);
	add_rule(m, "fast", AF_RULE_PIN, -1, "eth0", "2-3,6");
	add_rule(m, "lost", AF_RULE_PIN, -1, "eth1", "6-7");
	af_fake_add_irq(m, 30, "noisy", "0-7", "7");
	af_fake_add_queue(m, &eth0, 31, NULL, 0, AF_QUEUE_COMBINED, "0-7", NULL);
	af_fake_add_queue(m, &eth0, 32, NULL, 1, AF_QUEUE_COMBINED, "0-7", NULL);
	af_fake_add_queue(m, &eth0, 33, NULL, 2, AF_QUEUE_COMBINED, "0-7", "3");
	af_fake_add_queue(m, &eth1, 34, NULL, 0, AF_QUEUE_COMBINED, "0-7", "6");
	plan = plan_checked(m, NULL);
	/* Banned: left alone even though it sits on an isolated CPU. */
	expect(plan, 30, AF_ACTION_SKIP, NULL, "banned by rule quiet");
	/* Pinned to 2-3 (6 is isolated): IRQ 33 already on 3 stays, then 31 -> 2. */
	expect(plan, 33, AF_ACTION_MOVE, "3", "narrow to the CPU already serving it");
	expect(plan, 31, AF_ACTION_MOVE, "2", "pinned by rule fast to CPU 2");
	/* 32: both cores of the pin hold a queue of the device: new round, CPU 2. */
	expect(plan, 32, AF_ACTION_MOVE, "2", "pinned by rule fast");
	/* The rule's CPUs are all isolated: housekeeping instead, with a warning. */
	expect(plan, 34, AF_ACTION_MOVE, "0", "rule lost names no housekeeping CPU");
	g_assert_true(has_warning(plan->warnings, "rule lost: none of its CPUs (6-7)"));
}

static void test_pack_spread(void)
{
	g_autoptr(AfFakeMachine) m = machine_new(1, 1, 4, 2, "", "");
	g_autoptr(AfPlan) spread = NULL;
	g_autoptr(AfPlan) pack = NULL;

	for (guint i = 0; i < 5; i++)
		af_fake_add_irq(m, 40 + i, "dev", "0-7", NULL);
	/* Spread: the four empty cores by thread 0 (CPUs 0-3), then core 0 again,
	 * its other thread 4 being the emptier CPU. */
	spread = plan_checked(m, NULL);
	expect(spread, 40, AF_ACTION_MOVE, "0", "spread to CPU 0");
	expect(spread, 41, AF_ACTION_MOVE, "1", "spread to CPU 1");
	expect(spread, 42, AF_ACTION_MOVE, "2", NULL);
	expect(spread, 43, AF_ACTION_MOVE, "3", NULL);
	expect(spread, 44, AF_ACTION_MOVE, "4", NULL);
	/* Pack with a cap of 2: the lowest CPUs filled in turn. */
	m->policy->mode = AF_PLACEMENT_PACK;
	m->policy->max_irqs_per_cpu = 2;
	pack = plan_checked(m, NULL);
	expect(pack, 40, AF_ACTION_MOVE, "0", "pack onto CPU 0");
	expect(pack, 41, AF_ACTION_MOVE, "0", NULL);
	expect(pack, 42, AF_ACTION_MOVE, "1", NULL);
	expect(pack, 43, AF_ACTION_MOVE, "1", NULL);
	expect(pack, 44, AF_ACTION_MOVE, "2", NULL);
}

static void test_cap(void)
{
	g_autoptr(AfFakeMachine) m = machine_new(2, 1, 2, 1, "", "");
	const AfFakeDevice nvme = disk("0000:05:00.0"), eth = nic("0000:06:00.0", 0);
	g_autoptr(AfPlan) plan = NULL;

	m->policy->max_irqs_per_cpu = 1;
	/* A managed IRQ served by CPU 0 fills it. */
	af_fake_add_managed(m, &nvme, 10, NULL, 1, "0", "0");
	/* Node 0 = CPUs 0-1: only CPU 1 has room; the second IRQ widens to node 1. */
	af_fake_add_queue(m, &eth, 11, NULL, 0, AF_QUEUE_COMBINED, "0-3", "0");
	af_fake_add_queue(m, &eth, 12, NULL, 1, AF_QUEUE_COMBINED, "0-3", NULL);
	af_fake_add_irq(m, 13, "x", "0-3", NULL);
	af_fake_add_irq(m, 14, "y", "0-3", NULL);
	plan = plan_checked(m, NULL);
	/* CPU 0 is full (managed IRQ 10): IRQ 11 cannot stay there. */
	expect(plan, 11, AF_ACTION_MOVE, "1", "device local");
	expect(plan, 12, AF_ACTION_MOVE, "2", "widened to all housekeeping");
	expect(plan, 13, AF_ACTION_MOVE, "3", NULL);
	expect(plan, 14, AF_ACTION_SKIP, NULL, "max_irqs_per_cpu (1)");
	g_assert_true(has_warning(plan->warnings, "1 placement(s) left alone"));
}

static void test_hysteresis(void)
{
	g_autoptr(AfFakeMachine) m = machine_new(1, 1, 8, 1, "", "");
	g_autoptr(AfPlacement) previous = af_plan_placement_new();
	g_autoptr(AfCpuSet) six = af_fake_cpus("6");
	g_autoptr(AfPlan) plan = NULL;

	/* Not where a fresh plan would put them (CPUs 0, 1, 2...) but acceptable,
	 * one per CPU: nothing moves. */
	af_fake_add_irq(m, 70, "a", "5", "5");
	af_fake_add_irq(m, 71, "b", "3", "3");
	af_fake_add_irq(m, 72, "c", "2", "2");
	/* Our last plan said 6; the kernel shows 6 in smp_affinity while effective
	 * still lags on 5: our plan wins, no write. */
	af_fake_add_irq(m, 73, "d", "6", "5");
	g_hash_table_insert(previous, GUINT_TO_POINTER(73), six);
	/* Our last plan said 6 but the kernel shows 4: the kernel's CPU stands. */
	af_fake_add_irq(m, 74, "e", "4", "4");
	g_hash_table_insert(previous, GUINT_TO_POINTER(74), six);
	plan = plan_checked(m, previous);
	expect(plan, 70, AF_ACTION_KEEP, "5", "already on CPU 5");
	expect(plan, 71, AF_ACTION_KEEP, "3", NULL);
	expect(plan, 72, AF_ACTION_KEEP, "2", NULL);
	expect(plan, 73, AF_ACTION_KEEP, "6", NULL);
	expect(plan, 74, AF_ACTION_KEEP, "4", NULL);
	g_assert_cmpuint(plan->n_move, ==, 0);
}

/* Applies a plan to the machine's IRQs, as a kernel would. */
static void apply_to(AfFakeMachine *m, const AfPlan *plan)
{
	for (guint i = 0; i < plan->entries->len; i++) {
		const AfPlanEntry *e = plan->entries->pdata[i];
		AfIrq *irq = (AfIrq *)e->irq;

		if (e->action != AF_ACTION_MOVE)
			continue;
		af_cpuset_assign(irq->affinity, e->planned);
		if (irq->effective)
			af_cpuset_assign(irq->effective, e->planned);
	}
	(void)m;
}

static guint n_on(const AfPlan *plan, guint cpu)
{
	guint n = 0;

	for (guint i = 0; i < plan->entries->len; i++) {
		const AfPlanEntry *e = plan->entries->pdata[i];

		n += e->planned && af_cpuset_contains(e->planned, cpu);
	}
	return n;
}

static void test_even_out(void)
{
	g_autoptr(AfFakeMachine) m = machine_new(1, 1, 4, 1, "", "");
	g_autoptr(AfPlan) plan = NULL;
	g_autoptr(AfPlan) again = NULL;
	g_autoptr(AfPlacement) previous = NULL;
	guint moved = 0;

	/* CPUs 2 and 3 came back online: six IRQs sit on CPUs 0 and 1, three
	 * each. Share: 6 over 4 CPUs, 2 each. Exactly one IRQ leaves each of
	 * CPUs 0 and 1, the lightest (by cumulative count) first. */
	for (guint i = 0; i < 6; i++) {
		AfIrq *irq =
			af_fake_add_irq(m, 40 + i, "dev", i < 3 ? "0" : "1", i < 3 ? "0" : "1");

		irq->total = 100 - i;
	}
	plan = plan_checked(m, NULL);
	for (guint i = 0; i < plan->entries->len; i++)
		moved += ((AfPlanEntry *)plan->entries->pdata[i])->action == AF_ACTION_MOVE;
	g_assert_cmpuint(moved, ==, 2);
	for (guint cpu = 0; cpu < 4; cpu++)
		g_assert_cmpuint(n_on(plan, cpu), ==, cpu < 2 ? 2 : 1);
	expect(plan, 42, AF_ACTION_MOVE, "3", "CPU 0 carried more than its share of IRQs (2)");
	expect(plan, 45, AF_ACTION_MOVE, "2", "CPU 1 carried more than its share");
	expect(plan, 40, AF_ACTION_KEEP, "0", NULL);
	expect(plan, 43, AF_ACTION_KEEP, "1", NULL);

	/* Applied, the next plan on the same machine moves nothing. */
	apply_to(m, plan);
	previous = af_plan_placement(plan);
	again = plan_checked(m, previous);
	g_assert_cmpuint(again->n_move, ==, 0);
}

static void test_even_out_queues(void)
{
	g_autoptr(AfFakeMachine) m = machine_new(1, 1, 4, 1, "", "");
	const AfFakeDevice eth = nic("0000:03:00.0", 0);
	g_autoptr(AfPlan) plan = NULL;
	g_autoptr(AfPlan) again = NULL;
	g_autoptr(AfPlacement) previous = NULL;
	g_autoptr(GHashTable) queue_cpus = g_hash_table_new(g_direct_hash, g_direct_equal);

	/* CPU 3 came back online. A NIC's three queues sit one on each of CPUs
	 * 0-2 (never interrupting: the lightest units), three busier IRQs with
	 * each. Share: 12 over 4 CPUs, 3 each: three units go to CPU 3, but only
	 * one of them a queue of the NIC, or its queues would share a core. */
	for (guint q = 0; q < 3; q++) {
		g_autofree char *cpu = g_strdup_printf("%u", q);

		af_fake_add_queue(m, &eth, 30 + q, NULL, (int)q, AF_QUEUE_COMBINED, cpu, cpu);
		for (guint k = 0; k < 3; k++)
			af_fake_add_irq(m, 40 + 3 * q + k, "dev", cpu, cpu)->total =
				100 + 3 * q + k;
	}
	plan = plan_checked(m, NULL);
	for (guint cpu = 0; cpu < 4; cpu++)
		g_assert_cmpuint(n_on(plan, cpu), ==, 3);
	for (guint q = 0; q < 3; q++) {
		const AfPlanEntry *e = entry_of(plan, 30 + q, TRUE);
		gpointer cpu;

		if (!e)
			continue;
		cpu = GUINT_TO_POINTER(af_cpuset_first(e->planned) + 1);
		g_assert_false(g_hash_table_contains(queue_cpus, cpu));
		g_hash_table_add(queue_cpus, cpu);
	}
	expect(plan, 30, AF_ACTION_MOVE, "3", "carried more than its share");
	expect(plan, 31, AF_ACTION_KEEP, "1", NULL);
	expect(plan, 32, AF_ACTION_KEEP, "2", NULL);

	/* Applied, the next plan on the same machine moves nothing. */
	apply_to(m, plan);
	previous = af_plan_placement(plan);
	again = plan_checked(m, previous);
	g_assert_cmpuint(again->n_move, ==, 0);
}

static void test_pending_move(void)
{
	g_autoptr(AfFakeMachine) m = machine_new(1, 1, 4, 1, "", "3");
	g_autoptr(AfPlan) plan = NULL;

	/* A restart (no last plan) after writes that quiet IRQs have not taken
	 * yet: the kernel shows the one-CPU masks written and the CPUs that
	 * served them before. The masks are where they go: no write back. */
	af_fake_add_irq(m, 40, "quiet", "2", "1");
	af_fake_add_irq(m, 41, "quiet-was-isolated", "1", "3");
	af_fake_add_irq(m, 42, "busy", "0", "0");
	plan = plan_checked(m, NULL);
	expect(plan, 40, AF_ACTION_KEEP, "2", NULL);
	expect(plan, 41, AF_ACTION_KEEP, "1", NULL);
	expect(plan, 42, AF_ACTION_KEEP, "0", NULL);
	g_assert_cmpuint(plan->n_move, ==, 0);
}

static void test_even_out_pack(void)
{
	g_autoptr(AfFakeMachine) m = machine_new(1, 1, 4, 1, "", "");
	g_autoptr(AfPlan) plan = NULL;

	/* Pack mode wants them together: nothing evens out. */
	m->policy->mode = AF_PLACEMENT_PACK;
	for (guint i = 0; i < 4; i++)
		af_fake_add_irq(m, 40 + i, "dev", "0", "0");
	plan = plan_checked(m, NULL);
	g_assert_cmpuint(plan->n_move, ==, 0);
}

static void test_no_handler(void)
{
	g_autoptr(AfFakeMachine) m = machine_new(1, 1, 4, 1, "", "3");
	g_autoptr(AfPlan) plan = NULL;

	/* A descriptor without an action, even on an isolated CPU: nothing to place. */
	af_fake_add_irq(m, 5, "", "3", "3");
	af_fake_add_irq(m, 6, "ttyS0", "3", "3");
	plan = plan_checked(m, NULL);
	expect(plan, 5, AF_ACTION_SKIP, NULL, "no handler");
	expect(plan, 6, AF_ACTION_MOVE, "0", NULL);
}

static void test_load_floor(void)
{
	g_autoptr(AfFakeMachine) m = machine_new(1, 1, 2, 1, "", "");
	g_autoptr(AfPlan) plan = NULL;
	g_autoptr(AfPlan) busy = NULL;

	/* 30/s against 0/s is far past 25 % of the mean but below min_load_rate:
	 * a nearly idle IRQ stays. The same shape at 3000/s moves. */
	m->policy->min_load_rate = AF_DEFAULT_MIN_LOAD_RATE;
	af_fake_add_irq(m, 90, "a", "0", "0");
	af_fake_add_irq(m, 91, "b", "0", "0");
	af_fake_add_irq(m, 92, "c", "1", "1");
	af_fake_set_load(m, 90, 20);
	af_fake_set_load(m, 91, 10);
	plan = plan_checked(m, NULL);
	g_assert_cmpuint(plan->n_move, ==, 0);
	af_fake_set_load(m, 90, 2000);
	af_fake_set_load(m, 91, 1000);
	busy = plan_checked(m, NULL);
	expect(busy, 90, AF_ACTION_MOVE, "1", "loaded past the hysteresis");
	expect(busy, 91, AF_ACTION_KEEP, "0", NULL);
}

static void test_load(void)
{
	g_autoptr(AfFakeMachine) m = machine_new(1, 1, 4, 1, "", "");
	g_autoptr(AfPlan) plan = NULL;

	/* Four IRQs of 100/s on CPU 0 of four: mean 100, threshold 25. Heaviest
	 * first (equal, so by number): 80 leaves (CPU 0 at 400 vs 0), 81 (300),
	 * 82 (200); 83 stays since moving it to a CPU at 0 gains nothing (100 vs
	 * 100 is within the hysteresis and no lighter afterwards). */
	for (guint i = 0; i < 4; i++) {
		af_fake_add_irq(m, 80 + i, "hot", "0", "0");
		af_fake_set_load(m, 80 + i, 100);
	}
	/* Idle IRQs, four on each other CPU: the counts are even, only load is not. */
	for (guint i = 0; i < 12; i++) {
		g_autofree char *cpu = g_strdup_printf("%u", 1 + i / 4);

		af_fake_add_irq(m, 100 + i, "cold", cpu, cpu);
	}
	plan = plan_checked(m, NULL);
	expect(plan, 80, AF_ACTION_MOVE, "1", "loaded past the hysteresis");
	expect(plan, 81, AF_ACTION_MOVE, "2", NULL);
	expect(plan, 82, AF_ACTION_MOVE, "3", NULL);
	expect(plan, 83, AF_ACTION_KEEP, "0", NULL);
	/* The counts stay even: an idle IRQ of each of CPUs 1-3 takes the place. */
	expect(plan, 100, AF_ACTION_MOVE, "0", "CPU 1 carried more than its share of IRQs (4)");
	expect(plan, 104, AF_ACTION_MOVE, "0", "CPU 2 carried more");
	expect(plan, 108, AF_ACTION_MOVE, "0", "CPU 3 carried more");
	for (guint cpu = 0; cpu < 4; cpu++)
		g_assert_cmpuint(n_on(plan, cpu), ==, 4);
	g_assert_cmpuint(af_plan_load_get(m->load, 80), ==, 100);
	g_assert_cmpuint(af_plan_load_get(m->load, 99), ==, 0);
}

static void test_load_within_hysteresis(void)
{
	g_autoptr(AfFakeMachine) m = machine_new(1, 1, 2, 1, "", "");
	g_autoptr(AfPlan) plan = NULL;

	/* 110 vs 100: mean 105, threshold 26: a gap of 10 moves nothing. */
	af_fake_add_irq(m, 90, "a", "0", "0");
	af_fake_add_irq(m, 91, "b", "1", "1");
	af_fake_set_load(m, 90, 110);
	af_fake_set_load(m, 91, 100);
	plan = plan_checked(m, NULL);
	expect(plan, 90, AF_ACTION_KEEP, "0", NULL);
	expect(plan, 91, AF_ACTION_KEEP, "1", NULL);
}

static void test_load_hysteresis_gap(void)
{
	g_autoptr(AfFakeMachine) m = machine_new(1, 1, 2, 1, "", "");
	g_autoptr(AfPlan) plan = NULL;
	g_autoptr(AfPlan) lower = NULL;

	/* CPU 0 at 9700/s (8500 + 1200), CPU 1 at 8000/s: a gap of 1700, past
	 * min_load_rate (1000). Moving IRQ 91 (1200/s, below the gap) would
	 * lower the sum of squares (9700^2 + 8000^2 > 8500^2 + 9200^2), and
	 * the counts stay within the share (2) either way: only the
	 * hysteresis, 25 % of the mean 8850 = 2212, holds it. */
	m->policy->min_load_rate = AF_DEFAULT_MIN_LOAD_RATE;
	af_fake_add_irq(m, 90, "a", "0", "0");
	af_fake_add_irq(m, 91, "b", "0", "0");
	af_fake_add_irq(m, 92, "c", "1", "1");
	af_fake_set_load(m, 90, 8500);
	af_fake_set_load(m, 91, 1200);
	af_fake_set_load(m, 92, 8000);
	plan = plan_checked(m, NULL);
	expect(plan, 91, AF_ACTION_KEEP, "0", NULL);
	g_assert_cmpuint(plan->n_move, ==, 0);
	/* At 10 % (885, so min_load_rate's 1000) the same gap moves it: nothing
	 * but the hysteresis held it. */
	m->policy->hysteresis_percent = 10;
	lower = plan_checked(m, NULL);
	expect(lower, 91, AF_ACTION_MOVE, "1", "loaded past the hysteresis");
	expect(lower, 90, AF_ACTION_KEEP, "0", NULL);
}

/* Applies a plan, plans again with it as previous and asserts nothing moves, twice. */
static void assert_fixed_point(AfFakeMachine *m, const AfPlan *plan)
{
	const AfPlan *last = plan;
	g_autoptr(AfPlan) again = NULL;
	g_autoptr(AfPlan) third = NULL;
	g_autoptr(AfPlacement) previous = NULL;
	g_autoptr(AfPlacement) previous2 = NULL;

	apply_to(m, last);
	previous = af_plan_placement(last);
	again = plan_checked(m, previous);
	g_assert_cmpuint(again->entries->len, ==, plan->entries->len);
	for (guint i = 0; i < MIN(again->entries->len, plan->entries->len); i++) {
		const AfPlanEntry *e = again->entries->pdata[i];
		const AfPlanEntry *before = plan->entries->pdata[i];

		if (e->action == AF_ACTION_MOVE || !af_cpuset_equal(e->planned, before->planned))
			af_test_fail("IRQ %u placed again after the plan was applied: %s "
				     "(before: %s)",
				     e->irq->irq, e->reason, before->reason);
	}
	previous2 = af_plan_placement(again);
	third = plan_checked(m, previous2);
	g_assert_cmpuint(third->n_move, ==, 0);
}

/* Two NICs of n_queues queues and five legacy IRQs, loads by (a, b). */
static void load_fixed_point(guint n_queues, guint a, guint b)
{
	g_autoptr(AfFakeMachine) m = machine_new(1, 1, 4, 2, "", "");
	const AfFakeDevice left = nic("0000:01:00.0", 0), hinted = nic("0000:02:00.0", 0);
	g_autoptr(AfPlan) plan = NULL;

	for (guint q = 0; q < n_queues; q++) {
		g_autofree char *cpu = g_strdup_printf("%u", q % 8);

		af_fake_add_queue(m, &left, 40 + q, NULL, (int)q, AF_QUEUE_COMBINED, "0-7", "0");
		af_fake_set_load(m, 40 + q, 1000u * (1u + (q * a + b) % 7u));
		af_fake_add_queue(m, &hinted, 60 + q, NULL, (int)q, AF_QUEUE_COMBINED, cpu, cpu);
		af_fake_set_load(m, 60 + q, 1000u * (1u + (q * b + a + 3) % 7u));
	}
	for (guint i = 0; i < 5; i++) {
		af_fake_add_irq(m, 1 + i, "legacy", "0-7", "0");
		af_fake_set_load(m, 1 + i, i % 3 ? 7 : 0);
	}
	plan = plan_checked(m, NULL);
	assert_fixed_point(m, plan);
}

static void test_load_fixed_point(void)
{
	/* One NIC's queues left by the kernel on CPU 0, the other's hinted to
	 * CPU q (mod 8); legacy IRQs nearly idle; 8 CPUs on 4 cores. Queues of
	 * a device as even over the cores as they can be, the load pass and
	 * evening out: the plan, applied, is where the next plan on the same
	 * load leaves it. Fewer, as many and more queues than cores. */
	static const guint shapes[][3] = {
		{6, 1, 1}, {8, 5, 0}, {12, 4, 4}, {12, 5, 2}, {16, 1, 0}, {16, 3, 3},
	};

	for (guint i = 0; i < G_N_ELEMENTS(shapes); i++)
		load_fixed_point(shapes[i][0], shapes[i][1], shapes[i][2]);
}

static void test_cap_split_fixed_point(void)
{
	g_autoptr(AfFakeMachine) m = machine_new(1, 1, 3, 1, "", "");
	const AfFakeDevice eth = nic("0000:01:00.0", 0);
	g_autoptr(AfPlan) plan = NULL;

	/* Three CPUs of three IRQs each; four rx/tx channels and a legacy IRQ:
	 * one channel fits on no CPU whole and is split, and the rest is left
	 * over. Applied, the next plan keeps the split parts where they are
	 * and leaves the same IRQs over. */
	m->policy->max_irqs_per_cpu = 3;
	for (guint q = 0; q < 4; q++) {
		AfIrq *rx = af_fake_add_queue(m, &eth, 40 + 2 * q, NULL, (int)q, AF_QUEUE_RX, "0-2",
					      "0");
		AfIrq *tx = af_fake_add_queue(m, &eth, 41 + 2 * q, NULL, (int)q, AF_QUEUE_TX, "0-2",
					      "0");

		rx->total = 100 + 10 * q;
		tx->total = 200 - 10 * q;
	}
	af_fake_add_irq(m, 1, "legacy", "0-2", "0")->total = 5;
	plan = plan_checked(m, NULL);
	assert_fixed_point(m, plan);
}

static void test_channel_pairs(void)
{
	/* 4 cores x 2 threads; one NIC with rx-N and tx-N vectors. */
	g_autoptr(AfFakeMachine) m = machine_new(1, 1, 4, 2, "", "");
	const AfFakeDevice eth = nic("0000:07:00.0", 0);
	g_autoptr(AfPlan) plan = NULL;
	g_autoptr(GHashTable) cores = g_hash_table_new(g_direct_hash, g_direct_equal);

	AfIrq *tx3 = NULL;

	for (int q = 0; q < 4; q++) {
		af_fake_add_queue(m, &eth, 120 + q, NULL, q, AF_QUEUE_RX, "0-7", NULL);
		tx3 = af_fake_add_queue(m, &eth, 130 + q, NULL, q, AF_QUEUE_TX, "0-7", NULL);
	}
	/* The tx vector of channel 3 is served by CPU 6 (core 2): the pair stays
	 * there; the other channels take the other cores: 0, 1, then 3. */
	tx3->effective = af_fake_cpus("6");
	plan = plan_checked(m, NULL);
	for (int q = 0; q < 4; q++) {
		const AfPlanEntry *rx = entry_of(plan, 120 + q, TRUE);
		const AfPlanEntry *tx = entry_of(plan, 130 + q, TRUE);
		guint core;

		if (!rx || !tx)
			continue;
		core = af_cpuset_first(rx->planned) % 4;
		g_assert_true(af_cpuset_equal(rx->planned, tx->planned));
		g_assert_false(g_hash_table_contains(cores, GUINT_TO_POINTER(core)));
		g_hash_table_add(cores, GUINT_TO_POINTER(core));
	}
	expect(plan, 123, AF_ACTION_MOVE, "6", "join its channel partner on CPU 6");
	expect(plan, 133, AF_ACTION_MOVE, "6", "narrow to the CPU already serving it");
	expect(plan, 120, AF_ACTION_MOVE, "0", ", with its channel partner");
	expect(plan, 131, AF_ACTION_MOVE, "1", NULL);
	expect(plan, 122, AF_ACTION_MOVE, "3", NULL);
}

static void test_distinct_cores(void)
{
	/* 2 cores x 2 threads: core 0 = {0,2}, core 1 = {1,3}. */
	g_autoptr(AfFakeMachine) m = machine_new(1, 1, 2, 2, "", "");
	const AfFakeDevice nvme = disk("0000:0a:00.0"), eth = nic("0000:0b:00.0", 0);
	g_autoptr(AfPlan) plan = NULL;

	/* An unmovable IRQ on CPU 1 loads core 1. */
	af_fake_add_managed(m, &nvme, 10, NULL, 1, "1", "1");
	af_fake_add_queue(m, &eth, 20, NULL, 0, AF_QUEUE_COMBINED, "0-3", NULL);
	af_fake_add_queue(m, &eth, 21, NULL, 1, AF_QUEUE_COMBINED, "0-3", NULL);
	plan = plan_checked(m, NULL);
	/* q0: core 0 is empty -> CPU 0. q1: cores tie at one IRQ each; the emptiest
	 * CPU of core 0 would be CPU 2, but core 0 has a queue of this device: core
	 * 1, its empty CPU 3. */
	expect(plan, 20, AF_ACTION_MOVE, "0", NULL);
	expect(plan, 21, AF_ACTION_MOVE, "3", NULL);
}

static void build_mixed(AfFakeMachine *m, const guint *order, guint n)
{
	for (guint k = 0; k < n; k++) {
		guint i = order[k];
		g_autofree char *address = g_strdup_printf("0000:%02x:00.0", i / 8);
		const AfFakeDevice eth = nic(address, (i / 8) % 2), nvme = disk(address);

		switch (i % 4) {
		case 0:
			af_fake_add_queue(m, &eth, 200 + i, NULL, i % 8, AF_QUEUE_RX, "0-15", NULL);
			break;
		case 1:
			af_fake_add_queue(m, &eth, 200 + i, NULL, (i - 1) % 8, AF_QUEUE_TX, "0-15",
					  NULL);
			break;
		case 2:
			af_fake_add_managed(m, &nvme, 200 + i, NULL, i % 8, "3", "3");
			break;
		case 3:
			af_fake_add_irq(m, 200 + i, "legacy", "0-15", i % 3 ? NULL : "9");
			break;
		}
	}
}

static void test_determinism(void)
{
	enum { N = 64 };
	guint sorted[N], shuffled[N];
	g_autoptr(AfFakeMachine) a = machine_new(2, 2, 2, 2, "", "0,8");
	g_autoptr(AfFakeMachine) b = machine_new(2, 2, 2, 2, "", "0,8");
	g_autoptr(AfPlan) first = NULL;
	g_autoptr(AfPlan) again = NULL;
	g_autoptr(AfPlan) other = NULL;

	for (guint i = 0; i < N; i++)
		sorted[i] = shuffled[i] = i;
	/* A fixed permutation (no random numbers in tests either). */
	for (guint i = N - 1; i > 0; i--) {
		guint j = (i * 7919u + 13u) % (i + 1), t = shuffled[i];

		shuffled[i] = shuffled[j];
		shuffled[j] = t;
	}
	build_mixed(a, sorted, N);
	build_mixed(b, shuffled, N);
	/* The snapshot keeps its IRQs sorted however they were added: put b's in
	 * the shuffled order, which the planner must not depend on either. */
	for (guint k = 0; k < N; k++)
		b->snapshot->irqs->pdata[k] = af_snapshot_lookup(b->snapshot, 200 + shuffled[k]);
	first = plan_checked(a, NULL);
	again = plan_checked(a, NULL);
	other = plan_checked(b, NULL);
	af_test_assert_plans_equal(first, again);
	af_test_assert_plans_equal(first, other);
	g_assert_cmpuint(first->n_move, >, 0);
}

static void test_check_catches(void)
{
	g_autoptr(AfFakeMachine) m = machine_new(1, 1, 4, 1, "", "3");
	g_autoptr(AfPlan) plan = NULL;
	g_autofree char *message = NULL;
	AfPlanEntry *entry;

	af_fake_add_irq(m, 1, "a", "0-3", NULL);
	plan = plan_checked(m, NULL);
	entry = plan->entries->pdata[0];
	/* Planned onto an isolated CPU: the checker must refuse. */
	af_cpuset_clear(entry->planned);
	af_cpuset_add(entry->planned, 3);
	g_assert_cmpint(af_plan_check(plan, m->snapshot, m->hk, m->policy, NULL, &message), ==,
			-EINVAL);
	g_assert_nonnull(strstr(message, "IRQ 1: planned outside housekeeping"));
	g_clear_pointer(&message, g_free);
	/* Keep while the mask differs: churn hidden as keep. */
	af_cpuset_clear(entry->planned);
	af_cpuset_add(entry->planned, 1);
	entry->action = AF_ACTION_KEEP;
	plan->n_keep = 1;
	plan->n_move = 0;
	g_assert_cmpint(af_plan_check(plan, m->snapshot, m->hk, m->policy, NULL, &message), ==,
			-EINVAL);
	g_assert_nonnull(strstr(message, "keep but planned differs"));
}

/* A NIC with aRFS (ntuple on): queue IRQs 100.. on CPU 0, 1, ... (one each). */
static void add_arfs_nic(AfFakeMachine *m, guint n_queues, const char *affinity, gboolean ntuple)
{
	static const AfFakeDevice eth0 = {"0000:10:00.0", "ice", AF_IRQ_CLASS_NETWORK, 0, "eth0"};

	af_fake_add_nic(m, &eth0, 100, n_queues, FALSE, affinity, NULL, NULL, ntuple);
}

/*
 * The aRFS rmap refresh: an IRQ the limits ask to refresh is a move even
 * where its planned mask equals the current one, flagged refresh; a held
 * IRQ is not refreshed; the checker refuses a refresh nobody asked for and
 * an aRFS IRQ planned on more than one CPU.
 */
static void test_arfs_refresh(void)
{
	g_autoptr(AfFakeMachine) m = machine_new(1, 1, 4, 1, "", "3");
	g_autoptr(AfPlan) plan = NULL, refreshed = NULL, held = NULL;
	g_autofree char *message = NULL;
	AfPlanEntry *entry;
	AfIrq *second;

	add_arfs_nic(m, 2, "0", TRUE);
	second = af_snapshot_lookup(m->snapshot, 101);
	g_assert_true(second->arfs);
	af_cpuset_clear(second->affinity);
	af_cpuset_add(second->affinity, 1);
	plan = plan_checked(m, NULL);
	expect(plan, 100, AF_ACTION_KEEP, "0", "already on CPU 0");
	expect(plan, 101, AF_ACTION_KEEP, "1", "already on CPU 1");
	g_assert_false(af_plan_lookup(plan, 100)->refresh);

	m->limits = af_limits_new();
	af_limits_refresh(m->limits, 100);
	refreshed = plan_checked(m, NULL);
	expect(refreshed, 100, AF_ACTION_MOVE, "0", "to refresh the aRFS rmap after CPU hotplug");
	g_assert_true(af_plan_lookup(refreshed, 100)->refresh);
	expect(refreshed, 101, AF_ACTION_KEEP, "1", "already on CPU 1");
	g_assert_cmpuint(refreshed->n_move, ==, 1);

	/* Nobody asked: a refresh flag is churn. */
	entry = (AfPlanEntry *)af_plan_lookup(refreshed, 101);
	entry->action = AF_ACTION_MOVE;
	entry->refresh = TRUE;
	refreshed->n_move++;
	refreshed->n_keep--;
	g_assert_cmpint(
		af_plan_check(refreshed, m->snapshot, m->hk, m->policy, m->limits, &message), ==,
		-EINVAL);
	g_assert_nonnull(strstr(message, "IRQ 101: a refresh that is not an asked-for rewrite"));
	g_clear_pointer(&message, g_free);
	/* Asked and kept: the refresh was lost. */
	entry->refresh = FALSE;
	entry->action = AF_ACTION_KEEP;
	refreshed->n_move--;
	refreshed->n_keep++;
	af_limits_refresh(m->limits, 101);
	g_assert_cmpint(
		af_plan_check(refreshed, m->snapshot, m->hk, m->policy, m->limits, &message), ==,
		-EINVAL);
	g_assert_nonnull(strstr(message, "IRQ 101: kept although a refresh was asked for"));
	g_clear_pointer(&message, g_free);
	/* An aRFS queue IRQ on two CPUs: the rmap would be computed from a wide mask. */
	af_cpuset_add(entry->planned, 2);
	entry->action = AF_ACTION_MOVE;
	refreshed->n_move++;
	refreshed->n_keep--;
	g_assert_cmpint(
		af_plan_check(refreshed, m->snapshot, m->hk, m->policy, m->limits, &message), ==,
		-EINVAL);
	g_assert_nonnull(strstr(message, "IRQ 101: an aRFS queue IRQ planned on 2 CPUs"));

	/* A held IRQ is never written, refresh or not. */
	af_limits_hold(m->limits, 100, AF_HOLD_FIGHT);
	held = plan_checked(m, NULL);
	expect(held, 100, AF_ACTION_KEEP, "0", "held: another writer keeps changing it");
	g_assert_false(af_plan_lookup(held, 100)->refresh);
}

/* Pack mode stacks IRQs, but an aRFS NIC's queues still take distinct cores. */
static void test_arfs_pack_distinct(void)
{
	g_autoptr(AfFakeMachine) m = machine_new(1, 1, 4, 1, "", "");
	g_autoptr(AfFakeMachine) plain = machine_new(1, 1, 4, 1, "", "");
	g_autoptr(AfPlan) plan = NULL, packed = NULL;
	g_autoptr(AfCpuSet) used = af_cpuset_new();

	m->policy->mode = AF_PLACEMENT_PACK;
	plain->policy->mode = AF_PLACEMENT_PACK;
	add_arfs_nic(m, 3, "0-3", TRUE);
	add_arfs_nic(plain, 3, "0-3", FALSE);
	plan = plan_checked(m, NULL);
	packed = plan_checked(plain, NULL);
	for (guint irq = 100; irq < 103; irq++)
		af_cpuset_or(used, af_plan_lookup(plan, irq)->planned);
	g_assert_cmpuint(af_cpuset_count(used), ==, 3);
	af_cpuset_clear(used);
	for (guint irq = 100; irq < 103; irq++)
		af_cpuset_or(used, af_plan_lookup(packed, irq)->planned);
	g_assert_cmpuint(af_cpuset_count(used), ==, 1);
}

/*
 * Held IRQs stay where the kernel has them: on their one housekeeping CPU
 * (kept, and counted there), else skipped; the others are planned around
 * them. Without the hold the same machine spreads all four.
 */
static void test_held(void)
{
	g_autoptr(AfFakeMachine) m = machine_new(1, 1, 4, 1, "", "3");
	g_autoptr(AfPlan) free_plan = NULL, plan = NULL;

	af_fake_add_irq(m, 10, "a", "0", "0");
	af_fake_add_irq(m, 11, "b", "0", "0");
	af_fake_add_irq(m, 12, "c", "0", "0");
	af_fake_add_irq(m, 13, "d", "0-3", "3"); /* the driver set every CPU: on isolated 3 */
	/* Free, CPU 0 sheds its lightest (the lowest IRQ) and 13 leaves CPU 3. */
	free_plan = plan_checked(m, NULL);
	expect(free_plan, 10, AF_ACTION_MOVE, "2", "carried more than its share");
	expect(free_plan, 13, AF_ACTION_MOVE, "1", "spread to CPU 1");

	m->limits = af_limits_new();
	af_limits_hold(m->limits, 10, AF_HOLD_INTERVAL);
	af_limits_hold(m->limits, 13, AF_HOLD_FIGHT);
	plan = plan_checked(m, NULL);
	expect(plan, 10, AF_ACTION_KEEP, "0", "load move held: minimum move interval not over");
	/* A wide mask is never "kept": it is no placement of ours, and would
	 * count as CPUs the plan uses (apply writes repairs off others first). */
	expect(plan, 13, AF_ACTION_SKIP, NULL, "held: another writer keeps changing it");
	/* Held 10 counts on CPU 0 (3 IRQs over 3 CPUs): the others leave it. */
	expect(plan, 11, AF_ACTION_MOVE, "1", "carried more than its share");
	expect(plan, 12, AF_ACTION_MOVE, "2", "carried more than its share");
	g_assert_cmpuint(plan->n_keep, ==, 1);
	g_assert_cmpuint(plan->n_skip, ==, 1);
	g_assert_cmpuint(plan->n_move, ==, 2);
}

/* A held IRQ on one isolated CPU is not kept there: skipped, with the hold's reason. */
static void test_held_isolated(void)
{
	g_autoptr(AfFakeMachine) m = machine_new(1, 1, 4, 1, "", "3");
	g_autoptr(AfPlan) plan = NULL;

	af_fake_add_irq(m, 13, "d", "3", "3");
	m->limits = af_limits_new();
	af_limits_hold(m->limits, 13, AF_HOLD_FIGHT);
	plan = plan_checked(m, NULL);
	expect(plan, 13, AF_ACTION_SKIP, NULL, "held: another writer keeps changing it");
}

/*
 * Excluded CPUs (out of vectors) get no IRQ, and IRQs on them move off;
 * excluding every housekeeping CPU excludes none.
 */
static void test_excluded(void)
{
	g_autoptr(AfFakeMachine) m = machine_new(1, 1, 4, 1, "", "3");
	g_autoptr(AfCpuSet) full = af_fake_cpus("1"), everything = af_fake_cpus("0-2");
	g_autoptr(AfPlan) plan = NULL, again = NULL;

	af_fake_add_irq(m, 20, "a", "1", "1");
	af_fake_add_irq(m, 21, "b", "0-3", "3");
	af_fake_add_irq(m, 22, "c", "0-3", "3");
	m->limits = af_limits_new();
	af_limits_exclude(m->limits, full);
	plan = plan_checked(m, NULL);
	expect(plan, 20, AF_ACTION_MOVE, "0", NULL);
	expect(plan, 21, AF_ACTION_MOVE, "2", NULL);
	expect(plan, 22, AF_ACTION_MOVE, "0", NULL);

	af_limits_exclude(m->limits, everything);
	again = plan_checked(m, NULL);
	expect(again, 20, AF_ACTION_KEEP, "1", "already on CPU 1");
}

/* The checker judges a plan by its limits: a held IRQ moved, or kept elsewhere, is refused. */
static void test_check_catches_held(void)
{
	g_autoptr(AfFakeMachine) m = machine_new(1, 1, 4, 1, "", "3");
	g_autoptr(AfLimits) limits = af_limits_new();
	g_autoptr(AfPlan) plan = NULL;
	g_autofree char *message = NULL;
	AfPlanEntry *entry;

	af_fake_add_irq(m, 1, "a", "0-3", "3");
	af_fake_add_irq(m, 2, "b", "1", "1");
	plan = plan_checked(m, NULL);
	af_limits_hold(limits, 1, AF_HOLD_FIGHT);
	g_assert_cmpint(af_plan_check(plan, m->snapshot, m->hk, m->policy, limits, &message), ==,
			-EINVAL);
	g_assert_nonnull(strstr(message, "IRQ 1: held but planned to move"));
	g_clear_pointer(&message, g_free);

	/* Held on its one housekeeping CPU, but "kept" on another. */
	g_clear_pointer(&plan, af_plan_free);
	m->limits = af_limits_new();
	af_limits_hold(m->limits, 2, AF_HOLD_INTERVAL);
	plan = plan_checked(m, NULL);
	entry = (AfPlanEntry *)af_plan_lookup(plan, 2);
	g_assert_cmpint(entry->action, ==, AF_ACTION_KEEP);
	af_cpuset_clear(entry->planned);
	af_cpuset_add(entry->planned, 2);
	g_assert_cmpint(af_plan_check(plan, m->snapshot, m->hk, m->policy, m->limits, &message),
			==, -EINVAL);
	g_assert_nonnull(strstr(message, "IRQ 2: held but not kept on its one CPU"));
	g_clear_pointer(&message, g_free);

	/* Skipped while it could be kept where it is. */
	af_cpuset_free(entry->planned);
	entry->planned = NULL;
	entry->action = AF_ACTION_SKIP;
	plan->n_keep--;
	plan->n_skip++;
	g_assert_cmpint(af_plan_check(plan, m->snapshot, m->hk, m->policy, m->limits, &message),
			==, -EINVAL);
	g_assert_nonnull(strstr(message, "IRQ 2: held on a housekeeping CPU but skipped"));
}

static void test_action_to_string(void)
{
	g_assert_cmpstr(af_plan_action_to_string(AF_ACTION_MOVE), ==, "move");
	g_assert_cmpstr(af_plan_action_to_string(AF_ACTION_KEEP), ==, "keep");
	g_assert_cmpstr(af_plan_action_to_string(AF_ACTION_SKIP), ==, "skip");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/planner/compute/isolation-on", test_isolation_on);
	g_test_add_func("/planner/compute/isolation-off", test_isolation_off);
	g_test_add_func("/planner/compute/all-isolated", test_all_isolated);
	g_test_add_func("/planner/compute/all-isolated-load", test_all_isolated_load);
	g_test_add_func("/planner/compute/offline", test_offline);
	g_test_add_func("/planner/compute/two-nics", test_two_nics);
	g_test_add_func("/planner/compute/nic-node-isolated", test_nic_node_isolated);
	g_test_add_func("/planner/compute/managed-nvme", test_managed_nvme);
	g_test_add_func("/planner/compute/managed-unserved", test_managed_unserved);
	g_test_add_func("/planner/compute/legacy", test_legacy);
	g_test_add_func("/planner/compute/rules", test_rules);
	g_test_add_func("/planner/compute/pack-spread", test_pack_spread);
	g_test_add_func("/planner/compute/cap", test_cap);
	g_test_add_func("/planner/compute/hysteresis", test_hysteresis);
	g_test_add_func("/planner/compute/even-out", test_even_out);
	g_test_add_func("/planner/compute/even-out-queues", test_even_out_queues);
	g_test_add_func("/planner/compute/even-out-pack", test_even_out_pack);
	g_test_add_func("/planner/compute/pending-move", test_pending_move);
	g_test_add_func("/planner/compute/no-handler", test_no_handler);
	g_test_add_func("/planner/compute/load-floor", test_load_floor);
	g_test_add_func("/planner/compute/load", test_load);
	g_test_add_func("/planner/compute/load-within-hysteresis", test_load_within_hysteresis);
	g_test_add_func("/planner/compute/load-hysteresis-gap", test_load_hysteresis_gap);
	g_test_add_func("/planner/compute/load-fixed-point", test_load_fixed_point);
	g_test_add_func("/planner/compute/cap-split-fixed-point", test_cap_split_fixed_point);
	g_test_add_func("/planner/compute/channel-pairs", test_channel_pairs);
	g_test_add_func("/planner/compute/distinct-cores", test_distinct_cores);
	g_test_add_func("/planner/compute/determinism", test_determinism);
	g_test_add_func("/planner/compute/held", test_held);
	g_test_add_func("/planner/compute/arfs-refresh", test_arfs_refresh);
	g_test_add_func("/planner/compute/arfs-pack-distinct", test_arfs_pack_distinct);
	g_test_add_func("/planner/compute/held-isolated", test_held_isolated);
	g_test_add_func("/planner/compute/excluded", test_excluded);
	g_test_add_func("/planner/check/catches", test_check_catches);
	g_test_add_func("/planner/check/catches-held", test_check_catches_held);
	g_test_add_func("/planner/action_to_string/all", test_action_to_string);
	return g_test_run();
}
