/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The one parser of /proc/interrupts, and of /sys/kernel/irq/N/per_cpu_count.
 * Owns the column mapping (the header names only the online CPUs, "CPU0 CPU1
 * CPU3" when CPU2 is offline) and the split of each numbered row into counts,
 * chip, hwirq, trigger and action names. Pure text in, rows out: streamed row
 * by row into one reused row (af_interrupts_parse_each, for the daemon's
 * periodic scan), or gathered into an AfInterrupts (af_interrupts_parse).
 *
 * One rule for every reader of the file:
 * - The first non-blank line is the header: "CPUn" words, at least one, in
 *   ascending CPU order. Without it no count can be given to a CPU: the text
 *   is refused (-EINVAL) and no row is handed on.
 * - "N:" rows are IRQs. Their counts are read word by word, one per column,
 *   while the words are numbers. A short row (fewer counts than columns) is
 *   kept, its missing counts 0; a row without a single count is skipped.
 * - Rows labelled by a word (NMI, LOC, ERR, MIS, ...) are per-CPU architecture
 *   counters, not IRQs: left out quietly.
 * - Any other line, and an IRQ number seen before (the first row counts), is
 *   skipped and counted (n_skipped).
 * - Counts of CPUs at or above nr_cpu_ids are read and dropped.
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
 * What a streamed parse hands on; either function may be NULL. header runs
 * once, before any row, with the CPU of each column (valid until the parse
 * returns). row runs for every IRQ row kept, in text order; the row, its
 * counts and its strings are the parser's and are overwritten by the next
 * row: copy what you keep.
 */
typedef struct AfInterruptsHandler {
	void (*header)(const guint *column_cpus, guint n_columns, gpointer user_data);
	void (*row)(const AfInterruptsRow *row, gpointer user_data);
} AfInterruptsHandler;

/*
 * Parses /proc/interrupts text row by row into handler, without a copy of
 * the text or an allocation per row; *ret_n_skipped (may be NULL) counts
 * the lines skipped. Returns -EINVAL when there is no header (nothing was
 * handed on then).
 */
int af_interrupts_parse_each(const char *text, guint nr_cpu_ids, const AfInterruptsHandler *handler,
			     gpointer user_data, guint *ret_n_skipped);
/* The same, gathered: rows with counts of CPUs below nr_cpu_ids; -EINVAL without a header. */
int af_interrupts_parse(const char *text, guint nr_cpu_ids, AfInterrupts **ret_interrupts);
/* Frees; accepts NULL. */
void af_interrupts_free(AfInterrupts *interrupts);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfInterrupts, af_interrupts_free)

/*
 * Parses a per_cpu_count line ("256,0,0,0") into n_counts entries (extra
 * values dropped, missing ones 0). Returns -EINVAL on garbage.
 */
int af_interrupts_parse_per_cpu_count(const char *text, guint n_counts, guint64 **ret_counts);
