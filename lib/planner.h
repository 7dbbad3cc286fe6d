/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The planner: a pure function of (snapshot, housekeeping, policy, previous
 * placement, measured load) to a plan that says, for every IRQ, move / keep
 * / skip, the CPUs it should have, and why. No syscalls, no clock, no
 * environment, no randomness: the same input gives the same plan.
 */

#include <glib.h>

#include "cpuset.h"
#include "housekeeping.h"
#include "planlimits.h"
#include "policy.h"
#include "snapshot.h"

typedef enum {
	AF_ACTION_MOVE, /* write planned to smp_affinity */
	AF_ACTION_KEEP, /* already where it should be: no write */
	AF_ACTION_SKIP, /* never written: managed, per-CPU, banned, or no place for it */
} AfAction;

typedef struct AfPlanEntry {
	const AfIrq *irq;    /* borrowed from the snapshot */
	AfAction action;
	AfCpuSet *planned;   /* the CPU meant to serve it (move, keep); NULL for skip */
	AfCpuSet *fallback;  /* CPUs its mask also holds (planned ∪ fallback is the mask,
				fallback.h); NULL for none */
	char *reason;        /* one line, for operators */
	GPtrArray *warnings; /* char*, about this IRQ (managed IRQ served by an isolated CPU) */
	gboolean refresh;    /* a move although planned equals current: written to refresh
				the NIC's aRFS rmap (the limits asked for it) */
} AfPlanEntry;

struct AfSteering;

typedef struct AfPlan {
	GPtrArray *entries;  /* AfPlanEntry*, ascending IRQ number, one per snapshot IRQ */
	GPtrArray *warnings; /* char*, about the whole plan */
	guint n_move, n_keep, n_skip;
	struct AfSteering *steering; /* network steering beside the IRQs (steering.h), owned;
					NULL until the engine adds it */
	GDestroyNotify free_steering; /* set with steering: the plan frees it without
					 knowing the steering module */
} AfPlan;

/*
 * Previous placement: IRQ number -> AfCpuSet* the daemon last planned
 * (borrowed): its planned CPU, without fallback CPUs. Load: IRQ number ->
 * guint64 interrupts per second over the last interval (GUINT_TO_POINTER
 * keys, values via af_plan_load_*); NULL means use the snapshot's
 * cumulative counts.
 */
typedef GHashTable AfPlacement;
typedef GHashTable AfLoad;

/* An empty placement table (values borrowed); free with g_hash_table_unref(). */
AfPlacement *af_plan_placement_new(void);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfPlacement, g_hash_table_unref)
/* An empty load table; free with g_hash_table_unref(). */
AfLoad *af_plan_load_new(void);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfLoad, g_hash_table_unref)
/* Sets one IRQ's count (replacing any). */
void af_plan_load_set(AfLoad *load, guint irq, guint64 count);
/* One IRQ's count, 0 when absent. */
guint64 af_plan_load_get(const AfLoad *load, guint irq);

/*
 * Plans every IRQ of the snapshot. previous, load and limits may be NULL.
 * IRQs go only to the usable CPUs (af_limits_usable_cpus); a held IRQ is
 * kept where it is when that is one CPU inside housekeeping (and its pin
 * rule's CPUs), else skipped, with the hold's reason. IRQ
 * weights (heavier placed first, a CPU's load first in its spread rank) come
 * from load, else from the snapshot's cumulative totals; only a measured
 * load (non-NULL) moves IRQs that sit on acceptable CPUs, past
 * hysteresis_percent of the mean housekeeping CPU load and past
 * min_load_rate. In spread mode IRQs also leave a CPU that carries more
 * than its share of IRQs for one that stays within it. On x86 (or any
 * architecture with fallback_arch=any) a placed IRQ's mask also holds
 * fallback_cpus fallback CPUs near its CPU (fallback.h), except for aRFS
 * queues and IRQs the limits narrow. A plan applied and planned again on
 * the same snapshot and load moves nothing (unless IRQs were left over at
 * the cap). Returns 0, or -EINVAL when a required argument is NULL.
 */
int af_plan_compute(const AfSnapshot *snapshot, const AfHousekeeping *hk, const AfPolicy *policy,
		    AfPlacement *previous, AfLoad *load, const AfLimits *limits, AfPlan **ret_plan);
/* Frees; accepts NULL. */
void af_plan_free(AfPlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfPlan, af_plan_free)
/* An empty plan (no entries, no warnings, counts 0) to write by hand: tests, tools. */
AfPlan *af_plan_new(void);
/*
 * Appends an entry for irq (skip, nothing planned, no reason yet) and returns
 * it to fill in; ascending IRQ order and the counts are the caller's to keep.
 */
AfPlanEntry *af_plan_add_entry(AfPlan *plan, const AfIrq *irq);
/* The entry of one IRQ, or NULL. */
const AfPlanEntry *af_plan_lookup(const AfPlan *plan, guint irq);
/* The plan as a previous placement: every entry's planned CPU (borrowed from the plan). */
AfPlacement *af_plan_placement(const AfPlan *plan);
/* The mask an entry holds: planned ∪ fallback, a new set; NULL for an entry without planned. */
AfCpuSet *af_plan_entry_mask(const AfPlanEntry *entry);
/*
 * The CPU of the entry's fallback set that serves its IRQ now (effective),
 * or -1: the kernel carried a whole mask out onto it (x86 without interrupt
 * remapping, apply.c), and the IRQ moves back to its planned CPU though its
 * mask stays the same.
 */
int af_plan_served_by_fallback(const AfPlanEntry *entry);

/*
 * Checks the plan's invariants (I1-I9 in plan.c) against the inputs it was
 * made from: every movable IRQ has an entry that is move or keep (unless a
 * ban rule, a hold or an empty housekeeping set says skip), every planned
 * mask is non-empty and inside the usable CPUs (or the pin rule's CPUs
 * within them), no CPU carries more than max_irqs_per_cpu planned IRQs, no
 * unmovable or held IRQ is planned to move, keep means planned ∪ fallback
 * equals current (or a move flagged refresh, which only the limits ask
 * for), an aRFS queue IRQ gets a one-CPU mask, fallback CPUs only where
 * allowed and as many as allowed. limits may be NULL. Returns 0, or
 * -EINVAL with the first broken invariant in *ret_message.
 */
int af_plan_check(const AfPlan *plan, const AfSnapshot *snapshot, const AfHousekeeping *hk,
		  const AfPolicy *policy, const AfLimits *limits, char **ret_message);

/* "move", "keep", "skip". */
const char *af_plan_action_to_string(AfAction action);
