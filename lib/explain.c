/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "explain.h"

/* "0-3", or "(none)" for the empty set, "unknown" for none read. */
static char *format_set(const AfCpuSet *set)
{
	if (!set)
		return g_strdup("unknown");
	if (af_cpuset_is_empty(set))
		return g_strdup("(none)");
	return af_cpuset_format_list(set);
}

/* Names are sysfs text: no control characters on an operator's terminal. */
static char *sanitize(const char *text)
{
	char *copy = g_strdup(text && *text ? text : "-");

	for (char *p = copy; *p; p++)
		if (g_ascii_iscntrl(*p))
			*p = '?';
	return copy;
}

static void append_device(GString *out, const AfIrq *irq)
{
	g_autofree char *device = sanitize(irq->device);
	g_autofree char *driver = sanitize(irq->driver);

	g_string_append_printf(out, "Device:    %s, driver %s, class %s", device, driver,
			       af_irq_class_to_string(irq->class));
	if (irq->numa_node >= 0)
		g_string_append_printf(out, ", NUMA node %d", irq->numa_node);
	if (irq->local_cpus) {
		g_autofree char *local = format_set(irq->local_cpus);

		g_string_append_printf(out, " (local CPUs %s)", local);
	}
	g_string_append_c(out, '\n');
	if (irq->interface) {
		g_autofree char *interface = sanitize(irq->interface);

		g_string_append_printf(out, "Network:   %s", interface);
		if (irq->queue >= 0)
			g_string_append_printf(out, ", queue %d", irq->queue);
		if (af_irq_queue_kind_to_string(irq->queue_kind))
			g_string_append_printf(out, " (%s)",
					       af_irq_queue_kind_to_string(irq->queue_kind));
		g_string_append_c(out, '\n');
	}
}

static void append_movable(GString *out, const AfIrq *irq)
{
	const char *source = af_irq_managed_source_to_string(irq->managed_source);

	if (irq->per_cpu) {
		g_string_append(out, "Movable:   no, a per-CPU interrupt\n");
		return;
	}
	if (!irq->managed) {
		g_string_append(out, "Movable:   yes\n");
		return;
	}
	g_string_append(out, "Movable:   no, the kernel places it (kernel-managed or refused)");
	if (source)
		g_string_append_printf(out, "; known by %s", source);
	if (irq->managed_detail) {
		g_autofree char *detail = sanitize(irq->managed_detail);

		g_string_append_printf(out, ": %s", detail);
	}
	g_string_append_c(out, '\n');
}

/*
 * Where it is served: the CPUs inside housekeeping, and for the isolated
 * ones each source that takes them, so that "who banned this CPU?" has an
 * answer.
 */
static void append_serving(GString *out, const AfHousekeeping *hk, const AfIrq *irq)
{
	const AfCpuSet *serving = af_irq_serving_cpus(irq);
	g_autoptr(AfCpuSet) isolated = NULL;
	g_autofree char *list = NULL;

	if (!serving || af_cpuset_is_empty(serving))
		return;
	list = format_set(serving);
	isolated = af_cpuset_new_and(serving, hk->isolated);
	if (af_cpuset_is_empty(isolated)) {
		g_string_append_printf(out, "Served by: %s, housekeeping\n", list);
		return;
	}
	g_string_append_printf(out, "Served by: %s; isolated among them:", list);
	for (guint i = 0; i < hk->sources->len; i++) {
		const AfHkSource *source = g_ptr_array_index(hk->sources, i);
		g_autoptr(AfCpuSet) taken = af_cpuset_new_and(isolated, source->cpus);
		g_autofree char *cpus = NULL;

		if (af_cpuset_is_empty(taken))
			continue;
		cpus = format_set(taken);
		g_string_append_printf(out, " %s by %s,", cpus, source->name);
	}
	g_string_truncate(out, out->len - 1);
	g_string_append_c(out, '\n');
}

static void append_housekeeping(GString *out, const AfHousekeeping *hk)
{
	g_autofree char *housekeeping = format_set(hk->housekeeping);

	g_string_append_printf(out, "Housekeeping CPUs: %s", housekeeping);
	if (hk->sources->len)
		g_string_append(out, "; isolated by");
	for (guint i = 0; i < hk->sources->len; i++) {
		const AfHkSource *source = g_ptr_array_index(hk->sources, i);
		g_autofree char *cpus = format_set(source->cpus);

		g_string_append_printf(out, "%s %s %s", i ? "," : "", source->name, cpus);
	}
	g_string_append_c(out, '\n');
}

char *af_explain_irq(const AfHousekeeping *hk, const AfPlan *plan, guint number)
{
	const AfPlanEntry *entry = af_plan_lookup(plan, number);
	const AfIrq *irq;
	g_autofree char *name = NULL, *affinity = NULL, *effective = NULL, *reason = NULL;
	GString *out;

	if (!entry)
		return NULL;
	irq = entry->irq;
	name = sanitize(irq->name);
	affinity = format_set(irq->affinity);
	reason = sanitize(entry->reason);
	out = g_string_new(NULL);
	g_string_append_printf(out, "IRQ %u (%s): %s", irq->irq, name,
			       af_plan_action_to_string(entry->action));
	if (entry->planned) {
		g_autofree char *planned = format_set(entry->planned);

		g_string_append_printf(out, " %s %s", entry->action == AF_ACTION_MOVE ? "to" : "on",
				       planned);
	}
	g_string_append_printf(out, "\nWhy:       %s\n", reason);
	append_device(out, irq);
	g_string_append_printf(out, "Kernel:    affinity %s", affinity);
	if (irq->effective) {
		effective = format_set(irq->effective);
		g_string_append_printf(out, ", effective %s", effective);
	}
	g_string_append_printf(out, ", %" G_GUINT64_FORMAT " interrupts\n", irq->total);
	append_movable(out, irq);
	append_serving(out, hk, irq);
	for (guint i = 0; entry->warnings && i < entry->warnings->len; i++) {
		g_autofree char *warning = sanitize(g_ptr_array_index(entry->warnings, i));

		g_string_append_printf(out, "Warning:   %s\n", warning);
	}
	append_housekeeping(out, hk);
	return g_string_free(out, FALSE);
}
