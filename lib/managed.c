/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "device.h"
#include "managed.h"
#include "queuename.h"

static const struct {
	const char *name;
	AfIrqdFlags flag;
} irqd_flags[] = {
	{ "IRQD_AFFINITY_MANAGED", AF_IRQD_AFFINITY_MANAGED },
	{ "IRQD_PER_CPU", AF_IRQD_PER_CPU },
	{ "IRQD_NO_BALANCING", AF_IRQD_NO_BALANCING },
};

/*
 * kernel/irq/debugfs.c prints "dstate:   0x..." and then one indented line
 * per set flag, up to the next "name:" line.
 */
guint af_managed_parse_debugfs(const char *text)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	gboolean in_dstate = FALSE;
	guint flags = 0;

	for (char **line = lines; *line; line++) {
		const char *word = *line;

		if (*word != ' ' && *word != '\t') {
			in_dstate = g_str_has_prefix(word, "dstate:");
			continue;
		}
		if (!in_dstate)
			continue;
		while (*word == ' ' || *word == '\t')
			word++;
		g_autofree char *flag = g_strdup(word);
		g_strchomp(flag);
		for (gsize i = 0; i < G_N_ELEMENTS(irqd_flags); i++)
			if (g_str_equal(flag, irqd_flags[i].name))
				flags |= irqd_flags[i].flag;
	}
	return flags;
}

static char *format_flags(guint flags)
{
	g_autoptr(GString) s = g_string_new(NULL);

	for (gsize i = 0; i < G_N_ELEMENTS(irqd_flags); i++) {
		if (!(flags & irqd_flags[i].flag))
			continue;
		if (s->len)
			g_string_append_c(s, ' ');
		g_string_append(s, irqd_flags[i].name);
	}
	return g_string_free(g_steal_pointer(&s), FALSE);
}

gboolean af_managed_release_has_readonly_mode(const char *release)
{
	guint64 major, minor;
	char *end;

	if (!release || !g_ascii_isdigit(*release))
		return FALSE;
	major = g_ascii_strtoull(release, &end, 10);
	if (*end != '.' || !g_ascii_isdigit(end[1]))
		return FALSE;
	minor = g_ascii_strtoull(end + 1, &end, 10);
	return major > 6 || (major == 6 && minor >= 12);
}

static void mark(AfIrq *irq, AfManagedSource source, char *detail)
{
	irq->managed = TRUE;
	irq->managed_source = source;
	g_free(irq->managed_detail);
	irq->managed_detail = detail;
}

/*
 * The x86 legacy lines the kernel refuses: IRQ 0 is the timer (requested
 * IRQF_NOBALANCING), IRQ 2 the 8259 cascade, and the XT-PIC chip has no
 * irq_set_affinity at all.
 */
static const char *x86_fixed_reason(const AfIrq *irq)
{
	if (irq->irq == 0 && g_strcmp0(irq->name, "timer") == 0)
		return "x86 timer IRQ 0: the kernel refuses to move it";
	if (irq->irq == 2 && (g_strcmp0(irq->name, "cascade") == 0 ||
			      g_strcmp0(irq->chip, "XT-PIC") == 0 || g_strcmp0(irq->chip, "IO-APIC") == 0))
		return "x86 IRQ 2 (8259 cascade): the kernel refuses to move it";
	if (g_strcmp0(irq->chip, "XT-PIC") == 0)
		return "XT-PIC chip cannot set affinity";
	return NULL;
}

static gboolean is_candidate(const AfIrq *irq, GHashTable *settled)
{
	return !irq->per_cpu && !irq->managed &&
	       !(settled && g_hash_table_contains(settled, GUINT_TO_POINTER(irq->irq)));
}

/* Vectors of the device at address, in IRQ order. */
static GPtrArray *device_vectors(GPtrArray *irqs, const char *address)
{
	GPtrArray *vectors = g_ptr_array_new();

	for (guint i = 0; i < irqs->len; i++) {
		AfIrq *irq = irqs->pdata[i];

		if (g_strcmp0(irq->device, address) == 0)
			g_ptr_array_add(vectors, irq);
	}
	return vectors;
}

static gboolean is_spreadable(const AfIrq *irq)
{
	return irq->affinity && !af_cpuset_is_empty(irq->affinity) && !irq->hint;
}

/*
 * The kernel spreads a driver's managed queue vectors with
 * group_cpus_evenly(): consecutive vectors with disjoint masks that together
 * cover every possible CPU. Pre-vectors (config, admin) come before them and
 * post-vectors after, with the default mask. Returns the longest such run of
 * the device's vectors (the later one on a tie: pre-vectors come first), or
 * NULL. One vector covering every CPU is a run of one: callers that cannot
 * tell it from a default mask require two.
 */
static GPtrArray *find_spread(GPtrArray *vectors, const AfCpuSet *possible)
{
	guint best_start = 0, best_len = 0;
	GPtrArray *spread;

	for (guint i = 0; i < vectors->len; i++) {
		g_autoptr(AfCpuSet) cover = af_cpuset_new();

		for (guint j = i; j < vectors->len; j++) {
			const AfIrq *irq = vectors->pdata[j];

			if (!is_spreadable(irq) || af_cpuset_intersects(cover, irq->affinity))
				break;
			af_cpuset_or(cover, irq->affinity);
			if (af_cpuset_equal(cover, possible) && j - i + 1 >= best_len) {
				best_start = i;
				best_len = j - i + 1;
			}
		}
	}
	if (best_len == 0)
		return NULL;
	spread = g_ptr_array_new();
	for (guint i = best_start; i < best_start + best_len; i++)
		g_ptr_array_add(spread, vectors->pdata[i]);
	return spread;
}

static gboolean in_array(GPtrArray *array, gconstpointer item)
{
	return array && g_ptr_array_find(array, item, NULL);
}

/* Rules for one device's vectors; the driver and the names decide. */
static void guess_device(GPtrArray *vectors, const AfCpuSet *possible, GHashTable *settled)
{
	const AfIrq *first = vectors->pdata[0];
	g_autoptr(GPtrArray) spread = NULL;
	guint n_requests = 0;

	for (guint i = 0; i < vectors->len; i++) {
		g_autoptr(AfQueueName) q = NULL;
		const AfIrq *irq = vectors->pdata[i];

		if (af_queuename_parse(irq->name, &q) == 0 && q->storage)
			n_requests++;
	}
	if (first->class != AF_IRQ_CLASS_NETWORK)
		spread = find_spread(vectors, possible);
	for (guint i = 0; i < vectors->len; i++) {
		AfIrq *irq = vectors->pdata[i];
		g_autoptr(AfQueueName) q = NULL;
		const char *driver = irq->driver;
		gboolean in_spread = in_array(spread, irq);

		if (!is_candidate(irq, settled))
			continue;
		if (af_queuename_parse(irq->name, &q) < 0)
			q = NULL;
		if (q && q->family == AF_QUEUE_FAMILY_NVME && q->storage)
			mark(irq, AF_MANAGED_SOURCE_HEURISTIC,
			     g_strdup_printf("nvme I/O queue %d", q->queue));
		else if (q && g_strcmp0(driver, "virtio_scsi") == 0 && q->storage)
			mark(irq, AF_MANAGED_SOURCE_HEURISTIC, g_strdup("virtio-scsi request queue"));
		else if (q && g_strcmp0(driver, "virtio_blk") == 0 && q->storage &&
			 (n_requests > 1 || in_spread || af_cpuset_equal(irq->affinity, possible)))
			mark(irq, AF_MANAGED_SOURCE_HEURISTIC,
			     g_strdup_printf("virtio-blk request queue %d", q->queue));
		else if (af_device_driver_is_hba(driver) && in_spread)
			mark(irq, AF_MANAGED_SOURCE_HEURISTIC,
			     g_strdup_printf("%s HBA queue vector", driver));
		/* Only storage: affinityd's own spreading of other vectors looks the same. */
		else if (in_spread && spread->len >= 2 && irq->class == AF_IRQ_CLASS_STORAGE)
			mark(irq, AF_MANAGED_SOURCE_HEURISTIC,
			     g_strdup_printf("%s queue vectors spread like group_cpus_evenly()",
					     driver ? driver : "device"));
	}
}

void af_managed_guess(GPtrArray *irqs, const AfCpuSet *possible, GHashTable *settled)
{
	g_autoptr(GHashTable) done = g_hash_table_new(g_str_hash, g_str_equal);

	for (guint i = 0; i < irqs->len; i++) {
		AfIrq *irq = irqs->pdata[i];
		const char *reason = x86_fixed_reason(irq);

		if (reason && !irq->per_cpu && !irq->managed)
			mark(irq, AF_MANAGED_SOURCE_HEURISTIC, g_strdup(reason));
	}
	for (guint i = 0; i < irqs->len; i++) {
		const AfIrq *irq = irqs->pdata[i];
		g_autoptr(GPtrArray) vectors = NULL;

		if (!irq->device || g_hash_table_contains(done, irq->device))
			continue;
		g_hash_table_add(done, irq->device);
		vectors = device_vectors(irqs, irq->device);
		guess_device(vectors, possible, settled);
	}
}

/* debugfs is authoritative when the file is there: returns TRUE then. */
static gboolean detect_debugfs(AfSysroot *sysroot, AfIrq *irq)
{
	g_autofree char *path = g_strdup_printf("/sys/kernel/debug/irq/irqs/%u", irq->irq);
	g_autofree char *text = NULL;
	guint flags;

	if (af_sysroot_read(sysroot, path, &text, NULL) < 0)
		return FALSE;
	flags = af_managed_parse_debugfs(text);
	if (flags & AF_IRQD_PER_CPU) {
		irq->per_cpu = TRUE;
		irq->managed_source = AF_MANAGED_SOURCE_DEBUGFS;
		g_free(irq->managed_detail);
		irq->managed_detail = format_flags(flags);
	} else if (flags & (AF_IRQD_AFFINITY_MANAGED | AF_IRQD_NO_BALANCING)) {
		mark(irq, AF_MANAGED_SOURCE_DEBUGFS, format_flags(flags));
	}
	return TRUE;
}

/* From 6.12 the kernel creates smp_affinity 0444 for IRQs user space may not set. */
static gboolean detect_mode(AfSysroot *sysroot, AfIrq *irq)
{
	g_autofree char *path = g_strdup_printf("/proc/irq/%u/smp_affinity", irq->irq);
	mode_t mode;

	if (af_sysroot_mode(sysroot, path, &mode) < 0 || (mode & 0222))
		return FALSE;
	mark(irq, AF_MANAGED_SOURCE_MODE, g_strdup_printf("smp_affinity mode %04o", mode & 07777));
	return TRUE;
}

static gboolean detect_learned(AfLearned *learned, AfIrq *irq)
{
	/* A reused number with another name is another IRQ. */
	if (!af_learned_contains(learned, irq->irq, irq->name))
		return FALSE;
	mark(irq, AF_MANAGED_SOURCE_LEARNED, g_strdup("an earlier write was refused"));
	return TRUE;
}

void af_managed_detect(AfSysroot *sysroot, const char *kernel_release, AfLearned *learned,
		       const AfCpuSet *possible, GPtrArray *irqs)
{
	g_autoptr(GHashTable) settled = g_hash_table_new(NULL, NULL);
	gboolean use_mode = af_managed_release_has_readonly_mode(kernel_release);

	for (guint i = 0; i < irqs->len; i++) {
		AfIrq *irq = irqs->pdata[i];

		if (irq->per_cpu)
			continue;
		if (detect_debugfs(sysroot, irq)) {
			g_hash_table_add(settled, GUINT_TO_POINTER(irq->irq));
			if (irq->per_cpu || irq->managed)
				continue;
		}
		if (use_mode && detect_mode(sysroot, irq))
			continue;
		(void)detect_learned(learned, irq);
	}
	af_managed_guess(irqs, possible, settled);
}
