/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfApply: puts a plan into the kernel through the sysroot, and takes it
 * back out (restore). Writes only move entries whose mask differs from what
 * the kernel shows right now, records each IRQ's original affinity in the
 * state directory before the first write, classifies each write's errno
 * (lib/outcome.h), learns unmovable IRQs, remembers CPUs whose vectors ran
 * out and backs off per IRQ after unexpected failures. It logs nothing
 * itself: the result says what happened, af_apply_log_result tells it.
 */

#include <glib.h>

#include "outcome.h"
#include "planlimits.h"
#include "planner.h"
#include "snapshot.h"
#include "statedir.h"
#include "sysroot.h"

/*
 * A mask with fallback CPUs is written in two steps: the planned CPU
 * alone (the kernel moves the IRQ there), then the whole mask, which on
 * x86 leaves it there. effective_affinity is read after each. The CPU
 * alone is written only over an affinity the kernel holds that is known
 * to be ours and inside the plan's CPUs; otherwise the whole mask first
 * (x86 without interrupt remapping carries a write out at the IRQ's next
 * interrupt, and an offline of a one-CPU write's CPU meanwhile drops it:
 * the kernel would show its old affinity again, isolated CPUs and all).
 */
typedef enum {
	AF_WIDEN_NONE,	   /* no fallback CPUs, or nothing written */
	AF_WIDEN_DONE,	   /* written whole, still served by its CPU */
	AF_WIDEN_DEFERRED, /* its CPU alone written, the kernel has not moved it yet: widened later
			    */
	AF_WIDEN_MOVED, /* the wide mask moved it: its CPU alone written back, narrow from now on */
	AF_WIDEN_WHOLE, /* the affinity the kernel holds is not known to be ours: the whole mask
			   written first, not carried out yet (no interrupt since); its CPU alone
			   once it is */
} AfWiden;

typedef struct AfApplyItem {
	guint irq;
	char *name;
	char *device;     /* NULL if none */
	AfOutcome outcome;
	int error;        /* the write's negative errno; 0 when written or not tried */
	AfCpuSet *from;   /* what the kernel showed before; NULL unknown */
	AfCpuSet *to;	  /* the mask written or meant to be (planned ∪ fallback) */
	char *reason;     /* the plan's reason; NULL for restores */
	int cpu;	  /* the planned CPU of a mask with fallback CPUs, else -1 */
	AfWiden widen;	  /* what became of the fallback CPUs */
	gboolean refresh; /* written even when unchanged: the aRFS rmap refresh */
	char *interface;  /* the IRQ's network interface, NULL none */
	gboolean repeat;  /* failed as its last write did: told then, not again */
} AfApplyItem;

typedef struct AfApplyResult {
	gboolean restore;  /* from af_apply_restore: items put originals back */
	GPtrArray *items;  /* AfApplyItem*, ascending IRQ: every entry that needed a look */
	guint n_written, n_unchanged, n_refused, n_no_space, n_invalid, n_gone, n_failed,
		n_deferred;
	gboolean replan;   /* a NO_SPACE or INVALID outcome: plan again (with af_apply_full_cpus) */
	guint n_moved_by_widening; /* items AF_WIDEN_MOVED (af_apply_narrow_irqs) */
} AfApplyResult;

typedef struct AfApply AfApply;

/* A new applier writing through sysroot, keeping state in statedir (both borrowed). */
AfApply *af_apply_new(AfSysroot *sysroot, AfStateDir *statedir);
/* Frees; accepts NULL. */
void af_apply_free(AfApply *apply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfApply, af_apply_free)
void af_apply_result_free(AfApplyResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfApplyResult, af_apply_result_free)

/*
 * Applies the plan's move entries; nr_cpu_ids sizes hex masks, now_ms is
 * the monotonic clock for backoff. Skips IRQs learned unmovable. An entry
 * flagged refresh is written even when the kernel shows its mask already
 * (the write is what refreshes the NIC's aRFS rmap). Returns 0 with the
 * result (individual write failures are outcomes, not errors).
 */
int af_apply_plan(AfApply *apply, const AfPlan *plan, guint nr_cpu_ids, gint64 now_ms,
		  AfApplyResult **ret_result);
/*
 * Writes back every kept original affinity that differs from what the
 * kernel shows now, for IRQs of the snapshot with the same name, and
 * forgets the originals that are back (or whose IRQ is gone).
 */
int af_apply_restore(AfApply *apply, const AfSnapshot *snapshot, guint nr_cpu_ids,
		     AfApplyResult **ret_result);
/*
 * CPUs that answered ENOSPC, to take out of the next plan's housekeeping
 * set with af_outcome_exclude_full_cpus. Never NULL.
 */
const AfCpuSet *af_apply_full_cpus(const AfApply *apply);
/*
 * The earliest time after now_ms at which a backed-off IRQ may be tried
 * again; -1 when none waits. (A backoff already over belongs to an IRQ the
 * last plan did not move: nothing to wait for.)
 */
gint64 af_apply_next_retry_ms(const AfApply *apply, gint64 now_ms);
/*
 * IRQs a wider mask moved off their CPU (GUINT_TO_POINTER(irq) set), to
 * give the planner as narrow limits: one-CPU masks for them from now on.
 * Never NULL; kept across af_apply_reset (the IRQ's chip does not change).
 */
GHashTable *af_apply_narrow_irqs(const AfApply *apply);
/* Gives limits every IRQ of af_apply_narrow_irqs (AF_NARROW_MOVED). */
void af_apply_narrow_limits(const AfApply *apply, AfLimits *limits);
/*
 * Widens every IRQ whose one-CPU write (AF_WIDEN_DEFERRED) the kernel has
 * carried out since (served by its CPU): on x86 without interrupt
 * remapping that happens at the IRQ's next interrupt, and until widened its
 * affinity is that CPU alone, which an offline of it would break to every
 * online CPU. Forgets those shown another mask. Returns how many still
 * wait (call again soon while not 0); the number widened in *ret_widened
 * (may be NULL).
 */
guint af_apply_widen_landed(AfApply *apply, guint nr_cpu_ids, guint *ret_widened);
/* Forgets full CPUs and backoffs (after CPU hotplug: vectors moved). */
void af_apply_reset(AfApply *apply);
/*
 * Reads what the kernel shows as an IRQ's requested affinity now (the
 * _list file, or the hex one). -ENOENT when the IRQ is gone.
 */
int af_apply_read_affinity(AfApply *apply, guint irq, AfCpuSet **ret_affinity);
/* Logs each item once, as its outcome deserves. */
void af_apply_log_result(const AfApplyResult *result);
