/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfState: what affinityd must remember across restarts, kept in four files
 * of the state directory (/var/lib/affinityd): `learned`, the IRQs learned
 * unmovable from EIO/EPERM writes, `originals`, each IRQ's ORIGINAL
 * affinity from before affinityd first wrote it, so that a restore after a
 * crash and restart still puts back the true originals, and `bans`, the
 * persistent run-time bans (lib/ownerbans.h), and `placed`, what apply
 * last wrote of each IRQ it gives fallback CPUs (daemon/apply-widen.c), so
 * that a restart on the machine it left plans and writes as it would have
 * gone on. learned and originals are keyed by IRQ
 * number and name: a number reused by another IRQ is not the same IRQ.
 * Text in, text out; the daemon reads and writes the files.
 *
 * learned, originals and placed hold one IRQ a line, the name last (the
 * rest of the line: it may hold spaces, or be absent for a nameless IRQ);
 * bans one owner a line. Blank lines and lines starting with '#' are
 * ignored:
 *
 *     learned:    IRQ NAME            "27 virtio2-request"
 *     originals:  IRQ CPULIST NAME    "30 0-1 virtio0-requests"
 *     bans:       OWNER CPULIST       "tuned 4-7"
 *     placed:     IRQ CPU WRITTEN HELD OUTSIDE NAME
 *                                     "31 5 0-1,5 0-1,5 0 virtio3-input.3"
 *
 * placed's HELD is "-" when unknown, OUTSIDE 0 or 1 (AfPlaced).
 *
 * The one parser and formatter of these files; every mode (dry-run too)
 * reads them through daemon/statedir.c.
 */

#include <glib.h>

#include "ownerbans.h"
#include "cpuset.h"
#include "learned.h"

#define AF_STATE_LEARNED_FILE "learned"
#define AF_STATE_ORIGINALS_FILE "originals"
#define AF_STATE_BANS_FILE "bans"
#define AF_STATE_PLACED_FILE "placed"

typedef struct AfOriginal {
	char *name;         /* the IRQ's name when its original was taken */
	AfCpuSet *affinity; /* smp_affinity before affinityd's first write; never empty */
} AfOriginal;

/*
 * What apply last wrote of an IRQ it gives fallback CPUs, and what it knew
 * then of the masks the kernel may hold (daemon/apply-private.h, Known).
 * A hint, never trusted beyond what the kernel shows: it stands only while
 * the IRQ's mask is still written.
 */
typedef struct AfPlaced {
	char *name;	   /* the IRQ's name when written */
	guint cpu;	   /* the planned CPU the mask was written for */
	AfCpuSet *written; /* the last mask written; never empty */
	AfCpuSet *held;	   /* every CPU of the masks of ours the kernel may hold; NULL unknown */
	gboolean outside;  /* served outside written when written: carried out once inside */
} AfPlaced;

typedef struct AfState {
	AfLearned *learned;    /* lib/learned.h */
	GHashTable *originals; /* GUINT_TO_POINTER(irq) -> AfOriginal* */
	AfOwnerBans *bans;     /* every run-time ban; the persistent ones are saved */
	GHashTable *placed;    /* GUINT_TO_POINTER(irq) -> AfPlaced* */
} AfState;

/* An empty state. */
AfState *af_state_new(void);
/* Frees; accepts NULL. */
void af_state_free(AfState *state);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfState, af_state_free)

/*
 * Parse one file's text into state, replacing what state held of that kind
 * (for bans: every ban; those read are persistent). Return 0, or -EINVAL
 * with the 1-based number of the first bad line in *ret_line (may be NULL),
 * state unchanged: a bad IRQ number, for originals a bad or empty CPU list,
 * for bans an invalid owner, an owner given twice, or a bad or empty CPU list,
 * for placed a bad CPU, list or flag.
 * A file that opens with the header affinityd writes must close with its end
 * line ("# end sha256:HEX", the SHA-256 of everything before it): without
 * it, or with another sum, it is torn or changed, never trusted: -EBADMSG,
 * *ret_line its last line. A file without the header (written by hand) is
 * checked line by line only.
 */
int af_state_parse_learned(AfState *state, const char *text, guint *ret_line);
int af_state_parse_originals(AfState *state, const char *text, guint *ret_line);
int af_state_parse_bans(AfState *state, const char *text, guint *ret_line);
int af_state_parse_placed(AfState *state, const char *text, guint *ret_line);
/*
 * One file's text, with a comment header and the end line, in ascending
 * IRQ order. A name
 * cannot hold a newline in /proc/interrupts; one that does anyway is
 * written with spaces, so that the file stays one IRQ a line.
 */
char *af_state_format_learned(const AfState *state);
char *af_state_format_originals(const AfState *state);
/* The bans file: the persistent bans only, in owner order. */
char *af_state_format_bans(const AfState *state);
char *af_state_format_placed(const AfState *state);

/* TRUE when this IRQ (number and name) was learned unmovable. */
gboolean af_state_is_unmovable(const AfState *state, guint irq, const char *name);
/* Records an IRQ as unmovable; returns TRUE when that is news. */
gboolean af_state_learn_unmovable(AfState *state, guint irq, const char *name);
/* The original affinity of this IRQ (number and name), or NULL. */
const AfCpuSet *af_state_lookup_original(const AfState *state, guint irq, const char *name);
/*
 * Records affinity as the IRQ's original unless one is already kept for
 * the same number and name (the first one is the true original). Returns
 * TRUE when the state changed. An empty affinity is not recorded.
 */
gboolean af_state_remember_original(AfState *state, guint irq, const char *name,
				    const AfCpuSet *affinity);
/* Drops the IRQ's original, whatever its name; TRUE when there was one. */
gboolean af_state_forget_original(AfState *state, guint irq);
/*
 * Records what apply wrote of an IRQ (AfPlaced; held may be NULL); TRUE
 * when the state changed.
 */
gboolean af_state_set_placed(AfState *state, guint irq, const char *name, guint cpu,
			     const AfCpuSet *written, const AfCpuSet *held, gboolean outside);
/* Drops what apply wrote of the IRQ; TRUE when there was a record. */
gboolean af_state_forget_placed(AfState *state, guint irq);
