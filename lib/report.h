/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Reports: the plan as an operator's table and as the stable JSON of
 * DESIGN.md ("version": 1). Text in, text out.
 */

#include <glib.h>

#include "housekeeping.h"
#include "planner.h"
#include "snapshot.h"
#include "whatif.h"

/* The table: one row per IRQ, then CPU sets, sources, warnings, summary. */
char *af_report_format_table(const AfSnapshot *snapshot, const AfHousekeeping *hk,
			     const AfPlan *plan);
/* The JSON document, pretty-printed, ending in a newline. */
char *af_report_format_json(const AfSnapshot *snapshot, const AfHousekeeping *hk,
			    const AfPlan *plan);
/*
 * The same for the offline advisor: the table opens with the CPUs taken
 * offline and ends with the findings; the JSON gains "what_if".
 */
char *af_report_format_table_what_if(const AfSnapshot *snapshot, const AfHousekeeping *hk,
				     const AfPlan *plan, const AfWhatIf *what_if);
char *af_report_format_json_what_if(const AfSnapshot *snapshot, const AfHousekeeping *hk,
				    const AfPlan *plan, const AfWhatIf *what_if);
