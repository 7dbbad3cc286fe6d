/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Passes 1 and 2 of the planner: the IRQs that will not be written are
 * skipped (and charged on the CPUs serving them), the rest become items,
 * grouped into units, each with the candidate set of CPUs it may go to.
 * Owns the candidate sets' rules (pin, node-local, spilled to the nearest
 * nodes, all). Not for use outside the planner.
 */

#include "planner-state.h"

/* Pass 1: one entry per IRQ (irqs by number); skips written, the rest become items. */
void af_planner_classify(Planner *p, GPtrArray *irqs);
/*
 * Pass 2: one unit per item, except rx and tx of one channel share one;
 * under numa_local=prefer a device with more units than its node has
 * housekeeping cores gets the nearest nodes too (CAND_SPILL).
 */
void af_planner_group_units(Planner *p);
