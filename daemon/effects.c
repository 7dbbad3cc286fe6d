/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "effects.h"

/*
 * Minimal effects until daemon/apply.c lands on main: one write of
 * /proc/irq/N/smp_affinity per move, through the sysroot (so --sysroot only
 * ever writes inside the tree), originals remembered in memory.
 */

static int write_affinity(AfDaemon *daemon, guint irq, const AfCpuSet *set)
{
	g_autofree char *path = g_strdup_printf("/proc/irq/%u/smp_affinity", irq);
	/* The kernel wants the mask nr_cpu_ids wide (EOVERFLOW otherwise). */
	g_autofree char *mask = af_cpuset_format_mask(set, daemon->snapshot->nr_cpu_ids);

	return af_sysroot_write(daemon->sysroot, path, mask);
}

static void remember_original(AfDaemon *daemon, const AfIrq *irq)
{
	if (!daemon->originals)
		daemon->originals = g_hash_table_new_full(NULL, NULL, NULL,
							  (GDestroyNotify)af_cpuset_free);
	if (!irq->affinity || g_hash_table_contains(daemon->originals, GUINT_TO_POINTER(irq->irq)))
		return;
	g_hash_table_insert(daemon->originals, GUINT_TO_POINTER(irq->irq),
			    af_cpuset_copy(irq->affinity));
}

void af_effects_apply(AfDaemon *daemon, const AfPlan *plan, gint64 now_us,
		      AfApplyOutcome *ret_outcome)
{
	AfApplyOutcome outcome = { 0 };
	int r;

	for (guint i = 0; i < plan->entries->len; i++) {
		const AfPlanEntry *e = g_ptr_array_index(plan->entries, i);
		g_autofree char *from = NULL, *to = NULL;

		if (e->action != AF_ACTION_MOVE)
			continue;
		from = af_cpuset_format_list(e->irq->affinity);
		to = af_cpuset_format_list(e->planned);
		remember_original(daemon, e->irq);
		r = write_affinity(daemon, e->irq->irq, e->planned);
		if (r < 0) {
			g_warning("Failed to set affinity of IRQ %u (%s) to %s, ignoring: %s",
				  e->irq->irq, e->irq->name, to, g_strerror(-r));
			outcome.failed++;
			if (r == -EINVAL)
				outcome.replan = TRUE;
			continue;
		}
		g_message("IRQ %u (%s): %s -> %s: %s", e->irq->irq, e->irq->name, from, to,
			  e->reason);
		af_move_guard_record(daemon->guard, e->irq->irq, now_us);
		outcome.written++;
	}
	*ret_outcome = outcome;
}

void af_effects_restore(AfDaemon *daemon)
{
	GHashTableIter iter;
	gpointer key, value;
	int r;

	if (!daemon->originals || !daemon->snapshot)
		return;
	g_hash_table_iter_init(&iter, daemon->originals);
	while (g_hash_table_iter_next(&iter, &key, &value)) {
		guint irq = GPOINTER_TO_UINT(key);

		r = write_affinity(daemon, irq, value);
		/* ENOENT: the IRQ is gone, nothing to restore. */
		if (r < 0 && r != -ENOENT)
			g_warning("Failed to restore affinity of IRQ %u, ignoring: %s", irq,
				  g_strerror(-r));
	}
}

void af_effects_clear(AfDaemon *daemon)
{
	g_clear_pointer(&daemon->originals, g_hash_table_unref);
}
