/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfLearned: the IRQs learned unmovable from earlier writes (EIO/EPERM),
 * keyed by IRQ number and valued by the IRQ's name when learned: a number
 * reused by an IRQ of another name is not the same IRQ. The table only;
 * its file in the state directory is lib/state.c's to parse and format.
 */

#include <glib.h>

typedef GHashTable AfLearned; /* GUINT_TO_POINTER(irq) -> owned char *name */

/* An empty table. */
AfLearned *af_learned_new(void);
/* Records irq (with its name, "" for none) as unmovable; replaces an earlier name. */
void af_learned_add(AfLearned *learned, guint irq, const char *name);
/* TRUE when irq was learned under this very name (NULL counts as ""); learned may be NULL. */
gboolean af_learned_contains(const AfLearned *learned, guint irq, const char *name);
