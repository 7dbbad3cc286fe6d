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
	g_assert_cmpuint(s->n_cpus, ==, 4);
	g_assert_cmpuint(s->cpu_totals[0], ==, 1145);
	g_assert_cmpuint(s->cpu_totals[1], ==, 10);
	g_assert_cmpuint(s->cpu_totals[2], ==, 0); /* offline: no column */
	g_assert_cmpuint(s->cpu_totals[3], ==, 501);
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
	g_assert_cmpuint(s->n_cpus, ==, 2);
	g_assert_cmpuint(s->cpu_totals[0], ==, 4);
	g_assert_cmpuint(s->cpu_totals[1], ==, 2);
	g_assert_cmpuint(af_cpuset_count(s->columns), ==, 2);
}

static void test_parse_edges(void)
{
	g_autoptr(AfIrqSample) s = NULL;

	/* CPU 1023 alone; rows out of order; an empty line. */
	g_assert_cmpint(af_irqscan_parse("  CPU1023\n 9: 5 x\n\n 3: 18446744073709551615 y\n", &s), ==, 0);
	g_assert_cmpuint(s->n_cpus, ==, 1024);
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
	/* CPU0: 45+1200+3 - (45+100+1000); CPU1: 4 - 10 went down (24 left): from zero. */
	g_assert_cmpuint(d->cpu_counts[0], ==, 103);
	g_assert_cmpuint(d->cpu_counts[1], ==, 4);
	g_assert_cmpuint(d->cpu_counts[3], ==, 299);
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
	g_assert_cmpuint(d->cpu_counts[2], ==, 0);
	g_assert_cmpuint(d->added->len, ==, 1);
	g_assert_cmpuint(d->removed->len, ==, 2); /* 0 and 24 */
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
	g_test_add_func("/irqscan/load_shifted/cases", test_load_shifted);
	g_test_add_func("/irqscan/health_note/once", test_health_note);
	return g_test_run();
}
