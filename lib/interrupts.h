/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The one parser of /proc/interrupts.
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
 * - Any other line is skipped and counted (n_skipped); an IRQ number seen
 *   before is left out (the first row counts).
 * - Counts of CPUs at or above nr_cpu_ids are read and dropped; counts beyond
 *   the header's last column too.
 * - A last line without its newline was cut short: left out.
 * What the rule kept or left out that a kernel never prints is noted
 * (AfInterruptsNotes, with the first line of each kind), for one warning
 * each that names the file and the line.
 */

#include <glib.h>

#include "sysroot.h"

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

/* What a parse kept or left out that a kernel never prints; lines are 1-based, 0 none. */
typedef struct AfInterruptsNotes {
	guint header_line;		 /* the header's line; 0 when there was none */
	guint bad_header_line;		 /* the first non-blank line, when it is not a header */
	guint n_rows;			 /* IRQ rows handed on */
	guint n_short, first_short_line; /* IRQ rows with fewer counts than columns (kept) */
	guint n_long, first_long_line;	 /* IRQ rows with more counts than columns (kept) */
	guint n_duplicate, first_duplicate_line; /* an IRQ's second row (left out) */
	guint n_skipped, first_skipped_line;	 /* neither IRQ nor arch rows (left out) */
	guint cut_line;				 /* a last line without its newline (left out) */
} AfInterruptsNotes;

typedef struct AfInterrupts {
	guint n_columns;     /* CPU columns named by the header */
	guint *column_cpus;  /* CPU number of each column */
	GPtrArray *rows;     /* AfInterruptsRow*, in text order */
	guint n_skipped;     /* lines that were neither header, IRQ rows nor arch rows */
	AfInterruptsNotes notes;
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
	/* Only each row's total is wanted: counts is NULL and n_counts 0. */
	gboolean totals_only;
} AfInterruptsHandler;

/*
 * Parses /proc/interrupts text row by row into handler, without a copy of
 * the text or an allocation per row; *ret_notes (may be NULL) says what the
 * rule kept or left out, also on -EINVAL. Returns -EINVAL when there is no
 * header (nothing was handed on then).
 */
int af_interrupts_parse_each(const char *text, guint nr_cpu_ids, const AfInterruptsHandler *handler,
			     gpointer user_data, AfInterruptsNotes *ret_notes);
/*
 * The same parse, fed line by line (a line without its '\n', complete FALSE
 * for a last line cut short): new, feed every line, finish (which frees).
 * feed returns -EINVAL from the bad header on (stop feeding then).
 */
typedef struct AfInterruptsParser AfInterruptsParser;
AfInterruptsParser *af_interrupts_parser_new(guint nr_cpu_ids, const AfInterruptsHandler *handler,
					     gpointer user_data);
int af_interrupts_parser_feed(AfInterruptsParser *parser, const char *line, gsize len,
			      gboolean complete);
int af_interrupts_parser_finish(AfInterruptsParser *parser, AfInterruptsNotes *ret_notes);
/*
 * The same parse of the file at path, streamed from the sysroot in chunks
 * (af_sysroot_read_lines): memory is one line, not the file. The read's
 * errno, or -EINVAL without a header.
 */
int af_interrupts_read_each(AfSysroot *sysroot, const char *path, guint nr_cpu_ids,
			    const AfInterruptsHandler *handler, gpointer user_data,
			    AfInterruptsNotes *ret_notes);
/* The same, gathered: rows with counts of CPUs below nr_cpu_ids; -EINVAL without a header. */
int af_interrupts_parse(const char *text, guint nr_cpu_ids, AfInterrupts **ret_interrupts);
/*
 * The file at path streamed and gathered, rows without their per-CPU counts
 * (counts NULL, n_counts 0; total kept): what the snapshot needs, in memory
 * linear in the IRQs, not in IRQs x CPUs. *ret_notes (may be NULL) is
 * written on -EINVAL too.
 */
int af_interrupts_read(AfSysroot *sysroot, const char *path, guint nr_cpu_ids,
		       AfInterrupts **ret_interrupts, AfInterruptsNotes *ret_notes);
/* Appends one warning naming path and the line for each kind of note (n_columns: the header's). */
void af_interrupts_notes_describe(const AfInterruptsNotes *notes, const char *path, guint n_columns,
				  GPtrArray *warnings);
/* Frees; accepts NULL. */
void af_interrupts_free(AfInterrupts *interrupts);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfInterrupts, af_interrupts_free)
