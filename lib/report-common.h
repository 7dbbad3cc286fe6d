/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * What the reports' parts (report.c, report-steering.c) write alike: table
 * cells that are safe on a terminal, and JSON members that are null when
 * the value is unknown. Not for use outside the reports.
 */

#include <glib.h>
#include <json-glib/json-glib.h>

#include "cpuset.h"

/* A copy of text (NULL: "") whose control characters (from sysfs names) are '?'. */
char *af_report_sanitize(const char *text);
/* Adds member: value, or null when value is NULL. */
void af_report_add_string_or_null(JsonBuilder *b, const char *member, const char *value);
/* Adds member: value, or null when value is negative. */
void af_report_add_int_or_null(JsonBuilder *b, const char *member, gint64 value);
/* Adds member: set as a cpulist ("0-3,8"), or null when set is NULL. */
void af_report_add_cpuset_or_null(JsonBuilder *b, const char *member, const AfCpuSet *set);
