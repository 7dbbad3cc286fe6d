/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfSnapshot: one consistent-enough look at the machine: CPUs, topology,
 * the kernel command line, and every IRQ with its device and placement.
 * Read through a sysroot (snapshot.c); also built by hand in tests and
 * benchmarks. Everything the planner needs and nothing it must not see.
 */

#include <glib.h>

#include "arch.h"
#include "cmdline.h"
#include "cpuset.h"
#include "irq.h"
#include "learned.h"
#include "netif.h"
#include "sysroot.h"
#include "topology.h"

typedef struct AfSnapshot {
	guint nr_cpu_ids;     /* mask width: highest possible CPU + 1 */
	AfCpuSet *possible;
	AfCpuSet *present;
	AfCpuSet *online;
	AfCpuSet *offline;    /* possible minus online */
	char *kernel_release; /* /proc/sys/kernel/osrelease, NULL if unreadable */
	AfArch arch;	      /* arch.h: x86 keeps an IRQ on a mask's serving CPU */
	AfCmdline *cmdline;   /* never NULL (empty when /proc/cmdline is missing) */
	AfTopology *topology; /* never NULL once read */
	GPtrArray *irqs;      /* AfIrq*, ascending IRQ number, owned */
	GHashTable *by_irq;   /* IRQ number -> AfIrq* (borrowed from irqs) */
	AfNetifs *netifs;     /* network interfaces and their queues; never NULL */
	GPtrArray *warnings;  /* char*: what could not be read and what it means */
} AfSnapshot;

/* An empty snapshot (no CPUs, no IRQs) to fill by hand. */
AfSnapshot *af_snapshot_new(void);
/* Frees; accepts NULL. */
void af_snapshot_free(AfSnapshot *snapshot);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfSnapshot, af_snapshot_free)
/* Takes ownership of irq and keeps irqs sorted and by_irq in step. */
void af_snapshot_add_irq(AfSnapshot *snapshot, AfIrq *irq);
/* The IRQ with that number, or NULL. */
AfIrq *af_snapshot_lookup(const AfSnapshot *snapshot, guint irq);

/*
 * Reads the whole machine under sysroot: CPUs, topology (hwloc), cmdline,
 * IRQs with their devices, managed detection (learned may be NULL), the
 * network interfaces with their queues (netif.h).
 * Fails only when nothing usable is there (no /proc/interrupts or no online
 * CPU list); anything partial becomes a warning that names the file (and the
 * line). Per-IRQ totals only: no per-CPU counts are kept (AfIrq.total).
 */
int af_snapshot_read(AfSysroot *sysroot, AfLearned *learned, AfSnapshot **ret_snapshot);
/*
 * The same, reusing *topology_cache (owned by the caller, may point to NULL)
 * while it knows every online CPU, and replacing it after a new load.
 */
int af_snapshot_read_cached(AfSysroot *sysroot, AfLearned *learned, AfTopology **topology_cache,
			    AfSnapshot **ret_snapshot, GError **error);
/*
 * A cheap look for events that change where IRQs are but not which IRQs and
 * devices exist (CPU hotplug, a driver re-setting its affinity, load): the
 * CPUs, /proc/cmdline, /proc/interrupts and each IRQ's smp_affinity and
 * effective_affinity are read again, and the network queues' masks;
 * names, devices, queues, interfaces and managed detection are previous's
 * (IRQs in learned become unmovable). Returns
 * -ESTALE when the IRQs are not previous's (a row came, went or changed its
 * name, an IRQ directory is gone, the possible CPUs changed, a network
 * queue is gone): read in full. Other failures as af_snapshot_read's, with
 * error (may be NULL) naming the file, as af_snapshot_read_cached's.
 */
int af_snapshot_refresh(AfSysroot *sysroot, const AfSnapshot *previous, AfLearned *learned,
			AfTopology **topology_cache, AfSnapshot **ret_snapshot, GError **error);
