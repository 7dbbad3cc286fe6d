/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <sys/stat.h>

#include "apply.h"
#include "log.h"

struct AfApply {
	AfSysroot *sysroot;   /* borrowed */
	AfStateDir *statedir; /* borrowed */
	GHashTable *backoff;  /* GUINT_TO_POINTER(irq) -> AfBackoff* */
	AfCpuSet *full_cpus;  /* CPUs that answered ENOSPC */
	GHashTable *told;     /* GUINT_TO_POINTER(irq) -> its last failed write's errno (< 0) */
	GHashTable *narrow;   /* GUINT_TO_POINTER(irq): a wider mask moved it */
	GHashTable *known;    /* GUINT_TO_POINTER(irq) -> Known*: IRQs with fallback CPUs */
	AfCpuSet *usable;     /* the CPUs of the plan being applied, fallback CPUs and all */
	GHashTable *waiting;  /* GUINT_TO_POINTER(irq) -> Waiting*: widenings after a landing */
};

/*
 * A write the kernel carries out at the IRQ's next interrupt: the planned
 * CPU alone, widened once it has; or the whole mask (Known), followed by
 * the CPU alone once carried out elsewhere.
 */
typedef struct Waiting {
	AfCpuSet *to;	   /* planned ∪ fallback */
	AfCpuSet *written; /* what was written and waits */
	int cpu;	   /* the planned CPU */
} Waiting;

static void waiting_free(Waiting *waiting)
{
	af_cpuset_free(waiting->to);
	af_cpuset_free(waiting->written);
	g_free(waiting);
}

/*
 * What apply knows of an IRQ's affinity beyond the mask the kernel shows.
 * On x86 without interrupt remapping a write is carried out at the IRQ's
 * next interrupt: meanwhile the kernel shows the written mask but holds
 * the old one, and an offline that takes the written mask's last online
 * CPU drops the write, showing (and later migrating by) the old mask again
 * (kernel/irq: irq_set_affinity_locked, migrate_one_irq,
 * irq_fixup_move_pending). A one-CPU write may wait there only over an old
 * mask known to be ours (held): on any other, the whole mask first.
 */
typedef struct Known {
	AfCpuSet *written; /* the last mask written; NULL none */
	gboolean outside;  /* the IRQ was served outside written then: carried out once inside */
	AfCpuSet *held;	   /* every CPU of the masks of ours the kernel may hold; NULL unknown */
} Known;

static void known_free(Known *known)
{
	af_cpuset_free(known->written);
	af_cpuset_free(known->held);
	g_free(known);
}

/* An item waiting for its write: which file, and in which form. */
typedef struct Pending {
	AfApplyItem *item;
	char *path;
	gboolean hex;
	gboolean repair; /* the IRQ is on CPUs the plan uses for none: written first */
} Pending;

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

/*
 * Both files show the requested mask. The _list one is read and written
 * when present (a cpulist needs no width); the hex one only on kernels
 * without it. Reading the file we write also keeps a copied tree, where
 * the two files do not follow each other, consistent with itself.
 */
static int read_affinity(AfApply *apply, guint irq, AfCpuSet **ret_affinity, char **ret_path,
			 gboolean *ret_hex)
{
	g_autofree char *list_path = g_strdup_printf("/proc/irq/%u/smp_affinity_list", irq);
	g_autofree char *hex_path = g_strdup_printf("/proc/irq/%u/smp_affinity", irq);
	AfCpuSet *affinity = NULL;
	gboolean hex = FALSE;
	int r;

	r = af_sysroot_read_cpulist(apply->sysroot, list_path, &affinity);
	if (r == -ENOENT) {
		hex = TRUE;
		r = af_sysroot_read_cpumask(apply->sysroot, hex_path, &affinity);
	}
	/* Without the hex file either, /proc/irq/N is gone. */
	if (r == -ENOENT)
		return r;
	/* Unreadable but present: the write below says what the kernel thinks. */
	if (r < 0)
		affinity = NULL;
	*ret_affinity = affinity;
	*ret_path = hex ? g_steal_pointer(&hex_path) : g_steal_pointer(&list_path);
	*ret_hex = hex;
	return 0;
}

int af_apply_read_affinity(AfApply *apply, guint irq, AfCpuSet **ret_affinity)
{
	g_autofree char *path = NULL;
	AfCpuSet *affinity = NULL;
	gboolean hex;
	int r;

	r = read_affinity(apply, irq, &affinity, &path, &hex);
	if (r < 0)
		return r;
	if (!affinity)
		return -EINVAL;
	*ret_affinity = affinity;
	return 0;
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

/* TRUE when the file cannot be written by anyone: from 6.12 the kernel
 * creates a refusing IRQ's files mode 0444, and root's DAC override would
 * otherwise let the open succeed and only the write fail. */
static gboolean is_read_only(AfApply *apply, const char *path)
{
	mode_t mode;

	return af_sysroot_mode(apply->sysroot, path, &mode) == 0 &&
	       (mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0;
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

/* The one CPU the kernel shows serving the IRQ (effective_affinity), or -1. */
static int serving_cpu(AfApply *apply, guint irq)
{
	g_autofree char *list_path = g_strdup_printf("/proc/irq/%u/effective_affinity_list", irq);
	g_autofree char *hex_path = g_strdup_printf("/proc/irq/%u/effective_affinity", irq);
	g_autoptr(AfCpuSet) effective = NULL;

	if (af_sysroot_read_cpulist(apply->sysroot, list_path, &effective) < 0 &&
	    af_sysroot_read_cpumask(apply->sysroot, hex_path, &effective) < 0)
		return -1;
	return af_cpuset_count(effective) == 1 ? af_cpuset_first(effective) : -1;
}


static int write_set(AfApply *apply, const Pending *pending, const AfCpuSet *set, guint nr_cpu_ids)
{
	g_autofree char *text = NULL, *data = NULL;

	if (pending->hex) {
		/* The kernel wants nr_cpu_ids bits; a CPU beyond is a plan bug
		 * the kernel would answer with EOVERFLOW. */
		if (af_cpuset_last(set) >= (int)nr_cpu_ids)
			return -EOVERFLOW;
		text = af_cpuset_format_mask(set, nr_cpu_ids);
	} else {
		text = af_cpuset_format_list(set);
	}
	data = g_strconcat(text, "\n", NULL);
	return af_sysroot_write(apply->sysroot, pending->path, data);
}

/*
 * The IRQ's Known, brought up to date with what the kernel shows now
 * (shown, NULL unreadable; serving, -1 unknown): a shown mask other than
 * our last write means the kernel or another writer changed it (a write
 * dropped by an offline, a broken affinity): nothing is known any more;
 * served inside a write made while served outside it, the kernel carried
 * it out and holds it.
 */
static Known *known_look(AfApply *apply, guint irq, const AfCpuSet *shown, int serving)
{
	Known *known = g_hash_table_lookup(apply->known, GUINT_TO_POINTER(irq));

	if (!known) {
		known = g_new0(Known, 1);
		g_hash_table_insert(apply->known, GUINT_TO_POINTER(irq), known);
	}
	if (!known->written)
		return known;
	if (!shown || !af_cpuset_equal(shown, known->written)) {
		g_clear_pointer(&known->written, af_cpuset_free);
		g_clear_pointer(&known->held, af_cpuset_free);
		known->outside = FALSE;
	} else if (known->outside && serving >= 0 &&
		   af_cpuset_contains(known->written, (guint)serving)) {
		af_cpuset_free(known->held);
		known->held = af_cpuset_copy(known->written);
		known->outside = FALSE;
	}
	return known;
}

/* TRUE when every mask the kernel may hold for the IRQ is ours and inside the plan's CPUs. */
static gboolean known_held_inside(const AfApply *apply, const Known *known)
{
	return known->held && af_cpuset_is_subset(known->held, apply->usable);
}

/*
 * TRUE when a CPU of the item's mask other than its planned one serves it
 * and the kernel is known to hold our mask (Known): it carried a whole mask
 * out there (write_widened); the same mask is written again as its CPU
 * alone, then widened. Not known to hold ours (a restart), it stays there.
 */
static gboolean on_fallback(AfApply *apply, const AfApplyItem *item)
{
	int serving;

	if (item->cpu < 0)
		return FALSE;
	serving = serving_cpu(apply, item->irq);
	return serving >= 0 && serving != item->cpu &&
	       af_cpuset_contains(item->to, (guint)serving) &&
	       known_held_inside(apply, known_look(apply, item->irq, item->from, serving));
}

static void waiting_add(AfApply *apply, const AfApplyItem *item, const AfCpuSet *written);

/*
 * TRUE when the kernel shows the item's CPU alone but another CPU still
 * serves it, over an affinity known to be ours (Known): our earlier move
 * waits for the IRQ's next interrupt (x86 without interrupt remapping).
 * Writing that CPU again changes nothing; the widening comes once it has
 * landed (af_apply_widen_landed). Not known to be ours (a restart), the
 * whole mask is written instead (write_widened).
 */
static gboolean move_is_pending(AfApply *apply, const AfApplyItem *item)
{
	const Waiting *waiting = g_hash_table_lookup(apply->waiting, GUINT_TO_POINTER(item->irq));
	int serving;

	if (item->cpu < 0 || !item->from)
		return FALSE;
	/* Our write of this very mask waits: again would change nothing. */
	if (waiting && af_cpuset_equal(waiting->written, item->from) &&
	    af_cpuset_equal(waiting->to, item->to) && waiting->cpu == item->cpu) {
		serving = serving_cpu(apply, item->irq);
		return serving < 0 || !af_cpuset_contains(waiting->written, (guint)serving);
	}
	if (af_cpuset_count(item->from) != 1 || af_cpuset_first(item->from) != item->cpu)
		return FALSE;
	serving = serving_cpu(apply, item->irq);
	return serving != item->cpu &&
	       known_held_inside(apply, known_look(apply, item->irq, item->from, serving));
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

/*
 * Writes set and records it in known; serving is the CPU serving the IRQ
 * before (-1 unknown). Returns the CPU serving it after (-1 unknown) in
 * *ret_serving, or the write's errno.
 */
static int write_known(AfApply *apply, const Pending *pending, Known *known, const AfCpuSet *set,
		       int serving, guint nr_cpu_ids, int *ret_serving)
{
	int r = write_set(apply, pending, set, nr_cpu_ids);

	if (r < 0)
		return r;
	af_cpuset_free(known->written);
	known->written = af_cpuset_copy(set);
	/* Until carried out, the kernel may hold the old masks or this one. */
	if (known->held)
		af_cpuset_or(known->held, set);
	known->outside = serving >= 0 && !af_cpuset_contains(set, (guint)serving);
	*ret_serving = serving_cpu(apply, pending->item->irq);
	(void)known_look(apply, pending->item->irq, set, *ret_serving);
	return 0;
}

/*
 * A mask with fallback CPUs: its CPU alone first, unless the IRQ is
 * already served there (a mask that never holds the old CPU beside the
 * new one, which would leave it on the old), then the whole mask, which
 * must leave it where it is (x86); if it moved it after all, its CPU alone
 * again and never wide again. Over an affinity not known to be ours the
 * whole mask goes first (Known): wherever the kernel's move lands, and
 * whatever one offline does before it, the IRQ stays on housekeeping CPUs.
 * Returns the first write's errno, or 0.
 */
static int write_widened(AfApply *apply, const Pending *pending, guint nr_cpu_ids)
{
	AfApplyItem *item = pending->item;
	g_autoptr(AfCpuSet) alone = af_cpuset_new();
	int serving = serving_cpu(apply, item->irq);
	Known *known = known_look(apply, item->irq, item->from, serving);
	int r;

	af_cpuset_add(alone, (guint)item->cpu);
	if (serving != item->cpu || !item->from ||
	    !af_cpuset_contains(item->from, (guint)item->cpu)) {
		if (!known_held_inside(apply, known)) {
			g_autoptr(AfCpuSet) whole = af_cpuset_copy(item->to);

			/* Served by a fallback CPU: the mask without it, so that
			 * the kernel carrying it out shows (and holds ours). */
			if (serving >= 0 && af_cpuset_contains(whole, (guint)serving) &&
			    af_cpuset_count(whole) > 2)
				af_cpuset_remove(whole, (guint)serving);
			r = write_known(apply, pending, known, whole, serving, nr_cpu_ids, &serving);
			if (r < 0)
				return r;
			if (serving == item->cpu && af_cpuset_equal(whole, item->to)) {
				item->widen = AF_WIDEN_DONE;
				return 0;
			}
			/* Not carried out yet: it lands on a CPU of the mask at its next interrupt. */
			if (serving != item->cpu && !known_held_inside(apply, known)) {
				waiting_add(apply, item, whole);
				item->widen = AF_WIDEN_WHOLE;
				return 0;
			}
		}
		if (serving != item->cpu) {
			r = write_known(apply, pending, known, alone, serving, nr_cpu_ids,
					&serving);
			if (r < 0)
				return r;
		}
		if (serving != item->cpu) {
			/* Moves wait for the next interrupt without interrupt remapping. */
			waiting_add(apply, item, alone);
			item->widen = AF_WIDEN_DEFERRED;
			return 0;
		}
	}
	r = write_known(apply, pending, known, item->to, serving, nr_cpu_ids, &serving);
	if (r < 0)
		return r;
	if (serving == item->cpu) {
		item->widen = AF_WIDEN_DONE;
		return 0;
	}
	item->widen = AF_WIDEN_MOVED;
	g_hash_table_add(apply->narrow, GUINT_TO_POINTER(item->irq));
	(void)write_known(apply, pending, known, alone, serving, nr_cpu_ids, &serving);
	return 0;
}

/* Widened by af_apply_widen_landed once the kernel serves the item's IRQ on its CPU. */
static void waiting_add(AfApply *apply, const AfApplyItem *item, const AfCpuSet *written)
{
	Waiting *waiting = g_new0(Waiting, 1);

	waiting->to = af_cpuset_copy(item->to);
	waiting->written = af_cpuset_copy(written);
	waiting->cpu = item->cpu;
	g_hash_table_insert(apply->waiting, GUINT_TO_POINTER(item->irq), waiting);
}

static int write_mask(AfApply *apply, const Pending *pending, guint nr_cpu_ids)
{
	g_hash_table_remove(apply->waiting, GUINT_TO_POINTER(pending->item->irq));
	if (pending->item->cpu >= 0)
		return write_widened(apply, pending, nr_cpu_ids);
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
		g_hash_table_remove(apply->known, key);
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
	run_items(apply, result, placed, TRUE, nr_cpu_ids, now_ms);
	*ret_result = result;
	return 0;
}

/*
 * One waiting write looked at again (shown is what it wrote): a whole
 * mask carried out onto another CPU than the planned one is followed by
 * that CPU alone; the CPU alone carried out, by the widening. Returns
 * TRUE while it still waits.
 */
static gboolean step_landed(AfApply *apply, const Pending *pending, Waiting *waiting,
			    const AfCpuSet *shown, int serving, guint nr_cpu_ids, guint *widened)
{
	Known *known = known_look(apply, pending->item->irq, shown, serving);
	g_autoptr(AfCpuSet) alone = af_cpuset_new();

	af_cpuset_add(alone, (guint)waiting->cpu);
	if (serving != waiting->cpu) {
		if (af_cpuset_count(waiting->written) == 1 || !known_held_inside(apply, known))
			return TRUE;
		if (write_known(apply, pending, known, alone, serving, nr_cpu_ids, &serving) < 0)
			return FALSE;
		af_cpuset_free(waiting->written);
		waiting->written = af_cpuset_copy(alone);
		if (serving != waiting->cpu)
			return TRUE;
	}
	if (!af_cpuset_equal(waiting->written, waiting->to) &&
	    write_known(apply, pending, known, waiting->to, serving, nr_cpu_ids, &serving) == 0)
		(*widened)++;
	return FALSE;
}

guint af_apply_widen_landed(AfApply *apply, guint nr_cpu_ids, guint *ret_widened)
{
	GHashTableIter iter;
	gpointer key, value;
	guint widened = 0;

	g_hash_table_iter_init(&iter, apply->waiting);
	while (g_hash_table_iter_next(&iter, &key, &value)) {
		Waiting *waiting = value;
		AfApplyItem item = {.irq = GPOINTER_TO_UINT(key), .cpu = waiting->cpu};
		Pending pending = {.item = &item};
		g_autoptr(AfCpuSet) shown = NULL;
		int serving;

		if (read_affinity(apply, item.irq, &shown, &pending.path, &pending.hex) < 0) {
			g_hash_table_iter_remove(&iter);
			continue;
		}
		/* Written since by someone else (or dropped by an offline): not ours to widen. */
		if (!shown || !af_cpuset_equal(shown, waiting->written)) {
			g_free(pending.path);
			g_hash_table_iter_remove(&iter);
			continue;
		}
		serving = serving_cpu(apply, item.irq);
		if (!step_landed(apply, &pending, waiting, shown, serving, nr_cpu_ids, &widened))
			g_hash_table_iter_remove(&iter);
		g_free(pending.path);
	}
	if (ret_widened)
		*ret_widened = widened;
	return g_hash_table_size(apply->waiting);
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
	/* Back where they were: the next start takes its originals afresh. */
	dirty = FALSE;
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

/* What became of the fallback CPUs; a move is said once: the IRQ is never widened again. */
static void log_widening(const AfApplyItem *item)
{
	switch (item->widen) {
	case AF_WIDEN_NONE:
	case AF_WIDEN_DONE:
		break;
	case AF_WIDEN_DEFERRED:
		af_log_debug("IRQ %u (%s) not yet on CPU %d: fallback CPUs added later", item->irq,
			     item->name, item->cpu);
		break;
	case AF_WIDEN_WHOLE:
		af_log_debug("IRQ %u (%s) not yet moved: its whole mask written first, CPU %d "
			     "alone once the kernel holds it",
			     item->irq, item->name, item->cpu);
		break;
	case AF_WIDEN_MOVED:
		af_log_warning("IRQ %u (%s) left CPU %d when its mask gained fallback CPUs: "
			       "one-CPU masks for it from now on",
			       item->irq, item->name, item->cpu);
		break;
	}
}

static void log_item(const AfApplyResult *result, const AfApplyItem *item)
{
	g_autofree char *to = af_cpuset_format_list(item->to);

	if (item->repeat) {
		af_log_debug("IRQ %u (%s): the write to %s failed again: %s", item->irq,
			     item->name, to, g_strerror(-item->error));
		return;
	}
	switch (item->outcome) {
	case AF_OUTCOME_WRITTEN:
		if (result->restore)
			af_log_restore(item->irq, item->name, item->from, item->to);
		else if (item->refresh)
			af_log_rmap_refresh(item->irq, item->name, item->interface, item->to);
		else
			af_log_move(item->irq, item->name, item->device, item->from, item->to,
				    item->reason);
		break;
	case AF_OUTCOME_UNCHANGED:
		if (item->widen != AF_WIDEN_DEFERRED)
			af_log_debug("IRQ %u (%s) already has %s", item->irq, item->name, to);
		break;
	case AF_OUTCOME_REFUSED:
		af_log_unmovable(item->irq, item->name, item->device, item->error);
		break;
	case AF_OUTCOME_NO_SPACE:
		af_log_warning("No free interrupt vector on CPU %s for IRQ %u (%s): placing it "
			       "elsewhere",
			       to, item->irq, item->name);
		break;
	case AF_OUTCOME_INVALID:
		af_log_warning("The kernel refused CPU %s for IRQ %u (%s) (no online CPU?): "
			       "planning again",
			       to, item->irq, item->name);
		break;
	case AF_OUTCOME_GONE:
		af_log_debug("IRQ %u (%s) is gone", item->irq, item->name);
		break;
	case AF_OUTCOME_FAILED:
		af_log_write_failed(item->irq, item->name, item->to, item->error);
		break;
	case AF_OUTCOME_DEFERRED:
		af_log_debug("IRQ %u (%s): backing off after failed writes", item->irq, item->name);
		break;
	}
	log_widening(item);
}

void af_apply_log_result(const AfApplyResult *result)
{
	for (guint i = 0; i < result->items->len; i++)
		log_item(result, result->items->pdata[i]);
}
