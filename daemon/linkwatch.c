/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <string.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>

#include "linkwatch.h"

struct AfLinkWatch {
	struct nl_sock *sock;
	guint source;
	AfLinkCallback callback;
	gpointer user_data;
};

typedef struct ParseState {
	AfLinkCallback callback;
	gpointer user_data;
	AfLinkChange change;
} ParseState;

static void on_link_object(struct nl_object *object, void *arg)
{
	ParseState *state = arg;
	struct rtnl_link *link = (struct rtnl_link *)object;
	AfLinkEvent event = {
		.change = state->change,
		.ifindex = rtnl_link_get_ifindex(link),
		.name = rtnl_link_get_name(link),
	};

	state->callback(&event, state->user_data);
}

/* One message: a link event for RTM_NEWLINK and RTM_DELLINK, nothing for the rest. */
static int handle_message(struct nl_msg *msg, AfLinkCallback callback, gpointer user_data)
{
	ParseState state = {.callback = callback, .user_data = user_data};

	switch (nlmsg_hdr(msg)->nlmsg_type) {
	case RTM_NEWLINK:
		state.change = AF_LINK_NEW;
		break;
	case RTM_DELLINK:
		state.change = AF_LINK_DEL;
		break;
	default:
		return NL_SKIP;
	}
	/* libnl-route's link cache operations turn the message into an rtnl_link;
	 * one whose attributes do not parse is dropped there. */
	(void)nl_msg_parse(msg, on_link_object, &state);
	return NL_OK;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	AfLinkWatch *watch = arg;

	return handle_message(msg, watch->callback, watch->user_data);
}

void af_link_watch_dispatch(const void *buf, gsize len, AfLinkCallback callback, gpointer user_data)
{
	/* An aligned copy: netlink headers and attributes are read in place. */
	g_autofree struct nlmsghdr *copy = g_malloc0(MAX(len, sizeof(struct nlmsghdr)));
	struct nlmsghdr *hdr = copy;
	int remaining = (int)MIN(len, (gsize)G_MAXINT);

	memcpy(copy, buf, len);
	for (; nlmsg_ok(hdr, remaining); hdr = nlmsg_next(hdr, &remaining)) {
		struct nl_msg *msg = nlmsg_convert(hdr);

		if (!msg)
			continue;
		(void)handle_message(msg, callback, user_data);
		nlmsg_free(msg);
	}
}

static gboolean on_readable(int fd, GIOCondition condition, gpointer user_data)
{
	AfLinkWatch *watch = user_data;
	int r;

	r = nl_recvmsgs_default(watch->sock);
	if (r < 0 && r != -NLE_AGAIN) {
		/* ENOBUFS (NLE_NOMEM) and friends: messages were dropped. */
		const AfLinkEvent event = {.change = AF_LINK_OVERRUN};

		g_debug("rtnetlink receive: %s", nl_geterror(r));
		watch->callback(&event, watch->user_data);
	}
	return G_SOURCE_CONTINUE;
}

/* libnl's error numbers are its own; give callers something errno-like. */
static int nl_error_to_errno(int r)
{
	switch (-r) {
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_PERM:
		return -EPERM;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_AF_NOSUPPORT:
	case NLE_PROTO_MISMATCH:
		return -EAFNOSUPPORT;
	default:
		return -EIO;
	}
}

int af_link_watch_new(AfLinkCallback callback, gpointer user_data, AfLinkWatch **ret_watch)
{
	g_autoptr(AfLinkWatch) watch = g_new0(AfLinkWatch, 1);
	int r;

	watch->callback = callback;
	watch->user_data = user_data;
	watch->sock = nl_socket_alloc();
	if (!watch->sock)
		return -ENOMEM;
	/* Multicast notifications carry no sequence numbers of ours. */
	nl_socket_disable_seq_check(watch->sock);
	r = nl_socket_modify_cb(watch->sock, NL_CB_VALID, NL_CB_CUSTOM, on_valid, watch);
	if (r < 0)
		return nl_error_to_errno(r);
	r = nl_connect(watch->sock, NETLINK_ROUTE);
	if (r < 0)
		return nl_error_to_errno(r);
	r = nl_socket_add_membership(watch->sock, RTNLGRP_LINK);
	if (r < 0)
		return nl_error_to_errno(r);
	r = nl_socket_set_nonblocking(watch->sock);
	if (r < 0)
		return nl_error_to_errno(r);
	watch->source = g_unix_fd_add(nl_socket_get_fd(watch->sock), G_IO_IN, on_readable, watch);
	*ret_watch = g_steal_pointer(&watch);
	return 0;
}

void af_link_watch_free(AfLinkWatch *watch)
{
	if (!watch)
		return;
	if (watch->source)
		g_source_remove(watch->source);
	if (watch->sock)
		nl_socket_free(watch->sock);
	g_free(watch);
}

const char *af_link_watch_change_to_string(AfLinkChange change)
{
	switch (change) {
	case AF_LINK_NEW:
		return "new";
	case AF_LINK_DEL:
		return "del";
	case AF_LINK_OVERRUN:
		return "overrun";
	}
	g_assert_not_reached();
}
