/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "context.h"

/*
 * Events -> one replan: every event source marks what changed here; the
 * debouncer (lib/debounce.c) fixes when the replan is due, one timer waits
 * for it, and daemon->on_events_due gets the flags gathered since.
 */

static gboolean on_debounce(gpointer user_data);

static void arm_debounce(AfDaemon *daemon, gint64 now_us)
{
	gint64 wait_us = af_debounce_deadline_us(&daemon->debounce) - now_us;

	g_clear_handle_id(&daemon->debounce_source, g_source_remove);
	/* Round up: a timer that fires early only re-arms. */
	daemon->debounce_source = g_timeout_add(wait_us > 0 ? (guint)((wait_us + 999) / 1000) : 0,
						on_debounce, daemon);
}

static gboolean on_debounce(gpointer user_data)
{
	AfDaemon *daemon = user_data;
	gint64 now_us = g_get_monotonic_time();
	AfEventFlags flags;

	daemon->debounce_source = 0;
	if (!af_debounce_take(&daemon->debounce, now_us, &flags)) {
		if (af_debounce_pending(&daemon->debounce))
			arm_debounce(daemon, now_us);
		return G_SOURCE_REMOVE;
	}
	daemon->on_events_due(daemon, flags);
	return G_SOURCE_REMOVE;
}

void af_daemon_mark(AfDaemon *daemon, AfEventFlags flags, const char *what)
{
	gint64 now_us = g_get_monotonic_time();

	if (flags == 0)
		return;
	daemon->counters.events++;
	if (what) {
		g_free(daemon->last_event);
		daemon->last_event = g_strdup(what);
		g_debug("Event: %s", what);
	}
	if (af_debounce_mark(&daemon->debounce, flags, now_us) || !daemon->debounce_source)
		arm_debounce(daemon, now_us);
}
