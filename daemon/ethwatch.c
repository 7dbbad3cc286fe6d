/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <linux/ethtool_netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "ethwatch.h"

struct AfEthWatch {
	struct nl_sock *sock;
	guint source;
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

static int on_valid(struct nl_msg *msg, void *arg)
{
	AfEthWatch *watch = arg;
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

static gboolean on_readable(int fd, GIOCondition condition, gpointer user_data)
{
	AfEthWatch *watch = user_data;
	int r;

	r = nl_recvmsgs_default(watch->sock);
	if (r < 0 && r != -NLE_AGAIN) {
		/* ENOBUFS and friends: notifications were dropped. */
		const AfEthEvent event = {0};

		g_debug("ethtool netlink receive: %s", nl_geterror(r));
		watch->callback(&event, watch->user_data);
	}
	return G_SOURCE_CONTINUE;
}

static int nl_error_to_errno(int r)
{
	switch (-r) {
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_PERM:
		return -EPERM;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_OBJ_NOTFOUND:
		return -EOPNOTSUPP;
	default:
		return -EIO;
	}
}

int af_eth_watch_new(AfEthCallback callback, gpointer user_data, AfEthWatch **ret_watch)
{
	g_autoptr(AfEthWatch) watch = g_new0(AfEthWatch, 1);
	int group, r;

	watch->callback = callback;
	watch->user_data = user_data;
	watch->sock = nl_socket_alloc();
	if (!watch->sock)
		return -ENOMEM;
	nl_socket_disable_seq_check(watch->sock);
	r = nl_socket_modify_cb(watch->sock, NL_CB_VALID, NL_CB_CUSTOM, on_valid, watch);
	if (r < 0)
		return nl_error_to_errno(r);
	r = genl_connect(watch->sock);
	if (r < 0)
		return nl_error_to_errno(r);
	group = genl_ctrl_resolve_grp(watch->sock, ETHTOOL_GENL_NAME, ETHTOOL_MCGRP_MONITOR_NAME);
	if (group < 0)
		return nl_error_to_errno(group);
	r = nl_socket_add_membership(watch->sock, group);
	if (r < 0)
		return nl_error_to_errno(r);
	r = nl_socket_set_nonblocking(watch->sock);
	if (r < 0)
		return nl_error_to_errno(r);
	watch->source = g_unix_fd_add(nl_socket_get_fd(watch->sock), G_IO_IN, on_readable, watch);
	*ret_watch = g_steal_pointer(&watch);
	return 0;
}

void af_eth_watch_free(AfEthWatch *watch)
{
	if (!watch)
		return;
	if (watch->source)
		g_source_remove(watch->source);
	if (watch->sock)
		nl_socket_free(watch->sock);
	g_free(watch);
}
