/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "rmapfix.h"

static void test_parse_release(void)
{
	static const struct {
		const char *release;
		int r;
		guint major, minor, patch;
	} cases[] = {
		{"6.1.0-56-amd64", 0, 6, 1, 0},
		{"6.12.118+deb12-amd64", 0, 6, 12, 118},
		{"7.0-rc1", 0, 7, 0, 0},
		{"7.0.0-rc3", 0, 7, 0, 0},
		{"6.18.44-fc-v1272", 0, 6, 18, 44},
		{"6", -EINVAL, 0, 0, 0},
		{"6.", -EINVAL, 0, 0, 0},
		{"", -EINVAL, 0, 0, 0},
		{"v6.1", -EINVAL, 0, 0, 0},
		{"99999999.1", -EINVAL, 0, 0, 0},
		{NULL, -EINVAL, 0, 0, 0},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		AfKernelVersion v = {0};

		g_test_message("release %s", cases[i].release ? cases[i].release : "(null)");
		g_assert_cmpint(af_rmapfix_parse_release(cases[i].release, &v), ==, cases[i].r);
		if (cases[i].r < 0)
			continue;
		g_assert_cmpuint(v.major, ==, cases[i].major);
		g_assert_cmpuint(v.minor, ==, cases[i].minor);
		g_assert_cmpuint(v.patch, ==, cases[i].patch);
	}
}

static void test_parse_table(void)
{
	static const struct {
		const char *text;
		int r;
		guint n;
	} cases[] = {
		{"7.0", 0, 1},
		{"7.0, 6.19.5,6.18.16", 0, 3},
		{"", -EINVAL, 0},
		{"7", -EINVAL, 0},
		{"7.0,", -EINVAL, 0},
		{"6.18.x", -EINVAL, 0},
		{"6.18.1.2", -EINVAL, 0},
		{"6.18-rc1", -EINVAL, 0},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GArray) table = NULL;

		g_test_message("table %s", cases[i].text);
		g_assert_cmpint(af_rmapfix_parse_table(cases[i].text, &table), ==, cases[i].r);
		if (cases[i].r == 0)
			g_assert_cmpuint(table->len, ==, cases[i].n);
	}
}

static void test_has_fix(void)
{
	static const struct {
		const char *release, *table;
		gboolean fixed;
	} cases[] = {
		/* The built-in table: mainline 7.0 and later only. */
		{"7.0.0", NULL, TRUE},
		{"7.0-rc1", NULL, TRUE},
		{"7.1.3-amd64", NULL, TRUE},
		{"8.0", NULL, TRUE},
		{"6.19.9", NULL, FALSE},
		{"6.18.44-fc-v1272", NULL, FALSE},
		{"6.12.118+deb12-amd64", NULL, FALSE},
		{"6.1.0-56-amd64", NULL, FALSE},
		{"garbage", NULL, FALSE},
		{NULL, NULL, FALSE},
		/* A table with stable backports: from that release of the series on. */
		{"6.18.15", "7.0,6.19.5,6.18.16", FALSE},
		{"6.18.16", "7.0,6.19.5,6.18.16", TRUE},
		{"6.18.200", "7.0,6.19.5,6.18.16", TRUE},
		{"6.19.4", "7.0,6.19.5,6.18.16", FALSE},
		{"6.19.5-rt3", "7.0,6.19.5,6.18.16", TRUE},
		{"6.17.30", "7.0,6.19.5,6.18.16", FALSE},
		{"6.20.0", "7.0,6.19.5,6.18.16", FALSE},
		/* A table that does not parse proves nothing. */
		{"7.0", "7.x", FALSE},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_test_message("release %s, table %s", cases[i].release, cases[i].table);
		g_assert_cmpint(af_rmapfix_release_has_fix(cases[i].release, cases[i].table), ==,
				cases[i].fixed);
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/rmapfix/parse_release/table", test_parse_release);
	g_test_add_func("/rmapfix/parse_table/table", test_parse_table);
	g_test_add_func("/rmapfix/release_has_fix/table", test_has_fix);
	return g_test_run();
}
