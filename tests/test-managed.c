/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "fakemachine.h"
#include "inventory-tree.h"
#include "managed.h"

static void test_parse_debugfs_table(void)
{
	static const struct {
		const char *text;
		guint expect;
	} cases[] = {
		{ "handler:  handle_edge_irq\ndevice:   0000:00:06.0\nstatus:   0x00004000\n"
		  "dstate:   0x31600200\n            IRQD_ACTIVATED\n            IRQD_IRQ_STARTED\n"
		  "            IRQD_SINGLE_TARGET\n            IRQD_AFFINITY_MANAGED\nnode:     0\n",
		  AF_IRQD_AFFINITY_MANAGED },
		{ "dstate:   0x1\n\tIRQD_PER_CPU\n\tIRQD_NO_BALANCING\n", AF_IRQD_PER_CPU | AF_IRQD_NO_BALANCING },
		{ "dstate:   0x0\n            IRQD_ACTIVATED\n", 0 },
		/* names outside the dstate block do not count */
		{ "istate:   0x0\n            IRQD_AFFINITY_MANAGED\ndstate:   0x0\n", 0 },
		/* a flag with a longer name is not the flag */
		{ "dstate:   0x0\n            IRQD_PER_CPU_EXTRA\n", 0 },
		{ "", 0 },
		{ "garbage\n\n\t\n", 0 },
	};

	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++)
		g_assert_cmpuint(af_managed_parse_debugfs(cases[i].text), ==, cases[i].expect);
}

static void test_release_table(void)
{
	static const struct {
		const char *release;
		gboolean expect;
	} cases[] = {
		{ "6.12.0", TRUE }, { "6.12", TRUE }, { "6.12.0-rc1", TRUE }, { "6.18.44-fc-v669", TRUE },
		{ "7.0.0", TRUE }, { "10.1", TRUE }, { "6.11.9", FALSE }, { "6.1.0", FALSE },
		{ "6.1.0-56-amd64", FALSE }, { "5.15.0", FALSE }, { "6", FALSE }, { "6.", FALSE },
		{ "", FALSE }, { "v6.12", FALSE }, { NULL, FALSE },
	};

	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++)
		g_assert_cmpint(af_managed_release_has_readonly_mode(cases[i].release), ==, cases[i].expect);
}

/* The heuristic on 8 possible CPUs: which vectors it calls managed. */
static void test_guess_table(void)
{
	static const struct {
		guint irq;
		const char *name, *device, *driver, *chip;
		AfIrqClass class;
		const char *mask;
		gboolean expect;
	} cases[] = {
		{ 0, "timer", NULL, NULL, "IO-APIC", AF_IRQ_CLASS_OTHER, "0-1", TRUE },
		{ 1, "i8042", NULL, NULL, "IO-APIC", AF_IRQ_CLASS_OTHER, "0-1", FALSE },
		{ 2, "", NULL, NULL, "XT-PIC", AF_IRQ_CLASS_OTHER, "0-1", TRUE },
		{ 2, "cascade", NULL, NULL, "IO-APIC", AF_IRQ_CLASS_OTHER, "0-1", TRUE },
		/* IRQ 0 named otherwise (not x86's timer) is left alone */
		{ 0, "arch_timer", NULL, NULL, "GICv3", AF_IRQ_CLASS_OTHER, "0-7", FALSE },
		/* nvme: admin movable, I/O queues managed */
		{ 40, "nvme0q0", "0000:42:00.0", "nvme", NULL, AF_IRQ_CLASS_STORAGE, "0-7", FALSE },
		{ 41, "nvme0q1", "0000:42:00.0", "nvme", NULL, AF_IRQ_CLASS_STORAGE, "0-3", TRUE },
		{ 42, "nvme0q2", "0000:42:00.0", "nvme", NULL, AF_IRQ_CLASS_STORAGE, "4-7", TRUE },
		/* virtio-blk: several req.N */
		{ 50, "virtio1-config", "0000:00:05.0", "virtio_blk", NULL, AF_IRQ_CLASS_STORAGE, "0-1", FALSE },
		{ 51, "virtio1-req.0", "0000:00:05.0", "virtio_blk", NULL, AF_IRQ_CLASS_STORAGE, "0-1", TRUE },
		{ 52, "virtio1-req.1", "0000:00:05.0", "virtio_blk", NULL, AF_IRQ_CLASS_STORAGE, "2-7", TRUE },
		/* virtio-blk with one queue over every CPU: spread over all of them */
		{ 53, "virtio2-config", "0000:00:06.0", "virtio_blk", NULL, AF_IRQ_CLASS_STORAGE, "0-1", FALSE },
		{ 54, "virtio2-req.0", "0000:00:06.0", "virtio_blk", NULL, AF_IRQ_CLASS_STORAGE, "0-7", TRUE },
		/* 9p's requests vector: not storage */
		{ 55, "virtio3-config", "0000:00:07.0", "9pnet_virtio", NULL, AF_IRQ_CLASS_OTHER, "0-1", FALSE },
		{ 56, "virtio3-requests", "0000:00:07.0", "9pnet_virtio", NULL, AF_IRQ_CLASS_OTHER, "0-1", FALSE },
		/* an HBA: one pre-vector with the default mask, queues spread */
		{ 60, "megasas0-msix0", "0000:5e:00.0", "megaraid_sas", NULL, AF_IRQ_CLASS_STORAGE, "0-7", FALSE },
		{ 61, "megasas0-msix1", "0000:5e:00.0", "megaraid_sas", NULL, AF_IRQ_CLASS_STORAGE, "0-1", TRUE },
		{ 62, "megasas0-msix2", "0000:5e:00.0", "megaraid_sas", NULL, AF_IRQ_CLASS_STORAGE, "2-3", TRUE },
		{ 63, "megasas0-msix3", "0000:5e:00.0", "megaraid_sas", NULL, AF_IRQ_CLASS_STORAGE, "4-7", TRUE },
		/* an unknown storage driver spreading like group_cpus_evenly() */
		{ 70, "foo-cfg", "0000:60:00.0", "foo", NULL, AF_IRQ_CLASS_STORAGE, "0-1", FALSE },
		{ 71, "foo-q0", "0000:60:00.0", "foo", NULL, AF_IRQ_CLASS_STORAGE, "0-3", TRUE },
		{ 72, "foo-q1", "0000:60:00.0", "foo", NULL, AF_IRQ_CLASS_STORAGE, "4-7", TRUE },
		/* the same layout on another device: affinityd may have placed it so */
		{ 73, "qux-q0", "0000:63:00.0", "qux", NULL, AF_IRQ_CLASS_OTHER, "0-3", FALSE },
		{ 74, "qux-q1", "0000:63:00.0", "qux", NULL, AF_IRQ_CLASS_OTHER, "4-7", FALSE },
		/* masks that do not cover every CPU are no spread */
		{ 75, "bar-q0", "0000:61:00.0", "bar", NULL, AF_IRQ_CLASS_STORAGE, "0-1", FALSE },
		{ 76, "bar-q1", "0000:61:00.0", "bar", NULL, AF_IRQ_CLASS_STORAGE, "2-3", FALSE },
		/* a single vector over every CPU of an unknown driver is a default mask */
		{ 77, "baz", "0000:62:00.0", "baz", NULL, AF_IRQ_CLASS_STORAGE, "0-7", FALSE },
		/* NICs spread their queues too, and stay movable */
		{ 80, "eth0-TxRx-0", "0000:3b:00.0", "i40e", NULL, AF_IRQ_CLASS_NETWORK, "0-3", FALSE },
		{ 81, "eth0-TxRx-1", "0000:3b:00.0", "i40e", NULL, AF_IRQ_CLASS_NETWORK, "4-7", FALSE },
	};
	g_autoptr(GPtrArray) irqs = g_ptr_array_new_with_free_func((GDestroyNotify)af_irq_free);
	g_autoptr(AfCpuSet) possible = af_cpuset_new_range(0, 7);

	/* Each x86 legacy case on its own: IRQ numbers repeat across them. */
	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		const AfFakeDevice device = {cases[i].device, cases[i].driver, cases[i].class, -1,
					     NULL};
		AfIrq *irq = af_fake_irq_new(cases[i].irq, cases[i].name, cases[i].mask, NULL);

		af_fake_irq_set_device(irq, &device);
		irq->chip = g_strdup(cases[i].chip);
		g_ptr_array_add(irqs, irq);
	}
	af_managed_guess(irqs, possible, NULL);
	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		const AfIrq *irq = irqs->pdata[i];

		g_test_message("case %zu: IRQ %u %s: %s", i, irq->irq, irq->name,
			       irq->managed_detail ? irq->managed_detail : "movable");
		g_assert_cmpint(irq->managed, ==, cases[i].expect);
		g_assert_false(irq->per_cpu);
		if (cases[i].expect) {
			g_assert_cmpint(irq->managed_source, ==, AF_MANAGED_SOURCE_HEURISTIC);
			g_assert_nonnull(irq->managed_detail);
		} else {
			g_assert_cmpint(irq->managed_source, ==, AF_MANAGED_SOURCE_NONE);
		}
	}
}

/* Two nvme queues in a tree: flags from debugfs, modes, learned. */
static char *make_tree(void)
{
	char *root = tree_new();

	for (guint irq = 40; irq <= 44; irq++) {
		g_autofree char *path = g_strdup_printf("proc/irq/%u/smp_affinity", irq);

		tree_write(root, path, "ff\n");
	}
	return root;
}

static GPtrArray *nvme_irqs(void)
{
	static const AfFakeDevice nvme = {"0000:42:00.0", "nvme", AF_IRQ_CLASS_STORAGE, -1, NULL};
	static const AfFakeDevice eth = {"0000:3b:00.0", "e1000e", AF_IRQ_CLASS_NETWORK, -1, NULL};
	static const struct {
		guint irq;
		const char *name;
		const AfFakeDevice *device;
		const char *mask;
	} rows[] = {
		{40, "nvme0q0", &nvme, "0-7"}, {41, "nvme0q1", &nvme, "0-3"},
		{42, "nvme0q2", &nvme, "4-7"}, {43, "eth0", &eth, "0-7"},
		{44, "weird", NULL, "0-7"},
	};
	GPtrArray *irqs = g_ptr_array_new_with_free_func((GDestroyNotify)af_irq_free);

	for (gsize i = 0; i < G_N_ELEMENTS(rows); i++) {
		AfIrq *irq = af_fake_irq_new(rows[i].irq, rows[i].name, rows[i].mask, NULL);

		if (rows[i].device)
			af_fake_irq_set_device(irq, rows[i].device);
		g_ptr_array_add(irqs, irq);
	}
	return irqs;
}

static void detect(const char *root, const char *release, AfLearned *learned, GPtrArray *irqs)
{
	g_autoptr(AfSysroot) sysroot = NULL;
	g_autoptr(AfCpuSet) possible = af_cpuset_new_range(0, 7);

	g_assert_cmpint(af_sysroot_open(root, &sysroot), ==, 0);
	af_managed_detect(sysroot, release, learned, possible, irqs);
}

static const AfIrq *at(GPtrArray *irqs, guint i)
{
	return irqs->pdata[i];
}

/* debugfs present: its verdict is final, the heuristic is not asked. */
static void test_detect_debugfs(void)
{
	char *root = make_tree();
	g_autoptr(GPtrArray) irqs = nvme_irqs();
	const char *managed = "dstate:   0x1\n            IRQD_AFFINITY_MANAGED\nnode:     0\n";

	tree_write(root, "sys/kernel/debug/irq/irqs/40", "dstate:   0x0\n            IRQD_ACTIVATED\n");
	tree_write(root, "sys/kernel/debug/irq/irqs/41", managed);
	/* 42 says nothing special: movable, though the heuristic would call it managed */
	tree_write(root, "sys/kernel/debug/irq/irqs/42", "dstate:   0x0\n");
	tree_write(root, "sys/kernel/debug/irq/irqs/43", "dstate:   0x0\n            IRQD_PER_CPU\n");
	tree_write(root, "sys/kernel/debug/irq/irqs/44", "dstate:   0x0\n            IRQD_NO_BALANCING\n");
	detect(root, "6.1.0", NULL, irqs);
	g_assert_false(at(irqs, 0)->managed);
	g_assert_true(at(irqs, 1)->managed);
	g_assert_cmpint(at(irqs, 1)->managed_source, ==, AF_MANAGED_SOURCE_DEBUGFS);
	g_assert_cmpstr(at(irqs, 1)->managed_detail, ==, "IRQD_AFFINITY_MANAGED");
	g_assert_false(at(irqs, 2)->managed);
	g_assert_cmpint(at(irqs, 2)->managed_source, ==, AF_MANAGED_SOURCE_NONE);
	g_assert_true(at(irqs, 3)->per_cpu);
	g_assert_false(af_irq_is_movable(at(irqs, 3)));
	g_assert_cmpint(at(irqs, 3)->managed_source, ==, AF_MANAGED_SOURCE_DEBUGFS);
	g_assert_true(at(irqs, 4)->managed);
	g_assert_cmpstr(at(irqs, 4)->managed_detail, ==, "IRQD_NO_BALANCING");
	tree_free(root);
}

/* A 0444 smp_affinity means refused on 6.12, nothing on 6.1. */
static void test_detect_mode(void)
{
	static const struct {
		const char *release;
		AfManagedSource expect;
	} cases[] = {
		{ "6.12.0", AF_MANAGED_SOURCE_MODE },
		{ "6.1.0", AF_MANAGED_SOURCE_NONE },
		{ NULL, AF_MANAGED_SOURCE_NONE },
	};

	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *root = make_tree();
		g_autoptr(GPtrArray) irqs = nvme_irqs();

		tree_chmod(root, "proc/irq/44/smp_affinity", 0444);
		detect(root, cases[i].release, NULL, irqs);
		g_assert_cmpint(at(irqs, 4)->managed_source, ==, cases[i].expect);
		g_assert_cmpint(at(irqs, 4)->managed, ==, cases[i].expect != AF_MANAGED_SOURCE_NONE);
		if (cases[i].expect == AF_MANAGED_SOURCE_MODE)
			g_assert_cmpstr(at(irqs, 4)->managed_detail, ==, "smp_affinity mode 0444");
		/* 0644 files stay movable whatever the release */
		g_assert_false(at(irqs, 3)->managed);
		/* without debugfs, the nvme I/O queues are the heuristic's */
		g_assert_cmpint(at(irqs, 1)->managed_source, ==, AF_MANAGED_SOURCE_HEURISTIC);
		tree_free(root);
	}
}

/* Learned by number and name: a reused number with another name is not it. */
static void test_detect_learned(void)
{
	char *root = make_tree();
	g_autoptr(GPtrArray) irqs = nvme_irqs();
	g_autoptr(GHashTable) learned = g_hash_table_new_full(NULL, NULL, NULL, g_free);

	g_hash_table_insert(learned, GUINT_TO_POINTER(44), g_strdup("weird"));
	g_hash_table_insert(learned, GUINT_TO_POINTER(43), g_strdup("eth7"));
	detect(root, "6.1.0", learned, irqs);
	g_assert_cmpint(at(irqs, 4)->managed_source, ==, AF_MANAGED_SOURCE_LEARNED);
	g_assert_true(at(irqs, 4)->managed);
	g_assert_false(at(irqs, 3)->managed);
	tree_free(root);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/managed/parse_debugfs/table", test_parse_debugfs_table);
	g_test_add_func("/managed/release_has_readonly_mode/table", test_release_table);
	g_test_add_func("/managed/guess/table", test_guess_table);
	g_test_add_func("/managed/detect/debugfs", test_detect_debugfs);
	g_test_add_func("/managed/detect/mode", test_detect_mode);
	g_test_add_func("/managed/detect/learned", test_detect_learned);
	return g_test_run();
}
