/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "apply.h"
#include "log.h"

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
