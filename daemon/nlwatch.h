/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfNlWatch: a libnl socket that listens to one netlink multicast group,
 * attached to the default main context, for the daemon's netlink watches
 * (rtnetlink links, ethtool notifications). It owns the socket and its
 * source, hands each valid message to the watch's handler and, when a
 * receive fails (the socket overran: messages were dropped), calls the
 * overrun handler.
 */

#include <netlink/netlink.h>
#include <glib.h>

/* One valid message: NL_OK or NL_SKIP, as a libnl callback returns. */
typedef int (*AfNlMessageFunc)(struct nl_msg *msg, gpointer user_data);
/* A receive failed with nl_error (a libnl error): messages may have been lost. */
typedef void (*AfNlOverrunFunc)(int nl_error, gpointer user_data);

typedef struct AfNlWatch AfNlWatch;

/*
 * Opens a socket of protocol (NETLINK_ROUTE, NETLINK_GENERIC) and connects
 * it, still blocking and not attached, so that the caller can ask the
 * kernel first (a generic netlink family's group). 0 or a negative errno.
 */
int af_nl_watch_new(int protocol, AfNlMessageFunc on_message, AfNlOverrunFunc on_overrun,
		    gpointer user_data, AfNlWatch **ret_watch);
/* Detaches, closes and frees; accepts NULL. */
void af_nl_watch_free(AfNlWatch *watch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfNlWatch, af_nl_watch_free)
/* The socket, for requests before af_nl_watch_attach(). */
struct nl_sock *af_nl_watch_get_socket(AfNlWatch *watch);
/* Joins group, makes the socket nonblocking, attaches. 0 or a negative errno. */
int af_nl_watch_attach(AfNlWatch *watch, int group);
/* libnl's error numbers are its own: an errno-like negative number for r. */
int af_nl_error_to_errno(int r);
