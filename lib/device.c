/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "device.h"

#define PCI_DEVICES "/sys/bus/pci/devices"

void af_device_free(AfDevice *device)
{
	if (!device)
		return;
	g_free(device->address);
	g_free(device->driver);
	g_free(device->virtio);
	g_free(device->virtio_driver);
	af_cpuset_free(device->local_cpus);
	g_ptr_array_unref(device->interfaces);
	g_array_unref(device->irqs);
	g_free(device);
}

AfDevices *af_devices_new(void)
{
	AfDevices *devices = g_new0(AfDevices, 1);

	devices->devices = g_ptr_array_new_with_free_func((GDestroyNotify)af_device_free);
	devices->by_irq = g_hash_table_new(NULL, NULL);
	return devices;
}

void af_devices_free(AfDevices *devices)
{
	if (!devices)
		return;
	g_hash_table_unref(devices->by_irq);
	g_ptr_array_unref(devices->devices);
	if (devices->unreadable)
		g_ptr_array_unref(devices->unreadable);
	g_free(devices);
}

const AfDevice *af_devices_lookup_irq(const AfDevices *devices, guint irq)
{
	return g_hash_table_lookup(devices->by_irq, GUINT_TO_POINTER(irq));
}

static gboolean is_virtio_child(const char *name)
{
	if (!g_str_has_prefix(name, "virtio") || !name[6])
		return FALSE;
	for (const char *c = name + 6; *c; c++)
		if (!g_ascii_isdigit(*c))
			return FALSE;
	return TRUE;
}

/* Adds the interfaces listed in dir (…/net) to device->interfaces. */
static void read_interfaces(AfSysroot *sysroot, const char *dir, AfDevice *device)
{
	g_autoptr(GPtrArray) names = NULL;

	if (af_sysroot_list(sysroot, dir, &names) < 0)
		return;
	for (guint i = 0; i < names->len; i++)
		g_ptr_array_add(device->interfaces, g_strdup(names->pdata[i]));
}

/* virtio_pci devices carry their virtio device as a child: virtioN/{driver,net/}. */
static void read_virtio_child(AfSysroot *sysroot, const char *base, GPtrArray *entries,
			      AfDevice *device)
{
	for (guint i = 0; i < entries->len; i++) {
		const char *name = entries->pdata[i];
		g_autofree char *link = NULL, *net = NULL;

		if (!is_virtio_child(name))
			continue;
		device->virtio = g_strdup(name);
		link = g_strdup_printf("%s/%s/driver", base, name);
		(void)af_sysroot_readlink_basename(sysroot, link, &device->virtio_driver);
		net = g_strdup_printf("%s/%s/net", base, name);
		read_interfaces(sysroot, net, device);
		return;
	}
}

static void read_msi_irqs(AfSysroot *sysroot, const char *base, AfDevice *device)
{
	g_autoptr(GPtrArray) names = NULL;
	g_autofree char *dir = g_strdup_printf("%s/msi_irqs", base);

	if (af_sysroot_list(sysroot, dir, &names) < 0)
		return;
	for (guint i = 0; i < names->len; i++) {
		guint64 irq;

		if (!g_ascii_string_to_unsigned(names->pdata[i], 10, 0, G_MAXUINT, &irq, NULL))
			continue;
		guint value = (guint)irq;
		g_array_append_val(device->irqs, value);
	}
}

static gint compare_guint(gconstpointer a, gconstpointer b)
{
	guint x = *(const guint *)a, y = *(const guint *)b;

	return x < y ? -1 : x > y;
}

static gint compare_strings(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Reads one device; NULL when it has no MSI vectors or cannot be read, with
 * *ret_r -ENOENT or -EXDEV when the listed entry leads nowhere or outside
 * the tree (0 otherwise).
 */
static AfDevice *read_device(AfSysroot *sysroot, const char *address, int *ret_r)
{
	g_autofree char *base = g_strdup_printf(PCI_DEVICES "/%s", address);
	g_autofree char *path = NULL, *class_text = NULL;
	g_autoptr(GPtrArray) entries = NULL;
	g_autoptr(AfDevice) device = NULL;
	gint64 node;
	guint64 code;
	int r;

	*ret_r = 0;
	r = af_sysroot_exists(sysroot, base);
	if (r == -ENOENT || r == -EXDEV) {
		*ret_r = r;
		return NULL;
	}
	device = g_new0(AfDevice, 1);
	device->address = g_strdup(address);
	device->numa_node = -1;
	device->interfaces = g_ptr_array_new_with_free_func(g_free);
	device->irqs = g_array_new(FALSE, FALSE, sizeof(guint));
	read_msi_irqs(sysroot, base, device);
	if (device->irqs->len == 0)
		return NULL;
	g_array_sort(device->irqs, compare_guint);

	path = g_strdup_printf("%s/driver", base);
	(void)af_sysroot_readlink_basename(sysroot, path, &device->driver);
	g_clear_pointer(&path, g_free);
	path = g_strdup_printf("%s/class", base);
	if (af_sysroot_read_string(sysroot, path, &class_text) == 0 &&
	    g_str_has_prefix(g_strstrip(class_text), "0x") &&
	    g_ascii_string_to_unsigned(class_text + 2, 16, 0, 0xffffff, &code, NULL)) {
		device->class_code = (guint32)code;
		device->has_class = TRUE;
	}
	g_clear_pointer(&path, g_free);
	path = g_strdup_printf("%s/numa_node", base);
	if (af_sysroot_read_int(sysroot, path, &node) == 0 && node >= 0 && node < G_MAXINT)
		device->numa_node = (int)node;
	g_clear_pointer(&path, g_free);
	path = g_strdup_printf("%s/local_cpulist", base);
	(void)af_sysroot_read_cpulist(sysroot, path, &device->local_cpus);
	g_clear_pointer(&path, g_free);
	path = g_strdup_printf("%s/net", base);
	read_interfaces(sysroot, path, device);
	if (af_sysroot_list(sysroot, base, &entries) == 0)
		read_virtio_child(sysroot, base, entries, device);
	g_ptr_array_sort(device->interfaces, compare_strings);
	return g_steal_pointer(&device);
}

int af_devices_read(AfSysroot *sysroot, AfDevices **ret_devices)
{
	g_autoptr(AfDevices) devices = af_devices_new();
	g_autoptr(GPtrArray) addresses = NULL;
	int r;

	r = af_sysroot_list(sysroot, PCI_DEVICES, &addresses);
	if (r == -ENOENT) {
		*ret_devices = g_steal_pointer(&devices);
		return 0;
	}
	if (r < 0)
		return r;
	for (guint i = 0; i < addresses->len; i++) {
		AfDevice *device = read_device(sysroot, addresses->pdata[i], &r);

		if (r < 0) {
			if (!devices->unreadable)
				devices->unreadable = g_ptr_array_new_with_free_func(g_free);
			g_ptr_array_add(devices->unreadable,
					g_strdup_printf(PCI_DEVICES "/%s",
							(const char *)addresses->pdata[i]));
		}
		if (!device)
			continue;
		g_ptr_array_add(devices->devices, device);
		for (guint j = 0; j < device->irqs->len; j++)
			g_hash_table_insert(devices->by_irq,
					    GUINT_TO_POINTER(g_array_index(device->irqs, guint, j)),
					    device);
	}
	*ret_devices = g_steal_pointer(&devices);
	return 0;
}

const char *af_device_effective_driver(const AfDevice *device)
{
	return device->virtio_driver ? device->virtio_driver : device->driver;
}

gboolean af_device_driver_is_hba(const char *driver)
{
	static const char *const hbas[] = {
		"mpt3sas", "megaraid_sas", "hisi_sas_v3_hw", "hisi_sas_v2_hw", "smartpqi",
		"aacraid", "hpsa", "mpi3mr", "qla2xxx", "lpfc", "be2iscsi", "pm80xx",
	};

	if (!driver)
		return FALSE;
	for (gsize i = 0; i < G_N_ELEMENTS(hbas); i++)
		if (g_str_equal(driver, hbas[i]))
			return TRUE;
	return FALSE;
}

static gboolean driver_is_storage(const char *driver)
{
	static const char *const storage[] = {
		"nvme", "virtio_blk", "virtio_scsi", "ahci", "ata_piix", "vmw_pvscsi",
		"xen_blkfront", "isci", "mptsas", "mptspi", "megaraid",
	};

	if (!driver)
		return FALSE;
	if (af_device_driver_is_hba(driver))
		return TRUE;
	for (gsize i = 0; i < G_N_ELEMENTS(storage); i++)
		if (g_str_equal(driver, storage[i]))
			return TRUE;
	return FALSE;
}

AfIrqClass af_device_class(const AfDevice *device)
{
	guint8 base_class = (guint8)(device->class_code >> 16);

	if ((device->has_class && base_class == 0x02) || device->interfaces->len > 0 ||
	    g_strcmp0(device->virtio_driver, "virtio_net") == 0)
		return AF_IRQ_CLASS_NETWORK;
	if ((device->has_class && base_class == 0x01) || driver_is_storage(device->driver) ||
	    driver_is_storage(device->virtio_driver))
		return AF_IRQ_CLASS_STORAGE;
	return AF_IRQ_CLASS_OTHER;
}
