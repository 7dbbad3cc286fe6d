/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfRmapFix: whether a kernel fires the IRQ affinity notifier when CPU
 * hotplug breaks an IRQ's affinity, so that a NIC's aRFS cpu_rmap follows
 * by itself. Upstream commit dd9f6d30c640 ("genirq/cpuhotplug: Notify about
 * affinity changes breaking the affinity mask") did it in v7.0; kernels
 * without it keep a stale rmap until someone writes the IRQ's affinity, and
 * affinityd writes it (arfs_refresh=auto). Owns the table of fixed
 * releases and the kernel release parser. Pure: strings in, answers out.
 *
 * A table is a comma-separated list of releases. "X.Y" (two numbers) is a
 * mainline release carrying the fix: it and every later series have it.
 * "X.Y.Z" is the first release of stable series X.Y carrying a backport:
 * X.Y.Z and later X.Y releases have it. A release the table does not prove
 * fixed counts as not fixed.
 */

#include <glib.h>

#include "planlimits.h"
#include "planner.h"
#include "policy.h"
#include "snapshot.h"

typedef struct AfKernelVersion {
	guint major, minor, patch;
	gboolean mainline; /* written "X.Y" in a table */
} AfKernelVersion;

/*
 * The built-in table (see rmapfix.c for where each entry comes from):
 * mainline 7.0 only.
 */
#define AF_RMAPFIX_BUILTIN_TABLE "7.0"

/*
 * Parses the version at the start of a kernel release ("6.1.0-56-amd64",
 * "6.12.118+deb12-amd64", "7.0.0-rc3", "7.0-rc1", "6.18.44-fc-v1272").
 * Returns 0, or -EINVAL when it does not start with MAJOR.MINOR.
 */
int af_rmapfix_parse_release(const char *release, AfKernelVersion *ret_version);
/*
 * Parses a table (see above). Returns 0 with AfKernelVersion elements, or
 * -EINVAL for an empty list or an entry that is not X.Y or X.Y.Z.
 */
int af_rmapfix_parse_table(const char *text, GArray **ret_table);
/*
 * TRUE when release (may be NULL: unknown) is proven to carry the fix by
 * table (a string in the table syntax; NULL for the built-in table; a table
 * that does not parse proves nothing).
 */
gboolean af_rmapfix_release_has_fix(const char *release, const char *table);

/*
 * TRUE when an interface whose arfs_refresh is mode needs the refresh on
 * the kernel release (table as in af_rmapfix_release_has_fix): on always,
 * off never, auto when the release is not proven fixed.
 */
gboolean af_rmapfix_wanted(AfArfsRefresh mode, const char *release, const char *table);

/*
 * What the kernel showed for the aRFS queue IRQs after the last plan was
 * applied, to compare with the look after a CPU hotplug event.
 */
typedef struct AfRmapLook AfRmapLook;

/*
 * The aRFS IRQs of snapshot, each with the mask the last plan gave it
 * (placement, may be NULL: then the snapshot's) and the CPU serving it
 * (that mask when it is one CPU, else the snapshot's effective CPUs).
 */
AfRmapLook *af_rmapfix_look_new(const AfSnapshot *snapshot, AfPlacement *placement);
/* Frees; accepts NULL. */
void af_rmapfix_look_free(AfRmapLook *look);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfRmapLook, af_rmapfix_look_free)
/*
 * Asks limits to refresh every aRFS IRQ of after (the look after a CPU
 * hotplug event) whose mask or serving CPUs differ from before's, on the
 * interfaces whose arfs_refresh wants it on after's kernel release
 * (policy's arfs_fixed_in). Returns how many it asked for.
 */
guint af_rmapfix_ask_refresh(const AfRmapLook *before, const AfSnapshot *after,
			     const AfPolicy *policy, AfLimits *limits);
