/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfQueueName: what an IRQ action name says about the queue behind it,
 * from the naming habits of the drivers ("virtio0-input.3", "eth0-rx-0",
 * "ens1f0-TxRx-5", "mlx5_comp7@pci:0000:3b:00.0", "nvme0q3",
 * "virtio2-request"). Only a name: which interface it belongs to is decided
 * by the caller against the interfaces of the device that owns the vector
 * (msi_irqs), never by prefix. Pure text in, structure out.
 */

#include <glib.h>

#include "irq.h"

typedef enum {
	AF_QUEUE_FAMILY_VIRTIO, /* "virtioN-<vq name>" */
	AF_QUEUE_FAMILY_NETDEV, /* "<ifname>-rx-N", "<ifname>-TxRx-N", "<drv>-<ifname>-TxRx-N" */
	AF_QUEUE_FAMILY_MLX5,   /* "mlx5_compN@pci:<address>" */
	AF_QUEUE_FAMILY_NVME,   /* "nvmeNqM" */
} AfQueueFamily;

typedef struct AfQueueName {
	AfQueueFamily family;
	char *owner;      /* "virtio0", "eth0" (may carry a driver prefix: "ice-eth0"),
			     "0000:3b:00.0", "nvme0" */
	char *role;       /* "input", "request", "rx", "TxRx", "comp", "q", "config", ... */
	AfQueueKind kind;
	int queue;        /* the queue index, -1 when the name has none */
	gboolean storage; /* a storage data queue (nvme I/O, virtio request/req) */
} AfQueueName;

/*
 * Parses one action name. Returns 0, or -EINVAL when the name follows no
 * known queue naming (then the IRQ has no queue).
 */
int af_queuename_parse(const char *name, AfQueueName **ret_queue_name);
/* Frees; accepts NULL. */
void af_queuename_free(AfQueueName *queue_name);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfQueueName, af_queuename_free)

/*
 * TRUE when owner names the interface ifname: equal, or a driver prefix
 * followed by "-ifname" ("ice-eth1" for eth1; never "eth10" for eth1).
 */
gboolean af_queuename_owner_is_interface(const char *owner, const char *ifname);
