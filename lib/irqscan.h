/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The daemon's periodic look at the IRQs, kept cheap: which IRQs there are
 * and how many interrupts each served, and the difference between two
 * looks (which IRQs appeared or vanished, how many interrupts each served
 * in between). Per-IRQ totals come from the intr line of /proc/stat
 * (O(IRQs)) with the IRQs listed by /proc/irq and the columns from
 * cpu/online; a tree without /proc/stat (a capture) is read from
 * /proc/interrupts (the one parser, interrupts.h, streamed: O(IRQs x CPUs)
 * to print and parse, nothing kept per row). Nothing here needs per-CPU
 * columns: a CPU's load is its IRQs' rates, each IRQ counted on the CPU
 * the last look saw serve it (af_irqscan_cpu_rates).
 */

#include <glib.h>

#include "cpuset.h"
#include "snapshot.h"
#include "sysroot.h"

typedef struct AfIrqCount {
	guint irq;
	guint64 total; /* since boot: over every CPU (/proc/stat), or the online columns */
} AfIrqCount;

typedef enum {
	AF_IRQSCAN_PROC_STAT,	    /* /proc/stat intr, /proc/irq, cpu/online */
	AF_IRQSCAN_PROC_INTERRUPTS, /* /proc/interrupts */
} AfIrqScanSource;

typedef struct AfIrqSample {
	GArray *irqs;	   /* AfIrqCount, ascending IRQ number */
	AfCpuSet *columns; /* the online CPUs (the header's CPUs, or cpu/online) */
	AfIrqScanSource source;
} AfIrqSample;

typedef struct AfIrqDelta {
	GArray *added;    /* guint IRQ numbers present now, absent before */
	GArray *removed;  /* guint IRQ numbers present before, absent now */
	GArray *counts;   /* AfIrqCount: interrupts per IRQ since the old sample */
	gboolean measured; /* FALSE: the CPU columns changed, counts are all zero */
} AfIrqDelta;

/*
 * Reduces /proc/interrupts text, parsed by af_interrupts_parse_each() under
 * its rule (interrupts.h: a short row counts 0 for its missing columns),
 * to per-IRQ totals over the header's CPUs (from AF_CPU_MAX on dropped).
 * Returns -EINVAL when the header is missing.
 */
int af_irqscan_parse(const char *text, AfIrqSample **ret_sample);
/*
 * One look at the machine under sysroot: /proc/stat's intr line when it
 * has one, else /proc/interrupts streamed. On failure *ret_failed (may be
 * NULL) is the file that failed ("/proc/interrupts", "/proc/irq", ...).
 */
int af_irqscan_read(AfSysroot *sysroot, AfIrqSample **ret_sample, const char **ret_failed);
void af_irqscan_sample_free(AfIrqSample *sample);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfIrqSample, af_irqscan_sample_free)

/*
 * The change from old to new. A count that went down means the IRQ number
 * was freed and reused: the delta is the new value, never a wrap-around.
 * When a CPU went offline or online between two /proc/interrupts samples,
 * its column vanished or came back with its whole history, so totals cannot
 * be compared: measured is FALSE and every count is zero (added and removed
 * are still right). /proc/stat's totals span every CPU: always measured.
 */
AfIrqDelta *af_irqscan_diff(const AfIrqSample *old_sample, const AfIrqSample *new_sample);
void af_irqscan_delta_free(AfIrqDelta *delta);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfIrqDelta, af_irqscan_delta_free)
/* TRUE when IRQs appeared or vanished. */
gboolean af_irqscan_delta_changed_set(const AfIrqDelta *delta);
/*
 * Interrupts per second per CPU over elapsed_us: each movable IRQ's count
 * of delta on the first CPU snapshot shows serving it (effective, else its
 * mask); IRQs the planner does not place (managed, per-CPU, unknown to the
 * snapshot) count nowhere. *ret_n_cpus is the length (snapshot's nr_cpu_ids,
 * at least 1).
 */
guint64 *af_irqscan_cpu_rates(const AfIrqDelta *delta, const AfSnapshot *snapshot,
			      gint64 elapsed_us, guint *ret_n_cpus);

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
