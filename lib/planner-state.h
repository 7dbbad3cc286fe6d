/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The planner's working state: what af_plan_compute() (planner.c) hands
 * each pass. Its inputs, the candidate sets, the items, the units with
 * their books (planner-units.h) and the plan being written. Not for use
 * outside the planner.
 */

#include <glib.h>

#include "planner-units.h"
#include "planner.h"

typedef struct {
	const AfSnapshot *snapshot;
	const AfHousekeeping *hk;
	const AfPolicy *policy;
	AfPlacement *previous;
	AfLoad *load;
	const AfLimits *limits;
	AfCpuSet *housekeeping; /* usable: af_plan_usable_housekeeping() */
	GHashTable *cands;	/* key string -> Cand* (owned) */
	Cand *all;		/* every housekeeping CPU, borrowed from cands */
	Cand **node_cands;	/* per topology node, borrowed from cands */
	GPtrArray *items;	/* Item* (owned), by IRQ number */
	Units units;
	AfPlan *plan;
	guint n_isolated_managed; /* kernel-managed IRQs served by isolated CPUs */
} Planner;
