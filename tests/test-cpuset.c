/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "cpuset.h"

typedef struct {
	const char *text;
	int r;
	const char *list; /* canonical form when r == 0 */
} ListCase;

static const ListCase list_cases[] = {
	{ "", 0, "" },
	{ "\n", 0, "" },
	{ "0", 0, "0" },
	{ "0-3,8", 0, "0-3,8" },
	{ "8,0-3\n", 0, "0-3,8" },
	{ "63", 0, "63" },
	{ "64", 0, "64" },
	{ "63-64", 0, "63-64" },
	{ "1023", 0, "1023" },
	{ "8191", 0, "8191" },
	{ "0-8191", 0, "0-8191" },
	{ "0-15:2/4", 0, "0-1,4-5,8-9,12-13" },
	{ "1,1,1", 0, "1" },
	{ "8192", -ERANGE, NULL },
	{ "99999999999999999999", -ERANGE, NULL },
	{ "3-1", -EINVAL, NULL },
	{ "a", -EINVAL, NULL },
	{ "1,", -EINVAL, NULL },
	{ ",1", -EINVAL, NULL },
	{ "1 2", -EINVAL, NULL },
	{ "1-", -EINVAL, NULL },
	{ "-1", -EINVAL, NULL },
	{ "0-7:0/4", -EINVAL, NULL },
	{ "0-7:5/4", -EINVAL, NULL },
	{ "0-7:2", -EINVAL, NULL },
	{ "0x3", -EINVAL, NULL },
};

static void test_parse_list(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(list_cases); i++) {
		const ListCase *c = &list_cases[i];
		g_autoptr(AfCpuSet) set = NULL;
		int r = af_cpuset_parse_list(c->text, &set);

		g_test_message("case \"%s\"", c->text);
		g_assert_cmpint(r, ==, c->r);
		if (r == 0) {
			g_autofree char *s = af_cpuset_format_list(set);
			g_assert_cmpstr(s, ==, c->list);
		} else {
			g_assert_null(set);
		}
	}
}

typedef struct {
	const char *text;
	int r;
	const char *list;
} MaskCase;

static const MaskCase mask_cases[] = {
	{ "0f", 0, "0-3" },
	{ "0f\n", 0, "0-3" },
	{ "00000000,0000000f", 0, "0-3" },
	{ "80000000,00000000", 0, "63" },
	{ "1,00000000,00000000", 0, "64" },
	{ "ffffffff,ffffffff", 0, "0-63" },
	{ "0", 0, "" },
	{ "00000000,00000000", 0, "" },
	{ "", -EINVAL, NULL },
	{ ",f", -EINVAL, NULL },
	{ "f,", -EINVAL, NULL },
	{ "f,,f", -EINVAL, NULL },
	{ "123456789", -EINVAL, NULL },
	{ "g", -EINVAL, NULL },
	{ "0x1", -EINVAL, NULL },
};

static void test_parse_mask(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(mask_cases); i++) {
		const MaskCase *c = &mask_cases[i];
		g_autoptr(AfCpuSet) set = NULL;
		int r = af_cpuset_parse_mask(c->text, &set);

		g_test_message("case \"%s\"", c->text);
		g_assert_cmpint(r, ==, c->r);
		if (r == 0) {
			g_autofree char *s = af_cpuset_format_list(set);
			g_assert_cmpstr(s, ==, c->list);
		}
	}
}

static void test_parse_mask_range(void)
{
	g_autoptr(GString) text = g_string_new("1");
	g_autoptr(AfCpuSet) set = NULL;

	/* 256 groups of 32 bits hold CPUs 0..8191; a 257th group's bit is 8192. */
	for (guint i = 0; i < 256; i++)
		g_string_append(text, ",00000000");
	g_assert_cmpint(af_cpuset_parse_mask(text->str, &set), ==, -ERANGE);
	g_string_erase(text, 0, 2);
	g_string_prepend(text, "80000000,");
	g_string_truncate(text, 256 * 9 - 1);
	g_assert_cmpint(af_cpuset_parse_mask(text->str, &set), ==, 0);
	g_assert_cmpint(af_cpuset_first(set), ==, 8191);
	g_assert_cmpuint(af_cpuset_count(set), ==, 1);
}

typedef struct {
	const char *list;
	guint nr_cpu_ids;
	const char *mask;
} FormatCase;

static const FormatCase format_cases[] = {
	{ "0-3", 8, "0f" },
	{ "", 8, "00" },
	{ "0", 1, "1" },
	{ "0-3", 4, "f" },
	{ "0-3", 32, "0000000f" },
	{ "0-3", 33, "0,0000000f" },
	{ "0-3", 40, "00,0000000f" },
	{ "63", 64, "80000000,00000000" },
	{ "64", 65, "1,00000000,00000000" },
	{ "2,5", 16, "0024" },
};

static void test_format_mask(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(format_cases); i++) {
		const FormatCase *c = &format_cases[i];
		g_autoptr(AfCpuSet) set = NULL;
		g_autoptr(AfCpuSet) back = NULL;
		g_autofree char *mask = NULL;

		g_assert_cmpint(af_cpuset_parse_list(c->list, &set), ==, 0);
		mask = af_cpuset_format_mask(set, c->nr_cpu_ids);
		g_assert_cmpstr(mask, ==, c->mask);
		g_assert_cmpint(af_cpuset_parse_mask(mask, &back), ==, 0);
		g_assert_true(af_cpuset_equal(set, back));
	}
}

static void test_format_mask_8192(void)
{
	g_autoptr(AfCpuSet) set = af_cpuset_new_range(0, 8191);
	g_autofree char *mask = af_cpuset_format_mask(set, 8192);
	g_autoptr(AfCpuSet) back = NULL;

	g_assert_cmpuint(strlen(mask), ==, 256 * 9 - 1);
	g_assert_cmpint(af_cpuset_parse_mask(mask, &back), ==, 0);
	g_assert_cmpuint(af_cpuset_count(back), ==, 8192);
}

static void test_ops(void)
{
	g_autoptr(AfCpuSet) a = NULL;
	g_autoptr(AfCpuSet) b = NULL;
	g_autoptr(AfCpuSet) both = NULL;
	g_autoptr(AfCpuSet) only_a = NULL;
	g_autoptr(AfCpuSet) either = NULL;
	g_autofree char *s1 = NULL, *s2 = NULL, *s3 = NULL;

	g_assert_cmpint(af_cpuset_parse_list("0-7,100", &a), ==, 0);
	g_assert_cmpint(af_cpuset_parse_list("4-11", &b), ==, 0);
	both = af_cpuset_new_and(a, b);
	only_a = af_cpuset_new_andnot(a, b);
	either = af_cpuset_new_or(a, b);
	s1 = af_cpuset_format_list(both);
	s2 = af_cpuset_format_list(only_a);
	s3 = af_cpuset_format_list(either);
	g_assert_cmpstr(s1, ==, "4-7");
	g_assert_cmpstr(s2, ==, "0-3,100");
	g_assert_cmpstr(s3, ==, "0-11,100");
	g_assert_true(af_cpuset_is_subset(both, a));
	g_assert_false(af_cpuset_is_subset(a, b));
	g_assert_true(af_cpuset_is_subset(NULL, a));
	g_assert_true(af_cpuset_intersects(a, b));
	g_assert_false(af_cpuset_intersects(only_a, b));
	g_assert_cmpuint(af_cpuset_count(a), ==, 9);
	g_assert_cmpint(af_cpuset_first(a), ==, 0);
	g_assert_cmpint(af_cpuset_last(a), ==, 100);
	g_assert_cmpint(af_cpuset_next(a, 7), ==, 100);
	g_assert_cmpint(af_cpuset_next(a, 100), ==, -1);
	g_assert_cmpint(af_cpuset_nth(a, 8), ==, 100);
	g_assert_cmpint(af_cpuset_nth(a, 9), ==, -1);
	af_cpuset_remove(a, 100);
	af_cpuset_remove(a, 5000);
	g_assert_cmpint(af_cpuset_last(a), ==, 7);
	g_assert_true(af_cpuset_is_empty(NULL));
	af_cpuset_clear(a);
	g_assert_true(af_cpuset_is_empty(a));
	g_assert_cmpint(af_cpuset_first(a), ==, -1);
	g_assert_cmpint(af_cpuset_last(a), ==, -1);
}

static void test_equal_sizes(void)
{
	g_autoptr(AfCpuSet) small = af_cpuset_new_range(0, 3);
	g_autoptr(AfCpuSet) big = af_cpuset_new_range(0, 3);

	/* A set that once held CPU 4000 keeps its words; equality ignores them. */
	af_cpuset_add(big, 4000);
	af_cpuset_remove(big, 4000);
	g_assert_true(af_cpuset_equal(small, big));
	g_assert_true(af_cpuset_equal(big, small));
	g_assert_true(af_cpuset_is_subset(big, small));
}

static void test_foreach(void)
{
	g_autoptr(AfCpuSet) set = NULL;
	GString *seen = g_string_new(NULL);

	g_assert_cmpint(af_cpuset_parse_list("1,63-65,1023", &set), ==, 0);
	AF_CPUSET_FOREACH(cpu, set)
		g_string_append_printf(seen, "%d ", cpu);
	g_assert_cmpstr(seen->str, ==, "1 63 64 65 1023 ");
	g_string_free(seen, TRUE);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/cpuset/parse_list/table", test_parse_list);
	g_test_add_func("/cpuset/parse_mask/table", test_parse_mask);
	g_test_add_func("/cpuset/parse_mask/range", test_parse_mask_range);
	g_test_add_func("/cpuset/format_mask/table", test_format_mask);
	g_test_add_func("/cpuset/format_mask/8192", test_format_mask_8192);
	g_test_add_func("/cpuset/ops/basic", test_ops);
	g_test_add_func("/cpuset/equal/different_sizes", test_equal_sizes);
	g_test_add_func("/cpuset/foreach/order", test_foreach);
	return g_test_run();
}
