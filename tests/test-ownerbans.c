/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "ownerbans.h"
#include "testutil.h"

static AfCpuSet *cpus(const char *list)
{
	AfCpuSet *set = NULL;

	g_assert_cmpint(af_cpuset_parse_list(list, &set), ==, 0);
	return set;
}

static void test_owner_is_valid(void)
{
	static const struct {
		const char *owner;
		gboolean valid;
	} cases[] = {
		{"tuned", TRUE},
		{"socket:intel_lpmd", TRUE},
		{"crio@pod-1.a", TRUE},
		{"A9", TRUE},
		{"x", TRUE},
		{"", FALSE},
		{NULL, FALSE},
		{"two words", FALSE},
		{"tab\there", FALSE},
		{"new\nline", FALSE},
		{"slash/es", FALSE},
		{"ümlaut", FALSE},
		{"#comment", FALSE},
	};
	g_autofree char *longest = g_strnfill(AF_OWNER_BANS_OWNER_MAX, 'a');
	g_autofree char *too_long = g_strnfill(AF_OWNER_BANS_OWNER_MAX + 1, 'a');

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_test_message("case %u: %s", i, cases[i].owner ? cases[i].owner : "(null)");
		g_assert_cmpint(af_owner_bans_owner_is_valid(cases[i].owner), ==, cases[i].valid);
	}
	g_assert_true(af_owner_bans_owner_is_valid(longest));
	g_assert_false(af_owner_bans_owner_is_valid(too_long));
}

/* One ban per owner: a second replaces the first; TRUE only for a change. */
static void test_set_replaces(void)
{
	g_autoptr(AfOwnerBans) bans = af_owner_bans_new();
	g_autoptr(AfCpuSet) a = cpus("4-7");
	g_autoptr(AfCpuSet) b = cpus("6");
	const AfOwnerBan *ban;

	g_assert_cmpuint(af_owner_bans_count(bans), ==, 0);
	g_assert_null(af_owner_bans_lookup(bans, "tuned"));
	g_assert_true(af_owner_bans_set(bans, "tuned", a, FALSE));
	g_assert_false(af_owner_bans_set(bans, "tuned", a, FALSE));
	g_assert_true(af_owner_bans_set(bans, "tuned", a, TRUE)); /* persist is part of the ban */
	g_assert_true(af_owner_bans_set(bans, "tuned", b, TRUE));
	g_assert_cmpuint(af_owner_bans_count(bans), ==, 1);
	ban = af_owner_bans_lookup(bans, "tuned");
	g_assert_nonnull(ban);
	g_assert_cmpstr(ban->owner, ==, "tuned");
	g_assert_true(af_cpuset_equal(ban->cpus, b));
	g_assert_true(ban->persist);
	/* The table keeps its own copy. */
	af_cpuset_add(b, 0);
	g_assert_false(af_cpuset_contains(af_owner_bans_lookup(bans, "tuned")->cpus, 0));

	g_assert_true(af_owner_bans_remove(bans, "tuned"));
	g_assert_false(af_owner_bans_remove(bans, "tuned"));
	g_assert_null(af_owner_bans_lookup(bans, "tuned"));
	g_assert_cmpuint(af_owner_bans_count(bans), ==, 0);
}

/* Several owners: honoured as their union, listed in owner order. */
static void test_union_and_list(void)
{
	g_autoptr(AfOwnerBans) bans = af_owner_bans_new();
	g_autoptr(AfCpuSet) a = cpus("4-5");
	g_autoptr(AfCpuSet) b = cpus("5-7,12");
	g_autoptr(AfCpuSet) all = NULL;
	g_autoptr(GPtrArray) list = NULL;
	g_autofree char *text = NULL;

	all = af_owner_bans_union(NULL);
	g_assert_true(af_cpuset_is_empty(all));
	g_clear_pointer(&all, af_cpuset_free);
	af_owner_bans_set(bans, "tuned", b, FALSE);
	af_owner_bans_set(bans, "crio", a, TRUE);
	af_owner_bans_set(bans, "socket:intel_lpmd", a, FALSE);
	all = af_owner_bans_union(bans);
	text = af_cpuset_format_list(all);
	g_assert_cmpstr(text, ==, "4-7,12");
	list = af_owner_bans_list(bans);
	g_assert_cmpuint(list->len, ==, 3);
	g_assert_cmpstr(((AfOwnerBan *)list->pdata[0])->owner, ==, "crio");
	g_assert_cmpstr(((AfOwnerBan *)list->pdata[1])->owner, ==, "socket:intel_lpmd");
	g_assert_cmpstr(((AfOwnerBan *)list->pdata[2])->owner, ==, "tuned");
	g_clear_pointer(&list, g_ptr_array_unref);

	g_assert_true(af_owner_bans_clear(bans));
	g_assert_false(af_owner_bans_clear(bans));
	list = af_owner_bans_list(bans);
	g_assert_cmpuint(list->len, ==, 0);
}

static void test_source_name(void)
{
	g_autofree char *name = af_owner_bans_source_name("tuned");

	g_assert_cmpstr(name, ==, "owner:tuned");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/ownerbans/owner_is_valid/table", test_owner_is_valid);
	g_test_add_func("/ownerbans/set/replaces", test_set_replaces);
	g_test_add_func("/ownerbans/union/several_owners", test_union_and_list);
	g_test_add_func("/ownerbans/source_name/prefix", test_source_name);
	return g_test_run();
}
