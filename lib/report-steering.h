/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The steering part of the reports (report.h): the "Network steering"
 * section of the table and the JSON "interfaces" array, the machine-wide
 * "rps_sock_flow_entries" and the steering's counts. Called by report.c
 * only.
 */

#include <glib.h>
#include <json-glib/json-glib.h>

#include "steering.h"

/* Appends the section (nothing when steering is NULL or has no interface). */
void af_report_append_steering(GString *out, const AfSteering *steering);
/* Adds "interfaces" and "rps_sock_flow_entries" members to the open object. */
void af_report_add_steering_json(JsonBuilder *b, const AfSteering *steering);
/* Adds the "steering" member of "summary": {"move", "keep", "skip"}. */
void af_report_add_steering_summary(JsonBuilder *b, const AfSteering *steering);
