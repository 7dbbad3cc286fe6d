/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Managed detection: which IRQs affinityd must never write, and who said
 * so. Best first: debugfs irqs/N dstate flags; a smp_affinity without write
 * bits on kernels >= 6.12 (older kernels create it 0644 for every IRQ);
 * the learned table (EIO/EPERM from an earlier write, matched by number
 * and name); else a driver/queue heuristic, marked as a guess. Owns the
 * heuristic's rules and the debugfs and release parsers.
 */

#include <glib.h>

#include "cpuset.h"
#include "irq.h"
#include "snapshot.h"
#include "sysroot.h"

typedef enum {
	AF_IRQD_AFFINITY_MANAGED = 1 << 0,
	AF_IRQD_PER_CPU = 1 << 1,
	AF_IRQD_NO_BALANCING = 1 << 2,
} AfIrqdFlags;

/* The flags named on the dstate lines of a debugfs irqs/N file (0 when none). */
guint af_managed_parse_debugfs(const char *text);
/*
 * TRUE when the kernel release ("6.12.0-rc1", "6.1.0-56-amd64") is 6.12 or
 * later, where refused IRQs get a 0444 smp_affinity. FALSE when NULL or
 * unparsable.
 */
gboolean af_managed_release_has_readonly_mode(const char *release);
/*
 * The heuristic over a whole inventory (pure): sets managed, source
 * HEURISTIC and a detail on IRQs it recognises, skipping IRQs already
 * per-CPU or managed and those in settled (a set of IRQ numbers whose
 * status debugfs gave; may be NULL). Rules: x86 IRQ 0 "timer", IRQ 2 and
 * XT-PIC lines; nvme I/O queues; virtio-scsi request vectors; virtio-blk
 * request vectors when several or spread over every CPU; HBA vectors and
 * other storage devices' vectors in a group_cpus_evenly()-like run.
 */
void af_managed_guess(GPtrArray *irqs, const AfCpuSet *possible, GHashTable *settled);
/*
 * Runs the whole detection on irqs (AfIrq*) read from sysroot;
 * kernel_release and learned may be NULL.
 */
void af_managed_detect(AfSysroot *sysroot, const char *kernel_release, AfLearned *learned,
		       const AfCpuSet *possible, GPtrArray *irqs);
