/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfLinkWatch: rtnetlink link events (RTM_NEWLINK, RTM_DELLINK on
 * RTNLGRP_LINK) through libnl-route, in the network namespace the process
 * is in. Interfaces appearing, going, being renamed or changing state can
 * change which IRQs belong to which interface. Attached to the default
 * main context.
 */

#include <glib.h>

typedef enum {
	AF_LINK_NEW,	 /* RTM_NEWLINK: added or changed */
	AF_LINK_DEL,	 /* RTM_DELLINK */
	AF_LINK_OVERRUN, /* the socket lost messages: anything may have changed */
} AfLinkChange;

typedef struct AfLinkEvent {
	AfLinkChange change;
	int ifindex;	  /* 0 for AF_LINK_OVERRUN */
	const char *name; /* NULL when the message had none */
} AfLinkEvent;

typedef void (*AfLinkCallback)(const AfLinkEvent *event, gpointer user_data);

typedef struct AfLinkWatch AfLinkWatch;

/* Opens the socket, joins RTNLGRP_LINK, attaches. 0 or a negative errno. */
int af_link_watch_new(AfLinkCallback callback, gpointer user_data, AfLinkWatch **ret_watch);
/* Detaches and frees; accepts NULL. */
void af_link_watch_free(AfLinkWatch *watch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfLinkWatch, af_link_watch_free)
/*
 * Hands every link message of buf (netlink messages as one recv() gives
 * them, any alignment) to callback, as the socket's handler does; other
 * messages, and messages or attributes that do not parse, are skipped.
 */
void af_link_watch_dispatch(const void *buf, gsize len, AfLinkCallback callback,
			    gpointer user_data);
/* "new", "del", "overrun". */
const char *af_link_watch_change_to_string(AfLinkChange change);
