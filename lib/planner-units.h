/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The planner's units and the books kept on them. Owns the types every
 * pass shares (candidate sets, items, units and what was decided for
 * each) and Units: the units, the spread ranking they are charged on, and
 * per device the number of its units, the cores they hold and the cores
 * its next pick avoids. The passes change these counts only through this
 * module, which calls nothing of the planner above it. Not for use outside
 * the planner.
 */

#include <glib.h>

#include "irq.h"
#include "policy.h"
#include "spread.h"

typedef enum {
	CAND_ALL,   /* every housekeeping CPU */
	CAND_NODE,  /* housekeeping CPUs of the device's node */
	CAND_LOCAL, /* housekeeping CPUs among the device's local_cpus */
	CAND_PIN,   /* a pin rule's CPUs within housekeeping (or all of it, warned) */
	CAND_SPILL, /* numa_local=prefer: the device's node and the nearest nodes (tiers) */
} CandKind;

/* The CPUs a unit may go to. */
typedef struct {
	CandKind kind;
	const AfRule *rule;    /* CAND_PIN */
	gboolean pin_fallback; /* CAND_PIN whose CPUs hold no housekeeping CPU */
	AfCpuSet *cpus;
	AfSpreadSet *ranking; /* created at the first pick (pass 4) */
	/* CAND_SPILL: the device's node (-1: none), and the housekeeping CPUs of the nearest
	 * nodes, cumulative (tier 0 its own node's, the last one cpus), with their rankings. */
	int node;
	GPtrArray *tiers;	  /* AfCpuSet* (owned), NULL for other kinds */
	GPtrArray *tier_rankings; /* AfSpreadSet* (the spread's), created at the first pick */
	guint n_cores;	      /* distinct cores of cpus, 0 until counted */
	/* The load pass (pass 5): */
	guint64 min_load;  /* least loaded candidate */
	guint64 floor_gen; /* the load pass's generation min_load was computed at, 0: never */
	/* Evening out (pass 6): */
	gboolean counted; /* share and by_count computed */
	guint share;	  /* IRQs per CPU of the set, mean rounded up */
	GArray *by_count; /* the CPUs as a min-heap: fewest IRQs, then lowest CPU */
} Cand;

/* One IRQ the plan places. */
typedef struct {
	const AfIrq *irq;
	struct AfPlanEntry *entry; /* its plan entry (planner.h): passes 1 and 7 write it */
	const AfRule *rule;	   /* a pin rule, or NULL */
	guint64 weight;
	int current; /* the candidate CPU serving it now, -1 (pass 3) */
	guint n_fallback; /* fallback CPUs its mask may hold (af_plan_fallback_count) */
	int mask_cpu;	  /* the CPU its mask holds it on (af_plan_mask_cpu), -1 */
} Item;

/*
 * What was decided for a unit, set by the pass that decides it; its
 * entries' reasons are written from it alone (planner-write.c).
 */
typedef enum {
	UNIT_UNDECIDED,	 /* not kept in pass 3, and pass 4 has not seen it yet */
	UNIT_KEPT,	 /* pass 3: stays on the CPU serving it now */
	UNIT_PLACED,	 /* pass 4: the best CPU of its candidate set */
	UNIT_WIDENED,	 /* pass 4: its device-local set was full, the best of housekeeping */
	UNIT_CAPPED,	 /* pass 4: every CPU it may use is at the cap: left alone */
	UNIT_REBALANCED, /* pass 5: left a CPU loaded past the hysteresis */
	UNIT_EVENED,	 /* pass 6: left the CPU it was kept on, over its set's share */
	UNIT_PULLED,	 /* after pass 4: kept on a node it spilled to, back on its own */
} UnitDecision;

/* What is placed on one CPU: one IRQ, or the rx and tx queues of one channel. */
typedef struct {
	GPtrArray *items; /* Item*, borrowed */
	Cand *cand;
	const char *device; /* device (or interface) of a queue, for distinct cores */
	guint64 weight;
	guint64 channel_weight; /* its channel's whole weight, kept by the parts of a split */
	guint first_irq;
	int cpu; /* settled on, -1 while not */
	UnitDecision decision;
	int evened_from;      /* UNIT_EVENED: the CPU it left */
	gboolean was_widened; /* UNIT_REBALANCED: it was UNIT_WIDENED before (its reason says so) */
	gboolean arfs;	      /* aRFS queues: distinct cores for the device in pack mode too */
} Unit;

/* The units and the counts kept as they settle and move. */
typedef struct {
	GPtrArray *all;		  /* Unit* (owned), by first IRQ, parts of split units appended */
	AfSpread *spread;	  /* the CPU ranking the units are charged on (borrowed) */
	gboolean distinct_cores;  /* spread mode: queues of a device on distinct cores */
	GHashTable *device_units; /* device -> number of its units */
	GHashTable *device_cores; /* device -> (dense core + 1 -> its units settled there) */
	GHashTable *avoid;	  /* device -> set of (dense core + 1) its next pick avoids */
} Units;

/* Empty books over spread (borrowed); distinct_cores in spread mode. */
void af_units_init(Units *u, AfSpread *spread, gboolean distinct_cores);
/* Frees the units and the books (not the spread). */
void af_units_clear(Units *u);
/* Frees a candidate set (a GDestroyNotify for the planner's table). */
void af_units_free_cand(Cand *cand);

/* A new undecided unit of one item, appended; one more unit of device (NULL: none). */
Unit *af_units_add(Units *u, Item *item, Cand *cand, const char *device);
/*
 * Splits a unit into one unit per item: the first keeps the unit, the
 * others are appended (and inserted into queue after at, when queue is set).
 */
void af_units_split(Units *u, Unit *unit, GPtrArray *queue, guint at);

/* Puts a unit on cpu: charged there, its device's core counted and avoided. */
void af_units_settle(Units *u, Unit *unit, int cpu);
/* Takes a settled unit off its CPU (the caller says where it goes). */
void af_units_unsettle(Units *u, Unit *unit);
/* Takes a settled unit off its CPU and settles it on cpu. */
void af_units_move(Units *u, Unit *unit, int cpu);

/* The distinct cores of cpus in the spread's numbering. */
guint af_units_count_cores(const Units *u, const AfCpuSet *cpus);
/* The distinct cores of a candidate set, counted once. */
guint af_units_cand_cores(const Units *u, Cand *cand);
/* The units of a device (0 for NULL). */
guint af_units_device_count(const Units *u, const char *device);
/* The tier of a CAND_SPILL set holding cpu (0: the device's own node); 0 for other kinds. */
guint af_units_tier_of(const Cand *cand, int cpu);

/* The units of the unit's device settled on a core so far (0 without a device). */
guint af_units_device_on_core(const Units *u, const Unit *unit, guint core);
/* The cores the next pick of the unit's device avoids (NULL: it avoids none). */
GHashTable *af_units_avoid(Units *u, const Unit *unit);
/* Every core of cand holds a queue of the device: avoid only those holding more than the least. */
void af_units_new_round(Units *u, const Unit *unit, const Cand *cand);
/* TRUE when the unit may stay on cpu with its device's units as even over its cores as can be. */
gboolean af_units_may_keep(Units *u, const Unit *unit, int cpu);
/*
 * TRUE when a move puts no more of the unit's device on the target core than it leaves,
 * and, for a spilled set, takes the unit no farther from its node.
 */
gboolean af_units_may_move(const Units *u, const Unit *unit, int from, int to);

/*
 * TRUE when every IRQ of the unit has its mask on cpu (cpu alone, or cpu
 * widened by fallback CPUs: Item.mask_cpu): keeping it costs no move.
 */
gboolean af_units_held_on(const Unit *unit, int cpu);
/* Heaviest first, then by IRQ number (a GCompareFunc on Unit**). */
int af_units_compare_heaviest(gconstpointer a, gconstpointer b);
/*
 * Heaviest channel first, then by IRQ number: the parts of a split channel
 * in the place the whole channel had (a GCompareFunc on Unit**).
 */
int af_units_compare_heaviest_channel(gconstpointer a, gconstpointer b);
