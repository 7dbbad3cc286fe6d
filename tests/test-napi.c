/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "napi.h"
#include "netns.h"
#include "testutil.h"

/*
 * The recorded form, the decoder on hand-built netlink buffers, and the live
 * query against a veth with threaded NAPI in a network namespace of the
 * test's own (with a mount namespace whose /sys is that netns's, so the
 * veth's sysfs files are its own and never the host's).
 */

static void test_parse_format(void)
{
	g_autoptr(GArray) infos = NULL, again = NULL;
	g_autofree char *text = NULL;

	g_assert_cmpint(af_napi_parse("# comment\nid=8193 irq=45 pid=612\n\nid=8194\n", &infos), ==,
			0);
	g_assert_cmpuint(infos->len, ==, 2);
	g_assert_cmpuint(g_array_index(infos, AfNapiInfo, 0).id, ==, 8193);
	g_assert_cmpint(g_array_index(infos, AfNapiInfo, 0).irq, ==, 45);
	g_assert_cmpint(g_array_index(infos, AfNapiInfo, 0).pid, ==, 612);
	g_assert_cmpint(g_array_index(infos, AfNapiInfo, 1).irq, ==, -1);
	g_assert_cmpint(g_array_index(infos, AfNapiInfo, 1).pid, ==, 0);
	g_assert_true(af_napi_lookup_pid(infos, 612) == &g_array_index(infos, AfNapiInfo, 0));
	g_assert_null(af_napi_lookup_pid(infos, 0));
	text = af_napi_format(infos);
	g_assert_cmpint(af_napi_parse(text, &again), ==, 0);
	g_assert_cmpuint(again->len, ==, 2);
	g_assert_cmpint(g_array_index(again, AfNapiInfo, 0).pid, ==, 612);
	g_assert_cmpint(g_array_index(again, AfNapiInfo, 1).irq, ==, -1);
}

/* The kernel's NAPI IDs are u32: one above G_MAXINT, decoded, must read back from the capture. */
static void test_parse_large_id(void)
{
	g_autoptr(GArray) infos = NULL;

	g_assert_cmpint(af_napi_parse("id=4294967295 irq=2147483647\n", &infos), ==, 0);
	g_assert_cmpuint(g_array_index(infos, AfNapiInfo, 0).id, ==, G_MAXUINT32);
	g_assert_cmpint(g_array_index(infos, AfNapiInfo, 0).irq, ==, G_MAXINT);
}

static void test_parse_bad(void)
{
	static const char *const bad[] = {"irq=4\n",
					  "id=x\n",
					  "id=1 pid\n",
					  "id=-1\n",
					  "id=4294967296\n",
					  "id=1 irq=2147483648\n",
					  "id=1 pid=4294967295\n"};

	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GArray) infos = NULL;

		g_test_message("text %s", bad[i]);
		g_assert_cmpint(af_napi_parse(bad[i], &infos), ==, -EINVAL);
	}
}

/* A hand-built dump: messages appended to buf, as the kernel lays them out. */
typedef struct Buf {
	guint64 data[256];
	gsize len;
} Buf;

static struct nlmsghdr *msg_begin(Buf *b, guint16 type)
{
	struct nlmsghdr *n = (struct nlmsghdr *)((char *)b->data + b->len);

	memset(n, 0, NLMSG_LENGTH(GENL_HDRLEN));
	n->nlmsg_type = type;
	n->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	return n;
}

static void msg_u32(struct nlmsghdr *n, guint16 type, guint32 value)
{
	struct nlattr *a = (struct nlattr *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + sizeof(value);
	memcpy((char *)a + NLA_HDRLEN, &value, sizeof(value));
	n->nlmsg_len = NLMSG_ALIGN(n->nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static void msg_end(Buf *b, struct nlmsghdr *n)
{
	b->len += NLMSG_ALIGN(n->nlmsg_len);
}

/* netdev.h's NAPI attributes: 1 ifindex, 2 id, 3 irq, 4 pid. */
static void add_napi(Buf *b, guint16 family, guint32 ifindex, guint32 id, int irq, int pid)
{
	struct nlmsghdr *n = msg_begin(b, family);

	msg_u32(n, 2, id);
	msg_u32(n, 1, ifindex);
	if (irq >= 0)
		msg_u32(n, 3, (guint32)irq);
	if (pid > 0)
		msg_u32(n, 4, (guint32)pid);
	msg_u32(n, 99, 7); /* a future attribute: skipped */
	msg_end(b, n);
}

static void test_decode(void)
{
	g_autoptr(GArray) infos = g_array_new(FALSE, FALSE, sizeof(AfNapiInfo));
	Buf b = {0};
	struct nlmsghdr *n;

	add_napi(&b, 30, 5, 8193, 45, 612);
	add_napi(&b, 30, 6, 9000, 50, 700); /* another device: left out */
	add_napi(&b, 30, 5, 8194, -1, 0);
	add_napi(&b, 31, 5, 1, 1, 1); /* another family: left out */
	g_assert_cmpint(af_napi_decode(b.data, b.len, 30, 5, infos), ==, 0);
	g_assert_cmpuint(infos->len, ==, 2);
	g_assert_cmpuint(g_array_index(infos, AfNapiInfo, 0).id, ==, 8193);
	g_assert_cmpint(g_array_index(infos, AfNapiInfo, 0).irq, ==, 45);
	g_assert_cmpint(g_array_index(infos, AfNapiInfo, 0).pid, ==, 612);
	g_assert_cmpuint(g_array_index(infos, AfNapiInfo, 1).id, ==, 8194);
	g_assert_cmpint(g_array_index(infos, AfNapiInfo, 1).irq, ==, -1);
	g_assert_cmpint(g_array_index(infos, AfNapiInfo, 1).pid, ==, 0);

	/* NLMSG_DONE ends the dump. */
	b.len = 0;
	n = msg_begin(&b, NLMSG_DONE);
	msg_end(&b, n);
	g_assert_cmpint(af_napi_decode(b.data, b.len, 30, 5, infos), ==, 1);

	/* An error: the kernel's errno. */
	b.len = 0;
	n = msg_begin(&b, NLMSG_ERROR);
	n->nlmsg_len = NLMSG_LENGTH(sizeof(struct nlmsgerr));
	((struct nlmsgerr *)NLMSG_DATA(n))->error = -EOPNOTSUPP;
	msg_end(&b, n);
	g_assert_cmpint(af_napi_decode(b.data, b.len, 30, 5, infos), ==, -EOPNOTSUPP);

	/* An attribute longer than its message. */
	b.len = 0;
	n = msg_begin(&b, 30);
	msg_u32(n, 2, 1);
	((struct nlattr *)((char *)n + NLMSG_LENGTH(GENL_HDRLEN)))->nla_len = 200;
	msg_end(&b, n);
	g_assert_cmpint(af_napi_decode(b.data, b.len, 30, 5, infos), ==, -EBADMSG);
	g_assert_cmpuint(infos->len, ==, 2);
}

static gboolean in_own_sysfs;

static gboolean run(const char *command)
{
	g_autofree char *quiet = g_strdup_printf("%s >/dev/null 2>&1", command);

	if (system(quiet) == 0)
		return TRUE;
	g_test_skip(command);
	return FALSE;
}

/* The kernel's answer names each threaded NAPI's kthread: its comm is napi/afn0-ID. */
static void test_query_live(void)
{
	g_autoptr(AfSysroot) live = NULL;
	g_autoptr(GArray) infos = NULL;
	guint threads = 0;
	int r;

	if (!af_test_netns_require())
		return;
	if (!in_own_sysfs) {
		g_test_skip("cannot mount a sysfs of the test's own network namespace");
		return;
	}
	if (!run("ip link add afn0 numtxqueues 2 numrxqueues 2 type veth peer name afn1 "
		 "numtxqueues 2 numrxqueues 2"))
		return;
	/* veth has NAPIs while GRO is on (and the link up); threaded gives them kthreads. */
	if (!run("ip link set afn1 up && ip link set afn0 up && ethtool -K afn0 gro on") ||
	    !run("(echo 1 > /sys/class/net/afn0/threaded)")) {
		af_test_link_del("afn0");
		return;
	}
	g_assert_cmpint(af_sysroot_open("/", &live), ==, 0);
	r = af_napi_query(live, "afn0", &infos);
	if (r == -EOPNOTSUPP) {
		g_test_skip("this kernel has no netdev napi-get (before 6.9)");
		af_test_link_del("afn0");
		return;
	}
	g_assert_cmpint(r, ==, 0);
	g_assert_cmpuint(infos->len, >=, 1);
	for (guint i = 0; i < infos->len; i++) {
		const AfNapiInfo *info = &g_array_index(infos, AfNapiInfo, i);
		g_autofree char *path = g_strdup_printf("/proc/%d/comm", info->pid);
		g_autofree char *comm = NULL, *want = g_strdup_printf("napi/afn0-%u\n", info->id);

		g_test_message("napi id %u irq %d pid %d", info->id, info->irq, info->pid);
		g_assert_cmpint(info->irq, ==, -1); /* veth polls without an IRQ */
		if (info->pid <= 0)
			continue;
		threads++;
		g_assert_true(g_file_get_contents(path, &comm, NULL, NULL));
		g_assert_cmpstr(comm, ==, want);
	}
	g_assert_cmpuint(threads, >=, 1);
	g_assert_cmpint(af_napi_query(live, "afn-none", &infos), ==, -ENODEV);
	af_test_link_del("afn0");
}

/* A mount namespace whose /sys shows the network namespace entered. */
static gboolean enter_own_sysfs(void)
{
	if (unshare(CLONE_NEWNS) < 0)
		return FALSE;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return FALSE;
	return mount("sysfs", "/sys", "sysfs", 0, NULL) == 0;
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	if (af_test_netns_enter())
		in_own_sysfs = enter_own_sysfs();
	g_test_add_func("/napi/parse/format", test_parse_format);
	g_test_add_func("/napi/parse/large-id", test_parse_large_id);
	g_test_add_func("/napi/parse/bad", test_parse_bad);
	g_test_add_func("/napi/decode/buffers", test_decode);
	g_test_add_func("/napi/query/live-veth", test_query_live);
	return g_test_run();
}
