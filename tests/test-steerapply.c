/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "log.h"
#include "steerapply.h"
#include "testutil.h"

/*
 * The steering writes on a small tree: a move whose value the kernel does
 * not show yet is written (hex masks nr_cpu_ids wide, numbers as text), one
 * it shows already is not, keep and skip never are, a NAPI thread of a tree
 * is reported as not applied, and a failing file counts as failed.
 */

static AfSteerEntry *entry(AfSteerKind kind, const char *path, const char *planned,
			   gint64 value, AfAction action)
{
	AfSteerEntry *e = g_new0(AfSteerEntry, 1);

	e->kind = kind;
	e->interface = "eth0";
	e->queue = "q";
	e->irq = -1;
	e->path = g_strdup(path);
	if (planned)
		g_assert_cmpint(af_cpuset_parse_list(planned, &e->planned), ==, 0);
	e->planned_value = value;
	e->current_value = -1;
	e->action = action;
	e->reason = g_strdup("test");
	return e;
}

static void entry_free(AfSteerEntry *e)
{
	g_free(e->path);
	af_cpuset_free(e->planned);
	g_free(e->reason);
	g_free(e);
}

static char *read_back(const char *root, const char *relative)
{
	g_autofree char *path = g_build_filename(root, relative, NULL);
	char *text = NULL;

	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	return g_strchomp(text);
}

static void test_apply(void)
{
	g_autofree char *dir = g_dir_make_tmp("af-steerapply-XXXXXX", NULL);
	g_autoptr(AfSysroot) sysroot = NULL;
	g_autoptr(AfSteerApply) apply = NULL;
	g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func((GDestroyNotify)entry_free);
	AfSteerInterface iface = {.entries = entries};
	AfSteering steering = {0};
	AfSteerCounts counts;
	AfSteerEntry *napi;
	g_autofree char *rps = NULL, *xps = NULL, *flow = NULL, *sock = NULL, *kept = NULL;

	af_log_init(TRUE, FALSE);
	af_test_write_file(dir, "q/rx-0/rps_cpus", "ff\n");
	af_test_write_file(dir, "q/tx-0/xps_cpus", "0000,00000001\n");
	af_test_write_file(dir, "q/tx-1/xps_cpus", "00\n");
	af_test_write_file(dir, "q/rx-0/rps_flow_cnt", "0\n");
	af_test_write_file(dir, "proc/sys/net/core/rps_sock_flow_entries", "0\n");
	g_assert_cmpint(af_sysroot_open(dir, &sysroot), ==, 0);
	apply = af_steer_apply_new(sysroot);
	g_ptr_array_add(entries, entry(AF_STEER_RPS, "q/rx-0/rps_cpus", "0-4", -1, AF_ACTION_MOVE));
	/* Shown already (a stale plan): no write. */
	g_ptr_array_add(entries, entry(AF_STEER_XPS, "q/tx-0/xps_cpus", "0", -1, AF_ACTION_MOVE));
	g_ptr_array_add(entries, entry(AF_STEER_XPS, "q/tx-1/xps_cpus", "1-7,40", -1, AF_ACTION_MOVE));
	g_ptr_array_add(entries, entry(AF_STEER_FLOW_CNT, "q/rx-0/rps_flow_cnt", NULL, 1024,
				       AF_ACTION_MOVE));
	g_ptr_array_add(entries, entry(AF_STEER_RPS, "q/rx-0/rps_cpus", "1", -1, AF_ACTION_KEEP));
	g_ptr_array_add(entries, entry(AF_STEER_RPS, "q/missing/rps_cpus", "1", -1, AF_ACTION_MOVE));
	napi = entry(AF_STEER_NAPI, NULL, "2", -1, AF_ACTION_MOVE);
	napi->pid = 1;
	napi->thread = "napi/eth0-8193";
	g_ptr_array_add(entries, napi);
	steering.interfaces = g_ptr_array_new();
	g_ptr_array_add(steering.interfaces, &iface);
	steering.sock_flow = entry(AF_STEER_SOCK_FLOW, "proc/sys/net/core/rps_sock_flow_entries",
				   NULL, 4096, AF_ACTION_MOVE);

	counts = af_steer_apply(apply, &steering, 48);
	g_assert_cmpuint(counts.n_written, ==, 3 + 1);
	g_assert_cmpuint(counts.n_unchanged, ==, 1);
	g_assert_cmpuint(counts.n_failed, ==, 1);
	g_assert_cmpuint(counts.n_not_applied, ==, 1);
	rps = read_back(dir, "q/rx-0/rps_cpus");
	g_assert_cmpstr(rps, ==, "0000,0000001f");
	xps = read_back(dir, "q/tx-1/xps_cpus");
	g_assert_cmpstr(xps, ==, "0100,000000fe");
	kept = read_back(dir, "q/tx-0/xps_cpus");
	g_assert_cmpstr(kept, ==, "0000,00000001");
	flow = read_back(dir, "q/rx-0/rps_flow_cnt");
	g_assert_cmpstr(flow, ==, "1024");
	sock = read_back(dir, "proc/sys/net/core/rps_sock_flow_entries");
	g_assert_cmpstr(sock, ==, "4096");
	/* Applied again: the kernel shows every value now. */
	counts = af_steer_apply(apply, &steering, 48);
	g_assert_cmpuint(counts.n_written, ==, 0);
	g_assert_cmpuint(counts.n_unchanged, ==, 5);
	entry_free(steering.sock_flow);
	g_ptr_array_unref(steering.interfaces);
	af_test_rm_rf(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/steerapply/apply/tree", test_apply);
	return g_test_run();
}
