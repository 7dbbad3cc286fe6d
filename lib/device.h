/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfDevices: the PCI devices that own MSI/MSI-X vectors, found through
 * /sys/bus/pci/devices/BDF/msi_irqs/<irq>: driver, class code, NUMA node,
 * local CPUs, network interfaces (net/ or virtioN/net/) and the virtio
 * sub-driver (virtioN/driver). Owns the device -> class decision. Every read
 * goes through the sysroot; a device that vanishes while read is skipped; a
 * listed entry that leads nowhere or outside the tree is kept as unreadable
 * (its vectors cannot be matched: the inventory says so).
 */

#include <glib.h>

#include "cpuset.h"
#include "irq.h"
#include "sysroot.h"

typedef struct AfDevice {
	char *address;        /* "0000:42:01.0" */
	char *driver;         /* "nvme", "virtio-pci", or NULL when unbound */
	char *virtio;         /* the virtio child ("virtio2"), or NULL */
	char *virtio_driver;  /* its driver ("virtio_scsi"), or NULL */
	guint32 class_code;   /* 0x010802 */
	gboolean has_class;
	int numa_node;        /* -1 unknown */
	AfCpuSet *local_cpus; /* NULL unknown */
	GPtrArray *interfaces; /* char*: network interfaces of this device, sorted */
	GArray *irqs;         /* guint: its MSI vectors, ascending */
} AfDevice;

typedef struct AfDevices {
	GPtrArray *devices; /* AfDevice*, by address */
	GHashTable *by_irq; /* GUINT_TO_POINTER(irq) -> AfDevice* (borrowed) */
	GPtrArray *unreadable; /* char*: listed entries that lead nowhere or outside the
				  tree ("/sys/bus/pci/devices/0000:00:06.0"); NULL when none */
} AfDevices;

/*
 * Reads every PCI device under /sys/bus/pci/devices. No PCI bus at all
 * gives an empty set (0); only an unreadable directory other than ENOENT fails.
 */
int af_devices_read(AfSysroot *sysroot, AfDevices **ret_devices);
/* An empty set, to fill by hand in tests. */
AfDevices *af_devices_new(void);
/* Frees; accepts NULL. */
void af_devices_free(AfDevices *devices);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfDevices, af_devices_free)
/* Frees one device; accepts NULL. */
void af_device_free(AfDevice *device);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfDevice, af_device_free)

/* The device owning MSI vector irq, or NULL. */
const AfDevice *af_devices_lookup_irq(const AfDevices *devices, guint irq);
/*
 * The class of a device: network for PCI class 0x02, net interfaces or a
 * virtio_net driver; storage for class 0x01 or a storage driver (nvme,
 * virtio_blk, virtio_scsi, ahci, HBAs); else other.
 */
AfIrqClass af_device_class(const AfDevice *device);
/* TRUE for SAS/RAID HBA drivers whose queue vectors the kernel manages. */
gboolean af_device_driver_is_hba(const char *driver);
/* The driver that matters: the virtio sub-driver if any, else the PCI driver. */
const char *af_device_effective_driver(const AfDevice *device);
