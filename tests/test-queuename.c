/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "queuename.h"

static void test_parse_table(void)
{
	static const struct {
		const char *name;
		int r;
		AfQueueFamily family;
		const char *owner, *role;
		AfQueueKind kind;
		int queue;
		gboolean storage;
	} cases[] = {
		/* virtio-net */
		{ "virtio0-input.3", 0, AF_QUEUE_FAMILY_VIRTIO, "virtio0", "input", AF_QUEUE_RX, 3, FALSE },
		{ "virtio0-output.3", 0, AF_QUEUE_FAMILY_VIRTIO, "virtio0", "output", AF_QUEUE_TX, 3, FALSE },
		{ "virtio12-input.0", 0, AF_QUEUE_FAMILY_VIRTIO, "virtio12", "input", AF_QUEUE_RX, 0, FALSE },
		{ "virtio0-config", 0, AF_QUEUE_FAMILY_VIRTIO, "virtio0", "config", AF_QUEUE_NONE, -1, FALSE },
		{ "virtio0-control", 0, AF_QUEUE_FAMILY_VIRTIO, "virtio0", "control", AF_QUEUE_NONE, -1, FALSE },
		/* virtio-rng/input "input" without index is no net queue */
		{ "virtio4-input", 0, AF_QUEUE_FAMILY_VIRTIO, "virtio4", "input", AF_QUEUE_NONE, -1, FALSE },
		/* virtio-scsi: every request vector has the same name */
		{ "virtio2-request", 0, AF_QUEUE_FAMILY_VIRTIO, "virtio2", "request", AF_QUEUE_COMBINED, -1, TRUE },
		{ "virtio2-event", 0, AF_QUEUE_FAMILY_VIRTIO, "virtio2", "event", AF_QUEUE_NONE, -1, FALSE },
		/* virtio-blk */
		{ "virtio0-req.1", 0, AF_QUEUE_FAMILY_VIRTIO, "virtio0", "req", AF_QUEUE_COMBINED, 1, TRUE },
		{ "virtio1-req.0", 0, AF_QUEUE_FAMILY_VIRTIO, "virtio1", "req", AF_QUEUE_COMBINED, 0, TRUE },
		/* 9p and pre-mq virtio-blk both say "requests": not enough to call it storage */
		{ "virtio0-requests", 0, AF_QUEUE_FAMILY_VIRTIO, "virtio0", "requests", AF_QUEUE_NONE, -1, FALSE },
		/* e1000e, ixgbe, i40e, ice, bnx2x */
		{ "eth0-rx-0", 0, AF_QUEUE_FAMILY_NETDEV, "eth0", "rx", AF_QUEUE_RX, 0, FALSE },
		{ "eth0-tx-0", 0, AF_QUEUE_FAMILY_NETDEV, "eth0", "tx", AF_QUEUE_TX, 0, FALSE },
		{ "ens1f0-TxRx-5", 0, AF_QUEUE_FAMILY_NETDEV, "ens1f0", "TxRx", AF_QUEUE_COMBINED, 5, FALSE },
		{ "eth10-TxRx-63", 0, AF_QUEUE_FAMILY_NETDEV, "eth10", "TxRx", AF_QUEUE_COMBINED, 63, FALSE },
		{ "ice-ens1f0-TxRx-0", 0, AF_QUEUE_FAMILY_NETDEV, "ice-ens1f0", "TxRx", AF_QUEUE_COMBINED, 0, FALSE },
		{ "br-lan-rx-2", 0, AF_QUEUE_FAMILY_NETDEV, "br-lan", "rx", AF_QUEUE_RX, 2, FALSE },
		{ "eth0-fp-3", 0, AF_QUEUE_FAMILY_NETDEV, "eth0", "fp", AF_QUEUE_COMBINED, 3, FALSE },
		/* mlx5 */
		{ "mlx5_comp7@pci:0000:3b:00.0", 0, AF_QUEUE_FAMILY_MLX5, "0000:3b:00.0", "comp", AF_QUEUE_COMBINED, 7, FALSE },
		{ "mlx5_comp0@pci:0000:3b:00.1", 0, AF_QUEUE_FAMILY_MLX5, "0000:3b:00.1", "comp", AF_QUEUE_COMBINED, 0, FALSE },
		{ "mlx5_async0@pci:0000:3b:00.0", 0, AF_QUEUE_FAMILY_MLX5, "0000:3b:00.0", "async", AF_QUEUE_NONE, -1, FALSE },
		/* nvme: q0 is the admin queue */
		{ "nvme0q3", 0, AF_QUEUE_FAMILY_NVME, "nvme0", "q", AF_QUEUE_COMBINED, 3, TRUE },
		{ "nvme0q0", 0, AF_QUEUE_FAMILY_NVME, "nvme0", "q", AF_QUEUE_NONE, -1, FALSE },
		{ "nvme11q128", 0, AF_QUEUE_FAMILY_NVME, "nvme11", "q", AF_QUEUE_COMBINED, 128, TRUE },
		/* not queues */
		{ "", -EINVAL, 0, NULL, NULL, AF_QUEUE_NONE, -1, FALSE },
		{ "timer", -EINVAL, 0, NULL, NULL, AF_QUEUE_NONE, -1, FALSE },
		{ "eth0", -EINVAL, 0, NULL, NULL, AF_QUEUE_NONE, -1, FALSE },
		{ "eth0-rx-", -EINVAL, 0, NULL, NULL, AF_QUEUE_NONE, -1, FALSE },
		{ "-rx-0", -EINVAL, 0, NULL, NULL, AF_QUEUE_NONE, -1, FALSE },
		{ "eth0-rx-0, eth1-rx-0", -EINVAL, 0, NULL, NULL, AF_QUEUE_NONE, -1, FALSE },
		{ "i40e-0000:3b:00.0:misc", -EINVAL, 0, NULL, NULL, AF_QUEUE_NONE, -1, FALSE },
		{ "nvme0q99999999999", -EINVAL, 0, NULL, NULL, AF_QUEUE_NONE, -1, FALSE },
		{ "nvme0q", -EINVAL, 0, NULL, NULL, AF_QUEUE_NONE, -1, FALSE },
		{ "nvmeq1", -EINVAL, 0, NULL, NULL, AF_QUEUE_NONE, -1, FALSE },
		{ "virtio-input.0", -EINVAL, 0, NULL, NULL, AF_QUEUE_NONE, -1, FALSE },
		{ "virtio0-input.x", -EINVAL, 0, NULL, NULL, AF_QUEUE_NONE, -1, FALSE },
		{ "ahci[0000:00:17.0]", -EINVAL, 0, NULL, NULL, AF_QUEUE_NONE, -1, FALSE },
		{ "eth0-rx-99999999999", -EINVAL, 0, NULL, NULL, AF_QUEUE_NONE, -1, FALSE },
	};

	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(AfQueueName) q = NULL;

		g_test_message("case %zu: \"%s\"", i, cases[i].name);
		g_assert_cmpint(af_queuename_parse(cases[i].name, &q), ==, cases[i].r);
		if (cases[i].r < 0) {
			g_assert_null(q);
			continue;
		}
		g_assert_cmpint(q->family, ==, cases[i].family);
		g_assert_cmpstr(q->owner, ==, cases[i].owner);
		g_assert_cmpstr(q->role, ==, cases[i].role);
		g_assert_cmpint(q->kind, ==, cases[i].kind);
		g_assert_cmpint(q->queue, ==, cases[i].queue);
		g_assert_cmpint(q->storage, ==, cases[i].storage);
	}
}

static void test_owner_is_interface_table(void)
{
	static const struct {
		const char *owner, *ifname;
		gboolean expect;
	} cases[] = {
		{ "eth1", "eth1", TRUE },
		{ "eth10", "eth1", FALSE },
		{ "eth1", "eth10", FALSE },
		{ "ice-eth1", "eth1", TRUE },
		{ "ice-eth10", "eth1", FALSE },
		{ "xeth1", "eth1", FALSE },
		{ "-eth1", "eth1", FALSE },
		{ "br-lan", "lan", TRUE },
		{ "eth1", "", FALSE },
		{ NULL, "eth1", FALSE },
		{ "eth1", NULL, FALSE },
	};

	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++)
		g_assert_cmpint(af_queuename_owner_is_interface(cases[i].owner, cases[i].ifname), ==,
				cases[i].expect);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/queuename/parse/table", test_parse_table);
	g_test_add_func("/queuename/owner_is_interface/table", test_owner_is_interface_table);
	return g_test_run();
}
