/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <linux/ethtool_netlink.h>
#include <errno.h>
#include <stdlib.h>

#include "ethwatch.h"
#include "events.h"
#include "netns.h"

/*
 * Real ethtool netlink notifications, in a network namespace of the test's
 * own: a 4-queue veth pair whose channels (ethtool -L) and features
 * (ethtool -K) change. The host's links are never touched.
 */

static void on_event(const AfEthEvent *event, gpointer user_data)
{
	const char *kind = event->cmd == ETHTOOL_MSG_CHANNELS_NTF   ? "channels"
			   : event->cmd == ETHTOOL_MSG_FEATURES_NTF ? "features"
								    : "other";

	af_test_events_add(user_data, "%s %s", kind, event->name ? event->name : "?");
}

static gboolean run(const char *command)
{
	g_autofree char *quiet = g_strdup_printf("%s >/dev/null 2>&1", command);

	if (system(quiet) == 0)
		return TRUE;
	g_test_skip(command);
	return FALSE;
}

static void test_channels_and_features(void)
{
	g_autoptr(AfTestEvents) seen = af_test_events_new();
	g_autoptr(AfEthWatch) watch = NULL;
	int r;

	if (!af_test_netns_require())
		return;
	if (!run("ethtool --version")) /* tools/install-deps --test installs it */
		return;
	r = af_eth_watch_new(on_event, seen, &watch);
	if (r == -EOPNOTSUPP) {
		g_test_skip("this kernel has no ethtool netlink family");
		return;
	}
	g_assert_cmpint(r, ==, 0);
	if (!run("ip link add afw0 numtxqueues 4 numrxqueues 4 type veth peer name afw1 "
		 "numtxqueues 4 numrxqueues 4"))
		return;
	/* veth takes channel counts up to its queues (ethtool -L, as with a NIC);
	 * its GRO starts off, so turning it on changes the features. */
	if (!run("ethtool -L afw0 rx 2 tx 2"))
		return;
	if (!af_test_events_wait(seen, "channels afw0"))
		return;
	if (!run("ethtool -K afw0 gro on"))
		return;
	af_test_events_wait(seen, "features afw0");
	af_test_link_del("afw0");
}

static void test_event_from_cmd(void)
{
	g_assert_cmpint(af_event_from_ethtool_cmd(ETHTOOL_MSG_CHANNELS_NTF), ==, AF_EVENT_DEVICE);
	g_assert_cmpint(af_event_from_ethtool_cmd(ETHTOOL_MSG_FEATURES_NTF), ==, AF_EVENT_DEVICE);
	g_assert_cmpint(af_event_from_ethtool_cmd(0), ==, AF_EVENT_DEVICE);
	g_assert_cmpint(af_event_from_ethtool_cmd(ETHTOOL_MSG_RINGS_NTF), ==, 0);
	g_assert_cmpint(af_event_from_ethtool_cmd(ETHTOOL_MSG_LINKINFO_NTF), ==, 0);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	af_test_netns_enter();
	g_test_add_func("/ethwatch/watch/channels-and-features", test_channels_and_features);
	g_test_add_func("/ethwatch/event_from_cmd/table", test_event_from_cmd);
	return g_test_run();
}
