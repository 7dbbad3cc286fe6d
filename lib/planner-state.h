/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The planner's working state, shared by planner.c (the passes) and
 * planner-write.c (entries, reasons and warnings written from the decided
 * units). Not for use outside the planner.
 */

#include <glib.h>

#include "planner.h"
#include "spread.h"

typedef enum {
	CAND_ALL,   /* every housekeeping CPU */
	CAND_NODE,  /* housekeeping CPUs of the device's node */
	CAND_LOCAL, /* housekeeping CPUs among the device's local_cpus */
	CAND_PIN,   /* a pin rule's CPUs within housekeeping (or all of it, warned) */
} CandKind;

typedef struct {
	guint count; /* IRQs on cpu when last looked at */
	guint cpu;
} CountEntry;

typedef struct {
	CandKind kind;
	const AfRule *rule;    /* CAND_PIN */
	gboolean pin_fallback; /* CAND_PIN whose CPUs hold no housekeeping CPU */
	AfCpuSet *cpus;
	AfSpreadSet *ranking; /* created at the first pick */
	guint n_cores;	      /* distinct cores of cpus, 0 until counted */
	guint64 min_load;     /* least loaded candidate (load pass) */
	guint64 floor_gen;    /* the Planner's load_gen min_load was computed at, 0: never */
	/* Evening out (spread mode): */
	gboolean counted; /* share and by_count computed */
	guint share;	  /* IRQs per CPU of the set, mean rounded up */
	GArray *by_count; /* CountEntry min-heap: fewest IRQs, then lowest CPU */
} Cand;

typedef struct {
	const AfIrq *irq;
	AfPlanEntry *entry;
	const AfRule *rule; /* a pin rule, or NULL */
	guint64 weight;
	int current; /* the candidate CPU serving it now, -1 */
} Item;

typedef struct {
	GPtrArray *items; /* Item*, borrowed */
	Cand *cand;
	const char *device; /* device (or interface) of a queue, for distinct cores */
	guint64 weight;
	guint first_irq;
	int cpu;	  /* decided CPU, -1 while undecided */
	gboolean kept;	  /* stays on its current CPU */
	gboolean widened; /* device-local CPUs were full */
	gboolean rebalanced;
	gboolean resplit;  /* a channel split before, split again by hysteresis (pass 3) */
	gboolean in_place; /* evening out: every IRQ's affinity already is cpu (no write) */
	int evened_from;   /* the CPU it left because that carried over its share, -1 */
} Unit;

typedef struct {
	const AfSnapshot *snapshot;
	const AfHousekeeping *hk;
	const AfPolicy *policy;
	AfPlacement *previous;
	AfLoad *load;
	const AfLimits *limits;
	AfCpuSet *housekeeping;
	AfSpread *spread;
	Cand *all;
	GHashTable *cands;	  /* key string -> Cand* (owned) */
	Cand **node_cands;	  /* per topology node, borrowed from cands */
	GPtrArray *items;	  /* Item* (owned) */
	GPtrArray *units;	  /* Unit* (owned), by first IRQ */
	GHashTable *avoid;	  /* device -> set of (dense core + 1) used this round */
	GHashTable *device_cores; /* device -> (dense core + 1 -> units placed there) */
	GHashTable *device_units; /* device -> number of its units */
	AfPlan *plan;
	guint64 threshold; /* the load gap that moves a unit (load pass) */
	guint64 load_gen;  /* bumped by every move after placement, from 1 */
	guint n_cap_skipped;
	guint n_isolated_managed;
} Planner;

/* planner.c: puts a unit on cpu (charged, its device's core counted). */
void af_planner_settle_unit(Planner *p, Unit *unit, int cpu);
/* planner.c: takes a settled unit off its CPU (the caller says where it goes). */
void af_planner_unsettle_unit(Planner *p, Unit *unit);
/* planner.c: the units of the unit's device placed on a core so far. */
guint af_planner_device_on_core(Planner *p, const Unit *unit, guint core);
/* planner.c: TRUE when every IRQ of the unit has exactly cpu as its affinity. */
gboolean af_planner_held_on(const Unit *unit, int cpu);
/* planner.c: heaviest first, then by IRQ number (a GCompareFunc on Unit**). */
int af_planner_compare_units(gconstpointer a, gconstpointer b);
/* planner-balance.c: passes 5 and 6, the load pass and evening out. */
void af_planner_settle_spread(Planner *p);

/* Writes every placed or capped unit's entries and the plan's counts. */
void af_planner_write_entries(Planner *p);
/* Adds the whole-plan warnings (no housekeeping, cap reached, managed on isolated). */
void af_planner_write_warnings(Planner *p);
