/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Passes 5 and 6 of the planner (spread mode): the load pass and the
 * evening out of IRQ counts, alternated until the plan is a fixed point.
 * Not for use outside the planner.
 */

#include "planner-state.h"

/* Moves settled units for load (UNIT_REBALANCED) and IRQ counts (UNIT_EVENED). */
void af_planner_settle_spread(Planner *p);
