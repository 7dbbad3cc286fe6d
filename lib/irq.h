/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfIrq: everything affinityd knows about one interrupt line: its names,
 * the device and driver behind it, where the kernel has it, whether it may
 * be moved and who said so, and how many interrupts it served. Built by inventory.c;
 * the planner and report only read it.
 */

#include <glib.h>

#include "cpuset.h"

typedef enum {
	AF_IRQ_CLASS_OTHER,
	AF_IRQ_CLASS_NETWORK,
	AF_IRQ_CLASS_STORAGE,
} AfIrqClass;

typedef enum {
	AF_MANAGED_SOURCE_NONE,      /* movable as far as we know */
	AF_MANAGED_SOURCE_DEBUGFS,   /* debugfs irqs/N dstate flags */
	AF_MANAGED_SOURCE_MODE,      /* smp_affinity is read-only (kernels >= 6.12) */
	AF_MANAGED_SOURCE_LEARNED,   /* an earlier write got EIO/EPERM */
	AF_MANAGED_SOURCE_HEURISTIC, /* known driver queue and spread mask: a guess */
} AfManagedSource;

typedef enum {
	AF_QUEUE_NONE,     /* not a data queue (config, control, admin, legacy) */
	AF_QUEUE_RX,       /* rx only: virtio input.N, ethX-rx-N */
	AF_QUEUE_TX,       /* tx only: virtio output.N, ethX-tx-N */
	AF_QUEUE_COMBINED, /* one vector for a channel: TxRx-N, mlx5_compN, nvme qN */
} AfQueueKind;

typedef struct AfIrq {
	guint irq;
	char *name;       /* action names joined by ", " as /proc/interrupts shows; "" if none */
	char *chip;       /* "PCI-MSI", "IO-APIC", "IR-PCI-MSIX-0000:00:03.0", ... or NULL */
	char *hwirq;      /* NULL if unknown */
	char *trigger;    /* "edge", "level", "fasteoi", ... or NULL */
	gboolean msi;     /* an MSI/MSI-X vector */
	char *device;     /* PCI address "0000:42:01.0", or NULL */
	char *driver;     /* driver bound to the device ("nvme", "virtio_net"), or NULL */
	AfIrqClass class;
	int numa_node;    /* the device's node (or /proc/irq/N/node), -1 unknown */
	AfCpuSet *local_cpus; /* the device's local_cpulist, NULL unknown */
	char *interface;  /* network interface, NULL */
	int queue;        /* queue (channel) index, -1 none */
	AfQueueKind queue_kind;
	gboolean arfs; /* a queue IRQ of an interface with aRFS (ntuple on): one-CPU masks,
			  disjoint across the interface's queues, no fallback CPUs
			  (netif.c sets it) */

	gboolean per_cpu;          /* a per-CPU interrupt: never movable */
	gboolean managed;          /* kernel-managed or otherwise refused: never written */
	AfManagedSource managed_source;
	char *managed_detail;      /* what the source saw ("IRQD_AFFINITY_MANAGED"), or NULL */

	AfCpuSet *affinity;  /* smp_affinity: the requested mask; NULL if unreadable */
	AfCpuSet *effective; /* effective_affinity; NULL if the kernel has none */
	AfCpuSet *hint;      /* affinity_hint; NULL when absent or all zero */
	guint64 total; /* interrupts served, over the online CPUs' columns of /proc/interrupts */
} AfIrq;

/* A zeroed IRQ with numa_node = queue = -1. */
AfIrq *af_irq_new(guint irq);
/* A deep copy. */
AfIrq *af_irq_copy(const AfIrq *irq);
/* Frees; accepts NULL. */
void af_irq_free(AfIrq *irq);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfIrq, af_irq_free)

/* TRUE when affinityd may write this IRQ's affinity. */
gboolean af_irq_is_movable(const AfIrq *irq);
/*
 * FALSE for an IRQ that no driver has requested (no action, so no name):
 * its descriptor exists in /proc/irq but nothing runs when it fires, and
 * /proc/interrupts lists it at most with counts and no name. Nothing to place.
 */
gboolean af_irq_has_handler(const AfIrq *irq);
/* The CPUs the IRQ is served on: effective if known, else affinity (may be NULL). */
const AfCpuSet *af_irq_serving_cpus(const AfIrq *irq);

/* "network", "storage", "other". */
const char *af_irq_class_to_string(AfIrqClass class);
/* "debugfs", "mode", "learned", "heuristic", or NULL for NONE. */
const char *af_irq_managed_source_to_string(AfManagedSource source);
/* "rx", "tx", "combined", or NULL for NONE. */
const char *af_irq_queue_kind_to_string(AfQueueKind kind);
