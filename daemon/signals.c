/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <glib-unix.h>
#include <signal.h>

#include "context.h"

static gboolean on_quit(gpointer user_data)
{
	AfDaemon *daemon = user_data;

	g_message("Stopping on signal");
	g_main_loop_quit(daemon->loop);
	return G_SOURCE_CONTINUE;
}

static gboolean on_hangup(gpointer user_data)
{
	AfDaemon *daemon = user_data;

	daemon->reload_pending = TRUE;
	af_daemon_mark(daemon, AF_EVENT_CONFIG, "reload (SIGHUP)");
	return G_SOURCE_CONTINUE;
}

void af_daemon_add_signals(AfDaemon *daemon)
{
	daemon->signal_sources[0] = g_unix_signal_add(SIGTERM, on_quit, daemon);
	daemon->signal_sources[1] = g_unix_signal_add(SIGINT, on_quit, daemon);
	daemon->signal_sources[2] = g_unix_signal_add(SIGHUP, on_hangup, daemon);
}

void af_daemon_remove_signals(AfDaemon *daemon)
{
	for (gsize i = 0; i < G_N_ELEMENTS(daemon->signal_sources); i++)
		g_clear_handle_id(&daemon->signal_sources[i], g_source_remove);
}
