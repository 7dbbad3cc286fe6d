/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "procstat.h"
#include "testutil.h"

static void test_parse_intr_table(void)
{
	static const struct {
		const char *line;
		int r;
		guint n;
		guint64 first, last;
	} cases[] = {
		{"intr 114930548 87 9 0 0 6", 0, 5, 87, 6},
		{"intr 0", 0, 0, 0, 0}, /* no IRQ numbers at all */
		{"intr 5 5\n", 0, 1, 5, 5},
		{"intr  7\t1   2  ", 0, 2, 1, 2}, /* blanks and tabs */
		{"intr 1 18446744073709551615", 0, 1, G_MAXUINT64, G_MAXUINT64},
		{"intr 1 18446744073709551616", -EINVAL, 0, 0, 0}, /* overflow */
		{"intr", -EINVAL, 0, 0, 0},			   /* no grand total */
		{"intr x 1", -EINVAL, 0, 0, 0},
		{"intr 1 2x 3", -EINVAL, 0, 0, 0},
		{"intr 1 -2", -EINVAL, 0, 0, 0},
		{"intrx 1 2", -EINVAL, 0, 0, 0},
		{"ctxt 1990473", -EINVAL, 0, 0, 0},
		{"", -EINVAL, 0, 0, 0},
	};

	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GArray) totals = NULL;

		g_test_message("case %zu: %s", i, cases[i].line);
		g_assert_cmpint(af_procstat_parse_intr(cases[i].line, &totals), ==, cases[i].r);
		if (cases[i].r < 0) {
			g_assert_null(totals);
			continue;
		}
		g_assert_cmpuint(totals->len, ==, cases[i].n);
		if (cases[i].n == 0)
			continue;
		g_assert_cmpuint(g_array_index(totals, guint64, 0), ==, cases[i].first);
		g_assert_cmpuint(g_array_index(totals, guint64, totals->len - 1), ==,
				 cases[i].last);
	}
}

static int read_intr(const char *root, const char *stat, GArray **ret_totals, guint *ret_line)
{
	g_autoptr(AfSysroot) sysroot = NULL;

	if (stat)
		af_test_write_file(root, "proc/stat", stat);
	g_assert_cmpint(af_sysroot_open(root, &sysroot), ==, 0);
	return af_procstat_read_intr(sysroot, ret_totals, ret_line);
}

/* The intr line among the others, after 1024 cpu lines; missing; cut short; garbage. */
static void test_read_intr(void)
{
	g_autofree char *root = g_dir_make_tmp("af-procstat-XXXXXX", NULL);
	g_autoptr(GString) stat = g_string_new("cpu  1 2 3 4 5 6 7 8 9 10\n");
	g_autoptr(GArray) totals = NULL;
	GArray *none = NULL;
	guint line = 0;

	g_assert_cmpint(read_intr(root, NULL, &none, NULL), ==, -ENOENT);
	for (guint cpu = 0; cpu < 1024; cpu++)
		g_string_append_printf(stat, "cpu%u 1 2 3 4 5 6 7 8 9 10\n", cpu);
	g_string_append(stat, "intr 300 100 0 200\nctxt 5\nsoftirq 1 2\n");
	g_assert_cmpint(read_intr(root, stat->str, &totals, NULL), ==, 0);
	g_assert_cmpuint(totals->len, ==, 3);
	g_assert_cmpuint(g_array_index(totals, guint64, 2), ==, 200);
	g_assert_cmpint(read_intr(root, "cpu 1 2\nctxt 5\n", &none, NULL), ==, -ENODATA);
	g_assert_cmpint(read_intr(root, "cpu 1 2\nintr 300 100 0 2", &none, &line), ==, -EINVAL);
	g_assert_cmpuint(line, ==, 2);
	g_assert_cmpint(read_intr(root, "cpu 1 2\ncpu0 1\nintr 3 x\n", &none, &line), ==, -EINVAL);
	g_assert_cmpuint(line, ==, 3);
	g_assert_null(none);
	af_test_rm_rf(root);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/procstat/parse_intr/table", test_parse_intr_table);
	g_test_add_func("/procstat/read_intr/lines", test_read_intr);
	return g_test_run();
}
