/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "fallback.h"
#include "testutil.h"

/*
 * Fallback choice on the captures, with the groups read from their sysfs
 * files by hand (test-topology.c says where each comes from):
 *
 *   16em64t-4s2c2t-offlines: L3 per package {0,4,8,12} {1,9} {6,10}
 *     {3,7,11,15}; cores {0,8} {4,12} {1,9} {10} {6} {3,11} {7,15}; one node.
 *   8em64t-2s2ca2c: L2 {0,4} {2,6} {1,5} {3,7}, no SMT, one node.
 *   128arm-2pa2n8cluster4co: nodes of 32 CPUs, one core per CPU, an L3 per
 *     node; node 0's distances 10 16 32 33, node 3's 33 32 16 10.
 */

static AfTopology *load(const char *fixture, char **ret_tmp)
{
	g_autofree char *tarball = af_test_fixture(fixture), *root = NULL;
	g_autoptr(AfSysroot) sysroot = NULL;
	AfTopology *topology = NULL;

	af_test_extract_root(tarball, ret_tmp, &root);
	g_assert_cmpint(af_sysroot_open(root, &sysroot), ==, 0);
	g_assert_cmpint(af_topology_load(sysroot, &topology), ==, 0);
	return topology;
}

static AfCpuSet *cpus(const char *list)
{
	AfCpuSet *set = NULL;

	g_assert_cmpint(af_cpuset_parse_list(list, &set), ==, 0);
	return set;
}

/* af_fallback_choose() as a cpulist, "-" for none. */
static char *choose(const AfTopology *t, guint cpu, const char *allowed, guint count,
		    const char *current)
{
	g_autoptr(AfCpuSet) a = cpus(allowed), c = current ? cpus(current) : NULL;
	g_autoptr(AfCpuSet) chosen = af_fallback_choose(t, cpu, a, count, c);

	return chosen ? af_cpuset_format_list(chosen) : g_strdup("-");
}

#define assert_choice(t, cpu, allowed, count, current, want)                                       \
	do {                                                                                       \
		g_autofree char *got_ = choose(t, cpu, allowed, count, current);                   \
		g_assert_cmpstr(got_, ==, want);                                                   \
	} while (0)

static void test_tier_smt(void)
{
	g_autofree char *tmp = NULL;
	g_autoptr(AfTopology) t = load("hwloc/16em64t-4s2c2t-offlines.tar.bz2", &tmp);

	g_assert_cmpuint(af_fallback_tier(t, 0, 8), ==, 0);	    /* its sibling */
	g_assert_cmpuint(af_fallback_tier(t, 0, 4), ==, 1);	    /* its L3 */
	g_assert_cmpuint(af_fallback_tier(t, 0, 1), ==, 2);	    /* its node */
	g_assert_cmpuint(af_fallback_tier(t, 0, 2), ==, G_MAXUINT); /* offline: unknown */
	g_assert_cmpuint(af_fallback_tier(NULL, 0, 1), ==, G_MAXUINT);
	af_test_rm_rf(tmp);
}

/* Sibling first, then the cache, then the node; within a tier, after the CPU, wrapping. */
static void test_nearest_smt(void)
{
	g_autofree char *tmp = NULL;
	g_autoptr(AfTopology) t = load("hwloc/16em64t-4s2c2t-offlines.tar.bz2", &tmp);
	const char *online = "0-1,3-4,6-12,15";

	assert_choice(t, 0, online, 1, NULL, "8");
	assert_choice(t, 0, online, 2, NULL, "4,8");
	assert_choice(t, 0, online, 3, NULL, "4,8,12");
	/* The cache's other core ({4,12}) before the node: 4 after 0, then 12. */
	assert_choice(t, 0, online, 4, NULL, "1,4,8,12");
	/* CPU 12: sibling 4, then its cache's 0 and 8, wrapping past 15: 0 first. */
	assert_choice(t, 12, online, 2, NULL, "0,4");
	/* CPU 10 has no sibling online, its cache holds 6: then the node after 10. */
	assert_choice(t, 10, online, 2, NULL, "6,11");
	/* Only what is allowed (the housekeeping CPUs); never the CPU itself. */
	assert_choice(t, 0, "0,3,7", 2, NULL, "3,7");
	assert_choice(t, 0, "0", 2, NULL, "-");
	assert_choice(t, 0, online, 0, NULL, "-");
	af_test_rm_rf(tmp);
}

/* No SMT: the L2 partner first. */
static void test_nearest_cache(void)
{
	g_autofree char *tmp = NULL;
	g_autoptr(AfTopology) t = load("hwloc/8em64t-2s2ca2c.tar.bz2", &tmp);

	assert_choice(t, 0, "0-7", 1, NULL, "4");
	assert_choice(t, 5, "0-7", 1, NULL, "1");
	/* 6 then after 6: 7, wrapping to 0 after. */
	assert_choice(t, 6, "0-7", 3, NULL, "0,2,7");
	af_test_rm_rf(tmp);
}

/*
 * Nodes by distance: a node wholly isolated but for the CPU itself falls
 * back on the nearest node (16 before 32 and 33).
 */
static void test_nearest_node(void)
{
	g_autofree char *tmp = NULL;
	g_autoptr(AfTopology) t = load("hwloc/128arm-2pa2n8cluster4co.tar.bz2", &tmp);

	g_assert_cmpuint(af_fallback_tier(t, 0, 1), ==, 1);    /* its L3 (node 0) */
	g_assert_cmpuint(af_fallback_tier(t, 0, 40), ==, 3);   /* node 1: 16 */
	g_assert_cmpuint(af_fallback_tier(t, 0, 70), ==, 4);   /* node 2: 32 */
	g_assert_cmpuint(af_fallback_tier(t, 0, 100), ==, 5);  /* node 3: 33 */
	g_assert_cmpuint(af_fallback_tier(t, 100, 70), ==, 3); /* from node 3: node 2 first */
	assert_choice(t, 0, "0,32-127", 2, NULL, "32-33");
	assert_choice(t, 100, "0-63,100", 2, NULL, "32-33");
	assert_choice(t, 100, "0-31,64-95,100", 2, NULL, "64-65");
	/* Its own node's (its L3's) before any other node. */
	assert_choice(t, 100, "0-31,64-99", 2, NULL, "96-97");
	af_test_rm_rf(tmp);
}

/*
 * The present mask stays while it is as large and no farther: a mask an
 * earlier plan wrote, before a CPU came online that would be nearer by
 * number but not by tier.
 */
static void test_keep_current(void)
{
	g_autofree char *tmp = NULL;
	g_autoptr(AfTopology) t = load("hwloc/16em64t-4s2c2t-offlines.tar.bz2", &tmp);
	const char *online = "0-1,3-4,6-12,15";

	/* Nearest would be 4,8; 8 and 12 are as near (tiers 0 and 1): kept. */
	assert_choice(t, 0, online, 2, "0,8,12", "8,12");
	/* 1 is farther (the node) than the choice's farthest (the cache): not kept. */
	assert_choice(t, 0, online, 2, "0-1,8", "4,8");
	/* Too few, too many, or the CPU not in it: the nearest. */
	assert_choice(t, 0, online, 2, "0,8", "4,8");
	assert_choice(t, 0, online, 2, "0,4,8,12", "4,8");
	assert_choice(t, 0, online, 2, "4,8,12", "4,8");
	/* A CPU not allowed any more (isolated since): not kept. */
	assert_choice(t, 0, "0-1,3-4,6-11,15", 2, "0,8,12", "4,8");
	/* Four: the choice reaches the node (1), so any CPU of the node is near enough. */
	assert_choice(t, 0, online, 4, "0-1,3,8,11", "1,3,8,11");
	af_test_rm_rf(tmp);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/fallback/tier/smt", test_tier_smt);
	g_test_add_func("/fallback/choose/smt", test_nearest_smt);
	g_test_add_func("/fallback/choose/cache", test_nearest_cache);
	g_test_add_func("/fallback/choose/node", test_nearest_node);
	g_test_add_func("/fallback/choose/keep-current", test_keep_current);
	return g_test_run();
}
