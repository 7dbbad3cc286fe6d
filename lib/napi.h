/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfNapiInfo: each NAPI instance of an interface as the kernel's netdev
 * generic netlink family tells it (NETDEV_CMD_NAPI_GET, 6.9 on): its ID,
 * the IRQ it is polled for and the PID of its threaded NAPI kthread. On the
 * live machine it is a dump over a NETLINK_GENERIC socket (allowed by the
 * unit's AF_NETLINK; needs no capability); a tree cannot answer, so
 * affinityd-capture records the answers in AF_NAPI_TREE_DIR/IFNAME in the
 * format of af_napi_format(), which a tree's query reads back. Kernels
 * before 6.9 (6.1) have no such family or command: the query says
 * -EOPNOTSUPP and the caller matches threads to queues by itself (netif.h).
 */

#include <glib.h>

#include "sysroot.h"

/* Where a captured tree keeps the netdev answers, one file per interface. */
#define AF_NAPI_TREE_DIR "/affinityd-capture/napi"

typedef struct AfNapiInfo {
	guint id;
	int irq; /* -1: the NAPI has no IRQ (veth, software) */
	int pid; /* 0: not threaded */
} AfNapiInfo;

/*
 * The NAPI instances of ifname (AfNapiInfo elements, by ID): the live
 * kernel's netdev family, or the tree's recorded file. -EOPNOTSUPP when the
 * kernel has no netdev family or no NAPI_GET, -ENOENT when a tree has no
 * answers recorded for it, -ENODEV when the interface is gone, -EINVAL for a
 * file that does not parse, another negative errno when netlink fails.
 */
int af_napi_query(AfSysroot *sysroot, const char *ifname, GArray **ret_infos);
/* Parses the recorded form ("id=N irq=N pid=N" lines, '#' comments); -EINVAL on a bad line. */
int af_napi_parse(const char *text, GArray **ret_infos);
/* The recorded form of infos. */
char *af_napi_format(const GArray *infos);
/*
 * Decodes one receive buffer of a NAPI_GET dump (pure): appends the NAPIs of
 * family's replies that belong to ifindex to infos. Returns 1 at NLMSG_DONE,
 * 0 when more buffers follow, the kernel's negative errno for an
 * NLMSG_ERROR, -EBADMSG for a malformed buffer.
 */
int af_napi_decode(const void *buf, gsize len, guint16 family, guint32 ifindex, GArray *infos);
/* The NAPI of infos with that kthread PID, or NULL. */
const AfNapiInfo *af_napi_lookup_pid(const GArray *infos, int pid);
