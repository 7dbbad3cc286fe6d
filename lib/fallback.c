/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "fallback.h"

/* Tiers, as af_fallback_tier() numbers them, from one serving CPU: its node's ranks once. */
typedef struct {
	const AfTopology *topology;
	const AfCpuTopo *from;
	GHashTable *node_rank; /* node + 1 -> rank + 1 among the nodes by distance */
} Tiers;

static void tiers_init(Tiers *t, const AfTopology *topology, guint c)
{
	g_autoptr(GArray) nodes = NULL;

	t->topology = topology;
	t->from = topology ? af_topology_cpu(topology, c) : NULL;
	t->node_rank = g_hash_table_new(NULL, NULL);
	if (!t->from)
		return;
	nodes = af_topology_nodes_by_distance(topology, t->from->node);
	for (guint i = 0; i < nodes->len; i++)
		g_hash_table_insert(t->node_rank, GINT_TO_POINTER(g_array_index(nodes, int, i) + 1),
				    GUINT_TO_POINTER(i + 1));
}

static void tiers_clear(Tiers *t)
{
	g_hash_table_unref(t->node_rank);
}

static guint tier_of(const Tiers *t, guint f)
{
	const AfCpuTopo *a = t->from, *b = t->topology ? af_topology_cpu(t->topology, f) : NULL;
	guint rank;

	if (!a || !b)
		return G_MAXUINT;
	if (a->core >= 0 && a->core == b->core)
		return 0;
	if (a->cache >= 0 && a->cache == b->cache)
		return 1;
	if (a->node >= 0 && a->node == b->node)
		return 2;
	/* The node itself ranks 0: the others from 1 on, so 3 + their rank among them. */
	rank = GPOINTER_TO_UINT(g_hash_table_lookup(t->node_rank, GINT_TO_POINTER(b->node + 1)));
	return rank ? 2 + rank - 1 + (a->node < 0 ? 1 : 0) : G_MAXUINT - 1;
}

guint af_fallback_tier(const AfTopology *topology, guint c, guint f)
{
	Tiers t;
	guint tier;

	tiers_init(&t, topology, c);
	tier = tier_of(&t, f);
	tiers_clear(&t);
	return tier;
}

typedef struct {
	guint cpu;
	guint tier;
	guint after; /* how far after the serving CPU, wrapping around */
} Candidate;

static int compare_candidates(gconstpointer a, gconstpointer b)
{
	const Candidate *x = a, *y = b;

	if (x->tier != y->tier)
		return x->tier < y->tier ? -1 : 1;
	return x->after < y->after ? -1 : x->after > y->after;
}

AfCpuSet *af_fallback_nearest(const AfTopology *topology, guint cpu, const AfCpuSet *allowed,
			      guint count)
{
	g_autoptr(GArray) candidates = g_array_new(FALSE, FALSE, sizeof(Candidate));
	AfCpuSet *chosen;
	Tiers t;

	if (count == 0 || !allowed)
		return NULL;
	tiers_init(&t, topology, cpu);
	AF_CPUSET_FOREACH (f, allowed) {
		Candidate c = {(guint)f, tier_of(&t, (guint)f),
			       ((guint)f + AF_CPU_MAX - cpu) % AF_CPU_MAX};

		if ((guint)f != cpu)
			g_array_append_val(candidates, c);
	}
	tiers_clear(&t);
	if (candidates->len == 0)
		return NULL;
	g_array_sort(candidates, compare_candidates);
	chosen = af_cpuset_new();
	for (guint i = 0; i < MIN(count, candidates->len); i++)
		af_cpuset_add(chosen, g_array_index(candidates, Candidate, i).cpu);
	return chosen;
}

gboolean af_fallback_may_keep(const AfTopology *topology, guint cpu, const AfCpuSet *allowed,
			      const AfCpuSet *current, const AfCpuSet *nearest)
{
	g_autoptr(AfCpuSet) extra = NULL;
	guint farthest = 0;
	gboolean near = TRUE;
	Tiers t;

	if (!current || !nearest || !af_cpuset_contains(current, cpu) ||
	    af_cpuset_count(current) != af_cpuset_count(nearest) + 1)
		return FALSE;
	extra = af_cpuset_copy(current);
	af_cpuset_remove(extra, cpu);
	if (!af_cpuset_is_subset(extra, allowed))
		return FALSE;
	tiers_init(&t, topology, cpu);
	AF_CPUSET_FOREACH (f, nearest)
		farthest = MAX(farthest, tier_of(&t, (guint)f));
	AF_CPUSET_FOREACH (f, extra)
		near = near && tier_of(&t, (guint)f) <= farthest;
	tiers_clear(&t);
	return near;
}

AfCpuSet *af_fallback_choose(const AfTopology *topology, guint cpu, const AfCpuSet *allowed,
			     guint count, const AfCpuSet *current)
{
	AfCpuSet *nearest = af_fallback_nearest(topology, cpu, allowed, count);

	if (af_fallback_may_keep(topology, cpu, allowed, current, nearest)) {
		af_cpuset_assign(nearest, current);
		af_cpuset_remove(nearest, cpu);
	}
	return nearest;
}
