/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "bans.h"

static AfCpuSet *list(const char *text)
{
	AfCpuSet *set = NULL;

	g_assert_cmpint(af_cpuset_parse_list(text, &set), ==, 0);
	return set;
}

/* "name=cpus name=cpus" in the bans' order. */
static char *format_bans(const AfBans *bans)
{
	GString *out = g_string_new(NULL);

	for (guint i = 0; i < af_bans_count(bans); i++) {
		const AfBan *ban = af_bans_nth(bans, i);
		g_autofree char *cpus = af_cpuset_format_list(ban->cpus);

		g_string_append_printf(out, "%s%s=%s", i ? " " : "", ban->name, cpus);
	}
	return g_string_free(out, FALSE);
}

static void assert_bans(const AfBans *bans, const char *expected)
{
	g_autofree char *text = format_bans(bans);

	g_assert_cmpstr(text, ==, expected);
}

/* Names come out sorted, whatever the order they were banned in. */
static void test_set_order(void)
{
	g_autoptr(AfBans) bans = af_bans_new();
	g_autoptr(AfCpuSet) a = list("1"), b = list("2-3"), c = list("7");

	g_assert_true(af_bans_set(bans, "owner:tuned", b));
	g_assert_true(af_bans_set(bans, "owner:crio", a));
	g_assert_true(af_bans_set(bans, "owner:zz", c));
	g_assert_true(af_bans_set(bans, "owner:lpmd", c));
	assert_bans(bans, "owner:crio=1 owner:lpmd=7 owner:tuned=2-3 owner:zz=7");
}

/* A new set replaces the old; the same set is no change; empty or NULL lifts it. */
static void test_set_replace(void)
{
	g_autoptr(AfBans) bans = af_bans_new();
	g_autoptr(AfCpuSet) a = list("1"), b = list("2-3"), empty = af_cpuset_new();

	g_assert_true(af_bans_set(bans, "x", a));
	g_assert_false(af_bans_set(bans, "x", a));
	g_assert_true(af_bans_set(bans, "x", b));
	assert_bans(bans, "x=2-3");
	/* The ban holds a copy. */
	af_cpuset_add(b, 9);
	assert_bans(bans, "x=2-3");
	g_assert_true(af_bans_set(bans, "x", empty));
	assert_bans(bans, "");
	g_assert_false(af_bans_set(bans, "x", NULL));
	g_assert_true(af_bans_set(bans, "y", a));
	g_assert_true(af_bans_set(bans, "y", NULL));
	g_assert_cmpuint(af_bans_count(bans), ==, 0);
}

static void test_get(void)
{
	g_autoptr(AfBans) bans = af_bans_new();
	g_autoptr(AfCpuSet) a = list("4-5");
	g_autofree char *text = NULL;

	g_assert_null(af_bans_get(bans, "x"));
	g_assert_null(af_bans_get(NULL, "x"));
	af_bans_set(bans, "b", a);
	af_bans_set(bans, "a", a);
	af_bans_set(bans, "c", a);
	text = af_cpuset_format_list(af_bans_get(bans, "b"));
	g_assert_cmpstr(text, ==, "4-5");
	g_assert_null(af_bans_get(bans, "bb"));
	g_assert_null(af_bans_get(bans, ""));
}

static void test_union(void)
{
	g_autoptr(AfBans) bans = af_bans_new();
	g_autoptr(AfCpuSet) a = list("1,3"), b = list("3-4,100");
	g_autoptr(AfCpuSet) all = NULL, none = af_bans_union(NULL);
	g_autofree char *text = NULL;

	g_assert_true(af_cpuset_is_empty(none));
	af_bans_set(bans, "a", a);
	af_bans_set(bans, "b", b);
	all = af_bans_union(bans);
	text = af_cpuset_format_list(all);
	g_assert_cmpstr(text, ==, "1,3-4,100");
}

static void test_copy(void)
{
	g_autoptr(AfBans) bans = af_bans_new();
	g_autoptr(AfBans) copy = NULL;
	g_autoptr(AfCpuSet) a = list("1");

	g_assert_null(af_bans_copy(NULL));
	af_bans_set(bans, "a", a);
	af_bans_set(bans, "b", a);
	copy = af_bans_copy(bans);
	af_bans_set(bans, "a", NULL);
	assert_bans(copy, "a=1 b=1");
	assert_bans(bans, "b=1");
	af_bans_free(NULL);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/bans/set/order", test_set_order);
	g_test_add_func("/bans/set/replace", test_set_replace);
	g_test_add_func("/bans/get/cases", test_get);
	g_test_add_func("/bans/union/cases", test_union);
	g_test_add_func("/bans/copy/deep", test_copy);
	return g_test_run();
}
