/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * What planner.c (making plans) and plan.c (the plan object and its
 * invariants) share, so that the checker judges a plan by the very rules
 * the planner follows. Not for use outside the planner.
 */

#include <glib.h>

#include "planner.h"

/* Frees one entry; accepts NULL. */
void af_plan_entry_free(AfPlanEntry *entry);
/* Orders AfIrq* elements of a GPtrArray by IRQ number. */
int af_plan_compare_irq(gconstpointer a, gconstpointer b);
/* The snapshot's IRQs sorted by number, borrowed (whatever order it was filled in). */
GPtrArray *af_plan_sorted_irqs(const AfSnapshot *snapshot);
/*
 * The CPUs IRQs may go to: af_limits_usable_cpus() of the housekeeping
 * CPUs and the snapshot's online CPUs (limits may be NULL).
 */
AfCpuSet *af_plan_usable_housekeeping(const AfSnapshot *snapshot, const AfHousekeeping *hk,
				      const AfLimits *limits);
/* cpus narrowed to a pin rule's CPUs when the rule names some of them (rule may be NULL). */
AfCpuSet *af_plan_allowed_cpus(const AfCpuSet *cpus, const AfRule *rule);
/*
 * The CPUs an IRQ the plan does not place counts against the cap on:
 * effective when known, else a one-CPU affinity, else none (NULL).
 */
const AfCpuSet *af_plan_counted_cpus(const AfIrq *irq);
/* The policy rule applying to an IRQ, or NULL. */
const AfRule *af_plan_match_rule(const AfPolicy *policy, const AfIrq *irq);
/*
 * How many fallback CPUs an IRQ's mask may hold: fallback_cpus on x86 (or
 * with fallback_arch=any), 0 for an aRFS queue, an IRQ the limits narrow,
 * or elsewhere. limits may be NULL.
 */
guint af_plan_fallback_count(const AfSnapshot *snapshot, const AfPolicy *policy,
			     const AfLimits *limits, const AfIrq *irq);
/*
 * The CPU an IRQ's mask holds it on: the one CPU of a one-CPU mask; or,
 * when max_fallback allows, the serving (effective) CPU of a mask that is
 * that CPU plus at most max_fallback CPUs of allowed (a mask a plan
 * widened). -1 otherwise.
 */
int af_plan_mask_cpu(const AfIrq *irq, guint max_fallback, const AfCpuSet *allowed);
