/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfDefaultMask: /proc/irq/default_smp_affinity, the mask IRQs set up
 * later are born with (a driver probed, a queue added). Kept equal to the
 * housekeeping CPUs (which already leave out banned and isolated CPUs), so
 * that an IRQ that appears is served by a housekeeping CPU before the next
 * plan places it; the mask the kernel had before the first write is kept
 * for af_default_mask_restore. Writes go through the sysroot; the file is
 * hex only (KERNEL.md), nr_cpu_ids bits wide.
 */

#include <glib.h>

#include "cpuset.h"
#include "sysroot.h"

typedef struct AfDefaultMask AfDefaultMask;

/* Keeps the default mask of sysroot (borrowed) in step; writes nothing yet. */
AfDefaultMask *af_default_mask_new(AfSysroot *sysroot);
/* Frees; accepts NULL. Restores nothing. */
void af_default_mask_free(AfDefaultMask *dm);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfDefaultMask, af_default_mask_free)
/*
 * Makes the default mask housekeeping: writes it when the kernel shows
 * another (an empty set writes nothing: the kernel would refuse it).
 * Returns 1 when written, 0 when already so, or a negative errno.
 */
int af_default_mask_update(AfDefaultMask *dm, const AfCpuSet *housekeeping, guint nr_cpu_ids);
/*
 * Writes back the mask the kernel showed before the first write, if any
 * was made and it differs now. Returns 1 when written, 0 when nothing to
 * do, or a negative errno.
 */
int af_default_mask_restore(AfDefaultMask *dm, guint nr_cpu_ids);
