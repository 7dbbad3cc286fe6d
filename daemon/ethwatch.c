/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <linux/ethtool_netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "ethwatch.h"
#include "nlwatch.h"

struct AfEthWatch {
	AfNlWatch *nl;
	AfEthCallback callback;
	gpointer user_data;
};

/* The interface named in a notification's request header (attribute 1 of
 * every ethtool message: ETHTOOL_A_*_HEADER), or NULL. */
static const char *header_name(struct nlmsghdr *nlh)
{
	struct nlattr *tb[2] = {0};
	struct nlattr *header[ETHTOOL_A_HEADER_MAX + 1] = {0};

	if (genlmsg_parse(nlh, 0, tb, 1, NULL) < 0 || !tb[1])
		return NULL;
	if (nla_parse_nested(header, ETHTOOL_A_HEADER_MAX, tb[1], NULL) < 0 ||
	    !header[ETHTOOL_A_HEADER_DEV_NAME])
		return NULL;
	return nla_get_string(header[ETHTOOL_A_HEADER_DEV_NAME]);
}

static int on_message(struct nl_msg *msg, gpointer user_data)
{
	AfEthWatch *watch = user_data;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *ghdr;
	AfEthEvent event = {0};

	if (!genlmsg_valid_hdr(nlh, 0))
		return NL_SKIP;
	ghdr = nlmsg_data(nlh);
	event.cmd = ghdr->cmd;
	event.name = header_name(nlh);
	watch->callback(&event, watch->user_data);
	return NL_OK;
}

static void on_overrun(int nl_error, gpointer user_data)
{
	AfEthWatch *watch = user_data;
	const AfEthEvent event = {0};

	g_debug("ethtool netlink receive: %s", nl_geterror(nl_error));
	watch->callback(&event, watch->user_data);
}

int af_eth_watch_new(AfEthCallback callback, gpointer user_data, AfEthWatch **ret_watch)
{
	g_autoptr(AfEthWatch) watch = g_new0(AfEthWatch, 1);
	int group, r;

	watch->callback = callback;
	watch->user_data = user_data;
	r = af_nl_watch_new(NETLINK_GENERIC, on_message, on_overrun, watch, &watch->nl);
	if (r < 0)
		return r;
	group = genl_ctrl_resolve_grp(af_nl_watch_get_socket(watch->nl), ETHTOOL_GENL_NAME,
				      ETHTOOL_MCGRP_MONITOR_NAME);
	if (group < 0)
		return af_nl_error_to_errno(group);
	r = af_nl_watch_attach(watch->nl, group);
	if (r < 0)
		return r;
	*ret_watch = g_steal_pointer(&watch);
	return 0;
}

void af_eth_watch_free(AfEthWatch *watch)
{
	if (!watch)
		return;
	af_nl_watch_free(watch->nl);
	g_free(watch);
}
