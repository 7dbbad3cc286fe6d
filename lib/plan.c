/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "planner-private.h"
#include "planner.h"

void af_plan_entry_free(AfPlanEntry *entry)
{
	if (!entry)
		return;
	af_cpuset_free(entry->planned);
	af_cpuset_free(entry->fallback);
	g_free(entry->reason);
	g_ptr_array_unref(entry->warnings);
	g_free(entry);
}

void af_plan_free(AfPlan *plan)
{
	if (!plan)
		return;
	g_ptr_array_unref(plan->entries);
	g_ptr_array_unref(plan->warnings);
	if (plan->steering && plan->free_steering)
		plan->free_steering(plan->steering);
	g_free(plan);
}

AfPlan *af_plan_new(void)
{
	AfPlan *plan = g_new0(AfPlan, 1);

	plan->entries = g_ptr_array_new_with_free_func((GDestroyNotify)af_plan_entry_free);
	plan->warnings = g_ptr_array_new_with_free_func(g_free);
	return plan;
}

AfPlanEntry *af_plan_add_entry(AfPlan *plan, const AfIrq *irq)
{
	AfPlanEntry *entry = g_new0(AfPlanEntry, 1);

	entry->irq = irq;
	entry->action = AF_ACTION_SKIP;
	entry->warnings = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(plan->entries, entry);
	return entry;
}

AfPlacement *af_plan_placement_new(void)
{
	return g_hash_table_new(g_direct_hash, g_direct_equal);
}

AfLoad *af_plan_load_new(void)
{
	return g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
}

void af_plan_load_set(AfLoad *load, guint irq, guint64 count)
{
	g_hash_table_replace(load, GUINT_TO_POINTER(irq), g_memdup2(&count, sizeof(count)));
}

guint64 af_plan_load_get(const AfLoad *load, guint irq)
{
	const guint64 *count = g_hash_table_lookup((GHashTable *)load, GUINT_TO_POINTER(irq));

	return count ? *count : 0;
}

const char *af_plan_action_to_string(AfAction action)
{
	switch (action) {
	case AF_ACTION_MOVE:
		return "move";
	case AF_ACTION_KEEP:
		return "keep";
	case AF_ACTION_SKIP:
		return "skip";
	}
	return "?";
}

static int compare_entry_irq(const void *key, const void *element)
{
	guint irq = *(const guint *)key;
	const AfPlanEntry *entry = *(AfPlanEntry *const *)element;

	return irq < entry->irq->irq ? -1 : irq > entry->irq->irq ? 1 : 0;
}

const AfPlanEntry *af_plan_lookup(const AfPlan *plan, guint irq)
{
	AfPlanEntry **found;

	if (!plan || plan->entries->len == 0)
		return NULL;
	found = bsearch(&irq, plan->entries->pdata, plan->entries->len, sizeof(gpointer),
			compare_entry_irq);
	return found ? *found : NULL;
}

AfPlacement *af_plan_placement(const AfPlan *plan)
{
	AfPlacement *placement = af_plan_placement_new();

	for (guint i = 0; i < plan->entries->len; i++) {
		const AfPlanEntry *e = plan->entries->pdata[i];

		if (e->planned)
			g_hash_table_insert(placement, GUINT_TO_POINTER(e->irq->irq), e->planned);
	}
	return placement;
}

AfCpuSet *af_plan_entry_mask(const AfPlanEntry *entry)
{
	AfCpuSet *mask;

	if (!entry->planned)
		return NULL;
	mask = af_cpuset_copy(entry->planned);
	if (entry->fallback)
		af_cpuset_or(mask, entry->fallback);
	return mask;
}

int af_plan_served_by_fallback(const AfPlanEntry *entry)
{
	const AfCpuSet *effective = entry->irq->effective;
	int cpu;

	if (!entry->fallback || !effective || af_cpuset_count(effective) != 1)
		return -1;
	cpu = af_cpuset_first(effective);
	return af_cpuset_contains(entry->fallback, (guint)cpu) &&
			       !(entry->planned && af_cpuset_contains(entry->planned, (guint)cpu))
		       ? cpu
		       : -1;
}

int af_plan_compare_irq(gconstpointer a, gconstpointer b)
{
	const AfIrq *x = *(AfIrq *const *)a, *y = *(AfIrq *const *)b;

	return x->irq < y->irq ? -1 : x->irq > y->irq ? 1 : 0;
}

GPtrArray *af_plan_sorted_irqs(const AfSnapshot *snapshot)
{
	GPtrArray *irqs = g_ptr_array_sized_new(snapshot->irqs->len);

	for (guint i = 0; i < snapshot->irqs->len; i++)
		g_ptr_array_add(irqs, snapshot->irqs->pdata[i]);
	g_ptr_array_sort(irqs, af_plan_compare_irq);
	return irqs;
}

AfCpuSet *af_plan_usable_housekeeping(const AfSnapshot *snapshot, const AfHousekeeping *hk,
				      const AfLimits *limits)
{
	return af_limits_usable_cpus(limits, hk->housekeeping, snapshot->online);
}

AfCpuSet *af_plan_allowed_cpus(const AfCpuSet *cpus, const AfRule *rule)
{
	AfCpuSet *allowed = af_cpuset_copy(cpus);

	if (rule && rule->action == AF_RULE_PIN && af_cpuset_intersects(rule->cpus, allowed))
		af_cpuset_and(allowed, rule->cpus);
	return allowed;
}

const AfCpuSet *af_plan_counted_cpus(const AfIrq *irq)
{
	if (irq->effective)
		return irq->effective;
	if (af_cpuset_count(irq->affinity) == 1)
		return irq->affinity;
	return NULL;
}

const AfRule *af_plan_match_rule(const AfPolicy *policy, const AfIrq *irq)
{
	if (!policy->rules || policy->rules->len == 0)
		return NULL;
	return af_policy_match(policy, irq->irq, irq->name, irq->driver, irq->interface);
}

guint af_plan_fallback_count(const AfSnapshot *snapshot, const AfPolicy *policy,
			     const AfLimits *limits, const AfIrq *irq)
{
	/* Elsewhere a wider mask may move the IRQ (arm64's GICv3 takes the first CPU). */
	if (snapshot->arch != AF_ARCH_X86 && !policy->fallback_any_arch)
		return 0;
	/* The NIC's cpu_rmap follows the requested mask: aRFS wants it narrow. */
	if (irq->arfs || af_limits_is_narrow(limits, irq->irq, NULL))
		return 0;
	return policy->fallback_cpus;
}

int af_plan_mask_cpu(const AfIrq *irq, guint max_fallback, const AfCpuSet *allowed)
{
	g_autoptr(AfCpuSet) extra = NULL;
	int cpu;

	if (af_cpuset_count(irq->affinity) == 1)
		return af_cpuset_first(irq->affinity);
	/* Widened only once it served on its CPU: effective is that CPU. */
	if (max_fallback == 0 || af_cpuset_count(irq->effective) != 1)
		return -1;
	cpu = af_cpuset_first(irq->effective);
	if (!af_cpuset_contains(irq->affinity, (guint)cpu))
		return -1;
	extra = af_cpuset_copy(irq->affinity);
	af_cpuset_remove(extra, (guint)cpu);
	if (af_cpuset_count(extra) > max_fallback || !allowed ||
	    !af_cpuset_is_subset(extra, allowed))
		return -1;
	return cpu;
}

/*
 * The invariants every plan keeps (H = the usable CPUs: housekeeping within
 * the online CPUs minus the limits' excluded CPUs, unless none is left;
 * H_all the same without exclusion; "counted" CPUs of an IRQ the plan does
 * not place = af_plan_counted_cpus()):
 *  I1  one entry per snapshot IRQ, in ascending IRQ number, pointing at it;
 *      n_move/n_keep/n_skip count the entries' actions.
 *  I2  skip has no planned mask; move and keep have a non-empty one.
 *  I3  an unmovable IRQ (managed, per-CPU), a banned one, one without a
 *      handler and one with an unreadable affinity are skipped; with H empty
 *      everything is.
 *  I4  a planned mask lies inside H, and inside rule CPUs ∩ H for a pin
 *      rule whose CPUs meet H.
 *  I5  keep means planned ∪ fallback (the mask) equals the current
 *      affinity and no fallback CPU serves the IRQ (af_plan_served_by_fallback);
 *      affinity; move means it differs (a write that changes nothing is
 *      churn).
 *  I6  with a cap, every CPU given a planned IRQ serves at most
 *      max_irqs_per_cpu IRQs: planned masks plus counted CPUs of skips.
 *  I7  a movable IRQ that could be placed (not banned, not held, affinity
 *      readable, H not empty) is skipped only when every CPU it may use is
 *      at the cap.
 *  I8  a held IRQ is never moved: it is kept on its one CPU (its mask's
 *      CPU, fallback CPUs and all, af_plan_mask_cpu) when that lies inside
 *      H_all (and its pin rule's CPUs), else skipped.
 *  I9  refresh: only a move whose mask equals the current affinity
 *      and whose IRQ the limits ask to refresh carries the flag (the one
 *      exception to I5), and every placed IRQ the limits ask to refresh is
 *      such a move or a real one (a held IRQ is not refreshed).
 *  I10 an aRFS queue IRQ (irq->arfs) that is placed gets a one-CPU mask:
 *      the NIC's rmap is computed from the masks.
 *  I11 planned is one CPU; fallback is NULL or non-empty, disjoint from
 *      planned, inside H (H_all for a held IRQ; rule CPUs ∩ H for a pin
 *      rule whose CPUs meet H), at most af_plan_fallback_count() CPUs: none
 *      off x86 (unless fallback_arch=any), for aRFS queues, for IRQs the
 *      limits narrow, or with fallback_cpus=0. Skip has no fallback.
 */

typedef struct {
	const AfSnapshot *snapshot;
	const AfHousekeeping *hk;
	const AfPolicy *policy;
	const AfLimits *limits;
	AfCpuSet *housekeeping;	    /* H */
	AfCpuSet *housekeeping_all; /* H_all */
	guint cap;
	guint *served;	   /* per CPU: planned entries + counted CPUs of skips */
	guint *planned;	   /* per CPU: planned entries */
	GPtrArray *capped; /* AfPlanEntry* skipped for the cap (I7) */
} Checker;

static AfCpuSet *allowed_cpus(const Checker *c, const AfRule *rule)
{
	return af_plan_allowed_cpus(c->housekeeping, rule);
}

/* I9: the fallback CPUs of a placed entry, inside allowed. */
static char *check_fallback(const Checker *c, const AfPlanEntry *entry, const AfCpuSet *allowed)
{
	const AfIrq *irq = entry->irq;
	guint n = af_plan_fallback_count(c->snapshot, c->policy, c->limits, irq);

	if (af_cpuset_count(entry->planned) != 1)
		return g_strdup_printf("IRQ %u: planned is not one CPU", irq->irq);
	if (!entry->fallback)
		return NULL;
	if (af_cpuset_is_empty(entry->fallback))
		return g_strdup_printf("IRQ %u: an empty fallback set", irq->irq);
	if (af_cpuset_count(entry->fallback) > n)
		return g_strdup_printf("IRQ %u: %u fallback CPUs, %u allowed", irq->irq,
				       af_cpuset_count(entry->fallback), n);
	if (af_cpuset_contains(entry->fallback, (guint)af_cpuset_first(entry->planned)))
		return g_strdup_printf("IRQ %u: its planned CPU among its fallback CPUs", irq->irq);
	if (!af_cpuset_is_subset(entry->fallback, allowed))
		return g_strdup_printf("IRQ %u: fallback CPUs outside housekeeping", irq->irq);
	return NULL;
}

/* I5: keep when the mask is the current affinity, move when not. */
static char *check_action(const AfPlanEntry *entry)
{
	g_autoptr(AfCpuSet) mask = af_plan_entry_mask(entry);
	gboolean same = af_cpuset_equal(mask, entry->irq->affinity) &&
			af_plan_served_by_fallback(entry) < 0;

	if ((entry->action == AF_ACTION_KEEP) == same)
		return NULL;
	return g_strdup_printf("IRQ %u: %s but planned %s the current affinity", entry->irq->irq,
			       af_plan_action_to_string(entry->action),
			       entry->action == AF_ACTION_KEEP ? "differs from" : "equals");
}

/* I8: a held IRQ stays on its one CPU, or is skipped. */
static char *check_held(Checker *c, const AfPlanEntry *entry, const AfRule *rule)
{
	const AfIrq *irq = entry->irq;
	g_autoptr(AfCpuSet) allowed = NULL;
	char *message;
	int held_cpu;

	switch (entry->action) {
	case AF_ACTION_MOVE:
		return g_strdup_printf("IRQ %u: held but planned to move", irq->irq);
	case AF_ACTION_SKIP:
	case AF_ACTION_KEEP:
		break;
	}
	allowed = af_plan_allowed_cpus(c->housekeeping_all, rule);
	held_cpu = af_plan_mask_cpu(
		irq, af_plan_fallback_count(c->snapshot, c->policy, c->limits, irq), allowed);
	if (entry->action == AF_ACTION_SKIP) {
		if (entry->planned || entry->fallback)
			return g_strdup_printf("IRQ %u: skip with a planned mask", irq->irq);
		if (held_cpu >= 0 && af_cpuset_contains(allowed, (guint)held_cpu))
			return g_strdup_printf("IRQ %u: held on a housekeeping CPU but skipped",
					       irq->irq);
		AF_CPUSET_FOREACH (cpu, af_plan_counted_cpus(irq))
			c->served[cpu]++;
		return NULL;
	}
	if (af_cpuset_count(entry->planned) != 1 || af_cpuset_first(entry->planned) != held_cpu ||
	    check_action(entry) || !af_cpuset_is_subset(entry->planned, allowed))
		return g_strdup_printf(
			"IRQ %u: held but not kept on its one CPU inside housekeeping", irq->irq);
	message = check_fallback(c, entry, allowed);
	if (message)
		return message;
	AF_CPUSET_FOREACH (cpu, entry->planned) {
		c->served[cpu]++;
		c->planned[cpu]++;
	}
	return NULL;
}

static char *check_skip(Checker *c, const AfPlanEntry *entry, const AfRule *rule)
{
	const AfIrq *irq = entry->irq;

	if (entry->planned || entry->fallback)
		return g_strdup_printf("IRQ %u: skip with a planned mask", irq->irq);
	if (!af_irq_has_handler(irq) && af_irq_is_movable(irq))
		return NULL; /* nothing runs on any CPU for it */
	if (af_irq_is_movable(irq) && !(rule && rule->action == AF_RULE_BAN) && irq->affinity &&
	    !af_cpuset_is_empty(c->housekeeping)) {
		g_ptr_array_add(c->capped, (gpointer)entry);
		return NULL;
	}
	AF_CPUSET_FOREACH (cpu, af_plan_counted_cpus(irq))
		c->served[cpu]++;
	return NULL;
}

static char *check_placed(Checker *c, const AfPlanEntry *entry, const AfRule *rule)
{
	const AfIrq *irq = entry->irq;
	g_autoptr(AfCpuSet) allowed = NULL, mask = NULL;
	char *message;

	if (af_cpuset_is_empty(entry->planned))
		return g_strdup_printf("IRQ %u: %s with an empty planned mask", irq->irq,
				       af_plan_action_to_string(entry->action));
	if (!af_irq_is_movable(irq))
		return g_strdup_printf("IRQ %u: unmovable but planned", irq->irq);
	if (rule && rule->action == AF_RULE_BAN)
		return g_strdup_printf("IRQ %u: banned by rule %s but planned", irq->irq,
				       rule->name);
	if (!irq->affinity)
		return g_strdup_printf("IRQ %u: affinity unreadable but planned", irq->irq);
	if (!af_irq_has_handler(irq))
		return g_strdup_printf("IRQ %u: no handler but planned", irq->irq);
	allowed = allowed_cpus(c, rule);
	if (!af_cpuset_is_subset(entry->planned, allowed))
		return g_strdup_printf("IRQ %u: planned outside %s", irq->irq,
				       rule && rule->action == AF_RULE_PIN ? "its pin rule's CPUs"
									   : "housekeeping");
	mask = af_plan_entry_mask(entry);
	if (entry->refresh &&
	    (entry->action != AF_ACTION_MOVE || !af_cpuset_equal(mask, irq->affinity) ||
	     !af_limits_wants_refresh(c->limits, irq->irq)))
		return g_strdup_printf("IRQ %u: a refresh that is not an asked-for rewrite of its "
				       "mask",
				       irq->irq);
	message = entry->refresh ? NULL : check_action(entry);
	if (!message && entry->action == AF_ACTION_KEEP &&
	    af_limits_wants_refresh(c->limits, irq->irq))
		return g_strdup_printf("IRQ %u: kept although a refresh was asked for", irq->irq);
	if (!message && irq->arfs && (af_cpuset_count(entry->planned) != 1 || entry->fallback))
		return g_strdup_printf("IRQ %u: an aRFS queue IRQ planned on %u CPUs", irq->irq,
				       af_cpuset_count(mask));
	if (!message)
		message = check_fallback(c, entry, allowed);
	if (message)
		return message;
	AF_CPUSET_FOREACH (cpu, entry->planned) {
		c->served[cpu]++;
		c->planned[cpu]++;
	}
	return NULL;
}

static char *check_entry(Checker *c, const AfPlanEntry *entry)
{
	const AfRule *rule = af_plan_match_rule(c->policy, entry->irq);

	if (af_irq_is_movable(entry->irq) && af_irq_has_handler(entry->irq) &&
	    !(rule && rule->action == AF_RULE_BAN) && entry->irq->affinity &&
	    !af_cpuset_is_empty(c->housekeeping) &&
	    af_limits_is_held(c->limits, entry->irq->irq, NULL))
		return check_held(c, entry, rule);
	if (entry->action == AF_ACTION_SKIP)
		return check_skip(c, entry, rule);
	return check_placed(c, entry, rule);
}

static char *check_entries(Checker *c, const AfPlan *plan)
{
	g_autoptr(GPtrArray) irqs = af_plan_sorted_irqs(c->snapshot);
	guint n[3] = {0};

	if (plan->entries->len != irqs->len)
		return g_strdup_printf("%u entries for %u IRQs", plan->entries->len, irqs->len);
	for (guint i = 0; i < irqs->len; i++) {
		const AfPlanEntry *entry = plan->entries->pdata[i];
		char *message;

		if (entry->irq != irqs->pdata[i])
			return g_strdup_printf("entry %u is not IRQ %u", i,
					       ((AfIrq *)irqs->pdata[i])->irq);
		if (!entry->reason || !*entry->reason)
			return g_strdup_printf("IRQ %u: no reason", entry->irq->irq);
		message = check_entry(c, entry);
		if (message)
			return message;
		n[entry->action]++;
	}
	if (n[AF_ACTION_MOVE] != plan->n_move || n[AF_ACTION_KEEP] != plan->n_keep ||
	    n[AF_ACTION_SKIP] != plan->n_skip)
		return g_strdup("the plan's move/keep/skip counts do not match its entries");
	return NULL;
}

static char *check_cap(Checker *c)
{
	for (guint cpu = 0; cpu < AF_CPU_MAX; cpu++)
		if (c->planned[cpu] > 0 && c->served[cpu] > c->cap)
			return g_strdup_printf("CPU %u serves %u IRQs, above max_irqs_per_cpu %u",
					       cpu, c->served[cpu], c->cap);
	for (guint i = 0; i < c->capped->len; i++) {
		const AfPlanEntry *entry = c->capped->pdata[i];
		g_autoptr(AfCpuSet) allowed =
			allowed_cpus(c, af_plan_match_rule(c->policy, entry->irq));

		AF_CPUSET_FOREACH (cpu, allowed)
			if (c->served[cpu] < c->cap)
				return g_strdup_printf("IRQ %u: skipped while CPU %d has room",
						       entry->irq->irq, cpu);
	}
	return NULL;
}

int af_plan_check(const AfPlan *plan, const AfSnapshot *snapshot, const AfHousekeeping *hk,
		  const AfPolicy *policy, const AfLimits *limits, char **ret_message)
{
	g_autofree guint *served = g_new0(guint, AF_CPU_MAX);
	g_autofree guint *planned = g_new0(guint, AF_CPU_MAX);
	g_autoptr(GPtrArray) capped = g_ptr_array_new();
	g_autoptr(AfCpuSet) housekeeping = NULL, housekeeping_all = NULL;
	g_autofree char *message = NULL;
	Checker c;

	if (!plan || !snapshot || !hk || !policy)
		return -EINVAL;
	housekeeping = af_plan_usable_housekeeping(snapshot, hk, limits);
	housekeeping_all = af_plan_usable_housekeeping(snapshot, hk, NULL);
	c = (Checker){
		.snapshot = snapshot,
		.hk = hk,
		.policy = policy,
		.limits = limits,
		.housekeeping = housekeeping,
		.housekeeping_all = housekeeping_all,
		.cap = policy->max_irqs_per_cpu ? policy->max_irqs_per_cpu : G_MAXUINT,
		.served = served,
		.planned = planned,
		.capped = capped,
	};
	message = check_entries(&c, plan);
	if (!message)
		message = check_cap(&c);
	if (!message)
		return 0;
	if (ret_message)
		*ret_message = g_steal_pointer(&message);
	return -EINVAL;
}
