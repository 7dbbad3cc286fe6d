/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Passes 3 and 4 of the planner: units stay where they are when that is
 * good enough (hysteresis), the others go on the best candidate CPU.
 * Every unit leaves pass 4 decided: kept, placed, widened or capped. Not
 * for use outside the planner.
 */

#include "planner-state.h"

/* Pass 3: units on an acceptable CPU with room stay there (UNIT_KEPT). */
void af_planner_keep_current(Planner *p);
/* Pass 4: every other unit is placed (UNIT_PLACED, UNIT_WIDENED) or left alone (UNIT_CAPPED). */
void af_planner_place_rest(Planner *p);
/*
 * After pass 4 (picks ended): a spilled device's units kept on a farther
 * node than its own while a core of its own node has room and holds none
 * of them come home, farthest first (UNIT_PULLED). Later passes never move
 * a unit farther, so the next plan finds nothing to pull.
 */
void af_planner_pull_spilled(Planner *p);
