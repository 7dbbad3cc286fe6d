/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "context.h"

/*
 * The periodic scan: per-IRQ totals (irqscan.h: /proc/stat's intr line,
 * else /proc/interrupts). New or vanished IRQs (nothing else announces MSI
 * vectors being allocated or freed), a shifted
 * per-CPU load and, when no uevent socket could be opened, a changed set of
 * CPU columns (a hotplug) each mark a replan; the per-IRQ rates of the
 * interval (interrupts per second) become the planner's load table. Below
 * min_load_rate on every CPU, shares are noise and never mark a shift.
 * Each scan also looks at the isolation files that raise no event
 * (isolation.c).
 */

/* count interrupts over elapsed_us as interrupts per second. */
static guint64 per_second(guint64 count, gint64 elapsed_us)
{
	return elapsed_us > 0 ? count * G_USEC_PER_SEC / (guint64)elapsed_us : 0;
}

static guint64 busiest(const guint64 *rates, guint n)
{
	guint64 max = 0;

	for (guint i = 0; i < n; i++)
		max = MAX(max, rates[i]);
	return max;
}

static void describe_set_change(AfDaemon *daemon, const AfIrqDelta *delta)
{
	g_autofree char *what = g_strdup_printf("%u IRQs appeared, %u vanished", delta->added->len,
						delta->removed->len);

	for (guint i = 0; i < delta->removed->len; i++)
		af_move_guard_forget(daemon->guard, g_array_index(delta->removed, guint, i));
	af_daemon_mark(daemon, AF_EVENT_IRQS, what);
}

static void update_load(AfDaemon *daemon, const AfIrqDelta *delta, gint64 elapsed_us)
{
	AfLoad *load = af_plan_load_new();
	guint n_cpus;
	g_autofree guint64 *rates =
		af_irqscan_cpu_rates(delta, daemon->engine->snapshot, elapsed_us, &n_cpus);
	guint64 floor = daemon->engine->policy->min_load_rate;

	for (guint i = 0; i < delta->counts->len; i++) {
		const AfIrqCount *c = &g_array_index(delta->counts, AfIrqCount, i);

		af_plan_load_set(load, c->irq, per_second(c->total, elapsed_us));
	}
	g_clear_pointer(&daemon->load, g_hash_table_unref);
	daemon->load = load;
	if (daemon->cpu_load_at_plan) {
		gboolean quiet =
			busiest(rates, n_cpus) < floor &&
			busiest(daemon->cpu_load_at_plan, daemon->n_cpu_load_at_plan) < floor;

		if (quiet || !af_irqscan_load_shifted(daemon->cpu_load_at_plan,
						      daemon->n_cpu_load_at_plan, rates, n_cpus,
						      daemon->engine->policy->hysteresis_percent))
			return;
	}
	/* The first measured interval is the reference for later shifts. */
	if (daemon->cpu_load_at_plan)
		af_daemon_mark(daemon, AF_EVENT_LOAD, "load shifted");
	g_free(daemon->cpu_load_at_plan);
	daemon->cpu_load_at_plan = g_steal_pointer(&rates);
	daemon->n_cpu_load_at_plan = n_cpus;
}

/*
 * Tells a failing /proc/interrupts once, when the scans start failing, and
 * once when they read again: in between the daemon sees no new IRQs and no
 * load, which the operator must know, but not every interval_ms.
 */
static void tell_health(AfDaemon *daemon, int r, const char *file, const char *reason)
{
	g_autofree char *path = af_sysroot_host_path(daemon->engine->sysroot, file);

	switch (af_irqscan_health_note(&daemon->scan_health, r)) {
	case AF_IRQSCAN_NEWS_NONE:
		break;
	case AF_IRQSCAN_NEWS_FAILING:
		g_warning("Failed to read %s, not following new IRQs and load until it reads "
			  "again: %s",
			  path, reason);
		break;
	case AF_IRQSCAN_NEWS_RECOVERED:
		g_message("%s reads again: following new IRQs and load", path);
		break;
	}
}

void af_daemon_scan(AfDaemon *daemon)
{
	g_autoptr(AfIrqSample) sample = NULL;
	g_autoptr(AfIrqDelta) delta = NULL;
	gint64 now_us = g_get_monotonic_time();
	const char *reason = NULL, *failed = NULL;
	int r;

	r = af_irqscan_read(daemon->engine->sysroot, &sample, &failed);
	if (r == -EINVAL && g_strcmp0(failed, "/proc/interrupts") == 0)
		reason = "no header naming the CPUs";
	else if (r < 0)
		reason = g_strerror(-r);
	if (r >= 0)
		failed = sample->source == AF_IRQSCAN_PROC_STAT ? "/proc/stat" : "/proc/interrupts";
	tell_health(daemon, r, failed, reason);
	if (r < 0) {
		g_debug("Scan of /proc/interrupts failed: %s", g_strerror(-r));
		return;
	}
	if (daemon->sample) {
		delta = af_irqscan_diff(daemon->sample, sample);
		if (af_irqscan_delta_changed_set(delta))
			describe_set_change(daemon, delta);
		if (delta->measured)
			update_load(daemon, delta, now_us - daemon->sample_us);
		else if (!daemon->udev)
			/* Without uevents this is all that tells of a hotplug. */
			af_daemon_mark(daemon, AF_EVENT_CPU_OFFLINE | AF_EVENT_CPU_ONLINE,
				       "the CPU columns of /proc/interrupts changed");
	}
	af_irqscan_sample_free(daemon->sample);
	daemon->sample = g_steal_pointer(&sample);
	daemon->sample_us = now_us;
}

static gboolean on_scan(gpointer user_data)
{
	af_daemon_scan(user_data);
	/* Nothing announces these changes every time: the scan looks. */
	af_daemon_check_isolation(user_data);
	return G_SOURCE_CONTINUE;
}

void af_daemon_start_scan(AfDaemon *daemon)
{
	guint interval_ms = MAX(daemon->engine->policy->interval_ms, 100u);

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
