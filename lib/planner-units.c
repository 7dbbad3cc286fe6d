/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "planner-units.h"

static void free_unit(Unit *unit)
{
	g_ptr_array_unref(unit->items);
	g_free(unit);
}

void af_units_init(Units *u, AfSpread *spread, gboolean distinct_cores)
{
	*u = (Units){
		.all = g_ptr_array_new_with_free_func((GDestroyNotify)free_unit),
		.spread = spread,
		.distinct_cores = distinct_cores,
		.device_units = g_hash_table_new(g_str_hash, g_str_equal),
		.device_cores = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
						      (GDestroyNotify)g_hash_table_unref),
		.avoid = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
					       (GDestroyNotify)g_hash_table_unref),
	};
}

void af_units_clear(Units *u)
{
	g_clear_pointer(&u->avoid, g_hash_table_unref);
	g_clear_pointer(&u->device_cores, g_hash_table_unref);
	g_clear_pointer(&u->device_units, g_hash_table_unref);
	g_clear_pointer(&u->all, g_ptr_array_unref);
}

void af_units_free_cand(Cand *cand)
{
	af_cpuset_free(cand->cpus);
	if (cand->tiers)
		g_ptr_array_unref(cand->tiers);
	if (cand->tier_rankings)
		g_ptr_array_unref(cand->tier_rankings);
	if (cand->by_count)
		g_array_unref(cand->by_count);
	g_free(cand);
}

Unit *af_units_add(Units *u, Item *item, Cand *cand, const char *device)
{
	Unit *unit = g_new0(Unit, 1);

	unit->items = g_ptr_array_new();
	g_ptr_array_add(unit->items, item);
	unit->cand = cand;
	unit->device = device;
	unit->weight = item->weight;
	unit->channel_weight = item->weight;
	unit->first_irq = item->irq->irq;
	unit->cpu = -1;
	unit->decision = UNIT_UNDECIDED;
	unit->evened_from = -1;
	/* The NIC's rmap wants its queues' CPUs disjoint, whatever the mode. */
	unit->arfs = item->irq->arfs;
	g_ptr_array_add(u->all, unit);
	if (device) {
		guint n = GPOINTER_TO_UINT(g_hash_table_lookup(u->device_units, device));

		g_hash_table_insert(u->device_units, (gpointer)device, GUINT_TO_POINTER(n + 1));
	}
	return unit;
}

void af_units_split(Units *u, Unit *unit, GPtrArray *queue, guint at)
{
	for (guint j = 1; j < unit->items->len; j++) {
		Unit *single = af_units_add(u, unit->items->pdata[j], unit->cand, unit->device);

		single->channel_weight = unit->channel_weight;
		if (queue)
			g_ptr_array_insert(queue, at + j, single);
	}
	unit->weight = ((Item *)unit->items->pdata[0])->weight;
	g_ptr_array_set_size(unit->items, 1);
}

guint af_units_device_on_core(const Units *u, const Unit *unit, guint core)
{
	GHashTable *cores =
		unit->device ? g_hash_table_lookup(u->device_cores, unit->device) : NULL;

	return cores ? GPOINTER_TO_UINT(g_hash_table_lookup(cores, GUINT_TO_POINTER(core + 1))) : 0;
}

GHashTable *af_units_avoid(Units *u, const Unit *unit)
{
	GHashTable *avoid;

	if (!unit->device || !(u->distinct_cores || unit->arfs))
		return NULL;
	avoid = g_hash_table_lookup(u->avoid, unit->device);
	if (!avoid) {
		avoid = g_hash_table_new(g_direct_hash, g_direct_equal);
		g_hash_table_insert(u->avoid, (gpointer)unit->device, avoid);
	}
	return avoid;
}

static void count_device_core(Units *u, const Unit *unit, int cpu, int delta)
{
	guint core = af_spread_core_of(u->spread, (guint)cpu);
	GHashTable *cores;

	if (!unit->device)
		return;
	cores = g_hash_table_lookup(u->device_cores, unit->device);
	if (!cores) {
		cores = g_hash_table_new(g_direct_hash, g_direct_equal);
		g_hash_table_insert(u->device_cores, (gpointer)unit->device, cores);
	}
	g_hash_table_insert(cores, GUINT_TO_POINTER(core + 1),
			    GUINT_TO_POINTER(af_units_device_on_core(u, unit, core) + delta));
}

void af_units_settle(Units *u, Unit *unit, int cpu)
{
	GHashTable *avoid = af_units_avoid(u, unit);

	unit->cpu = cpu;
	af_spread_charge(u->spread, cpu, unit->items->len, unit->weight);
	count_device_core(u, unit, cpu, 1);
	if (avoid)
		g_hash_table_add(avoid, GUINT_TO_POINTER(af_spread_core_of(u->spread, cpu) + 1));
}

void af_units_unsettle(Units *u, Unit *unit)
{
	GHashTable *avoid = af_units_avoid(u, unit);
	guint core = af_spread_core_of(u->spread, (guint)unit->cpu);

	af_spread_uncharge(u->spread, unit->cpu, unit->items->len, unit->weight);
	count_device_core(u, unit, unit->cpu, -1);
	/* The core is free for the device's next pick again unless another of its queues is there.
	 */
	if (avoid && af_units_device_on_core(u, unit, core) == 0)
		g_hash_table_remove(avoid, GUINT_TO_POINTER(core + 1));
	unit->cpu = -1;
}

void af_units_move(Units *u, Unit *unit, int cpu)
{
	af_units_unsettle(u, unit);
	af_units_settle(u, unit, cpu);
}

/*
 * A new round for a device whose queues are on every core of the set: the
 * cores holding more of its units than the fewest any core of the set
 * holds stay avoided (units kept where they were may have filled some
 * cores beyond the others: the device's units end as even over the cores
 * as they can be, which is what the next plan's hysteresis keeps).
 */
void af_units_new_round(Units *u, const Unit *unit, const Cand *cand)
{
	GHashTable *avoid = af_units_avoid(u, unit);
	guint least = G_MAXUINT;

	g_hash_table_remove_all(avoid);
	AF_CPUSET_FOREACH (cpu, cand->cpus) {
		guint core = af_spread_core_of(u->spread, (guint)cpu);

		least = MIN(least, af_units_device_on_core(u, unit, core));
	}
	AF_CPUSET_FOREACH (cpu, cand->cpus) {
		guint core = af_spread_core_of(u->spread, (guint)cpu);

		if (af_units_device_on_core(u, unit, core) > least)
			g_hash_table_add(avoid, GUINT_TO_POINTER(core + 1));
	}
}

guint af_units_count_cores(const Units *u, const AfCpuSet *cpus)
{
	g_autoptr(GHashTable) cores = g_hash_table_new(g_direct_hash, g_direct_equal);

	AF_CPUSET_FOREACH (cpu, cpus)
		g_hash_table_add(cores,
				 GUINT_TO_POINTER(af_spread_core_of(u->spread, (guint)cpu) + 1));
	return g_hash_table_size(cores);
}

guint af_units_cand_cores(const Units *u, Cand *cand)
{
	if (!cand->n_cores)
		cand->n_cores = MAX(1u, af_units_count_cores(u, cand->cpus));
	return cand->n_cores;
}

guint af_units_device_count(const Units *u, const char *device)
{
	return device ? GPOINTER_TO_UINT(g_hash_table_lookup(u->device_units, device)) : 0;
}

guint af_units_tier_of(const Cand *cand, int cpu)
{
	if (!cand->tiers)
		return 0;
	for (guint t = 0; t < cand->tiers->len; t++)
		if (af_cpuset_contains(cand->tiers->pdata[t], (guint)cpu))
			return t;
	return cand->tiers->len;
}

/* The cores holding more than n units of the unit's device. */
static guint device_cores_over(const Units *u, const Unit *unit, guint n)
{
	GHashTable *cores = g_hash_table_lookup(u->device_cores, unit->device);
	GHashTableIter iter;
	gpointer count;
	guint over = 0;

	if (!cores)
		return 0;
	g_hash_table_iter_init(&iter, cores);
	while (g_hash_table_iter_next(&iter, NULL, &count))
		over += GPOINTER_TO_UINT(count) > n;
	return over;
}

/*
 * Spread mode: queues of one device stay on distinct cores while there are
 * cores to spare, so a unit keeps its CPU only while that leaves the
 * device's units as even over the cores of its set as they can be: k units
 * over c cores, each core floor(k/c), and k mod c cores one more (after the
 * kernel's default put every queue on CPU 0, one of them stays).
 */
gboolean af_units_may_keep(Units *u, const Unit *unit, int cpu)
{
	guint n_units, n_cores, on_core;

	if (!unit->device || !(u->distinct_cores || unit->arfs))
		return TRUE;
	n_units = af_units_device_count(u, unit->device);
	n_cores = af_units_cand_cores(u, unit->cand);
	on_core = af_units_device_on_core(u, unit, af_spread_core_of(u->spread, (guint)cpu));
	if (on_core < n_units / n_cores)
		return TRUE;
	return on_core == n_units / n_cores && n_units % n_cores > 0 &&
	       device_cores_over(u, unit, n_units / n_cores) < n_units % n_cores;
}

gboolean af_units_may_move(const Units *u, const Unit *unit, int from, int to)
{
	guint core_from = af_spread_core_of(u->spread, (guint)from);
	guint core_to = af_spread_core_of(u->spread, (guint)to);

	if (af_units_tier_of(unit->cand, to) > af_units_tier_of(unit->cand, from))
		return FALSE;
	return !unit->device || core_from == core_to ||
	       af_units_device_on_core(u, unit, core_to) <
		       af_units_device_on_core(u, unit, core_from);
}

gboolean af_units_held_on(const Unit *unit, int cpu)
{
	for (guint i = 0; i < unit->items->len; i++) {
		if (((const Item *)unit->items->pdata[i])->mask_cpu != cpu)
			return FALSE;
	}
	return TRUE;
}

int af_units_compare_heaviest(gconstpointer a, gconstpointer b)
{
	const Unit *x = *(Unit *const *)a, *y = *(Unit *const *)b;

	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	return x->first_irq < y->first_irq ? -1 : x->first_irq > y->first_irq ? 1 : 0;
}

int af_units_compare_heaviest_channel(gconstpointer a, gconstpointer b)
{
	const Unit *x = *(Unit *const *)a, *y = *(Unit *const *)b;

	if (x->channel_weight != y->channel_weight)
		return x->channel_weight > y->channel_weight ? -1 : 1;
	return af_units_compare_heaviest(a, b);
}
