/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfSteerApply: puts the steering plan (lib/steering.h) into the kernel:
 * rps_cpus, xps_cpus (hex masks nr_cpu_ids wide), rps_flow_cnt and
 * rps_sock_flow_entries through the sysroot, and NAPI threads' CPUs with
 * sched_setaffinity() on the live machine only (a tree has no threads to
 * move: those entries are reported as not applied). Only move entries whose
 * value differs from what the kernel shows right now are written. Each
 * failing file or thread is warned about once until it succeeds again.
 * Writing rps/xps/rps_flow_cnt needs CAP_NET_ADMIN.
 */

#include <glib.h>

#include "steering.h"
#include "sysroot.h"

typedef struct AfSteerApply AfSteerApply;

typedef struct AfSteerCounts {
	guint n_written, n_unchanged, n_failed, n_not_applied;
} AfSteerCounts;

/* A new applier writing through sysroot (borrowed). */
AfSteerApply *af_steer_apply_new(AfSysroot *sysroot);
/* Frees; accepts NULL. */
void af_steer_apply_free(AfSteerApply *apply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfSteerApply, af_steer_apply_free)
/* Applies the move entries of steering (NULL: nothing), logs each write; returns the counts. */
AfSteerCounts af_steer_apply(AfSteerApply *apply, const AfSteering *steering, guint nr_cpu_ids);
