/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfBans: CPUs that programs ask at run time to keep free of IRQs, one
 * CPU set per owner (the name a caller gives: "tuned", "crio", or
 * "socket:intel_lpmd" for a client of the irqbalance socket). An owner
 * holds at most one ban; a new one replaces it. Every ban is an isolation
 * source of its own in housekeeping, named "ban:OWNER", so the IRQs stay
 * off the union of all owners' CPUs and the report says who banned what.
 * A persistent ban is kept in the state directory's "bans" file (lib/state.c
 * parses and formats it) and comes back after a restart. The table only: no
 * I/O, no clock.
 */

#include <glib.h>

#include "cpuset.h"

/* The prefix of a ban's source name in housekeeping: "ban:OWNER". */
#define AF_BANS_SOURCE_PREFIX "ban:"
/* The longest owner name. */
#define AF_BANS_OWNER_MAX 64u

typedef struct AfBan {
	char *owner;
	AfCpuSet *cpus;	  /* never empty */
	gboolean persist; /* kept across restarts */
} AfBan;

typedef struct AfBans AfBans;

/* An empty table. */
AfBans *af_bans_new(void);
/* Frees; accepts NULL. */
void af_bans_free(AfBans *bans);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfBans, af_bans_free)

/*
 * TRUE for a usable owner name: 1 to AF_BANS_OWNER_MAX characters of
 * A-Z a-z 0-9 and "_.:@-" (one word: it is the first field of a line of the
 * bans file and part of a source name).
 */
gboolean af_bans_owner_is_valid(const char *owner);
/*
 * Sets owner's ban to a copy of cpus (a valid owner, cpus not empty: caller
 * bugs otherwise). Returns TRUE when the table changed (CPUs or persist).
 */
gboolean af_bans_set(AfBans *bans, const char *owner, const AfCpuSet *cpus, gboolean persist);
/* Removes owner's ban; TRUE when there was one. */
gboolean af_bans_remove(AfBans *bans, const char *owner);
/* Removes every ban; TRUE when there was one. */
gboolean af_bans_clear(AfBans *bans);
/* owner's ban, or NULL. bans may be NULL. */
const AfBan *af_bans_lookup(const AfBans *bans, const char *owner);
/* The number of bans; bans may be NULL. */
guint af_bans_count(const AfBans *bans);
/* Every ban (borrowed AfBan*), in strcmp() order of owner. bans may be NULL. */
GPtrArray *af_bans_list(const AfBans *bans);
/* The union of every owner's CPUs (a new set; empty without bans). bans may be NULL. */
AfCpuSet *af_bans_union(const AfBans *bans);
/* "ban:OWNER", the source name of owner's ban in housekeeping. */
char *af_bans_source_name(const char *owner);
