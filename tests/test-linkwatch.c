/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "linkwatch.h"
#include "netns.h"

/*
 * Real rtnetlink events, in a network namespace of the test's own: a veth
 * pair appears and goes, the host's links are never touched.
 */

static void on_link(const AfLinkEvent *event, gpointer user_data)
{
	af_test_events_add(user_data, "%s %s", af_link_watch_change_to_string(event->change),
			   event->name ? event->name : "?");
}

static void test_veth_new_and_del(void)
{
	g_autoptr(AfTestEvents) seen = af_test_events_new();
	g_autoptr(AfLinkWatch) watch = NULL;

	if (!af_test_netns_require())
		return;
	g_assert_cmpint(af_link_watch_new(on_link, seen, &watch), ==, 0);
	if (!watch || !af_test_veth_add("afv0", "afv1"))
		return;
	if (!af_test_events_wait(seen, "new afv0") || !af_test_events_wait(seen, "new afv1"))
		return;
	if (!af_test_link_del("afv0"))
		return;
	/* Deleting one end takes the peer with it. */
	if (af_test_events_wait(seen, "del afv0"))
		af_test_events_wait(seen, "del afv1");
}

static void test_change_to_string(void)
{
	g_assert_cmpstr(af_link_watch_change_to_string(AF_LINK_NEW), ==, "new");
	g_assert_cmpstr(af_link_watch_change_to_string(AF_LINK_DEL), ==, "del");
	g_assert_cmpstr(af_link_watch_change_to_string(AF_LINK_OVERRUN), ==, "overrun");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	/* Everything after this runs in a fresh, empty network namespace. */
	af_test_netns_enter();
	g_test_add_func("/linkwatch/watch/veth-new-and-del", test_veth_new_and_del);
	g_test_add_func("/linkwatch/change_to_string/all", test_change_to_string);
	return g_test_run();
}
