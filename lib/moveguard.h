/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfMoveGuard: the daemon's memory of its own writes, deciding whether the
 * next write of one IRQ may happen. Two rules, on times the caller passes
 * in (microseconds, monotonic):
 *
 * - Load moves (the IRQ already sits on housekeeping CPUs and only the
 *   measured load says it should go elsewhere) wait min_move_interval_ms
 *   after the IRQ's last write. Repairs (the IRQ is on an isolated or
 *   offline CPU, the kernel broke its affinity, a new policy) never wait.
 * - Fights: some drivers re-set their own affinity after CPU hotplug
 *   (virtio-net does). Each event window (opened by a hotplug, device or
 *   config event) allows AF_MOVE_GUARD_MAX_WRITES writes of one IRQ: the
 *   repair and one correction after the driver's own write. Past that the
 *   IRQ is left alone until the next window, and the caller warns once.
 *
 * Before each plan, af_move_guard_hold() turns both rules into the plan's
 * limits (held IRQs), so that the planner decides with them and nothing
 * edits its plan afterwards. Pure bookkeeping: no clock, no I/O.
 */

#include <glib.h>

#include "planlimits.h"
#include "planner.h"
#include "snapshot.h"

#define AF_MOVE_GUARD_MAX_WRITES 2u

typedef enum {
	AF_MOVE_REPAIR, /* off isolated/offline CPUs, broken affinity, new policy */
	AF_MOVE_LOAD,   /* a rebalance between housekeeping CPUs */
} AfMoveKind;

typedef enum {
	AF_MOVE_ALLOW,   /* write it */
	AF_MOVE_DEFER,   /* a load move inside the minimum interval: later */
	AF_MOVE_FIGHT,   /* written AF_MOVE_GUARD_MAX_WRITES times this window: stop */
} AfMoveVerdict;

typedef struct AfMoveGuard AfMoveGuard;

AfMoveGuard *af_move_guard_new(guint min_move_interval_ms);
/* Frees; accepts NULL. */
void af_move_guard_free(AfMoveGuard *guard);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfMoveGuard, af_move_guard_free)
/* Changes the minimum interval (reload). */
void af_move_guard_set_interval(AfMoveGuard *guard, guint min_move_interval_ms);
/* Starts a new event window: every IRQ's write count goes back to zero. */
void af_move_guard_open_window(AfMoveGuard *guard);
/* Whether irq may be written now for a move of that kind. */
AfMoveVerdict af_move_guard_check(const AfMoveGuard *guard, guint irq, AfMoveKind kind,
				  gint64 now_us);
/*
 * Records a write of irq at now_us. Returns TRUE when this write reached the
 * window's limit, so the next check says AF_MOVE_FIGHT.
 */
gboolean af_move_guard_record(AfMoveGuard *guard, guint irq, gint64 now_us);
/* Writes of irq in the current window. */
guint af_move_guard_writes(const AfMoveGuard *guard, guint irq);
/* Forgets an IRQ that vanished (its number may be reused). */
void af_move_guard_forget(AfMoveGuard *guard, guint irq);
/*
 * Holds in limits every IRQ of snapshot that may not be written now:
 * written AF_MOVE_GUARD_MAX_WRITES times in this window (AF_HOLD_FIGHT),
 * and, unless repair (the plan answers a hotplug, device, config, link or
 * drift event), every IRQ that any move would be a load move for (it is
 * served inside housekeeping, where previous, the last plan, put it)
 * while its last write is younger than the minimum interval
 * (AF_HOLD_INTERVAL). previous may be NULL.
 */
void af_move_guard_hold(const AfMoveGuard *guard, const AfSnapshot *snapshot,
			const AfCpuSet *housekeeping, AfPlacement *previous, gboolean repair,
			gint64 now_us, AfLimits *limits);
/* "allow", "defer", "fight". */
const char *af_move_guard_verdict_to_string(AfMoveVerdict verdict);
