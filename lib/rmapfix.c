/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "rmapfix.h"

/*
 * Which aRFS queue IRQs a hotplug left with a stale rmap: what the kernel
 * showed after the last apply, compared with what it shows now. Whether a
 * kernel needs this at all is rmapfix-table.c's answer.
 */

typedef struct {
	AfCpuSet *mask;
	AfCpuSet *serving; /* NULL unknown */
} Shown;

struct AfRmapLook {
	GHashTable *irqs; /* GUINT_TO_POINTER(irq) -> Shown* */
};

static void shown_free(Shown *shown)
{
	af_cpuset_free(shown->mask);
	af_cpuset_free(shown->serving);
	g_free(shown);
}

AfRmapLook *af_rmapfix_look_new(const AfSnapshot *snapshot, AfPlacement *placement)
{
	AfRmapLook *look = g_new0(AfRmapLook, 1);

	look->irqs = g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify)shown_free);
	for (guint i = 0; snapshot && i < snapshot->irqs->len; i++) {
		const AfIrq *irq = snapshot->irqs->pdata[i];
		const AfCpuSet *planned =
			placement ? g_hash_table_lookup(placement, GUINT_TO_POINTER(irq->irq))
				  : NULL;
		Shown *shown;

		if (!irq->arfs)
			continue;
		shown = g_new0(Shown, 1);
		/* After the apply the kernel shows the planned mask, and a one-CPU
		 * mask is where the IRQ goes. */
		shown->mask = af_cpuset_copy(planned ? planned : irq->affinity);
		shown->serving = af_cpuset_count(shown->mask) == 1 ? af_cpuset_copy(shown->mask)
								   : af_cpuset_copy(irq->effective);
		g_hash_table_insert(look->irqs, GUINT_TO_POINTER(irq->irq), shown);
	}
	return look;
}

void af_rmapfix_look_free(AfRmapLook *look)
{
	if (!look)
		return;
	g_hash_table_unref(look->irqs);
	g_free(look);
}

guint af_rmapfix_ask_refresh(const AfRmapLook *before, const AfSnapshot *after,
			     const AfPolicy *policy, AfLimits *limits)
{
	guint n = 0;

	for (guint i = 0; before && after && i < after->irqs->len; i++) {
		const AfIrq *irq = after->irqs->pdata[i];
		const Shown *shown = g_hash_table_lookup(before->irqs, GUINT_TO_POINTER(irq->irq));
		AfNetPolicy net;

		if (!irq->arfs || !shown)
			continue;
		if (af_cpuset_equal(shown->mask, irq->affinity) &&
		    (!irq->effective || !shown->serving ||
		     af_cpuset_equal(shown->serving, irq->effective)))
			continue;
		af_policy_network_for(policy, irq->interface, &net);
		if (!af_rmapfix_wanted(net.arfs_refresh, after->kernel_release,
				       policy->arfs_fixed_in))
			continue;
		af_limits_refresh(limits, irq->irq);
		n++;
	}
	return n;
}
