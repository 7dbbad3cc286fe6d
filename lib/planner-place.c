/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "planner-place.h"

/* TRUE when the IRQ's mask is cpu, or cpu and at most its fallback count of usable CPUs. */
static gboolean shows_plan(const Planner *p, const Item *item, int cpu)
{
	const AfCpuSet *affinity = item->irq->affinity;
	g_autoptr(AfCpuSet) extra = NULL;

	if (!af_cpuset_contains(affinity, (guint)cpu))
		return FALSE;
	extra = af_cpuset_copy(affinity);
	af_cpuset_remove(extra, (guint)cpu);
	return af_cpuset_count(extra) <= item->n_fallback &&
	       af_cpuset_is_subset(extra, p->housekeeping);
}

/* The CPU an IRQ is on now, if it is a single CPU of cpus, else -1. */
static int current_cpu(const Planner *p, const Item *item, const AfCpuSet *cpus)
{
	const AfIrq *irq = item->irq;
	const AfCpuSet *previous =
		p->previous ? g_hash_table_lookup(p->previous, GUINT_TO_POINTER(irq->irq)) : NULL;
	const AfCpuSet *now = irq->effective ? irq->effective : irq->affinity;

	/* Our last plan wins while the kernel still shows it (effective may lag a move),
	 * widened by its fallback CPUs or not. */
	if (af_cpuset_count(previous) == 1 && shows_plan(p, item, af_cpuset_first(previous)) &&
	    af_cpuset_contains(cpus, af_cpuset_first(previous)))
		return af_cpuset_first(previous);
	/* A one-CPU mask is where the IRQ goes: on x86 a quiet IRQ shows its old
	 * effective CPU until its next interrupt (after a restart, no last plan).
	 * A widened mask is where its effective CPU is. */
	if (item->mask_cpu >= 0 && af_cpuset_contains(cpus, (guint)item->mask_cpu))
		return item->mask_cpu;
	if (af_cpuset_count(now) == 1 && af_cpuset_contains(cpus, af_cpuset_first(now)))
		return af_cpuset_first(now);
	return -1;
}

/* The CPU the first of the unit's IRQs that has one is on now, or -1. */
static int unit_current(const Unit *unit)
{
	int cpu = -1;

	for (guint j = 0; j < unit->items->len && cpu < 0; j++)
		cpu = ((const Item *)unit->items->pdata[j])->current;
	return cpu;
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

static void keep(Planner *p, Unit *unit, int cpu)
{
	unit->decision = UNIT_KEPT;
	af_units_settle(&p->units, unit, cpu);
}

/*
 * The first sweep: units whose affinity already is their one CPU (held
 * there) claim it where it has room and their device allows. Returns the
 * held units refused for want of room, for the check.
 */
static GPtrArray *keep_held(Planner *p)
{
	GPtrArray *refused = g_ptr_array_new();

	for (guint i = 0; i < p->units.all->len; i++) {
		Unit *unit = p->units.all->pdata[i];
		int cpu = unit_current(unit);

		if (cpu < 0 || !af_units_held_on(unit, cpu))
			continue;
		if (!af_spread_has_room(p->units.spread, (guint)cpu, unit->items->len))
			g_ptr_array_add(refused, unit);
		else if (af_units_may_keep(&p->units, unit, cpu))
			keep(p, unit, cpu);
	}
	return refused;
}

/*
 * The second sweep: units merely served by their CPU (not held there) stay
 * where there is room left. A channel split before that still cannot come
 * together is split again, and each part claims its CPU, held or not: the
 * parts are appended to the units, and so visited in this sweep too.
 */
static void keep_served(Planner *p)
{
	guint n_before = p->units.all->len;

	for (guint i = 0; i < p->units.all->len; i++) {
		Unit *unit = p->units.all->pdata[i];
		int cpu = unit_current(unit);
		gboolean resplit = i >= n_before;

		if (unit->decision == UNIT_KEPT || cpu < 0)
			continue;
		if (is_split(unit) && !af_spread_has_room(p->units.spread, cpu, unit->items->len)) {
			af_units_split(&p->units, unit, NULL, 0);
			resplit = TRUE;
		}
		if ((!resplit && af_units_held_on(unit, cpu)) || !may_stay(p, unit, cpu))
			continue;
		keep(p, unit, cpu);
	}
}

/*
 * The invariant of pass 3: a held unit refused for want of room on its CPU
 * would be refused there even with every served unit (kept, not held
 * there) taken off: its place was gone before any of them came. Only CPUs
 * at the cap refuse, so the served IRQs are counted only then.
 */
static void check_held_first(Planner *p, const GPtrArray *refused)
{
	g_autofree guint *served = NULL;

	if (refused->len == 0)
		return;
	served = g_new0(guint, AF_CPU_MAX);
	for (guint i = 0; i < p->units.all->len; i++) {
		const Unit *unit = p->units.all->pdata[i];

		if (unit->decision == UNIT_KEPT && !af_units_held_on(unit, unit->cpu))
			served[unit->cpu] += unit->items->len;
	}
	for (guint i = 0; i < refused->len; i++) {
		const Unit *unit = refused->pdata[i];
		int cpu = unit_current(unit);
		guint before = af_spread_count(p->units.spread, (guint)cpu) - served[cpu];

		g_warn_if_fail(before + unit->items->len > p->policy->max_irqs_per_cpu);
	}
}

/*
 * Pass 3: units on an acceptable CPU with room stay there, in two sweeps
 * over the units, by first IRQ. The invariant the sweeps keep: units whose
 * affinity already is their one CPU (a plan applied, a driver's hint)
 * claim their places before any unit merely served there, so when CPUs
 * are at the cap, an IRQ left alone on its CPU never takes the place of
 * one a plan put there (which would move them back and forth plan after
 * plan). Checked after the sweeps: a held unit refused for want of room
 * would be refused even with every served unit taken off its CPU.
 */
void af_planner_keep_current(Planner *p)
{
	g_autoptr(GPtrArray) refused = NULL;

	for (guint i = 0; i < p->units.all->len; i++) {
		Unit *unit = p->units.all->pdata[i];

		for (guint j = 0; j < unit->items->len; j++) {
			Item *item = unit->items->pdata[j];

			item->current = current_cpu(p, item, unit->cand->cpus);
		}
	}
	refused = keep_held(p);
	keep_served(p);
	check_held_first(p, refused);
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

/* The CPU of cpus a unit is on now, if it has room there, else -1. */
static int current_in(Planner *p, const Unit *unit, const AfCpuSet *cpus)
{
	int cpu = -1;

	for (guint i = 0; i < unit->items->len && cpu < 0; i++)
		cpu = current_cpu(p, unit->items->pdata[i], cpus);
	if (cpu < 0 || !may_stay(p, unit, cpu))
		return -1;
	return cpu;
}

/* The housekeeping CPU outside its node a unit is on now, if it has room there, else -1. */
static int widened_current(Planner *p, const Unit *unit)
{
	return current_in(p, unit, p->all->cpus);
}

/*
 * A spilled set: the device's node first, then the nearer nodes, each tier
 * on a core holding none of the device's queues yet. A unit already in the
 * set (an earlier plan spilled it) looks only at the tiers nearer than its
 * CPU's and else stays where it is, so that queues of one tier never trade
 * places plan after plan. Failing all that, the set's best CPU as any
 * other set's.
 */
static int pick_spilled(Planner *p, const Unit *unit, GHashTable *avoid)
{
	Cand *cand = unit->cand;
	int now = current_in(p, unit, cand->cpus), cpu = -1;
	guint nearer = now >= 0 ? af_units_tier_of(cand, now) : cand->tiers->len;

	for (guint t = 0; t < nearer && cpu < 0; t++) {
		if (cand->tier_rankings->len <= t)
			g_ptr_array_add(cand->tier_rankings,
					af_spread_set_new(p->units.spread, cand->tiers->pdata[t]));
		cpu = af_spread_pick(p->units.spread, cand->tier_rankings->pdata[t],
				     unit->items->len, avoid);
	}
	if (cpu < 0)
		cpu = now;
	if (cpu < 0)
		cpu = pick_in(p, unit, cand, avoid);
	return cpu;
}

/* The CPU a unit goes to, or -1; *ret_widened when outside its device-local set. */
static int place_unit(Planner *p, const Unit *unit, gboolean *ret_widened)
{
	GHashTable *avoid = af_units_avoid(&p->units, unit);
	int cpu = unit->cand->tiers ? pick_spilled(p, unit, avoid)
				    : pick_in(p, unit, unit->cand, avoid);

	*ret_widened = FALSE;
	if (cpu < 0 && (unit->cand->kind == CAND_NODE || unit->cand->kind == CAND_LOCAL ||
			unit->cand->kind == CAND_SPILL)) {
		/* Widened before, its node still full: it stays where the last widening put it. */
		cpu = widened_current(p, unit);
		if (cpu < 0)
			cpu = pick_in(p, unit, p->all, avoid);
		*ret_widened = cpu >= 0;
	}
	return cpu;
}

/*
 * Pass 4. The order is by channel: a channel split by an earlier plan (it
 * fit on no CPU whole) has its parts placed where the whole channel's
 * turn was, as when it was split, not by each part's own weight; else an
 * IRQ left over at the cap by that plan could take a part's place in the
 * next one, and the plan would not be a fixed point.
 */
void af_planner_place_rest(Planner *p)
{
	g_autoptr(GPtrArray) queue = g_ptr_array_new();

	for (guint i = 0; i < p->units.all->len; i++)
		if (((Unit *)p->units.all->pdata[i])->cpu < 0)
			g_ptr_array_add(queue, p->units.all->pdata[i]);
	g_ptr_array_sort(queue, af_units_compare_heaviest_channel);
	for (guint i = 0; i < queue->len; i++) {
		Unit *unit = queue->pdata[i];
		gboolean widened;
		int cpu = place_unit(p, unit, &widened);

		if (cpu < 0 && unit->items->len > 1) {
			/* The channel fits on no CPU whole: its IRQs go one by one. */
			af_units_split(&p->units, unit, queue, i);
			cpu = place_unit(p, unit, &widened);
		}
		if (cpu < 0) {
			unit->decision = UNIT_CAPPED;
			continue;
		}
		unit->decision = widened ? UNIT_WIDENED : UNIT_PLACED;
		af_units_settle(&p->units, unit, cpu);
	}
}

/* The own-node CPU with room for the unit on a core free of its device, fewest IRQs; or -1. */
static int own_node_target(Planner *p, const Unit *unit)
{
	const Cand *cand = unit->cand;
	const AfCpuSet *own = p->snapshot->topology->node_cpus[cand->node];
	AfSpread *spread = p->units.spread;
	int best = -1;

	AF_CPUSET_FOREACH (cpu, cand->tiers->pdata[0]) {
		if (!af_cpuset_contains(own, (guint)cpu) ||
		    !af_spread_has_room(spread, (guint)cpu, unit->items->len) ||
		    af_units_device_on_core(&p->units, unit, af_spread_core_of(spread, (guint)cpu)))
			continue;
		if (best < 0 ||
		    af_spread_count(spread, (guint)cpu) < af_spread_count(spread, (guint)best))
			best = cpu;
	}
	return best;
}

/* The unit of a spilled device kept farthest from its node (then the highest IRQ), or NULL. */
static Unit *farthest_kept(Planner *p, const Unit *of)
{
	Unit *far = NULL;
	guint far_tier = 0;

	for (guint i = 0; i < p->units.all->len; i++) {
		Unit *unit = p->units.all->pdata[i];
		guint tier;

		if (unit->cand != of->cand || g_strcmp0(unit->device, of->device) != 0 ||
		    unit->decision != UNIT_KEPT || unit->cpu < 0)
			continue;
		tier = af_units_tier_of(unit->cand, unit->cpu);
		if (tier > 0 && tier >= far_tier) {
			far = unit;
			far_tier = tier;
		}
	}
	return far;
}

void af_planner_pull_spilled(Planner *p)
{
	g_autoptr(GHashTable) done = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	for (guint i = 0; i < p->units.all->len; i++) {
		const Unit *unit = p->units.all->pdata[i];
		Unit *far;
		int to;

		/* Once per device and spilled set (devices of one node may share a set). */
		if (!unit->cand->tiers ||
		    !g_hash_table_add(done, g_strdup_printf("%p\n%s", (void *)unit->cand,
							    unit->device ? unit->device : "")) ||
		    unit->cand->node < 0 ||
		    !af_cpuset_intersects(unit->cand->tiers->pdata[0],
					  p->snapshot->topology->node_cpus[unit->cand->node]))
			continue;
		while ((far = farthest_kept(p, unit)) && (to = own_node_target(p, far)) >= 0) {
			far->decision = UNIT_PULLED;
			af_units_move(&p->units, far, to);
		}
	}
}
