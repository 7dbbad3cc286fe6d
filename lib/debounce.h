/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfDebounce: turns a burst of events into one replan. Pure bookkeeping on
 * times the caller passes in (microseconds, any monotonic origin): no timer,
 * no clock. The daemon marks each event with what changed, arms one timer
 * for af_debounce_deadline_us() and, when it fires, takes the accumulated
 * reasons with af_debounce_take().
 *
 * Invariants: an ordinary event pushes the deadline to now + delay (a
 * trailing debounce, so a burst settles first), but never beyond the first
 * pending event + AF_DEBOUNCE_MAX_FACTOR × delay (a steady trickle cannot
 * starve the replan). An urgent event (a CPU went offline: the kernel may
 * have put IRQs on isolated CPUs) does not wait out the delay: it fixes the
 * deadline at no later than its own time + AF_DEBOUNCE_URGENT_US (enough to
 * take the uevents of the same hotplug together; each further CPU's offline
 * takes the kernel far longer), and later events never push it back.
 */

#include <glib.h>

#include "events.h"

/* An ordinary event never waits longer than this many debounce delays. */
#define AF_DEBOUNCE_MAX_FACTOR 5
/* An urgent event waits at most this long (or the delay, if shorter). */
#define AF_DEBOUNCE_URGENT_US 1000

typedef struct AfDebounce {
	gint64 delay_us;
	AfEventFlags pending;  /* 0: nothing scheduled */
	gint64 first_us;       /* time of the first pending event */
	gint64 deadline_us;    /* when the replan is due */
	gboolean urgent;       /* deadline fixed by an urgent event */
} AfDebounce;

/* Resets to nothing pending, with delay_ms between the last event and the replan. */
void af_debounce_init(AfDebounce *debounce, guint delay_ms);
/* Changes the delay (reload); a pending deadline is kept. */
void af_debounce_set_delay(AfDebounce *debounce, guint delay_ms);
/* TRUE when flags makes the event urgent (it holds AF_EVENT_CPU_OFFLINE). */
gboolean af_debounce_is_urgent(AfEventFlags flags);
/*
 * Records an event at now_us. Returns TRUE when the deadline changed, so
 * the caller must (re)arm its timer for af_debounce_deadline_us().
 */
gboolean af_debounce_mark(AfDebounce *debounce, AfEventFlags flags, gint64 now_us);
/* TRUE while an event waits for its replan. */
gboolean af_debounce_pending(const AfDebounce *debounce);
/* When the pending replan is due; only meaningful while pending. */
gint64 af_debounce_deadline_us(const AfDebounce *debounce);
/*
 * When the replan is due at now_us: returns TRUE, stores every flag marked
 * since the last take in *ret_flags and clears them. FALSE (nothing
 * written) when nothing is pending or it is too early.
 */
gboolean af_debounce_take(AfDebounce *debounce, gint64 now_us, AfEventFlags *ret_flags);
