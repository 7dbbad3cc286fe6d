/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "defaultaffinity.h"

static AfCpuSet *list(const char *text)
{
	AfCpuSet *set = NULL;

	g_assert_cmpint(af_cpuset_parse_list(text, &set), ==, 0);
	return set;
}

static void assert_banned(const AfDefaultAffinity *tracker, const char *expected)
{
	g_autofree char *text = af_cpuset_format_list(tracker->banned);

	g_assert_cmpstr(text, ==, expected);
}

/* Reads value (a cpulist) with 8 online CPUs; others on the first look. */
static gboolean see(AfDefaultAffinity *tracker, const char *value, const char *others)
{
	g_autoptr(AfCpuSet) v = list(value), online = list("0-7");
	g_autoptr(AfCpuSet) o = others ? list(others) : NULL;

	return af_default_affinity_update(tracker, v, online, o);
}

/*
 * The tried case: CRI-O moved everything to CPU 0 of a two-CPU
 * machine and left default_smp_affinity at 1 (CPU 0 only): CPU 1 is banned.
 */
static void test_update_first_look(void)
{
	g_autoptr(AfDefaultAffinity) crio = af_default_affinity_new();
	g_autoptr(AfDefaultAffinity) boot = af_default_affinity_new();
	g_autoptr(AfDefaultAffinity) irqaffinity = af_default_affinity_new();
	g_autoptr(AfDefaultAffinity) both = af_default_affinity_new();
	g_autoptr(AfDefaultAffinity) offline = af_default_affinity_new();
	g_autoptr(AfCpuSet) v = list("0"), online = list("0-1");

	g_assert_true(af_default_affinity_update(crio, v, online, NULL));
	assert_banned(crio, "1");
	/* The kernel's own default, every CPU: nothing. */
	g_assert_false(see(boot, "0-7", NULL));
	assert_banned(boot, "");
	/* irqaffinity=0-1 and isolcpus: what they isolate is theirs, not a ban. */
	g_assert_false(see(irqaffinity, "0-1", "2-7"));
	assert_banned(irqaffinity, "");
	/* Some CPUs left out by an orchestrator beside irqaffinity's. */
	g_assert_true(see(both, "0", "2-7"));
	assert_banned(both, "1");
	/* Offline CPUs missing from the mask ban nothing on a first look. */
	af_cpuset_assign(online, v);
	g_assert_false(af_default_affinity_update(offline, v, online, NULL));
	assert_banned(offline, "");
}

/* Later looks: what left since the last value is banned, what came back is not. */
static void test_update_changes(void)
{
	g_autoptr(AfDefaultAffinity) t = af_default_affinity_new();

	see(t, "0-5", "6-7"); /* isolcpus=6-7 and a mask narrowed for them: no ban */
	assert_banned(t, "");
	g_assert_true(see(t, "0-3,5", NULL)); /* a pod on CPU 4 */
	assert_banned(t, "4");
	g_assert_false(see(t, "0-3,5", NULL)); /* the same value: no news */
	g_assert_true(see(t, "0-1,5", NULL));  /* a second pod on 2-3 */
	assert_banned(t, "2-4");
	g_assert_true(see(t, "0-1,4-5", NULL)); /* the first pod stopped */
	assert_banned(t, "2-3");
	/* CPUs that were never banned come into the mask: no change. */
	g_assert_false(see(t, "0-1,4-7", NULL));
	assert_banned(t, "2-3");
	g_assert_true(see(t, "0-7", NULL));
	assert_banned(t, "");
}

/*
 * affinityd's own writes are no news: it writes housekeeping minus banned,
 * reads it back, and the bans stay what others made them.
 */
static void test_note_written(void)
{
	g_autoptr(AfDefaultAffinity) t = af_default_affinity_new();
	g_autoptr(AfCpuSet) ours = NULL;

	see(t, "0-7", "6-7");
	g_assert_true(see(t, "0-3,5-7", NULL)); /* CRI-O: a pod on 4 */
	assert_banned(t, "4");
	ours = list("0-3,5");
	af_default_affinity_note_written(t, ours); /* affinityd: housekeeping 0-5 minus 4 */
	g_assert_false(see(t, "0-3,5", NULL));
	assert_banned(t, "4");
	/* The isolation of 6-7 ends: affinityd writes them in, still no news. */
	af_cpuset_add_range(ours, 6, 7);
	af_default_affinity_note_written(t, ours);
	g_assert_false(see(t, "0-3,5-7", NULL));
	assert_banned(t, "4");
	/* CRI-O stops the pod: it sets 4 in what affinityd wrote. */
	g_assert_true(see(t, "0-7", NULL));
	assert_banned(t, "");
	af_default_affinity_free(NULL);
}

/* Without the written note the same sequence would ban affinityd's own choices. */
static void test_note_written_needed(void)
{
	g_autoptr(AfDefaultAffinity) t = af_default_affinity_new();

	see(t, "0-7", NULL);
	g_assert_true(see(t, "0-5", NULL));
	assert_banned(t, "6-7");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/defaultaffinity/update/first-look", test_update_first_look);
	g_test_add_func("/defaultaffinity/update/changes", test_update_changes);
	g_test_add_func("/defaultaffinity/note_written/no-news", test_note_written);
	g_test_add_func("/defaultaffinity/note_written/needed", test_note_written_needed);
	return g_test_run();
}
