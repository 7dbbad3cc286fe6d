/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "fakemachine.h"
#include "metrics.h"
#include "testutil.h"

/*
 * The Prometheus text of lib/metrics.c, checked line by line (the daemon's
 * file is also checked with a real Prometheus parser: tests/daemon-metrics.sh).
 */

/* TRUE when text has line as one whole line. */
static gboolean has_line(const char *text, const char *line)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

	return g_strv_contains((const char *const *)lines, line);
}

#define assert_line(text, line)                                                                    \
	do {                                                                                       \
		if (!has_line((text), (line)))                                                     \
			g_error("missing line \"%s\" in:\n%s", (line), (text));                    \
	} while (0)

static void test_format_counters(void)
{
	g_autoptr(AfMetrics) metrics = af_metrics_new();
	g_autoptr(AfPlan) plan = af_plan_new();
	g_autofree char *empty = af_metrics_format(metrics, NULL, NULL);
	g_autofree char *text = NULL;

	/* Nothing counted yet: every family is there, at zero, without gauges. */
	assert_line(empty, "# TYPE affinityd_writes_total counter");
	assert_line(empty, "affinityd_writes_total 0");
	assert_line(empty, "affinityd_replans_total 0");
	assert_line(empty, "# TYPE affinityd_refused_writes_total counter");
	g_assert_null(strstr(empty, "affinityd_refused_writes_total{"));
	g_assert_null(strstr(empty, "affinityd_irqs"));
	g_assert_true(g_str_has_suffix(empty, "\n"));

	plan->n_move = 3;
	af_metrics_count_plan(metrics, plan);
	af_metrics_count_plan(metrics, plan);
	af_metrics_count_written(metrics);
	af_metrics_count_written(metrics);
	af_metrics_count_refused(metrics, -EPERM);
	af_metrics_count_refused(metrics, -EIO);
	af_metrics_count_refused(metrics, -EIO);
	af_metrics_count_refused(metrics, -ENOSPC);
	af_metrics_count_refused(metrics, 0);
	text = af_metrics_format(metrics, NULL, NULL);
	assert_line(text, "affinityd_replans_total 2");
	assert_line(text, "affinityd_moves_total 6");
	assert_line(text, "affinityd_writes_total 2");
	assert_line(text, "affinityd_refused_writes_total{errno=\"EIO\"} 2");
	assert_line(text, "affinityd_refused_writes_total{errno=\"EPERM\"} 1");
	assert_line(text, "affinityd_refused_writes_total{errno=\"ENOSPC\"} 1");
	assert_line(text, "affinityd_refused_writes_total{errno=\"read_only\"} 1");
	/* In errno order: read-only (0), EPERM (1), EIO (5), ENOSPC (28). */
	g_assert_true(strstr(text, "\"read_only\"") < strstr(text, "\"EPERM\""));
	g_assert_true(strstr(text, "\"EPERM\"") < strstr(text, "\"EIO\""));
	g_assert_true(strstr(text, "\"EIO\"") < strstr(text, "\"ENOSPC\""));
}

static void test_observe_hotplug_buckets(void)
{
	g_autoptr(AfMetrics) metrics = af_metrics_new();
	g_autofree char *text = NULL;

	af_metrics_observe_hotplug(metrics, 0.003);
	af_metrics_observe_hotplug(metrics, 0.05);
	af_metrics_observe_hotplug(metrics, 2.0);
	text = af_metrics_format(metrics, NULL, NULL);
	assert_line(text, "# TYPE affinityd_hotplug_reaction_seconds histogram");
	/* Cumulative: each bucket counts the reactions up to its bound. */
	assert_line(text, "affinityd_hotplug_reaction_seconds_bucket{le=\"0.001\"} 0");
	assert_line(text, "affinityd_hotplug_reaction_seconds_bucket{le=\"0.0025\"} 0");
	assert_line(text, "affinityd_hotplug_reaction_seconds_bucket{le=\"0.005\"} 1");
	assert_line(text, "affinityd_hotplug_reaction_seconds_bucket{le=\"0.025\"} 1");
	assert_line(text, "affinityd_hotplug_reaction_seconds_bucket{le=\"0.05\"} 2");
	assert_line(text, "affinityd_hotplug_reaction_seconds_bucket{le=\"1\"} 2");
	assert_line(text, "affinityd_hotplug_reaction_seconds_bucket{le=\"+Inf\"} 3");
	assert_line(text, "affinityd_hotplug_reaction_seconds_count 3");
	assert_line(text, "affinityd_hotplug_reaction_seconds_sum 2.053000");
}

/*
 * 8 CPUs, 6-7 isolated: an IRQ moved to 0, one kept on 0-1, a managed
 * queue served by isolated CPU 6 and one on housekeeping CPU 2, skipped.
 */
static void test_format_gauges(void)
{
	const AfFakeDevice nvme = {"0000:01:00.0", "nvme", AF_IRQ_CLASS_STORAGE, 0, NULL};
	g_autoptr(AfFakeMachine) m = af_fake_machine_new("pack:1 core:8 pu:1", "", "6-7");
	g_autoptr(AfMetrics) metrics = af_metrics_new();
	g_autoptr(AfPlan) plan = af_plan_new();
	g_autofree char *text = NULL;
	AfIrq *moved, *kept, *q0, *q1;

	moved = af_fake_add_irq(m, 1, "i8042", "0-7", "7");
	kept = af_fake_add_irq(m, 9, "acpi", "0-1", "1");
	q0 = af_fake_add_managed(m, &nvme, 40, "nvme0q1", 0, "6", "6");
	q1 = af_fake_add_managed(m, &nvme, 41, "nvme0q2", 1, "2", "2");
	af_fake_plan_add(plan, moved, AF_ACTION_MOVE, "0", "served by isolated CPU 7");
	af_fake_plan_add(plan, kept, AF_ACTION_KEEP, "0-1", "on housekeeping CPUs");
	af_fake_plan_add(plan, q0, AF_ACTION_SKIP, NULL, "kernel-managed");
	af_fake_plan_add(plan, q1, AF_ACTION_SKIP, NULL, "kernel-managed");
	text = af_metrics_format(metrics, plan, m->hk);
	assert_line(text, "# TYPE affinityd_irqs gauge");
	/* Moved and kept IRQs count where planned, skipped ones where served. */
	assert_line(text, "affinityd_irqs{cpu=\"0\"} 2");
	assert_line(text, "affinityd_irqs{cpu=\"1\"} 1");
	assert_line(text, "affinityd_irqs{cpu=\"2\"} 1");
	assert_line(text, "affinityd_irqs{cpu=\"5\"} 0");
	assert_line(text, "affinityd_irqs{cpu=\"6\"} 1");
	assert_line(text, "affinityd_irqs{cpu=\"7\"} 0");
	assert_line(text, "affinityd_managed_irqs_on_isolated_cpus 1");
	assert_line(text, "affinityd_online_cpus 8");
	assert_line(text, "affinityd_isolated_cpus 2");
	assert_line(text, "affinityd_housekeeping_cpus 6");
}

static void test_errno_name_known_and_unknown(void)
{
	g_autofree char *eio = af_metrics_errno_name(EIO);
	g_autofree char *other = af_metrics_errno_name(4095);
	g_autofree char *read_only = af_metrics_errno_name(0);

	g_assert_cmpstr(eio, ==, "EIO");
	g_assert_cmpstr(other, ==, "errno_4095");
	g_assert_cmpstr(read_only, ==, "read_only");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/metrics/format/counters", test_format_counters);
	g_test_add_func("/metrics/observe_hotplug/buckets", test_observe_hotplug_buckets);
	g_test_add_func("/metrics/format/gauges", test_format_gauges);
	g_test_add_func("/metrics/errno_name/known_and_unknown", test_errno_name_known_and_unknown);
	return g_test_run();
}
