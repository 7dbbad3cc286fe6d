/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpuset.h"
#include "irqscan.h"

/* Parses "CPU0 CPU1 CPU3" into the column -> CPU number map. */
static int parse_header(const char *line, GArray *columns)
{
	g_auto(GStrv) tokens = g_strsplit_set(line, " \t", -1);
	guint64 cpu;
	char *end;

	for (char **t = tokens; *t; t++) {
		if (!**t)
			continue;
		if (!g_str_has_prefix(*t, "CPU"))
			return -EINVAL;
		cpu = g_ascii_strtoull(*t + 3, &end, 10);
		if (end == *t + 3 || *end || cpu >= AF_CPU_MAX)
			return -EINVAL;
		g_array_append_val(columns, (guint){ (guint)cpu });
	}
	return columns->len ? 0 : -EINVAL;
}

/* Skips blanks; returns the next token's start. */
static const char *skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/*
 * One "N: c0 c1 ... chip hwirq name" row. Rows that are not numbered are
 * left out (*ret_numbered FALSE).
 */
static int parse_row(const char *line, const GArray *columns, AfIrqSample *sample,
		     gboolean *ret_numbered)
{
	AfIrqCount count = { 0 };
	const char *p = skip_blanks(line);
	guint64 irq, value;
	char *end;

	irq = g_ascii_strtoull(p, &end, 10);
	if (end == p || *end != ':' || irq > G_MAXUINT) {
		*ret_numbered = FALSE;
		return 0;
	}
	count.irq = (guint)irq;
	p = end + 1;
	for (guint i = 0; i < columns->len; i++) {
		p = skip_blanks(p);
		if (!g_ascii_isdigit(*p))
			return -EINVAL;
		value = g_ascii_strtoull(p, &end, 10);
		p = end;
		count.total += value;
		sample->cpu_totals[g_array_index(columns, guint, i)] += value;
	}
	g_array_append_val(sample->irqs, count);
	*ret_numbered = TRUE;
	return 0;
}

static int compare_counts(gconstpointer a, gconstpointer b)
{
	const AfIrqCount *x = a, *y = b;

	return (x->irq > y->irq) - (x->irq < y->irq);
}

int af_irqscan_parse(const char *text, AfIrqSample **ret_sample)
{
	g_autoptr(GArray) columns = g_array_new(FALSE, FALSE, sizeof(guint));
	g_autoptr(AfIrqSample) sample = NULL;
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	gboolean numbered;
	guint max_cpu = 0;
	int r;

	if (!lines[0])
		return -EINVAL;
	r = parse_header(lines[0], columns);
	if (r < 0)
		return r;
	for (guint i = 0; i < columns->len; i++)
		max_cpu = MAX(max_cpu, g_array_index(columns, guint, i));
	sample = g_new0(AfIrqSample, 1);
	sample->irqs = g_array_new(FALSE, FALSE, sizeof(AfIrqCount));
	sample->columns = af_cpuset_new();
	for (guint i = 0; i < columns->len; i++)
		af_cpuset_add(sample->columns, g_array_index(columns, guint, i));
	sample->n_cpus = max_cpu + 1;
	sample->cpu_totals = g_new0(guint64, sample->n_cpus);
	for (char **l = lines + 1; *l; l++) {
		if (!*skip_blanks(*l))
			continue;
		r = parse_row(*l, columns, sample, &numbered);
		if (r < 0)
			return r;
	}
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
