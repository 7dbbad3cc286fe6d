/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "queuename.h"

void af_queuename_free(AfQueueName *queue_name)
{
	if (!queue_name)
		return;
	g_free(queue_name->owner);
	g_free(queue_name->role);
	g_free(queue_name);
}

/* Matches pattern against name; the match info is the caller's on TRUE. */
static gboolean match(const char *pattern, const char *name, GMatchInfo **ret_info)
{
	g_autoptr(GRegex) regex = g_regex_new(pattern, G_REGEX_OPTIMIZE, 0, NULL);

	g_assert(regex);
	if (g_regex_match(regex, name, 0, ret_info))
		return TRUE;
	g_clear_pointer(ret_info, g_match_info_unref);
	return FALSE;
}

static int fetch_index(GMatchInfo *info, int group)
{
	g_autofree char *text = g_match_info_fetch(info, group);
	guint64 value;

	if (!text || !*text || !g_ascii_string_to_unsigned(text, 10, 0, G_MAXINT, &value, NULL))
		return -1;
	return (int)value;
}

static AfQueueName *queue_name_new(AfQueueFamily family, GMatchInfo *info, int owner_group,
				   int role_group)
{
	AfQueueName *q = g_new0(AfQueueName, 1);

	q->family = family;
	q->owner = g_match_info_fetch(info, owner_group);
	q->role = g_match_info_fetch(info, role_group);
	q->kind = AF_QUEUE_NONE;
	q->queue = -1;
	return q;
}

/* nvme0q0 is the admin queue; nvme0q1.. are the I/O queues, one per CPU group. */
static AfQueueName *parse_nvme(const char *name)
{
	g_autoptr(GMatchInfo) info = NULL;
	AfQueueName *q;
	int index;

	if (!match("^(nvme[0-9]+)(q)([0-9]+)$", name, &info))
		return NULL;
	index = fetch_index(info, 3);
	if (index < 0)
		return NULL;
	q = queue_name_new(AF_QUEUE_FAMILY_NVME, info, 1, 2);
	if (index >= 1) {
		q->kind = AF_QUEUE_COMBINED;
		q->queue = index;
		q->storage = TRUE;
	}
	return q;
}

/* mlx5_comp7@pci:0000:3b:00.0 is completion vector 7; mlx5_async0@pci:... is control. */
static AfQueueName *parse_mlx5(const char *name)
{
	g_autoptr(GMatchInfo) info = NULL;
	AfQueueName *q;

	if (!match("^mlx5_([a-z_]+?)([0-9]*)@pci:(\\S+)$", name, &info))
		return NULL;
	q = queue_name_new(AF_QUEUE_FAMILY_MLX5, info, 3, 1);
	if (g_str_equal(q->role, "comp")) {
		q->queue = fetch_index(info, 2);
		q->kind = q->queue >= 0 ? AF_QUEUE_COMBINED : AF_QUEUE_NONE;
	}
	return q;
}

/*
 * virtio_pci names a vector "<virtio device>-<virtqueue name>": virtio-net
 * input.N/output.N, virtio-blk req.N, virtio-scsi request (all alike, no
 * index), and config, control, event, requests (9p, old virtio-blk), ...
 */
static AfQueueName *parse_virtio(const char *name)
{
	g_autoptr(GMatchInfo) info = NULL;
	AfQueueName *q;
	int index;

	if (!match("^(virtio[0-9]+)-([A-Za-z_]+)(?:\\.([0-9]+))?$", name, &info))
		return NULL;
	q = queue_name_new(AF_QUEUE_FAMILY_VIRTIO, info, 1, 2);
	index = fetch_index(info, 3);
	if (g_str_equal(q->role, "input") && index >= 0) {
		q->kind = AF_QUEUE_RX;
		q->queue = index;
	} else if (g_str_equal(q->role, "output") && index >= 0) {
		q->kind = AF_QUEUE_TX;
		q->queue = index;
	} else if (g_str_equal(q->role, "req") && index >= 0) {
		q->kind = AF_QUEUE_COMBINED;
		q->queue = index;
		q->storage = TRUE;
	} else if (g_str_equal(q->role, "request") && index < 0) {
		q->kind = AF_QUEUE_COMBINED;
		q->storage = TRUE;
	}
	return q;
}

/*
 * Ethernet drivers: "<ifname>-rx-N", "-tx-N" (e1000e, ixgbe, igb), "-TxRx-N"
 * (i40e, ixgbe, igb, bnxt; ice prefixes its driver name: "ice-<ifname>-TxRx-N"),
 * "-fp-N" (bnx2x). Interface names may hold dashes: the owner is all before
 * the last role.
 */
static AfQueueName *parse_netdev(const char *name)
{
	g_autoptr(GMatchInfo) info = NULL;
	AfQueueName *q;

	if (!match("^(\\S+)-(rx|tx|TxRx|txrx|fp)-([0-9]+)$", name, &info))
		return NULL;
	if (fetch_index(info, 3) < 0)
		return NULL;
	q = queue_name_new(AF_QUEUE_FAMILY_NETDEV, info, 1, 2);
	q->queue = fetch_index(info, 3);
	if (g_str_equal(q->role, "rx"))
		q->kind = AF_QUEUE_RX;
	else if (g_str_equal(q->role, "tx"))
		q->kind = AF_QUEUE_TX;
	else
		q->kind = AF_QUEUE_COMBINED;
	return q;
}

int af_queuename_parse(const char *name, AfQueueName **ret_queue_name)
{
	AfQueueName *(*const parsers[])(const char *) = {
		parse_nvme, parse_mlx5, parse_virtio, parse_netdev,
	};

	if (!name || !g_utf8_validate(name, -1, NULL))
		return -EINVAL;
	for (gsize i = 0; i < G_N_ELEMENTS(parsers); i++) {
		AfQueueName *q = parsers[i](name);

		if (q) {
			*ret_queue_name = q;
			return 0;
		}
	}
	return -EINVAL;
}

gboolean af_queuename_owner_is_interface(const char *owner, const char *ifname)
{
	gsize owner_len, if_len;

	if (!owner || !ifname || !*ifname)
		return FALSE;
	if (g_str_equal(owner, ifname))
		return TRUE;
	owner_len = strlen(owner);
	if_len = strlen(ifname);
	return owner_len > if_len + 1 && g_str_has_suffix(owner, ifname) &&
	       owner[owner_len - if_len - 1] == '-';
}
