/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "report-common.h"

char *af_report_sanitize(const char *text)
{
	char *copy = g_strdup(text ? text : "");

	for (char *p = copy; *p; p++)
		if (g_ascii_iscntrl(*p))
			*p = '?';
	return copy;
}

void af_report_add_string_or_null(JsonBuilder *b, const char *member, const char *value)
{
	json_builder_set_member_name(b, member);
	if (value)
		json_builder_add_string_value(b, value);
	else
		json_builder_add_null_value(b);
}

void af_report_add_int_or_null(JsonBuilder *b, const char *member, gint64 value)
{
	json_builder_set_member_name(b, member);
	if (value >= 0)
		json_builder_add_int_value(b, value);
	else
		json_builder_add_null_value(b);
}

void af_report_add_cpuset_or_null(JsonBuilder *b, const char *member, const AfCpuSet *set)
{
	g_autofree char *list = set ? af_cpuset_format_list(set) : NULL;

	af_report_add_string_or_null(b, member, list);
}
