/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfOwnerBans: CPUs that programs ask at run time to keep free of IRQs, one
 * CPU set per owner (the name a caller gives: "tuned", "crio", or
 * "socket:intel_lpmd" for a client of the irqbalance socket). An owner
 * holds at most one ban; a new one replaces it. Every ban is an isolation
 * source of its own in housekeeping, named "owner:OWNER", so the IRQs stay
 * off the union of all owners' CPUs and the report says who banned what
 * (housekeeping.h reads the table: AfHkRuntime.bans; it is the one record
 * of run-time bans, whoever asks: D-Bus, affinityctl, the socket).
 * A persistent ban is kept in the state directory's "bans" file (lib/state.c
 * parses and formats it) and comes back after a restart. The table only: no
 * I/O, no clock.
 */

#include <glib.h>

#include "cpuset.h"

/* The prefix of a ban's source name in housekeeping: "owner:OWNER". */
#define AF_OWNER_BANS_SOURCE_PREFIX "owner:"
/* The longest owner name. */
#define AF_OWNER_BANS_OWNER_MAX 64u

typedef struct AfOwnerBan {
	char *owner;
	AfCpuSet *cpus;	  /* never empty */
	gboolean persist; /* kept across restarts */
} AfOwnerBan;

typedef struct AfOwnerBans AfOwnerBans;

/* An empty table. */
AfOwnerBans *af_owner_bans_new(void);
/* Frees; accepts NULL. */
void af_owner_bans_free(AfOwnerBans *bans);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfOwnerBans, af_owner_bans_free)

/*
 * TRUE for a usable owner name: 1 to AF_OWNER_BANS_OWNER_MAX characters of
 * A-Z a-z 0-9 and "_.:@-" (one word: it is the first field of a line of the
 * bans file and part of a source name).
 */
gboolean af_owner_bans_owner_is_valid(const char *owner);
/*
 * Sets owner's ban to a copy of cpus (a valid owner, cpus not empty: caller
 * bugs otherwise). Returns TRUE when the table changed (CPUs or persist).
 */
gboolean af_owner_bans_set(AfOwnerBans *bans, const char *owner, const AfCpuSet *cpus,
			   gboolean persist);
/* Removes owner's ban; TRUE when there was one. */
gboolean af_owner_bans_remove(AfOwnerBans *bans, const char *owner);
/* Removes every ban; TRUE when there was one. */
gboolean af_owner_bans_clear(AfOwnerBans *bans);
/* owner's ban, or NULL. bans may be NULL. */
const AfOwnerBan *af_owner_bans_lookup(const AfOwnerBans *bans, const char *owner);
/* The number of bans; bans may be NULL. */
guint af_owner_bans_count(const AfOwnerBans *bans);
/* Every ban (borrowed AfOwnerBan*), in strcmp() order of owner. bans may be NULL. */
GPtrArray *af_owner_bans_list(const AfOwnerBans *bans);
/* The union of every owner's CPUs (a new set; empty without bans). bans may be NULL. */
AfCpuSet *af_owner_bans_union(const AfOwnerBans *bans);
/* "owner:OWNER", the source name of owner's ban in housekeeping. */
char *af_owner_bans_source_name(const char *owner);
