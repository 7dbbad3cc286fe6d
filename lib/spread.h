/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfSpread: the planner's CPU ranking. Owns per-CPU, per-core and per-cache
 * counters of the IRQs each CPU serves and picks the best CPU of a
 * candidate set in O(log n) amortized, like the kernel's
 * group_cpus_evenly(): emptiest core first, then emptiest last-level cache,
 * then emptiest CPU, then the first hardware thread, then the lowest CPU
 * number. Used only by planner.c.
 */

#include <glib.h>

#include "cpuset.h"
#include "policy.h"
#include "topology.h"

typedef struct AfSpread AfSpread;
typedef struct AfSpreadSet AfSpreadSet;

/*
 * A ranking over CPUs 0..n_cpus-1 (topology may be NULL or partial);
 * cap 0 means no cap; weighted puts each CPU's load first in spread mode.
 */
AfSpread *af_spread_new(const AfTopology *topology, guint n_cpus, AfPlacementMode mode, guint cap,
			gboolean weighted);
/* Frees the ranking and its candidate sets; accepts NULL. */
void af_spread_free(AfSpread *spread);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfSpread, af_spread_free)

/* Counts n_irqs more IRQs carrying load on cpu (CPUs >= n_cpus are ignored). */
void af_spread_charge(AfSpread *spread, guint cpu, guint n_irqs, guint64 load);
/* Takes back a charge; only before the first af_spread_set_new() or after af_spread_end_picks(). */
void af_spread_uncharge(AfSpread *spread, guint cpu, guint n_irqs, guint64 load);
/* No more picks: charges may be taken back again (the rankings are stale from now on). */
void af_spread_end_picks(AfSpread *spread);
/* TRUE when cpu can take n_irqs more IRQs under the cap. */
gboolean af_spread_has_room(const AfSpread *spread, guint cpu, guint n_irqs);
/* The IRQs charged on cpu. */
guint af_spread_count(const AfSpread *spread, guint cpu);
/* The load charged on cpu. */
guint64 af_spread_load(const AfSpread *spread, guint cpu);
/* The dense core index of cpu (a CPU of unknown core is a core of its own). */
guint af_spread_core_of(const AfSpread *spread, guint cpu);

/* A candidate set over cpus, owned by spread (counts only grow from now on). */
AfSpreadSet *af_spread_set_new(AfSpread *spread, const AfCpuSet *cpus);
/*
 * The best CPU of set with room for n_irqs, skipping CPUs whose dense core
 * index + 1 is in avoid_cores (may be NULL), or -1 when none. Does not charge.
 */
int af_spread_pick(AfSpread *spread, AfSpreadSet *set, guint n_irqs, GHashTable *avoid_cores);
