/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "irq.h"

static void test_new_defaults(void)
{
	g_autoptr(AfIrq) irq = af_irq_new(44);

	g_assert_cmpuint(irq->irq, ==, 44);
	g_assert_cmpint(irq->numa_node, ==, -1);
	g_assert_cmpint(irq->queue, ==, -1);
	g_assert_cmpint(irq->queue_kind, ==, AF_QUEUE_NONE);
	g_assert_cmpint(irq->managed_source, ==, AF_MANAGED_SOURCE_NONE);
	g_assert_true(af_irq_is_movable(irq));
	g_assert_null(af_irq_serving_cpus(irq));
	af_irq_free(NULL);
}

static void test_is_movable_table(void)
{
	static const struct {
		gboolean per_cpu, managed, expect;
	} cases[] = {
		{ FALSE, FALSE, TRUE },
		{ TRUE, FALSE, FALSE },
		{ FALSE, TRUE, FALSE },
		{ TRUE, TRUE, FALSE },
	};

	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(AfIrq) irq = af_irq_new(1);

		irq->per_cpu = cases[i].per_cpu;
		irq->managed = cases[i].managed;
		g_assert_cmpint(af_irq_is_movable(irq), ==, cases[i].expect);
	}
}

/* Effective when the kernel has one, even empty (a shut-down managed IRQ). */
static void test_serving_cpus(void)
{
	g_autoptr(AfIrq) irq = af_irq_new(1);

	irq->affinity = af_cpuset_new_range(0, 3);
	g_assert_true(af_irq_serving_cpus(irq) == irq->affinity);
	irq->effective = af_cpuset_new();
	g_assert_true(af_irq_serving_cpus(irq) == irq->effective);
	af_cpuset_add(irq->effective, 2);
	g_assert_cmpint(af_cpuset_first(af_irq_serving_cpus(irq)), ==, 2);
}

static void test_to_string(void)
{
	g_assert_cmpstr(af_irq_class_to_string(AF_IRQ_CLASS_OTHER), ==, "other");
	g_assert_cmpstr(af_irq_class_to_string(AF_IRQ_CLASS_NETWORK), ==, "network");
	g_assert_cmpstr(af_irq_class_to_string(AF_IRQ_CLASS_STORAGE), ==, "storage");
	g_assert_null(af_irq_managed_source_to_string(AF_MANAGED_SOURCE_NONE));
	g_assert_cmpstr(af_irq_managed_source_to_string(AF_MANAGED_SOURCE_DEBUGFS), ==, "debugfs");
	g_assert_cmpstr(af_irq_managed_source_to_string(AF_MANAGED_SOURCE_MODE), ==, "mode");
	g_assert_cmpstr(af_irq_managed_source_to_string(AF_MANAGED_SOURCE_LEARNED), ==, "learned");
	g_assert_cmpstr(af_irq_managed_source_to_string(AF_MANAGED_SOURCE_HEURISTIC), ==,
			"heuristic");
	g_assert_null(af_irq_queue_kind_to_string(AF_QUEUE_NONE));
	g_assert_cmpstr(af_irq_queue_kind_to_string(AF_QUEUE_RX), ==, "rx");
	g_assert_cmpstr(af_irq_queue_kind_to_string(AF_QUEUE_TX), ==, "tx");
	g_assert_cmpstr(af_irq_queue_kind_to_string(AF_QUEUE_COMBINED), ==, "combined");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/irq/new/defaults", test_new_defaults);
	g_test_add_func("/irq/is_movable/table", test_is_movable_table);
	g_test_add_func("/irq/serving_cpus/effective-first", test_serving_cpus);
	g_test_add_func("/irq/to_string/all", test_to_string);
	return g_test_run();
}
