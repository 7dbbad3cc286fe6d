/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Pass 7 of the planner: the plan's entries, reasons and warnings, written
 * from the decided units. Not for use outside the planner.
 */

#include "planner-state.h"

/* Writes every unit's entries from its decision, the plan's counts and its warnings. */
void af_planner_write(Planner *p);
