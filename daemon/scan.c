/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "context.h"

/*
 * The periodic scan: one read of /proc/interrupts. New or vanished IRQs
 * (nothing else announces MSI vectors being allocated or freed) and a
 * shifted per-CPU load each mark a replan; the per-IRQ counts of the
 * interval become the planner's load table.
 */

static void describe_set_change(AfDaemon *daemon, const AfIrqDelta *delta)
{
	g_autofree char *what = g_strdup_printf("%u IRQs appeared, %u vanished", delta->added->len,
						delta->removed->len);

	for (guint i = 0; i < delta->removed->len; i++)
		af_move_guard_forget(daemon->guard, g_array_index(delta->removed, guint, i));
	af_daemon_mark(daemon, AF_EVENT_IRQS, what);
}

static void update_load(AfDaemon *daemon, const AfIrqDelta *delta)
{
	AfLoad *load = af_load_new();

	for (guint i = 0; i < delta->counts->len; i++) {
		const AfIrqCount *c = &g_array_index(delta->counts, AfIrqCount, i);

		af_load_set(load, c->irq, c->total);
	}
	g_clear_pointer(&daemon->load, g_hash_table_unref);
	daemon->load = load;
	if (!daemon->cpu_load_at_plan) {
		/* The first measured interval: the reference for later shifts. */
		daemon->cpu_load_at_plan = g_memdup2(delta->cpu_counts,
						     delta->n_cpus * sizeof(guint64));
		daemon->n_cpu_load_at_plan = delta->n_cpus;
		return;
	}
	if (af_irqscan_load_shifted(daemon->cpu_load_at_plan, daemon->n_cpu_load_at_plan,
				    delta->cpu_counts, delta->n_cpus,
				    daemon->policy->hysteresis_percent)) {
		g_free(daemon->cpu_load_at_plan);
		daemon->cpu_load_at_plan = g_memdup2(delta->cpu_counts,
						     delta->n_cpus * sizeof(guint64));
		daemon->n_cpu_load_at_plan = delta->n_cpus;
		af_daemon_mark(daemon, AF_EVENT_LOAD, "load shifted");
	}
}

void af_daemon_scan(AfDaemon *daemon)
{
	g_autofree char *text = NULL;
	g_autoptr(AfIrqSample) sample = NULL;
	g_autoptr(AfIrqDelta) delta = NULL;
	int r;

	r = af_sysroot_read(daemon->sysroot, "/proc/interrupts", &text, NULL);
	if (r >= 0)
		r = af_irqscan_parse(text, &sample);
	if (r < 0) {
		g_debug("Scan of /proc/interrupts failed: %s", g_strerror(-r));
		return;
	}
	if (daemon->sample) {
		delta = af_irqscan_diff(daemon->sample, sample);
		if (af_irqscan_delta_changed_set(delta))
			describe_set_change(daemon, delta);
		if (delta->measured)
			update_load(daemon, delta);
	}
	af_irqscan_sample_free(daemon->sample);
	daemon->sample = g_steal_pointer(&sample);
}

static gboolean on_scan(gpointer user_data)
{
	af_daemon_scan(user_data);
	return G_SOURCE_CONTINUE;
}

void af_daemon_start_scan(AfDaemon *daemon)
{
	guint interval_ms = MAX(daemon->policy->interval_ms, 100u);

	if (daemon->scan_source && daemon->scan_interval_ms == interval_ms)
		return;
	g_clear_handle_id(&daemon->scan_source, g_source_remove);
	daemon->scan_interval_ms = interval_ms;
	daemon->scan_source = g_timeout_add(interval_ms, on_scan, daemon);
}

void af_daemon_stop_scan(AfDaemon *daemon)
{
	g_clear_handle_id(&daemon->scan_source, g_source_remove);
}
