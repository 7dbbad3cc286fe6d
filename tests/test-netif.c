/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "netif.h"
#include "testutil.h"

/* Interfaces read from a small tree written by the test. */

typedef struct {
	char *dir;
	AfSysroot *sysroot;
	GPtrArray *irqs;
} Fixture;

static AfIrq *queue_irq(guint number, const char *ifname, int queue, AfQueueKind kind)
{
	AfIrq *irq = af_irq_new(number);

	irq->name = g_strdup_printf("%s-q%d", ifname, queue);
	irq->interface = g_strdup(ifname);
	irq->queue = queue;
	irq->queue_kind = kind;
	return irq;
}

static void setup(Fixture *f, gconstpointer data)
{
	static const struct {
		const char *path, *contents;
	} files[] = {
		{"sys/class/net/lo/queues/rx-0/rps_cpus", "0\n"},
		{"sys/class/net/eth0/threaded", "1\n"},
		{"sys/class/net/eth0/queues/rx-0/rps_cpus", "ff\n"},
		{"sys/class/net/eth0/queues/rx-0/rps_flow_cnt", "0\n"},
		{"sys/class/net/eth0/queues/rx-1/rps_cpus", "00\n"},
		{"sys/class/net/eth0/queues/rx-1/rps_flow_cnt", "0\n"},
		{"sys/class/net/eth0/queues/rx-10/rps_cpus", "00\n"},
		{"sys/class/net/eth0/queues/tx-0/xps_cpus", "05\n"},
		{"sys/class/net/eth0/queues/tx-1/xps_cpus", "0a\n"},
		{"sys/class/net/eth0/queues/tx-10/xps_cpus", "00\n"},
		{"sys/class/net/eth0/queues/tx-garbage/xps_cpus", "00\n"},
		{"sys/class/net/veth0/queues/rx-0/rps_cpus", "0f\n"},
		{"sys/class/net/veth0/queues/tx-0/tx_timeout", "0\n"},
		{"proc/sys/net/core/rps_sock_flow_entries", "32768\n"},
		{"proc/300/comm", "napi/eth0-8194\n"},
		{"proc/300/status", "Name:\tnapi/eth0-8194\nCpus_allowed_list:\t0-7\n"},
		{"proc/200/comm", "napi/eth0-8193\n"},
		{"proc/200/status", "Name:\tnapi/eth0-8193\nCpus_allowed_list:\t3\n"},
		{"proc/250/comm", "napi/eth0-0\n"},
		{"proc/400/comm", "napi/eth00-8195\n"},
		{"proc/1/comm", "systemd\n"},
		{"affinityd-capture/ethtool/eth0",
		 "driver=mlx5_core\ncombined_channels=3/8\nntuple=on\n"},
	};

	f->dir = g_dir_make_tmp("af-netif-XXXXXX", NULL);
	for (guint i = 0; i < G_N_ELEMENTS(files); i++)
		af_test_write_file(f->dir, files[i].path, files[i].contents);
	g_assert_cmpint(af_sysroot_open(f->dir, &f->sysroot), ==, 0);
	f->irqs = g_ptr_array_new_with_free_func((GDestroyNotify)af_irq_free);
	g_ptr_array_add(f->irqs, queue_irq(40, "eth0", -1, AF_QUEUE_NONE));
	g_ptr_array_add(f->irqs, queue_irq(41, "eth0", 0, AF_QUEUE_COMBINED));
	g_ptr_array_add(f->irqs, queue_irq(42, "eth0", 1, AF_QUEUE_COMBINED));
	g_ptr_array_add(f->irqs, queue_irq(43, "eth00", 0, AF_QUEUE_COMBINED));
}

static void teardown(Fixture *f, gconstpointer data)
{
	g_ptr_array_unref(f->irqs);
	af_sysroot_free(f->sysroot);
	af_test_rm_rf(f->dir);
	g_free(f->dir);
}

static void test_read(Fixture *f, gconstpointer data)
{
	g_autoptr(AfNetifs) netifs = NULL;
	g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
	const AfNetif *eth0, *veth0;
	const AfNetQueue *q;
	g_autofree char *list = NULL;

	g_assert_cmpint(af_netifs_read(f->sysroot, f->irqs, warnings, &netifs), ==, 0);
	g_assert_cmpuint(netifs->interfaces->len, ==, 2); /* lo is left out */
	g_assert_cmpint(netifs->sock_flow_entries, ==, 32768);
	eth0 = af_netifs_lookup(netifs, "eth0");
	g_assert_nonnull(eth0);
	g_assert_cmpint(eth0->threaded, ==, 1);
	g_assert_true(eth0->arfs);
	g_assert_cmpstr(eth0->ethtool->driver, ==, "mlx5_core");
	/* Queues by index (rx-10 after rx-1), names that are not queues skipped. */
	g_assert_cmpuint(eth0->rx->len, ==, 3);
	g_assert_cmpuint(eth0->tx->len, ==, 3);
	q = eth0->rx->pdata[2];
	g_assert_cmpstr(q->name, ==, "rx-10");
	g_assert_cmpint(q->irq, ==, -1);
	q = eth0->rx->pdata[0];
	g_assert_cmpint(q->irq, ==, 41);
	g_assert_cmpint(q->flow_cnt, ==, 0);
	list = af_cpuset_format_list(q->mask);
	g_assert_cmpstr(list, ==, "0-7");
	q = eth0->tx->pdata[1];
	g_assert_cmpint(q->irq, ==, 42);
	g_assert_cmpint(q->flow_cnt, ==, -1);
	g_clear_pointer(&list, g_free);
	list = af_cpuset_format_list(q->mask);
	g_assert_cmpstr(list, ==, "1,3");
	/* NAPI threads: by ID, the ones with an ID matched to rx-0, rx-1 in order. */
	g_assert_cmpuint(eth0->napi->len, ==, 3);
	g_assert_true(eth0->napi_guessed);
	g_assert_cmpint(((AfNapiThread *)eth0->napi->pdata[0])->napi_id, ==, 0);
	g_assert_cmpint(((AfNapiThread *)eth0->napi->pdata[0])->queue, ==, -1);
	g_assert_cmpint(((AfNapiThread *)eth0->napi->pdata[1])->pid, ==, 200);
	g_assert_cmpint(((AfNapiThread *)eth0->napi->pdata[1])->queue, ==, 0);
	g_assert_cmpint(((AfNapiThread *)eth0->napi->pdata[2])->pid, ==, 300);
	g_assert_cmpint(((AfNapiThread *)eth0->napi->pdata[2])->queue, ==, 1);
	g_assert_cmpuint(af_cpuset_count(((AfNapiThread *)eth0->napi->pdata[1])->allowed), ==, 1);
	/* A virtual device without ethtool answers, no xps_cpus file. */
	veth0 = af_netifs_lookup(netifs, "veth0");
	g_assert_null(veth0->ethtool);
	g_assert_false(veth0->arfs);
	g_assert_cmpint(veth0->threaded, ==, -1);
	g_assert_null(((AfNetQueue *)veth0->tx->pdata[0])->mask);
	/* The IRQs of the aRFS interface's queues are marked, no other. */
	g_assert_false(((AfIrq *)f->irqs->pdata[0])->arfs);
	g_assert_true(((AfIrq *)f->irqs->pdata[1])->arfs);
	g_assert_true(((AfIrq *)f->irqs->pdata[2])->arfs);
	g_assert_false(((AfIrq *)f->irqs->pdata[3])->arfs);
	g_assert_cmpuint(warnings->len, ==, 0);
}

static void test_refresh(Fixture *f, gconstpointer data)
{
	g_autoptr(AfNetifs) netifs = NULL, fresh = NULL, copy = NULL;
	g_autofree char *list = NULL;
	g_autofree char *queue = NULL;

	g_assert_cmpint(af_netifs_read(f->sysroot, f->irqs, NULL, &netifs), ==, 0);
	af_test_write_file(f->dir, "sys/class/net/eth0/queues/rx-0/rps_cpus", "03\n");
	af_test_write_file(f->dir, "proc/200/status", "Cpus_allowed_list:\t0-1\n");
	g_assert_cmpint(af_netifs_refresh(f->sysroot, netifs, f->irqs, &fresh), ==, 0);
	list = af_cpuset_format_list(
		((AfNetQueue *)af_netifs_lookup(fresh, "eth0")->rx->pdata[0])->mask);
	g_assert_cmpstr(list, ==, "0-1");
	g_assert_cmpuint(
		af_cpuset_count(
			((AfNapiThread *)af_netifs_lookup(fresh, "eth0")->napi->pdata[1])->allowed),
		==, 2);
	copy = af_netifs_copy(fresh);
	g_assert_cmpuint(af_netifs_lookup(copy, "eth0")->rx->len, ==, 3);
	g_assert_true(af_netifs_lookup(copy, "eth0")->arfs);
	g_clear_pointer(&fresh, af_netifs_free);
	/* A queue gone (ethtool -L): only a full read knows the interface now. */
	queue = g_build_filename(f->dir, "sys/class/net/eth0/queues/rx-10", NULL);
	af_test_rm_rf(queue);
	g_assert_cmpint(af_netifs_refresh(f->sysroot, netifs, f->irqs, &fresh), ==, -ESTALE);
}

static void test_parse_napi_comm(void)
{
	static const struct {
		const char *comm, *ifname;
		gboolean ok;
		guint id;
	} cases[] = {
		{"napi/eth0-8193", "eth0", TRUE, 8193}, {"napi/eth0-0", "eth0", TRUE, 0},
		{"napi/eth0-1-5", "eth0", FALSE, 0},	{"napi/eth0-1-5", "eth0-1", TRUE, 5},
		{"napi/eth00-3", "eth0", FALSE, 0},	{"napi/eth0-", "eth0", FALSE, 0},
		{"ksoftirqd/0", "eth0", FALSE, 0},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		guint id = 0;

		g_test_message("%s %s", cases[i].comm, cases[i].ifname);
		g_assert_cmpint(af_netif_parse_napi_comm(cases[i].comm, cases[i].ifname, &id), ==,
				cases[i].ok);
		if (cases[i].ok)
			g_assert_cmpuint(id, ==, cases[i].id);
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add("/netif/read/tree", Fixture, NULL, setup, test_read, teardown);
	g_test_add("/netif/refresh/tree", Fixture, NULL, setup, test_refresh, teardown);
	g_test_add_func("/netif/parse_napi_comm/table", test_parse_napi_comm);
	return g_test_run();
}
