/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Housekeeping: the online CPUs that may serve movable IRQs, and where every
 * isolated CPU came from. Isolation sources: /sys/devices/system/cpu/isolated,
 * .../nohz_full, .../housekeeping (newest kernels; CPUs outside it count as
 * isolated), isolcpus= and irqaffinity= and nohz_full= on /proc/cmdline, the
 * cgroup v2 root cpuset.cpus.isolated, the config's [cpus] lists; and the
 * banned CPUs of other programs: irqbalance's environment files (CRI-O,
 * tuned), the bans owners hold at run time (ownerbans.h: D-Bus callers,
 * affinityctl, irqbalance-socket clients) and what
 * /proc/irq/default_smp_affinity says (defaultaffinity.h). Every source is
 * one entry of the sources, named; they all count the same. A caller may
 * add sources after the read (af_housekeeping_add_source).
 */

#include <glib.h>

#include "cmdline.h"
#include "cpuset.h"
#include "defaultaffinity.h"
#include "ownerbans.h"
#include "policy.h"
#include "sysroot.h"

typedef struct AfHkSource {
	char *name;    /* stable key, see AF_HK_SOURCE_* */
	AfCpuSet *cpus; /* CPUs this source takes away from IRQs */
} AfHkSource;

/* Source names, as printed in --json "sources". */
#define AF_HK_SOURCE_SYSFS_ISOLATED "sysfs_isolated"
#define AF_HK_SOURCE_SYSFS_NOHZ_FULL "sysfs_nohz_full"
#define AF_HK_SOURCE_SYSFS_HOUSEKEEPING "sysfs_housekeeping"
#define AF_HK_SOURCE_ISOLCPUS_DOMAIN "isolcpus_domain"
#define AF_HK_SOURCE_ISOLCPUS_MANAGED_IRQ "isolcpus_managed_irq"
#define AF_HK_SOURCE_ISOLCPUS_IO_QUEUE "isolcpus_io_queue"
#define AF_HK_SOURCE_NOHZ_FULL "cmdline_nohz_full"
#define AF_HK_SOURCE_IRQAFFINITY "irqaffinity"
#define AF_HK_SOURCE_CGROUP "cgroup_isolated"
#define AF_HK_SOURCE_CONFIG_ISOLATED "config_isolated"
#define AF_HK_SOURCE_CONFIG_BANNED "config_banned"
#define AF_HK_SOURCE_IRQBALANCE_ENV "irqbalance_env"
/* Then every owner's ban of AfHkRuntime.bans, "owner:OWNER", in owner order. */
#define AF_HK_SOURCE_DEFAULT_AFFINITY "default_smp_affinity"

/*
 * What only a running affinityd knows, beside the files it reads. Either
 * may be NULL: no bans; every read a first look at default_smp_affinity.
 */
typedef struct AfHkRuntime {
	const AfOwnerBans *bans;
	AfDefaultAffinity *default_affinity; /* updated by each read */
} AfHkRuntime;

typedef struct AfHousekeeping {
	AfCpuSet *online;
	AfCpuSet *isolated;     /* union of every source (may hold offline CPUs) */
	AfCpuSet *housekeeping; /* online minus isolated */
	AfCpuSet *managed_irq_isolated; /* isolcpus=managed_irq CPUs (for warnings) */
	GPtrArray *sources;     /* AfHkSource*, non-empty ones, in a fixed order */
	GPtrArray *warnings;    /* char*, e.g. every online CPU isolated */
} AfHousekeeping;

/*
 * Computes housekeeping from the parsed command line, the sysfs/cgroup files
 * under sysroot, the policy (with the irqbalance environment files it
 * names, read under sysroot) and runtime. online and possible are the
 * caller's (the snapshot's, cpus.h: this module reads no CPU list of its
 * own); possible only widens what the sysfs housekeeping file isolates and
 * bounds the irqbalance bans (CRI-O's inverted masks set bits past the last
 * CPU). Never fails on a missing file (an absent source is no source);
 * fails only when online is empty (-EINVAL). cmdline, possible, policy and
 * runtime may be NULL (no such source). Every set of the result is
 * non-NULL. A file that does not parse, or reads as "(null)" or empty
 * (nohz_full on kernels without nohz_full=), is no source; the unparsable
 * one is also warned. irqaffinity= isolates the online CPUs outside it.
 * Config lists naming CPUs the machine does not have are warned. When
 * nothing is left, housekeeping is empty and a warning says why.
 */
int af_housekeeping_read(AfSysroot *sysroot, const AfCmdline *cmdline, const AfCpuSet *online,
			 const AfCpuSet *possible, const AfPolicy *policy,
			 const AfHkRuntime *runtime, AfHousekeeping **ret_hk);
/* Frees; accepts NULL. */
void af_housekeeping_free(AfHousekeeping *hk);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfHousekeeping, af_housekeeping_free)
/*
 * Adds a source the files do not show (a run-time ban, "owner:OWNER") after
 * af_housekeeping_read: its CPUs (may be NULL or empty: no source) join
 * isolated and leave housekeeping; the warning that no CPU is left is added
 * if this source took the last one. A name already present is a caller bug.
 */
void af_housekeeping_add_source(AfHousekeeping *hk, const char *name, const AfCpuSet *cpus);
/* The CPUs of one named source, or NULL when that source isolates none. */
const AfCpuSet *af_housekeeping_source(const AfHousekeeping *hk, const char *name);
