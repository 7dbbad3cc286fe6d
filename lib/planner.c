/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "planner-balance.h"
#include "planner-private.h"
#include "planner-write.h"

/*
 * How a plan is made, in passes over the IRQs in ascending number:
 *  1. IRQs that will not be written (unmovable, banned, affinity unreadable,
 *     no housekeeping CPU) are skipped and charged on the CPUs serving them.
 *  2. The rest become placement units: one IRQ, or the rx and tx queues of
 *     one channel, which must share a CPU.
 *  3. Hysteresis: a unit whose current CPU is a candidate with room stays.
 *  4. The others are placed, heaviest first then by IRQ number, on the best
 *     candidate CPU (spread.c), queues of one device on distinct cores.
 *  5. Spread mode with a measured load: a unit moves to the least loaded
 *     CPU of its set when that one is lighter than its CPU by more than
 *     hysteresis_percent of the mean (and min_load_rate) and stays lighter
 *     than its CPU was, heaviest first, until no unit qualifies.
 *  6. Spread mode: units leave CPUs that carry more IRQs than their
 *     candidate set's share for a CPU of the set that stays within it (a
 *     CPU that came online gets IRQs again; fewest moves). Passes 5 and 6
 *     alternate until neither moves anything: the plan is a fixed point
 *     (both in planner-balance.c).
 *  7. Entries, reasons and warnings are written (planner-write.c).
 * The counts every pass consults (IRQs and load per CPU, a device's units
 * per core) change only through planner-units.c.
 */

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
	AF_CPUSET_FOREACH (cpu, served)
		af_spread_charge(p->units.spread, cpu, 1, weight);
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
		g_ptr_array_add(
			p->plan->warnings,
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
	g_autoptr(GHashTable) channels =
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	p->all = intern_cand(p, g_strdup("all"), CAND_ALL, af_cpuset_copy(p->housekeeping));
	for (guint i = 0; i < p->items->len; i++) {
		Item *item = p->items->pdata[i];
		const char *device = device_of(item->irq);
		Unit *unit = NULL;
		g_autofree char *key = NULL;

		if (device && (item->irq->queue_kind == AF_QUEUE_RX ||
			       item->irq->queue_kind == AF_QUEUE_TX)) {
			key = g_strdup_printf("%s\n%d\n%p", device, item->irq->queue,
					      (const void *)item->rule);
			unit = g_hash_table_lookup(channels, key);
		}
		if (unit) {
			g_ptr_array_add(unit->items, item);
			unit->weight += item->weight;
			continue;
		}
		unit = af_units_add(&p->units, item, cand_for(p, item), device);
		if (key)
			g_hash_table_insert(channels, g_steal_pointer(&key), unit);
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

/*
 * TRUE when the unit's IRQs are not together now (a channel split under the
 * cap: one on a CPU, the other elsewhere or left alone outside the set).
 */
static gboolean is_split(const Unit *unit)
{
	int first = ((const Item *)unit->items->pdata[0])->current;

	for (guint i = 1; i < unit->items->len; i++)
		if (((const Item *)unit->items->pdata[i])->current != first)
			return TRUE;
	return FALSE;
}

/* TRUE when the unit may stay on cpu: room for all its IRQs, its device as even as can be. */
static gboolean may_stay(Planner *p, const Unit *unit, int cpu)
{
	return af_spread_has_room(p->units.spread, (guint)cpu, unit->items->len) &&
	       af_units_may_keep(&p->units, unit, cpu);
}

/*
 * Pass 3: units on an acceptable CPU with room stay there. Units whose
 * affinity already is that one CPU (a plan applied, a driver's hint) claim
 * their places first, then those merely served there: when CPUs are at the
 * cap, an IRQ left alone on its CPU never takes the place of one a plan
 * put there (which would move them back and forth plan after plan). The
 * IRQs of a channel split under the cap stay apart while they cannot come
 * together (split units are appended, and so visited in this pass too).
 */
static void keep_current(Planner *p)
{
	for (guint i = 0; i < p->units.all->len; i++) {
		Unit *unit = p->units.all->pdata[i];

		unit->cpu = -1;
		for (guint j = 0; j < unit->items->len; j++) {
			Item *item = unit->items->pdata[j];

			item->current = current_cpu(p, item, unit->cand);
		}
	}
	for (guint pass = 0; pass < 2; pass++)
		for (guint i = 0; i < p->units.all->len; i++) {
			Unit *unit = p->units.all->pdata[i];
			int cpu = -1;

			for (guint j = 0; j < unit->items->len && cpu < 0; j++)
				cpu = ((Item *)unit->items->pdata[j])->current;
			/* A channel split before that still cannot come together: each stays. */
			if (pass == 1 && !unit->kept && cpu >= 0 && is_split(unit) &&
			    !af_spread_has_room(p->units.spread, cpu, unit->items->len)) {
				guint first_single = p->units.all->len;

				af_units_split(&p->units, unit, NULL, 0);
				/* Skipped in pass 0 as a pair: each part claims its CPU now. */
				unit->resplit = TRUE;
				for (guint k = first_single; k < p->units.all->len; k++)
					((Unit *)p->units.all->pdata[k])->resplit = TRUE;
			}
			if (unit->kept || cpu < 0 ||
			    (!unit->resplit && af_units_held_on(unit, cpu) != (pass == 0)) ||
			    !may_stay(p, unit, cpu))
				continue;
			unit->kept = TRUE;
			af_units_settle(&p->units, unit, cpu);
		}
}

/* Picks the best CPU of cand for the unit, its device's cores avoided while it can. */
static int pick_in(Planner *p, const Unit *unit, Cand *cand, GHashTable *avoid)
{
	AfSpread *spread = p->units.spread;
	guint n_irqs = unit->items->len;
	int cpu;

	if (!cand->ranking)
		cand->ranking = af_spread_set_new(spread, cand->cpus);
	cpu = af_spread_pick(spread, cand->ranking, n_irqs, avoid);
	if (cpu < 0 && avoid && g_hash_table_size(avoid) > 0) {
		/* Every core already has a queue of this device: start a new round. */
		af_units_new_round(&p->units, unit, cand);
		cpu = af_spread_pick(spread, cand->ranking, n_irqs, avoid);
	}
	if (cpu < 0 && avoid && g_hash_table_size(avoid) > 0) {
		/* The least used cores are full: any core will do. */
		g_hash_table_remove_all(avoid);
		cpu = af_spread_pick(spread, cand->ranking, n_irqs, avoid);
	}
	return cpu;
}

/* The housekeeping CPU outside its node a unit is on now, if it has room there, else -1. */
static int widened_current(Planner *p, const Unit *unit)
{
	int cpu = -1;

	for (guint i = 0; i < unit->items->len && cpu < 0; i++)
		cpu = current_cpu(p, unit->items->pdata[i], p->all);
	if (cpu < 0 || !may_stay(p, unit, cpu))
		return -1;
	return cpu;
}

static int place_unit(Planner *p, Unit *unit)
{
	GHashTable *avoid = af_units_avoid(&p->units, unit);
	int cpu = pick_in(p, unit, unit->cand, avoid);

	if (cpu < 0 && (unit->cand->kind == CAND_NODE || unit->cand->kind == CAND_LOCAL)) {
		/* Widened before, its node still full: it stays where the last widening put it. */
		cpu = widened_current(p, unit);
		if (cpu < 0)
			cpu = pick_in(p, unit, p->all, avoid);
		unit->widened = cpu >= 0;
	}
	return cpu;
}

/* Pass 4: everything not kept goes on the best candidate CPU. */
static void place_rest(Planner *p)
{
	g_autoptr(GPtrArray) queue = g_ptr_array_new();

	for (guint i = 0; i < p->units.all->len; i++)
		if (((Unit *)p->units.all->pdata[i])->cpu < 0)
			g_ptr_array_add(queue, p->units.all->pdata[i]);
	g_ptr_array_sort(queue, af_units_compare_heaviest);
	for (guint i = 0; i < queue->len; i++) {
		Unit *unit = queue->pdata[i];
		int cpu = place_unit(p, unit);

		if (cpu < 0 && unit->items->len > 1) {
			/* The channel fits on no CPU whole: its IRQs go one by one. */
			af_units_split(&p->units, unit, queue, i);
			cpu = place_unit(p, unit);
		}
		if (cpu < 0)
			continue;
		af_units_settle(&p->units, unit, cpu);
	}
}

/* The CPUs the spread ranking counts: every CPU number the machine or a plan can use. */
static guint count_cpus(const AfSnapshot *snapshot, const AfCpuSet *housekeeping)
{
	guint n_cpus = MAX(snapshot->nr_cpu_ids, (guint)(af_cpuset_last(housekeeping) + 1));

	if (snapshot->topology)
		n_cpus = MAX(n_cpus, snapshot->topology->n_cpus);
	return MIN(n_cpus, AF_CPU_MAX);
}

int af_plan_compute(const AfSnapshot *snapshot, const AfHousekeeping *hk, const AfPolicy *policy,
		    AfPlacement *previous, AfLoad *load, AfPlan **ret_plan)
{
	g_autoptr(GPtrArray) irqs = NULL;
	g_autoptr(AfSpread) spread = NULL;
	Planner p = {
		.snapshot = snapshot,
		.hk = hk,
		.policy = policy,
		.previous = previous,
		.load = load,
	};

	if (!snapshot || !hk || !policy || !ret_plan || !snapshot->irqs)
		return -EINVAL;
	/* Sorted here so that the plan never depends on how the snapshot was filled. */
	irqs = af_plan_sorted_irqs(snapshot);

	p.housekeeping = af_plan_usable_housekeeping(snapshot, hk);
	spread = af_spread_new(snapshot->topology, count_cpus(snapshot, p.housekeeping),
			       policy->mode, policy->max_irqs_per_cpu, TRUE);
	af_units_init(&p.units, spread, policy->mode == AF_PLACEMENT_SPREAD);
	p.cands = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					(GDestroyNotify)af_units_free_cand);
	p.node_cands = g_new0(Cand *, snapshot->topology ? snapshot->topology->n_nodes : 0);
	p.items = g_ptr_array_new_with_free_func(g_free);
	p.plan = g_new0(AfPlan, 1);
	p.plan->entries = g_ptr_array_new_full(irqs->len, (GDestroyNotify)af_plan_entry_free);
	p.plan->warnings = g_ptr_array_new_with_free_func(g_free);

	classify(&p, irqs);
	group_units(&p);
	keep_current(&p);
	place_rest(&p);
	af_spread_end_picks(spread);
	if (policy->mode == AF_PLACEMENT_SPREAD)
		af_planner_settle_spread(&p);
	af_planner_write(&p);

	af_units_clear(&p.units);
	g_ptr_array_unref(p.items);
	g_free(p.node_cands);
	g_hash_table_unref(p.cands);
	af_cpuset_free(p.housekeeping);
	*ret_plan = g_steal_pointer(&p.plan);
	return 0;
}
