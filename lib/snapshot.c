/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdarg.h>

#include "cpus.h"
#include "interrupts.h"
#include "inventory.h"
#include "learned.h"
#include "managed.h"
#include "snapshot.h"

AfSnapshot *af_snapshot_new(void)
{
	AfSnapshot *snapshot = g_new0(AfSnapshot, 1);

	snapshot->possible = af_cpuset_new();
	snapshot->present = af_cpuset_new();
	snapshot->online = af_cpuset_new();
	snapshot->offline = af_cpuset_new();
	snapshot->cmdline = af_cmdline_parse("", 0);
	snapshot->irqs = g_ptr_array_new_with_free_func((GDestroyNotify)af_irq_free);
	snapshot->by_irq = g_hash_table_new(NULL, NULL);
	snapshot->warnings = g_ptr_array_new_with_free_func(g_free);
	snapshot->netifs = af_netifs_new();
	return snapshot;
}

void af_snapshot_free(AfSnapshot *snapshot)
{
	if (!snapshot)
		return;
	af_cpuset_free(snapshot->possible);
	af_cpuset_free(snapshot->present);
	af_cpuset_free(snapshot->online);
	af_cpuset_free(snapshot->offline);
	g_free(snapshot->kernel_release);
	af_cmdline_free(snapshot->cmdline);
	af_topology_free(snapshot->topology);
	g_hash_table_unref(snapshot->by_irq);
	g_ptr_array_unref(snapshot->irqs);
	g_ptr_array_unref(snapshot->warnings);
	af_netifs_free(snapshot->netifs);
	g_free(snapshot);
}

void af_snapshot_add_irq(AfSnapshot *snapshot, AfIrq *irq)
{
	AfIrq *old = g_hash_table_lookup(snapshot->by_irq, GUINT_TO_POINTER(irq->irq));
	guint at = snapshot->irqs->len;

	/* Usually appended in order: search backwards for the place. */
	while (at > 0 && ((AfIrq *)snapshot->irqs->pdata[at - 1])->irq >= irq->irq)
		at--;
	if (old)
		g_ptr_array_remove_index(snapshot->irqs, at);
	g_ptr_array_insert(snapshot->irqs, (gint)at, irq);
	g_hash_table_insert(snapshot->by_irq, GUINT_TO_POINTER(irq->irq), irq);
}

AfIrq *af_snapshot_lookup(const AfSnapshot *snapshot, guint irq)
{
	return g_hash_table_lookup(snapshot->by_irq, GUINT_TO_POINTER(irq));
}

static void warn(AfSnapshot *snapshot, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void warn(AfSnapshot *snapshot, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_ptr_array_add(snapshot->warnings, g_strdup_vprintf(fmt, ap));
	va_end(ap);
}

/* The CPU lists (cpus.h): online is required, possible and present fall back. */
static int read_cpus(AfSysroot *sysroot, AfSnapshot *snapshot, GError **error)
{
	g_autoptr(AfCpus) cpus = NULL;
	int r;

	r = af_cpus_read(sysroot, &cpus, error);
	if (r < 0)
		return r;
	af_cpuset_assign(snapshot->online, cpus->online);
	af_cpuset_assign(snapshot->present, cpus->present);
	af_cpuset_assign(snapshot->possible, cpus->possible);
	af_cpuset_assign(snapshot->offline, cpus->offline);
	snapshot->nr_cpu_ids = cpus->nr_cpu_ids;
	for (guint i = 0; i < cpus->warnings->len; i++)
		warn(snapshot, "%s", (const char *)cpus->warnings->pdata[i]);
	return 0;
}

/* osrelease, else the third word of /proc/version ("Linux version 6.1.0-56-amd64 ..."). */
static char *read_kernel_release(AfSysroot *sysroot)
{
	g_autofree char *version = NULL;
	g_auto(GStrv) words = NULL;
	char *release = NULL;

	if (af_sysroot_read_string(sysroot, "/proc/sys/kernel/osrelease", &release) == 0 && *release)
		return release;
	g_free(release);
	if (af_sysroot_read_string(sysroot, "/proc/version", &version) < 0)
		return NULL;
	words = g_strsplit_set(version, " \t", 4);
	if (g_strv_length(words) < 3 || !g_str_equal(words[0], "Linux") ||
	    !g_str_equal(words[1], "version"))
		return NULL;
	return g_strdup(words[2]);
}

/*
 * A tree without /proc/cmdline (a partial capture) has no isolation from
 * the command line; any other failure (EIO, ENOMEM) fails the read: taking
 * it for "no isolation" would put IRQs on the isolated CPUs.
 */
static int read_cmdline(AfSysroot *sysroot, AfSnapshot *snapshot, GError **error)
{
	g_autofree char *text = NULL;
	int r;

	r = af_sysroot_read_string(sysroot, "/proc/cmdline", &text);
	if (r < 0 && r != -ENOENT) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(-r), "/proc/cmdline: %s",
			    g_strerror(-r));
		return r;
	}
	if (r < 0)
		warn(snapshot, "cannot read /proc/cmdline (%s): no isolation from the command line",
		     g_strerror(-r));
	af_cmdline_free(snapshot->cmdline);
	snapshot->cmdline = af_cmdline_parse(text ? text : "", snapshot->nr_cpu_ids);
	for (guint i = 0; i < snapshot->cmdline->warnings->len; i++)
		warn(snapshot, "%s", (const char *)snapshot->cmdline->warnings->pdata[i]);
	return 0;
}

/*
 * hwloc describes online CPUs only, and the rest of a CPU's place (node,
 * package, cache, core) does not change while the machine runs: a cached
 * topology that knows every online CPU is as good as a new load, which costs
 * thousands of sysfs reads (and CPUID on every CPU).
 */
static void read_topology(AfSysroot *sysroot, AfSnapshot *snapshot, AfTopology **cache)
{
	int r;

	if (cache && *cache && af_cpuset_is_subset(snapshot->online, (*cache)->known)) {
		snapshot->topology = af_topology_copy(*cache);
		return;
	}
	r = af_topology_load(sysroot, &snapshot->topology);
	if (r == 0) {
		if (cache) {
			af_topology_free(*cache);
			*cache = af_topology_copy(snapshot->topology);
		}
		return;
	}
	warn(snapshot, "cannot read the CPU topology (%s): placing without it", g_strerror(-r));
	/* An empty topology: every CPU unknown, as af_topology_cpu() then says. */
	snapshot->topology = g_new0(AfTopology, 1);
	snapshot->topology->known = af_cpuset_new();
}

/*
 * /proc/interrupts streamed and gathered without per-CPU counts (nothing
 * needs them: the planner weighs IRQs by their totals). A file that cannot
 * be used fails the read with an error naming it (and the line); what the
 * parse kept or left out becomes one warning each.
 */
static int read_interrupts(AfSysroot *sysroot, AfSnapshot *snapshot, AfInterrupts **ret_interrupts,
			   GError **error)
{
	const char *path = "/proc/interrupts";
	AfInterruptsNotes notes = {0};
	AfInterrupts *interrupts = NULL;
	int r;

	r = af_interrupts_read(sysroot, path, snapshot->nr_cpu_ids, &interrupts, &notes);
	if (r == -EINVAL && notes.bad_header_line > 0)
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
			    "%s:%u: not the header naming the CPUs (\"CPU0 CPU1 ...\")", path,
			    notes.bad_header_line);
	else if (r == -EINVAL)
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
			    "%s: empty: no header naming the CPUs", path);
	else if (r == -EXDEV)
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
			    "%s: a link on the way leads outside the tree", path);
	else if (r < 0)
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(-r), "%s: %s", path,
			    g_strerror(-r));
	if (r < 0)
		return r;
	af_interrupts_notes_describe(&notes, path, interrupts->n_columns, snapshot->warnings);
	*ret_interrupts = interrupts;
	return 0;
}

/* previous's IRQ, copied, with its placement read again; -ESTALE when it is gone. */
static int refresh_irq(AfSysroot *sysroot, const AfIrq *old, const AfInterruptsRow *row,
		       AfLearned *learned, AfIrq **ret_irq)
{
	g_autoptr(AfIrq) irq = af_irq_copy(old);
	g_autofree char *path = g_strdup_printf("/proc/irq/%u/smp_affinity", irq->irq);
	int r;

	if (!irq->per_cpu) {
		g_clear_pointer(&irq->affinity, af_cpuset_free);
		r = af_sysroot_read_cpumask(sysroot, path, &irq->affinity);
		if (r == -ENOENT)
			return -ESTALE;
	}
	g_clear_pointer(&irq->effective, af_cpuset_free);
	g_free(path);
	path = g_strdup_printf("/proc/irq/%u/effective_affinity", irq->irq);
	(void)af_sysroot_read_cpumask(sysroot, path, &irq->effective);
	if (row)
		irq->total = row->total;
	if (!irq->managed && af_learned_contains(learned, irq->irq, irq->name)) {
		irq->managed = TRUE;
		irq->managed_source = AF_MANAGED_SOURCE_LEARNED;
		g_free(irq->managed_detail);
		irq->managed_detail = g_strdup("an earlier write was refused");
	}
	*ret_irq = g_steal_pointer(&irq);
	return 0;
}

int af_snapshot_refresh(AfSysroot *sysroot, const AfSnapshot *previous, AfLearned *learned,
			AfTopology **topology_cache, AfSnapshot **ret_snapshot, GError **error)
{
	g_autoptr(AfSnapshot) snapshot = af_snapshot_new();
	g_autoptr(AfInterrupts) interrupts = NULL;
	g_autoptr(GHashTable) rows = g_hash_table_new(NULL, NULL);
	int r;

	if (!previous)
		return -ESTALE;
	r = read_cpus(sysroot, snapshot, error);
	if (r < 0)
		return r;
	if (!af_cpuset_equal(snapshot->possible, previous->possible))
		return -ESTALE;
	r = read_interrupts(sysroot, snapshot, &interrupts, error);
	if (r < 0)
		return r;
	/* The same IRQs: every row is one of previous's under the same name, and
	 * every IRQ of previous with a name still has its row. */
	for (guint i = 0; i < interrupts->rows->len; i++) {
		const AfInterruptsRow *row = interrupts->rows->pdata[i];
		const AfIrq *old = af_snapshot_lookup(previous, row->irq);

		if (!old || g_strcmp0(old->name, row->name) != 0)
			return -ESTALE;
		g_hash_table_insert(rows, GUINT_TO_POINTER(row->irq), (gpointer)row);
	}
	for (guint i = 0; i < previous->irqs->len; i++) {
		const AfIrq *old = previous->irqs->pdata[i];
		const AfInterruptsRow *row = g_hash_table_lookup(rows, GUINT_TO_POINTER(old->irq));
		AfIrq *irq = NULL;

		if (af_irq_has_handler(old) && !row)
			return -ESTALE;
		r = refresh_irq(sysroot, old, row, learned, &irq);
		if (r < 0)
			return r;
		af_snapshot_add_irq(snapshot, irq);
	}
	af_netifs_free(g_steal_pointer(&snapshot->netifs));
	r = af_netifs_refresh(sysroot, previous->netifs, snapshot->irqs, &snapshot->netifs);
	if (r < 0)
		return r;
	snapshot->kernel_release = g_strdup(previous->kernel_release);
	snapshot->arch = previous->arch;
	r = read_cmdline(sysroot, snapshot, error);
	if (r < 0)
		return r;
	read_topology(sysroot, snapshot, topology_cache);
	/* What could not be read is what the full read said (the same files). */
	g_ptr_array_set_size(snapshot->warnings, 0);
	for (guint i = 0; i < previous->warnings->len; i++)
		g_ptr_array_add(snapshot->warnings, g_strdup(previous->warnings->pdata[i]));
	*ret_snapshot = g_steal_pointer(&snapshot);
	return 0;
}

int af_snapshot_read(AfSysroot *sysroot, AfLearned *learned, AfSnapshot **ret_snapshot)
{
	return af_snapshot_read_cached(sysroot, learned, NULL, ret_snapshot, NULL);
}

int af_snapshot_read_cached(AfSysroot *sysroot, AfLearned *learned, AfTopology **topology_cache,
			    AfSnapshot **ret_snapshot, GError **error)
{
	g_autoptr(AfSnapshot) snapshot = af_snapshot_new();
	g_autoptr(AfInterrupts) interrupts = NULL;
	g_autoptr(GPtrArray) irqs = NULL;
	guint n_warnings;
	int r;

	r = read_cpus(sysroot, snapshot, error);
	if (r < 0)
		return r;
	r = read_interrupts(sysroot, snapshot, &interrupts, error);
	if (r < 0)
		return r;
	snapshot->kernel_release = read_kernel_release(sysroot);
	snapshot->arch = af_arch_read(sysroot);
	r = read_cmdline(sysroot, snapshot, error);
	if (r < 0)
		return r;
	read_topology(sysroot, snapshot, topology_cache);

	n_warnings = snapshot->warnings->len;
	r = af_inventory_read_irqs(sysroot, interrupts, snapshot->nr_cpu_ids, snapshot->warnings, &irqs);
	if (r < 0 && snapshot->warnings->len > n_warnings) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(-r), "%s",
			    (const char *)snapshot->warnings->pdata[snapshot->warnings->len - 1]);
		return r;
	}
	if (r < 0) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(-r),
			    "/proc/irq: cannot be listed: %s", g_strerror(-r));
		return r;
	}
	af_managed_detect(sysroot, snapshot->kernel_release, learned, snapshot->possible, irqs);
	af_netifs_free(g_steal_pointer(&snapshot->netifs));
	r = af_netifs_read(sysroot, irqs, snapshot->warnings, &snapshot->netifs);
	if (r < 0)
		return r;
	for (guint i = 0; i < irqs->len; i++)
		af_snapshot_add_irq(snapshot, g_steal_pointer(&irqs->pdata[i]));
	g_ptr_array_set_free_func(irqs, NULL);
	*ret_snapshot = g_steal_pointer(&snapshot);
	return 0;
}
