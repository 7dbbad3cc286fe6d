/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "report-common.h"

static void test_sanitize_cases(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{NULL, ""},
		{"", ""},
		{"eth0-TxRx-0", "eth0-TxRx-0"},
		{"bad\tname\033[2J", "bad?name?[2J"},
		{"line\nbreak\x7f", "line?break?"},
		{"caf\xc3\xa9", "caf\xc3\xa9"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got = af_report_sanitize(cases[i].in);

		g_assert_cmpstr(got, ==, cases[i].out);
	}
}

static void test_add_or_null_values(void)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(AfCpuSet) set = NULL;
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree char *text = NULL;

	g_assert_cmpint(af_cpuset_parse_list("0-3,8", &set), ==, 0);
	json_builder_begin_object(b);
	af_report_add_string_or_null(b, "s", "x");
	af_report_add_string_or_null(b, "s_null", NULL);
	af_report_add_int_or_null(b, "i", 0);
	af_report_add_int_or_null(b, "i_big", G_GINT64_CONSTANT(1) << 40);
	af_report_add_int_or_null(b, "i_null", -1);
	af_report_add_cpuset_or_null(b, "c", set);
	af_report_add_cpuset_or_null(b, "c_null", NULL);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	json_generator_set_root(gen, root);
	text = json_generator_to_data(gen, NULL);
	g_assert_cmpstr(text, ==,
			"{\"s\":\"x\",\"s_null\":null,\"i\":0,\"i_big\":1099511627776,"
			"\"i_null\":null,\"c\":\"0-3,8\",\"c_null\":null}");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/report-common/sanitize/cases", test_sanitize_cases);
	g_test_add_func("/report-common/add_or_null/values", test_add_or_null_values);
	return g_test_run();
}
