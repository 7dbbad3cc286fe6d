/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "fallback.h"
#include "planner-private.h"
#include "planner-write.h"

static const AfCpuTopo *topo_of(const Planner *p, guint cpu)
{
	const AfTopology *topology = p->snapshot->topology;

	if (!topology || !topology->cpus || cpu >= topology->n_cpus)
		return NULL;
	return &topology->cpus[cpu];
}

/* Where a placed CPU sits: ", core 3 of node 1", or "" when unknown. */
static void append_position(GString *s, const Planner *p, guint cpu)
{
	const AfCpuTopo *topo = topo_of(p, cpu);

	if (topo && topo->core >= 0)
		g_string_append_printf(s, ", core %d", topo->core);
	if (topo && topo->node >= 0)
		g_string_append_printf(s, "%s node %d", topo->core >= 0 ? " of" : ",", topo->node);
}

/* TRUE when the unit's reason says it was widened out of its device-local set. */
static gboolean was_widened(const Unit *unit)
{
	switch (unit->decision) {
	case UNIT_WIDENED:
		return TRUE;
	case UNIT_REBALANCED:
		return unit->was_widened;
	case UNIT_UNDECIDED:
	case UNIT_KEPT:
	case UNIT_PLACED:
	case UNIT_CAPPED:
	case UNIT_EVENED:
	case UNIT_PULLED:
		return FALSE;
	}
	return FALSE;
}

/* A unit of a spilled set off its own node: why, in parentheses. */
static void append_spilled(GString *s, const Planner *p, const Unit *unit)
{
	const Cand *cand = unit->cand;
	g_autoptr(AfCpuSet) own =
		af_cpuset_new_and(p->snapshot->topology->node_cpus[cand->node], p->housekeeping);
	guint n_cores = af_units_count_cores(&p->units, own);
	guint n_units = MAX(1u, af_units_device_count(&p->units, unit->device));

	g_string_append_printf(s, " (spilled: its node %d has %u housekeeping core%s for %u %s)",
			       cand->node, n_cores, n_cores == 1 ? "" : "s", n_units,
			       unit->device ? "queues" : "IRQ");
}

/* TRUE when the unit sits in its device's own node or local CPUs. */
static gboolean is_local(const Planner *p, const Unit *unit)
{
	switch (unit->cand->kind) {
	case CAND_NODE:
	case CAND_LOCAL:
		return TRUE;
	case CAND_SPILL:
		return af_cpuset_contains(p->snapshot->topology->node_cpus[unit->cand->node],
					  (guint)unit->cpu);
	case CAND_ALL:
	case CAND_PIN:
		return FALSE;
	}
	return FALSE;
}

/* Where the unit goes and how it was chosen: the first part of a reason. */
static void append_target(GString *s, const Planner *p, const Unit *unit, const Item *item,
			  AfAction action)
{
	const Cand *cand = unit->cand;
	gboolean local = is_local(p, unit);
	gboolean spilled = cand->kind == CAND_SPILL && !local &&
			   af_cpuset_contains(cand->cpus, (guint)unit->cpu);
	gboolean pinned = cand->kind == CAND_PIN && !cand->pin_fallback;

	if (action == AF_ACTION_KEEP) {
		g_string_append_printf(s, "already on CPU %d (housekeeping", unit->cpu);
		if (local)
			g_string_append(s, ", node-local");
		if (spilled)
			g_string_append(s, ", a nearest node");
		if (pinned)
			g_string_append_printf(s, ", rule %s", cand->rule->name);
		g_string_append(s, ")");
	} else if (unit->decision == UNIT_KEPT && item->current == unit->cpu) {
		g_string_append_printf(s, "narrow to the CPU already serving it (CPU %d)%s",
				       unit->cpu,
				       item->entry->fallback ? " and its fallback CPUs" : "");
	} else if (unit->decision == UNIT_KEPT) {
		g_string_append_printf(s, "join its channel partner on CPU %d", unit->cpu);
	} else if (pinned) {
		g_string_append_printf(s, "pinned by rule %s to CPU %d", cand->rule->name,
				       unit->cpu);
	} else {
		gboolean pack = p->policy->mode == AF_PLACEMENT_PACK;

		g_string_append_printf(s, "%s CPU %d", pack ? "pack onto" : "spread to", unit->cpu);
		append_position(s, p, unit->cpu);
		if (local && !was_widened(unit))
			g_string_append(s, " (device local)");
		else if (spilled && !was_widened(unit))
			append_spilled(s, p, unit);
	}
	if (action == AF_ACTION_MOVE && unit->decision != UNIT_KEPT && unit->items->len > 1)
		g_string_append(s, ", with its channel partner");
}

/* Why the unit is where it is, from its decision (the part after the target). */
static void append_decision(GString *s, const Unit *unit)
{
	if (was_widened(unit))
		g_string_append(s, "; device-local CPUs full, widened to all housekeeping");
	switch (unit->decision) {
	case UNIT_REBALANCED:
		g_string_append(s, "; its CPU was loaded past the hysteresis");
		break;
	case UNIT_EVENED:
		/* The share the last evening out counted. */
		g_string_append_printf(s, "; CPU %d carried more than its share of IRQs (%u)",
				       unit->evened_from, unit->cand->share);
		break;
	case UNIT_PULLED:
		g_string_append(s, "; back from a nearest node: its own node has a core for it");
		break;
	case UNIT_UNDECIDED:
	case UNIT_KEPT:
	case UNIT_PLACED:
	case UNIT_WIDENED:
	case UNIT_CAPPED:
		break;
	}
}

static char *describe_placement(const Planner *p, const Unit *unit, const Item *item,
				AfAction action)
{
	GString *s = g_string_new(NULL);
	const Cand *cand = unit->cand;

	append_target(s, p, unit, item, action);
	append_decision(s, unit);
	if (cand->pin_fallback)
		g_string_append_printf(s, "; rule %s names no housekeeping CPU", cand->rule->name);
	return g_string_free(s, FALSE);
}

static char *describe_capped(const Planner *p, const Unit *unit)
{
	if (unit->cand->kind == CAND_PIN && !unit->cand->pin_fallback)
		return g_strdup_printf("every CPU of rule %s serves max_irqs_per_cpu (%u) IRQs: "
				       "left alone",
				       unit->cand->rule->name, p->policy->max_irqs_per_cpu);
	return g_strdup_printf("every housekeeping CPU serves max_irqs_per_cpu (%u) IRQs: "
			       "left alone",
			       p->policy->max_irqs_per_cpu);
}

/*
 * The fallback CPUs of an IRQ placed on cpu: the nearest usable ones (its
 * pin rule's, when the rule names housekeeping CPUs), its present ones
 * while they are as near (fallback.h). NULL when it gets none.
 */
static AfCpuSet *choose_fallback(const Planner *p, const Item *item, guint cpu)
{
	g_autoptr(AfCpuSet) allowed = NULL;

	if (item->n_fallback == 0)
		return NULL;
	allowed = af_plan_allowed_cpus(p->housekeeping, item->rule);
	return af_fallback_choose(p->snapshot->topology, cpu, allowed, item->n_fallback,
				  item->irq->affinity);
}

static void write_unit(Planner *p, const Unit *unit)
{
	for (guint i = 0; i < unit->items->len; i++) {
		const Item *item = unit->items->pdata[i];
		AfPlanEntry *entry = item->entry;
		AfCpuSet *mask;
		gboolean same;

		if (unit->decision == UNIT_CAPPED) {
			entry->action = AF_ACTION_SKIP;
			entry->reason = describe_capped(p, unit);
			continue;
		}
		entry->planned = af_cpuset_new();
		af_cpuset_add(entry->planned, unit->cpu);
		entry->fallback = choose_fallback(p, item, (guint)unit->cpu);
		mask = af_plan_entry_mask(entry);
		same = af_cpuset_equal(mask, item->irq->affinity);
		entry->action = same && af_plan_served_by_fallback(entry) < 0 ? AF_ACTION_KEEP
									       : AF_ACTION_MOVE;
		af_cpuset_free(mask);
		entry->reason = describe_placement(p, unit, item, entry->action);
		if (same && af_plan_served_by_fallback(entry) >= 0) {
			char *reason = g_strdup_printf("%s; served by its fallback CPU %d, where "
						       "the kernel carried its mask out",
						       entry->reason,
						       af_plan_served_by_fallback(entry));

			g_free(entry->reason);
			entry->reason = reason;
		}
		if (entry->action == AF_ACTION_KEEP &&
		    af_limits_wants_refresh(p->limits, item->irq->irq)) {
			/* Only a write fires the affinity notifier that feeds the rmap. */
			char *reason = g_strconcat(entry->reason,
						   "; written again to refresh the aRFS rmap after "
						   "CPU hotplug (rmap-refresh)",
						   NULL);

			g_free(entry->reason);
			entry->reason = reason;
			entry->action = AF_ACTION_MOVE;
			entry->refresh = TRUE;
		}
	}
}

static void count_actions(AfPlan *plan)
{
	for (guint i = 0; i < plan->entries->len; i++) {
		const AfPlanEntry *entry = plan->entries->pdata[i];

		switch (entry->action) {
		case AF_ACTION_MOVE:
			plan->n_move++;
			break;
		case AF_ACTION_KEEP:
			plan->n_keep++;
			break;
		case AF_ACTION_SKIP:
			plan->n_skip++;
			break;
		}
	}
}

static void write_warnings(Planner *p, guint n_capped)
{
	GPtrArray *warnings = p->plan->warnings;

	if (af_cpuset_is_empty(p->housekeeping))
		g_ptr_array_add(warnings, g_strdup("no housekeeping CPU: every online CPU is "
						   "isolated, no IRQ is moved"));
	if (n_capped > 0)
		g_ptr_array_add(warnings,
				g_strdup_printf("%u placement(s) left alone: their CPUs all serve "
						"max_irqs_per_cpu (%u) IRQs",
						n_capped, p->policy->max_irqs_per_cpu));
	if (p->n_isolated_managed > 0)
		g_ptr_array_add(warnings,
				g_strdup_printf("%u kernel-managed IRQ(s) served by isolated CPUs, "
						"which the kernel's managed_irq isolation cannot fix",
						p->n_isolated_managed));
}

void af_planner_write(Planner *p)
{
	guint n_capped = 0;

	for (guint i = 0; i < p->units.all->len; i++) {
		const Unit *unit = p->units.all->pdata[i];

		/* Pass 4 decides every unit. */
		g_warn_if_fail(unit->decision != UNIT_UNDECIDED);
		n_capped += unit->decision == UNIT_CAPPED;
		write_unit(p, unit);
	}
	count_actions(p->plan);
	write_warnings(p, n_capped);
}
