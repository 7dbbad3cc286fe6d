/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfLimits: what the last writes taught that the next plan must respect,
 * handed to the planner as an input so that the plan it returns is the last
 * word (nothing edits a plan after the planner). Three kinds:
 *
 * - excluded CPUs: their interrupt vectors ran out (a write got ENOSPC), so
 *   no IRQ is placed there anew; IRQs there may be taken off. If every
 *   housekeeping CPU is excluded, none is: a full CPU is better than none.
 * - held IRQs: IRQs the planner must leave where the kernel has them, with
 *   the reason (the minimum interval between load moves is not over,
 *   another writer keeps changing the IRQ). A held IRQ on one CPU inside
 *   housekeeping (with its fallback CPUs, if any) is kept there; otherwise
 *   it is skipped. Never written.
 * - narrow IRQs: IRQs that get one-CPU masks, no fallback CPUs, with the
 *   reason (a widening moved the IRQ off its CPU after all).
 * - IRQs to refresh: aRFS queue IRQs whose affinity CPU hotplug changed on
 *   a kernel that does not tell the NIC's rmap (rmapfix.h): their plan
 *   entry is a move even when the planned mask equals the current one,
 *   since only a write fires the affinity notifier. A held IRQ is not
 *   refreshed.
 *
 * Pure data: no clock, no I/O.
 */

#include <glib.h>

#include "cpuset.h"

typedef enum {
	AF_HOLD_INTERVAL, /* a load move inside min_move_interval_ms of its last write */
	AF_HOLD_FIGHT,	  /* written AF_MOVE_GUARD_MAX_WRITES times in this event window */
} AfHold;

typedef enum {
	AF_NARROW_MOVED, /* a widened mask moved it off its CPU (not x86, remapping quirks) */
} AfNarrow;

typedef struct AfLimits {
	AfCpuSet *excluded; /* CPUs out of vectors; never NULL */
	GHashTable *held;   /* GUINT_TO_POINTER(irq) -> GUINT_TO_POINTER(AfHold + 1) */
	GHashTable *narrow; /* GUINT_TO_POINTER(irq) -> GUINT_TO_POINTER(AfNarrow + 1) */
	GHashTable *refresh; /* set of GUINT_TO_POINTER(irq): written even when unchanged */
} AfLimits;

/* No limits. */
AfLimits *af_limits_new(void);
/* Frees; accepts NULL. */
void af_limits_free(AfLimits *limits);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfLimits, af_limits_free)

/* Adds cpus (may be NULL) to the excluded CPUs. */
void af_limits_exclude(AfLimits *limits, const AfCpuSet *cpus);
/* Holds irq for why; a later hold of the same IRQ replaces the earlier one. */
void af_limits_hold(AfLimits *limits, guint irq, AfHold why);
/* TRUE when limits (may be NULL) holds irq; its reason in *ret_why (may be NULL). */
gboolean af_limits_is_held(const AfLimits *limits, guint irq, AfHold *ret_why);
/* Asks for irq to be written even when its planned mask equals the current one. */
void af_limits_refresh(AfLimits *limits, guint irq);
/* TRUE when limits (may be NULL) asks for irq to be refreshed. */
gboolean af_limits_wants_refresh(const AfLimits *limits, guint irq);
/* The number of IRQs held for why. */
guint af_limits_count_held(const AfLimits *limits, AfHold why);
/*
 * The CPUs IRQs may be placed on: housekeeping within online, minus the
 * excluded CPUs unless that leaves none. limits may be NULL. The one place
 * this set is computed: the planner places in it, the plan checker checks
 * against it.
 */
AfCpuSet *af_limits_usable_cpus(const AfLimits *limits, const AfCpuSet *housekeeping,
				const AfCpuSet *online);
/* The reason a held IRQ's plan entry gives: "held: ...". */
const char *af_limits_hold_reason(AfHold why);
/* Gives irq one-CPU masks for why; a later call for the same IRQ replaces the reason. */
void af_limits_narrow(AfLimits *limits, guint irq, AfNarrow why);
/* TRUE when limits (may be NULL) narrows irq; its reason in *ret_why (may be NULL). */
gboolean af_limits_is_narrow(const AfLimits *limits, guint irq, AfNarrow *ret_why);
/* Why a narrowed IRQ keeps a one-CPU mask, for its plan entry's reason. */
const char *af_limits_narrow_reason(AfNarrow why);
