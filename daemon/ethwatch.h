/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfEthWatch: ethtool netlink notifications (generic netlink family
 * "ethtool", multicast group "monitor") through libnl-genl, in the network
 * namespace the process is in: an interface's channels changed (ethtool
 * -L: queues and their IRQs come and go) or its features did (ntuple
 * on/off: aRFS). Which messages matter is lib/events.c's
 * (af_event_from_ethtool_cmd). Attached to the default main context.
 * Kernels without ethtool netlink (before 5.6) have no such family: then
 * af_eth_watch_new() fails with -EOPNOTSUPP and the queue uevents and link
 * events still come.
 */

#include <glib.h>

typedef struct AfEthEvent {
	guint8 cmd;	  /* ETHTOOL_MSG_*_NTF; 0 for an overrun */
	const char *name; /* the interface, NULL when the message had none or overran */
} AfEthEvent;

typedef void (*AfEthCallback)(const AfEthEvent *event, gpointer user_data);

typedef struct AfEthWatch AfEthWatch;

/* Resolves the family and group, joins it, attaches. 0 or a negative errno. */
int af_eth_watch_new(AfEthCallback callback, gpointer user_data, AfEthWatch **ret_watch);
/* Detaches and frees; accepts NULL. */
void af_eth_watch_free(AfEthWatch *watch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfEthWatch, af_eth_watch_free)
