/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "napi.h"

/*
 * include/uapi/linux/netdev.h of 6.9 and later; the build machine's headers
 * may predate it. The values are ABI: commands and attributes only grow.
 */
#define NETDEV_FAMILY_NAME "netdev"
#define NETDEV_CMD_NAPI_GET 11
#define NETDEV_A_NAPI_IFINDEX 1
#define NETDEV_A_NAPI_ID 2
#define NETDEV_A_NAPI_IRQ 3
#define NETDEV_A_NAPI_PID 4

/* The live side: generic netlink. */

typedef struct Request {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char attrs[64];
} Request;

static int send_request(int fd, guint16 type, guint16 flags, guint8 cmd, guint16 attr,
			const void *data, guint16 len)
{
	Request req = {0};
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	struct nlattr *a;

	req.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	req.n.nlmsg_type = type;
	req.n.nlmsg_flags = NLM_F_REQUEST | flags;
	req.n.nlmsg_seq = 1;
	req.g.cmd = cmd;
	req.g.version = 1;
	a = (struct nlattr *)((char *)&req + NLMSG_ALIGN(req.n.nlmsg_len));
	a->nla_type = attr;
	a->nla_len = (guint16)(NLA_HDRLEN + len);
	memcpy((char *)a + NLA_HDRLEN, data, len);
	req.n.nlmsg_len = NLMSG_ALIGN(req.n.nlmsg_len) + NLA_ALIGN(a->nla_len);
	if (sendto(fd, &req, req.n.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -errno;
	return 0;
}

/* One datagram; -EBADMSG when it did not fit the buffer. */
static int receive(int fd, void *buf, gsize size, gsize *ret_len)
{
	ssize_t n = recv(fd, buf, size, MSG_TRUNC);

	if (n < 0)
		return -errno;
	if ((gsize)n > size)
		return -EBADMSG;
	*ret_len = (gsize)n;
	return 0;
}

/* The attributes after a generic netlink header: calls fn for each; -EBADMSG if malformed. */
static int walk_attrs(const struct nlmsghdr *n,
		      void (*fn)(guint16 type, const guint8 *data, guint16 len, gpointer user_data),
		      gpointer user_data)
{
	const guint8 *p;
	gsize rem;

	if (n->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return -EBADMSG;
	p = (const guint8 *)NLMSG_DATA(n) + GENL_HDRLEN;
	rem = n->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	while (rem >= NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)p;
		gsize step = NLA_ALIGN(a->nla_len);

		if (a->nla_len < NLA_HDRLEN || a->nla_len > rem)
			return -EBADMSG;
		fn(a->nla_type & NLA_TYPE_MASK, p + NLA_HDRLEN, (guint16)(a->nla_len - NLA_HDRLEN),
		   user_data);
		if (step >= rem)
			break;
		p += step;
		rem -= step;
	}
	return 0;
}

static void on_family_attr(guint16 type, const guint8 *data, guint16 len, gpointer user_data)
{
	if (type == CTRL_ATTR_FAMILY_ID && len >= sizeof(guint16))
		memcpy(user_data, data, sizeof(guint16));
}

/* The netdev family's ID: -EOPNOTSUPP when the kernel has none (before 6.3). */
static int resolve_family(int fd, guint16 *ret_family)
{
	guint64 buf[1024];
	gsize len;
	guint rem;
	int r;
	guint16 family = 0;

	r = send_request(fd, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_NAME,
			 NETDEV_FAMILY_NAME, sizeof(NETDEV_FAMILY_NAME));
	if (r < 0)
		return r;
	r = receive(fd, buf, sizeof(buf), &len);
	if (r < 0)
		return r;
	rem = (guint)MIN(len, (gsize)G_MAXINT);
	for (const struct nlmsghdr *n = (const struct nlmsghdr *)buf; NLMSG_OK(n, rem);
	     n = NLMSG_NEXT(n, rem)) {
		if (n->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(n);

			if (n->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				return -EBADMSG;
			return e->error == -ENOENT ? -EOPNOTSUPP
			       : e->error < 0	   ? e->error
						   : -EBADMSG;
		}
		if (n->nlmsg_type == GENL_ID_CTRL) {
			r = walk_attrs(n, on_family_attr, &family);
			if (r < 0)
				return r;
		}
	}
	if (family == 0)
		return -EBADMSG;
	*ret_family = family;
	return 0;
}

static int query_live(AfSysroot *sysroot, const char *ifname, GArray **ret_infos)
{
	g_autoptr(GArray) infos = g_array_new(FALSE, FALSE, sizeof(AfNapiInfo));
	g_autofree char *path = g_strdup_printf("/sys/class/net/%s/ifindex", ifname);
	struct timeval timeout = {.tv_sec = 2};
	guint64 buf[4096];
	gint64 ifindex;
	guint16 family = 0;
	guint32 index;
	int fd, r;

	r = af_sysroot_read_int(sysroot, path, &ifindex);
	if (r < 0)
		return r == -ENOENT ? -ENODEV : r;
	if (ifindex <= 0 || ifindex > G_MAXUINT32)
		return -EINVAL;
	index = (guint32)ifindex;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	/* The kernel answers at once; a bound wait keeps a wedged one from hanging us. */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
	r = resolve_family(fd, &family);
	if (r == 0)
		r = send_request(fd, family, NLM_F_DUMP, NETDEV_CMD_NAPI_GET, NETDEV_A_NAPI_IFINDEX,
				 &index, sizeof(index));
	while (r == 0) {
		gsize len = 0;

		r = receive(fd, buf, sizeof(buf), &len);
		if (r == 0)
			r = af_napi_decode(buf, len, family, index, infos);
	}
	close(fd);
	/* A netdev family without NAPI_GET (6.3-6.8) refuses the command. */
	if (r == -EOPNOTSUPP || r == -EINVAL)
		return -EOPNOTSUPP;
	if (r < 0)
		return r;
	*ret_infos = g_steal_pointer(&infos);
	return 0;
}

typedef struct Decoding {
	AfNapiInfo info;
	gboolean has_id;
	gboolean other_device;
	guint32 ifindex;
} Decoding;

static void on_napi_attr(guint16 type, const guint8 *data, guint16 len, gpointer user_data)
{
	Decoding *d = user_data;
	guint32 value;

	if (len < sizeof(value))
		return;
	memcpy(&value, data, sizeof(value));
	switch (type) {
	case NETDEV_A_NAPI_IFINDEX:
		d->other_device = value != d->ifindex;
		break;
	case NETDEV_A_NAPI_ID:
		d->info.id = value;
		d->has_id = TRUE;
		break;
	case NETDEV_A_NAPI_IRQ:
		d->info.irq = value <= G_MAXINT ? (int)value : -1;
		break;
	case NETDEV_A_NAPI_PID:
		d->info.pid = value <= G_MAXINT ? (int)value : 0;
		break;
	default:
		break;
	}
}

int af_napi_decode(const void *buf, gsize len, guint16 family, guint32 ifindex, GArray *infos)
{
	guint rem = (guint)MIN(len, (gsize)G_MAXINT);

	for (const struct nlmsghdr *n = buf; NLMSG_OK(n, rem); n = NLMSG_NEXT(n, rem)) {
		Decoding d = {.info = {.irq = -1}, .ifindex = ifindex};
		int r;

		if (n->nlmsg_type == NLMSG_DONE)
			return 1;
		if (n->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(n);

			if (n->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				return -EBADMSG;
			return e->error < 0 ? e->error : 1;
		}
		if (n->nlmsg_type != family)
			continue;
		r = walk_attrs(n, on_napi_attr, &d);
		if (r < 0)
			return r;
		if (d.has_id && !d.other_device)
			g_array_append_val(infos, d.info);
	}
	return 0;
}

/* The recorded side. */

int af_napi_parse(const char *text, GArray **ret_infos)
{
	g_autoptr(GArray) infos = g_array_new(FALSE, FALSE, sizeof(AfNapiInfo));
	g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);

	for (guint i = 0; lines[i]; i++) {
		const char *line = g_strstrip(lines[i]);
		AfNapiInfo info = {.irq = -1};
		g_auto(GStrv) fields = NULL;
		gboolean has_id = FALSE;

		if (!*line || *line == '#')
			continue;
		fields = g_strsplit_set(line, " \t", -1);
		for (guint f = 0; fields[f]; f++) {
			const char *eq = strchr(fields[f], '=');
			g_autofree char *key = NULL;
			guint64 v;

			if (!*fields[f])
				continue;
			/* A NAPI ID is the kernel's u32, which af_napi_decode() keeps whole. */
			if (!eq ||
			    !g_ascii_string_to_unsigned(eq + 1, 10, 0, G_MAXUINT32, &v, NULL))
				return -EINVAL;
			key = g_strndup(fields[f], (gsize)(eq - fields[f]));
			if (g_str_equal(key, "id")) {
				info.id = (guint)v;
				has_id = TRUE;
			} else if (v > G_MAXINT) {
				return -EINVAL;
			} else if (g_str_equal(key, "irq")) {
				info.irq = (int)v;
			} else if (g_str_equal(key, "pid")) {
				info.pid = (int)v;
			}
		}
		if (!has_id)
			return -EINVAL;
		g_array_append_val(infos, info);
	}
	*ret_infos = g_steal_pointer(&infos);
	return 0;
}

char *af_napi_format(const GArray *infos)
{
	GString *s = g_string_new("# netdev napi-get answers, recorded by affinityd-capture\n");

	for (guint i = 0; infos && i < infos->len; i++) {
		const AfNapiInfo *info = &g_array_index(infos, AfNapiInfo, i);

		g_string_append_printf(s, "id=%u", info->id);
		if (info->irq >= 0)
			g_string_append_printf(s, " irq=%d", info->irq);
		if (info->pid > 0)
			g_string_append_printf(s, " pid=%d", info->pid);
		g_string_append_c(s, '\n');
	}
	return g_string_free(s, FALSE);
}

const AfNapiInfo *af_napi_lookup_pid(const GArray *infos, int pid)
{
	for (guint i = 0; infos && pid > 0 && i < infos->len; i++)
		if (g_array_index(infos, AfNapiInfo, i).pid == pid)
			return &g_array_index(infos, AfNapiInfo, i);
	return NULL;
}

int af_napi_query(AfSysroot *sysroot, const char *ifname, GArray **ret_infos)
{
	g_autofree char *path = NULL, *text = NULL;
	int r;

	if (!ifname || !*ifname || strchr(ifname, '/'))
		return -EINVAL;
	if (af_sysroot_is_live(sysroot))
		return query_live(sysroot, ifname, ret_infos);
	path = g_strdup_printf(AF_NAPI_TREE_DIR "/%s", ifname);
	r = af_sysroot_read(sysroot, path, &text, NULL);
	if (r < 0)
		return r;
	return af_napi_parse(text, ret_infos);
}
