/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfCpus: the one reader of the CPU lists in /sys/devices/system/cpu
 * (online, present, possible) and of what follows from them: the offline
 * CPUs and nr_cpu_ids, the width of every mask the kernel prints and takes.
 * The snapshot, housekeeping (through the snapshot) and the fake kernel
 * read the CPUs here and nowhere else.
 */

#include <glib.h>

#include "cpuset.h"
#include "sysroot.h"

typedef struct AfCpus {
	AfCpuSet *online;	   /* never empty */
	AfCpuSet *present;	   /* the file, else online */
	AfCpuSet *possible;	   /* the file, else online and present; always holds online */
	AfCpuSet *offline;	   /* possible minus online */
	guint nr_cpu_ids;	   /* possible's last + 1 */
	gboolean possible_guessed; /* possible was unreadable: made of online and present */
	GPtrArray *warnings;	   /* char*: a list that could not be read and what was used */
} AfCpus;

/*
 * Reads the CPU lists under sysroot. online is required: the read's errno
 * (-ENOENT when missing), the parse's when it is not a CPU list (-EINVAL,
 * -ERANGE), -ENODATA when it is empty; error (may be NULL) then names the
 * file, and quotes it when its text is wrong. present and possible fall
 * back as above, each with a warning.
 */
int af_cpus_read(AfSysroot *sysroot, AfCpus **ret_cpus, GError **error);
/* Frees; accepts NULL. */
void af_cpus_free(AfCpus *cpus);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfCpus, af_cpus_free)
