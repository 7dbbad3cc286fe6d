/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "apply-private.h"

void waiting_free(Waiting *waiting)
{
	af_cpuset_free(waiting->to);
	af_cpuset_free(waiting->written);
	g_free(waiting);
}

void known_free(Known *known)
{
	g_free(known->name);
	af_cpuset_free(known->written);
	af_cpuset_free(known->held);
	g_free(known);
}

Known *known_get(AfApply *apply, guint irq)
{
	Known *known = g_hash_table_lookup(apply->known, GUINT_TO_POINTER(irq));
	const AfPlaced *placed;

	if (known)
		return known;
	placed = g_hash_table_lookup(apply->statedir->state->placed, GUINT_TO_POINTER(irq));
	if (!placed)
		return NULL;
	/* The last process's knowledge, checked against the kernel at its first look. */
	known = g_new0(Known, 1);
	known->name = g_strdup(placed->name);
	known->cpu = (int)placed->cpu;
	known->written = af_cpuset_copy(placed->written);
	known->held = placed->held ? af_cpuset_copy(placed->held) : NULL;
	known->outside = placed->outside;
	g_hash_table_insert(apply->known, GUINT_TO_POINTER(irq), known);
	return known;
}

void known_forget(AfApply *apply, guint irq)
{
	g_hash_table_remove(apply->known, GUINT_TO_POINTER(irq));
	apply->placed_dirty |= af_state_forget_placed(apply->statedir->state, irq);
}

/* Records known in the state directory's placed file (saved by the caller's end). */
static void known_record(AfApply *apply, guint irq, const Known *known)
{
	AfState *state = apply->statedir->state;

	if (known->written && known->cpu >= 0)
		apply->placed_dirty |=
			af_state_set_placed(state, irq, known->name, (guint)known->cpu,
					    known->written, known->held, known->outside);
	else
		apply->placed_dirty |= af_state_forget_placed(state, irq);
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
	Known *known = known_get(apply, irq);

	if (!known) {
		known = g_new0(Known, 1);
		known->cpu = -1;
		g_hash_table_insert(apply->known, GUINT_TO_POINTER(irq), known);
	}
	if (!known->written)
		return known;
	if (!shown || !af_cpuset_equal(shown, known->written)) {
		g_clear_pointer(&known->written, af_cpuset_free);
		g_clear_pointer(&known->held, af_cpuset_free);
		known->outside = FALSE;
		known_record(apply, irq, known);
	} else if (known->outside && serving >= 0 &&
		   af_cpuset_contains(known->written, (guint)serving)) {
		af_cpuset_free(known->held);
		known->held = af_cpuset_copy(known->written);
		known->outside = FALSE;
		known_record(apply, irq, known);
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
gboolean on_fallback(AfApply *apply, const AfApplyItem *item)
{
	int serving;

	if (item->cpu < 0)
		return FALSE;
	serving = serving_cpu(apply, item->irq);
	return serving >= 0 && serving != item->cpu &&
	       af_cpuset_contains(item->to, (guint)serving) &&
	       known_held_inside(apply, known_look(apply, item->irq, item->from, serving));
}

/*
 * TRUE when the mask the kernel shows is a part of the item's that we
 * wrote for its CPU while a CPU outside it served the IRQ, and one still
 * does: that write waits for the IRQ's next interrupt.
 */
static gboolean is_own_waiting(AfApply *apply, const AfApplyItem *item)
{
	const Known *known = known_get(apply, item->irq);
	int serving;

	if (!known || !known->written || !known->outside || known->cpu != item->cpu ||
	    !af_cpuset_equal(known->written, item->from) ||
	    !af_cpuset_is_subset(item->from, item->to))
		return FALSE;
	serving = serving_cpu(apply, item->irq);
	return serving >= 0 && !af_cpuset_contains(item->from, (guint)serving);
}

/*
 * TRUE when the kernel shows the item's CPU alone but another CPU still
 * serves it, over an affinity known to be ours (Known): our earlier move
 * waits for the IRQ's next interrupt (x86 without interrupt remapping).
 * Writing that CPU again changes nothing; the widening comes once it has
 * landed (af_apply_widen_landed). Not known to be ours (a restart), the
 * whole mask is written instead (write_widened).
 */
gboolean move_is_pending(AfApply *apply, const AfApplyItem *item)
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
	/* After a restart: the last process's write of this mask still waits (Known). */
	if (!waiting && is_own_waiting(apply, item))
		return TRUE;
	if (af_cpuset_count(item->from) != 1 || af_cpuset_first(item->from) != item->cpu)
		return FALSE;
	serving = serving_cpu(apply, item->irq);
	return serving != item->cpu &&
	       known_held_inside(apply, known_look(apply, item->irq, item->from, serving));
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
	known->cpu = pending->item->cpu;
	if (pending->item->name) {
		g_free(known->name);
		known->name = g_strdup(pending->item->name);
	}
	known_record(apply, pending->item->irq, known);
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
int write_widened(AfApply *apply, const Pending *pending, guint nr_cpu_ids)
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
			if (serving >= 0 && serving != item->cpu &&
			    af_cpuset_contains(whole, (guint)serving) && af_cpuset_count(whole) > 2)
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
void waiting_add(AfApply *apply, const AfApplyItem *item, const AfCpuSet *written)
{
	Waiting *waiting = g_new0(Waiting, 1);

	waiting->to = af_cpuset_copy(item->to);
	waiting->written = af_cpuset_copy(written);
	waiting->cpu = item->cpu;
	g_hash_table_insert(apply->waiting, GUINT_TO_POINTER(item->irq), waiting);
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
	if (apply->placed_dirty)
		af_statedir_save_placed(apply->statedir);
	apply->placed_dirty = FALSE;
	if (ret_widened)
		*ret_widened = widened;
	return g_hash_table_size(apply->waiting);
}
