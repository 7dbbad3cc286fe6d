/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "steering-private.h"

/*
 * How steering is planned, per interface, from the IRQ plan:
 *  - XPS (xps=follow, a multi-queue interface with a queue IRQ): first each
 *    online CPU serving a transmit queue's IRQ sends on that queue (the
 *    lowest queue when IRQs of several share it); then every other online
 *    CPU, ascending, on the queue nearest to it: same core, same cache,
 *    same node, same package, anywhere, ties to the queue with the fewest
 *    CPUs so far, then the lowest. Isolated CPUs are included: an
 *    application pinned there sends too. A queue without an IRQ gets none.
 *  - RPS: strip-isolated takes the isolated CPUs out of the current mask
 *    (an empty mask, RPS off, stays empty); cache plans the housekeeping
 *    CPUs sharing a last-level cache with the queue IRQ's CPUs (strip
 *    without an IRQ or topology); off plans nothing.
 *  - RFS (rfs_flow_entries=N > 0): rps_sock_flow_entries N and each receive
 *    queue's rps_flow_cnt N / queues, both rounded up to a power of two as
 *    the kernel stores them (so that a keep is seen as one).
 *  - NAPI (threaded NAPI on, napi_threads=follow): a queue's thread goes to
 *    its IRQ's CPUs.
 * Each entry is then keep (planned = current), move, or skip with why.
 */

gint64 af_steering_roundup_pow2(gint64 n)
{
	gint64 p = 1;

	while (p < n && p < G_MAXINT64 / 2)
		p <<= 1;
	return p;
}

const AfCpuSet *af_steering_irq_cpus(const AfSnapshot *snapshot, const AfPlan *plan, int irq)
{
	const AfPlanEntry *entry = irq >= 0 ? af_plan_lookup(plan, (guint)irq) : NULL;
	const AfIrq *i;

	if (irq < 0)
		return NULL;
	if (entry && entry->planned)
		return entry->planned;
	i = af_snapshot_lookup(snapshot, (guint)irq);
	return i ? af_irq_serving_cpus(i) : NULL;
}

/* 0 same CPU, 1 core, 2 cache, 3 node, 4 package, 5 anywhere (or unknown). */
static guint cpu_distance(const AfTopology *topology, guint a, guint b)
{
	const AfCpuTopo *ta, *tb;

	if (a == b)
		return 0;
	ta = af_topology_cpu(topology, a);
	tb = af_topology_cpu(topology, b);
	if (!ta || !tb)
		return 5;
	if (ta->core >= 0 && ta->core == tb->core)
		return 1;
	if (ta->cache >= 0 && ta->cache == tb->cache)
		return 2;
	if (ta->node >= 0 && ta->node == tb->node)
		return 3;
	if (ta->package >= 0 && ta->package == tb->package)
		return 4;
	return 5;
}

guint af_steering_distance(const AfTopology *topology, guint cpu, const AfCpuSet *cpus)
{
	guint best = 6;

	AF_CPUSET_FOREACH (c, cpus)
		best = MIN(best, cpu_distance(topology, cpu, (guint)c));
	return best;
}

static const char *const distance_names[] = {"its IRQ",	  "same core",	  "same cache",
					     "same node", "same package", "nearest"};

static AfSteerEntry *entry_new(Steer *s, AfSteerKind kind, const AfNetQueue *queue)
{
	AfSteerEntry *e = g_new0(AfSteerEntry, 1);

	e->kind = kind;
	e->interface = s->netif ? s->netif->name : NULL;
	e->queue = queue ? queue->name : NULL;
	e->irq = queue ? queue->irq : -1;
	e->current_value = -1;
	e->planned_value = -1;
	e->action = AF_ACTION_SKIP;
	if (queue)
		e->path = g_strdup_printf("/sys/class/net/%s/queues/%s/%s", s->netif->name,
					  queue->name,
					  kind == AF_STEER_XPS	      ? "xps_cpus"
					  : kind == AF_STEER_FLOW_CNT ? "rps_flow_cnt"
								      : "rps_cpus");
	if (s->iface)
		g_ptr_array_add(s->iface->entries, e);
	return e;
}

/* Sets the action from planned and current, and the reason (taken). */
static void decide_mask(AfSteerEntry *e, AfCpuSet *planned, char *reason)
{
	e->planned = planned;
	e->action = e->current && af_cpuset_equal(planned, e->current) ? AF_ACTION_KEEP
								       : AF_ACTION_MOVE;
	e->reason = reason;
}

static void decide_value(AfSteerEntry *e, gint64 planned, char *reason)
{
	e->planned_value = planned;
	e->action = e->current_value == planned ? AF_ACTION_KEEP : AF_ACTION_MOVE;
	e->reason = reason;
}

static void skip(AfSteerEntry *e, char *reason)
{
	e->action = AF_ACTION_SKIP;
	e->reason = reason;
}

/* XPS: which transmit queue every online CPU sends on (xps[q] per queue). */
static void assign_xps(Steer *s, GPtrArray *queues, AfCpuSet **xps)
{
	const AfTopology *topology = s->snapshot->topology;
	g_autofree guint *n_cpus = g_new0(guint, queues->len);
	g_autoptr(AfCpuSet) rest = af_cpuset_copy(s->snapshot->online);

	/* First the CPUs a queue's IRQ is on. */
	AF_CPUSET_FOREACH (cpu, s->snapshot->online) {
		for (guint q = 0; q < queues->len; q++) {
			const AfCpuSet *cpus = s->queue_cpus[q];

			if (!af_cpuset_contains(cpus, (guint)cpu))
				continue;
			af_cpuset_add(xps[q], (guint)cpu);
			n_cpus[q]++;
			af_cpuset_remove(rest, (guint)cpu);
			break;
		}
	}
	/* Then the others, each to the nearest queue. */
	AF_CPUSET_FOREACH (cpu, rest) {
		int best = -1;
		guint best_distance = G_MAXUINT;

		for (guint q = 0; q < queues->len; q++) {
			guint d;

			if (af_cpuset_is_empty(s->queue_cpus[q]))
				continue;
			d = af_steering_distance(topology, (guint)cpu, s->queue_cpus[q]);
			if (d < best_distance || (d == best_distance && n_cpus[q] < n_cpus[best])) {
				best = (int)q;
				best_distance = d;
			}
		}
		if (best < 0)
			continue;
		af_cpuset_add(xps[best], (guint)cpu);
		n_cpus[best]++;
	}
}

/* "IRQ 44 on CPU 2; nearest for 3 (same cache), 6 (same core)". */
static char *describe_xps(Steer *s, guint q, const AfCpuSet *xps)
{
	const AfTopology *topology = s->snapshot->topology;
	const AfCpuSet *cpus = s->queue_cpus[q];
	GString *r = g_string_new(NULL);
	g_autofree char *irq_cpus = af_cpuset_format_list(cpus);
	gboolean first = TRUE;

	if (af_cpuset_is_empty(cpus))
		return g_string_free(r, FALSE);
	g_string_append_printf(r, "IRQ %d on CPU %s", s->queue_irq[q], irq_cpus);
	AF_CPUSET_FOREACH (cpu, xps) {
		guint d = af_steering_distance(topology, (guint)cpu, cpus);

		if (d == 0)
			continue;
		g_string_append_printf(r, "%s%d (%s)", first ? "; nearest for CPU " : ", ", cpu,
				       distance_names[MIN(d, 5)]);
		first = FALSE;
	}
	return g_string_free(r, FALSE);
}

static void plan_xps(Steer *s)
{
	const AfNetif *netif = s->netif;
	g_autoptr(GPtrArray) queues = g_ptr_array_new();
	g_autoptr(GPtrArray) entries = g_ptr_array_new();
	g_autofree AfCpuSet **xps = NULL;
	guint n_irqs = 0;

	for (guint i = 0; i < netif->tx->len; i++) {
		const AfNetQueue *q = netif->tx->pdata[i];
		AfSteerEntry *e = entry_new(s, AF_STEER_XPS, q);

		e->current = af_cpuset_copy(q->mask);
		if (s->iface->policy.xps == AF_XPS_OFF) {
			skip(e, g_strdup("xps=off: left as it is"));
			continue;
		}
		if (!q->mask) {
			skip(e, g_strdup("xps_cpus unreadable (one queue, or a kernel without "
					 "XPS): left alone"));
			continue;
		}
		g_ptr_array_add(queues, (gpointer)q);
		g_ptr_array_add(entries, e);
	}
	s->queue_cpus = g_new0(const AfCpuSet *, queues->len);
	s->queue_irq = g_new0(int, queues->len);
	for (guint q = 0; q < queues->len; q++) {
		const AfNetQueue *queue = queues->pdata[q];
		g_autoptr(AfCpuSet) on = NULL;

		s->queue_irq[q] = queue->irq;
		on = af_cpuset_new_and(af_steering_irq_cpus(s->snapshot, s->plan, queue->irq),
				       s->snapshot->online);
		s->queue_cpus[q] = af_cpuset_is_empty(on) ? NULL : g_steal_pointer(&on);
		n_irqs += s->queue_cpus[q] != NULL;
	}
	if (queues->len >= 2 && n_irqs > 0) {
		xps = g_new0(AfCpuSet *, queues->len);
		for (guint q = 0; q < queues->len; q++)
			xps[q] = af_cpuset_new();
		assign_xps(s, queues, xps);
	}
	for (guint q = 0; q < queues->len; q++) {
		AfSteerEntry *e = entries->pdata[q];

		if (queues->len < 2)
			skip(e, g_strdup("one transmit queue: nothing to steer"));
		else if (n_irqs == 0)
			skip(e, g_strdup("no transmit queue has a known IRQ: left alone"));
		else if (!s->queue_cpus[q])
			decide_mask(e, g_steal_pointer(&xps[q]),
				    g_strdup("no IRQ of its own: the other queues take every CPU"));
		else {
			char *reason = describe_xps(s, q, xps[q]);

			decide_mask(e, g_steal_pointer(&xps[q]), reason);
		}
		if (xps)
			af_cpuset_free(xps[q]);
		af_cpuset_free((AfCpuSet *)s->queue_cpus[q]);
	}
	g_clear_pointer(&s->queue_cpus, g_free);
	g_clear_pointer(&s->queue_irq, g_free);
}

/* The housekeeping CPUs sharing a last-level cache with cpus; NULL without topology. */
static AfCpuSet *cache_siblings(Steer *s, const AfCpuSet *cpus)
{
	const AfTopology *topology = s->snapshot->topology;
	AfCpuSet *siblings = af_cpuset_new();

	AF_CPUSET_FOREACH (hk, s->hk->housekeeping) {
		const AfCpuTopo *th = af_topology_cpu(topology, (guint)hk);

		AF_CPUSET_FOREACH (cpu, cpus) {
			const AfCpuTopo *tc = af_topology_cpu(topology, (guint)cpu);

			if (th && tc && th->cache >= 0 && th->cache == tc->cache)
				af_cpuset_add(siblings, (guint)hk);
		}
	}
	if (af_cpuset_is_empty(siblings))
		g_clear_pointer(&siblings, af_cpuset_free);
	return siblings;
}

static void plan_rps_strip(AfSteerEntry *e, const AfHousekeeping *hk, const char *why)
{
	g_autoptr(AfCpuSet) stripped = af_cpuset_new_and(e->current, hk->isolated);
	g_autofree char *list = af_cpuset_format_list(stripped);
	AfCpuSet *planned = af_cpuset_new_andnot(e->current, hk->isolated);

	if (!af_cpuset_is_empty(stripped))
		decide_mask(e, planned,
			    g_strdup_printf("%sstrip isolated CPU%s %s: RPS would run softirq "
					    "work there",
					    why, af_cpuset_count(stripped) > 1 ? "s" : "", list));
	else if (af_cpuset_is_empty(e->current))
		decide_mask(e, planned, g_strdup_printf("%sRPS off (empty mask)", why));
	else
		decide_mask(e, planned, g_strdup_printf("%sholds no isolated CPU", why));
}

static void plan_rps(Steer *s, const AfNetQueue *q)
{
	AfSteerEntry *e = entry_new(s, AF_STEER_RPS, q);
	const AfCpuSet *irq_cpus;
	AfCpuSet *siblings;
	g_autofree char *irq_list = NULL, *list = NULL;

	e->current = af_cpuset_copy(q->mask);
	if (!q->mask) {
		skip(e, g_strdup("rps_cpus unreadable (a kernel without RPS?): left alone"));
		return;
	}
	switch (s->iface->policy.rps) {
	case AF_RPS_OFF:
		skip(e, g_strdup("rps=off: left as it is"));
		return;
	case AF_RPS_STRIP_ISOLATED:
		plan_rps_strip(e, s->hk, "");
		return;
	case AF_RPS_CACHE:
		break;
	}
	irq_cpus = af_steering_irq_cpus(s->snapshot, s->plan, q->irq);
	siblings = irq_cpus ? cache_siblings(s, irq_cpus) : NULL;
	if (!siblings) {
		plan_rps_strip(e, s->hk,
			       q->irq < 0 ? "rps=cache without a queue IRQ: "
					  : "rps=cache without the IRQ's cache: ");
		return;
	}
	irq_list = af_cpuset_format_list(irq_cpus);
	list = af_cpuset_format_list(siblings);
	decide_mask(e, siblings,
		    g_strdup_printf("RPS over housekeeping CPUs %s, sharing the cache of CPU %s "
				    "(IRQ %d)",
				    list, irq_list, q->irq));
}

static void plan_flow_cnt(Steer *s, const AfNetQueue *q)
{
	guint entries = s->iface->policy.rfs_flow_entries;
	AfSteerEntry *e;
	gint64 per_queue;

	/* Asked for nothing: no entry, the report stays as short as before. */
	if (entries == 0 || q->flow_cnt < 0)
		return;
	e = entry_new(s, AF_STEER_FLOW_CNT, q);
	e->current_value = q->flow_cnt;
	per_queue = af_steering_roundup_pow2(MAX(1u, entries / MAX(1u, s->netif->rx->len)));
	decide_value(e, per_queue,
		     g_strdup_printf("rfs_flow_entries=%u over %u receive queue%s", entries,
				     s->netif->rx->len, s->netif->rx->len > 1 ? "s" : ""));
}

static void plan_napi(Steer *s)
{
	const AfNetif *netif = s->netif;

	if (netif->threaded != 1)
		return;
	for (guint i = 0; i < netif->napi->len; i++) {
		const AfNapiThread *napi = netif->napi->pdata[i];
		const AfNetQueue *q = NULL;
		g_autoptr(AfCpuSet) cpus = NULL;
		g_autofree char *list = NULL;
		AfSteerEntry *e;

		for (guint j = 0; j < netif->rx->len && napi->queue >= 0; j++)
			if (((const AfNetQueue *)netif->rx->pdata[j])->index == (guint)napi->queue)
				q = netif->rx->pdata[j];
		e = entry_new(s, AF_STEER_NAPI, q);
		g_clear_pointer(&e->path, g_free);
		e->pid = napi->pid;
		e->thread = napi->comm;
		e->current = af_cpuset_copy(napi->allowed);
		if (s->iface->policy.napi_threads == AF_NAPI_OFF) {
			skip(e, g_strdup("napi_threads=off: left as it is"));
			continue;
		}
		if (!q) {
			skip(e, g_strdup("no receive queue known for it (transmit NAPI?)"));
			continue;
		}
		cpus = af_cpuset_new_and(af_steering_irq_cpus(s->snapshot, s->plan, q->irq),
					 s->snapshot->online);
		if (af_cpuset_is_empty(cpus)) {
			skip(e, g_strdup("its queue's IRQ has no known CPU"));
			continue;
		}
		list = af_cpuset_format_list(cpus);
		decide_mask(
			e, g_steal_pointer(&cpus),
			g_strdup_printf("follows IRQ %d of %s to CPU %s%s", q->irq, q->name, list,
					netif->napi_guessed ? " (queue matched by NAPI ID order)"
							    : ""));
	}
}

static void plan_sock_flow(Steer *s, AfSteering *steering)
{
	AfSteerEntry *e;
	guint entries = s->policy->network.rfs_flow_entries;

	for (guint i = 0; i < steering->interfaces->len; i++)
		entries = MAX(entries, ((AfSteerInterface *)steering->interfaces->pdata[i])
					       ->policy.rfs_flow_entries);
	s->netif = NULL;
	s->iface = NULL;
	e = entry_new(s, AF_STEER_SOCK_FLOW, NULL);
	e->path = g_strdup("/proc/sys/net/core/rps_sock_flow_entries");
	e->current_value = s->snapshot->netifs->sock_flow_entries;
	if (entries == 0)
		skip(e, g_strdup("rfs_flow_entries=0: left as it is"));
	else if (e->current_value < 0)
		skip(e, g_strdup("rps_sock_flow_entries unreadable: left alone"));
	else
		decide_value(e, af_steering_roundup_pow2(entries),
			     g_strdup_printf("rfs_flow_entries=%u", entries));
	steering->sock_flow = e;
}

static void count(AfSteering *steering, const AfSteerEntry *e)
{
	switch (e->action) {
	case AF_ACTION_MOVE:
		steering->n_move++;
		break;
	case AF_ACTION_KEEP:
		steering->n_keep++;
		break;
	case AF_ACTION_SKIP:
		steering->n_skip++;
		break;
	}
}

int af_steering_compute(const AfSnapshot *snapshot, const AfHousekeeping *hk,
			const AfPolicy *policy, const AfPlan *plan, AfSteering **ret_steering)
{
	g_autoptr(AfSteering) steering = NULL;
	Steer s = {.snapshot = snapshot, .hk = hk, .policy = policy, .plan = plan};

	if (!snapshot || !hk || !policy || !plan || !ret_steering)
		return -EINVAL;
	steering = af_steering_new();
	for (guint i = 0; i < snapshot->netifs->interfaces->len; i++) {
		AfSteerInterface *iface = g_new0(AfSteerInterface, 1);

		s.netif = snapshot->netifs->interfaces->pdata[i];
		s.iface = iface;
		iface->netif = s.netif;
		iface->entries =
			g_ptr_array_new_with_free_func((GDestroyNotify)af_steering_entry_free);
		af_policy_network_for(policy, s.netif->name, &iface->policy);
		g_ptr_array_add(steering->interfaces, iface);
		for (guint j = 0; j < s.netif->rx->len; j++) {
			plan_rps(&s, s.netif->rx->pdata[j]);
			plan_flow_cnt(&s, s.netif->rx->pdata[j]);
		}
		plan_xps(&s);
		plan_napi(&s);
		for (guint j = 0; j < iface->entries->len; j++)
			count(steering, iface->entries->pdata[j]);
	}
	plan_sock_flow(&s, steering);
	count(steering, steering->sock_flow);
	*ret_steering = g_steal_pointer(&steering);
	return 0;
}
