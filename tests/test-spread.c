/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "spread.h"

/*
 * The expected picks below are derived by hand from each topology and the
 * ranking spread.h documents (load when weighted, then the IRQs on the
 * CPU's core, on its last-level cache, on the CPU, then the thread rank,
 * then the CPU number; pack mode: the CPU number alone). Every pick is also
 * checked against a brute-force scan (oracle_pick) over counts the test
 * keeps itself, from the same charges.
 */

/* Field order of AfCpuTopo: node, package, cache, core, thread. */

/* One cache, four cores of one thread. */
static const AfCpuTopo flat4[] = {
	{0, 0, 0, 0, 0},
	{0, 0, 0, 1, 0},
	{0, 0, 0, 2, 0},
	{0, 0, 0, 3, 0},
};

/* One cache, two cores of two threads, siblings adjacent (0-1, 2-3). */
static const AfCpuTopo smt_adjacent[] = {
	{0, 0, 0, 0, 0},
	{0, 0, 0, 0, 1},
	{0, 0, 0, 1, 0},
	{0, 0, 0, 1, 1},
};

/*
 * Two nodes of one cache each, two cores per cache, two threads per core,
 * numbered like x86: CPU c and c+4 are siblings (cores 0-1 on node 0).
 */
static const AfCpuTopo two_nodes_split[] = {
	{0, 0, 0, 0, 0}, {0, 0, 0, 1, 0}, {1, 1, 1, 2, 0}, {1, 1, 1, 3, 0},
	{0, 0, 0, 0, 1}, {0, 0, 0, 1, 1}, {1, 1, 1, 2, 1}, {1, 1, 1, 3, 1},
};

/* The same machine with siblings adjacent: node 0 is CPUs 0-3, node 1 4-7. */
static const AfCpuTopo two_nodes_adjacent[] = {
	{0, 0, 0, 0, 0}, {0, 0, 0, 0, 1}, {0, 0, 0, 1, 0}, {0, 0, 0, 1, 1},
	{1, 1, 1, 2, 0}, {1, 1, 1, 2, 1}, {1, 1, 1, 3, 0}, {1, 1, 1, 3, 1},
};

/* The second thread of each core numbered first (CPU 0 is thread 1 of core 0). */
static const AfCpuTopo thread_swapped[] = {
	{0, 0, 0, 0, 1},
	{0, 0, 0, 0, 0},
	{0, 0, 0, 1, 1},
	{0, 0, 0, 1, 0},
};

/* Cache 0 holds cores 0-2, cache 1 only core 3. */
static const AfCpuTopo uneven_caches[] = {
	{0, 0, 0, 0, 0},
	{0, 0, 0, 1, 0},
	{0, 0, 0, 2, 0},
	{0, 0, 1, 3, 0},
};

/* Two sibling threads; a ranking over more CPUs sees the rest as unknown. */
static const AfCpuTopo one_core[] = {
	{0, 0, 0, 0, 0},
	{0, 0, 0, 0, 1},
};

/* CPU 1 unknown (offline when hwloc looked); CPUs 0 and 2 share core 0. */
static const AfCpuTopo known_gap[] = {
	{0, 0, 0, 0, 0},
	{-1, -1, -1, -1, -1},
	{0, 0, 0, 0, 1},
};

static AfTopology *topology_new(const AfCpuTopo *cpus, guint n_cpus)
{
	AfTopology *t = g_new0(AfTopology, 1);

	t->n_cpus = n_cpus;
	t->cpus = g_memdup2(cpus, n_cpus * sizeof(*cpus));
	t->known = af_cpuset_new();
	for (guint cpu = 0; cpu < n_cpus; cpu++) {
		if (cpus[cpu].node >= 0)
			t->n_nodes = MAX(t->n_nodes, (guint)cpus[cpu].node + 1);
	}
	t->node_cpus = g_new0(AfCpuSet *, MAX(t->n_nodes, 1));
	for (guint cpu = 0; cpu < n_cpus; cpu++) {
		int node = cpus[cpu].node;

		if (node < 0)
			continue;
		af_cpuset_add(t->known, cpu);
		if (!t->node_cpus[node])
			t->node_cpus[node] = af_cpuset_new();
		af_cpuset_add(t->node_cpus[node], cpu);
	}
	return t;
}

/*
 * n_nodes * caches_per_node * cores_per_cache cores of threads threads,
 * numbered like x86: thread t of core c is CPU t * n_cores + c.
 */
static AfTopology *topology_generate(guint n_nodes, guint caches_per_node, guint cores_per_cache,
				     guint threads)
{
	guint n_cores = n_nodes * caches_per_node * cores_per_cache;
	g_autofree AfCpuTopo *cpus = g_new0(AfCpuTopo, n_cores * threads);

	for (guint cpu = 0; cpu < n_cores * threads; cpu++) {
		int core = (int)(cpu % n_cores), cache = core / (int)cores_per_cache;
		int node = cache / (int)caches_per_node;

		cpus[cpu] = (AfCpuTopo){node, node, cache, core, (int)(cpu / n_cores)};
	}
	return topology_new(cpus, n_cores * threads);
}

/* The test's own account of the charges, and the documented ranking over it. */
typedef struct {
	const AfTopology *topology;
	guint n_cpus;
	AfPlacementMode mode;
	guint cap; /* G_MAXUINT when none */
	gboolean weighted;
	guint *count;
	guint64 *load;
	guint *core_idx;  /* per CPU: its core, numbered by the test */
	guint *cache_idx; /* per CPU: its cache, numbered by the test */
	/* Filled by oracle_sum(): IRQs per core and per cache index. */
	guint *core_sum;
	guint *cache_sum;
} Mirror;

/* The topology's core (or cache) id of cpu, or a key of its own when unknown. */
static gint64 group_key(const AfTopology *topology, guint cpu, gboolean cache)
{
	const AfCpuTopo *topo;
	int id;

	if (!topology || cpu >= topology->n_cpus)
		return -1 - (gint64)cpu;
	topo = &topology->cpus[cpu];
	id = cache ? topo->cache : topo->core;
	return id >= 0 ? id : -1 - (gint64)cpu;
}

/* Numbers the distinct keys of group_key() 0, 1, ... */
static guint *number_groups(const AfTopology *topology, guint n_cpus, gboolean cache)
{
	g_autoptr(GHashTable) ids =
		g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
	guint *idx = g_new0(guint, n_cpus);

	for (guint cpu = 0; cpu < n_cpus; cpu++) {
		gint64 key = group_key(topology, cpu, cache);
		gpointer value;

		if (!g_hash_table_lookup_extended(ids, &key, NULL, &value)) {
			value = GUINT_TO_POINTER(g_hash_table_size(ids));
			g_hash_table_insert(ids, g_memdup2(&key, sizeof(key)), value);
		}
		idx[cpu] = GPOINTER_TO_UINT(value);
	}
	return idx;
}

static Mirror *mirror_new(const AfTopology *topology, guint n_cpus, AfPlacementMode mode, guint cap,
			  gboolean weighted)
{
	Mirror *m = g_new0(Mirror, 1);

	m->topology = topology;
	m->n_cpus = n_cpus;
	m->mode = mode;
	m->cap = cap ? cap : G_MAXUINT;
	m->weighted = weighted;
	m->count = g_new0(guint, n_cpus);
	m->load = g_new0(guint64, n_cpus);
	m->core_idx = number_groups(topology, n_cpus, FALSE);
	m->cache_idx = number_groups(topology, n_cpus, TRUE);
	m->core_sum = g_new0(guint, n_cpus);
	m->cache_sum = g_new0(guint, n_cpus);
	return m;
}

static void mirror_free(Mirror *m)
{
	g_free(m->count);
	g_free(m->load);
	g_free(m->core_idx);
	g_free(m->cache_idx);
	g_free(m->core_sum);
	g_free(m->cache_sum);
	g_free(m);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Mirror, mirror_free)

static guint thread_rank(const Mirror *m, guint cpu)
{
	if (!m->topology || cpu >= m->topology->n_cpus || m->topology->cpus[cpu].thread < 0)
		return 0;
	return (guint)m->topology->cpus[cpu].thread;
}

/* Sums the IRQs on each core and cache from the per-CPU counts. */
static void oracle_sum(Mirror *m)
{
	memset(m->core_sum, 0, m->n_cpus * sizeof(*m->core_sum));
	memset(m->cache_sum, 0, m->n_cpus * sizeof(*m->cache_sum));
	for (guint cpu = 0; cpu < m->n_cpus; cpu++) {
		m->core_sum[m->core_idx[cpu]] += m->count[cpu];
		m->cache_sum[m->cache_idx[cpu]] += m->count[cpu];
	}
}

/* TRUE when a ranks before b (oracle_sum() done). */
static gboolean oracle_before(const Mirror *m, guint a, guint b)
{
	guint64 ka[5], kb[5];

	if (m->mode == AF_PLACEMENT_PACK)
		return a < b;
	ka[0] = m->weighted ? m->load[a] : 0;
	kb[0] = m->weighted ? m->load[b] : 0;
	ka[1] = m->core_sum[m->core_idx[a]];
	kb[1] = m->core_sum[m->core_idx[b]];
	ka[2] = m->cache_sum[m->cache_idx[a]];
	kb[2] = m->cache_sum[m->cache_idx[b]];
	ka[3] = m->count[a];
	kb[3] = m->count[b];
	ka[4] = thread_rank(m, a);
	kb[4] = thread_rank(m, b);
	for (guint i = 0; i < G_N_ELEMENTS(ka); i++) {
		if (ka[i] != kb[i])
			return ka[i] < kb[i];
	}
	return a < b;
}

/* The best CPU of cpus with room for n_irqs, not on the core of any CPU in avoid. */
static int oracle_pick(Mirror *m, const AfCpuSet *cpus, guint n_irqs, const GArray *avoid)
{
	int best = -1;

	oracle_sum(m);
	AF_CPUSET_FOREACH (cpu, cpus) {
		gboolean avoided = FALSE;

		if ((guint)cpu >= m->n_cpus)
			break;
		if (m->count[cpu] > m->cap || n_irqs > m->cap - m->count[cpu])
			continue;
		for (guint i = 0; avoid && i < avoid->len; i++) {
			guint other = g_array_index(avoid, guint, i);

			avoided |= m->core_idx[other] == m->core_idx[cpu];
		}
		if (avoided)
			continue;
		if (best < 0 || oracle_before(m, (guint)cpu, (guint)best))
			best = cpu;
	}
	return best;
}

static void charge_both(AfSpread *spread, Mirror *m, guint cpu, guint n_irqs, guint64 load)
{
	af_spread_charge(spread, cpu, n_irqs, load);
	if (cpu >= m->n_cpus)
		return;
	m->count[cpu] += n_irqs;
	m->load[cpu] += load;
}

static void uncharge_both(AfSpread *spread, Mirror *m, guint cpu, guint n_irqs, guint64 load)
{
	af_spread_uncharge(spread, cpu, n_irqs, load);
	if (cpu >= m->n_cpus)
		return;
	m->count[cpu] -= n_irqs;
	m->load[cpu] -= load;
}

static void assert_counts(const AfSpread *spread, const Mirror *m)
{
	for (guint cpu = 0; cpu < m->n_cpus; cpu++) {
		g_assert_cmpuint(af_spread_count(spread, cpu), ==, m->count[cpu]);
		g_assert_cmpuint(af_spread_load(spread, cpu), ==, m->load[cpu]);
	}
}

/* Applies "cpu:n_irqs:load cpu:n_irqs:load ..." as charges (or uncharges). */
static void apply_charges(AfSpread *spread, Mirror *m, const char *text, gboolean uncharge)
{
	g_auto(GStrv) items = g_strsplit(text ? text : "", " ", -1);

	for (guint i = 0; items[i]; i++) {
		guint cpu, n_irqs;
		guint64 load;

		if (!*items[i])
			continue;
		g_assert_cmpint(sscanf(items[i], "%u:%u:%" G_GUINT64_FORMAT, &cpu, &n_irqs, &load),
				==, 3);
		if (uncharge)
			uncharge_both(spread, m, cpu, n_irqs, load);
		else
			charge_both(spread, m, cpu, n_irqs, load);
	}
}

typedef struct {
	const char *name;
	const AfCpuTopo *topo; /* NULL: no topology */
	guint n_topo;
	guint n_cpus;
	AfPlacementMode mode;
	guint cap;
	gboolean weighted;
	const char *charges;   /* before the set exists: "cpu:n_irqs:load ..." */
	const char *uncharges; /* then taken back, same form */
	const char *cpus;      /* the candidate set */
	guint64 pick_load;     /* load charged with each pick (one IRQ) */
	const char *order;     /* the picks, "-1" for none */
} OrderCase;

#define TOPO(a) a, G_N_ELEMENTS(a)

static const OrderCase order_cases[] = {
	/* Each core once, lowest first, then again. */
	{"flat/round_robin", TOPO(flat4), 4, AF_PLACEMENT_SPREAD, 0, FALSE, NULL, NULL, "0-3", 0,
	 "0,1,2,3,0,1,2,3"},
	/* First threads of both cores before either sibling. */
	{"smt_adjacent/threads_last", TOPO(smt_adjacent), 4, AF_PLACEMENT_SPREAD, 0, FALSE, NULL,
	 NULL, "0-3", 0, "0,2,1,3,0,2,1,3"},
	/*
	 * Cores 0 (cache 0), 2 (cache 1: emptier), 1, 3; then their siblings
	 * 4, 6, 5, 7 in the same order; then the same again.
	 */
	{"two_nodes_split/caches_then_threads", TOPO(two_nodes_split), 8, AF_PLACEMENT_SPREAD, 0,
	 FALSE, NULL, NULL, "0-7", 0, "0,2,1,3,4,6,5,7,0,2,1,3,4,6,5,7"},
	/* Cores 0 (CPU 0), 2 (4), 1 (2), 3 (6), then the second threads. */
	{"two_nodes_adjacent/caches_then_threads", TOPO(two_nodes_adjacent), 8, AF_PLACEMENT_SPREAD,
	 0, FALSE, NULL, NULL, "0-7", 0, "0,4,2,6,1,5,3,7"},
	/* Node 1 alone: its two cores, then their siblings. */
	{"two_nodes_split/one_node", TOPO(two_nodes_split), 8, AF_PLACEMENT_SPREAD, 0, FALSE, NULL,
	 NULL, "2-3,6-7", 0, "2,3,6,7"},
	/*
	 * CPUs 1 and 3 are second threads (cache 0), 4 a first thread
	 * (cache 1): 4 first; then 1 and 3 (their cores and cache empty);
	 * then 4 (cache 1 emptier), 1 (tie with 3: lower number), 3.
	 */
	{"two_nodes_adjacent/sparse", TOPO(two_nodes_adjacent), 8, AF_PLACEMENT_SPREAD, 0, FALSE,
	 NULL, NULL, "1,3-4", 0, "4,1,3,4,1,3"},
	/* Thread rank, not CPU number, picks the first sibling. */
	{"thread_swapped/thread_rank", TOPO(thread_swapped), 4, AF_PLACEMENT_SPREAD, 0, FALSE, NULL,
	 NULL, "0-3", 0, "1,3,0,2"},
	/*
	 * Emptiest core wins over emptiest cache: core 3 (alone in cache 1)
	 * gets a second IRQ before cores 0-2 do, a third only when they all
	 * have two.
	 */
	{"uneven_caches/core_before_cache", TOPO(uneven_caches), 4, AF_PLACEMENT_SPREAD, 0, FALSE,
	 NULL, NULL, "0-3", 0, "0,3,1,2,3,0,1,2,3"},
	/* CPUs 2-3 beyond the topology are cores of their own. */
	{"partial_topology/unknown_cores", TOPO(one_core), 4, AF_PLACEMENT_SPREAD, 0, FALSE, NULL,
	 NULL, "0-3", 0, "0,2,3,1"},
	/* CPU 1 unknown: a core of its own, so it goes before CPU 2 (core 0). */
	{"known_gap/unknown_core", TOPO(known_gap), 3, AF_PLACEMENT_SPREAD, 0, FALSE, NULL, NULL,
	 "0-2", 0, "0,1,2,1"},
	{"no_topology/cpu_number", NULL, 0, 4, AF_PLACEMENT_SPREAD, 0, FALSE, NULL, NULL, "0-3", 0,
	 "0,1,2,3,0,1"},
	/* Every CPU carries one IRQ; the one taken back from CPU 2 puts it first. */
	{"uncharge/back_to_front", TOPO(flat4), 4, AF_PLACEMENT_SPREAD, 0, FALSE,
	 "0:1:0 1:1:0 2:1:0 3:1:0", "2:1:0", "0-3", 0, "2,0,1,2,3"},
	/*
	 * IRQs already placed count: CPU 0 has two, CPU 2 one. The empty 1
	 * and 3 first; then 1, 2, 3 have one each (1 lowest); then 2, 3 have
	 * one; then 3; then all have two.
	 */
	{"charge/existing", TOPO(flat4), 4, AF_PLACEMENT_SPREAD, 0, FALSE, "0:2:0 2:1:0", NULL,
	 "0-3", 0, "1,3,1,2,3,0"},
	/*
	 * Weighted: least load first (CPU 3 carries three IRQs but no load);
	 * a load tie falls back to counts and then the CPU number.
	 */
	{"weighted/load_first", TOPO(flat4), 4, AF_PLACEMENT_SPREAD, 0, TRUE,
	 "0:1:10 1:1:5 2:1:5 3:3:0", NULL, "0-3", 4, "3,3,1,2,3"},
	/* The same charges unweighted: the load is ignored, counts rule. */
	{"unweighted/load_ignored", TOPO(flat4), 4, AF_PLACEMENT_SPREAD, 0, FALSE,
	 "0:1:10 1:1:5 2:1:5 3:3:0", NULL, "0-3", 4, "0,1,2,0,1,2,0"},
	/* A weighted pick taken back: CPU 1's load is gone, it leads again. */
	{"weighted/uncharge", TOPO(flat4), 4, AF_PLACEMENT_SPREAD, 0, TRUE,
	 "0:1:3 1:1:9 2:1:5 3:1:7", "1:1:9", "0-3", 0, "1,1,1"},
	{"cap/spread", TOPO(smt_adjacent), 4, AF_PLACEMENT_SPREAD, 1, FALSE, NULL, NULL, "0-3", 0,
	 "0,2,1,3,-1"},
	{"cap/spread_subset", TOPO(flat4), 4, AF_PLACEMENT_SPREAD, 2, FALSE, NULL, NULL, "0-1", 0,
	 "0,1,0,1,-1"},
	/* A CPU charged beyond the cap before the set exists is never picked. */
	{"cap/over_cap", TOPO(flat4), 4, AF_PLACEMENT_PACK, 2, FALSE, "0:3:0", NULL, "0-1", 0,
	 "1,1,-1"},
	/* Pack: CPU number alone, threads and caches ignored, filled to the cap. */
	{"pack/cap", TOPO(two_nodes_split), 8, AF_PLACEMENT_PACK, 2, FALSE, NULL, NULL, "0-7", 0,
	 "0,0,1,1,2,2,3,3,4"},
	{"pack/subset", TOPO(two_nodes_split), 8, AF_PLACEMENT_PACK, 1, FALSE, NULL, NULL, "5-6", 0,
	 "5,6,-1"},
	{"pack/no_cap", TOPO(two_nodes_split), 8, AF_PLACEMENT_PACK, 0, FALSE, "0:100:0", NULL,
	 "0-7", 0, "0,0,0"},
	{"set/empty", TOPO(flat4), 4, AF_PLACEMENT_SPREAD, 0, FALSE, NULL, NULL, "", 0, "-1"},
	/* CPUs at or above the ranking's n_cpus are left out of a set. */
	{"set/beyond_n_cpus", TOPO(flat4), 4, AF_PLACEMENT_SPREAD, 0, FALSE, NULL, NULL,
	 "2-3,7,100", 0, "2,3,2,3"},
};

static void test_order(gconstpointer data)
{
	const OrderCase *c = data;
	g_autoptr(AfTopology) topology = c->topo ? topology_new(c->topo, c->n_topo) : NULL;
	g_autoptr(AfSpread) spread =
		af_spread_new(topology, c->n_cpus, c->mode, c->cap, c->weighted);
	g_autoptr(Mirror) m = mirror_new(topology, c->n_cpus, c->mode, c->cap, c->weighted);
	g_autoptr(AfCpuSet) cpus = NULL;
	g_auto(GStrv) expected = g_strsplit(c->order, ",", -1);
	g_autoptr(GString) picks = g_string_new(NULL);
	AfSpreadSet *set;

	g_assert_cmpint(af_cpuset_parse_list(c->cpus, &cpus), ==, 0);
	apply_charges(spread, m, c->charges, FALSE);
	apply_charges(spread, m, c->uncharges, TRUE);
	assert_counts(spread, m);
	set = af_spread_set_new(spread, cpus);
	for (guint i = 0; expected[i]; i++) {
		int cpu = af_spread_pick(spread, set, 1, NULL);

		g_assert_cmpint(cpu, ==, oracle_pick(m, cpus, 1, NULL));
		g_string_append_printf(picks, "%s%d", i ? "," : "", cpu);
		if (cpu >= 0)
			charge_both(spread, m, (guint)cpu, 1, c->pick_load);
	}
	g_assert_cmpstr(picks->str, ==, c->order);
	assert_counts(spread, m);
}

/* A pick needing more room than a CPU has left skips it without losing it. */
static void test_pick_n_irqs(void)
{
	g_autoptr(AfSpread) spread = af_spread_new(NULL, 4, AF_PLACEMENT_PACK, 3, FALSE);
	g_autoptr(AfCpuSet) cpus = af_cpuset_new_range(0, 3);
	AfSpreadSet *set;

	af_spread_charge(spread, 0, 2, 0);
	set = af_spread_set_new(spread, cpus);
	g_assert_cmpint(af_spread_pick(spread, set, 2, NULL), ==, 1);
	g_assert_cmpint(af_spread_pick(spread, set, 4, NULL), ==, -1);
	g_assert_cmpint(af_spread_pick(spread, set, 3, NULL), ==, 1);
	g_assert_cmpint(af_spread_pick(spread, set, 1, NULL), ==, 0);
	af_spread_charge(spread, 0, 1, 0);
	g_assert_cmpint(af_spread_pick(spread, set, 1, NULL), ==, 1);
	af_spread_charge(spread, 1, 3, 0);
	g_assert_cmpint(af_spread_pick(spread, set, 3, NULL), ==, 2);
}

static GHashTable *avoid_cores_of(const AfSpread *spread, const guint *cpus, guint n)
{
	GHashTable *avoid = g_hash_table_new(g_direct_hash, g_direct_equal);

	for (guint i = 0; i < n; i++)
		g_hash_table_add(avoid, GUINT_TO_POINTER(af_spread_core_of(spread, cpus[i]) + 1));
	return avoid;
}

/* Cores to avoid are skipped, by dense core index + 1, and come back afterwards. */
static void test_pick_avoid_cores(void)
{
	g_autoptr(AfTopology) topology = topology_new(TOPO(two_nodes_split));
	g_autoptr(AfSpread) spread = af_spread_new(topology, 8, AF_PLACEMENT_SPREAD, 0, FALSE);
	g_autoptr(AfCpuSet) cpus = af_cpuset_new_range(0, 7);
	static const guint core0[] = {4}, cores01[] = {0, 5}, all[] = {4, 1, 6, 3};
	g_autoptr(GHashTable) avoid0 = avoid_cores_of(spread, core0, G_N_ELEMENTS(core0));
	g_autoptr(GHashTable) avoid01 = avoid_cores_of(spread, cores01, G_N_ELEMENTS(cores01));
	g_autoptr(GHashTable) avoid_all = avoid_cores_of(spread, all, G_N_ELEMENTS(all));
	AfSpreadSet *set = af_spread_set_new(spread, cpus);

	/* Avoiding CPU 4's core avoids its sibling 0: CPU 1 is next. */
	g_assert_cmpint(af_spread_pick(spread, set, 1, avoid0), ==, 1);
	g_assert_cmpint(af_spread_pick(spread, set, 1, avoid01), ==, 2);
	g_assert_cmpint(af_spread_pick(spread, set, 1, avoid_all), ==, -1);
	g_assert_cmpint(af_spread_pick(spread, set, 1, NULL), ==, 0);
	af_spread_charge(spread, 0, 1, 0);
	/* Core 2 (CPUs 2, 6) is the emptiest core on the emptier cache. */
	g_assert_cmpint(af_spread_pick(spread, set, 1, avoid0), ==, 2);
	af_spread_charge(spread, 2, 1, 0);
	g_assert_cmpint(af_spread_pick(spread, set, 1, avoid01), ==, 3);
	g_assert_cmpint(af_spread_pick(spread, set, 1, NULL), ==, 1);
}

/* Siblings share a dense core index; distinct or unknown cores do not. */
static void test_core_of(void)
{
	g_autoptr(AfTopology) split = topology_new(TOPO(two_nodes_split));
	g_autoptr(AfTopology) partial = topology_new(TOPO(known_gap));
	g_autoptr(AfSpread) a = af_spread_new(split, 8, AF_PLACEMENT_SPREAD, 0, FALSE);
	g_autoptr(AfSpread) b = af_spread_new(partial, 5, AF_PLACEMENT_SPREAD, 0, FALSE);
	g_autoptr(AfSpread) c = af_spread_new(NULL, 3, AF_PLACEMENT_SPREAD, 0, FALSE);

	for (guint x = 0; x < 8; x++) {
		for (guint y = 0; y < 8; y++)
			g_assert_cmpint(af_spread_core_of(a, x) == af_spread_core_of(a, y), ==,
					split->cpus[x].core == split->cpus[y].core);
	}
	/* known_gap: CPUs 0 and 2 share core 0, CPU 1 is unknown, 3-4 beyond it. */
	for (guint x = 0; x < 5; x++) {
		for (guint y = 0; y < 5; y++) {
			gboolean same = x == y || (x != 1 && y != 1 && x < 3 && y < 3);

			g_assert_cmpint(af_spread_core_of(b, x) == af_spread_core_of(b, y), ==,
					same);
		}
	}
	g_assert_cmpuint(af_spread_core_of(c, 0), !=, af_spread_core_of(c, 1));
	g_assert_cmpuint(af_spread_core_of(c, 1), !=, af_spread_core_of(c, 2));
	g_assert_cmpuint(af_spread_core_of(c, 0), !=, af_spread_core_of(c, 2));
}

static void test_has_room(void)
{
	g_autoptr(AfSpread) capped = af_spread_new(NULL, 2, AF_PLACEMENT_SPREAD, 2, FALSE);
	g_autoptr(AfSpread) open = af_spread_new(NULL, 2, AF_PLACEMENT_SPREAD, 0, FALSE);

	g_assert_true(af_spread_has_room(capped, 0, 0));
	g_assert_true(af_spread_has_room(capped, 0, 2));
	g_assert_false(af_spread_has_room(capped, 0, 3));
	af_spread_charge(capped, 0, 2, 0);
	g_assert_true(af_spread_has_room(capped, 0, 0));
	g_assert_false(af_spread_has_room(capped, 0, 1));
	g_assert_true(af_spread_has_room(capped, 1, 2));
	/* Charged beyond the cap (placed before the cap was lowered). */
	af_spread_charge(capped, 0, 1, 0);
	g_assert_false(af_spread_has_room(capped, 0, 0));
	g_assert_false(af_spread_has_room(capped, 2, 0));

	af_spread_charge(open, 0, G_MAXUINT - 10, 0);
	g_assert_true(af_spread_has_room(open, 0, 10));
	g_assert_false(af_spread_has_room(open, 0, 11));
	g_assert_true(af_spread_has_room(open, 1, G_MAXUINT));
}

/* Counts and loads per CPU; CPUs beyond the ranking are ignored, not stored. */
static void test_count_load(void)
{
	g_autoptr(AfSpread) spread = af_spread_new(NULL, 4, AF_PLACEMENT_SPREAD, 0, TRUE);

	af_spread_charge(spread, 3, 2, 500);
	af_spread_charge(spread, 3, 1, G_GUINT64_CONSTANT(1) << 40);
	af_spread_charge(spread, 4, 7, 7);
	af_spread_charge(spread, G_MAXUINT, 7, 7);
	g_assert_cmpuint(af_spread_count(spread, 3), ==, 3);
	g_assert_cmpuint(af_spread_load(spread, 3), ==, (G_GUINT64_CONSTANT(1) << 40) + 500);
	for (guint cpu = 0; cpu < 3; cpu++) {
		g_assert_cmpuint(af_spread_count(spread, cpu), ==, 0);
		g_assert_cmpuint(af_spread_load(spread, cpu), ==, 0);
	}
	g_assert_cmpuint(af_spread_count(spread, 4), ==, 0);
	g_assert_cmpuint(af_spread_load(spread, 4), ==, 0);
	af_spread_uncharge(spread, 3, 1, 500);
	af_spread_uncharge(spread, 4, 7, 7);
	g_assert_cmpuint(af_spread_count(spread, 3), ==, 2);
	g_assert_cmpuint(af_spread_load(spread, 3), ==, G_GUINT64_CONSTANT(1) << 40);
}

/*
 * Two sets over CPUs 0-2 and 1-3, both made before any charge: each sees
 * the other's picks (its stored keys go stale) and direct charges.
 */
static void test_sets_shared(void)
{
	g_autoptr(AfTopology) topology = topology_new(TOPO(flat4));
	g_autoptr(AfSpread) spread = af_spread_new(topology, 4, AF_PLACEMENT_SPREAD, 0, FALSE);
	g_autoptr(Mirror) m = mirror_new(topology, 4, AF_PLACEMENT_SPREAD, 0, FALSE);
	g_autoptr(AfCpuSet) cpus_a = af_cpuset_new_range(0, 2);
	g_autoptr(AfCpuSet) cpus_b = af_cpuset_new_range(1, 3);
	AfSpreadSet *a = af_spread_set_new(spread, cpus_a);
	AfSpreadSet *b = af_spread_set_new(spread, cpus_b);
	g_autoptr(GString) picks = g_string_new(NULL);

	/*
	 * A: 0 (all empty); B: 1 (1-3 empty); A: 2 (0, 1 taken); B: 3; then
	 * every CPU has one and the same again.
	 */
	for (guint i = 0; i < 8; i++) {
		AfSpreadSet *set = i % 2 ? b : a;
		const AfCpuSet *cpus = i % 2 ? cpus_b : cpus_a;
		int cpu = af_spread_pick(spread, set, 1, NULL);

		g_assert_cmpint(cpu, ==, oracle_pick(m, cpus, 1, NULL));
		g_string_append_printf(picks, "%s%c%d", i ? " " : "", i % 2 ? 'B' : 'A', cpu);
		charge_both(spread, m, (guint)cpu, 1, 0);
	}
	g_assert_cmpstr(picks->str, ==, "A0 B1 A2 B3 A0 B1 A2 B3");
	/* Charged outside any pick: CPU 1 (now 3) loses to 2 in B, 0 wins in A. */
	charge_both(spread, m, 1, 1, 0);
	charge_both(spread, m, 3, 1, 0);
	g_assert_cmpint(af_spread_pick(spread, b, 1, NULL), ==, 2);
	g_assert_cmpint(af_spread_pick(spread, a, 1, NULL), ==, 0);
	charge_both(spread, m, 0, 5, 0);
	g_assert_cmpint(af_spread_pick(spread, a, 1, NULL), ==, 2);
	g_assert_cmpint(af_spread_pick(spread, b, 1, NULL), ==, 2);
}

/* After the last pick, charges can be taken back to nothing. */
static void test_uncharge_after_end_picks(void)
{
	g_autoptr(AfTopology) topology = topology_new(TOPO(smt_adjacent));
	g_autoptr(AfSpread) spread = af_spread_new(topology, 4, AF_PLACEMENT_SPREAD, 0, TRUE);
	g_autoptr(AfCpuSet) cpus = af_cpuset_new_range(0, 3);
	AfSpreadSet *set = af_spread_set_new(spread, cpus);
	int picked[4];

	for (guint i = 0; i < G_N_ELEMENTS(picked); i++) {
		picked[i] = af_spread_pick(spread, set, 1, NULL);
		g_assert_cmpint(picked[i], >=, 0);
		af_spread_charge(spread, (guint)picked[i], 2, 10 + i);
	}
	af_spread_end_picks(spread);
	for (guint i = 0; i < G_N_ELEMENTS(picked); i++) {
		g_assert_cmpuint(af_spread_count(spread, (guint)picked[i]), ==, 2);
		af_spread_uncharge(spread, (guint)picked[i], 2, 10 + i);
		g_assert_cmpuint(af_spread_count(spread, (guint)picked[i]), ==, 0);
		g_assert_cmpuint(af_spread_load(spread, (guint)picked[i]), ==, 0);
	}
}

/* Taking a charge back while sets may still pick is a caller bug. */
static void test_uncharge_while_picking(void)
{
	if (g_test_subprocess()) {
		g_autoptr(AfSpread) spread = af_spread_new(NULL, 2, AF_PLACEMENT_SPREAD, 0, FALSE);
		g_autoptr(AfCpuSet) cpus = af_cpuset_new_range(0, 1);

		af_spread_charge(spread, 0, 1, 0);
		af_spread_set_new(spread, cpus);
		af_spread_uncharge(spread, 0, 1, 0);
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_failed();
}

typedef struct {
	AfPlacementMode mode;
	guint cap;
	gboolean weighted;
	guint32 seed;
} LargeCase;

static const LargeCase large_cases[] = {
	{AF_PLACEMENT_SPREAD, 12, FALSE, 1},
	{AF_PLACEMENT_SPREAD, 0, TRUE, 2},
	{AF_PLACEMENT_SPREAD, 9, TRUE, 3},
	{AF_PLACEMENT_PACK, 12, FALSE, 4},
};

typedef struct {
	guint cpu, n_irqs;
	guint64 load;
} Charge;

/*
 * 4096 CPUs (4 nodes x 4 caches x 256 cores x 2 threads, some unknown):
 * many charges and uncharges before any set, then thousands of picks from
 * five sets sharing CPUs (one made halfway), with direct charges and avoided cores between
 * them; every pick must be the true minimum of a brute-force scan.
 */
static void test_large(gconstpointer data)
{
	const LargeCase *c = data;
	g_autoptr(AfTopology) topology = topology_generate(4, 4, 128, 2);
	guint n_cpus = topology->n_cpus;
	g_autoptr(AfSpread) spread = NULL;
	g_autoptr(Mirror) m = NULL;
	g_autoptr(GArray) charges = g_array_new(FALSE, FALSE, sizeof(Charge));
	g_autoptr(GArray) avoid = g_array_new(FALSE, FALSE, sizeof(guint));
	g_autoptr(AfCpuSet) sparse = af_cpuset_new();
	g_autoptr(AfCpuSet) all = af_cpuset_new_range(0, n_cpus - 1);
	const AfCpuSet *node1 = af_topology_node_cpus(topology, 1);
	g_autoptr(AfCpuSet) small = NULL;
	const AfCpuSet *sets_cpus[5];
	AfSpreadSet *sets[5];
	GRand *rand = g_rand_new_with_seed(c->seed);
	guint n_none = 0, n_avoided = 0;

	g_assert_cmpuint(n_cpus, ==, 4096);
	/* Every 97th CPU unknown to the topology (offline when it was read). */
	for (guint cpu = 50; cpu < n_cpus; cpu += 97)
		topology->cpus[cpu] = (AfCpuTopo){-1, -1, -1, -1, -1};
	for (guint cpu = 0; cpu < n_cpus; cpu += 5)
		af_cpuset_add(sparse, cpu);
	af_cpuset_add_range(sparse, 2040, 2060);
	/* Eight cores' two threads: full long before the end when there is a cap. */
	g_assert_cmpint(af_cpuset_parse_list("1000-1007,3048-3055", &small), ==, 0);
	spread = af_spread_new(topology, n_cpus, c->mode, c->cap, c->weighted);
	m = mirror_new(topology, n_cpus, c->mode, c->cap, c->weighted);

	for (guint i = 0; i < 20000; i++) {
		if (charges->len > 0 && g_rand_int_range(rand, 0, 3) == 0) {
			guint at = (guint)g_rand_int_range(rand, 0, (gint32)charges->len);
			Charge ch = g_array_index(charges, Charge, at);

			uncharge_both(spread, m, ch.cpu, ch.n_irqs, ch.load);
			g_array_remove_index_fast(charges, at);
		} else {
			Charge ch = {(guint)g_rand_int_range(rand, 0, (gint32)n_cpus),
				     (guint)g_rand_int_range(rand, 1, 3),
				     (guint64)g_rand_int_range(rand, 0, 1000)};

			charge_both(spread, m, ch.cpu, ch.n_irqs, ch.load);
			g_array_append_val(charges, ch);
		}
	}
	assert_counts(spread, m);

	sets_cpus[0] = all;
	sets_cpus[1] = node1;
	sets_cpus[2] = sparse;
	sets_cpus[3] = small;
	sets_cpus[4] = af_topology_node_cpus(topology, 2);
	for (guint i = 0; i < 4; i++)
		sets[i] = af_spread_set_new(spread, sets_cpus[i]);
	for (guint i = 0; i < 6000; i++) {
		/* Node 2's set is made halfway, from the charges so far. */
		guint which = (guint)g_rand_int_range(rand, 0, i < 3000 ? 4 : 5);
		guint n_irqs = (guint)g_rand_int_range(rand, 1, 4);
		g_autoptr(GHashTable) avoid_cores = NULL;
		int cpu, expected;

		if (i == 3000)
			sets[4] = af_spread_set_new(spread, sets_cpus[4]);
		g_array_set_size(avoid, 0);
		if (g_rand_int_range(rand, 0, 4) == 0) {
			guint n = (guint)g_rand_int_range(rand, 1, 4);

			for (guint k = 0; k < n; k++) {
				guint other = (guint)g_rand_int_range(rand, 0, (gint32)n_cpus);

				g_array_append_val(avoid, other);
			}
			avoid_cores = avoid_cores_of(spread, (guint *)avoid->data, avoid->len);
		}
		expected = oracle_pick(m, sets_cpus[which], n_irqs, avoid);
		cpu = af_spread_pick(spread, sets[which], n_irqs, avoid_cores);
		if (cpu != expected)
			g_test_message("pick %u from set %u (%u IRQs): got %d, expected %d", i,
				       which, n_irqs, cpu, expected);
		g_assert_cmpint(cpu, ==, expected);
		n_none += cpu < 0;
		n_avoided += avoid->len > 0;
		if (cpu >= 0) {
			Charge ch = {(guint)cpu, n_irqs, (guint64)g_rand_int_range(rand, 0, 1000)};

			charge_both(spread, m, ch.cpu, ch.n_irqs, ch.load);
			g_array_append_val(charges, ch);
		}
		if (g_rand_int_range(rand, 0, 5) == 0) {
			Charge ch = {(guint)g_rand_int_range(rand, 0, (gint32)n_cpus), 1,
				     (guint64)g_rand_int_range(rand, 0, 1000)};

			charge_both(spread, m, ch.cpu, ch.n_irqs, ch.load);
			g_array_append_val(charges, ch);
		}
	}
	g_test_message("%u picks found no CPU, %u avoided cores", n_none, n_avoided);
	g_assert_cmpuint(n_avoided, >, 0);
	if (c->cap)
		g_assert_cmpuint(n_none, >, 0);
	assert_counts(spread, m);

	af_spread_end_picks(spread);
	for (guint i = 0; i < charges->len; i++) {
		Charge ch = g_array_index(charges, Charge, i);

		uncharge_both(spread, m, ch.cpu, ch.n_irqs, ch.load);
	}
	for (guint cpu = 0; cpu < n_cpus; cpu++) {
		g_assert_cmpuint(af_spread_count(spread, cpu), ==, 0);
		g_assert_cmpuint(af_spread_load(spread, cpu), ==, 0);
	}
	g_rand_free(rand);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	for (guint i = 0; i < G_N_ELEMENTS(order_cases); i++) {
		g_autofree char *path =
			g_strdup_printf("/spread/pick/order/%s", order_cases[i].name);

		g_test_add_data_func(path, &order_cases[i], test_order);
	}
	g_test_add_func("/spread/pick/n_irqs", test_pick_n_irqs);
	g_test_add_func("/spread/pick/avoid_cores", test_pick_avoid_cores);
	g_test_add_func("/spread/pick/shared_sets", test_sets_shared);
	for (guint i = 0; i < G_N_ELEMENTS(large_cases); i++) {
		const LargeCase *c = &large_cases[i];
		g_autofree char *path =
			g_strdup_printf("/spread/pick/large/%s_cap%u%s",
					c->mode == AF_PLACEMENT_PACK ? "pack" : "spread", c->cap,
					c->weighted ? "_weighted" : "");

		g_test_add_data_func(path, c, test_large);
	}
	g_test_add_func("/spread/core_of/dense", test_core_of);
	g_test_add_func("/spread/has_room/edges", test_has_room);
	g_test_add_func("/spread/count/charge_uncharge", test_count_load);
	g_test_add_func("/spread/uncharge/after_end_picks", test_uncharge_after_end_picks);
	g_test_add_func("/spread/uncharge/while_picking", test_uncharge_while_picking);
	return g_test_run();
}
