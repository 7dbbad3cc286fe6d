/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "fakemachine.h"
#include "steering.h"
#include "testutil.h"

/*
 * The steering computation: its rules on synthetic multi-queue NICs of the
 * multi-node hwloc captures, checked here independently of
 * af_steering_check (which the cases also run): every online CPU in exactly
 * one xps mask, no isolated CPU in any rps mask, a CPU of a tx queue's IRQ
 * sends on that queue, the nearest queue by core, cache, node.
 */

static const AfFakeDevice nic0 = {"0000:10:00.0", "mlx5_core", AF_IRQ_CLASS_NETWORK, 0, "eth0"};
static const AfFakeDevice nic1 = {"0000:90:00.0", "ice", AF_IRQ_CLASS_NETWORK, 1, "eth1"};

static AfSteering *plan_steering(AfFakeMachine *m, AfPlan **ret_plan)
{
	g_autoptr(AfPlan) plan = NULL;
	g_autofree char *broken = NULL;
	AfSteering *steering = NULL;

	g_assert_cmpint(af_fake_plan(m, NULL, &plan), ==, 0);
	g_assert_cmpint(af_steering_compute(m->snapshot, m->hk, m->policy, plan, &steering), ==, 0);
	if (af_steering_check(steering, m->snapshot, m->hk, plan, &broken) < 0)
		af_test_fail("steering breaks a rule: %s", broken);
	*ret_plan = g_steal_pointer(&plan);
	return steering;
}

static const AfSteerInterface *find_iface(const AfSteering *s, const char *name)
{
	for (guint i = 0; i < s->interfaces->len; i++) {
		const AfSteerInterface *iface = s->interfaces->pdata[i];

		if (g_str_equal(iface->netif->name, name))
			return iface;
	}
	return NULL;
}

/* The entries of one kind of an interface, in order. */
static GPtrArray *entries_of(const AfSteering *s, const char *name, AfSteerKind kind)
{
	const AfSteerInterface *iface = find_iface(s, name);
	GPtrArray *out = g_ptr_array_new();

	for (guint i = 0; iface && i < iface->entries->len; i++)
		if (((AfSteerEntry *)iface->entries->pdata[i])->kind == kind)
			g_ptr_array_add(out, iface->entries->pdata[i]);
	return out;
}

/* The distance the test computes on its own: 0 same CPU, 1 core, 2 cache, 3 node, 4 package, 5. */
static guint distance(const AfTopology *t, guint a, guint b)
{
	const AfCpuTopo *x = af_topology_cpu(t, a), *y = af_topology_cpu(t, b);

	if (a == b)
		return 0;
	if (!x || !y)
		return 5;
	return x->core == y->core	  ? 1
	       : x->cache == y->cache	  ? 2
	       : x->node == y->node	  ? 3
	       : x->package == y->package ? 4
					  : 5;
}

/* The four rules of the brief for one interface's xps and rps entries. */
static void assert_rules(const AfFakeMachine *m, const AfSteering *s, const AfPlan *plan,
			 const char *ifname)
{
	g_autoptr(GPtrArray) xps = entries_of(s, ifname, AF_STEER_XPS);
	g_autoptr(GPtrArray) rps = entries_of(s, ifname, AF_STEER_RPS);
	const AfTopology *t = m->snapshot->topology;

	for (guint i = 0; i < rps->len; i++) {
		const AfSteerEntry *e = rps->pdata[i];

		if (e->planned && af_cpuset_intersects(e->planned, m->hk->isolated))
			af_test_fail("%s %s: isolated CPU in rps", ifname, e->queue);
	}
	AF_CPUSET_FOREACH (cpu, m->snapshot->online) {
		int chosen = -1, n = 0;
		guint best = G_MAXUINT;

		for (guint i = 0; i < xps->len; i++)
			if (af_cpuset_contains(((AfSteerEntry *)xps->pdata[i])->planned, cpu)) {
				chosen = (int)i;
				n++;
			}
		if (n != 1) {
			af_test_fail("%s: CPU %d in %d xps masks", ifname, cpu, n);
			continue;
		}
		for (guint i = 0; i < xps->len; i++) {
			const AfSteerEntry *e = xps->pdata[i];
			const AfCpuSet *irq = af_steering_irq_cpus(m->snapshot, plan, e->irq);

			AF_CPUSET_FOREACH (c, irq)
				best = MIN(best, distance(t, (guint)cpu, (guint)c));
		}
		{
			const AfSteerEntry *e = xps->pdata[chosen];
			const AfCpuSet *irq = af_steering_irq_cpus(m->snapshot, plan, e->irq);
			guint d = G_MAXUINT;

			AF_CPUSET_FOREACH (c, irq)
				d = MIN(d, distance(t, (guint)cpu, (guint)c));
			if (d != best)
				af_test_fail("%s: CPU %d sends on %s at distance %u, a queue at %u "
					     "exists",
					     ifname, cpu, e->queue, d, best);
		}
	}
}

typedef struct {
	const char *capture;
	guint n_queues;
	gboolean split;
} CaptureCase;

static const CaptureCase capture_cases[] = {
	{"32em64t-2n8c+dax+nvme+mic+dimms", 4, FALSE},
	{"32em64t-2n8c+dax+nvme+mic+dimms", 16, TRUE},
	{"40intel64-2g2n4c+pcilocality", 8, FALSE},
	{"48amd64-4pa2n6c-sparse", 6, TRUE},
	{"128arm-2pa2n8cluster4co", 32, FALSE},
	{"16em64t-4s2c2t-offlines", 3, FALSE},
	{"8em64t-2s2ca2c", 2, TRUE},
};

static void test_captures(gconstpointer data)
{
	const CaptureCase *c = data;
	g_autofree char *fixture = g_strdup_printf("hwloc/%s.tar.bz2", c->capture);
	g_autoptr(AfFakeTree) tree = af_fake_tree_open(fixture);
	g_autoptr(AfCpuSet) isolated = af_cpuset_new();
	g_autoptr(AfFakeMachine) m = NULL;
	g_autoptr(AfSteering) s = NULL;
	g_autoptr(AfPlan) plan = NULL;
	g_autofree char *all = NULL;

	/* Every fourth CPU isolated, the way RT hosts keep one thread per core or so. */
	AF_CPUSET_FOREACH (cpu, tree->online)
		if (cpu % 4 == 3)
			af_cpuset_add(isolated, (guint)cpu);
	m = af_fake_machine_new_tree(tree, NULL, isolated);
	all = af_cpuset_format_list(m->snapshot->online);
	af_fake_add_nic(m, &nic0, 100, c->n_queues, c->split, all, all, "", TRUE);
	af_fake_add_nic(m, &nic1, 300, MAX(2u, c->n_queues / 2), !c->split, all, "", all, FALSE);
	s = plan_steering(m, &plan);
	assert_rules(m, s, plan, "eth0");
	assert_rules(m, s, plan, "eth1");
	g_assert_cmpuint(s->n_move, >, 0);
}

/* A plan applied is kept: planned masks as current give no move. */
static void test_steady(void)
{
	g_autoptr(AfFakeMachine) m =
		af_fake_machine_new("pack:2 numa:1 l3:1 core:4 pu:2", "", "3,7");
	g_autoptr(AfSteering) s = NULL, again = NULL;
	g_autoptr(AfPlan) plan = NULL, plan2 = NULL;
	AfNetif *netif = af_fake_add_nic(m, &nic0, 100, 4, FALSE, "0-15", "0-15", "", TRUE);

	s = plan_steering(m, &plan);
	g_assert_cmpuint(s->n_move, ==, 8);
	/* The kernel now shows what was planned, IRQs included. */
	af_test_apply_plan(m->snapshot, plan);
	for (guint i = 0; i < netif->rx->len; i++) {
		AfNetQueue *q = netif->rx->pdata[i];
		const AfSteerEntry *e = entries_of(s, "eth0", AF_STEER_RPS)->pdata[i];

		af_cpuset_assign(q->mask, e->planned);
	}
	for (guint i = 0; i < netif->tx->len; i++) {
		AfNetQueue *q = netif->tx->pdata[i];
		g_autoptr(GPtrArray) xps = entries_of(s, "eth0", AF_STEER_XPS);

		af_cpuset_assign(q->mask, ((AfSteerEntry *)xps->pdata[i])->planned);
	}
	again = plan_steering(m, &plan2);
	g_assert_cmpuint(again->n_move, ==, 0);
	g_assert_cmpuint(again->n_keep, ==, 8);
}

static void test_rps_modes(void)
{
	g_autoptr(AfFakeMachine) m =
		af_fake_machine_new("pack:1 numa:1 l3:2 core:4 pu:1", "", "1,6");
	g_autoptr(AfSteering) s = NULL;
	g_autoptr(AfPlan) plan = NULL;
	g_autoptr(GPtrArray) rps = NULL;
	AfNetif *netif = af_fake_add_nic(m, &nic0, 100, 2, FALSE, "0-7", "0-7", "", FALSE);
	g_autofree char *l0 = NULL, *l1 = NULL;
	const AfSteerEntry *e;

	af_cpuset_clear(((AfNetQueue *)netif->rx->pdata[1])->mask);
	s = plan_steering(m, &plan);
	rps = entries_of(s, "eth0", AF_STEER_RPS);
	e = rps->pdata[0];
	l0 = af_cpuset_format_list(e->planned);
	g_assert_cmpstr(l0, ==, "0,2-5,7");
	g_assert_cmpint(e->action, ==, AF_ACTION_MOVE);
	g_assert_nonnull(strstr(e->reason, "strip isolated CPUs 1,6"));
	/* RPS off stays off. */
	e = rps->pdata[1];
	g_assert_cmpint(e->action, ==, AF_ACTION_KEEP);
	g_assert_true(af_cpuset_is_empty(e->planned));
	g_clear_pointer(&s, af_steering_free);
	g_clear_pointer(&plan, af_plan_free);
	g_clear_pointer(&rps, g_ptr_array_unref);

	/* cache: the housekeeping CPUs of the IRQ's last-level cache (0-3 | 4-7). */
	m->policy->network.rps = AF_RPS_CACHE;
	s = plan_steering(m, &plan);
	rps = entries_of(s, "eth0", AF_STEER_RPS);
	for (guint i = 0; i < rps->len; i++) {
		const AfCpuSet *irq;
		g_autofree char *list = NULL;

		e = rps->pdata[i];
		irq = af_steering_irq_cpus(m->snapshot, plan, e->irq);
		list = af_cpuset_format_list(e->planned);
		g_assert_cmpstr(list, ==, af_cpuset_first(irq) < 4 ? "0,2-3" : "4-5,7");
	}
	g_clear_pointer(&s, af_steering_free);
	g_clear_pointer(&plan, af_plan_free);
	g_clear_pointer(&rps, g_ptr_array_unref);

	/* off, and an [interface:GLOB] turning xps off too. */
	m->policy->network.rps = AF_RPS_OFF;
	m->policy->network.xps = AF_XPS_OFF;
	s = plan_steering(m, &plan);
	g_assert_cmpuint(s->n_move, ==, 0);
	g_assert_cmpuint(s->n_keep, ==, 0);
	l1 = af_cpuset_format_list(
		((AfSteerEntry *)entries_of(s, "eth0", AF_STEER_XPS)->pdata[0])->current);
	g_assert_cmpstr(l1, ==, "");
}

static void test_rfs_and_napi(void)
{
	g_autoptr(AfFakeMachine) m = af_fake_machine_new("pack:1 numa:1 l3:1 core:4 pu:1", "", "3");
	g_autoptr(AfSteering) s = NULL;
	g_autoptr(AfPlan) plan = NULL;
	g_autoptr(GPtrArray) flow = NULL, napi = NULL;
	AfNetif *netif = af_fake_add_nic(m, &nic0, 100, 4, FALSE, "0-3", "", "", FALSE);
	AfNapiThread *t = g_new0(AfNapiThread, 1);
	const AfSteerEntry *e;

	m->policy->network.rfs_flow_entries = 5000;
	m->snapshot->netifs->sock_flow_entries = 0;
	netif->threaded = 1;
	t->pid = 4242;
	t->comm = g_strdup("napi/eth0-8194");
	t->napi_id = 8194;
	t->queue = 1;
	t->allowed = af_fake_cpus("0-3");
	g_ptr_array_add(netif->napi, t);
	s = plan_steering(m, &plan);
	flow = entries_of(s, "eth0", AF_STEER_FLOW_CNT);
	g_assert_cmpuint(flow->len, ==, 4);
	/* 5000 / 4 = 1250, stored by the kernel as 2048; the socket table 8192. */
	g_assert_cmpint(((AfSteerEntry *)flow->pdata[0])->planned_value, ==, 2048);
	g_assert_cmpint(s->sock_flow->planned_value, ==, 8192);
	g_assert_cmpint(s->sock_flow->action, ==, AF_ACTION_MOVE);
	napi = entries_of(s, "eth0", AF_STEER_NAPI);
	g_assert_cmpuint(napi->len, ==, 1);
	e = napi->pdata[0];
	g_assert_cmpint(e->pid, ==, 4242);
	g_assert_cmpint(e->action, ==, AF_ACTION_MOVE);
	g_assert_true(af_cpuset_equal(e->planned, af_steering_irq_cpus(m->snapshot, plan, 101)));
	g_assert_cmpuint(af_cpuset_count(e->planned), ==, 1);
	g_assert_null(e->path);
}

static void test_single_queue_and_no_irq(void)
{
	static const AfFakeDevice veth = {NULL, "veth", AF_IRQ_CLASS_NETWORK, -1, "veth0"};
	g_autoptr(AfFakeMachine) m = af_fake_machine_new("pack:1 numa:1 l3:1 core:4 pu:1", "", "3");
	g_autoptr(AfSteering) s = NULL;
	g_autoptr(AfPlan) plan = NULL;
	g_autoptr(GPtrArray) xps = NULL;
	AfNetif *v = af_netifs_add(m->snapshot->netifs, "veth0");
	g_autoptr(AfCpuSet) all = af_fake_cpus("0-3");

	(void)veth;
	af_netif_add_queue(v, FALSE, 0, all);
	af_netif_add_queue(v, TRUE, 0, all);
	af_netif_add_queue(v, TRUE, 1, all);
	af_fake_add_nic(m, &nic0, 100, 1, FALSE, "0-3", "0-3", "0-3", FALSE);
	s = plan_steering(m, &plan);
	xps = entries_of(s, "veth0", AF_STEER_XPS);
	g_assert_cmpint(((AfSteerEntry *)xps->pdata[0])->action, ==, AF_ACTION_SKIP);
	g_assert_nonnull(strstr(((AfSteerEntry *)xps->pdata[0])->reason, "no transmit queue"));
	g_clear_pointer(&xps, g_ptr_array_unref);
	xps = entries_of(s, "eth0", AF_STEER_XPS);
	g_assert_cmpint(((AfSteerEntry *)xps->pdata[0])->action, ==, AF_ACTION_SKIP);
	g_assert_nonnull(strstr(((AfSteerEntry *)xps->pdata[0])->reason, "one transmit queue"));
	/* Strip-isolated applies to a virtual device too. */
	g_assert_cmpint(((AfSteerEntry *)entries_of(s, "veth0", AF_STEER_RPS)->pdata[0])->action,
			==, AF_ACTION_MOVE);
}

static void test_check_breaks(void)
{
	g_autoptr(AfFakeMachine) m = af_fake_machine_new("pack:1 numa:1 l3:1 core:4 pu:1", "", "3");
	g_autoptr(AfSteering) s = NULL;
	g_autoptr(AfPlan) plan = NULL;
	g_autofree char *broken = NULL;
	AfSteerEntry *rps, *xps0, *xps1;

	af_fake_add_nic(m, &nic0, 100, 2, FALSE, "0-3", "0-3", "", FALSE);
	s = plan_steering(m, &plan);
	rps = entries_of(s, "eth0", AF_STEER_RPS)->pdata[0];
	xps0 = entries_of(s, "eth0", AF_STEER_XPS)->pdata[0];
	xps1 = entries_of(s, "eth0", AF_STEER_XPS)->pdata[1];
	g_assert_cmpint(af_steering_check(s, m->snapshot, m->hk, plan, &broken), ==, 0);
	/* An isolated CPU in a move's rps mask (current 0-3, planned 0-2 before). */
	af_cpuset_add(rps->planned, 3);
	af_cpuset_clear(rps->current);
	g_assert_cmpint(af_steering_check(s, m->snapshot, m->hk, plan, &broken), ==, -EINVAL);
	g_assert_nonnull(strstr(broken, "isolated"));
	af_cpuset_remove(rps->planned, 3);
	g_clear_pointer(&broken, g_free);
	/* A CPU in two xps masks. */
	{
		g_autoptr(AfCpuSet) saved0 = af_cpuset_copy(xps0->planned);
		g_autoptr(AfCpuSet) saved1 = af_cpuset_copy(xps1->planned);

		af_cpuset_or(xps0->planned, xps1->planned);
		g_assert_cmpint(af_steering_check(s, m->snapshot, m->hk, plan, &broken), ==,
				-EINVAL);
		g_assert_nonnull(strstr(broken, "two queues"));
		g_clear_pointer(&broken, g_free);
		/* The queues' masks swapped: each IRQ's CPU sends on the other queue. */
		af_cpuset_assign(xps0->planned, saved1);
		af_cpuset_assign(xps1->planned, saved0);
		g_assert_cmpint(af_steering_check(s, m->snapshot, m->hk, plan, &broken), ==,
				-EINVAL);
		g_assert_nonnull(strstr(broken, "sends elsewhere"));
		g_clear_pointer(&broken, g_free);
		/* A CPU in no mask. */
		af_cpuset_assign(xps0->planned, saved0);
		af_cpuset_assign(xps1->planned, saved1);
		af_cpuset_remove(xps1->planned, 3);
		g_assert_cmpint(af_steering_check(s, m->snapshot, m->hk, plan, &broken), ==,
				-EINVAL);
		g_assert_nonnull(strstr(broken, "every online CPU"));
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	for (guint i = 0; i < G_N_ELEMENTS(capture_cases); i++) {
		g_autofree char *path = g_strdup_printf(
			"/steering/compute/%s-%uq%s", capture_cases[i].capture,
			capture_cases[i].n_queues, capture_cases[i].split ? "-split" : "");

		g_test_add_data_func(path, &capture_cases[i], test_captures);
	}
	g_test_add_func("/steering/compute/steady", test_steady);
	g_test_add_func("/steering/compute/rps-modes", test_rps_modes);
	g_test_add_func("/steering/compute/rfs-and-napi", test_rfs_and_napi);
	g_test_add_func("/steering/compute/single-queue-and-no-irq", test_single_queue_and_no_irq);
	g_test_add_func("/steering/check/breaks", test_check_breaks);
	return g_test_run();
}
