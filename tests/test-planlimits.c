/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "planlimits.h"

static AfCpuSet *list(const char *text)
{
	AfCpuSet *set = NULL;

	g_assert_cmpint(af_cpuset_parse_list(text, &set), ==, 0);
	return set;
}

typedef struct {
	const char *housekeeping;
	const char *online; /* "" = not known */
	const char *excluded;
	const char *usable;
} UsableCase;

static const UsableCase usable_cases[] = {
	{"0-3", "0-7", "", "0-3"},    {"0-3", "0-7", "1", "0,2-3"},
	{"0-3", "0-7", "4-7", "0-3"}, {"0-3", "0-7", "2-5", "0-1"},
	{"0-1", "0-7", "0-1", "0-1"}, /* all full: keep them rather than none */
	{"0", "0", "0", "0"},	      {"63-64", "0-127", "64", "63"},
	{"0-3", "0-1", "", "0-1"}, /* a stale housekeeping set: online only */
	{"0-3", "", "3", "0-2"},   /* online unknown: housekeeping as it is */
	{"", "0-3", "1", ""},	      {"1023-1024", "0-1024", "1024", "1023"},
};

static void test_usable_cpus(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(usable_cases); i++) {
		const UsableCase *c = &usable_cases[i];
		g_autoptr(AfCpuSet) housekeeping = list(c->housekeeping);
		g_autoptr(AfCpuSet) online = list(c->online);
		g_autoptr(AfCpuSet) usable = NULL;
		g_autoptr(AfLimits) limits = af_limits_new();
		g_autofree char *text = NULL;
		g_autoptr(AfCpuSet) excluded = list(c->excluded);

		g_test_message("case %s, online %s, excluded %s", c->housekeeping, c->online,
			       c->excluded);
		af_limits_exclude(limits, excluded);
		usable = af_limits_usable_cpus(limits, housekeeping, online);
		text = af_cpuset_format_list(usable);
		g_assert_cmpstr(text, ==, c->usable);
	}
}

static void test_usable_cpus_no_limits(void)
{
	g_autoptr(AfCpuSet) housekeeping = list("0-3,8");
	g_autoptr(AfCpuSet) online = list("0-7");
	g_autoptr(AfCpuSet) usable = af_limits_usable_cpus(NULL, housekeeping, online);
	g_autoptr(AfCpuSet) none = af_limits_usable_cpus(NULL, NULL, online);
	g_autofree char *text = af_cpuset_format_list(usable);

	g_assert_cmpstr(text, ==, "0-3");
	g_assert_true(af_cpuset_is_empty(none));
}

static void test_hold(void)
{
	g_autoptr(AfLimits) limits = af_limits_new();
	g_autoptr(AfCpuSet) some = list("2,5");
	AfHold why = AF_HOLD_FIGHT;

	g_assert_false(af_limits_is_held(NULL, 44, NULL));
	g_assert_false(af_limits_is_held(limits, 44, &why));
	g_assert_cmpint(why, ==, AF_HOLD_FIGHT); /* untouched */
	af_limits_hold(limits, 44, AF_HOLD_INTERVAL);
	af_limits_hold(limits, 0, AF_HOLD_FIGHT);
	g_assert_true(af_limits_is_held(limits, 44, &why));
	g_assert_cmpint(why, ==, AF_HOLD_INTERVAL);
	g_assert_true(af_limits_is_held(limits, 0, &why));
	g_assert_cmpint(why, ==, AF_HOLD_FIGHT);
	g_assert_cmpuint(af_limits_count_held(limits, AF_HOLD_INTERVAL), ==, 1);
	/* A later hold replaces the earlier one. */
	af_limits_hold(limits, 44, AF_HOLD_FIGHT);
	g_assert_true(af_limits_is_held(limits, 44, &why));
	g_assert_cmpint(why, ==, AF_HOLD_FIGHT);
	g_assert_cmpuint(af_limits_count_held(limits, AF_HOLD_INTERVAL), ==, 0);
	g_assert_cmpuint(af_limits_count_held(limits, AF_HOLD_FIGHT), ==, 2);
	af_limits_exclude(limits, NULL);
	af_limits_exclude(limits, some);
	g_assert_true(af_cpuset_equal(limits->excluded, some));
}

static void test_hold_reasons(void)
{
	g_assert_cmpstr(af_limits_hold_reason(AF_HOLD_INTERVAL), ==,
			"load move held: minimum move interval not over");
	g_assert_cmpstr(af_limits_hold_reason(AF_HOLD_FIGHT), ==,
			"held: another writer keeps changing it");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/planlimits/usable_cpus/table", test_usable_cpus);
	g_test_add_func("/planlimits/usable_cpus/no_limits", test_usable_cpus_no_limits);
	g_test_add_func("/planlimits/hold/replace_and_count", test_hold);
	g_test_add_func("/planlimits/hold_to_reason/names", test_hold_reasons);
	return g_test_run();
}
