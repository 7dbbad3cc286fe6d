/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>

#include "netns.h"
#include "testutil.h"

#define WAIT_S 10

struct AfTestEvents {
	GPtrArray *texts;
};

static gboolean in_netns;

gboolean af_test_netns_enter(void)
{
	in_netns = unshare(CLONE_NEWNET) == 0;
	return in_netns;
}

gboolean af_test_netns_require(void)
{
	if (!in_netns)
		g_test_skip("needs a network namespace of its own (root or CAP_SYS_ADMIN)");
	return in_netns;
}

gboolean af_test_veth_add(const char *name, const char *peer)
{
	g_autofree char *command =
		g_strdup_printf("ip link add %s type veth peer name %s 2>/dev/null", name, peer);

	if (system(command) == 0)
		return TRUE;
	g_test_skip("cannot create a veth pair (no veth module?)");
	return FALSE;
}

gboolean af_test_link_del(const char *name)
{
	g_autofree char *command = g_strdup_printf("ip link del %s", name);
	int status = system(command);

	if (status == 0)
		return TRUE;
	af_test_fail("\"%s\" failed (wait status %d)", command, status);
	return FALSE;
}

AfTestEvents *af_test_events_new(void)
{
	AfTestEvents *events = g_new0(AfTestEvents, 1);

	events->texts = g_ptr_array_new_with_free_func(g_free);
	return events;
}

void af_test_events_free(AfTestEvents *events)
{
	if (!events)
		return;
	g_ptr_array_unref(events->texts);
	g_free(events);
}

void af_test_events_add(AfTestEvents *events, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	g_ptr_array_add(events->texts, g_strdup_vprintf(format, ap));
	va_end(ap);
}

gboolean af_test_events_has(const AfTestEvents *events, const char *text)
{
	return g_ptr_array_find_with_equal_func(events->texts, text, g_str_equal, NULL);
}

static gboolean on_give_up(gpointer user_data)
{
	*(gboolean *)user_data = TRUE;
	return G_SOURCE_REMOVE;
}

gboolean af_test_events_wait(const AfTestEvents *events, const char *text)
{
	gboolean give_up = FALSE;
	guint guard = g_timeout_add_seconds(WAIT_S, on_give_up, &give_up);
	g_autoptr(GString) seen = g_string_new(NULL);

	while (!af_test_events_has(events, text) && !give_up)
		g_main_context_iteration(NULL, TRUE);
	if (!give_up) {
		g_source_remove(guard);
		return TRUE;
	}
	for (guint i = 0; i < events->texts->len; i++)
		g_string_append_printf(seen, "%s\"%s\"", i ? ", " : "",
				       (const char *)events->texts->pdata[i]);
	af_test_fail("no \"%s\" within %d s; seen: %s", text, WAIT_S,
		     seen->len ? seen->str : "nothing");
	return FALSE;
}
