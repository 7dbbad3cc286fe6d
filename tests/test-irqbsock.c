/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "fakemachine.h"
#include "irqbsock.h"
#include "testutil.h"

/* Requests as irqbalance reads them: by prefix, the list's first word. */
static void test_parse_table(void)
{
	static const struct {
		const char *data;
		gsize length; /* 0: strlen(data) */
		int r;
		AfIrqbsockKind kind;
		const char *cpus; /* BAN_CPUS: the list, NULL to lift */
	} cases[] = {
		{"stats", 0, 0, AF_IRQBSOCK_STATS, NULL},
		{"stats\n", 0, 0, AF_IRQBSOCK_STATS, NULL},
		{"setup", 0, 0, AF_IRQBSOCK_SETUP, NULL},
		{"setup\0garbage", 13, 0, AF_IRQBSOCK_SETUP, NULL},
		/* intel-lpmd: the CPUs outside its mask, comma-separated. */
		{"settings cpus 4,5,6,7", 0, 0, AF_IRQBSOCK_BAN_CPUS, "4-7"},
		{"settings cpus 0-3,8 more words", 0, 0, AF_IRQBSOCK_BAN_CPUS, "0-3,8"},
		{"settings cpus 2\n", 0, 0, AF_IRQBSOCK_BAN_CPUS, "2"},
		{"settings cpus NULL", 0, 0, AF_IRQBSOCK_BAN_CPUS, NULL},
		{"settings cpus NULL\n", 0, 0, AF_IRQBSOCK_BAN_CPUS, NULL},
		{"settings cpus ", 0, 0, AF_IRQBSOCK_BAN_CPUS, NULL},
		{"settings cpus \n", 0, 0, AF_IRQBSOCK_BAN_CPUS, NULL},
		{"settings sleep 5", 0, 0, AF_IRQBSOCK_IGNORED, NULL},
		{"settings ban irqs 24 25", 0, 0, AF_IRQBSOCK_IGNORED, NULL},
		{"settings cpus x", 0, -EINVAL, 0, NULL},
		{"settings cpus 3-1", 0, -EINVAL, 0, NULL},
		{"settings cpus 9000", 0, -ERANGE, 0, NULL},
		{"settings cpus", 0, -EINVAL, 0, NULL},
		{"settings", 0, -EINVAL, 0, NULL},
		{"", 0, -EINVAL, 0, NULL},
		{"hello", 0, -EINVAL, 0, NULL},
		{"stats", 3, -EINVAL, 0, NULL}, /* only "sta" arrived */
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(AfIrqbsockRequest) request = NULL;
		gsize length = cases[i].length ? cases[i].length : strlen(cases[i].data);
		int r;

		g_test_message("case %u: %s", i, cases[i].data);
		r = af_irqbsock_parse_request(cases[i].data, length, &request);
		g_assert_cmpint(r, ==, cases[i].r);
		if (r < 0) {
			g_assert_null(request);
			continue;
		}
		g_assert_cmpint(request->kind, ==, cases[i].kind);
		if (cases[i].cpus) {
			g_autofree char *list = af_cpuset_format_list(request->cpus);

			g_assert_cmpstr(list, ==, cases[i].cpus);
		} else {
			g_assert_null(request->cpus);
		}
	}
}

/*
 * Two nodes of one package and one cache each, two CPUs a cache: CPUs 0-1
 * on node 0, 2-3 on node 1; CPU 3 offline, 2-3 isolated, CPU 9 isolated
 * by a config written for a larger machine.
 */
typedef struct {
	AfFakeMachine *machine;
	AfPlan *plan;
} Fixture;

static void fixture_set_up(Fixture *f, gconstpointer data)
{
	const AfFakeDevice nvme = {"0000:00:04.0", "nvme", AF_IRQ_CLASS_STORAGE, 0, NULL};
	const AfFakeDevice net = {"0000:00:03.0", "virtio-pci", AF_IRQ_CLASS_NETWORK, 1, "eth0"};
	g_autofree char *topology = af_fake_x86_topology(2, 1, 2, 1);
	AfFakeMachine *m;
	AfIrq *legacy, *q, *rx, *none;

	m = f->machine = af_fake_machine_new(topology, "3", "2-3,9");
	legacy = af_fake_add_irq(m, 1, "i8042", "0-3", NULL);
	legacy->total = 3;
	none = af_fake_add_irq(m, 2, "", "0-3", "0");
	q = af_fake_add_managed(m, &nvme, 30, "nvme0q1", 1, "1", "1");
	q->total = 5;
	rx = af_fake_add_queue(m, &net, 24, "virtio0-input.0", 0, AF_QUEUE_RX, "2", "2");
	rx->total = 7;
	f->plan = af_plan_new();
	af_fake_plan_add(f->plan, legacy, AF_ACTION_MOVE, "0", "spread");
	af_fake_plan_add(f->plan, none, AF_ACTION_SKIP, NULL, "no handler");
	af_fake_plan_add(f->plan, rx, AF_ACTION_MOVE, "1", "served by isolated CPU 2");
	af_fake_plan_add(f->plan, q, AF_ACTION_SKIP, NULL, "kernel-managed (heuristic)");
}

static void fixture_tear_down(Fixture *f, gconstpointer data)
{
	af_plan_free(f->plan);
	af_fake_machine_free(f->machine);
}

/*
 * The tree irqbalance's UI parses: node, package, cache, CPU, each CPU with
 * the IRQs served there (an IRQ without an effective CPU under the first
 * CPU of its mask, one without a handler nowhere); offline CPUs are left out.
 */
static void test_stats_totals(Fixture *f, gconstpointer data)
{
	g_autofree char *stats = af_irqbsock_format_stats(f->machine->snapshot, NULL);

	g_assert_cmpstr(stats, ==,
			"TYPE 3 NUMBER 0 LOAD 8 SAVE_MODE 0 "
			"TYPE 2 NUMBER 0 LOAD 8 SAVE_MODE 0 "
			"TYPE 1 NUMBER 0 LOAD 8 SAVE_MODE 0 "
			"TYPE 0 NUMBER 0 LOAD 3 SAVE_MODE 0 IRQ 1 LOAD 3 DIFF 3 CLASS 0 "
			"TYPE 0 NUMBER 1 LOAD 5 SAVE_MODE 0 IRQ 30 LOAD 5 DIFF 5 CLASS 2 "
			"TYPE 3 NUMBER 1 LOAD 7 SAVE_MODE 0 "
			"TYPE 2 NUMBER 1 LOAD 7 SAVE_MODE 0 "
			"TYPE 1 NUMBER 1 LOAD 7 SAVE_MODE 0 "
			"TYPE 0 NUMBER 2 LOAD 7 SAVE_MODE 0 IRQ 24 LOAD 7 DIFF 7 CLASS 4 ");
}

/* With a measured load, LOAD and DIFF are interrupts per second. */
static void test_stats_load(Fixture *f, gconstpointer data)
{
	g_autofree char *stats = NULL;

	af_fake_set_load(f->machine, 24, 1000);
	stats = af_irqbsock_format_stats(f->machine->snapshot, f->machine->load);
	g_assert_nonnull(strstr(stats, "TYPE 3 NUMBER 1 LOAD 1000 SAVE_MODE 0 "));
	g_assert_nonnull(strstr(stats, "IRQ 24 LOAD 1000 DIFF 1000 CLASS 4 "));
	g_assert_nonnull(strstr(stats, "IRQ 1 LOAD 0 DIFF 0 CLASS 0 "));
}

/* The sleep in seconds, the IRQs never written, the isolated CPUs as irqbalance's hex mask. */
static void test_setup(Fixture *f, gconstpointer data)
{
	g_autofree char *setup = af_irqbsock_format_setup(10000, f->machine->hk, f->plan, NULL,
							  f->machine->snapshot->nr_cpu_ids);
	g_autofree char *short_sleep = af_irqbsock_format_setup(100, f->machine->hk, NULL, NULL, 4);

	g_assert_cmpuint(f->machine->snapshot->nr_cpu_ids, ==, 4);
	g_assert_cmpstr(setup, ==, "SLEEP 10 IRQ 30 LOAD 5 DIFF 5 CLASS 2 BANNED c");
	g_assert_cmpstr(short_sleep, ==, "SLEEP 1 BANNED c");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/irqbsock/parse_request/table", test_parse_table);
#define ADD(path, func) g_test_add(path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
	ADD("/irqbsock/format_stats/totals", test_stats_totals);
	ADD("/irqbsock/format_stats/load", test_stats_load);
	ADD("/irqbsock/format_setup/banned", test_setup);
#undef ADD
	return g_test_run();
}
