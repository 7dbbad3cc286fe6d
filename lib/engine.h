/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfEngine: the one read -> plan pipeline that every mode runs. It owns the
 * machine (a sysroot), the policy in force, hwloc's topology (kept while it
 * knows every online CPU) and the last look: snapshot, housekeeping and the
 * plan made from them. A mode opens it, reads, plans with the learned state,
 * the measured load and its limits, and then does what only it does with
 * the plan: --dry-run prints it, --oneshot applies it once, the daemon
 * applies it and waits for the next event.
 *
 * Run-time bans (lib/ownerbans.h), when a mode gives them, are isolation
 * sources of every read's housekeeping, one per owner ("owner:OWNER").
 *
 * Every plan the engine hands out passed af_plan_check() against the very
 * inputs it was made from. Failures come back as a negative errno and one
 * sentence in the GError (the policy's own "PATH:LINE: reason" included),
 * for the mode to print or log the one way it logs. No main loop, no clock.
 */

#include <glib.h>

#include "ownerbans.h"
#include "housekeeping.h"
#include "planlimits.h"
#include "planner.h"
#include "policy.h"
#include "snapshot.h"
#include "state.h"
#include "sysroot.h"
#include "topology.h"

/*
 * ENOSPC and EINVAL answers ask for a new plan at once; a kernel that keeps
 * refusing gets this many in a row, in every mode.
 */
#define AF_ENGINE_MAX_WRITE_REPLANS 3u

#define AF_ENGINE_ERROR (af_engine_error_quark())
GQuark af_engine_error_quark(void);

typedef struct AfEngineSetup {
	const char *root;    /* "/" for this machine, or a tree (--sysroot) */
	const char *config;  /* the main configuration file (missing: defaults, unless...) */
	gboolean config_required; /* ... it was named on purpose (--config): missing, an error */
	const char *dropins; /* its drop-in directory (may be NULL) */
	gboolean read_only;  /* every write through the sysroot fails with EROFS; else a
				tree other than "/" gets the fake kernel (fakekernel.h) */
} AfEngineSetup;

/* Read-only for everyone but engine.c. */
typedef struct AfEngine {
	AfSysroot *sysroot;
	AfPolicy *policy;	/* the configuration in force */
	AfTopology *topology;	/* hwloc's answer, kept while it knows every online CPU */
	AfSnapshot *snapshot;	/* the last read; NULL before the first */
	AfHousekeeping *hk;	/* of that read */
	AfPlan *plan;		/* the last plan, made from snapshot and hk; NULL until then */
	AfPlacement *placement; /* every IRQ's planned mask of the last plan (owned copies) */
	const AfOwnerBans *owner_bans; /* borrowed (af_engine_set_owner_bans); NULL: none */
} AfEngine;

/*
 * Loads the policy and opens the machine at setup->root. Points hwloc at
 * that tree for the rest of the process (af_topology_use_root): open the
 * engine before the program starts any thread.
 */
int af_engine_open(const AfEngineSetup *setup, AfEngine **ret_engine, GError **error);
/* Frees; accepts NULL. */
void af_engine_free(AfEngine *engine);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfEngine, af_engine_free)

/*
 * Loads the configuration again from the files given at open. On error the
 * policy in force stays and the error says which file and line.
 */
int af_engine_reload(AfEngine *engine, GError **error);

/*
 * The run-time bans every later read adds to housekeeping (borrowed: they
 * must outlive the engine or be unset with NULL). The last look is not
 * changed: the next af_engine_read() takes a changed table in.
 */
void af_engine_set_owner_bans(AfEngine *engine, const AfOwnerBans *bans);
/*
 * Takes up what an earlier process left in state (borrowed, as for
 * af_engine_set_owner_bans): its persistent bans, and the CPU it placed
 * each IRQ it gave fallback CPUs on as the previous placement of the first
 * plan, so that a restart plans on from where the last process left.
 */
void af_engine_resume(AfEngine *engine, const AfState *state);

/*
 * Reads the machine: with refresh and a last look, only what CPU hotplug,
 * drivers and load change (af_snapshot_refresh), else, or when the IRQs
 * are not the same any more, in full; then the housekeeping CPUs, bans
 * included. learned (may be NULL) marks the IRQs refused earlier. On
 * success the last plan is dropped (it described the last look); on
 * failure nothing changes, and the error names the file (and line) that
 * could not be used. The read's warnings stay in snapshot and hk; a mode
 * tells each once while it holds (daemon/warnings.c).
 */
int af_engine_read(AfEngine *engine, AfLearned *learned, gboolean refresh, GError **error);

/*
 * affinityd itself wrote written to /proc/irq/default_smp_affinity: the
 * next reads of that value are no news (defaultaffinity.h), so a mask
 * narrowed by affinityd is never taken for another program's ban.
 */
void af_engine_note_default_affinity(AfEngine *engine, const AfCpuSet *written);
/*
 * From the next read on, reads the machine as if cpus were offline, as the
 * kernel would leave it (af_whatif_take_offline: --dry-run --offline);
 * NULL reads it as it is again. A read then fails with -EINVAL when a CPU
 * of cpus is not online or none would be left.
 */
void af_engine_what_if_offline(AfEngine *engine, const AfCpuSet *cpus);

/*
 * Plans the last look with the last plan's placement as the previous one,
 * load and limits (both may be NULL), and checks the plan's invariants;
 * then the network steering that follows it (plan->steering, steering.h)
 * and its rules.
 * The plan becomes engine->plan (and its masks engine->placement). Fails
 * with -ENODATA before a read and -EINVAL when the planner broke an
 * invariant (a bug: that plan is never handed out).
 */
int af_engine_plan(AfEngine *engine, AfLoad *load, const AfLimits *limits, GError **error);
