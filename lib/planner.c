/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "planner-balance.h"
#include "planner-group.h"
#include "planner-place.h"
#include "planner-private.h"
#include "planner-write.h"

/*
 * How a plan is made, in passes over the IRQs in ascending number:
 *  1. IRQs that will not be written (unmovable, banned, affinity unreadable,
 *     no housekeeping CPU) are skipped and charged on the CPUs serving them;
 *     IRQs the limits hold are kept on their one CPU, else skipped.
 *  2. The rest become placement units: one IRQ, or the rx and tx queues of
 *     one channel, which must share a CPU (both in planner-group.c).
 *  3. Hysteresis: a unit whose current CPU is a candidate with room stays.
 *  4. The others are placed, heaviest first then by IRQ number, on the best
 *     candidate CPU (spread.c), queues of one device on distinct cores; a
 *     device spilled to nearer nodes (numa_local=prefer) fills its own
 *     node's cores first, then nearest node by node, and units kept on a
 *     farther node come back while their own node has room (all in
 *     planner-place.c).
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
 * Each pass records what it decides for a unit in the unit (UnitDecision);
 * the counts every pass consults (IRQs and load per CPU, a device's units
 * per core) change only through planner-units.c.
 */

/* The CPUs the spread ranking counts: every CPU number the machine or a plan can use. */
static guint count_cpus(const AfSnapshot *snapshot, const AfCpuSet *housekeeping)
{
	guint n_cpus = MAX(snapshot->nr_cpu_ids, (guint)(af_cpuset_last(housekeeping) + 1));

	if (snapshot->topology)
		n_cpus = MAX(n_cpus, snapshot->topology->n_cpus);
	return MIN(n_cpus, AF_CPU_MAX);
}

int af_plan_compute(const AfSnapshot *snapshot, const AfHousekeeping *hk, const AfPolicy *policy,
		    AfPlacement *previous, AfLoad *load, const AfLimits *limits, AfPlan **ret_plan)
{
	g_autoptr(GPtrArray) irqs = NULL;
	g_autoptr(AfSpread) spread = NULL;
	Planner p = {
		.snapshot = snapshot,
		.hk = hk,
		.policy = policy,
		.previous = previous,
		.load = load,
		.limits = limits,
	};

	if (!snapshot || !hk || !policy || !ret_plan || !snapshot->irqs)
		return -EINVAL;
	/* Sorted here so that the plan never depends on how the snapshot was filled. */
	irqs = af_plan_sorted_irqs(snapshot);

	p.housekeeping = af_plan_usable_housekeeping(snapshot, hk, limits);
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

	af_planner_classify(&p, irqs);
	af_planner_group_units(&p);
	af_planner_keep_current(&p);
	af_planner_place_rest(&p);
	af_spread_end_picks(spread);
	af_planner_pull_spilled(&p);
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
