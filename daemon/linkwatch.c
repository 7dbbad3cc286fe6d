/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>
#include <linux/rtnetlink.h>
#include <netlink/route/link.h>

#include "linkwatch.h"
#include "nlwatch.h"

struct AfLinkWatch {
	AfNlWatch *nl;
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

static int on_message(struct nl_msg *msg, gpointer user_data)
{
	AfLinkWatch *watch = user_data;

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

static void on_overrun(int nl_error, gpointer user_data)
{
	AfLinkWatch *watch = user_data;
	const AfLinkEvent event = {.change = AF_LINK_OVERRUN};

	g_debug("rtnetlink receive: %s", nl_geterror(nl_error));
	watch->callback(&event, watch->user_data);
}

int af_link_watch_new(AfLinkCallback callback, gpointer user_data, AfLinkWatch **ret_watch)
{
	g_autoptr(AfLinkWatch) watch = g_new0(AfLinkWatch, 1);
	int r;

	watch->callback = callback;
	watch->user_data = user_data;
	r = af_nl_watch_new(NETLINK_ROUTE, on_message, on_overrun, watch, &watch->nl);
	if (r < 0)
		return r;
	r = af_nl_watch_attach(watch->nl, RTNLGRP_LINK);
	if (r < 0)
		return r;
	*ret_watch = g_steal_pointer(&watch);
	return 0;
}

void af_link_watch_free(AfLinkWatch *watch)
{
	if (!watch)
		return;
	af_nl_watch_free(watch->nl);
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
