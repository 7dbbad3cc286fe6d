/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "cpuset.h"
#include "interrupts.h"
#include "irqscan.h"
#include "procstat.h"

static AfIrqSample *sample_new(AfIrqScanSource source)
{
	AfIrqSample *sample = g_new0(AfIrqSample, 1);

	sample->irqs = g_array_new(FALSE, FALSE, sizeof(AfIrqCount));
	sample->columns = af_cpuset_new();
	sample->source = source;
	return sample;
}

static void reduce_header(const guint *column_cpus, guint n_columns, gpointer user_data)
{
	AfIrqSample *sample = user_data;

	for (guint i = 0; i < n_columns; i++)
		if (column_cpus[i] < AF_CPU_MAX)
			af_cpuset_add(sample->columns, column_cpus[i]);
}

static void reduce_row(const AfInterruptsRow *row, gpointer user_data)
{
	AfIrqSample *sample = user_data;
	AfIrqCount count = {.irq = row->irq, .total = row->total};

	g_array_append_val(sample->irqs, count);
}

static const AfInterruptsHandler reduce = {
	.header = reduce_header, .row = reduce_row, .totals_only = TRUE};

static int compare_counts(gconstpointer a, gconstpointer b)
{
	const AfIrqCount *x = a, *y = b;

	return (x->irq > y->irq) - (x->irq < y->irq);
}

int af_irqscan_parse(const char *text, AfIrqSample **ret_sample)
{
	g_autoptr(AfIrqSample) sample = sample_new(AF_IRQSCAN_PROC_INTERRUPTS);
	int r;

	r = af_interrupts_parse_each(text, AF_CPU_MAX, &reduce, sample, NULL);
	if (r < 0)
		return r;
	/* The kernel prints rows in IRQ order; sorting keeps diff linear anyway. */
	g_array_sort(sample->irqs, compare_counts);
	*ret_sample = g_steal_pointer(&sample);
	return 0;
}

/* /proc/stat's totals for the IRQs /proc/irq lists: O(IRQs) where /proc/interrupts is O(IRQs x
 * CPUs). */
static int read_proc_stat(AfSysroot *sysroot, AfIrqSample **ret_sample, const char **ret_failed)
{
	g_autoptr(AfIrqSample) sample = sample_new(AF_IRQSCAN_PROC_STAT);
	g_autoptr(GArray) totals = NULL;
	g_autoptr(GPtrArray) names = NULL;
	g_autoptr(AfCpuSet) online = NULL;
	int r;

	r = af_procstat_read_intr(sysroot, &totals, NULL);
	if (r < 0) {
		*ret_failed = "/proc/stat";
		return r;
	}
	r = af_sysroot_list(sysroot, "/proc/irq", &names);
	if (r < 0) {
		*ret_failed = "/proc/irq";
		return r;
	}
	r = af_sysroot_read_cpulist(sysroot, "/sys/devices/system/cpu/online", &online);
	if (r < 0) {
		*ret_failed = "/sys/devices/system/cpu/online";
		return r;
	}
	af_cpuset_assign(sample->columns, online);
	for (guint i = 0; i < names->len; i++) {
		guint64 irq;
		AfIrqCount count;

		/* default_smp_affinity and other files are not IRQs. */
		if (!g_ascii_string_to_unsigned(names->pdata[i], 10, 0, G_MAXUINT, &irq, NULL))
			continue;
		count.irq = (guint)irq;
		count.total = irq < totals->len ? g_array_index(totals, guint64, irq) : 0;
		g_array_append_val(sample->irqs, count);
	}
	g_array_sort(sample->irqs, compare_counts);
	*ret_sample = g_steal_pointer(&sample);
	return 0;
}

int af_irqscan_read(AfSysroot *sysroot, AfIrqSample **ret_sample, const char **ret_failed)
{
	g_autoptr(AfIrqSample) sample = NULL;
	const char *failed = NULL;
	int r;

	r = read_proc_stat(sysroot, &sample, &failed);
	/* A capture has no /proc/stat, or an old one without the IRQs: the long way. */
	if (r < 0) {
		sample = sample_new(AF_IRQSCAN_PROC_INTERRUPTS);
		failed = "/proc/interrupts";
		r = af_interrupts_read_each(sysroot, failed, AF_CPU_MAX, &reduce, sample, NULL);
		g_array_sort(sample->irqs, compare_counts);
	}
	if (r < 0) {
		if (ret_failed)
			*ret_failed = failed;
		return r;
	}
	*ret_sample = g_steal_pointer(&sample);
	return 0;
}

void af_irqscan_sample_free(AfIrqSample *sample)
{
	if (!sample)
		return;
	g_array_unref(sample->irqs);
	af_cpuset_free(sample->columns);
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
	/* /proc/stat's totals span every possible CPU: a hotplug breaks nothing. */
	delta->measured = (old_sample->source == AF_IRQSCAN_PROC_STAT &&
			   new_sample->source == AF_IRQSCAN_PROC_STAT) ||
			  (old_sample->source == new_sample->source &&
			   af_cpuset_equal(old_sample->columns, new_sample->columns));
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
	return delta;
}

void af_irqscan_delta_free(AfIrqDelta *delta)
{
	if (!delta)
		return;
	g_array_unref(delta->added);
	g_array_unref(delta->removed);
	g_array_unref(delta->counts);
	g_free(delta);
}

gboolean af_irqscan_delta_changed_set(const AfIrqDelta *delta)
{
	return delta->added->len > 0 || delta->removed->len > 0;
}

guint64 *af_irqscan_cpu_rates(const AfIrqDelta *delta, const AfSnapshot *snapshot,
			      gint64 elapsed_us, guint *ret_n_cpus)
{
	guint n = MAX(snapshot ? snapshot->nr_cpu_ids : 0, 1u);
	guint64 *rates = g_new0(guint64, n);

	for (guint i = 0; snapshot && elapsed_us > 0 && i < delta->counts->len; i++) {
		const AfIrqCount *c = &g_array_index(delta->counts, AfIrqCount, i);
		const AfIrq *irq = af_snapshot_lookup(snapshot, c->irq);
		const AfCpuSet *serving = irq ? af_irq_serving_cpus(irq) : NULL;
		int cpu = serving ? af_cpuset_first(serving) : -1;

		if (!irq || !af_irq_is_movable(irq) || cpu < 0 || (guint)cpu >= n)
			continue;
		rates[cpu] += c->total * G_USEC_PER_SEC / (guint64)elapsed_us;
	}
	*ret_n_cpus = n;
	return rates;
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
