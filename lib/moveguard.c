/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "moveguard.h"

typedef struct IrqRecord {
	gint64 last_write_us;
	guint window_writes;
} IrqRecord;

struct AfMoveGuard {
	gint64 min_interval_us;
	GHashTable *records; /* GUINT_TO_POINTER(irq) -> IrqRecord* */
};

AfMoveGuard *af_move_guard_new(guint min_move_interval_ms)
{
	AfMoveGuard *guard = g_new0(AfMoveGuard, 1);

	guard->min_interval_us = (gint64)min_move_interval_ms * 1000;
	guard->records = g_hash_table_new_full(NULL, NULL, NULL, g_free);
	return guard;
}

void af_move_guard_free(AfMoveGuard *guard)
{
	if (!guard)
		return;
	g_hash_table_unref(guard->records);
	g_free(guard);
}

void af_move_guard_set_interval(AfMoveGuard *guard, guint min_move_interval_ms)
{
	guard->min_interval_us = (gint64)min_move_interval_ms * 1000;
}

void af_move_guard_open_window(AfMoveGuard *guard)
{
	GHashTableIter iter;
	IrqRecord *record;

	g_hash_table_iter_init(&iter, guard->records);
	while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&record))
		record->window_writes = 0;
}

AfMoveVerdict af_move_guard_check(const AfMoveGuard *guard, guint irq, AfMoveKind kind,
				  gint64 now_us)
{
	const IrqRecord *record = g_hash_table_lookup(guard->records, GUINT_TO_POINTER(irq));

	if (!record)
		return AF_MOVE_ALLOW;
	if (record->window_writes >= AF_MOVE_GUARD_MAX_WRITES)
		return AF_MOVE_FIGHT;
	switch (kind) {
	case AF_MOVE_REPAIR:
		return AF_MOVE_ALLOW;
	case AF_MOVE_LOAD:
		if (now_us - record->last_write_us < guard->min_interval_us)
			return AF_MOVE_DEFER;
		return AF_MOVE_ALLOW;
	}
	g_assert_not_reached();
}

gboolean af_move_guard_record(AfMoveGuard *guard, guint irq, gint64 now_us)
{
	IrqRecord *record = g_hash_table_lookup(guard->records, GUINT_TO_POINTER(irq));

	if (!record) {
		record = g_new0(IrqRecord, 1);
		g_hash_table_insert(guard->records, GUINT_TO_POINTER(irq), record);
	}
	record->last_write_us = now_us;
	record->window_writes++;
	return record->window_writes == AF_MOVE_GUARD_MAX_WRITES;
}

guint af_move_guard_writes(const AfMoveGuard *guard, guint irq)
{
	const IrqRecord *record = g_hash_table_lookup(guard->records, GUINT_TO_POINTER(irq));

	return record ? record->window_writes : 0;
}

void af_move_guard_forget(AfMoveGuard *guard, guint irq)
{
	g_hash_table_remove(guard->records, GUINT_TO_POINTER(irq));
}

/* What a move of irq would be: a repair unless it only shifts load between housekeeping CPUs. */
static AfMoveKind kind_of(const AfIrq *irq, const AfCpuSet *housekeeping, AfPlacement *previous,
			  gboolean repair)
{
	const AfCpuSet *serving = af_irq_serving_cpus(irq);

	if (repair || !previous || !g_hash_table_contains(previous, GUINT_TO_POINTER(irq->irq)))
		return AF_MOVE_REPAIR; /* the event asks for it, or a first placement */
	if (!serving || !af_cpuset_is_subset(serving, housekeeping))
		return AF_MOVE_REPAIR; /* on an isolated or offline CPU */
	return AF_MOVE_LOAD;
}

void af_move_guard_hold(const AfMoveGuard *guard, const AfSnapshot *snapshot,
			const AfCpuSet *housekeeping, AfPlacement *previous, gboolean repair,
			gint64 now_us, AfLimits *limits)
{
	for (guint i = 0; i < snapshot->irqs->len; i++) {
		const AfIrq *irq = snapshot->irqs->pdata[i];
		AfMoveKind kind;

		if (!g_hash_table_contains(guard->records, GUINT_TO_POINTER(irq->irq)) ||
		    !af_irq_is_movable(irq))
			continue;
		kind = kind_of(irq, housekeeping, previous, repair);
		switch (af_move_guard_check(guard, irq->irq, kind, now_us)) {
		case AF_MOVE_ALLOW:
			break;
		case AF_MOVE_DEFER:
			af_limits_hold(limits, irq->irq, AF_HOLD_INTERVAL);
			break;
		case AF_MOVE_FIGHT:
			af_limits_hold(limits, irq->irq, AF_HOLD_FIGHT);
			break;
		}
	}
}

const char *af_move_guard_verdict_to_string(AfMoveVerdict verdict)
{
	switch (verdict) {
	case AF_MOVE_ALLOW:
		return "allow";
	case AF_MOVE_DEFER:
		return "defer";
	case AF_MOVE_FIGHT:
		return "fight";
	}
	g_assert_not_reached();
}
