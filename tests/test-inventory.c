/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "interrupts.h"
#include "inventory-tree.h"
#include "inventory.h"

static GPtrArray *read_irqs(const char *root, const char *rows)
{
	g_autofree char *text = g_strdup_printf("  CPU0  CPU1\n%s", rows);
	g_autoptr(AfSysroot) sysroot = NULL;
	g_autoptr(AfInterrupts) interrupts = NULL;
	g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *irqs = NULL;

	g_assert_cmpint(af_sysroot_open(root, &sysroot), ==, 0);
	g_assert_cmpint(af_interrupts_parse(text, 2, &interrupts), ==, 0);
	g_assert_cmpint(af_inventory_read_irqs(sysroot, interrupts, 2, warnings, &irqs), ==, 0);
	return irqs;
}

static const AfIrq *find(GPtrArray *irqs, guint number)
{
	for (guint i = 0; i < irqs->len; i++)
		if (((AfIrq *)irqs->pdata[i])->irq == number)
			return irqs->pdata[i];
	return NULL;
}

/*
 * eth1 and eth10 on two devices; a two-port device (eth2, eth3). The
 * interface comes from the owning device's own list: a vector named after
 * eth10 on the two-port device is none of its interfaces.
 */
static void test_read_interfaces(void)
{
	static const struct {
		guint irq;
		const char *name;
		const char *device, *interface;
		AfQueueKind kind;
		int queue;
	} cases[] = {
		{ 40, "eth1-rx-0", "0000:01:00.0", "eth1", AF_QUEUE_RX, 0 },
		{ 41, "eth1-tx-0", "0000:01:00.0", "eth1", AF_QUEUE_TX, 0 },
		{ 42, "eth1", "0000:01:00.0", "eth1", AF_QUEUE_NONE, -1 },
		{ 50, "eth10-TxRx-0", "0000:02:00.0", "eth10", AF_QUEUE_COMBINED, 0 },
		{ 51, "eth10-TxRx-1", "0000:02:00.0", "eth10", AF_QUEUE_COMBINED, 1 },
		{ 60, "eth3-rx-0", "0000:03:00.0", "eth3", AF_QUEUE_RX, 0 },
		{ 61, "eth2-tx-1", "0000:03:00.0", "eth2", AF_QUEUE_TX, 1 },
		{ 62, "eth10-rx-5", "0000:03:00.0", NULL, AF_QUEUE_RX, 5 },
		{ 63, "mlx4-async", "0000:03:00.0", NULL, AF_QUEUE_NONE, -1 },
		/* no owning device: no interface even though the name says eth1 */
		{ 70, "eth1-rx-7", NULL, NULL, AF_QUEUE_RX, 7 },
	};
	const guint a[] = { 40, 41, 42, 0 }, b[] = { 50, 51, 0 }, c[] = { 60, 61, 62, 63, 0 };
	const char *const a_ifs[] = { "eth1", NULL }, *const b_ifs[] = { "eth10", NULL };
	const char *const c_ifs[] = { "eth2", "eth3", NULL };
	g_autoptr(GString) rows = g_string_new(NULL);
	g_autoptr(GPtrArray) irqs = NULL;
	char *root = tree_new();

	tree_add_pci_device(root, "0000:01:00.0", "0x020000\n", "e1000e", "0\n", "0-1\n", a, a_ifs);
	tree_add_pci_device(root, "0000:02:00.0", "0x020000\n", "i40e", "1\n", "0-1\n", b, b_ifs);
	tree_add_pci_device(root, "0000:03:00.0", "0x020000\n", "mlx4_core", "0\n", "0-1\n", c, c_ifs);
	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++)
		tree_add_irq(root, rows, cases[i].irq, "3\n", cases[i].name);
	irqs = read_irqs(root, rows->str);
	g_assert_cmpuint(irqs->len, ==, G_N_ELEMENTS(cases));
	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		const AfIrq *irq = find(irqs, cases[i].irq);

		g_test_message("IRQ %u %s", cases[i].irq, cases[i].name);
		g_assert_nonnull(irq);
		g_assert_cmpstr(irq->name, ==, cases[i].name);
		g_assert_cmpstr(irq->device, ==, cases[i].device);
		g_assert_cmpstr(irq->interface, ==, cases[i].interface);
		g_assert_cmpint(irq->queue_kind, ==, cases[i].kind);
		g_assert_cmpint(irq->queue, ==, cases[i].queue);
		g_assert_cmpint(irq->class, ==, cases[i].device ? AF_IRQ_CLASS_NETWORK : AF_IRQ_CLASS_OTHER);
		g_assert_cmpint(irq->msi, ==, TRUE); /* chip PCI-MSI or msi_irqs */
	}
	g_assert_cmpint(find(irqs, 50)->numa_node, ==, 1);
	tree_free(root);
}

/* A line without a handler is listed from /proc/irq alone; a vanished one is dropped. */
static void test_read_proc_irq_only(void)
{
	g_autoptr(GString) rows = g_string_new(NULL);
	g_autoptr(GPtrArray) irqs = NULL;
	char *root = tree_new();
	const AfIrq *quiet;

	tree_write(root, "proc/irq/3/smp_affinity", "3\n");
	tree_write(root, "proc/irq/3/node", "0\n");
	tree_write(root, "sys/kernel/irq/3/chip_name", "IO-APIC\n");
	tree_write(root, "sys/kernel/irq/3/hwirq", "3\n");
	tree_write(root, "sys/kernel/irq/3/name", "edge\n");
	tree_write(root, "sys/kernel/irq/3/type", "edge\n");
	tree_write(root, "sys/kernel/irq/3/actions", "\n");
	tree_write(root, "proc/irq/default_smp_affinity", "3\n");
	/* per-CPU: a /proc/irq/N without smp_affinity */
	tree_mkdir(root, "proc/irq/5");
	g_string_append(rows, " 5:  1  1  GICv3  27 Level  arch_timer\n");
	g_string_append(rows, " 9:  1  1  IO-APIC  9-fasteoi  gone\n");
	irqs = read_irqs(root, rows->str);
	g_assert_cmpuint(irqs->len, ==, 2);
	quiet = find(irqs, 3);
	g_assert_cmpstr(quiet->name, ==, "");
	g_assert_cmpstr(quiet->chip, ==, "IO-APIC");
	g_assert_cmpstr(quiet->hwirq, ==, "3");
	g_assert_cmpstr(quiet->trigger, ==, "edge");
	g_assert_cmpint(quiet->numa_node, ==, 0);
	g_assert_null(quiet->effective);
	g_assert_false(quiet->per_cpu);
	g_assert_true(find(irqs, 5)->per_cpu);
	g_assert_false(af_irq_is_movable(find(irqs, 5)));
	g_assert_cmpstr(find(irqs, 5)->trigger, ==, "Level");
	g_assert_null(find(irqs, 9));
	tree_free(root);
}

/* virtio-scsi request vectors all have one name: numbered per device in IRQ order. */
static void test_number_queues(void)
{
	static const struct {
		guint irq;
		const char *name, *device;
		int expect;
	} cases[] = {
		{ 27, "virtio2-request", "0000:00:06.0", 0 },
		{ 28, "virtio2-request", "0000:00:06.0", 1 },
		{ 29, "virtio2-request", "0000:00:06.0", 2 },
		{ 30, "virtio3-request", "0000:00:07.0", 0 },
		{ 31, "virtio2-config", "0000:00:06.0", -1 },
		{ 32, "virtio4-request", NULL, -1 },
		{ 33, "virtio0-req.4", "0000:00:08.0", 4 },
	};
	g_autoptr(GPtrArray) irqs = g_ptr_array_new_with_free_func((GDestroyNotify)af_irq_free);

	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		AfIrq *irq = af_irq_new(cases[i].irq);

		irq->name = g_strdup(cases[i].name);
		af_inventory_attach_device(irq, NULL);
		irq->device = g_strdup(cases[i].device);
		g_ptr_array_add(irqs, irq);
	}
	af_inventory_number_queues(irqs);
	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++)
		g_assert_cmpint(((AfIrq *)irqs->pdata[i])->queue, ==, cases[i].expect);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/inventory/read_irqs/interfaces", test_read_interfaces);
	g_test_add_func("/inventory/read_irqs/proc-irq-only", test_read_proc_irq_only);
	g_test_add_func("/inventory/number_queues/virtio-scsi", test_number_queues);
	return g_test_run();
}
