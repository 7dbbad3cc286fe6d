/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Passes 3 and 4 of the planner: units stay where they are when that is
 * good enough (hysteresis), the others go on the best candidate CPU.
 * Every unit leaves pass 4 on a CPU, or left alone at the cap. Not for
 * use outside the planner.
 */

#include "planner-state.h"

/* Pass 3: units on an acceptable CPU with room stay there (kept). */
void af_planner_keep_current(Planner *p);
/* Pass 4: every other unit is placed (widened when its node is full) or left alone at the cap. */
void af_planner_place_rest(Planner *p);
