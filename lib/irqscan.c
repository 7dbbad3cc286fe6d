/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "cpuset.h"
#include "interrupts.h"
#include "irqscan.h"

/* The sample being gathered and the header's columns (the parser's, while it runs). */
typedef struct Reduce {
	AfIrqSample *sample;
	const guint *column_cpus;
	guint n_columns;
} Reduce;

static void reduce_header(const guint *column_cpus, guint n_columns, gpointer user_data)
{
	Reduce *reduce = user_data;
	AfIrqSample *sample = reduce->sample;

	reduce->column_cpus = column_cpus;
	reduce->n_columns = n_columns;
	/* Ascending: the last column kept is the highest CPU. */
	for (guint i = 0; i < n_columns; i++)
		if (column_cpus[i] < AF_CPU_MAX) {
			af_cpuset_add(sample->columns, column_cpus[i]);
			sample->n_cpus = column_cpus[i] + 1;
		}
	sample->cpu_totals = g_new0(guint64, MAX(sample->n_cpus, 1));
}

static void reduce_row(const AfInterruptsRow *row, gpointer user_data)
{
	Reduce *reduce = user_data;
	AfIrqSample *sample = reduce->sample;
	AfIrqCount count = {.irq = row->irq, .total = row->total};

	/* Per column, not per CPU: a row is as long as the online CPUs. */
	for (guint i = 0; i < reduce->n_columns; i++) {
		guint cpu = reduce->column_cpus[i];

		if (cpu < sample->n_cpus)
			sample->cpu_totals[cpu] += row->counts[cpu];
	}
	g_array_append_val(sample->irqs, count);
}

static int compare_counts(gconstpointer a, gconstpointer b)
{
	const AfIrqCount *x = a, *y = b;

	return (x->irq > y->irq) - (x->irq < y->irq);
}

int af_irqscan_parse(const char *text, AfIrqSample **ret_sample)
{
	static const AfInterruptsHandler handler = {.header = reduce_header, .row = reduce_row};
	g_autoptr(AfIrqSample) sample = g_new0(AfIrqSample, 1);
	Reduce reduce = {.sample = sample};
	int r;

	sample->irqs = g_array_new(FALSE, FALSE, sizeof(AfIrqCount));
	sample->columns = af_cpuset_new();
	r = af_interrupts_parse_each(text, AF_CPU_MAX, &handler, &reduce, NULL);
	if (r < 0)
		return r;
	/* The kernel prints rows in IRQ order; sorting keeps diff linear anyway. */
	g_array_sort(sample->irqs, compare_counts);
	*ret_sample = g_steal_pointer(&sample);
	return 0;
}

void af_irqscan_sample_free(AfIrqSample *sample)
{
	if (!sample)
		return;
	g_array_unref(sample->irqs);
	af_cpuset_free(sample->columns);
	g_free(sample->cpu_totals);
	g_free(sample);
}

static guint64 count_since(guint64 old_value, guint64 new_value)
{
	return new_value >= old_value ? new_value - old_value : new_value;
}

AfIrqDelta *af_irqscan_diff(const AfIrqSample *old_sample, const AfIrqSample *new_sample)
{
	AfIrqDelta *delta = g_new0(AfIrqDelta, 1);
	const GArray *a = old_sample->irqs, *b = new_sample->irqs;
	guint i = 0, j = 0;

	delta->added = g_array_new(FALSE, FALSE, sizeof(guint));
	delta->removed = g_array_new(FALSE, FALSE, sizeof(guint));
	delta->counts = g_array_new(FALSE, FALSE, sizeof(AfIrqCount));
	delta->measured = af_cpuset_equal(old_sample->columns, new_sample->columns);
	/* A merge of two sorted lists. */
	while (i < a->len || j < b->len) {
		const AfIrqCount *x = i < a->len ? &g_array_index(a, AfIrqCount, i) : NULL;
		const AfIrqCount *y = j < b->len ? &g_array_index(b, AfIrqCount, j) : NULL;

		if (y && (!x || y->irq < x->irq)) {
			AfIrqCount c = { .irq = y->irq, .total = delta->measured ? y->total : 0 };

			g_array_append_val(delta->added, y->irq);
			g_array_append_val(delta->counts, c);
			j++;
		} else if (x && (!y || x->irq < y->irq)) {
			g_array_append_val(delta->removed, x->irq);
			i++;
		} else {
			AfIrqCount c = { .irq = y->irq };

			if (delta->measured)
				c.total = count_since(x->total, y->total);

			g_array_append_val(delta->counts, c);
			i++;
			j++;
		}
	}
	delta->n_cpus = new_sample->n_cpus;
	delta->cpu_counts = g_new0(guint64, delta->n_cpus);
	for (guint cpu = 0; delta->measured && cpu < delta->n_cpus; cpu++) {
		guint64 before = cpu < old_sample->n_cpus ? old_sample->cpu_totals[cpu] : 0;

		delta->cpu_counts[cpu] = count_since(before, new_sample->cpu_totals[cpu]);
	}
	return delta;
}

void af_irqscan_delta_free(AfIrqDelta *delta)
{
	if (!delta)
		return;
	g_array_unref(delta->added);
	g_array_unref(delta->removed);
	g_array_unref(delta->counts);
	g_free(delta->cpu_counts);
	g_free(delta);
}

gboolean af_irqscan_delta_changed_set(const AfIrqDelta *delta)
{
	return delta->added->len > 0 || delta->removed->len > 0;
}

static guint64 sum(const guint64 *counts, guint n)
{
	guint64 total = 0;

	for (guint i = 0; i < n; i++)
		total += counts[i];
	return total;
}

/* A CPU's share of the interval's interrupts in basis points (1/100 of a percent). */
static guint64 share_bp(const guint64 *counts, guint n, guint cpu, guint64 total)
{
	if (cpu >= n)
		return 0;
	/* Interval counts stay far below G_MAXUINT64 / 10000. */
	return counts[cpu] * 10000 / total;
}

gboolean af_irqscan_load_shifted(const guint64 *then, guint n_then, const guint64 *now,
				 guint n_now, guint percent)
{
	guint64 total_then = sum(then, n_then), total_now = sum(now, n_now);

	if (total_then == 0 || total_now == 0)
		return FALSE;
	for (guint cpu = 0; cpu < MAX(n_then, n_now); cpu++) {
		guint64 a = share_bp(then, n_then, cpu, total_then);
		guint64 b = share_bp(now, n_now, cpu, total_now);

		if ((a > b ? a - b : b - a) > (guint64)percent * 100)
			return TRUE;
	}
	return FALSE;
}

AfIrqScanNews af_irqscan_health_note(AfIrqScanHealth *health, int r)
{
	gboolean failing = r < 0;

	if (failing == health->failing)
		return AF_IRQSCAN_NEWS_NONE;
	health->failing = failing;
	return failing ? AF_IRQSCAN_NEWS_FAILING : AF_IRQSCAN_NEWS_RECOVERED;
}
