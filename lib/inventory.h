/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Inventory: builds the AfIrq of every interrupt line from /proc/interrupts
 * (already parsed), /proc/irq/N/ and /sys/kernel/irq/N/, and the PCI device
 * owning each MSI vector (class, driver, interface and queue). Lines without
 * a handler have a /proc/irq/N directory but no /proc/interrupts row: they
 * are listed too, with name "". An IRQ whose /proc/irq/N vanished while read
 * is dropped; missing optional files leave fields NULL. Managed detection is
 * managed.c's.
 */

#include <glib.h>

#include "cpuset.h"
#include "device.h"
#include "interrupts.h"
#include "sysroot.h"

/*
 * Reads every IRQ; ret_irqs gets AfIrq* in ascending IRQ number, counts
 * nr_cpu_ids wide. What could not be read is appended to warnings (char*).
 * Fails on an unexpected error listing /proc/irq, and on a transient one
 * (EIO, EBUSY, ENOMEM, EAGAIN) reading an IRQ's affinity or the PCI
 * devices, with the last warning naming the file: a retry may read it, a
 * guess would move IRQs it must not.
 */
int af_inventory_read_irqs(AfSysroot *sysroot, const AfInterrupts *interrupts, guint nr_cpu_ids,
			   GPtrArray *warnings, GPtrArray **ret_irqs);
/*
 * Fills device, driver, class, node, local CPUs, interface and queue of irq
 * from the device owning it (pure; device may be NULL).
 */
void af_inventory_attach_device(AfIrq *irq, const AfDevice *device);
/*
 * virtio-scsi names all its request vectors alike ("virtio2-request"):
 * numbers such same-named queue vectors of one device in IRQ order.
 */
void af_inventory_number_queues(GPtrArray *irqs);
