/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * What the parts of AfApply share, not for use outside them: apply.c
 * (the applier, apply and restore), apply-kernel.c (the IRQ's files under
 * /proc/irq, read and written through the sysroot) and apply-widen.c (what
 * the kernel is known to hold, and the writes that wait for an interrupt
 * before a mask gains its fallback CPUs). apply-log.c needs only apply.h.
 */

#include "apply.h"

struct AfApply {
	AfSysroot *sysroot;   /* borrowed */
	AfStateDir *statedir; /* borrowed */
	GHashTable *backoff;  /* GUINT_TO_POINTER(irq) -> AfBackoff* */
	AfCpuSet *full_cpus;  /* CPUs that answered ENOSPC */
	GHashTable *told;     /* GUINT_TO_POINTER(irq) -> its last failed write's errno (< 0) */
	GHashTable *narrow;   /* GUINT_TO_POINTER(irq): a wider mask moved it */
	GHashTable *known;    /* GUINT_TO_POINTER(irq) -> Known*: IRQs with fallback CPUs */
	AfCpuSet *usable;     /* the CPUs of the plan being applied, fallback CPUs and all */
	GHashTable *waiting;  /* GUINT_TO_POINTER(irq) -> Waiting*: widenings after a landing */
	gboolean placed_dirty; /* known changed since the state's placed file was saved */
};

/*
 * A write the kernel carries out at the IRQ's next interrupt: the planned
 * CPU alone, widened once it has; or the whole mask (Known), followed by
 * the CPU alone once carried out elsewhere.
 */
typedef struct Waiting {
	AfCpuSet *to;	   /* planned ∪ fallback */
	AfCpuSet *written; /* what was written and waits */
	int cpu;	   /* the planned CPU */
} Waiting;

/*
 * What apply knows of an IRQ's affinity beyond the mask the kernel shows.
 * On x86 without interrupt remapping a write is carried out at the IRQ's
 * next interrupt: meanwhile the kernel shows the written mask but holds
 * the old one, and an offline that takes the written mask's last online
 * CPU drops the write, showing (and later migrating by) the old mask again
 * (kernel/irq: irq_set_affinity_locked, migrate_one_irq,
 * irq_fixup_move_pending). A one-CPU write may wait there only over an old
 * mask known to be ours (held): on any other, the whole mask first.
 * Kept in the state directory (AfPlaced) for a restart: a new process
 * takes up what the last one knew while the kernel still shows its write.
 */
typedef struct Known {
	char *name;	   /* the IRQ's name, when written */
	int cpu;	   /* the planned CPU written for; -1 none */
	AfCpuSet *written; /* the last mask written; NULL none */
	gboolean outside;  /* the IRQ was served outside written then: carried out once inside */
	AfCpuSet *held;	   /* every CPU of the masks of ours the kernel may hold; NULL unknown */
} Known;

/* An item waiting for its write: which file, and in which form. */
typedef struct Pending {
	AfApplyItem *item;
	char *path;
	gboolean hex;
	gboolean repair; /* the IRQ is on CPUs the plan uses for none: written first */
} Pending;

/* apply-kernel.c */
/* The requested affinity (NULL unreadable), the file to write and its form; -ENOENT gone. */
int read_affinity(AfApply *apply, guint irq, AfCpuSet **ret_affinity, char **ret_path,
		  gboolean *ret_hex);
/* TRUE when the file cannot be written by anyone (a refusing IRQ's mode 0444). */
gboolean is_read_only(AfApply *apply, const char *path);
/* The one CPU the kernel shows serving the IRQ (effective_affinity), or -1. */
int serving_cpu(AfApply *apply, guint irq);
/* Writes set to the pending item's file in its form; 0 or a negative errno. */
int write_set(AfApply *apply, const Pending *pending, const AfCpuSet *set, guint nr_cpu_ids);

/* apply-widen.c */
/* Frees a Waiting (the waiting table's value destructor). */
void waiting_free(Waiting *waiting);
/* Frees a Known (the known table's value destructor). */
void known_free(Known *known);
/* The IRQ's Known as last recorded (in memory, else from the state directory), or NULL. */
Known *known_get(AfApply *apply, guint irq);
/* Forgets what is known of the IRQ (gone, or its masks restored). */
void known_forget(AfApply *apply, guint irq);
/* TRUE when a fallback CPU serves the item over a mask known ours: written again, alone first. */
gboolean on_fallback(AfApply *apply, const AfApplyItem *item);
/* TRUE when our earlier write of the item's mask still waits for the IRQ's next interrupt. */
gboolean move_is_pending(AfApply *apply, const AfApplyItem *item);
/* Records written as waiting for the item's IRQ, widened by af_apply_widen_landed. */
void waiting_add(AfApply *apply, const AfApplyItem *item, const AfCpuSet *written);
/* Writes a mask with fallback CPUs in its steps, setting item->widen; the first errno, or 0. */
int write_widened(AfApply *apply, const Pending *pending, guint nr_cpu_ids);
