/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "apply-private.h"

AfApply *af_apply_new(AfSysroot *sysroot, AfStateDir *statedir)
{
	AfApply *apply = g_new0(AfApply, 1);

	apply->sysroot = sysroot;
	apply->statedir = statedir;
	apply->backoff = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	apply->full_cpus = af_cpuset_new();
	apply->told = g_hash_table_new(g_direct_hash, g_direct_equal);
	apply->narrow = g_hash_table_new(g_direct_hash, g_direct_equal);
	apply->known = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
					     (GDestroyNotify)known_free);
	apply->usable = af_cpuset_new();
	apply->waiting = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
					       (GDestroyNotify)waiting_free);
	return apply;
}

void af_apply_free(AfApply *apply)
{
	if (!apply)
		return;
	g_hash_table_unref(apply->backoff);
	g_hash_table_unref(apply->told);
	af_cpuset_free(apply->full_cpus);
	g_hash_table_unref(apply->narrow);
	g_hash_table_unref(apply->known);
	af_cpuset_free(apply->usable);
	g_hash_table_unref(apply->waiting);
	g_free(apply);
}

static void item_free(AfApplyItem *item)
{
	if (!item)
		return;
	g_free(item->name);
	g_free(item->device);
	af_cpuset_free(item->from);
	af_cpuset_free(item->to);
	g_free(item->reason);
	g_free(item->interface);
	g_free(item);
}

static void pending_clear(Pending *pending)
{
	g_free(pending->path);
}

static AfApplyResult *result_new(gboolean restore)
{
	AfApplyResult *result = g_new0(AfApplyResult, 1);

	result->restore = restore;
	result->items = g_ptr_array_new_with_free_func((GDestroyNotify)item_free);
	return result;
}

void af_apply_result_free(AfApplyResult *result)
{
	if (!result)
		return;
	g_ptr_array_unref(result->items);
	g_free(result);
}

const AfCpuSet *af_apply_full_cpus(const AfApply *apply)
{
	return apply->full_cpus;
}

gint64 af_apply_next_retry_ms(const AfApply *apply, gint64 now_ms)
{
	GHashTableIter iter;
	gpointer value;
	gint64 next = -1;

	g_hash_table_iter_init(&iter, apply->backoff);
	while (g_hash_table_iter_next(&iter, NULL, &value)) {
		const AfBackoff *backoff = value;

		if (backoff->retry_at_ms > now_ms && (next < 0 || backoff->retry_at_ms < next))
			next = backoff->retry_at_ms;
	}
	return next;
}

GHashTable *af_apply_narrow_irqs(const AfApply *apply)
{
	return apply->narrow;
}

void af_apply_narrow_limits(const AfApply *apply, AfLimits *limits)
{
	GHashTableIter iter;
	gpointer key;

	g_hash_table_iter_init(&iter, apply->narrow);
	while (g_hash_table_iter_next(&iter, &key, NULL))
		af_limits_narrow(limits, GPOINTER_TO_UINT(key), AF_NARROW_MOVED);
}

void af_apply_reset(AfApply *apply)
{
	af_cpuset_clear(apply->full_cpus);
	g_hash_table_remove_all(apply->backoff);
}

static void count_outcome(AfApplyResult *result, AfOutcome outcome)
{
	switch (outcome) {
	case AF_OUTCOME_WRITTEN:
		result->n_written++;
		break;
	case AF_OUTCOME_UNCHANGED:
		result->n_unchanged++;
		break;
	case AF_OUTCOME_REFUSED:
		result->n_refused++;
		break;
	case AF_OUTCOME_NO_SPACE:
		result->n_no_space++;
		break;
	case AF_OUTCOME_INVALID:
		result->n_invalid++;
		break;
	case AF_OUTCOME_GONE:
		result->n_gone++;
		break;
	case AF_OUTCOME_FAILED:
		result->n_failed++;
		break;
	case AF_OUTCOME_DEFERRED:
		result->n_deferred++;
		break;
	}
	if (af_outcome_needs_replan(outcome))
		result->replan = TRUE;
}

static AfApplyItem *item_new(guint irq, const char *name, const char *device, const AfCpuSet *to,
			     const char *reason)
{
	AfApplyItem *item = g_new0(AfApplyItem, 1);

	item->irq = irq;
	item->name = g_strdup(name ? name : "");
	item->device = g_strdup(device);
	item->to = af_cpuset_copy(to);
	item->reason = g_strdup(reason);
	item->cpu = -1;
	return item;
}

/*
 * Looks at what the kernel shows now and decides whether the item needs a
 * write (returns TRUE and fills pending) or already has its outcome.
 */
static gboolean prepare_write(AfApply *apply, AfApplyItem *item, AfAction action, Pending *pending)
{
	g_autofree char *path = NULL;
	gboolean hex;

	if (read_affinity(apply, item->irq, &item->from, &path, &hex) < 0) {
		item->outcome = AF_OUTCOME_GONE;
		item->error = -ENOENT;
		return FALSE;
	}
	if (!item->refresh && !af_outcome_needs_write(action, item->to, item->from) &&
	    !on_fallback(apply, item)) {
		item->outcome = AF_OUTCOME_UNCHANGED;
		return FALSE;
	}
	if (!item->refresh && move_is_pending(apply, item)) {
		item->outcome = AF_OUTCOME_UNCHANGED;
		item->widen = af_cpuset_count(item->from) == 1 ? AF_WIDEN_DEFERRED : AF_WIDEN_WHOLE;
		if (!g_hash_table_contains(apply->waiting, GUINT_TO_POINTER(item->irq)))
			waiting_add(apply, item, item->from);
		return FALSE;
	}
	if (is_read_only(apply, path)) {
		item->outcome = AF_OUTCOME_REFUSED;
		return FALSE;
	}
	pending->item = item;
	pending->path = g_steal_pointer(&path);
	pending->hex = hex;
	return TRUE;
}

static int write_mask(AfApply *apply, const Pending *pending, guint nr_cpu_ids)
{
	g_hash_table_remove(apply->waiting, GUINT_TO_POINTER(pending->item->irq));
	if (pending->item->cpu >= 0)
		return write_widened(apply, pending, nr_cpu_ids);
	/* A mask without fallback CPUs: nothing of a wider one is ours to take up. */
	known_forget(apply, pending->item->irq);
	return write_set(apply, pending, pending->item->to, nr_cpu_ids);
}

/* Updates learned state, full CPUs and backoff after an item's outcome. */
static gboolean learn_from(AfApply *apply, const AfApplyItem *item, gint64 now_ms)
{
	AfState *state = apply->statedir->state;
	gpointer key = GUINT_TO_POINTER(item->irq);
	AfBackoff *backoff;

	switch (item->outcome) {
	case AF_OUTCOME_GONE:
		known_forget(apply, item->irq);
		g_hash_table_remove(apply->waiting, key);
		g_hash_table_remove(apply->backoff, key);
		return FALSE;
	case AF_OUTCOME_WRITTEN:
	case AF_OUTCOME_UNCHANGED:
		g_hash_table_remove(apply->backoff, key);
		return FALSE;
	case AF_OUTCOME_REFUSED:
		/* Never written, so nothing of ours to restore. */
		af_state_forget_original(state, item->irq);
		return af_state_learn_unmovable(state, item->irq, item->name);
	case AF_OUTCOME_NO_SPACE:
		/* Every CPU of the mask was tried by the kernel and had no vector. */
		af_cpuset_or(apply->full_cpus, item->to);
		return FALSE;
	case AF_OUTCOME_FAILED:
		backoff = g_hash_table_lookup(apply->backoff, key);
		if (!backoff) {
			backoff = g_new0(AfBackoff, 1);
			g_hash_table_insert(apply->backoff, key, backoff);
		}
		af_outcome_backoff_record_failure(backoff, now_ms);
		return FALSE;
	case AF_OUTCOME_INVALID:
	case AF_OUTCOME_DEFERRED:
		return FALSE;
	}
	g_assert_not_reached();
}

static gint compare_repair_first(gconstpointer a, gconstpointer b)
{
	const Pending *pa = a, *pb = b;

	return (int)pb->repair - (int)pa->repair;
}

/*
 * The common path of apply and restore: prepare every item, save the
 * originals before the first write (so a crash after it still knows them),
 * write, classify, learn, save again when something was learned. With
 * placed (the CPUs the plan puts IRQs on), the IRQs sitting outside it (on
 * a CPU just gone offline or isolated) are written before the plan's other
 * moves, in IRQ order within each group: they are what a hotplug is timed by.
 */
/*
 * A write that fails again as it failed the last time was told then: the
 * item is a repeat, logged at debug level only. A written, unchanged or
 * gone IRQ starts afresh.
 */
static void note_told(AfApply *apply, AfApplyItem *item)
{
	gpointer key = GUINT_TO_POINTER(item->irq);

	switch (item->outcome) {
	case AF_OUTCOME_NO_SPACE:
	case AF_OUTCOME_INVALID:
	case AF_OUTCOME_FAILED:
		item->repeat = GPOINTER_TO_INT(g_hash_table_lookup(apply->told, key)) == item->error;
		g_hash_table_insert(apply->told, key, GINT_TO_POINTER(item->error));
		break;
	case AF_OUTCOME_WRITTEN:
	case AF_OUTCOME_UNCHANGED:
	case AF_OUTCOME_GONE:
	case AF_OUTCOME_REFUSED:
		g_hash_table_remove(apply->told, key);
		break;
	case AF_OUTCOME_DEFERRED:
		break;
	}
}

static void run_items(AfApply *apply, AfApplyResult *result, const AfCpuSet *placed,
		      gboolean record_originals, guint nr_cpu_ids, gint64 now_ms)
{
	g_autoptr(GArray) pendings = g_array_new(FALSE, TRUE, sizeof(Pending));
	AfState *state = apply->statedir->state;
	gboolean dirty = FALSE;

	g_array_set_clear_func(pendings, (GDestroyNotify)pending_clear);
	for (guint i = 0; i < result->items->len; i++) {
		AfApplyItem *item = result->items->pdata[i];
		Pending pending = {0};

		if (item->outcome == AF_OUTCOME_DEFERRED)
			continue;
		if (!prepare_write(apply, item, AF_ACTION_MOVE, &pending))
			continue;
		if (record_originals && item->from &&
		    af_state_remember_original(state, item->irq, item->name, item->from))
			dirty = TRUE;
		pending.repair = placed && item->from && !af_cpuset_is_subset(item->from, placed);
		g_array_append_val(pendings, pending);
	}
	/* g_array_sort() is stable: IRQ order stays within each group. */
	g_array_sort(pendings, compare_repair_first);
	if (dirty)
		af_statedir_save(apply->statedir);
	dirty = FALSE;
	for (guint i = 0; i < pendings->len; i++) {
		const Pending *pending = &g_array_index(pendings, Pending, i);
		int r = write_mask(apply, pending, nr_cpu_ids);

		pending->item->error = r;
		pending->item->outcome = af_outcome_from_errno(r);
	}
	for (guint i = 0; i < result->items->len; i++) {
		AfApplyItem *item = result->items->pdata[i];

		result->n_moved_by_widening += item->widen == AF_WIDEN_MOVED;
		count_outcome(result, item->outcome);
		note_told(apply, item);
		if (learn_from(apply, item, now_ms))
			dirty = TRUE;
	}
	if (dirty)
		af_statedir_save(apply->statedir);
	else if (apply->placed_dirty)
		af_statedir_save_placed(apply->statedir);
	apply->placed_dirty = FALSE;
}

/*
 * A kept IRQ whose whole mask, written by an earlier process (the state's
 * placed file), still waits for its interrupt: waits here too, so that a
 * landing on a fallback CPU is followed by its CPU alone as it would have
 * been without the restart.
 */
static void wait_for_kept(AfApply *apply, const AfPlanEntry *entry)
{
	const Known *known = known_get(apply, entry->irq->irq);
	g_autoptr(AfCpuSet) mask = NULL;
	AfApplyItem item = {.irq = entry->irq->irq};

	if (!known || !known->written || !known->outside || !entry->fallback ||
	    g_hash_table_contains(apply->waiting, GUINT_TO_POINTER(entry->irq->irq)))
		return;
	mask = af_plan_entry_mask(entry);
	item.cpu = (int)af_cpuset_first(entry->planned);
	item.to = mask;
	if (known->cpu == item.cpu && af_cpuset_equal(known->written, mask))
		waiting_add(apply, &item, mask);
}

/* What was written of IRQs the plan does not know any more (gone) is forgotten. */
static void forget_unplanned(AfApply *apply, const AfPlan *plan)
{
	GList *irqs = g_hash_table_get_keys(apply->statedir->state->placed);

	for (GList *l = irqs; l; l = l->next)
		if (!af_plan_lookup(plan, GPOINTER_TO_UINT(l->data)))
			known_forget(apply, GPOINTER_TO_UINT(l->data));
	g_list_free(irqs);
}

int af_apply_plan(AfApply *apply, const AfPlan *plan, guint nr_cpu_ids, gint64 now_ms,
		  AfApplyResult **ret_result)
{
	AfApplyResult *result = result_new(FALSE);
	g_autoptr(AfCpuSet) placed = af_cpuset_new();

	af_cpuset_clear(apply->usable);
	for (guint i = 0; i < plan->entries->len; i++) {
		const AfPlanEntry *entry = plan->entries->pdata[i];

		if (entry->planned)
			af_cpuset_or(apply->usable, entry->planned);
		if (entry->fallback)
			af_cpuset_or(apply->usable, entry->fallback);
	}
	for (guint i = 0; i < plan->entries->len; i++) {
		const AfPlanEntry *entry = plan->entries->pdata[i];
		const AfIrq *irq = entry->irq;
		const AfBackoff *backoff;
		g_autoptr(AfCpuSet) mask = NULL;
		AfApplyItem *item;

		switch (entry->action) {
		case AF_ACTION_MOVE:
			break;
		case AF_ACTION_KEEP:
			if (entry->planned)
				af_cpuset_or(placed, entry->planned);
			wait_for_kept(apply, entry);
			continue;
		case AF_ACTION_SKIP:
			continue;
		}
		if (entry->planned)
			af_cpuset_or(placed, entry->planned);
		/* Learned unmovable: the planner should have skipped it; never write it. */
		if (af_state_is_unmovable(apply->statedir->state, irq->irq, irq->name))
			continue;
		mask = af_plan_entry_mask(entry);
		item = item_new(irq->irq, irq->name, irq->device, mask, entry->reason);
		if (entry->fallback)
			item->cpu = af_cpuset_first(entry->planned);
		item->refresh = entry->refresh;
		item->interface = g_strdup(irq->interface);
		backoff = g_hash_table_lookup(apply->backoff, GUINT_TO_POINTER(irq->irq));
		if (backoff && !af_outcome_backoff_is_ready(backoff, now_ms))
			item->outcome = AF_OUTCOME_DEFERRED;
		g_ptr_array_add(result->items, item);
	}
	forget_unplanned(apply, plan);
	run_items(apply, result, placed, TRUE, nr_cpu_ids, now_ms);
	*ret_result = result;
	return 0;
}

static gint compare_uint(gconstpointer a, gconstpointer b)
{
	guint x = GPOINTER_TO_UINT(a), y = GPOINTER_TO_UINT(b);

	return x < y ? -1 : x > y;
}

int af_apply_restore(AfApply *apply, const AfSnapshot *snapshot, guint nr_cpu_ids,
		     AfApplyResult **ret_result)
{
	AfState *state = apply->statedir->state;
	AfApplyResult *result = result_new(TRUE);
	GList *irqs = g_list_sort(g_hash_table_get_keys(state->originals), compare_uint);
	gboolean dirty = FALSE;

	for (GList *l = irqs; l; l = l->next) {
		guint number = GPOINTER_TO_UINT(l->data);
		const AfOriginal *original = g_hash_table_lookup(state->originals, l->data);
		const AfIrq *irq = g_hash_table_lookup(snapshot->by_irq, l->data);

		/* Gone, or the number now names another IRQ: nothing of ours to undo. */
		if (!irq || !g_str_equal(irq->name, original->name) ||
		    af_state_is_unmovable(state, number, irq->name)) {
			af_state_forget_original(state, number);
			dirty = TRUE;
			continue;
		}
		g_ptr_array_add(result->items,
				item_new(number, irq->name, irq->device, original->affinity, NULL));
	}
	g_list_free(irqs);
	if (dirty)
		af_statedir_save(apply->statedir);
	run_items(apply, result, NULL, FALSE, nr_cpu_ids, 0);
	/* Back where they were: the next start takes its originals afresh, and
	 * nothing of what it wrote is ours any more. */
	g_hash_table_remove_all(apply->waiting);
	g_hash_table_remove_all(apply->known);
	dirty = g_hash_table_size(state->placed) > 0;
	g_hash_table_remove_all(state->placed);
	for (guint i = 0; i < result->items->len; i++) {
		const AfApplyItem *item = result->items->pdata[i];

		switch (item->outcome) {
		case AF_OUTCOME_WRITTEN:
		case AF_OUTCOME_UNCHANGED:
		case AF_OUTCOME_GONE:
			dirty |= af_state_forget_original(state, item->irq);
			break;
		case AF_OUTCOME_REFUSED:
		case AF_OUTCOME_NO_SPACE:
		case AF_OUTCOME_INVALID:
		case AF_OUTCOME_FAILED:
		case AF_OUTCOME_DEFERRED:
			break;
		}
	}
	if (dirty)
		af_statedir_save(apply->statedir);
	*ret_result = result;
	return 0;
}

