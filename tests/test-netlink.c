/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <sched.h>
#include <stdlib.h>

#include "netlink.h"

/*
 * Real rtnetlink events, in a network namespace of the test's own: a veth
 * pair appears and goes, the host's links are never touched.
 */

typedef struct Seen {
	GPtrArray *events; /* "new v0", "del v0" */
} Seen;

static void on_link(const AfLinkEvent *event, gpointer user_data)
{
	Seen *seen = user_data;

	g_ptr_array_add(seen->events,
			g_strdup_printf("%s %s", af_link_change_to_string(event->change),
					event->name ? event->name : "?"));
}

static gboolean has_event(const Seen *seen, const char *text)
{
	return g_ptr_array_find_with_equal_func(seen->events, text, g_str_equal, NULL);
}

static gboolean on_give_up(gpointer user_data)
{
	*(gboolean *)user_data = TRUE;
	return G_SOURCE_REMOVE;
}

/* Iterates the main context until text was seen or a generous failure guard. */
static void wait_for(const Seen *seen, const char *text)
{
	gboolean give_up = FALSE;
	guint guard = g_timeout_add_seconds(10, on_give_up, &give_up);

	while (!has_event(seen, text) && !give_up)
		g_main_context_iteration(NULL, TRUE);
	if (!give_up)
		g_source_remove(guard);
	g_assert_true(has_event(seen, text));
}

static void test_veth_new_and_del(gconstpointer data)
{
	const gboolean *in_netns = data;
	g_autoptr(AfLinkWatch) watch = NULL;
	Seen seen = { .events = g_ptr_array_new_with_free_func(g_free) };

	if (!*in_netns) {
		g_test_skip("needs a network namespace of its own (root or CAP_SYS_ADMIN)");
		g_ptr_array_unref(seen.events);
		return;
	}
	g_assert_cmpint(af_link_watch_new(on_link, &seen, &watch), ==, 0);
	if (system("ip link add afv0 type veth peer name afv1 2>/dev/null") != 0) {
		g_test_skip("cannot create a veth pair (no veth module?)");
		g_ptr_array_unref(seen.events);
		return;
	}
	wait_for(&seen, "new afv0");
	wait_for(&seen, "new afv1");
	g_assert_cmpint(system("ip link del afv0"), ==, 0);
	/* Deleting one end takes the peer with it. */
	wait_for(&seen, "del afv0");
	wait_for(&seen, "del afv1");
	g_ptr_array_unref(seen.events);
}

static void test_change_to_string(void)
{
	g_assert_cmpstr(af_link_change_to_string(AF_LINK_NEW), ==, "new");
	g_assert_cmpstr(af_link_change_to_string(AF_LINK_DEL), ==, "del");
	g_assert_cmpstr(af_link_change_to_string(AF_LINK_OVERRUN), ==, "overrun");
}

int main(int argc, char **argv)
{
	static gboolean in_netns;

	g_test_init(&argc, &argv, NULL);
	/* Everything after this runs in a fresh, empty network namespace. */
	in_netns = unshare(CLONE_NEWNET) == 0;
	g_test_add_data_func("/netlink/watch/veth-new-and-del", &in_netns, test_veth_new_and_del);
	g_test_add_func("/netlink/change_to_string/all", test_change_to_string);
	return g_test_run();
}
