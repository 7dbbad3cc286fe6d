/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The learned-unmovable IRQs (AfLearned, see snapshot.h) as a text file
 * `learned` in the state directory: one IRQ a line, "IRQ NAME", the name
 * being the rest of the line (it may hold spaces or be empty); blank lines
 * and lines starting with '#' are ignored. Written whole and renamed into
 * place, so a reader never sees half a file.
 */

#include <glib.h>

#include "snapshot.h"

#define AF_LEARNED_FILE "learned"

/* An empty table: GUINT_TO_POINTER(irq) -> owned name. */
AfLearned *af_learned_new(void);
/* Records irq (with its name, "" for none) as unmovable; replaces an earlier name. */
void af_learned_add(AfLearned *learned, guint irq, const char *name);
/* TRUE when irq was learned under this very name (a reused number is another IRQ). */
gboolean af_learned_contains(const AfLearned *learned, guint irq, const char *name);
/* Parses the file's text; -EINVAL (and *ret_line the bad line, 1-based) on garbage. */
int af_learned_parse(const char *text, AfLearned **ret_learned, guint *ret_line);
/* The file's text, ascending IRQ order, with a comment header. */
char *af_learned_format(const AfLearned *learned);
/* Reads STATE_DIR/learned: -ENOENT when absent, -EINVAL on garbage, else the errno. */
int af_learned_load(const char *state_dir, AfLearned **ret_learned);
/* Writes STATE_DIR/learned atomically (temporary file and rename). */
int af_learned_save(const char *state_dir, const AfLearned *learned);
