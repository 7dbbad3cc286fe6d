/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include <glib/gstdio.h>
#include <string.h>

#include "interrupts.h"
#include "learned.h"
#include "inventory-tree.h"
#include "snapshot.h"

#define FIXTURE "qemu-managed-doc-example"

static AfSnapshot *read_tree(const char *root)
{
	g_autoptr(AfSysroot) sysroot = NULL;
	AfSnapshot *snapshot = NULL;

	g_assert_cmpint(af_sysroot_open(root, &sysroot), ==, 0);
	g_assert_cmpint(af_snapshot_read(sysroot, NULL, &snapshot), ==, 0);
	return snapshot;
}

static void assert_cpus(const AfCpuSet *set, const char *expected)
{
	g_autofree char *text = af_cpuset_format_list(set);

	g_assert_cmpstr(text, ==, expected);
}

/* The fixture's IRQs: rows of /proc/interrupts plus the handler-less legacy lines. */
static void test_read_fixture_irqs(void)
{
	char *root = tree_extract(FIXTURE);
	g_autoptr(AfSnapshot) s = read_tree(root);
	const guint expected[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
				   24, 25, 26, 27, 28, 29, 30, 31, 32 };

	g_assert_cmpuint(s->nr_cpu_ids, ==, 8);
	assert_cpus(s->possible, "0-7");
	assert_cpus(s->online, "0-7");
	g_assert_true(af_cpuset_is_empty(s->offline));
	/* No /proc/sys/kernel/osrelease in the capture: /proc/version says it. */
	g_assert_cmpstr(s->kernel_release, ==, "6.1.0-56-amd64");
	/* Its CPU modalias: "cpu:type:x86,ven0002fam000Fmod006B:...". */
	g_assert_cmpint(s->arch, ==, AF_ARCH_X86);
	g_assert_nonnull(s->cmdline);
	g_assert_nonnull(s->topology);
	g_assert_cmpuint(s->irqs->len, ==, G_N_ELEMENTS(expected));
	for (guint i = 0; i < G_N_ELEMENTS(expected); i++) {
		const AfIrq *irq = s->irqs->pdata[i];

		g_assert_cmpuint(irq->irq, ==, expected[i]);
		g_assert_true(af_snapshot_lookup(s, expected[i]) == irq);
	}
	g_assert_null(af_snapshot_lookup(s, 16));
	tree_free(root);
}

static void test_read_fixture_request_queues(void)
{
	char *root = tree_extract(FIXTURE);
	g_autoptr(AfSnapshot) s = read_tree(root);
	const AfIrq *q0 = af_snapshot_lookup(s, 27);
	const AfIrq *q1 = af_snapshot_lookup(s, 28);

	g_assert_nonnull(q0);
	g_assert_nonnull(q1);
	g_assert_cmpstr(q0->name, ==, "virtio2-request");
	g_assert_cmpstr(q0->chip, ==, "PCI-MSI");
	g_assert_cmpstr(q0->hwirq, ==, "98307");
	g_assert_cmpstr(q0->trigger, ==, "edge");
	g_assert_true(q0->msi);
	g_assert_cmpstr(q0->device, ==, "0000:00:06.0");
	g_assert_cmpstr(q0->driver, ==, "virtio_scsi");
	g_assert_cmpint(q0->class, ==, AF_IRQ_CLASS_STORAGE);
	/* The device says -1; /proc/irq/27/node says 0. */
	g_assert_cmpint(q0->numa_node, ==, 0);
	g_assert_null(q0->interface);
	g_assert_cmpint(q0->queue_kind, ==, AF_QUEUE_COMBINED);
	g_assert_cmpint(q0->queue, ==, 0);
	g_assert_cmpint(q1->queue, ==, 1);
	assert_cpus(q0->affinity, "0-3");
	assert_cpus(q0->effective, "0");
	assert_cpus(q1->affinity, "4-7");
	assert_cpus(q1->effective, "4");
	g_assert_null(q0->hint);
	g_assert_cmpuint(q0->total, ==, 256);
	for (guint i = 0; i < 2; i++) {
		const AfIrq *q = i ? q1 : q0;

		g_assert_true(q->managed);
		g_assert_false(q->per_cpu);
		g_assert_false(af_irq_is_movable(q));
		g_assert_cmpint(q->managed_source, ==, AF_MANAGED_SOURCE_HEURISTIC);
		g_assert_nonnull(q->managed_detail);
	}
	tree_free(root);
}

static void test_read_fixture_other_devices(void)
{
	char *root = tree_extract(FIXTURE);
	g_autoptr(AfSnapshot) s = read_tree(root);
	const AfIrq *config = af_snapshot_lookup(s, 24);
	const AfIrq *p9 = af_snapshot_lookup(s, 30);
	const AfIrq *timer = af_snapshot_lookup(s, 0);
	const AfIrq *cascade = af_snapshot_lookup(s, 2);
	const AfIrq *serial = af_snapshot_lookup(s, 4);

	/* virtio-scsi's config vector is movable, and still the controller's. */
	g_assert_cmpstr(config->driver, ==, "virtio_scsi");
	g_assert_cmpint(config->class, ==, AF_IRQ_CLASS_STORAGE);
	g_assert_cmpint(config->queue_kind, ==, AF_QUEUE_NONE);
	g_assert_true(af_irq_is_movable(config));
	/* 9p's "requests" vector is neither storage nor managed. */
	g_assert_cmpstr(p9->device, ==, "0000:00:04.0");
	g_assert_cmpstr(p9->driver, ==, "9pnet_virtio");
	g_assert_cmpint(p9->class, ==, AF_IRQ_CLASS_OTHER);
	g_assert_true(af_irq_is_movable(p9));
	/* /proc/interrupts says 3154 (per_cpu_count, read a moment later, 3160, is not
	 * read: it costs a count per possible CPU for every IRQ). */
	g_assert_cmpuint(p9->total, ==, 3154);
	g_assert_cmpstr(timer->name, ==, "timer");
	g_assert_cmpstr(timer->chip, ==, "IO-APIC");
	g_assert_cmpstr(timer->hwirq, ==, "2");
	g_assert_false(timer->msi);
	g_assert_null(timer->device);
	g_assert_cmpint(timer->managed_source, ==, AF_MANAGED_SOURCE_HEURISTIC);
	g_assert_false(timer->per_cpu);
	g_assert_cmpstr(cascade->name, ==, "");
	g_assert_cmpstr(cascade->chip, ==, "XT-PIC");
	g_assert_true(cascade->managed);
	/* effective_affinity "00": known and empty, not unknown. */
	g_assert_nonnull(cascade->effective);
	g_assert_true(af_cpuset_is_empty(cascade->effective));
	g_assert_true(af_irq_is_movable(serial));
	g_assert_cmpint(serial->class, ==, AF_IRQ_CLASS_OTHER);
	tree_free(root);
}

/* The refused-writes list is what a real kernel said: exactly those are unmovable. */
static void test_read_fixture_refused_writes(void)
{
	g_autofree char *path = g_test_build_filename(G_TEST_DIST, "fixtures", "sysroots",
						      FIXTURE ".refused-writes", NULL);
	g_autoptr(GHashTable) refused = g_hash_table_new(NULL, NULL);
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	char *root = tree_extract(FIXTURE);
	g_autoptr(AfSnapshot) s = read_tree(root);

	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	lines = g_strsplit(text, "\n", -1);
	for (char **line = lines; *line; line++) {
		guint64 irq;

		if (!**line)
			continue;
		g_assert_true(g_ascii_string_to_unsigned(*line, 10, 0, G_MAXUINT, &irq, NULL));
		g_hash_table_add(refused, GUINT_TO_POINTER((guint)irq));
	}
	g_assert_cmpuint(g_hash_table_size(refused), ==, 4);
	for (guint i = 0; i < s->irqs->len; i++) {
		const AfIrq *irq = s->irqs->pdata[i];

		if (g_test_verbose())
			g_test_message("IRQ %u %s: %s", irq->irq, irq->name,
				       irq->managed_detail ? irq->managed_detail : "movable");
		g_assert_cmpint(af_irq_is_movable(irq), ==,
				!g_hash_table_contains(refused, GUINT_TO_POINTER(irq->irq)));
	}
	tree_free(root);
}

/* A small machine with CPU 2 offline, one IRQ with per_cpu_count, one without. */
static char *make_offline_tree(void)
{
	char *root = tree_new();

	tree_write(root, "sys/devices/system/cpu/possible", "0-3\n");
	tree_write(root, "sys/devices/system/cpu/present", "0-3\n");
	tree_write(root, "sys/devices/system/cpu/online", "0-1,3\n");
	tree_write(root, "proc/sys/kernel/osrelease", "6.1.0\n");
	tree_write(root, "proc/cmdline", "quiet\n");
	tree_write(root, "proc/interrupts",
		   "           CPU0       CPU1       CPU3\n"
		   " 10:          1          2          3   IO-APIC  10-edge      alpha\n"
		   " 11:          4          5          6   IO-APIC  11-fasteoi   beta, gamma\n"
		   " 12:          7          8          9   IO-APIC  12-edge      gone\n"
		   "NMI:          0          0          0   Non-maskable interrupts\n"
		   "ERR:          0\n");
	for (guint irq = 10; irq <= 11; irq++) {
		g_autofree char *dir = g_strdup_printf("proc/irq/%u", irq);
		g_autofree char *f = NULL;

		f = g_build_filename(dir, "smp_affinity", NULL);
		tree_write(root, f, "f\n");
		g_free(f);
		f = g_build_filename(dir, "effective_affinity", NULL);
		tree_write(root, f, "8\n");
		g_free(f);
		f = g_build_filename(dir, "affinity_hint", NULL);
		tree_write(root, f, "0\n");
		g_free(f);
		f = g_build_filename(dir, "node", NULL);
		tree_write(root, f, "-1\n");
	}
	/* per_cpu_count lists CPU 2 as well; it wins over the three columns. */
	tree_write(root, "sys/kernel/irq/11/per_cpu_count", "40,50,99,60\n");
	tree_write(root, "sys/kernel/irq/11/actions", "beta,gamma\n");
	return root;
}

/* The cache serves while it knows every online CPU, and is replaced when not. */
static void test_read_topology_cache(void)
{
	char *root = tree_extract(FIXTURE);
	g_autoptr(AfSysroot) sysroot = NULL;
	g_autoptr(AfSnapshot) first = NULL;
	g_autoptr(AfSnapshot) second = NULL;
	g_autoptr(AfSnapshot) third = NULL;
	AfTopology *cache = NULL, *kept;

	g_assert_cmpint(af_sysroot_open(root, &sysroot), ==, 0);
	g_assert_cmpint(af_snapshot_read_cached(sysroot, NULL, &cache, &first, NULL), ==, 0);
	g_assert_nonnull(cache);
	g_assert_true(af_cpuset_equal(cache->known, first->topology->known));
	g_assert_true(first->topology != cache);
	kept = cache;
	g_assert_cmpint(af_snapshot_read_cached(sysroot, NULL, &cache, &second, NULL), ==, 0);
	g_assert_true(cache == kept);
	g_assert_true(af_cpuset_equal(second->topology->known, first->topology->known));
	g_assert_cmpuint(second->topology->n_nodes, ==, first->topology->n_nodes);
	for (guint cpu = 0; cpu < first->topology->n_cpus; cpu++)
		g_assert_cmpint(second->topology->cpus[cpu].core, ==,
				first->topology->cpus[cpu].core);
	/* A CPU the cache does not know came online: hwloc is asked again. */
	af_cpuset_remove(cache->known, af_cpuset_first(first->online));
	g_assert_cmpint(af_snapshot_read_cached(sysroot, NULL, &cache, &third, NULL), ==, 0);
	g_assert_true(af_cpuset_equal(cache->known, first->topology->known));
	g_assert_true(af_cpuset_equal(third->topology->known, first->topology->known));
	af_topology_free(cache);
	tree_free(root);
}

static void put(const char *root, const char *path, const char *text)
{
	g_autofree char *full = g_build_filename(root, path, NULL);

	g_assert_true(g_file_set_contents(full, text, -1, NULL));
}

static void replace_in(const char *root, const char *path, const char *old, const char *new)
{
	g_autofree char *full = g_build_filename(root, path, NULL);
	g_autofree char *text = NULL;
	g_auto(GStrv) parts = NULL;
	g_autofree char *joined = NULL;

	g_assert_true(g_file_get_contents(full, &text, NULL, NULL));
	g_assert_nonnull(strstr(text, old));
	parts = g_strsplit(text, old, 2);
	joined = g_strjoinv(new, parts);
	put(root, path, joined);
}

static int refresh(const char *root, const AfSnapshot *previous, AfLearned *learned,
		   AfSnapshot **ret)
{
	g_autoptr(AfSysroot) sysroot = NULL;

	g_assert_cmpint(af_sysroot_open(root, &sysroot), ==, 0);
	return af_snapshot_refresh(sysroot, previous, learned, NULL, ret, NULL);
}

/* A refresh reads placements again and keeps the rest; other IRQs: -ESTALE. */
static void test_refresh(void)
{
	char *root = tree_extract(FIXTURE);
	g_autoptr(AfSnapshot) full = read_tree(root);
	g_autoptr(AfSnapshot) fresh = NULL;
	g_autoptr(AfSnapshot) stale = NULL;
	g_autoptr(GHashTable) learned = g_hash_table_new_full(NULL, NULL, NULL, g_free);
	g_autofree char *tty_affinity = g_build_filename(root, "proc/irq/4/smp_affinity", NULL);
	const AfIrq *tty, *old_tty;

	old_tty = af_snapshot_lookup(full, 4);
	g_assert_cmpstr(old_tty->name, ==, "ttyS0");
	put(root, "proc/irq/4/smp_affinity", "00000004\n");
	put(root, "proc/irq/4/effective_affinity", "00000004\n");
	af_learned_add(learned, 1, "i8042");
	g_assert_cmpint(refresh(root, full, learned, &fresh), ==, 0);
	g_assert_cmpuint(fresh->irqs->len, ==, full->irqs->len);
	tty = af_snapshot_lookup(fresh, 4);
	assert_cpus(tty->affinity, "2");
	assert_cpus(tty->effective, "2");
	g_assert_cmpstr(tty->name, ==, old_tty->name);
	g_assert_cmpint(tty->numa_node, ==, old_tty->numa_node);
	g_assert_true(af_snapshot_lookup(fresh, 1)->managed);
	g_assert_cmpint(af_snapshot_lookup(fresh, 1)->managed_source, ==,
			AF_MANAGED_SOURCE_LEARNED);
	g_assert_false(af_snapshot_lookup(full, 1)->managed);
	for (guint i = 0; i < full->irqs->len; i++) {
		const AfIrq *a = full->irqs->pdata[i], *b = fresh->irqs->pdata[i];

		g_assert_cmpuint(a->irq, ==, b->irq);
		g_assert_cmpstr(a->device, ==, b->device);
		g_assert_cmpint(a->queue, ==, b->queue);
		if (a->irq != 1)
			g_assert_cmpint(a->managed, ==, b->managed);
	}
	assert_cpus(fresh->online, "0-7");
	g_assert_cmpint(fresh->arch, ==, AF_ARCH_X86);

	/* A row changed its name: another IRQ behind the number. */
	replace_in(root, "proc/interrupts", "ttyS0", "ttyS9");
	g_assert_cmpint(refresh(root, full, NULL, &stale), ==, -ESTALE);
	replace_in(root, "proc/interrupts", "ttyS9", "ttyS0");
	/* An IRQ directory is gone. */
	g_assert_cmpint(g_remove(tty_affinity), ==, 0);
	g_assert_cmpint(refresh(root, full, NULL, &stale), ==, -ESTALE);
	g_assert_cmpint(refresh(root, NULL, NULL, &stale), ==, -ESTALE);
	tree_free(root);
}

static void test_read_offline_columns(void)
{
	char *root = make_offline_tree();
	g_autoptr(AfSnapshot) s = read_tree(root);
	const AfIrq *alpha, *beta;

	g_assert_cmpuint(s->nr_cpu_ids, ==, 4);
	assert_cpus(s->offline, "2");
	g_assert_cmpstr(s->kernel_release, ==, "6.1.0");
	/* Neither a modalias nor /proc/cpuinfo in this tree. */
	g_assert_cmpint(s->arch, ==, AF_ARCH_UNKNOWN);
	alpha = af_snapshot_lookup(s, 10);
	beta = af_snapshot_lookup(s, 11);
	g_assert_nonnull(alpha);
	g_assert_cmpuint(alpha->total, ==, 6);
	assert_cpus(alpha->affinity, "0-3");
	assert_cpus(alpha->effective, "3");
	g_assert_null(alpha->hint);
	g_assert_cmpint(alpha->numa_node, ==, -1);
	g_assert_cmpstr(beta->name, ==, "beta, gamma");
	g_assert_cmpstr(beta->trigger, ==, "fasteoi");
	/* The row's total over the online CPUs: what offline CPU 2 served (99 in
	 * per_cpu_count) is not read. */
	g_assert_cmpuint(beta->total, ==, 15);
	/* 12 is in /proc/interrupts but its /proc/irq/12 is gone: dropped, and said. */
	g_assert_null(af_snapshot_lookup(s, 12));
	g_assert_cmpuint(s->irqs->len, ==, 2);
	g_assert_true(
		g_ptr_array_find_with_equal_func(s->warnings,
						 "/proc/irq/12: missing though /proc/interrupts "
						 "lists the IRQ: IRQ 12 (gone) left out",
						 g_str_equal, NULL));
	tree_free(root);
}

static void test_read_missing_interrupts(void)
{
	char *root = make_offline_tree();
	g_autoptr(AfSysroot) sysroot = NULL;
	AfSnapshot *s = NULL;

	tree_remove_path(root, "proc/interrupts");
	g_assert_cmpint(af_sysroot_open(root, &sysroot), ==, 0);
	g_assert_cmpint(af_snapshot_read(sysroot, NULL, &s), ==, -ENOENT);
	g_assert_null(s);
	tree_write(root, "proc/interrupts", "garbage only\n");
	g_assert_cmpint(af_snapshot_read(sysroot, NULL, &s), ==, -EINVAL);
	g_assert_null(s);
	tree_write(root, "proc/interrupts", "  CPU0\n");
	tree_remove_path(root, "sys/devices/system/cpu/online");
	g_assert_cmpint(af_snapshot_read(sysroot, NULL, &s), ==, -ENOENT);
	g_assert_null(s);
	tree_free(root);
}

/* A failed read names the required file at fault, not only the errno. */
static void test_read_error_names_the_file(void)
{
	char *root = make_offline_tree();
	g_autoptr(AfSysroot) sysroot = NULL;
	static const struct {
		const char *path, *text; /* text NULL: the file is removed */
		int r;
		const char *named;
	} cases[] = {
		{ "proc/interrupts", NULL, -ENOENT, "/proc/interrupts" },
		{ "proc/interrupts", "garbage only\n", -EINVAL, "/proc/interrupts" },
		{ "sys/devices/system/cpu/online", "0-\n", -EINVAL,
		  "/sys/devices/system/cpu/online" },
	};

	g_assert_cmpint(af_sysroot_open(root, &sysroot), ==, 0);
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = NULL;
		AfSnapshot *s = NULL;

		if (cases[i].text)
			tree_write(root, cases[i].path, cases[i].text);
		else
			tree_remove_path(root, cases[i].path);
		g_assert_cmpint(af_snapshot_read_cached(sysroot, NULL, NULL, &s, &error), ==,
				cases[i].r);
		g_assert_null(s);
		g_assert_nonnull(error);
		g_test_message("%s", error->message);
		g_assert_nonnull(strstr(error->message, cases[i].named));
	}
	tree_free(root);
}

static void test_add_irq_order(void)
{
	g_autoptr(AfSnapshot) s = af_snapshot_new();
	const guint order[] = { 30, 4, 0, 17, 4 };
	const guint sorted[] = { 0, 4, 17, 30 };
	AfIrq *last = NULL;

	for (guint i = 0; i < G_N_ELEMENTS(order); i++)
		af_snapshot_add_irq(s, last = af_irq_new(order[i]));
	g_assert_cmpuint(s->irqs->len, ==, G_N_ELEMENTS(sorted));
	for (guint i = 0; i < G_N_ELEMENTS(sorted); i++)
		g_assert_cmpuint(((AfIrq *)s->irqs->pdata[i])->irq, ==, sorted[i]);
	/* The second IRQ 4 replaced the first. */
	g_assert_true(af_snapshot_lookup(s, 4) == last);
	g_assert_true(af_snapshot_lookup(s, 0) == s->irqs->pdata[0]);
	g_assert_null(af_snapshot_lookup(s, 5));
	g_assert_cmpuint(g_hash_table_size(s->by_irq), ==, 4);
}

static GHashTable *live_rows(guint nr_cpu_ids)
{
	g_autoptr(AfSysroot) sysroot = NULL;
	g_autoptr(AfInterrupts) interrupts = NULL;
	g_autofree char *text = NULL;
	GHashTable *rows = g_hash_table_new(NULL, NULL);

	g_assert_cmpint(af_sysroot_open("/", &sysroot), ==, 0);
	g_assert_cmpint(af_sysroot_read(sysroot, "/proc/interrupts", &text, NULL), ==, 0);
	g_assert_cmpint(af_interrupts_parse(text, nr_cpu_ids, &interrupts), ==, 0);
	for (guint i = 0; i < interrupts->rows->len; i++)
		g_hash_table_add(rows, GUINT_TO_POINTER(((AfInterruptsRow *)interrupts->rows->pdata[i])->irq));
	return rows;
}

/* Read-only on the live machine: consistency only, the values are the host's. */
static void test_read_live(void)
{
	g_autoptr(AfSysroot) sysroot = NULL;
	g_autoptr(AfSnapshot) s = NULL;
	g_autoptr(GHashTable) before = NULL, after = NULL;
	GHashTableIter iter;
	gpointer key;

	if (!g_file_test("/proc/interrupts", G_FILE_TEST_EXISTS)) {
		g_test_skip("no /proc/interrupts");
		return;
	}
	g_assert_cmpint(af_sysroot_open("/", &sysroot), ==, 0);
	before = live_rows(AF_CPU_MAX);
	g_assert_cmpint(af_snapshot_read(sysroot, NULL, &s), ==, 0);
	after = live_rows(AF_CPU_MAX);
	g_assert_false(af_cpuset_is_empty(s->online));
	g_assert_true(af_cpuset_is_subset(s->online, s->possible));
	g_assert_cmpuint(s->nr_cpu_ids, ==, (guint)af_cpuset_last(s->possible) + 1);
	/* Every IRQ present before and after the read is in the snapshot. */
	g_hash_table_iter_init(&iter, before);
	while (g_hash_table_iter_next(&iter, &key, NULL))
		if (g_hash_table_contains(after, key))
			g_assert_nonnull(af_snapshot_lookup(s, GPOINTER_TO_UINT(key)));
	for (guint i = 0; i < s->irqs->len; i++) {
		const AfIrq *irq = s->irqs->pdata[i];
		if (i > 0)
			g_assert_cmpuint(((AfIrq *)s->irqs->pdata[i - 1])->irq, <, irq->irq);
		g_assert_nonnull(irq->name);
		g_assert_true(af_cpuset_is_subset(irq->affinity, s->possible));
		g_assert_cmpint(irq->managed, ==, irq->managed_source != AF_MANAGED_SOURCE_NONE);
		if (irq->per_cpu || irq->managed)
			g_assert_false(af_irq_is_movable(irq));
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/snapshot/read/fixture-irqs", test_read_fixture_irqs);
	g_test_add_func("/snapshot/read/fixture-request-queues", test_read_fixture_request_queues);
	g_test_add_func("/snapshot/read/fixture-other-devices", test_read_fixture_other_devices);
	g_test_add_func("/snapshot/read/fixture-refused-writes", test_read_fixture_refused_writes);
	g_test_add_func("/snapshot/read/offline-columns", test_read_offline_columns);
	g_test_add_func("/snapshot/read/topology-cache", test_read_topology_cache);
	g_test_add_func("/snapshot/refresh", test_refresh);
	g_test_add_func("/snapshot/read/missing-interrupts", test_read_missing_interrupts);
	g_test_add_func("/snapshot/read/error-names-the-file", test_read_error_names_the_file);
	g_test_add_func("/snapshot/add_irq/order", test_add_irq_order);
	g_test_add_func("/snapshot/read/live", test_read_live);
	return g_test_run();
}
