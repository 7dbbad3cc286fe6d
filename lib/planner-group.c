/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "planner-group.h"
#include "planner-private.h"

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
	guint64 weight = p->load ? af_plan_load_get(p->load, entry->irq->irq) : entry->irq->total;

	entry->action = AF_ACTION_SKIP;
	entry->reason = reason;
	AF_CPUSET_FOREACH (cpu, served)
		af_spread_charge(p->units.spread, cpu, 1, weight);
}

/*
 * A held IRQ stays where the kernel has it: kept on its one CPU when that
 * is a housekeeping CPU it may use (excluded CPUs too: it holds its vector
 * there already), else skipped; either way it counts where it is served.
 */
static void hold_entry(Planner *p, AfPlanEntry *entry, const AfRule *rule, AfHold why)
{
	const AfIrq *irq = entry->irq;
	g_autoptr(AfCpuSet) all = af_plan_usable_housekeeping(p->snapshot, p->hk, NULL);
	g_autoptr(AfCpuSet) allowed = af_plan_allowed_cpus(all, rule);
	guint64 weight = p->load ? af_plan_load_get(p->load, irq->irq) : irq->total;

	guint n_fallback = af_plan_fallback_count(p->snapshot, p->policy, p->limits, irq);
	int cpu = af_plan_mask_cpu(irq, n_fallback, allowed);

	/* Its mask stays as it is, fallback CPUs and all: a held IRQ is never written. */
	if (cpu < 0 || !af_cpuset_contains(allowed, (guint)cpu)) {
		skip_entry(p, entry, g_strdup(af_limits_hold_reason(why)));
		return;
	}
	entry->action = AF_ACTION_KEEP;
	entry->planned = af_cpuset_new();
	af_cpuset_add(entry->planned, (guint)cpu);
	if (af_cpuset_count(irq->affinity) > 1) {
		entry->fallback = af_cpuset_copy(irq->affinity);
		af_cpuset_remove(entry->fallback, (guint)cpu);
	}
	entry->reason = g_strdup(af_limits_hold_reason(why));
	af_spread_charge(p->units.spread, (guint)cpu, 1, weight);
}

static char *describe_unmovable(Planner *p, AfPlanEntry *entry)
{
	const AfIrq *irq = entry->irq;
	const AfCpuSet *serving = af_irq_serving_cpus(irq);
	const char *source = af_irq_managed_source_to_string(irq->managed_source);
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

/* The device's node CPUs (or local CPUs) within housekeeping, unless numa_local=off. */
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
	switch (p->policy->numa_local) {
	case AF_NUMA_LOCAL_OFF:
		return p->all;
	case AF_NUMA_LOCAL_PREFER:
	case AF_NUMA_LOCAL_STRICT:
		break;
	}
	cand = local_cand(p, item->irq);
	if (!cand || af_cpuset_is_empty(cand->cpus))
		return p->all;
	return cand;
}

void af_planner_classify(Planner *p, GPtrArray *irqs)
{
	for (guint i = 0; i < irqs->len; i++) {
		const AfIrq *irq = irqs->pdata[i];
		AfPlanEntry *entry = add_entry(p, irq);
		const AfRule *rule;
		AfCpuSet *allowed;
		AfHold why;
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
		if (af_limits_is_held(p->limits, irq->irq, &why)) {
			hold_entry(p, entry, rule, why);
			continue;
		}
		item = g_new0(Item, 1);
		item->irq = irq;
		item->entry = entry;
		item->rule = rule;
		item->weight = p->load ? af_plan_load_get(p->load, irq->irq) : irq->total;
		item->current = -1;
		item->n_fallback = af_plan_fallback_count(p->snapshot, p->policy, p->limits, irq);
		allowed = af_plan_allowed_cpus(p->housekeeping, rule);
		item->mask_cpu = af_plan_mask_cpu(irq, item->n_fallback, allowed);
		af_cpuset_free(allowed);
		g_ptr_array_add(p->items, item);
	}
}

static const char *device_of(const AfIrq *irq)
{
	if (irq->queue < 0)
		return NULL;
	return irq->device ? irq->device : irq->interface;
}

/* The node of an IRQ's device when the topology knows it, else -1. */
static int known_node(const Planner *p, const AfIrq *irq)
{
	const AfTopology *topology = p->snapshot->topology;

	if (!topology || irq->numa_node < 0 || (guint)irq->numa_node >= topology->n_nodes ||
	    !topology->node_cpus || !topology->node_cpus[irq->numa_node])
		return -1;
	return irq->numa_node;
}

/*
 * The spill set of node for `needed` units: the housekeeping CPUs of node
 * and then of the nearest nodes (hwloc distance, ties by number), whole
 * nodes, until they hold `needed` cores or every node is in. Each node that
 * adds CPUs closes a tier. NULL when no node holds a housekeeping CPU.
 */
static Cand *spill_cand(Planner *p, int node, guint needed)
{
	g_autoptr(GArray) nodes = af_topology_nodes_by_distance(p->snapshot->topology, node);
	g_autoptr(AfCpuSet) cpus = af_cpuset_new();
	g_autoptr(GPtrArray) tiers = g_ptr_array_new_with_free_func((GDestroyNotify)af_cpuset_free);
	Cand *cand;
	char *key;

	for (guint i = 0; i < nodes->len; i++) {
		const AfCpuSet *node_cpus =
			p->snapshot->topology->node_cpus[g_array_index(nodes, int, i)];
		g_autoptr(AfCpuSet) more = af_cpuset_new_and(node_cpus, p->housekeeping);

		if (af_cpuset_is_subset(more, cpus))
			continue;
		af_cpuset_or(cpus, more);
		g_ptr_array_add(tiers, af_cpuset_copy(cpus));
		if (af_units_count_cores(&p->units, cpus) >= needed)
			break;
	}
	if (tiers->len == 0)
		return NULL;
	key = g_strdup_printf("spill:%d:%u", node, tiers->len);
	cand = intern_cand(p, key, CAND_SPILL, g_steal_pointer(&cpus));
	if (!cand->tiers) {
		cand->node = node;
		cand->tiers = g_steal_pointer(&tiers);
		cand->tier_rankings = g_ptr_array_new();
	}
	return cand;
}

/*
 * numa_local=prefer (spread mode): a device whose node has fewer
 * housekeeping cores than the device has units (a node without any: one
 * unit is one too many) takes the nearest nodes' cores too rather than
 * stacking its queues on the node's few CPUs (CAND_SPILL). Pin rules and
 * devices of no known node keep their sets.
 */
static void spill_units(Planner *p)
{
	if (p->policy->numa_local != AF_NUMA_LOCAL_PREFER || !p->units.distinct_cores)
		return;
	for (guint i = 0; i < p->units.all->len; i++) {
		Unit *unit = p->units.all->pdata[i];
		const AfIrq *irq = ((const Item *)unit->items->pdata[0])->irq;
		int node = known_node(p, irq);
		guint needed = MAX(1u, af_units_device_count(&p->units, unit->device));
		guint have = 0;
		Cand *spill;

		if (node < 0 || (unit->cand->kind != CAND_NODE && unit->cand != p->all))
			continue;
		if (unit->cand->kind == CAND_NODE)
			have = af_units_count_cores(&p->units, unit->cand->cpus);
		if (have >= needed)
			continue;
		spill = spill_cand(p, node, needed);
		if (spill)
			unit->cand = spill;
	}
}

void af_planner_group_units(Planner *p)
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
			unit->channel_weight += item->weight;
			continue;
		}
		unit = af_units_add(&p->units, item, cand_for(p, item), device);
		if (key)
			g_hash_table_insert(channels, g_steal_pointer(&key), unit);
	}
	spill_units(p);
}
