/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The daemon's seam to the machine: apply a plan, restore the originals.
 * daemon/apply.c (errno classification, learned unmovable IRQs, originals
 * kept in the state directory) is the real implementation; until it is on
 * main this file's effects.c is a minimal one that writes smp_affinity
 * through the sysroot and keeps originals in memory. Switching over
 * touches effects.c only.
 */

#include "context.h"

typedef struct AfApplyOutcome {
	guint written;       /* writes that succeeded */
	guint failed;        /* writes that failed (logged) */
	gboolean replan;     /* a write said EINVAL: the CPUs changed under us */
} AfApplyOutcome;

/*
 * Writes every AF_ACTION_MOVE entry of plan; records each successful write
 * in daemon->guard at now_us. Per-IRQ failures are logged, not returned.
 */
void af_effects_apply(AfDaemon *daemon, const AfPlan *plan, gint64 now_us,
		      AfApplyOutcome *ret_outcome);
/* Puts back every affinity as it was before the daemon first wrote it. */
void af_effects_restore(AfDaemon *daemon);
/* Frees what the effects keep in the context. */
void af_effects_clear(AfDaemon *daemon);
