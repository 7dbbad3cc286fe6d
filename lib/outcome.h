/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Outcomes of affinity writes: what a write's errno means for affinityd
 * (KERNEL.md "Write errors"), whether a plan entry needs a write at all,
 * and the per-IRQ exponential backoff after unexpected failures. (CPUs
 * whose vectors ran out go to the next plan as limits: lib/limits.h.) Pure:
 * the clock comes in as now_ms. The daemon's apply.c is the stateful twin.
 */

#include <glib.h>

#include "cpuset.h"
#include "planner.h"

typedef enum {
	AF_OUTCOME_WRITTEN,   /* the kernel took the planned mask */
	AF_OUTCOME_UNCHANGED, /* the kernel already showed the planned mask: nothing written */
	AF_OUTCOME_REFUSED,   /* EIO/EPERM or a read-only file: unmovable, learned, never retried */
	AF_OUTCOME_NO_SPACE,  /* ENOSPC: the target CPUs' vectors are full: replan without them */
	AF_OUTCOME_INVALID,   /* EINVAL: no online CPU in the mask: replan */
	AF_OUTCOME_GONE,      /* ENOENT: the IRQ vanished: drop it */
	AF_OUTCOME_FAILED,    /* anything else: logged, backed off for this IRQ */
	AF_OUTCOME_DEFERRED,  /* not tried: backing off, or its CPUs are known full */
} AfOutcome;

#define AF_BACKOFF_FIRST_MS 1000u        /* delay after the first failure */
#define AF_BACKOFF_MAX_MS (300u * 1000u) /* the delay doubles up to this */

/* Per-IRQ backoff after FAILED outcomes. Zeroed means "no failure yet". */
typedef struct AfBackoff {
	guint failures;     /* consecutive failed writes */
	gint64 retry_at_ms; /* no write before this time */
} AfBackoff;

/* The outcome of a write that returned r (0 or a negative errno). */
AfOutcome af_outcome_from_errno(int r);
/* TRUE for outcomes that ask for a new plan (NO_SPACE, INVALID). */
gboolean af_outcome_needs_replan(AfOutcome outcome);
/* "written", "unchanged", "refused", "no-space", "invalid", "gone", "failed", "deferred". */
const char *af_outcome_to_string(AfOutcome outcome);

/*
 * TRUE when an entry must be written: its action is move, its planned mask
 * is not empty and differs from current, what the kernel shows right now
 * (NULL when unknown, which needs a write).
 */
gboolean af_outcome_needs_write(AfAction action, const AfCpuSet *planned, const AfCpuSet *current);

/* The delay after the given number of consecutive failures (0 for none). */
guint af_outcome_backoff_delay_ms(guint failures);
/* Counts one more failure at now_ms and sets the next retry time. */
void af_outcome_backoff_record_failure(AfBackoff *backoff, gint64 now_ms);
/* TRUE when a write may be tried at now_ms. */
gboolean af_outcome_backoff_is_ready(const AfBackoff *backoff, gint64 now_ms);
