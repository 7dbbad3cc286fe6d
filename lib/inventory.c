/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "inventory.h"
#include "queuename.h"

/* The interface a vector's name points to, among its own device's interfaces only. */
static const char *pick_interface(const AfDevice *device, const AfQueueName *q)
{
	for (guint i = 0; q && q->family == AF_QUEUE_FAMILY_NETDEV && i < device->interfaces->len; i++)
		if (af_queuename_owner_is_interface(q->owner, device->interfaces->pdata[i]))
			return device->interfaces->pdata[i];
	/* msi_irqs says the vector is this device's: with one interface that is it
	 * (names keep the interface name of request_irq() time, before a rename). */
	if (device->interfaces->len == 1)
		return device->interfaces->pdata[0];
	return NULL;
}

void af_inventory_attach_device(AfIrq *irq, const AfDevice *device)
{
	g_autoptr(AfQueueName) q = NULL;

	if (af_queuename_parse(irq->name, &q) == 0) {
		irq->queue = q->queue;
		irq->queue_kind = q->kind;
	}
	if (!device)
		return;
	irq->msi = TRUE;
	g_free(irq->device);
	irq->device = g_strdup(device->address);
	g_free(irq->driver);
	irq->driver = g_strdup(af_device_effective_driver(device));
	irq->class = af_device_class(device);
	if (device->numa_node >= 0)
		irq->numa_node = device->numa_node;
	af_cpuset_free(irq->local_cpus);
	irq->local_cpus = af_cpuset_copy(device->local_cpus);
	g_free(irq->interface);
	irq->interface = NULL;
	if (irq->class == AF_IRQ_CLASS_NETWORK && (!q || q->family != AF_QUEUE_FAMILY_NVME))
		irq->interface = g_strdup(pick_interface(device, q));
}

void af_inventory_number_queues(GPtrArray *irqs)
{
	g_autoptr(GHashTable) next = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	for (guint i = 0; i < irqs->len; i++) {
		AfIrq *irq = irqs->pdata[i];
		g_autofree char *key = NULL;
		gpointer n;

		if (irq->queue >= 0 || irq->queue_kind == AF_QUEUE_NONE || !irq->device)
			continue;
		key = g_strdup_printf("%s/%s", irq->device, irq->name);
		n = g_hash_table_lookup(next, key);
		irq->queue = GPOINTER_TO_INT(n);
		g_hash_table_insert(next, g_steal_pointer(&key), GINT_TO_POINTER(irq->queue + 1));
	}
}

/* /sys/kernel/irq/N/<file>, trailing whitespace removed, or NULL. */
static char *read_optional(AfSysroot *sysroot, guint irq, const char *file)
{
	g_autofree char *path = g_strdup_printf("/sys/kernel/irq/%u/%s", irq, file);
	char *text = NULL;

	if (af_sysroot_read_string(sysroot, path, &text) < 0)
		return NULL;
	return text;
}

static void read_sys_kernel_irq(AfSysroot *sysroot, AfIrq *irq, const AfInterruptsRow *row)
{
	g_autofree char *actions = read_optional(sysroot, irq->irq, "actions");

	/* /proc/interrupts joins actions with ", ", sysfs with ",": keep the former. */
	if (row)
		irq->name = g_strdup(row->name);
	else if (actions) {
		g_auto(GStrv) parts = g_strsplit(actions, ",", -1);
		irq->name = g_strjoinv(", ", parts);
	} else
		irq->name = g_strdup("");
	irq->chip = read_optional(sysroot, irq->irq, "chip_name");
	if (irq->chip && !*irq->chip)
		g_clear_pointer(&irq->chip, g_free);
	if (!irq->chip && row)
		irq->chip = g_strdup(row->chip);
	irq->hwirq = read_optional(sysroot, irq->irq, "hwirq");
	if (irq->hwirq && !*irq->hwirq)
		g_clear_pointer(&irq->hwirq, g_free);
	if (!irq->hwirq && row)
		irq->hwirq = g_strdup(row->hwirq);
	if (row && row->trigger)
		irq->trigger = g_strdup(row->trigger);
	else
		irq->trigger = read_optional(sysroot, irq->irq, "type");
	if (irq->trigger && !*irq->trigger)
		g_clear_pointer(&irq->trigger, g_free);
	irq->msi = irq->chip && strstr(irq->chip, "MSI");

	/* The row's total over the online CPUs' columns. per_cpu_count would add
	 * what offline CPUs served, at the cost of formatting every possible
	 * CPU's count of every IRQ: nothing needs it. */
	if (row)
		irq->total = row->total;
}

/* A read error that the same read may not give again: the kernel busy or short of memory. */
static gboolean transient(int r)
{
	return r == -EIO || r == -EBUSY || r == -ENOMEM || r == -EAGAIN || r == -EINTR ||
	       r == -ENOBUFS;
}

/*
 * Returns -ENOENT when /proc/irq/N went away, -EXDEV when it leads outside
 * the tree: the IRQ is dropped; a transient error (with a warning naming
 * the file): the whole read fails, to be tried again.
 */
static int read_proc_irq(AfSysroot *sysroot, AfIrq *irq, GPtrArray *warnings)
{
	g_autofree char *base = g_strdup_printf("/proc/irq/%u", irq->irq);
	g_autofree char *path = g_strdup_printf("%s/smp_affinity", base);
	g_autofree char *node_path = NULL;
	gint64 node;
	int r;

	r = af_sysroot_read_cpumask(sysroot, path, &irq->affinity);
	if (r == -ENOENT || r == -EXDEV) {
		r = af_sysroot_exists(sysroot, base);
		if (r < 0)
			return r == -EXDEV ? r : -ENOENT;
		/* Per-CPU interrupts have no affinity to set. */
		irq->per_cpu = TRUE;
		irq->managed_detail = g_strdup("no smp_affinity file");
	} else if (transient(r)) {
		g_ptr_array_add(warnings, g_strdup_printf("%s: %s", path, g_strerror(-r)));
		return r;
	} else if (r < 0)
		g_ptr_array_add(warnings,
				g_strdup_printf("%s: %s: not written", path,
						r == -EINVAL || r == -ERANGE ? "not a CPU mask"
									     : g_strerror(-r)));
	g_clear_pointer(&path, g_free);
	path = g_strdup_printf("%s/effective_affinity", base);
	(void)af_sysroot_read_cpumask(sysroot, path, &irq->effective);
	g_clear_pointer(&path, g_free);
	path = g_strdup_printf("%s/affinity_hint", base);
	if (af_sysroot_read_cpumask(sysroot, path, &irq->hint) == 0 && af_cpuset_is_empty(irq->hint))
		g_clear_pointer(&irq->hint, af_cpuset_free);
	node_path = g_strdup_printf("%s/node", base);
	if (af_sysroot_read_int(sysroot, node_path, &node) == 0 && node >= 0 && node < G_MAXINT)
		irq->numa_node = (int)node;
	if (af_sysroot_exists(sysroot, base) < 0)
		return -ENOENT;
	return 0;
}

static gint compare_irq_numbers(gconstpointer a, gconstpointer b)
{
	guint x = *(const guint *)a, y = *(const guint *)b;

	return x < y ? -1 : x > y;
}

/* Every IRQ number: /proc/interrupts rows and /proc/irq/N directories. */
static int list_irq_numbers(AfSysroot *sysroot, const AfInterrupts *interrupts, GArray **ret_numbers)
{
	g_autoptr(GHashTable) seen = g_hash_table_new(NULL, NULL);
	g_autoptr(GPtrArray) names = NULL;
	GArray *numbers = g_array_new(FALSE, FALSE, sizeof(guint));
	GHashTableIter iter;
	gpointer key;
	int r;

	for (guint i = 0; i < interrupts->rows->len; i++) {
		const AfInterruptsRow *row = interrupts->rows->pdata[i];

		g_hash_table_add(seen, GUINT_TO_POINTER(row->irq));
	}
	r = af_sysroot_list(sysroot, "/proc/irq", &names);
	if (r < 0 && r != -ENOENT) {
		g_array_unref(numbers);
		return r;
	}
	for (guint i = 0; names && i < names->len; i++) {
		guint64 irq;

		if (g_ascii_string_to_unsigned(names->pdata[i], 10, 0, G_MAXUINT, &irq, NULL))
			g_hash_table_add(seen, GUINT_TO_POINTER((guint)irq));
	}
	g_hash_table_iter_init(&iter, seen);
	while (g_hash_table_iter_next(&iter, &key, NULL)) {
		guint irq = GPOINTER_TO_UINT(key);
		g_array_append_val(numbers, irq);
	}
	g_array_sort(numbers, compare_irq_numbers);
	*ret_numbers = numbers;
	return 0;
}

/*
 * An IRQ that /proc/interrupts lists, or /proc/irq holds, but whose
 * /proc/irq/N cannot be read is left out, and said: a kernel removes the
 * directory only with the IRQ (a race with the /proc/interrupts read), a
 * tree may lack it or lead elsewhere.
 */
static void warn_dropped(guint irq, const AfInterruptsRow *row, int r, GPtrArray *warnings)
{
	if (!row && r == -ENOENT)
		return; /* listed by /proc/irq itself, gone since: nothing to say */
	g_ptr_array_add(warnings,
			g_strdup_printf("/proc/irq/%u: %s: IRQ %u%s%s%s left out", irq,
					r == -EXDEV
						? "leads outside the tree"
						: "missing though /proc/interrupts lists the IRQ",
					irq, row && *row->name ? " (" : "", row ? row->name : "",
					row && *row->name ? ")" : ""));
}

/*
 * An MSI vector owned by no readable device while some device could not be
 * read may be that device's, and so kernel-managed (a virtio-scsi or nvme
 * queue): it is not written, as a guess, rather than written on a hunch.
 */
static void hold_unowned(AfIrq *irq, GPtrArray *unreadable)
{
	irq->managed = TRUE;
	irq->managed_source = AF_MANAGED_SOURCE_HEURISTIC;
	g_free(irq->managed_detail);
	irq->managed_detail = g_strdup_printf("an MSI vector without a readable device (%s cannot "
					      "be read): possibly a managed queue",
					      (const char *)unreadable->pdata[0]);
}

int af_inventory_read_irqs(AfSysroot *sysroot, const AfInterrupts *interrupts, guint nr_cpu_ids,
			   GPtrArray *warnings, GPtrArray **ret_irqs)
{
	g_autoptr(GPtrArray) irqs = g_ptr_array_new_with_free_func((GDestroyNotify)af_irq_free);
	g_autoptr(GHashTable) rows = g_hash_table_new(NULL, NULL);
	g_autoptr(AfDevices) devices = NULL;
	g_autoptr(GArray) numbers = NULL;
	int r;

	r = list_irq_numbers(sysroot, interrupts, &numbers);
	if (r < 0)
		return r;
	r = af_devices_read(sysroot, &devices);
	if (transient(r)) {
		/* Without them managed queues look movable: no guess, read again. */
		g_ptr_array_add(warnings, g_strdup_printf("/sys/bus/pci/devices: %s", g_strerror(-r)));
		return r;
	}
	if (r < 0) {
		g_ptr_array_add(warnings, g_strdup_printf("cannot list PCI devices: %s", g_strerror(-r)));
		devices = af_devices_new();
	}
	for (guint i = 0; i < interrupts->rows->len; i++) {
		const AfInterruptsRow *row = interrupts->rows->pdata[i];

		g_hash_table_insert(rows, GUINT_TO_POINTER(row->irq), (gpointer)row);
	}
	for (guint i = 0; i < numbers->len; i++) {
		guint number = g_array_index(numbers, guint, i);
		const AfInterruptsRow *row = g_hash_table_lookup(rows, GUINT_TO_POINTER(number));
		g_autoptr(AfIrq) irq = af_irq_new(number);

		r = read_proc_irq(sysroot, irq, warnings);
		if (transient(r))
			return r;
		if (r < 0) {
			warn_dropped(number, row, r, warnings);
			continue;
		}
		read_sys_kernel_irq(sysroot, irq, row);
		af_inventory_attach_device(irq, af_devices_lookup_irq(devices, number));
		if (!irq->device && irq->msi && af_irq_has_handler(irq) && devices->unreadable)
			hold_unowned(irq, devices->unreadable);
		g_ptr_array_add(irqs, g_steal_pointer(&irq));
	}
	for (guint i = 0; devices->unreadable && i < devices->unreadable->len; i++)
		g_ptr_array_add(
			warnings,
			g_strdup_printf("%s: %s", (const char *)devices->unreadable->pdata[i],
					"cannot be read (a link on the way leads outside the "
					"tree, or nowhere): its MSI vectors cannot be told "
					"apart from other devices'"));
	af_inventory_number_queues(irqs);
	*ret_irqs = g_steal_pointer(&irqs);
	return 0;
}
