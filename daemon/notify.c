/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <systemd/sd-daemon.h>
#include <time.h>

#include "context.h"

/* Without NOTIFY_SOCKET sd_notify() does nothing and returns 0. */

char *af_daemon_format_status(const AfDaemon *daemon)
{
	const AfEngine *engine = daemon->engine;
	g_autofree char *hk = NULL;
	guint placed = 0, managed = 0;

	if (engine && engine->plan)
		placed = engine->plan->n_move + engine->plan->n_keep;
	for (guint i = 0; engine && engine->snapshot && i < engine->snapshot->irqs->len; i++) {
		const AfIrq *irq = g_ptr_array_index(engine->snapshot->irqs, i);

		if (irq->managed)
			managed++;
	}
	hk = engine && engine->hk ? af_cpuset_format_list(engine->hk->housekeeping)
				  : g_strdup("unknown");
	return g_strdup_printf("%u IRQs placed, %u kernel-managed, housekeeping %s, last event %s",
			       placed, managed, *hk ? hk : "none",
			       daemon->last_event ? daemon->last_event : "none");
}

void af_daemon_notify_status(AfDaemon *daemon)
{
	g_autofree char *status = af_daemon_format_status(daemon);

	(void)sd_notifyf(0, "STATUS=%s", status);
}

void af_daemon_notify_ready(AfDaemon *daemon)
{
	g_autofree char *status = af_daemon_format_status(daemon);

	(void)sd_notifyf(0, "READY=1\nSTATUS=%s", status);
}

void af_daemon_notify_reloading(AfDaemon *daemon)
{
	struct timespec ts;

	/* Type=notify-reload wants the monotonic time of the reload's start. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	(void)sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%" PRIu64,
			 (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u);
}

void af_daemon_notify_stopping(AfDaemon *daemon)
{
	(void)sd_notify(0, "STOPPING=1");
}

static gboolean on_watchdog(gpointer user_data)
{
	(void)sd_notify(0, "WATCHDOG=1");
	return G_SOURCE_CONTINUE;
}

void af_daemon_start_watchdog(AfDaemon *daemon)
{
	uint64_t usec = 0;

	if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
		return;
	/* Ping at half the interval, as sd_watchdog_enabled(3) advises. */
	daemon->watchdog_source = g_timeout_add(MAX(usec / 2000, 1), on_watchdog, daemon);
}

void af_daemon_stop_watchdog(AfDaemon *daemon)
{
	g_clear_handle_id(&daemon->watchdog_source, g_source_remove);
}
