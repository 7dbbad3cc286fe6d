/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "planner-balance.h"

/* Rounds of load balancing and evening out before the plan is taken as it is. */
#define SETTLE_ROUNDS 8u

/* The state of passes 5 and 6 over the planner's. */
typedef struct {
	Planner *p;
	AfSpread *spread;  /* the planner's */
	guint64 threshold; /* the load gap that moves a unit (load pass) */
	guint64 load_gen;  /* bumped by every move, from 1 */
	GArray *light;	   /* Light, in the order evening out moves units in */
	GPtrArray *heavy;  /* Unit*, heaviest first: the order the load pass moves them in */
} Balance;

/* A settled unit, and whether every IRQ's affinity already is its CPU (no write). */
typedef struct {
	Unit *unit;
	gboolean in_place;
} Light;

typedef struct {
	guint count; /* IRQs on cpu when last looked at */
	guint cpu;
} CountEntry;

/* The heap's order: fewer IRQs first, then the lower CPU number. */
static gboolean count_before(const CountEntry *a, const CountEntry *b)
{
	return a->count < b->count || (a->count == b->count && a->cpu < b->cpu);
}

/* The heap of a set's CPUs by (count, CPU number): sift entry i down. */
static void sift_down(GArray *heap, guint i)
{
	for (;;) {
		guint least = i, l = 2 * i + 1, r = 2 * i + 2;
		CountEntry *e = (CountEntry *)heap->data;

		if (l < heap->len && count_before(&e[l], &e[least]))
			least = l;
		if (r < heap->len && count_before(&e[r], &e[least]))
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
static void count_cand(Balance *b, Cand *cand)
{
	guint64 total = 0;
	guint n = af_cpuset_count(cand->cpus);

	cand->counted = TRUE;
	cand->by_count = g_array_sized_new(FALSE, FALSE, sizeof(CountEntry), n);
	AF_CPUSET_FOREACH (cpu, cand->cpus) {
		CountEntry e = {.count = af_spread_count(b->spread, (guint)cpu), .cpu = (guint)cpu};

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
static int within_share(Balance *b, Cand *cand, guint n_irqs)
{
	CountEntry *top;

	if (cand->by_count->len == 0)
		return -1;
	top = &g_array_index(cand->by_count, CountEntry, 0);
	while (top->count != af_spread_count(b->spread, top->cpu)) {
		top->count = af_spread_count(b->spread, top->cpu);
		sift_down(cand->by_count, 0);
	}
	if (top->count + n_irqs > cand->share || !af_spread_has_room(b->spread, top->cpu, n_irqs))
		return -1;
	return (int)top->cpu;
}

/*
 * The lightest first (the load balance stays), then units that are written
 * anyway (another target costs no extra write), then by IRQ number: the
 * order evening out moves units in.
 */
static int compare_light(gconstpointer a, gconstpointer b)
{
	const Unit *x = ((const Light *)a)->unit, *y = ((const Light *)b)->unit;
	gboolean xs = ((const Light *)a)->in_place, ys = ((const Light *)b)->in_place;

	if (x->weight != y->weight)
		return x->weight < y->weight ? -1 : 1;
	if (xs != ys)
		return xs ? 1 : -1;
	return x->first_irq < y->first_irq ? -1 : x->first_irq > y->first_irq ? 1 : 0;
}

/*
 * Pass 6 (spread): a unit on a CPU with more IRQs than its set's share moves
 * to the CPU of the set with the fewest, when that one stays within the
 * share. Each such move takes an over-share CPU one step towards the share
 * and puts no CPU over it, so the result is stable: the next plan on the
 * same counts moves nothing. The lightest units go first (the load balance
 * stays), then those written anyway (b->light). A unit kept where it was
 * that moves is UNIT_EVENED (others keep their decision: they are written
 * anyway). Returns TRUE when a unit moved.
 */
static gboolean even_out(Balance *b)
{
	GHashTableIter iter;
	Cand *cand;
	gboolean moved = FALSE;

	/* Shares and heaps from the counts now (the load pass may have moved units since). */
	g_hash_table_iter_init(&iter, b->p->cands);
	while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&cand))
		if (cand->counted) {
			g_clear_pointer(&cand->by_count, g_array_unref);
			cand->counted = FALSE;
		}
	for (guint i = 0; i < b->light->len; i++) {
		Unit *unit = g_array_index(b->light, Light, i).unit;
		guint n = unit->items->len;
		int from = unit->cpu, to;

		if (!unit->cand->counted)
			count_cand(b, unit->cand);
		if (af_spread_count(b->spread, from) <= unit->cand->share)
			continue;
		to = within_share(b, unit->cand, n);
		if (to < 0 || !af_units_may_move(&b->p->units, unit, from, to))
			continue;
		if (unit->decision == UNIT_KEPT) {
			unit->decision = UNIT_EVENED;
			unit->evened_from = from; /* the reason to leave where it is */
		}
		af_units_move(&b->p->units, unit, to);
		b->load_gen++;
		moved = TRUE;
	}
	return moved;
}

/* The load gap a move must beat: hysteresis_percent of the mean, at least min_load_rate. */
static void compute_threshold(Balance *b)
{
	const Planner *p = b->p;
	guint64 total = 0;
	guint n_housekeeping = af_cpuset_count(p->housekeeping);

	/* Every CPU isolated: nothing was placed, and there is no mean to divide by. */
	if (n_housekeeping == 0)
		return;
	AF_CPUSET_FOREACH (cpu, p->housekeeping)
		total += af_spread_load(b->spread, cpu);
	b->threshold = total / n_housekeeping * p->policy->hysteresis_percent / 100;
	/* Shares of a few interrupts are noise: moving a nearly idle IRQ buys nothing. */
	b->threshold = MAX(b->threshold, (guint64)p->policy->min_load_rate);
}

/* The least loaded CPU of a set, recomputed after moves only when asked again. */
static guint64 floor_of(Balance *b, Cand *cand)
{
	if (cand->floor_gen != b->load_gen) {
		cand->min_load = G_MAXUINT64;
		AF_CPUSET_FOREACH (cpu, cand->cpus)
			cand->min_load = MIN(cand->min_load, af_spread_load(b->spread, cpu));
		cand->floor_gen = b->load_gen;
	}
	return cand->min_load;
}

/*
 * The CPU of its set a unit may move to for load: the least loaded with
 * room that puts no more of its device on that core than it leaves on its
 * own (ties: the lowest CPU number), or -1.
 */
static int load_target(Balance *b, const Unit *unit)
{
	guint64 best_load = G_MAXUINT64;
	int best = -1;

	AF_CPUSET_FOREACH (cpu, unit->cand->cpus) {
		guint64 load = af_spread_load(b->spread, (guint)cpu);

		if (cpu == unit->cpu || load >= best_load ||
		    !af_spread_has_room(b->spread, (guint)cpu, unit->items->len) ||
		    !af_units_may_move(&b->p->units, unit, unit->cpu, cpu))
			continue;
		best = cpu;
		best_load = load;
	}
	return best;
}

/*
 * Pass 5 (spread, measured load): a unit moves from its CPU to the least
 * loaded CPU of its set when that one is lighter by more than the
 * threshold and stays lighter than its CPU was (its weight is below the
 * gap), heaviest units first (b->heavy),
 * sweep after sweep until none moves. Every move lowers the sum of the
 * squared CPU loads, so the sweeps end; a move back would need a gap above
 * the unit's weight the other way, which the move cannot leave: a plan
 * applied and planned again on the same load moves nothing. A unit that
 * moves is UNIT_REBALANCED.
 */
static void balance_load(Balance *b)
{
	for (gboolean moved = TRUE; moved;) {
		moved = FALSE;
		for (guint i = 0; i < b->heavy->len; i++) {
			Unit *unit = b->heavy->pdata[i];
			guint64 load = af_spread_load(b->spread, (guint)unit->cpu), to_load;
			int to;

			/* No CPU of the set is light enough: skip the scan. */
			if (load <= floor_of(b, unit->cand) + b->threshold)
				continue;
			/* A unit widened out of its set stays where the widening put it. */
			if (!af_cpuset_contains(unit->cand->cpus, (guint)unit->cpu))
				continue;
			to = load_target(b, unit);
			if (to < 0)
				continue;
			to_load = af_spread_load(b->spread, (guint)to);
			if (load <= to_load + b->threshold || unit->weight >= load - to_load)
				continue;
			unit->was_widened |= unit->decision == UNIT_WIDENED;
			unit->decision = UNIT_REBALANCED;
			af_units_move(&b->p->units, unit, to);
			b->load_gen++;
			moved = TRUE;
		}
	}
}

/*
 * Passes 5 and 6 alternate until neither moves a unit (each ends in a state
 * it would leave alone), so that the plan is a fixed point: applied and
 * planned again on the same machine and load, it moves nothing. Evening
 * out can leave a CPU past the hysteresis, and the load pass a CPU over
 * its share; the rounds are bounded in case they kept undoing each other.
 */
void af_planner_settle_spread(Planner *p)
{
	g_autoptr(GArray) light = g_array_new(FALSE, FALSE, sizeof(Light));
	g_autoptr(GPtrArray) heavy = g_ptr_array_new();
	Balance b = {
		.p = p,
		.spread = p->units.spread,
		.load_gen = 1,
		.light = light,
		.heavy = heavy,
	};
	gboolean weighted = p->load != NULL;

	/* The units settled, sorted once: none is settled or taken off from here on. */
	for (guint i = 0; i < p->units.all->len; i++) {
		Unit *unit = p->units.all->pdata[i];
		Light l = {.unit = unit};

		if (unit->cpu < 0)
			continue;
		/* Once, not in the comparison: a mask's count is a popcount of AF_CPU_MAX bits. */
		l.in_place = af_units_held_on(unit, unit->cpu);
		g_array_append_val(light, l);
		g_ptr_array_add(heavy, unit);
	}
	if (weighted) {
		g_ptr_array_sort(heavy, af_units_compare_heaviest);
		compute_threshold(&b);
		balance_load(&b);
	}
	g_array_sort(light, compare_light);
	for (guint round = 0; round < SETTLE_ROUNDS; round++) {
		/* Evening out moved nothing: the load pass before left nothing to move either. */
		if (!even_out(&b))
			return;
		if (weighted)
			balance_load(&b);
	}
}
