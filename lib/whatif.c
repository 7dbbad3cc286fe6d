/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdarg.h>

#include "whatif.h"

void af_whatif_finding_free(AfWhatIfFinding *finding)
{
	if (!finding)
		return;
	g_free(finding->device);
	af_cpuset_free(finding->cpus);
	g_free(finding->text);
	g_free(finding);
}

void af_whatif_free(AfWhatIf *what_if)
{
	if (!what_if)
		return;
	af_cpuset_free(what_if->offline);
	if (what_if->findings)
		g_ptr_array_unref(what_if->findings);
	g_free(what_if);
}

const char *af_whatif_kind_to_string(AfWhatIfKind kind)
{
	switch (kind) {
	case AF_WHATIF_MANAGED_ISOLATED:
		return "managed_isolated";
	case AF_WHATIF_ONE_CPU_QUEUES:
		return "one_cpu_queues";
	}
	return "?";
}

static int refuse(char **ret_message, const char *format, ...) G_GNUC_PRINTF(2, 3);
static int refuse(char **ret_message, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	if (ret_message)
		*ret_message = g_strdup_vprintf(format, ap);
	va_end(ap);
	return -EINVAL;
}

/*
 * One IRQ whose serving CPUs lose some of gone, as the kernel's
 * migrate_one_irq() leaves it; online is already without gone.
 */
static void migrate(AfIrq *irq, const AfCpuSet *online, const AfCpuSet *gone,
		    const AfCpuSet *managed_irq_isolated)
{
	const AfCpuSet *serving = af_irq_serving_cpus(irq);
	g_autoptr(AfCpuSet) still = NULL;
	g_autoptr(AfCpuSet) remaining = NULL;

	if (irq->per_cpu || !af_irq_has_handler(irq) || !af_cpuset_intersects(serving, gone))
		return;
	/* An effective set of several CPUs keeps the ones still online. */
	still = af_cpuset_new_andnot(serving, gone);
	if (!af_cpuset_is_empty(still) && irq->effective) {
		af_cpuset_assign(irq->effective, still);
		return;
	}
	remaining = irq->affinity ? af_cpuset_new_and(irq->affinity, online) : af_cpuset_new();
	if (af_cpuset_is_empty(remaining)) {
		if (irq->managed) {
			/* Shut down until a CPU of its mask returns; the mask stays. */
			if (!irq->effective)
				irq->effective = af_cpuset_new();
			af_cpuset_clear(irq->effective);
			return;
		}
		/* "Affinity broken": every online CPU, isolated ones included. */
		if (!irq->affinity)
			irq->affinity = af_cpuset_new();
		af_cpuset_assign(irq->affinity, online);
		af_cpuset_assign(remaining, online);
	} else if (irq->managed && managed_irq_isolated) {
		g_autoptr(AfCpuSet) preferred =
			af_cpuset_new_andnot(remaining, managed_irq_isolated);

		if (!af_cpuset_is_empty(preferred))
			af_cpuset_assign(remaining, preferred);
	}
	if (!irq->effective)
		irq->effective = af_cpuset_new();
	af_cpuset_assign(irq->effective, remaining);
}

int af_whatif_take_offline(AfSnapshot *snapshot, const AfCpuSet *cpus, char **ret_message)
{
	g_autoptr(AfCpuSet) not_online = af_cpuset_new_andnot(cpus, snapshot->online);
	g_autofree char *list = NULL;

	if (af_cpuset_is_empty(cpus))
		return refuse(ret_message, "no CPU to take offline");
	if (!af_cpuset_is_empty(not_online)) {
		list = af_cpuset_format_list(not_online);
		return refuse(ret_message, "CPU%s %s %s not online",
			      af_cpuset_count(not_online) > 1 ? "s" : "", list,
			      af_cpuset_count(not_online) > 1 ? "are" : "is");
	}
	if (af_cpuset_is_subset(snapshot->online, cpus))
		return refuse(ret_message, "no CPU would be left online");
	af_cpuset_andnot(snapshot->online, cpus);
	af_cpuset_or(snapshot->offline, cpus);
	for (guint i = 0; i < snapshot->irqs->len; i++)
		migrate(g_ptr_array_index(snapshot->irqs, i), snapshot->online, cpus,
			snapshot->cmdline ? snapshot->cmdline->isolcpus_managed_irq : NULL);
	return 0;
}

/* The online CPUs an IRQ is served by; empty when shut down or unknown. */
static AfCpuSet *served_by(const AfIrq *irq, const AfSnapshot *snapshot)
{
	const AfCpuSet *serving = af_irq_serving_cpus(irq);

	return serving ? af_cpuset_new_and(serving, snapshot->online) : af_cpuset_new();
}

static AfWhatIfFinding *managed_isolated(const AfIrq *irq, const AfSnapshot *snapshot,
					 const AfHousekeeping *hk)
{
	g_autoptr(AfCpuSet) cpus = NULL;
	AfWhatIfFinding *finding;
	g_autofree char *list = NULL;

	if (!irq->managed || irq->per_cpu || !af_irq_has_handler(irq))
		return NULL;
	cpus = served_by(irq, snapshot);
	if (af_cpuset_is_empty(cpus) || !af_cpuset_is_subset(cpus, hk->isolated))
		return NULL;
	list = af_cpuset_format_list(cpus);
	finding = g_new0(AfWhatIfFinding, 1);
	finding->kind = AF_WHATIF_MANAGED_ISOLATED;
	finding->irq = irq->irq;
	finding->text =
		g_strdup_printf("IRQ %u (%s): kernel-managed, served only by isolated "
				"CPU%s %s",
				irq->irq, irq->name, af_cpuset_count(cpus) > 1 ? "s" : "", list);
	finding->cpus = g_steal_pointer(&cpus);
	return finding;
}

/* One device's served queues, while the plan is walked. */
typedef struct DeviceQueues {
	const AfIrq *first; /* its lowest queue IRQ */
	AfCpuSet *cpus;
	GHashTable *queues; /* queue number + 1 */
} DeviceQueues;

static void device_queues_free(DeviceQueues *d)
{
	af_cpuset_free(d->cpus);
	g_hash_table_unref(d->queues);
	g_free(d);
}

static void add_queue(GHashTable *devices, GPtrArray *order, const AfPlanEntry *entry,
		      const AfSnapshot *snapshot)
{
	const AfIrq *irq = entry->irq;
	g_autoptr(AfCpuSet) cpus = NULL;
	DeviceQueues *d;

	if (!irq->device || irq->queue < 0 || !af_irq_has_handler(irq))
		return;
	cpus = entry->planned ? af_cpuset_copy(entry->planned) : served_by(irq, snapshot);
	if (af_cpuset_is_empty(cpus))
		return;
	d = g_hash_table_lookup(devices, irq->device);
	if (!d) {
		d = g_new0(DeviceQueues, 1);
		d->first = irq;
		d->cpus = af_cpuset_new();
		d->queues = g_hash_table_new(NULL, NULL);
		g_hash_table_insert(devices, irq->device, d);
		g_ptr_array_add(order, d);
	}
	af_cpuset_or(d->cpus, cpus);
	g_hash_table_add(d->queues, GINT_TO_POINTER(irq->queue + 1));
}

static AfWhatIfFinding *one_cpu_queues(const DeviceQueues *d)
{
	const AfIrq *irq = d->first;
	guint n = g_hash_table_size(d->queues);
	g_autofree char *list = NULL;
	AfWhatIfFinding *finding;

	if (n < 2 || af_cpuset_count(d->cpus) != 1)
		return NULL;
	list = af_cpuset_format_list(d->cpus);
	finding = g_new0(AfWhatIfFinding, 1);
	finding->kind = AF_WHATIF_ONE_CPU_QUEUES;
	finding->irq = irq->irq;
	finding->device = g_strdup(irq->device);
	finding->n_queues = n;
	finding->cpus = af_cpuset_copy(d->cpus);
	finding->text =
		g_strdup_printf("device %s (%s%s%s): its %u queues all on CPU %s", irq->device,
				irq->driver ? irq->driver : "-", irq->interface ? ", " : "",
				irq->interface ? irq->interface : "", n, list);
	return finding;
}

static gint by_irq(gconstpointer a, gconstpointer b)
{
	const AfWhatIfFinding *x = *(AfWhatIfFinding *const *)a;
	const AfWhatIfFinding *y = *(AfWhatIfFinding *const *)b;

	if (x->irq != y->irq)
		return x->irq < y->irq ? -1 : 1;
	return (int)x->kind - (int)y->kind;
}

GPtrArray *af_whatif_assess(const AfSnapshot *snapshot, const AfHousekeeping *hk,
			    const AfPlan *plan)
{
	GPtrArray *findings =
		g_ptr_array_new_with_free_func((GDestroyNotify)af_whatif_finding_free);
	g_autoptr(GHashTable) devices = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
							      (GDestroyNotify)device_queues_free);
	g_autoptr(GPtrArray) order = g_ptr_array_new();

	for (guint i = 0; i < plan->entries->len; i++) {
		const AfPlanEntry *entry = g_ptr_array_index(plan->entries, i);
		AfWhatIfFinding *finding = managed_isolated(entry->irq, snapshot, hk);

		if (finding)
			g_ptr_array_add(findings, finding);
		add_queue(devices, order, entry, snapshot);
	}
	for (guint i = 0; i < order->len; i++) {
		AfWhatIfFinding *finding = one_cpu_queues(g_ptr_array_index(order, i));

		if (finding)
			g_ptr_array_add(findings, finding);
	}
	g_ptr_array_sort(findings, by_irq);
	return findings;
}

static gboolean same_finding(const AfWhatIfFinding *a, const AfWhatIfFinding *b)
{
	if (a->kind != b->kind)
		return FALSE;
	switch (a->kind) {
	case AF_WHATIF_MANAGED_ISOLATED:
		return a->irq == b->irq;
	case AF_WHATIF_ONE_CPU_QUEUES:
		return g_strcmp0(a->device, b->device) == 0;
	}
	return FALSE;
}

guint af_whatif_mark_caused(GPtrArray *findings, const GPtrArray *baseline)
{
	guint n = 0;

	for (guint i = 0; i < findings->len; i++) {
		AfWhatIfFinding *finding = g_ptr_array_index(findings, i);

		finding->caused = TRUE;
		for (guint j = 0; baseline && j < baseline->len && finding->caused; j++)
			if (same_finding(finding, g_ptr_array_index(baseline, j)))
				finding->caused = FALSE;
		n += finding->caused;
	}
	return n;
}
