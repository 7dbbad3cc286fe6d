/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfDefaultAffinity: what /proc/irq/default_smp_affinity tells about CPUs
 * another program keeps free of IRQs. CRI-O (irq-load-balancing.crio.io:
 * disable) clears a pod's CPUs from that mask when the pod starts and sets
 * them again when it stops; it writes irqbalance's environment file only
 * when the file exists, and never writes /proc/irq/N itself. So the mask
 * can be the only record of a pod's CPUs.
 *
 * Only a value affinityd did not write is news. The tracker keeps the last
 * value it saw (read, or written by affinityd itself) and the CPUs others
 * took out of it:
 *   - the first look: the online CPUs missing from the mask, less those
 *     another source already isolates or bans (the kernel's own default is
 *     every CPU, or irqaffinity=, which is a source of its own);
 *   - every later look: CPUs that left the mask since the last value are
 *     banned, CPUs that came back are given back; the same value again
 *     changes nothing;
 *   - a value affinityd writes (af_default_affinity_note_written) becomes
 *     the last value without banning or giving back anything, so that a
 *     mask narrowed by affinityd itself is never read back as a ban.
 * Pure: the caller reads the file.
 */

#include <glib.h>

#include "cpuset.h"

typedef struct AfDefaultAffinity {
	AfCpuSet *last;	  /* the last value seen or written; NULL before the first */
	AfCpuSet *banned; /* CPUs others took out of the mask; never NULL */
} AfDefaultAffinity;

/* Nothing seen yet. */
AfDefaultAffinity *af_default_affinity_new(void);
/* Frees; accepts NULL. */
void af_default_affinity_free(AfDefaultAffinity *tracker);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfDefaultAffinity, af_default_affinity_free)
/*
 * Takes a value read from the file. online and others (the CPUs other
 * sources isolate or ban) count on the first look only; others may be NULL.
 * TRUE when tracker->banned changed.
 */
gboolean af_default_affinity_update(AfDefaultAffinity *tracker, const AfCpuSet *value,
				    const AfCpuSet *online, const AfCpuSet *others);
/* affinityd wrote value to the file itself: reading it back is no news. */
void af_default_affinity_note_written(AfDefaultAffinity *tracker, const AfCpuSet *value);
