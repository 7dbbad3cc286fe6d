/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfInterrupts: the text of /proc/interrupts, parsed. Owns the column
 * mapping (the header names only the online CPUs, "CPU0 CPU1 CPU3" when CPU2
 * is offline) and the split of each numbered row into counts, chip, hwirq,
 * trigger and action names. Architecture rows (NMI, LOC, ERR, ...) and lines
 * that do not parse are skipped and counted. Pure text in, structure out.
 */

#include <glib.h>

typedef struct AfInterruptsRow {
	guint irq;
	guint64 *counts; /* n_counts entries, indexed by CPU number; offline CPUs 0 */
	guint n_counts;
	guint64 total;
	char *chip;      /* "IO-APIC", "PCI-MSI", ...; NULL when the row ends early */
	char *hwirq;     /* "98307"; NULL when the row has none */
	char *trigger;   /* "edge", "fasteoi", "Level"; NULL when none */
	char *name;      /* action names joined by ", "; "" when none */
} AfInterruptsRow;

typedef struct AfInterrupts {
	guint n_columns;     /* CPU columns named by the header */
	guint *column_cpus;  /* CPU number of each column */
	GPtrArray *rows;     /* AfInterruptsRow*, in text order */
	guint n_skipped;     /* lines that were neither header, IRQ rows nor arch rows */
} AfInterrupts;

/*
 * Parses /proc/interrupts text; counts are stored for CPUs below
 * nr_cpu_ids (columns of higher CPUs are read and dropped). Returns -EINVAL
 * when there is no header naming at least one CPU.
 */
int af_interrupts_parse(const char *text, guint nr_cpu_ids, AfInterrupts **ret_interrupts);
/* Frees; accepts NULL. */
void af_interrupts_free(AfInterrupts *interrupts);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfInterrupts, af_interrupts_free)

/*
 * Parses a per_cpu_count line ("256,0,0,0") into n_counts entries (extra
 * values dropped, missing ones 0). Returns -EINVAL on garbage.
 */
int af_interrupts_parse_per_cpu_count(const char *text, guint n_counts, guint64 **ret_counts);
