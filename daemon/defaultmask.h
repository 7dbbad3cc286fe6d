/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfDefaultMask: /proc/irq/default_smp_affinity, the mask IRQs set up
 * later are born with (a driver probed, a queue added). Kept equal to the
 * possible CPUs that no source isolates or bans: online, that is the
 * housekeeping CPUs, so that an IRQ that appears is served by a
 * housekeeping CPU before the next plan places it. Offline CPUs stay in
 * (the kernel only uses online ones), so that a CPU missing from our mask
 * is always one some source isolates or bans: a later first look
 * (defaultaffinity.h; a restart after a CPU came back online) never reads
 * our own mask as another program's ban. The mask the kernel had before
 * the first write is kept
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
/* The mask to keep: possible minus isolated (every source, bans too). */
AfCpuSet *af_default_mask_wanted(const AfCpuSet *possible, const AfCpuSet *isolated);
/*
 * Makes the default mask mask (af_default_mask_wanted; the caller makes
 * sure it holds an online CPU): writes it when the kernel shows another
 * (an empty set writes nothing: the kernel would refuse it).
 * Returns 1 when written, 0 when already so, or a negative errno.
 */
int af_default_mask_update(AfDefaultMask *dm, const AfCpuSet *mask, guint nr_cpu_ids);
/*
 * Writes back the mask the kernel showed before the first write, if any
 * was made and it differs now. Returns 1 when written, 0 when nothing to
 * do, or a negative errno.
 */
int af_default_mask_restore(AfDefaultMask *dm, guint nr_cpu_ids);
