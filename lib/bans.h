/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfBans: CPUs banned at run time, by name. Each name is one source of the
 * housekeeping CPUs (housekeeping.h), printed under that name in the
 * dry-run's "sources", and housekeeping leaves out the union of them all,
 * as of every other source. Whoever bans picks a stable name: the bans of
 * an owner (D-Bus Ban(), affinityctl, an irqbalance-socket client) are
 * named AF_BANS_OWNER_PREFIX + the owner. Pure data: no I/O.
 */

#include <glib.h>

#include "cpuset.h"

/* "owner:NAME": the source of the CPUs an owner banned. */
#define AF_BANS_OWNER_PREFIX "owner:"

typedef struct AfBan {
	char *name;
	AfCpuSet *cpus; /* never empty */
} AfBan;

typedef struct AfBans AfBans;

/* No bans. */
AfBans *af_bans_new(void);
/* Frees; accepts NULL. */
void af_bans_free(AfBans *bans);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfBans, af_bans_free)
/* A deep copy; NULL gives NULL. */
AfBans *af_bans_copy(const AfBans *bans);
/*
 * Bans a copy of cpus under name, in place of what name banned before; NULL
 * or an empty set lifts name's ban. TRUE when the bans changed.
 */
gboolean af_bans_set(AfBans *bans, const char *name, const AfCpuSet *cpus);
/* What name bans, or NULL when nothing. bans may be NULL. */
const AfCpuSet *af_bans_get(const AfBans *bans, const char *name);
/* Every ban, AfBan*, in strcmp() order of the names; bans may be NULL (none). */
guint af_bans_count(const AfBans *bans);
const AfBan *af_bans_nth(const AfBans *bans, guint n);
/* The union of every ban (a new set). */
AfCpuSet *af_bans_union(const AfBans *bans);
