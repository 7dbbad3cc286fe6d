/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "explain.h"
#include "fakemachine.h"
#include "testutil.h"

/*
 * 8 CPUs, isolcpus=domain,4-7, and CPUs 2-3 banned at run time by "tuned":
 * housekeeping 0-1. A legacy IRQ served by isolated CPU 5, one served by
 * banned CPU 3, a network rx queue in place, a managed storage queue on
 * CPU 6 and a per-CPU IRQ. The plan is written by hand.
 */
typedef struct {
	AfFakeMachine *machine;
	AfPlan *plan;
} Fixture;

static void fixture_set_up(Fixture *f, gconstpointer data)
{
	const AfFakeDevice net = {"0000:00:03.0", "virtio-pci", AF_IRQ_CLASS_NETWORK, 0, "eth0"};
	const AfFakeDevice nvme = {"0000:00:04.0", "nvme", AF_IRQ_CLASS_STORAGE, -1, NULL};
	g_autoptr(AfCpuSet) banned = af_fake_cpus("2-3");
	AfFakeMachine *m;
	AfIrq *irq;
	AfPlanEntry *entry;

	m = f->machine = af_fake_machine_new("pack:1 core:8 pu:1", "", "");
	af_fake_machine_boot(m, "isolcpus=domain,4-7");
	af_housekeeping_add_source(m->hk, "owner:tuned", banned);
	f->plan = af_plan_new();

	irq = af_fake_add_irq(m, 1, "i8042", "0-7", "5");
	irq->total = 9;
	af_fake_plan_add(f->plan, irq, AF_ACTION_MOVE, "0", "served by isolated CPU 5");
	irq = af_fake_add_per_cpu(m, 2, "cascade", NULL, NULL);
	af_fake_plan_add(f->plan, irq, AF_ACTION_SKIP, NULL, "per-CPU interrupt");
	irq = af_fake_add_irq(m, 9, "acpi\033[2J", "3", "3");
	af_fake_plan_add(f->plan, irq, AF_ACTION_MOVE, "1", "served by isolated CPU 3");
	irq = af_fake_add_queue(m, &net, 24, "virtio0-input.0", 0, AF_QUEUE_RX, "0", "0");
	af_fake_plan_add(f->plan, irq, AF_ACTION_KEEP, "0", "already on housekeeping CPU 0");
	irq = af_fake_add_managed(m, &nvme, 40, "nvme0q3", 3, "6-7", "6");
	irq->managed_detail = g_strdup("nvme queue with a spread mask");
	entry = af_fake_plan_add(f->plan, irq, AF_ACTION_SKIP, NULL, "kernel-managed (heuristic)");
	g_ptr_array_add(entry->warnings, g_strdup("managed IRQ served by isolated CPU 6"));
}

static void fixture_tear_down(Fixture *f, gconstpointer data)
{
	af_plan_free(f->plan);
	af_fake_machine_free(f->machine);
}

static char *explain(Fixture *f, guint irq)
{
	return af_explain_irq(f->machine->hk, f->plan, irq);
}

/* Every line of one explanation. */
static void test_moved(Fixture *f, gconstpointer data)
{
	g_autofree char *text = explain(f, 1);

	g_assert_cmpstr(
		text, ==,
		"IRQ 1 (i8042): move to 0\n"
		"Why:       served by isolated CPU 5\n"
		"Device:    -, driver -, class other\n"
		"Kernel:    affinity 0-7, effective 5, 9 interrupts\n"
		"Movable:   yes\n"
		"Served by: 5; isolated among them: 5 by isolcpus_domain\n"
		"Housekeeping CPUs: 0-1; isolated by isolcpus_domain 4-7, owner:tuned 2-3\n");
}

/* A CPU kept free by a run-time ban names the ban's owner; names lose control characters. */
static void test_banned_cpu(Fixture *f, gconstpointer data)
{
	g_autofree char *text = explain(f, 9);

	g_assert_true(g_str_has_prefix(text, "IRQ 9 (acpi?[2J): move to 1\n"));
	g_assert_nonnull(strstr(text, "\nServed by: 3; isolated among them: 3 by owner:tuned\n"));
	g_assert_null(strchr(text, '\033'));
}

/* What the kernel owns: why it stays, with the source that says so, and its warning. */
static void test_managed(Fixture *f, gconstpointer data)
{
	g_autofree char *text = explain(f, 40);

	g_assert_true(g_str_has_prefix(text, "IRQ 40 (nvme0q3): skip\nWhy:       kernel-managed"));
	g_assert_nonnull(strstr(text, "\nDevice:    0000:00:04.0, driver nvme, class storage\n"));
	g_assert_nonnull(strstr(text,
				"\nMovable:   no, the kernel places it (kernel-managed or "
				"refused); known by heuristic: nvme queue with a spread mask\n"));
	g_assert_nonnull(strstr(text, "\nWarning:   managed IRQ served by isolated CPU 6\n"));
	g_assert_nonnull(strstr(text, "isolated among them: 6 by isolcpus_domain\n"));
}

static void test_queue_and_per_cpu(Fixture *f, gconstpointer data)
{
	g_autofree char *rx = explain(f, 24);
	g_autofree char *cascade = explain(f, 2);

	g_assert_true(g_str_has_prefix(rx, "IRQ 24 (virtio0-input.0): keep on 0\n"));
	g_assert_nonnull(strstr(rx, "\nDevice:    0000:00:03.0, driver virtio-pci, class network, "
				    "NUMA node 0\nNetwork:   eth0, queue 0 (rx)\n"));
	g_assert_nonnull(strstr(rx, "\nServed by: 0, housekeeping\n"));
	g_assert_nonnull(strstr(cascade, "\nMovable:   no, a per-CPU interrupt\n"));
	g_assert_nonnull(strstr(cascade, "\nKernel:    affinity unknown, 0 interrupts\n"));
	g_assert_null(strstr(cascade, "Served by"));
}

static void test_unknown(Fixture *f, gconstpointer data)
{
	g_assert_null(explain(f, 3));
	g_assert_null(explain(f, 1000));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
#define ADD(path, func) g_test_add(path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
	ADD("/explain/irq/moved", test_moved);
	ADD("/explain/irq/banned-cpu", test_banned_cpu);
	ADD("/explain/irq/managed", test_managed);
	ADD("/explain/irq/queue-and-per-cpu", test_queue_and_per_cpu);
	ADD("/explain/irq/unknown", test_unknown);
#undef ADD
	return g_test_run();
}
