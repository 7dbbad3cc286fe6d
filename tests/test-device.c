/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "device.h"
#include "inventory-tree.h"

static void test_read_tree(void)
{
	char *root = tree_new();
	const guint nvme_irqs[] = { 40, 41, 42, 0 };
	const guint nic_irqs[] = { 60, 61, 0 };
	const guint vnet_irqs[] = { 70, 71, 72, 0 };
	const char *const nic_ifs[] = { "eth1", "eth0", NULL };
	g_autoptr(AfSysroot) sysroot = NULL;
	g_autoptr(AfDevices) devices = NULL;
	const AfDevice *nvme, *nic, *vnet;

	tree_add_pci_device(root, "0000:42:00.0", "0x010802\n", "nvme", "1\n", "8-15\n", nvme_irqs, NULL);
	tree_add_pci_device(root, "0000:3b:00.0", "0x020000\n", "ixgbe", "0\n", "0-7\n", nic_irqs, nic_ifs);
	tree_add_pci_device(root, "0000:00:03.0", "0x020000\n", "virtio-pci", "-1\n", "0-15\n", vnet_irqs, NULL);
	tree_link(root, "sys/devices/pci0000:00/0000:00:03.0/virtio1/driver",
		  "../../../../bus/virtio/drivers/virtio_net");
	tree_mkdir(root, "sys/devices/pci0000:00/0000:00:03.0/virtio1/net/ens3");
	/* A device without MSI vectors is not listed. */
	tree_add_pci_device(root, "0000:00:1f.0", "0x060100\n", NULL, "-1\n", "0-15\n", NULL, NULL);
	/* A msi_irqs entry that is no number is ignored. */
	tree_write(root, "sys/devices/pci0000:00/0000:42:00.0/msi_irqs/garbage", "");

	g_assert_cmpint(af_sysroot_open(root, &sysroot), ==, 0);
	g_assert_cmpint(af_devices_read(sysroot, &devices), ==, 0);
	g_assert_cmpuint(devices->devices->len, ==, 3);
	g_assert_cmpuint(g_hash_table_size(devices->by_irq), ==, 8);
	nvme = af_devices_lookup_irq(devices, 41);
	nic = af_devices_lookup_irq(devices, 61);
	vnet = af_devices_lookup_irq(devices, 70);
	g_assert_null(af_devices_lookup_irq(devices, 43));

	g_assert_cmpstr(nvme->address, ==, "0000:42:00.0");
	g_assert_cmpstr(nvme->driver, ==, "nvme");
	g_assert_cmphex(nvme->class_code, ==, 0x010802);
	g_assert_cmpint(nvme->numa_node, ==, 1);
	g_assert_cmpuint(af_cpuset_count(nvme->local_cpus), ==, 8);
	g_assert_cmpuint(nvme->irqs->len, ==, 3);
	g_assert_cmpint(af_device_class(nvme), ==, AF_IRQ_CLASS_STORAGE);
	g_assert_cmpstr(af_device_effective_driver(nvme), ==, "nvme");

	g_assert_cmpuint(nic->interfaces->len, ==, 2);
	/* sorted */
	g_assert_cmpstr(nic->interfaces->pdata[0], ==, "eth0");
	g_assert_cmpstr(nic->interfaces->pdata[1], ==, "eth1");
	g_assert_cmpint(af_device_class(nic), ==, AF_IRQ_CLASS_NETWORK);
	g_assert_null(nic->virtio);

	g_assert_cmpstr(vnet->driver, ==, "virtio-pci");
	g_assert_cmpstr(vnet->virtio, ==, "virtio1");
	g_assert_cmpstr(vnet->virtio_driver, ==, "virtio_net");
	g_assert_cmpstr(af_device_effective_driver(vnet), ==, "virtio_net");
	g_assert_cmpint(vnet->numa_node, ==, -1);
	g_assert_cmpuint(vnet->interfaces->len, ==, 1);
	g_assert_cmpstr(vnet->interfaces->pdata[0], ==, "ens3");
	tree_free(root);
}

static void test_read_no_pci(void)
{
	char *root = tree_new();
	g_autoptr(AfSysroot) sysroot = NULL;
	g_autoptr(AfDevices) devices = NULL;

	g_assert_cmpint(af_sysroot_open(root, &sysroot), ==, 0);
	g_assert_cmpint(af_devices_read(sysroot, &devices), ==, 0);
	g_assert_cmpuint(devices->devices->len, ==, 0);
	tree_free(root);
}

static void test_class_table(void)
{
	static const struct {
		guint32 class_code;
		gboolean has_class;
		const char *driver, *virtio_driver, *ifname;
		AfIrqClass expect;
	} cases[] = {
		{ 0x020000, TRUE, "e1000e", NULL, NULL, AF_IRQ_CLASS_NETWORK },
		{ 0x028000, TRUE, "iwlwifi", NULL, NULL, AF_IRQ_CLASS_NETWORK },
		{ 0x010802, TRUE, "nvme", NULL, NULL, AF_IRQ_CLASS_STORAGE },
		{ 0x010601, TRUE, "ahci", NULL, NULL, AF_IRQ_CLASS_STORAGE },
		{ 0x010700, TRUE, "mpt3sas", NULL, NULL, AF_IRQ_CLASS_STORAGE },
		/* virtio's PCI class says little: the sub-driver decides */
		{ 0x000200, TRUE, "virtio-pci", "virtio_net", NULL, AF_IRQ_CLASS_NETWORK },
		{ 0x000200, TRUE, "virtio-pci", "virtio_blk", NULL, AF_IRQ_CLASS_STORAGE },
		{ 0x000200, TRUE, "virtio-pci", "9pnet_virtio", NULL, AF_IRQ_CLASS_OTHER },
		/* no class file: driver or interfaces decide */
		{ 0, FALSE, "megaraid_sas", NULL, NULL, AF_IRQ_CLASS_STORAGE },
		{ 0, FALSE, "weird", NULL, "eth5", AF_IRQ_CLASS_NETWORK },
		{ 0, FALSE, NULL, NULL, NULL, AF_IRQ_CLASS_OTHER },
		/* class 0 with has_class is not "network" */
		{ 0x000000, TRUE, "xhci_hcd", NULL, NULL, AF_IRQ_CLASS_OTHER },
		{ 0x0c0330, TRUE, "xhci_hcd", NULL, NULL, AF_IRQ_CLASS_OTHER },
	};

	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		AfDevice device = {
			.class_code = cases[i].class_code,
			.has_class = cases[i].has_class,
			.driver = (char *)cases[i].driver,
			.virtio_driver = (char *)cases[i].virtio_driver,
			.interfaces = g_ptr_array_new(),
		};

		if (cases[i].ifname)
			g_ptr_array_add(device.interfaces, (char *)cases[i].ifname);
		g_assert_cmpint(af_device_class(&device), ==, cases[i].expect);
		g_ptr_array_unref(device.interfaces);
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/device/read/tree", test_read_tree);
	g_test_add_func("/device/read/no-pci", test_read_no_pci);
	g_test_add_func("/device/class/table", test_class_table);
	return g_test_run();
}
