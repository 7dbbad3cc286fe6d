/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The daemon's periodic look at /proc/interrupts, kept cheap: the rows of
 * the one parser (interrupts.h, streamed, nothing kept per row) reduced to
 * per-IRQ and per-CPU totals (numbered IRQ rows only; the architecture rows
 * NMI, LOC, ... are not device IRQs), and the difference between two
 * looks: which IRQs appeared or vanished and how many interrupts each IRQ
 * and each CPU served in between. Pure: text in, numbers out.
 */

#include <glib.h>

#include "cpuset.h"

typedef struct AfIrqCount {
	guint irq;
	guint64 total; /* summed over the online CPUs' columns */
} AfIrqCount;

typedef struct AfIrqSample {
	GArray *irqs;       /* AfIrqCount, ascending IRQ number */
	AfCpuSet *columns;  /* the CPUs the header names (the online ones) */
	guint n_cpus;       /* length of cpu_totals: highest CPU in the header + 1 */
	guint64 *cpu_totals; /* interrupts per CPU number over all numbered rows */
} AfIrqSample;

typedef struct AfIrqDelta {
	GArray *added;    /* guint IRQ numbers present now, absent before */
	GArray *removed;  /* guint IRQ numbers present before, absent now */
	GArray *counts;   /* AfIrqCount: interrupts per IRQ since the old sample */
	gboolean measured;   /* FALSE: the CPU columns changed, counts are all zero */
	guint n_cpus;
	guint64 *cpu_counts; /* interrupts per CPU since the old sample */
} AfIrqDelta;

/*
 * Reduces /proc/interrupts text, parsed by af_interrupts_parse_each() under
 * its rule (interrupts.h: a short row counts 0 for its missing columns),
 * to per-IRQ and per-CPU totals. Columns are mapped by the header's CPU
 * names (an offline CPU has no column; CPUs from AF_CPU_MAX on are
 * dropped). Returns -EINVAL when the header is missing.
 */
int af_irqscan_parse(const char *text, AfIrqSample **ret_sample);
void af_irqscan_sample_free(AfIrqSample *sample);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfIrqSample, af_irqscan_sample_free)

/*
 * The change from old to new. A count that went down means the IRQ number
 * was freed and reused: the delta is the new value, never a wrap-around.
 * When a CPU went offline or online between the samples, its column
 * vanished or came back with its whole history, so totals cannot be
 * compared: measured is FALSE and every count is zero (added and removed
 * are still right).
 */
AfIrqDelta *af_irqscan_diff(const AfIrqSample *old_sample, const AfIrqSample *new_sample);
void af_irqscan_delta_free(AfIrqDelta *delta);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfIrqDelta, af_irqscan_delta_free)
/* TRUE when IRQs appeared or vanished. */
gboolean af_irqscan_delta_changed_set(const AfIrqDelta *delta);

/*
 * TRUE when the per-CPU distribution of interrupts moved by more than
 * percent points on some CPU (its share of all interrupts then vs now).
 * No interrupts in either interval means no shift; a CPU missing from one
 * side counts as zero there.
 */
gboolean af_irqscan_load_shifted(const guint64 *then, guint n_then, const guint64 *now,
				 guint n_now, guint percent);

/*
 * Whether the scans could read /proc/interrupts, so that a failure is told
 * once and the recovery once, not at every scan. Zeroed: reading.
 */
typedef struct AfIrqScanHealth {
	gboolean failing;
} AfIrqScanHealth;

typedef enum {
	AF_IRQSCAN_NEWS_NONE,	   /* as the scan before (or a first scan that read) */
	AF_IRQSCAN_NEWS_FAILING,   /* the first failure since the start or a success */
	AF_IRQSCAN_NEWS_RECOVERED, /* the first success after failures */
} AfIrqScanNews;

/* Notes one scan's result (0 or a negative errno) and says what is new about it. */
AfIrqScanNews af_irqscan_health_note(AfIrqScanHealth *health, int r);
