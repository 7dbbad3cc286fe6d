/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "metrics.h"

/*
 * Names follow Prometheus' conventions: an affinityd_ prefix, _total on
 * counters, base units (seconds). Every family has its HELP and TYPE lines,
 * each label value is a CPU number or an errno name (nothing to escape).
 */

static const double hotplug_bounds[AF_METRICS_N_HOTPLUG_BUCKETS] = {AF_METRICS_HOTPLUG_BUCKETS};

AfMetrics *af_metrics_new(void)
{
	AfMetrics *metrics = g_new0(AfMetrics, 1);

	metrics->refused = g_hash_table_new_full(NULL, NULL, NULL, g_free);
	return metrics;
}

void af_metrics_free(AfMetrics *metrics)
{
	if (!metrics)
		return;
	g_hash_table_unref(metrics->refused);
	g_free(metrics);
}

void af_metrics_count_plan(AfMetrics *metrics, const AfPlan *plan)
{
	metrics->replans++;
	metrics->moves += plan->n_move;
}

void af_metrics_count_written(AfMetrics *metrics)
{
	metrics->writes++;
}

void af_metrics_count_refused(AfMetrics *metrics, int r)
{
	gpointer key = GINT_TO_POINTER(-r);
	guint64 *count;

	count = g_hash_table_lookup(metrics->refused, key);
	if (!count) {
		count = g_new0(guint64, 1);
		g_hash_table_insert(metrics->refused, key, count);
	}
	(*count)++;
}

void af_metrics_observe_hotplug(AfMetrics *metrics, double seconds)
{
	for (guint i = 0; i < AF_METRICS_N_HOTPLUG_BUCKETS; i++)
		if (seconds <= hotplug_bounds[i])
			metrics->hotplug_buckets[i]++;
	metrics->hotplug_count++;
	metrics->hotplug_sum += seconds;
}

char *af_metrics_errno_name(int error)
{
	/* What smp_affinity writes answer (KERNEL.md "Write errors"), and a few more. */
	static const struct {
		int error;
		const char *name;
	} names[] = {
		{EIO, "EIO"},	    {EPERM, "EPERM"},	{EACCES, "EACCES"},
		{EROFS, "EROFS"},   {ENOSPC, "ENOSPC"}, {EINVAL, "EINVAL"},
		{ENOENT, "ENOENT"}, {EBUSY, "EBUSY"},	{ENOMEM, "ENOMEM"},
		{EAGAIN, "EAGAIN"}, {ENODEV, "ENODEV"}, {EOVERFLOW, "EOVERFLOW"},
	};

	if (error == 0)
		return g_strdup("read_only");
	for (guint i = 0; i < G_N_ELEMENTS(names); i++)
		if (names[i].error == error)
			return g_strdup(names[i].name);
	return g_strdup_printf("errno_%d", error);
}

static void family(GString *out, const char *name, const char *type, const char *help)
{
	g_string_append_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static gint compare_errno(gconstpointer a, gconstpointer b)
{
	return *(const int *)a - *(const int *)b;
}

static void format_counters(GString *out, const AfMetrics *metrics)
{
	g_autoptr(GArray) errors = g_array_new(FALSE, FALSE, sizeof(int));
	GHashTableIter iter;
	gpointer key;

	family(out, "affinityd_replans_total", "counter", "Plans computed.");
	g_string_append_printf(out, "affinityd_replans_total %" G_GUINT64_FORMAT "\n",
			       metrics->replans);
	family(out, "affinityd_moves_total", "counter",
	       "IRQs the plans moved (written unless already in place, held back or refused).");
	g_string_append_printf(out, "affinityd_moves_total %" G_GUINT64_FORMAT "\n",
			       metrics->moves);
	family(out, "affinityd_writes_total", "counter", "smp_affinity writes the kernel took.");
	g_string_append_printf(out, "affinityd_writes_total %" G_GUINT64_FORMAT "\n",
			       metrics->writes);
	family(out, "affinityd_refused_writes_total", "counter",
	       "smp_affinity writes the kernel refused, by errno (read_only: not tried, the "
	       "file is read-only).");
	g_hash_table_iter_init(&iter, metrics->refused);
	while (g_hash_table_iter_next(&iter, &key, NULL)) {
		int error = GPOINTER_TO_INT(key);

		g_array_append_val(errors, error);
	}
	g_array_sort(errors, compare_errno);
	for (guint i = 0; i < errors->len; i++) {
		int error = g_array_index(errors, int, i);
		g_autofree char *name = af_metrics_errno_name(error);
		const guint64 *count =
			g_hash_table_lookup(metrics->refused, GINT_TO_POINTER(error));

		g_string_append_printf(
			out, "affinityd_refused_writes_total{errno=\"%s\"} %" G_GUINT64_FORMAT "\n",
			name, *count);
	}
}

static void format_histogram(GString *out, const AfMetrics *metrics)
{
	char bound[G_ASCII_DTOSTR_BUF_SIZE];
	char sum[G_ASCII_DTOSTR_BUF_SIZE];

	family(out, "affinityd_hotplug_reaction_seconds", "histogram",
	       "From a CPU hotplug event to the last write of its replan.");
	for (guint i = 0; i < AF_METRICS_N_HOTPLUG_BUCKETS; i++)
		g_string_append_printf(
			out,
			"affinityd_hotplug_reaction_seconds_bucket{le=\"%s\"} "
			"%" G_GUINT64_FORMAT "\n",
			g_ascii_formatd(bound, sizeof(bound), "%g", hotplug_bounds[i]),
			metrics->hotplug_buckets[i]);
	g_string_append_printf(out,
			       "affinityd_hotplug_reaction_seconds_bucket{le=\"+Inf\"} "
			       "%" G_GUINT64_FORMAT "\n",
			       metrics->hotplug_count);
	g_string_append_printf(out, "affinityd_hotplug_reaction_seconds_sum %s\n",
			       g_ascii_formatd(sum, sizeof(sum), "%.6f", metrics->hotplug_sum));
	g_string_append_printf(out,
			       "affinityd_hotplug_reaction_seconds_count %" G_GUINT64_FORMAT "\n",
			       metrics->hotplug_count);
}

/* The CPUs an IRQ has after the plan: planned for move and keep, as the kernel shows it else. */
static const AfCpuSet *placed_cpus(const AfPlanEntry *entry)
{
	switch (entry->action) {
	case AF_ACTION_MOVE:
	case AF_ACTION_KEEP:
		return entry->planned;
	case AF_ACTION_SKIP:
		return af_irq_serving_cpus(entry->irq);
	}
	return NULL;
}

static void format_gauges(GString *out, const AfPlan *plan, const AfHousekeeping *hk)
{
	g_autofree guint *per_cpu = g_new0(guint, AF_CPU_MAX);
	guint managed_isolated = 0;

	for (guint i = 0; i < plan->entries->len; i++) {
		const AfPlanEntry *entry = g_ptr_array_index(plan->entries, i);
		const AfCpuSet *cpus = placed_cpus(entry);
		const AfCpuSet *serving = af_irq_serving_cpus(entry->irq);

		if (cpus)
			AF_CPUSET_FOREACH (cpu, cpus)
				per_cpu[cpu]++;
		if (entry->irq->managed && serving && af_cpuset_intersects(serving, hk->isolated))
			managed_isolated++;
	}
	family(out, "affinityd_irqs", "gauge",
	       "IRQs whose affinity includes the CPU: as planned, or as the kernel shows it for "
	       "IRQs not placed.");
	AF_CPUSET_FOREACH (cpu, hk->online)
		g_string_append_printf(out, "affinityd_irqs{cpu=\"%d\"} %u\n", cpu, per_cpu[cpu]);
	family(out, "affinityd_managed_irqs_on_isolated_cpus", "gauge",
	       "Kernel-managed IRQs served by an isolated CPU (affinityd cannot move them).");
	g_string_append_printf(out, "affinityd_managed_irqs_on_isolated_cpus %u\n",
			       managed_isolated);
	family(out, "affinityd_online_cpus", "gauge", "Online CPUs.");
	g_string_append_printf(out, "affinityd_online_cpus %u\n", af_cpuset_count(hk->online));
	family(out, "affinityd_isolated_cpus", "gauge",
	       "Online CPUs kept free of movable IRQs (every source's union).");
	g_string_append_printf(out, "affinityd_isolated_cpus %u\n",
			       af_cpuset_count(hk->online) - af_cpuset_count(hk->housekeeping));
	family(out, "affinityd_housekeeping_cpus", "gauge", "CPUs that serve movable IRQs.");
	g_string_append_printf(out, "affinityd_housekeeping_cpus %u\n",
			       af_cpuset_count(hk->housekeeping));
}

char *af_metrics_format(const AfMetrics *metrics, const AfPlan *plan, const AfHousekeeping *hk)
{
	g_autoptr(GString) out = g_string_new(NULL);

	format_counters(out, metrics);
	format_histogram(out, metrics);
	if (plan && hk)
		format_gauges(out, plan, hk);
	return g_string_free(g_steal_pointer(&out), FALSE);
}
