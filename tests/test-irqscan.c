/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "irqscan.h"
#include "testutil.h"

/* CPU2 offline: the header names 0, 1, 3; the counts follow the header. */
static const char *const before =
	"           CPU0       CPU1       CPU3\n"
	"  0:         45          0          0   IO-APIC   2-edge      timer\n"
	" 24:        100         10          1   PCI-MSI 49152-edge      virtio0-config\n"
	" 25:       1000          0        500   PCI-MSI 49153-edge      virtio0-input.0, extra\n"
	"NMI:          7          7          7   Non-maskable interrupts\n"
	"ERR:          0\n";

static const char *const after =
	"           CPU0       CPU1       CPU3\n"
	"  0:         45          0          0   IO-APIC   2-edge      timer\n"
	" 25:       1200          0        800   PCI-MSI 49153-edge      virtio0-input.0, extra\n"
	" 26:          3          4          0   PCI-MSI 49154-edge      virtio0-output.0\n"
	"NMI:         70         70         70   Non-maskable interrupts\n"
	"ERR:          0\n";

static void assert_cpulist(const AfCpuSet *set, const char *expect)
{
	g_autofree char *list = af_cpuset_format_list(set);

	g_assert_cmpstr(list, ==, expect);
}

static guint64 count_of(const GArray *counts, guint irq)
{
	for (guint i = 0; i < counts->len; i++)
		if (g_array_index(counts, AfIrqCount, i).irq == irq)
			return g_array_index(counts, AfIrqCount, i).total;
	af_test_fail("IRQ %u: not counted", irq);
	return G_MAXUINT64;
}

static void test_parse(void)
{
	g_autoptr(AfIrqSample) s = NULL;

	g_assert_cmpint(af_irqscan_parse(before, &s), ==, 0);
	g_assert_cmpuint(s->irqs->len, ==, 3); /* NMI and ERR are not device IRQs */
	g_assert_cmpuint(count_of(s->irqs, 25), ==, 1500);
	g_assert_cmpint(s->source, ==, AF_IRQSCAN_PROC_INTERRUPTS);
	assert_cpulist(s->columns, "0-1,3"); /* CPU2 offline: no column */
}

static void test_parse_bad(void)
{
	static const char *const cases[] = {
		"",
		"  0:  1 2\n",                        /* no header */
		"   CPU0   CPUx\n",                  /* garbage CPU name */
		"   CPU0   CPU0\n",                  /* a CPU named twice */
	};

	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		AfIrqSample *s = NULL;

		g_assert_cmpint(af_irqscan_parse(cases[i], &s), ==, -EINVAL);
		g_assert_null(s);
	}
}

/*
 * The parser's one rule (interrupts.h), not a stricter one: a short row is
 * kept with its missing counts 0, a column beyond AF_CPU_MAX is dropped,
 * a repeated IRQ counts once.
 */
static void test_parse_one_rule(void)
{
	g_autoptr(AfIrqSample) s = NULL;

	g_assert_cmpint(af_irqscan_parse("   CPU0   CPU1   CPU8192\n"
					 " 5:   3   IO-APIC   5-edge   short\n"
					 " 6:   1   2   4   IO-APIC   6-edge   wide\n"
					 " 6:   9   9   9   IO-APIC   6-edge   again\n",
					 &s),
			==, 0);
	g_assert_cmpuint(s->irqs->len, ==, 2);
	g_assert_cmpuint(count_of(s->irqs, 5), ==, 3);
	g_assert_cmpuint(count_of(s->irqs, 6), ==, 3);
	g_assert_cmpuint(af_cpuset_count(s->columns), ==, 2);
}

static void test_parse_edges(void)
{
	g_autoptr(AfIrqSample) s = NULL;

	/* CPU 1023 alone; rows out of order; an empty line. */
	g_assert_cmpint(af_irqscan_parse("  CPU1023\n 9: 5 x\n\n 3: 18446744073709551615 y\n", &s), ==, 0);
	assert_cpulist(s->columns, "1023");
	g_assert_cmpuint(g_array_index(s->irqs, AfIrqCount, 0).irq, ==, 3);
	g_assert_cmpuint(g_array_index(s->irqs, AfIrqCount, 0).total, ==, G_MAXUINT64);
	g_assert_cmpuint(g_array_index(s->irqs, AfIrqCount, 1).irq, ==, 9);
}

static void test_diff(void)
{
	g_autoptr(AfIrqSample) a = NULL, b = NULL;
	g_autoptr(AfIrqDelta) d = NULL;

	g_assert_cmpint(af_irqscan_parse(before, &a), ==, 0);
	g_assert_cmpint(af_irqscan_parse(after, &b), ==, 0);
	d = af_irqscan_diff(a, b);
	g_assert_true(d->measured);
	g_assert_true(af_irqscan_delta_changed_set(d));
	g_assert_cmpuint(d->added->len, ==, 1);
	g_assert_cmpuint(g_array_index(d->added, guint, 0), ==, 26);
	g_assert_cmpuint(d->removed->len, ==, 1);
	g_assert_cmpuint(g_array_index(d->removed, guint, 0), ==, 24);
	g_assert_cmpuint(count_of(d->counts, 0), ==, 0);
	g_assert_cmpuint(count_of(d->counts, 25), ==, 500); /* 200 + 300 */
	g_assert_cmpuint(count_of(d->counts, 26), ==, 7);   /* new: all of it */
}

static void test_diff_same_and_reused(void)
{
	g_autoptr(AfIrqSample) a = NULL, b = NULL;
	g_autoptr(AfIrqDelta) same = NULL, reused = NULL;

	g_assert_cmpint(af_irqscan_parse(before, &a), ==, 0);
	same = af_irqscan_diff(a, a);
	g_assert_false(af_irqscan_delta_changed_set(same));
	g_assert_cmpuint(count_of(same->counts, 25), ==, 0);
	/* IRQ 25 freed and re-requested: its count starts again below the old one. */
	g_assert_cmpint(af_irqscan_parse("  CPU0 CPU1 CPU3\n 25: 2 0 1 x\n", &b), ==, 0);
	reused = af_irqscan_diff(a, b);
	g_assert_cmpuint(count_of(reused->counts, 25), ==, 3);
}

/* CPU2 comes online: its column appears, counts are not comparable. */
static void test_diff_columns_changed(void)
{
	g_autoptr(AfIrqSample) a = NULL, b = NULL;
	g_autoptr(AfIrqDelta) d = NULL;

	g_assert_cmpint(af_irqscan_parse(before, &a), ==, 0);
	g_assert_cmpint(af_irqscan_parse("  CPU0 CPU1 CPU2 CPU3\n 25: 1000 0 9000 500 x\n 27: 1 1 1 1 y\n", &b), ==, 0);
	d = af_irqscan_diff(a, b);
	g_assert_false(d->measured);
	g_assert_cmpuint(count_of(d->counts, 25), ==, 0);
	g_assert_cmpuint(count_of(d->counts, 27), ==, 0);
	g_assert_cmpuint(d->added->len, ==, 1);
	g_assert_cmpuint(d->removed->len, ==, 2); /* 0 and 24 */
}

/* A tree with /proc/stat: totals from its intr line for the IRQs /proc/irq lists. */
static char *make_stat_tree(const char *online, const char *intr)
{
	char *root = g_dir_make_tmp("af-irqscan-XXXXXX", NULL);
	g_autofree char *stat = g_strdup_printf("cpu  1 2 3 4\ncpu0 1 2 3 4\n%s\nctxt 99\n", intr);

	af_test_write_file(root, "sys/devices/system/cpu/online", online);
	af_test_write_file(root, "proc/stat", stat);
	af_test_write_file(root, "proc/irq/default_smp_affinity", "ff\n");
	af_test_write_file(root, "proc/irq/0/smp_affinity", "ff\n");
	af_test_write_file(root, "proc/irq/25/smp_affinity", "ff\n");
	af_test_write_file(root, "proc/irq/40/smp_affinity", "ff\n");
	return root;
}

static void test_read_proc_stat(void)
{
	/* IRQ 40 is past the end of the intr line: 0. */
	g_autofree char *root = NULL;
	g_autoptr(GString) line = g_string_new("intr 9999 45");
	g_autoptr(AfSysroot) sysroot = NULL;
	g_autoptr(AfIrqSample) s = NULL, later = NULL;
	g_autoptr(AfIrqDelta) d = NULL;

	for (guint irq = 1; irq < 25; irq++)
		g_string_append(line, " 0");
	g_string_append(line, " 1500");
	root = make_stat_tree("0-1,3\n", line->str);
	g_assert_cmpint(af_sysroot_open(root, &sysroot), ==, 0);
	g_assert_cmpint(af_irqscan_read(sysroot, &s, NULL), ==, 0);
	g_assert_cmpint(s->source, ==, AF_IRQSCAN_PROC_STAT);
	g_assert_cmpuint(s->irqs->len, ==, 3);
	g_assert_cmpuint(count_of(s->irqs, 0), ==, 45);
	g_assert_cmpuint(count_of(s->irqs, 25), ==, 1500);
	g_assert_cmpuint(count_of(s->irqs, 40), ==, 0);
	assert_cpulist(s->columns, "0-1,3");
	/* CPU2 comes online: /proc/stat spans every CPU, the counts still compare. */
	g_string_truncate(line, line->len - 4);
	g_string_append(line, "1800\n");
	af_test_write_file(root, "proc/stat", line->str);
	af_test_write_file(root, "sys/devices/system/cpu/online", "0-3\n");
	g_assert_cmpint(af_irqscan_read(sysroot, &later, NULL), ==, 0);
	d = af_irqscan_diff(s, later);
	g_assert_true(d->measured);
	g_assert_cmpuint(count_of(d->counts, 25), ==, 300);
	assert_cpulist(later->columns, "0-3");
	af_test_rm_rf(root);
}

/* No /proc/stat (a capture), or one without an intr line: /proc/interrupts. */
static void test_read_fallback(void)
{
	g_autofree char *root = make_stat_tree("0-1,3\n", "softirq 1 2");
	g_autoptr(AfSysroot) sysroot = NULL;
	g_autoptr(AfIrqSample) s = NULL;
	AfIrqSample *none = NULL;
	const char *failed = NULL;

	g_assert_cmpint(af_sysroot_open(root, &sysroot), ==, 0);
	g_assert_cmpint(af_irqscan_read(sysroot, &none, &failed), ==, -ENOENT);
	g_assert_null(none);
	g_assert_cmpstr(failed, ==, "/proc/interrupts");
	af_test_write_file(root, "proc/interrupts", before);
	g_assert_cmpint(af_irqscan_read(sysroot, &s, &failed), ==, 0);
	g_assert_cmpint(s->source, ==, AF_IRQSCAN_PROC_INTERRUPTS);
	g_assert_cmpuint(count_of(s->irqs, 25), ==, 1500);
	af_test_rm_rf(root);
}

/* A CPU's load: its movable IRQs' rates, each on the CPU serving it. */
static void test_cpu_rates(void)
{
	g_autoptr(AfSnapshot) snap = af_snapshot_new();
	g_autoptr(AfIrqSample) a = NULL, b = NULL;
	g_autoptr(AfIrqDelta) d = NULL;
	g_autofree guint64 *rates = NULL;
	AfIrq *irq;
	guint n;

	snap->nr_cpu_ids = 4;
	irq = af_irq_new(24); /* effective CPU 3 */
	irq->name = g_strdup("a");
	af_cpuset_parse_list("0-3", &irq->affinity);
	af_cpuset_parse_list("3", &irq->effective);
	af_snapshot_add_irq(snap, irq);
	irq = af_irq_new(25); /* no effective: the first CPU of its mask */
	irq->name = g_strdup("b");
	af_cpuset_parse_list("1-2", &irq->affinity);
	af_snapshot_add_irq(snap, irq);
	irq = af_irq_new(26); /* managed: counted nowhere */
	irq->name = g_strdup("c");
	irq->managed = TRUE;
	af_cpuset_parse_list("0", &irq->affinity);
	af_snapshot_add_irq(snap, irq);
	g_assert_cmpint(af_irqscan_parse("CPU0 CPU1 CPU2 CPU3\n 24: 1 0 0 0 x\n 25: 0 0 0 0 y\n"
					 " 26: 0 0 0 0 z\n 27: 0 0 0 0 w\n",
					 &a),
			==, 0);
	g_assert_cmpint(af_irqscan_parse("CPU0 CPU1 CPU2 CPU3\n 24: 1 0 0 200 x\n 25: 50 0 0 0 y\n"
					 " 26: 99 0 0 0 z\n 27: 7 0 0 0 w\n",
					 &b),
			==, 0);
	d = af_irqscan_diff(a, b);
	/* Half a second: rates are twice the counts. */
	rates = af_irqscan_cpu_rates(d, snap, G_USEC_PER_SEC / 2, &n);
	g_assert_cmpuint(n, ==, 4);
	g_assert_cmpuint(rates[0], ==, 0);
	g_assert_cmpuint(rates[1], ==, 100);
	g_assert_cmpuint(rates[2], ==, 0);
	g_assert_cmpuint(rates[3], ==, 400);
	g_free(rates);
	/* No snapshot yet: nothing is known to serve anything. */
	rates = af_irqscan_cpu_rates(d, NULL, G_USEC_PER_SEC, &n);
	g_assert_cmpuint(n, ==, 1);
	g_assert_cmpuint(rates[0], ==, 0);
}

static void test_load_shifted(void)
{
	static const guint64 even[] = { 100, 100, 100, 100 };
	static const guint64 skewed[] = { 160, 80, 80, 80 }; /* CPU0: 25% -> 40% */
	static const guint64 scaled[] = { 1000, 1000, 1000, 1000 };
	static const guint64 three[] = { 100, 100, 100 }; /* CPU3 gone: 25% -> 0% */
	static const guint64 zero[] = { 0, 0, 0, 0 };

	g_assert_false(af_irqscan_load_shifted(even, 4, scaled, 4, 25)); /* same shares */
	g_assert_true(af_irqscan_load_shifted(even, 4, skewed, 4, 14));  /* 15 points */
	g_assert_false(af_irqscan_load_shifted(even, 4, skewed, 4, 15)); /* not more than 15 */
	g_assert_true(af_irqscan_load_shifted(even, 4, three, 3, 24));
	g_assert_false(af_irqscan_load_shifted(even, 4, zero, 4, 0));
	g_assert_false(af_irqscan_load_shifted(zero, 4, even, 4, 0));
	g_assert_false(af_irqscan_load_shifted(NULL, 0, even, 4, 0));
}

/* A run of failed scans is told once, its end once; a different errno is the same run. */
static void test_health_note(void)
{
	static const struct {
		int r;
		AfIrqScanNews news;
	} steps[] = {
		{ 0, AF_IRQSCAN_NEWS_NONE },
		{ 0, AF_IRQSCAN_NEWS_NONE },
		{ -ENOENT, AF_IRQSCAN_NEWS_FAILING },
		{ -ENOENT, AF_IRQSCAN_NEWS_NONE },
		{ -EINVAL, AF_IRQSCAN_NEWS_NONE },
		{ 0, AF_IRQSCAN_NEWS_RECOVERED },
		{ 0, AF_IRQSCAN_NEWS_NONE },
		{ -EINVAL, AF_IRQSCAN_NEWS_FAILING },
		{ 0, AF_IRQSCAN_NEWS_RECOVERED },
	};
	AfIrqScanHealth health = { 0 }, from_failure = { 0 };

	for (guint i = 0; i < G_N_ELEMENTS(steps); i++) {
		g_test_message("step %u: %d", i, steps[i].r);
		g_assert_cmpint(af_irqscan_health_note(&health, steps[i].r), ==, steps[i].news);
	}
	/* A daemon whose very first scan fails says so. */
	g_assert_cmpint(af_irqscan_health_note(&from_failure, -EACCES), ==, AF_IRQSCAN_NEWS_FAILING);
	g_assert_cmpint(af_irqscan_health_note(&from_failure, -EACCES), ==, AF_IRQSCAN_NEWS_NONE);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/irqscan/parse/offline-column", test_parse);
	g_test_add_func("/irqscan/parse/bad", test_parse_bad);
	g_test_add_func("/irqscan/parse/one-rule", test_parse_one_rule);
	g_test_add_func("/irqscan/parse/edges", test_parse_edges);
	g_test_add_func("/irqscan/diff/added-removed-counts", test_diff);
	g_test_add_func("/irqscan/diff/same-and-reused", test_diff_same_and_reused);
	g_test_add_func("/irqscan/diff/columns-changed", test_diff_columns_changed);
	g_test_add_func("/irqscan/read/proc-stat", test_read_proc_stat);
	g_test_add_func("/irqscan/read/fallback", test_read_fallback);
	g_test_add_func("/irqscan/cpu_rates/serving", test_cpu_rates);
	g_test_add_func("/irqscan/load_shifted/cases", test_load_shifted);
	g_test_add_func("/irqscan/health_note/once", test_health_note);
	return g_test_run();
}
