/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "spread.h"

/*
 * Picking the best CPU without scanning every candidate for every IRQ: each
 * candidate set keeps a binary heap of its CPUs ordered by the rank key
 * (load, core count, cache count, CPU count) as it was when the entry was
 * pushed, then thread rank and CPU number. Counts only grow while sets
 * exist, so a stored key is never above the CPU's true key: when the top
 * entry's stored key still equals the true key it is the true minimum;
 * otherwise it is re-keyed and sifted down ("lazy" re-evaluation). A charge
 * therefore costs O(1) and a pick O(log n) amortized over the re-keys.
 */

typedef struct {
	guint64 load;
	guint core_count;
	guint cache_count;
	guint cpu_count;
} RankKey;

typedef struct {
	RankKey key;
	guint cpu;
} HeapEntry;

struct AfSpreadSet {
	GArray *heap; /* HeapEntry */
};

struct AfSpread {
	guint n_cpus;
	AfPlacementMode mode;
	guint cap; /* G_MAXUINT when there is none */
	gboolean weighted;
	guint *core_of;   /* per CPU: dense core index */
	guint *cache_of;  /* per CPU: dense cache index */
	guint *thread_of; /* per CPU: rank among its core's threads */
	guint *cpu_count;
	guint64 *cpu_load;
	guint *core_count;
	guint *cache_count;
	GPtrArray *sets; /* AfSpreadSet* */
	gboolean picks_ended;
};

/* A dense index for a topology id, or a fresh one when the id is unknown (< 0). */
static guint index_id(GHashTable *ids, int id, guint *n_ids)
{
	gpointer value;

	if (id >= 0 && g_hash_table_lookup_extended(ids, GINT_TO_POINTER(id), NULL, &value))
		return GPOINTER_TO_UINT(value);
	if (id >= 0)
		g_hash_table_insert(ids, GINT_TO_POINTER(id), GUINT_TO_POINTER(*n_ids));
	return (*n_ids)++;
}

static const AfCpuTopo *topo_of(const AfTopology *topology, guint cpu)
{
	if (!topology || !topology->cpus || cpu >= topology->n_cpus)
		return NULL;
	return &topology->cpus[cpu];
}

AfSpread *af_spread_new(const AfTopology *topology, guint n_cpus, AfPlacementMode mode, guint cap,
			gboolean weighted)
{
	g_autoptr(GHashTable) cores = g_hash_table_new(g_direct_hash, g_direct_equal);
	g_autoptr(GHashTable) caches = g_hash_table_new(g_direct_hash, g_direct_equal);
	AfSpread *spread = g_new0(AfSpread, 1);
	guint n_cores = 0, n_caches = 0;

	spread->n_cpus = n_cpus;
	spread->mode = mode;
	spread->cap = cap ? cap : G_MAXUINT;
	spread->weighted = weighted;
	spread->core_of = g_new0(guint, n_cpus);
	spread->cache_of = g_new0(guint, n_cpus);
	spread->thread_of = g_new0(guint, n_cpus);
	spread->cpu_count = g_new0(guint, n_cpus);
	spread->cpu_load = g_new0(guint64, n_cpus);
	for (guint cpu = 0; cpu < n_cpus; cpu++) {
		const AfCpuTopo *topo = topo_of(topology, cpu);

		spread->core_of[cpu] = index_id(cores, topo ? topo->core : -1, &n_cores);
		spread->cache_of[cpu] = index_id(caches, topo ? topo->cache : -1, &n_caches);
		spread->thread_of[cpu] = topo && topo->thread > 0 ? (guint)topo->thread : 0;
	}
	spread->core_count = g_new0(guint, MAX(n_cores, 1));
	spread->cache_count = g_new0(guint, MAX(n_caches, 1));
	spread->sets = g_ptr_array_new();
	return spread;
}

static void free_set(AfSpreadSet *set)
{
	g_array_unref(set->heap);
	g_free(set);
}

void af_spread_free(AfSpread *spread)
{
	if (!spread)
		return;
	for (guint i = 0; i < spread->sets->len; i++)
		free_set(spread->sets->pdata[i]);
	g_ptr_array_unref(spread->sets);
	g_free(spread->core_of);
	g_free(spread->cache_of);
	g_free(spread->thread_of);
	g_free(spread->cpu_count);
	g_free(spread->cpu_load);
	g_free(spread->core_count);
	g_free(spread->cache_count);
	g_free(spread);
}

void af_spread_charge(AfSpread *spread, guint cpu, guint n_irqs, guint64 load)
{
	if (cpu >= spread->n_cpus)
		return;
	spread->cpu_count[cpu] += n_irqs;
	spread->cpu_load[cpu] += load;
	spread->core_count[spread->core_of[cpu]] += n_irqs;
	spread->cache_count[spread->cache_of[cpu]] += n_irqs;
}

void af_spread_uncharge(AfSpread *spread, guint cpu, guint n_irqs, guint64 load)
{
	/* The heaps rely on counts that never shrink. */
	g_assert(spread->sets->len == 0 || spread->picks_ended);
	if (cpu >= spread->n_cpus)
		return;
	g_assert(spread->cpu_count[cpu] >= n_irqs && spread->cpu_load[cpu] >= load);
	spread->cpu_count[cpu] -= n_irqs;
	spread->cpu_load[cpu] -= load;
	spread->core_count[spread->core_of[cpu]] -= n_irqs;
	spread->cache_count[spread->cache_of[cpu]] -= n_irqs;
}

gboolean af_spread_has_room(const AfSpread *spread, guint cpu, guint n_irqs)
{
	if (cpu >= spread->n_cpus)
		return FALSE;
	return spread->cpu_count[cpu] <= spread->cap && n_irqs <= spread->cap - spread->cpu_count[cpu];
}

void af_spread_end_picks(AfSpread *spread)
{
	spread->picks_ended = TRUE;
}

guint af_spread_count(const AfSpread *spread, guint cpu)
{
	return cpu < spread->n_cpus ? spread->cpu_count[cpu] : 0;
}

guint64 af_spread_load(const AfSpread *spread, guint cpu)
{
	return cpu < spread->n_cpus ? spread->cpu_load[cpu] : 0;
}

guint af_spread_core_of(const AfSpread *spread, guint cpu)
{
	g_assert(cpu < spread->n_cpus);
	return spread->core_of[cpu];
}

/* The CPU's rank key now; pack mode ranks by CPU number alone. */
static RankKey key_of(const AfSpread *spread, guint cpu)
{
	RankKey key = { 0 };

	switch (spread->mode) {
	case AF_PLACEMENT_PACK:
		return key;
	case AF_PLACEMENT_SPREAD:
		break;
	}
	key.load = spread->weighted ? spread->cpu_load[cpu] : 0;
	key.core_count = spread->core_count[spread->core_of[cpu]];
	key.cache_count = spread->cache_count[spread->cache_of[cpu]];
	key.cpu_count = spread->cpu_count[cpu];
	return key;
}

static gboolean key_equal(const RankKey *a, const RankKey *b)
{
	return a->load == b->load && a->core_count == b->core_count &&
	       a->cache_count == b->cache_count && a->cpu_count == b->cpu_count;
}

/* TRUE when a ranks before b. */
static gboolean ranks_before(const AfSpread *spread, const HeapEntry *a, const HeapEntry *b)
{
	if (a->key.load != b->key.load)
		return a->key.load < b->key.load;
	if (a->key.core_count != b->key.core_count)
		return a->key.core_count < b->key.core_count;
	if (a->key.cache_count != b->key.cache_count)
		return a->key.cache_count < b->key.cache_count;
	if (a->key.cpu_count != b->key.cpu_count)
		return a->key.cpu_count < b->key.cpu_count;
	if (spread->mode == AF_PLACEMENT_SPREAD &&
	    spread->thread_of[a->cpu] != spread->thread_of[b->cpu])
		return spread->thread_of[a->cpu] < spread->thread_of[b->cpu];
	return a->cpu < b->cpu;
}

static void sift_up(const AfSpread *spread, GArray *heap, guint i)
{
	HeapEntry *e = (HeapEntry *)heap->data;

	while (i > 0) {
		guint parent = (i - 1) / 2;
		HeapEntry tmp;

		if (!ranks_before(spread, &e[i], &e[parent]))
			break;
		tmp = e[i];
		e[i] = e[parent];
		e[parent] = tmp;
		i = parent;
	}
}

static void sift_down(const AfSpread *spread, GArray *heap, guint i)
{
	HeapEntry *e = (HeapEntry *)heap->data;

	for (;;) {
		guint left = 2 * i + 1, right = left + 1, best = i;
		HeapEntry tmp;

		if (left < heap->len && ranks_before(spread, &e[left], &e[best]))
			best = left;
		if (right < heap->len && ranks_before(spread, &e[right], &e[best]))
			best = right;
		if (best == i)
			return;
		tmp = e[i];
		e[i] = e[best];
		e[best] = tmp;
		i = best;
	}
}

static void push_entry(const AfSpread *spread, GArray *heap, HeapEntry entry)
{
	g_array_append_val(heap, entry);
	sift_up(spread, heap, heap->len - 1);
}

static HeapEntry pop_entry(const AfSpread *spread, GArray *heap)
{
	HeapEntry *e = (HeapEntry *)heap->data;
	HeapEntry top = e[0];

	e[0] = e[heap->len - 1];
	g_array_set_size(heap, heap->len - 1);
	if (heap->len > 0)
		sift_down(spread, heap, 0);
	return top;
}

AfSpreadSet *af_spread_set_new(AfSpread *spread, const AfCpuSet *cpus)
{
	AfSpreadSet *set = g_new0(AfSpreadSet, 1);

	set->heap = g_array_sized_new(FALSE, FALSE, sizeof(HeapEntry), af_cpuset_count(cpus));
	AF_CPUSET_FOREACH(cpu, cpus)
	{
		HeapEntry entry = { .cpu = cpu };

		if ((guint)cpu >= spread->n_cpus)
			break;
		entry.key = key_of(spread, cpu);
		push_entry(spread, set->heap, entry);
	}
	g_ptr_array_add(spread->sets, set);
	return set;
}

int af_spread_pick(AfSpread *spread, AfSpreadSet *set, guint n_irqs, GHashTable *avoid_cores)
{
	g_autoptr(GArray) aside = g_array_new(FALSE, FALSE, sizeof(HeapEntry));
	GArray *heap = set->heap;
	int best = -1;

	g_assert(!spread->picks_ended);
	while (heap->len > 0) {
		HeapEntry *top = &g_array_index(heap, HeapEntry, 0);
		RankKey now = key_of(spread, top->cpu);
		guint cpu = top->cpu;
		HeapEntry entry;

		if (!key_equal(&top->key, &now)) {
			top->key = now;
			sift_down(spread, heap, 0);
			continue;
		}
		if (spread->cpu_count[cpu] >= spread->cap) {
			/* Full for good: counts never shrink. */
			pop_entry(spread, heap);
			continue;
		}
		if (af_spread_has_room(spread, cpu, n_irqs) &&
		    !(avoid_cores && g_hash_table_contains(avoid_cores,
							   GUINT_TO_POINTER(spread->core_of[cpu] + 1)))) {
			best = cpu;
			break;
		}
		entry = pop_entry(spread, heap);
		g_array_append_val(aside, entry);
	}
	for (guint i = 0; i < aside->len; i++)
		push_entry(spread, heap, g_array_index(aside, HeapEntry, i));
	return best;
}
