/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "planner-private.h"
#include "planner-state.h"
#include "planner.h"
#include "spread.h"

/*
 * How a plan is made, in passes over the IRQs in ascending number:
 *  1. IRQs that will not be written (unmovable, banned, affinity unreadable,
 *     no housekeeping CPU) are skipped and charged on the CPUs serving them.
 *  2. The rest become placement units: one IRQ, or the rx and tx queues of
 *     one channel, which must share a CPU.
 *  3. Hysteresis: a unit whose current CPU is a candidate with room stays.
 *  4. With a measured load, kept units leave CPUs loaded beyond the least
 *     loaded candidate by more than hysteresis_percent of the mean (and by
 *     more than min_load_rate), heaviest first, only until the gap is closed.
 *  5. The others are placed, heaviest first then by IRQ number, on the best
 *     candidate CPU (spread.c), queues of one device on distinct cores.
 *  6. Spread mode: units leave CPUs that carry more IRQs than their
 *     candidate set's share for a CPU of the set that stays within it (a
 *     CPU that came online gets IRQs again; fewest moves; stable).
 *  7. Entries, reasons and warnings are written (planner-write.c).
 */

static void free_cand(Cand *cand)
{
	af_cpuset_free(cand->cpus);
	if (cand->by_count)
		g_array_unref(cand->by_count);
	g_free(cand);
}

static void free_unit(Unit *unit)
{
	g_ptr_array_unref(unit->items);
	g_free(unit);
}

static AfPlanEntry *add_entry(Planner *p, const AfIrq *irq)
{
	AfPlanEntry *entry = g_new0(AfPlanEntry, 1);

	entry->irq = irq;
	entry->warnings = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(p->plan->entries, entry);
	return entry;
}

static void skip_entry(Planner *p, AfPlanEntry *entry, char *reason)
{
	const AfCpuSet *served = af_plan_counted_cpus(entry->irq);
	guint64 weight = p->load ? af_load_get(p->load, entry->irq->irq) : entry->irq->total;

	entry->action = AF_ACTION_SKIP;
	entry->reason = reason;
	AF_CPUSET_FOREACH(cpu, served)
	af_spread_charge(p->spread, cpu, 1, weight);
}

static char *describe_unmovable(Planner *p, AfPlanEntry *entry)
{
	const AfIrq *irq = entry->irq;
	const AfCpuSet *serving = af_irq_serving_cpus(irq);
	const char *source = af_managed_source_to_string(irq->managed_source);
	g_autofree char *list = af_cpuset_format_list(serving);
	g_autoptr(AfCpuSet) isolated = af_cpuset_copy(serving);

	if (irq->per_cpu)
		return g_strdup("per-CPU interrupt: never movable");
	if (isolated)
		af_cpuset_and(isolated, p->hk->isolated);
	if (!af_cpuset_is_empty(isolated)) {
		g_autofree char *iso = af_cpuset_format_list(isolated);

		g_ptr_array_add(entry->warnings,
				g_strdup_printf("served by isolated CPU%s %s; isolcpus=managed_irq "
						"cannot move it",
						af_cpuset_count(isolated) > 1 ? "s" : "", iso));
		p->n_isolated_managed++;
	}
	if (af_cpuset_is_empty(serving))
		return g_strdup_printf("kernel-managed%s%s%s: not served (no CPU of its mask is "
				       "online)",
				       source ? " (" : "", source ? source : "", source ? ")" : "");
	return g_strdup_printf("kernel-managed%s%s%s: served by CPU%s %s", source ? " (" : "",
			       source ? source : "", source ? ")" : "",
			       af_cpuset_count(serving) > 1 ? "s" : "", list);
}

static Cand *intern_cand(Planner *p, char *key, CandKind kind, AfCpuSet *cpus)
{
	Cand *cand = g_hash_table_lookup(p->cands, key);

	if (cand) {
		g_free(key);
		af_cpuset_free(cpus);
		return cand;
	}
	cand = g_new0(Cand, 1);
	cand->kind = kind;
	cand->cpus = cpus;
	g_hash_table_insert(p->cands, key, cand);
	return cand;
}

static Cand *pin_cand(Planner *p, const AfRule *rule)
{
	g_autofree char *key = g_strdup_printf("pin:%p", (const void *)rule);
	AfCpuSet *cpus;
	Cand *cand = g_hash_table_lookup(p->cands, key);

	if (cand)
		return cand;
	cpus = af_cpuset_copy(p->housekeeping);
	if (rule->cpus)
		af_cpuset_and(cpus, rule->cpus);
	else
		af_cpuset_clear(cpus);
	cand = intern_cand(p, g_steal_pointer(&key), CAND_PIN, cpus);
	cand->rule = rule;
	if (af_cpuset_is_empty(cpus)) {
		g_autofree char *list = af_cpuset_format_list(rule->cpus);

		af_cpuset_assign(cand->cpus, p->housekeeping);
		cand->pin_fallback = TRUE;
		g_ptr_array_add(p->plan->warnings,
				g_strdup_printf("rule %s: none of its CPUs (%s) is a housekeeping CPU; "
						"its IRQs go to housekeeping CPUs",
						rule->name, list));
	}
	return cand;
}

/* The device's node CPUs (or local CPUs) within housekeeping, when numa_local. */
static Cand *local_cand(Planner *p, const AfIrq *irq)
{
	const AfTopology *topology = p->snapshot->topology;
	AfCpuSet *cpus;

	if (topology && irq->numa_node >= 0 && (guint)irq->numa_node < topology->n_nodes &&
	    topology->node_cpus && topology->node_cpus[irq->numa_node]) {
		Cand **cand = &p->node_cands[irq->numa_node];

		if (!*cand) {
			cpus = af_cpuset_new_and(topology->node_cpus[irq->numa_node],
						 p->housekeeping);
			*cand = intern_cand(p, g_strdup_printf("node:%d", irq->numa_node),
					    CAND_NODE, cpus);
		}
		return *cand;
	}
	if (irq->local_cpus) {
		g_autofree char *list = af_cpuset_format_list(irq->local_cpus);

		cpus = af_cpuset_new_and(irq->local_cpus, p->housekeeping);
		return intern_cand(p, g_strdup_printf("local:%s", list), CAND_LOCAL, cpus);
	}
	return NULL;
}

static Cand *cand_for(Planner *p, const Item *item)
{
	Cand *cand;

	if (item->rule)
		return pin_cand(p, item->rule);
	if (!p->policy->numa_local)
		return p->all;
	cand = local_cand(p, item->irq);
	if (!cand || af_cpuset_is_empty(cand->cpus))
		return p->all;
	return cand;
}

/* Pass 1: skip what will not be written; the rest become items. */
static void classify(Planner *p, GPtrArray *irqs)
{
	for (guint i = 0; i < irqs->len; i++) {
		const AfIrq *irq = irqs->pdata[i];
		AfPlanEntry *entry = add_entry(p, irq);
		const AfRule *rule;
		Item *item;

		if (!af_irq_is_movable(irq)) {
			skip_entry(p, entry, describe_unmovable(p, entry));
			continue;
		}
		if (!af_irq_has_handler(irq)) {
			/* Not charged: it serves no CPU anything. */
			entry->action = AF_ACTION_SKIP;
			entry->reason = g_strdup("no handler (no driver requested it): nothing to "
						 "place");
			continue;
		}
		rule = af_plan_match_rule(p->policy, irq);
		if (rule && rule->action == AF_RULE_BAN) {
			skip_entry(p, entry, g_strdup_printf("banned by rule %s", rule->name));
			continue;
		}
		if (!irq->affinity) {
			skip_entry(p, entry, g_strdup("affinity unreadable: left alone"));
			continue;
		}
		if (af_cpuset_is_empty(p->housekeeping)) {
			skip_entry(p, entry, g_strdup("no housekeeping CPU online: left alone"));
			continue;
		}
		item = g_new0(Item, 1);
		item->irq = irq;
		item->entry = entry;
		item->rule = rule;
		item->weight = p->load ? af_load_get(p->load, irq->irq) : irq->total;
		item->current = -1;
		g_ptr_array_add(p->items, item);
	}
}

static const char *device_of(const AfIrq *irq)
{
	if (irq->queue < 0)
		return NULL;
	return irq->device ? irq->device : irq->interface;
}

/* Pass 2: one unit per IRQ, except rx and tx of one channel share one. */
static void group_units(Planner *p)
{
	g_autoptr(GHashTable) channels = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
							       NULL);

	for (guint i = 0; i < p->items->len; i++) {
		Item *item = p->items->pdata[i];
		const char *device = device_of(item->irq);
		Unit *unit = NULL;
		char *key = NULL;

		if (device && (item->irq->queue_kind == AF_QUEUE_RX ||
			       item->irq->queue_kind == AF_QUEUE_TX)) {
			key = g_strdup_printf("%s\n%d\n%p", device, item->irq->queue,
					      (const void *)item->rule);
			unit = g_hash_table_lookup(channels, key);
		}
		if (!unit) {
			unit = g_new0(Unit, 1);
			unit->items = g_ptr_array_new();
			unit->cand = cand_for(p, item);
			unit->device = device;
			unit->first_irq = item->irq->irq;
			unit->cpu = -1;
			unit->evened_from = -1;
			g_ptr_array_add(p->units, unit);
			if (key)
				g_hash_table_insert(channels, g_steal_pointer(&key), unit);
		}
		g_free(key);
		g_ptr_array_add(unit->items, item);
		unit->weight += item->weight;
	}
}

/* The CPU an IRQ is on now, if it is a single candidate CPU, else -1. */
static int current_cpu(const Planner *p, const Item *item, const Cand *cand)
{
	const AfIrq *irq = item->irq;
	const AfCpuSet *previous =
		p->previous ? g_hash_table_lookup(p->previous, GUINT_TO_POINTER(irq->irq)) : NULL;
	const AfCpuSet *now = irq->effective ? irq->effective : irq->affinity;

	/* Our last plan wins while the kernel still shows it (effective may lag a move). */
	if (af_cpuset_count(previous) == 1 && af_cpuset_equal(previous, irq->affinity) &&
	    af_cpuset_contains(cand->cpus, af_cpuset_first(previous)))
		return af_cpuset_first(previous);
	/* A one-CPU mask is where the IRQ goes: on x86 a quiet IRQ shows its old
	 * effective CPU until its next interrupt (after a restart, no last plan). */
	if (af_cpuset_count(irq->affinity) == 1 &&
	    af_cpuset_contains(cand->cpus, af_cpuset_first(irq->affinity)))
		return af_cpuset_first(irq->affinity);
	if (af_cpuset_count(now) == 1 && af_cpuset_contains(cand->cpus, af_cpuset_first(now)))
		return af_cpuset_first(now);
	return -1;
}

static GHashTable *avoid_of(Planner *p, const Unit *unit)
{
	GHashTable *avoid;

	if (!unit->device || p->policy->mode != AF_PLACEMENT_SPREAD)
		return NULL;
	avoid = g_hash_table_lookup(p->avoid, unit->device);
	if (!avoid) {
		avoid = g_hash_table_new(g_direct_hash, g_direct_equal);
		g_hash_table_insert(p->avoid, (gpointer)unit->device, avoid);
	}
	return avoid;
}

static void settle_unit(Planner *p, Unit *unit, int cpu)
{
	GHashTable *avoid = avoid_of(p, unit);

	unit->cpu = cpu;
	af_spread_charge(p->spread, cpu, unit->items->len, unit->weight);
	if (avoid)
		g_hash_table_add(avoid, GUINT_TO_POINTER(af_spread_core_of(p->spread, cpu) + 1));
}

/* Pass 3: units on an acceptable CPU with room stay there. */
static void keep_current(Planner *p)
{
	for (guint i = 0; i < p->units->len; i++) {
		Unit *unit = p->units->pdata[i];
		int cpu = -1;

		for (guint j = 0; j < unit->items->len; j++) {
			Item *item = unit->items->pdata[j];

			item->current = current_cpu(p, item, unit->cand);
			if (cpu < 0)
				cpu = item->current;
		}
		if (cpu < 0 || !af_spread_has_room(p->spread, cpu, unit->items->len))
			continue;
		unit->kept = TRUE;
		settle_unit(p, unit, cpu);
	}
}

/* The heap of a set's CPUs by (count, CPU number): sift entry i down. */
static void sift_down(GArray *heap, guint i)
{
	for (;;) {
		guint least = i, l = 2 * i + 1, r = 2 * i + 2;
		CountEntry *e = (CountEntry *)heap->data;

		if (l < heap->len && (e[l].count < e[least].count ||
				      (e[l].count == e[least].count && e[l].cpu < e[least].cpu)))
			least = l;
		if (r < heap->len && (e[r].count < e[least].count ||
				      (e[r].count == e[least].count && e[r].cpu < e[least].cpu)))
			least = r;
		if (least == i)
			return;
		CountEntry t = e[i];
		e[i] = e[least];
		e[least] = t;
		i = least;
	}
}

/* The set's share (mean IRQs per CPU, rounded up) and its heap by count, once. */
static void count_cand(Planner *p, Cand *cand)
{
	guint64 total = 0;
	guint n = af_cpuset_count(cand->cpus);

	cand->counted = TRUE;
	cand->by_count = g_array_sized_new(FALSE, FALSE, sizeof(CountEntry), n);
	AF_CPUSET_FOREACH(cpu, cand->cpus)
	{
		CountEntry e = { .count = af_spread_count(p->spread, (guint)cpu), .cpu = (guint)cpu };

		g_array_append_val(cand->by_count, e);
		total += e.count;
	}
	cand->share = n ? (guint)((total + n - 1) / n) : 0;
	for (guint i = n / 2; i-- > 0;)
		sift_down(cand->by_count, i);
}

/*
 * The CPU of cand with the fewest IRQs, if it stays within the share with
 * n_irqs more, else -1. Counts of the set's CPUs grow as units arrive: a top
 * entry whose count is stale is re-keyed until the top is true.
 */
static int within_share(Planner *p, Cand *cand, guint n_irqs)
{
	CountEntry *top;

	if (cand->by_count->len == 0)
		return -1;
	top = &g_array_index(cand->by_count, CountEntry, 0);
	while (top->count != af_spread_count(p->spread, top->cpu)) {
		top->count = af_spread_count(p->spread, top->cpu);
		sift_down(cand->by_count, 0);
	}
	if (top->count + n_irqs > cand->share || !af_spread_has_room(p->spread, top->cpu, n_irqs))
		return -1;
	return (int)top->cpu;
}

/* TRUE when every IRQ of the unit already has exactly the unit's CPU: no write planned. */
static gboolean in_place(const Unit *unit)
{
	for (guint i = 0; i < unit->items->len; i++) {
		const AfCpuSet *now = ((const Item *)unit->items->pdata[i])->irq->affinity;

		if (af_cpuset_count(now) != 1 || af_cpuset_first(now) != unit->cpu)
			return FALSE;
	}
	return TRUE;
}

/*
 * The lightest first (the load balance stays), then units that are written
 * anyway (another target costs no extra write), then by IRQ number: the
 * order evening out moves units in.
 */
static int compare_units_light(gconstpointer a, gconstpointer b)
{
	const Unit *x = *(Unit *const *)a, *y = *(Unit *const *)b;
	gboolean xs = in_place(x), ys = in_place(y);

	if (x->weight != y->weight)
		return x->weight < y->weight ? -1 : 1;
	if (xs != ys)
		return xs ? 1 : -1;
	return x->first_irq < y->first_irq ? -1 : x->first_irq > y->first_irq ? 1 : 0;
}

static guint on_core(GHashTable *cores, guint cpu_core)
{
	return GPOINTER_TO_UINT(g_hash_table_lookup(cores, GUINT_TO_POINTER(cpu_core + 1)));
}

static void add_on_core(GHashTable *cores, guint cpu_core, int delta)
{
	g_hash_table_insert(cores, GUINT_TO_POINTER(cpu_core + 1),
			    GUINT_TO_POINTER((guint)((int)on_core(cores, cpu_core) + delta)));
}

/* The queues of each device per core: device -> (dense core + 1 -> count). */
static GHashTable *device_cores_new(Planner *p)
{
	GHashTable *by_device = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
						      (GDestroyNotify)g_hash_table_unref);

	for (guint i = 0; i < p->units->len; i++) {
		const Unit *unit = p->units->pdata[i];
		GHashTable *cores;

		if (unit->cpu < 0 || !avoid_of(p, unit))
			continue;
		cores = g_hash_table_lookup(by_device, unit->device);
		if (!cores) {
			cores = g_hash_table_new(g_direct_hash, g_direct_equal);
			g_hash_table_insert(by_device, (gpointer)unit->device, cores);
		}
		add_on_core(cores, af_spread_core_of(p->spread, (guint)unit->cpu), +1);
	}
	return by_device;
}

/*
 * For a queue of a device (cores: its queues per core): the CPU of the set
 * with the fewest IRQs that stays within the share and whose core has fewer
 * of the device's queues than the unit's own core, so that the device's
 * queues never crowd where one of them already is; -1 if none.
 */
static int within_share_spread(Planner *p, const Unit *unit, GHashTable *cores)
{
	guint n = unit->items->len, from_core = af_spread_core_of(p->spread, (guint)unit->cpu);
	int best = -1;
	guint best_count = 0;

	AF_CPUSET_FOREACH(cpu, unit->cand->cpus)
	{
		guint count = af_spread_count(p->spread, (guint)cpu);
		guint core = af_spread_core_of(p->spread, (guint)cpu);

		if (count + n > unit->cand->share || !af_spread_has_room(p->spread, (guint)cpu, n))
			continue;
		if (core != from_core && on_core(cores, core) >= on_core(cores, from_core))
			continue;
		if (best < 0 || count < best_count) {
			best = cpu;
			best_count = count;
		}
	}
	return best;
}

/*
 * Pass 6 (spread): a unit on a CPU with more IRQs than its set's share moves
 * to the CPU of the set with the fewest, when that one stays within the
 * share; a queue of a device only to a core with fewer of that device's
 * queues than its own (after a CPU comes online, the device's queues do not
 * all pile onto it). Each such move takes an over-share CPU one step towards
 * the share and puts no CPU over it, so the result is stable: the next plan
 * on the same counts moves nothing. The lightest units go first (the load
 * balance stays), then those written anyway.
 */
static void even_out(Planner *p)
{
	g_autoptr(GPtrArray) placed = g_ptr_array_new();
	g_autoptr(GHashTable) device_cores = NULL;

	af_spread_end_picks(p->spread);
	for (guint i = 0; i < p->units->len; i++)
		if (((Unit *)p->units->pdata[i])->cpu >= 0)
			g_ptr_array_add(placed, p->units->pdata[i]);
	g_ptr_array_sort(placed, compare_units_light);
	device_cores = device_cores_new(p);
	for (guint i = 0; i < placed->len; i++) {
		Unit *unit = placed->pdata[i];
		guint n = unit->items->len;
		int from = unit->cpu, to;
		GHashTable *cores =
			unit->device ? g_hash_table_lookup(device_cores, unit->device) : NULL;

		if (!unit->cand->counted)
			count_cand(p, unit->cand);
		if (af_spread_count(p->spread, from) <= unit->cand->share)
			continue;
		to = cores ? within_share_spread(p, unit, cores) : within_share(p, unit->cand, n);
		if (to < 0)
			continue;
		if (cores) {
			add_on_core(cores, af_spread_core_of(p->spread, (guint)from), -1);
			add_on_core(cores, af_spread_core_of(p->spread, (guint)to), +1);
		}
		af_spread_uncharge(p->spread, from, n, unit->weight);
		if (unit->kept)
			unit->evened_from = from; /* the reason to leave where it is */
		unit->kept = FALSE;
		settle_unit(p, unit, to);
	}
}

/* Heaviest first, then by IRQ number: the order units are placed or rebalanced in. */
static int compare_units(gconstpointer a, gconstpointer b)
{
	const Unit *x = *(Unit *const *)a, *y = *(Unit *const *)b;

	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	return x->first_irq < y->first_irq ? -1 : x->first_irq > y->first_irq ? 1 : 0;
}

/* Pass 4: with a measured load, move kept units off CPUs loaded beyond hysteresis. */
static void rebalance(Planner *p)
{
	g_autoptr(GPtrArray) kept = g_ptr_array_new();
	GHashTableIter iter;
	Cand *cand;
	guint64 total = 0, threshold;

	AF_CPUSET_FOREACH(cpu, p->housekeeping)
	total += af_spread_load(p->spread, cpu);
	threshold = total / af_cpuset_count(p->housekeeping) * p->policy->hysteresis_percent / 100;
	/* Shares of a few interrupts are noise: moving a nearly idle IRQ buys nothing. */
	threshold = MAX(threshold, (guint64)p->policy->min_load_rate);
	g_hash_table_iter_init(&iter, p->cands);
	while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&cand)) {
		cand->min_load = G_MAXUINT64;
		AF_CPUSET_FOREACH(cpu, cand->cpus)
		cand->min_load = MIN(cand->min_load, af_spread_load(p->spread, cpu));
	}
	for (guint i = 0; i < p->units->len; i++)
		if (((Unit *)p->units->pdata[i])->kept)
			g_ptr_array_add(kept, p->units->pdata[i]);
	g_ptr_array_sort(kept, compare_units);
	for (guint i = 0; i < kept->len; i++) {
		Unit *unit = kept->pdata[i];
		guint64 load = af_spread_load(p->spread, unit->cpu);
		guint64 floor = unit->cand->min_load;

		/* Move only past the hysteresis, and only when the target ends up lighter. */
		if (load <= floor + threshold || unit->weight >= load - floor)
			continue;
		af_spread_uncharge(p->spread, unit->cpu, unit->items->len, unit->weight);
		unit->cpu = -1;
		unit->kept = FALSE;
		unit->rebalanced = TRUE;
	}
}

static int pick_in(Planner *p, Cand *cand, guint n_irqs, GHashTable *avoid)
{
	int cpu;

	if (!cand->ranking)
		cand->ranking = af_spread_set_new(p->spread, cand->cpus);
	cpu = af_spread_pick(p->spread, cand->ranking, n_irqs, avoid);
	if (cpu < 0 && avoid && g_hash_table_size(avoid) > 0) {
		/* Every core already has a queue of this device: start a new round. */
		g_hash_table_remove_all(avoid);
		cpu = af_spread_pick(p->spread, cand->ranking, n_irqs, avoid);
	}
	return cpu;
}

static int place_unit(Planner *p, Unit *unit)
{
	GHashTable *avoid = avoid_of(p, unit);
	int cpu = pick_in(p, unit->cand, unit->items->len, avoid);

	if (cpu < 0 && (unit->cand->kind == CAND_NODE || unit->cand->kind == CAND_LOCAL)) {
		cpu = pick_in(p, p->all, unit->items->len, avoid);
		unit->widened = cpu >= 0;
	}
	return cpu;
}

/* Splits a unit whose channel does not fit on one CPU into one unit per IRQ. */
static void split_unit(Planner *p, Unit *unit, GPtrArray *queue, guint at)
{
	for (guint j = 1; j < unit->items->len; j++) {
		Item *item = unit->items->pdata[j];
		Unit *single = g_new0(Unit, 1);

		single->items = g_ptr_array_new();
		g_ptr_array_add(single->items, item);
		single->cand = unit->cand;
		single->device = unit->device;
		single->weight = item->weight;
		single->first_irq = item->irq->irq;
		single->cpu = -1;
		single->evened_from = -1;
		g_ptr_array_add(p->units, single);
		g_ptr_array_insert(queue, at + j, single);
	}
	unit->weight = ((Item *)unit->items->pdata[0])->weight;
	g_ptr_array_set_size(unit->items, 1);
}

/* Pass 5: everything not kept goes on the best candidate CPU. */
static void place_rest(Planner *p)
{
	g_autoptr(GPtrArray) queue = g_ptr_array_new();

	for (guint i = 0; i < p->units->len; i++)
		if (((Unit *)p->units->pdata[i])->cpu < 0)
			g_ptr_array_add(queue, p->units->pdata[i]);
	g_ptr_array_sort(queue, compare_units);
	for (guint i = 0; i < queue->len; i++) {
		Unit *unit = queue->pdata[i];
		int cpu = place_unit(p, unit);

		if (cpu < 0 && unit->items->len > 1) {
			split_unit(p, unit, queue, i);
			cpu = place_unit(p, unit);
		}
		if (cpu < 0) {
			p->n_cap_skipped++;
			continue;
		}
		settle_unit(p, unit, cpu);
	}
}

int af_plan_compute(const AfSnapshot *snapshot, const AfHousekeeping *hk, const AfPolicy *policy,
		    AfPlacement *previous, AfLoad *load, AfPlan **ret_plan)
{
	g_autoptr(GPtrArray) irqs = NULL;
	Planner p = {
		.snapshot = snapshot,
		.hk = hk,
		.policy = policy,
		.previous = previous,
		.load = load,
	};
	guint n_cpus;

	if (!snapshot || !hk || !policy || !ret_plan || !snapshot->irqs)
		return -EINVAL;
	/* Sorted here so that the plan never depends on how the snapshot was filled. */
	irqs = af_plan_sorted_irqs(snapshot);

	p.housekeeping = af_plan_usable_housekeeping(snapshot, hk);
	n_cpus = MAX(snapshot->nr_cpu_ids, (guint)(af_cpuset_last(p.housekeeping) + 1));
	if (snapshot->topology)
		n_cpus = MAX(n_cpus, snapshot->topology->n_cpus);
	n_cpus = MIN(n_cpus, AF_CPU_MAX);
	p.spread = af_spread_new(snapshot->topology, n_cpus, policy->mode, policy->max_irqs_per_cpu,
				 TRUE);
	p.cands = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)free_cand);
	p.node_cands = g_new0(Cand *, snapshot->topology ? snapshot->topology->n_nodes : 0);
	p.all = intern_cand(&p, g_strdup("all"), CAND_ALL, af_cpuset_copy(p.housekeeping));
	p.items = g_ptr_array_new_with_free_func(g_free);
	p.units = g_ptr_array_new_with_free_func((GDestroyNotify)free_unit);
	p.avoid = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
					(GDestroyNotify)g_hash_table_unref);
	p.plan = g_new0(AfPlan, 1);
	p.plan->entries = g_ptr_array_new_full(irqs->len, (GDestroyNotify)af_plan_entry_free);
	p.plan->warnings = g_ptr_array_new_with_free_func(g_free);

	classify(&p, irqs);
	group_units(&p);
	keep_current(&p);
	if (load && policy->mode == AF_PLACEMENT_SPREAD)
		rebalance(&p);
	place_rest(&p);
	if (policy->mode == AF_PLACEMENT_SPREAD)
		even_out(&p);
	af_planner_write_entries(&p);
	af_planner_write_warnings(&p);

	g_hash_table_unref(p.avoid);
	g_ptr_array_unref(p.units);
	g_ptr_array_unref(p.items);
	g_free(p.node_cands);
	g_hash_table_unref(p.cands);
	af_spread_free(p.spread);
	af_cpuset_free(p.housekeeping);
	*ret_plan = g_steal_pointer(&p.plan);
	return 0;
}
