/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfMetrics: what the daemon counts for Prometheus (moves, writes, writes
 * the kernel refused by errno, replans, the hotplug reaction times as a
 * histogram), and the text exposition format (version 0.0.4) of those
 * counters together with the gauges of the last plan (IRQs per CPU,
 * managed IRQs served by isolated CPUs, the CPU sets' sizes). Pure: the
 * daemon feeds it numbers and writes the text (daemon/metrics.c).
 */

#include <glib.h>

#include "housekeeping.h"
#include "planner.h"

/* Upper bounds (seconds) of the hotplug reaction histogram; +Inf follows. */
#define AF_METRICS_HOTPLUG_BUCKETS 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0
#define AF_METRICS_N_HOTPLUG_BUCKETS 10

typedef struct AfMetrics {
	guint64 replans;     /* plans computed */
	guint64 moves;	     /* plan entries that moved an IRQ (action move) */
	guint64 writes;	     /* smp_affinity writes the kernel took */
	GHashTable *refused; /* errno (GINT_TO_POINTER, positive; 0 read-only) -> guint64* */
	guint64 hotplug_buckets[AF_METRICS_N_HOTPLUG_BUCKETS]; /* cumulative, as exposed */
	guint64 hotplug_count;
	double hotplug_sum; /* seconds */
} AfMetrics;

/* All counters zero. */
AfMetrics *af_metrics_new(void);
/* Frees; accepts NULL. */
void af_metrics_free(AfMetrics *metrics);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfMetrics, af_metrics_free)

/* Counts one replan and its plan's moves. */
void af_metrics_count_plan(AfMetrics *metrics, const AfPlan *plan);
/* Counts one write the kernel took. */
void af_metrics_count_written(AfMetrics *metrics);
/*
 * Counts one write the kernel refused with the negative errno r; 0 for one
 * not tried because the kernel shows the file read-only.
 */
void af_metrics_count_refused(AfMetrics *metrics, int r);
/* Adds one hotplug reaction time (seconds, from the event to its replan's last write). */
void af_metrics_observe_hotplug(AfMetrics *metrics, double seconds);
/* "EIO" for 5 (positive errno); "read_only" for 0; "errno_N" for one this module does not name. */
char *af_metrics_errno_name(int error);

/*
 * The exposition text: every counter (refused writes with an errno label),
 * the histogram, and the gauges of plan and hk (IRQs per online CPU, the
 * managed IRQs whose serving CPUs include an isolated one, the sizes of the
 * online, isolated and housekeeping sets). plan and hk may be NULL (before
 * the first plan): no gauges. Ends with a newline.
 */
char *af_metrics_format(const AfMetrics *metrics, const AfPlan *plan, const AfHousekeeping *hk);
