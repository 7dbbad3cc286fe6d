/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <netlink/socket.h>

#include "nlwatch.h"

struct AfNlWatch {
	struct nl_sock *sock;
	guint source;
	AfNlMessageFunc on_message;
	AfNlOverrunFunc on_overrun;
	gpointer user_data;
};

static int on_valid(struct nl_msg *msg, void *arg)
{
	AfNlWatch *watch = arg;

	return watch->on_message(msg, watch->user_data);
}

static gboolean on_readable(int fd, GIOCondition condition, gpointer user_data)
{
	AfNlWatch *watch = user_data;
	int r;

	r = nl_recvmsgs_default(watch->sock);
	/* ENOBUFS (NLE_NOMEM) and friends: messages were dropped. */
	if (r < 0 && r != -NLE_AGAIN)
		watch->on_overrun(r, watch->user_data);
	return G_SOURCE_CONTINUE;
}

int af_nl_error_to_errno(int r)
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
	case NLE_OBJ_NOTFOUND:
		return -EOPNOTSUPP;
	default:
		return -EIO;
	}
}

int af_nl_watch_new(int protocol, AfNlMessageFunc on_message, AfNlOverrunFunc on_overrun,
		    gpointer user_data, AfNlWatch **ret_watch)
{
	g_autoptr(AfNlWatch) watch = g_new0(AfNlWatch, 1);
	int r;

	watch->on_message = on_message;
	watch->on_overrun = on_overrun;
	watch->user_data = user_data;
	watch->sock = nl_socket_alloc();
	if (!watch->sock)
		return -ENOMEM;
	/* Multicast notifications carry no sequence numbers of ours. */
	nl_socket_disable_seq_check(watch->sock);
	r = nl_socket_modify_cb(watch->sock, NL_CB_VALID, NL_CB_CUSTOM, on_valid, watch);
	if (r < 0)
		return af_nl_error_to_errno(r);
	r = nl_connect(watch->sock, protocol);
	if (r < 0)
		return af_nl_error_to_errno(r);
	*ret_watch = g_steal_pointer(&watch);
	return 0;
}

void af_nl_watch_free(AfNlWatch *watch)
{
	if (!watch)
		return;
	if (watch->source)
		g_source_remove(watch->source);
	if (watch->sock)
		nl_socket_free(watch->sock);
	g_free(watch);
}

struct nl_sock *af_nl_watch_get_socket(AfNlWatch *watch)
{
	return watch->sock;
}

int af_nl_watch_attach(AfNlWatch *watch, int group)
{
	int r;

	g_assert(watch->source == 0);
	r = nl_socket_add_membership(watch->sock, group);
	if (r < 0)
		return af_nl_error_to_errno(r);
	r = nl_socket_set_nonblocking(watch->sock);
	if (r < 0)
		return af_nl_error_to_errno(r);
	watch->source = g_unix_fd_add(nl_socket_get_fd(watch->sock), G_IO_IN, on_readable, watch);
	return 0;
}
