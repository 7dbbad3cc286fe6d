/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "irq.h"

AfIrq *af_irq_new(guint irq)
{
	AfIrq *i = g_new0(AfIrq, 1);

	i->irq = irq;
	i->numa_node = -1;
	i->queue = -1;
	return i;
}

AfIrq *af_irq_copy(const AfIrq *irq)
{
	AfIrq *copy = g_memdup2(irq, sizeof(*irq));

	copy->name = g_strdup(irq->name);
	copy->chip = g_strdup(irq->chip);
	copy->hwirq = g_strdup(irq->hwirq);
	copy->trigger = g_strdup(irq->trigger);
	copy->device = g_strdup(irq->device);
	copy->driver = g_strdup(irq->driver);
	copy->local_cpus = af_cpuset_copy(irq->local_cpus);
	copy->interface = g_strdup(irq->interface);
	copy->managed_detail = g_strdup(irq->managed_detail);
	copy->affinity = af_cpuset_copy(irq->affinity);
	copy->effective = af_cpuset_copy(irq->effective);
	copy->hint = af_cpuset_copy(irq->hint);
	return copy;
}

void af_irq_free(AfIrq *irq)
{
	if (!irq)
		return;
	g_free(irq->name);
	g_free(irq->chip);
	g_free(irq->hwirq);
	g_free(irq->trigger);
	g_free(irq->device);
	g_free(irq->driver);
	af_cpuset_free(irq->local_cpus);
	g_free(irq->interface);
	g_free(irq->managed_detail);
	af_cpuset_free(irq->affinity);
	af_cpuset_free(irq->effective);
	af_cpuset_free(irq->hint);
	g_free(irq);
}

gboolean af_irq_is_movable(const AfIrq *irq)
{
	return !irq->per_cpu && !irq->managed;
}

gboolean af_irq_has_handler(const AfIrq *irq)
{
	return irq->name && *irq->name;
}

const AfCpuSet *af_irq_serving_cpus(const AfIrq *irq)
{
	return irq->effective ? irq->effective : irq->affinity;
}

const char *af_irq_class_to_string(AfIrqClass class)
{
	switch (class) {
	case AF_IRQ_CLASS_OTHER:
		return "other";
	case AF_IRQ_CLASS_NETWORK:
		return "network";
	case AF_IRQ_CLASS_STORAGE:
		return "storage";
	}
	g_assert_not_reached();
}

const char *af_irq_managed_source_to_string(AfManagedSource source)
{
	switch (source) {
	case AF_MANAGED_SOURCE_NONE:
		return NULL;
	case AF_MANAGED_SOURCE_DEBUGFS:
		return "debugfs";
	case AF_MANAGED_SOURCE_MODE:
		return "mode";
	case AF_MANAGED_SOURCE_LEARNED:
		return "learned";
	case AF_MANAGED_SOURCE_HEURISTIC:
		return "heuristic";
	}
	g_assert_not_reached();
}

const char *af_irq_queue_kind_to_string(AfQueueKind kind)
{
	switch (kind) {
	case AF_QUEUE_NONE:
		return NULL;
	case AF_QUEUE_RX:
		return "rx";
	case AF_QUEUE_TX:
		return "tx";
	case AF_QUEUE_COMBINED:
		return "combined";
	}
	g_assert_not_reached();
}
