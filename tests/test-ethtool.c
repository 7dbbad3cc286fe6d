/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "ethtool.h"
#include "netns.h"
#include "testutil.h"

/*
 * The recorded form and the live ioctls. The live cases ask the kernel
 * about a veth pair in a network namespace of the test's own.
 */

static void test_parse_format(void)
{
	const char *text = "# a comment\n"
			   "driver=virtio_net\n"
			   "bus_info=0000:00:03.0\n"
			   "rx_channels=0/0\n"
			   "tx_channels=0/0\n"
			   "other_channels=0/0\n"
			   "combined_channels=4/8\n"
			   "ntuple=on\n"
			   "some_future_key=1\n";
	g_autoptr(AfEthtoolInfo) info = NULL, again = NULL, copy = NULL;
	g_autofree char *formatted = NULL, *channels = NULL;

	g_assert_cmpint(af_ethtool_parse(text, &info), ==, 0);
	g_assert_cmpstr(info->driver, ==, "virtio_net");
	g_assert_cmpstr(info->bus_info, ==, "0000:00:03.0");
	g_assert_true(info->has_channels);
	g_assert_cmpuint(info->channels.combined, ==, 4);
	g_assert_cmpuint(info->channels.max_combined, ==, 8);
	g_assert_cmpint(info->ntuple, ==, 1);
	channels = af_ethtool_describe_channels(info);
	g_assert_cmpstr(channels, ==, "4 combined");
	formatted = af_ethtool_format(info);
	g_assert_cmpint(af_ethtool_parse(formatted, &again), ==, 0);
	g_assert_cmpstr(again->driver, ==, "virtio_net");
	g_assert_cmpuint(again->channels.max_combined, ==, 8);
	g_assert_cmpint(again->ntuple, ==, 1);
	copy = af_ethtool_info_copy(again);
	g_assert_cmpstr(copy->bus_info, ==, "0000:00:03.0");
}

static void test_parse_edges(void)
{
	static const struct {
		const char *text;
		int r;
		gboolean has_channels;
		int ntuple;
	} cases[] = {
		{"", 0, FALSE, -1},
		{"driver=e1000e\nntuple=off\n", 0, FALSE, 0},
		{"ntuple=unknown\n", 0, FALSE, -1},
		{"ntuple=maybe\n", -EINVAL, FALSE, -1},
		{"combined_channels=4\n", -EINVAL, FALSE, -1},
		{"combined_channels=4/x\n", -EINVAL, FALSE, -1},
		{"combined_channels=-1/4\n", -EINVAL, FALSE, -1},
		{"no equals sign\n", -EINVAL, FALSE, -1},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(AfEthtoolInfo) info = NULL;

		g_test_message("%s", cases[i].text);
		g_assert_cmpint(af_ethtool_parse(cases[i].text, &info), ==, cases[i].r);
		if (cases[i].r < 0)
			continue;
		g_assert_cmpint(info->has_channels, ==, cases[i].has_channels);
		g_assert_cmpint(info->ntuple, ==, cases[i].ntuple);
	}
}

static void test_query_tree(void)
{
	g_autofree char *dir = g_dir_make_tmp("af-ethtool-XXXXXX", NULL);
	g_autoptr(AfSysroot) sysroot = NULL;
	g_autoptr(AfEthtoolInfo) info = NULL;

	af_test_write_file(dir, "affinityd-capture/ethtool/eth0",
			   "driver=mlx5_core\ncombined_channels=8/16\nntuple=on\n");
	af_test_write_file(dir, "affinityd-capture/ethtool/bad", "ntuple=perhaps\n");
	g_assert_cmpint(af_sysroot_open(dir, &sysroot), ==, 0);
	g_assert_cmpint(af_ethtool_query(sysroot, "eth0", &info), ==, 0);
	g_assert_cmpstr(info->driver, ==, "mlx5_core");
	g_assert_cmpint(info->ntuple, ==, 1);
	g_clear_pointer(&info, af_ethtool_info_free);
	g_assert_cmpint(af_ethtool_query(sysroot, "eth1", &info), ==, -ENOENT);
	g_assert_cmpint(af_ethtool_query(sysroot, "bad", &info), ==, -EINVAL);
	g_assert_cmpint(af_ethtool_query(sysroot, "../etc", &info), ==, -EINVAL);
	g_assert_null(info);
	af_test_rm_rf(dir);
}

static void test_query_live_veth(void)
{
	g_autoptr(AfSysroot) sysroot = NULL;
	g_autoptr(AfEthtoolInfo) info = NULL;

	if (!af_test_netns_require())
		return;
	if (system("ip link add afe0 numtxqueues 4 numrxqueues 4 type veth peer name afe1 "
		   "numtxqueues 4 numrxqueues 4 2>/dev/null") != 0) {
		g_test_skip("cannot create a multi-queue veth pair");
		return;
	}
	g_assert_cmpint(af_sysroot_open("/", &sysroot), ==, 0);
	g_assert_cmpint(af_ethtool_query(sysroot, "afe0", &info), ==, 0);
	if (info) {
		g_assert_cmpstr(info->driver, ==, "veth");
		/* veth reports its queues as rx and tx channels; it has no ntuple filters. */
		g_assert_true(info->has_channels);
		g_assert_cmpuint(info->channels.max_rx, ==, 4);
		g_assert_cmpuint(info->channels.max_tx, ==, 4);
		g_assert_cmpint(info->ntuple, ==, 0);
	}
	g_clear_pointer(&info, af_ethtool_info_free);
	g_assert_cmpint(af_ethtool_query(sysroot, "afnone0", &info), ==, -ENODEV);
	af_test_link_del("afe0");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	af_test_netns_enter();
	g_test_add_func("/ethtool/parse/format", test_parse_format);
	g_test_add_func("/ethtool/parse/edges", test_parse_edges);
	g_test_add_func("/ethtool/query/tree", test_query_tree);
	g_test_add_func("/ethtool/query/live-veth", test_query_live_veth);
	return g_test_run();
}
