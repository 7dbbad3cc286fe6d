/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Explain: one IRQ of a plan in sentences for an operator (affinityctl
 * explain, D-Bus Explain): what it is, what the kernel shows, whether
 * affinityd may move it and why not, what the plan does and why, and which
 * isolation sources (a run-time ban included) keep its CPUs off limits.
 * Text in, text out.
 */

#include <glib.h>

#include "housekeeping.h"
#include "planner.h"

/*
 * The explanation of irq in plan (made with hk), lines ending in '\n';
 * NULL when the plan has no such IRQ.
 */
char *af_explain_irq(const AfHousekeeping *hk, const AfPlan *plan, guint irq);
