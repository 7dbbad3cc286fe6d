/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "testutil.h"
#include "topology.h"

/*
 * Expected values come from the captured sysfs files of each machine
 * (topology/physical_package_id, core_id, thread_siblings_list,
 * cache/indexN/shared_cpu_map, nodeN/cpulist), read by hand: hwloc's
 * logical numbering is checked only through groupings (which CPUs share a
 * package, a cache, a core), never copied from its output.
 */

static AfTopology *load_fixture(const char *name, char **ret_tmp)
{
	g_autofree char *tarball = NULL, *root = NULL;
	g_autoptr(AfSysroot) sysroot = NULL;
	AfTopology *topology = NULL;

	tarball = af_test_fixture(name);
	af_test_extract_root(tarball, ret_tmp, &root);
	g_assert_cmpint(af_sysroot_open(root, &sysroot), ==, 0);
	g_assert_cmpint(af_topology_load(sysroot, &topology), ==, 0);
	g_assert_nonnull(topology);
	return topology;
}

static int field(const AfCpuTopo *entry, size_t offset)
{
	return G_STRUCT_MEMBER(int, entry, offset);
}

/*
 * The CPUs sharing one value of a field (package, cache, core) must be
 * exactly the given groups, one group per distinct value, covering every
 * known CPU.
 */
static void assert_groups(const AfTopology *topology, size_t offset, const char *const *groups)
{
	g_autoptr(AfCpuSet) covered = af_cpuset_new();
	g_autoptr(GHashTable) seen = g_hash_table_new(NULL, NULL);

	for (const char *const *group = groups; *group; group++) {
		g_autoptr(AfCpuSet) want = NULL;
		const AfCpuTopo *first;
		int value;

		g_assert_cmpint(af_cpuset_parse_list(*group, &want), ==, 0);
		first = af_topology_cpu(topology, (guint)af_cpuset_first(want));
		if (!first) {
			af_test_fail("group %s: CPU %d unknown", *group, af_cpuset_first(want));
			continue;
		}
		value = field(first, offset);
		g_assert_cmpint(value, >=, 0);
		/* A new group must not reuse another group's id. */
		g_assert_false(g_hash_table_contains(seen, GINT_TO_POINTER(value)));
		g_hash_table_add(seen, GINT_TO_POINTER(value));
		AF_CPUSET_FOREACH(cpu, topology->known) {
			gboolean same = field(&topology->cpus[cpu], offset) == value;

			if (same != af_cpuset_contains(want, (guint)cpu))
				af_test_fail("group %s: CPU %d %s", *group, cpu,
					     same ? "shares its id" : "has another id");
		}
		af_cpuset_or(covered, want);
	}
	g_assert_true(af_cpuset_equal(covered, topology->known));
}

static void assert_cpulist(const AfCpuSet *set, const char *expected)
{
	g_autofree char *text = af_cpuset_format_list(set);

	g_assert_cmpstr(text, ==, expected);
}

static void assert_node_cpus(const AfTopology *topology, int node, const char *expected)
{
	const AfCpuSet *cpus = af_topology_node_cpus(topology, node);

	g_assert_nonnull(cpus);
	assert_cpulist(cpus, expected);
	AF_CPUSET_FOREACH(cpu, cpus)
		g_assert_cmpint(af_topology_cpu(topology, (guint)cpu)->node, ==, node);
}

/* Every known CPU has a node, package, cache, core and thread. */
static void assert_all_known(const AfTopology *topology)
{
	AF_CPUSET_FOREACH(cpu, topology->known) {
		const AfCpuTopo *entry = af_topology_cpu(topology, (guint)cpu);

		g_assert_nonnull(entry);
		g_assert_cmpint(entry->node, >=, 0);
		g_assert_cmpint(entry->package, >=, 0);
		g_assert_cmpint(entry->cache, >=, 0);
		g_assert_cmpint(entry->core, >=, 0);
		g_assert_cmpint(entry->thread, >=, 0);
	}
}

/* 8 CPUs, 2 sockets, 2 L2 caches per socket, 2 cores per cache, 1 thread. */
static void test_load_2s2ca2c(void)
{
	g_autofree char *tmp = NULL;
	g_autoptr(AfTopology) topology = load_fixture("hwloc/8em64t-2s2ca2c.tar.bz2", &tmp);
	/* physical_package_id: even CPUs 0, odd CPUs 1. */
	const char *packages[] = { "0,2,4,6", "1,3,5,7", NULL };
	/* L2 is the last level (no index3): shared_cpu_list 0,4 2,6 1,5 3,7. */
	const char *caches[] = { "0,4", "2,6", "1,5", "3,7", NULL };
	const char *cores[] = { "0", "1", "2", "3", "4", "5", "6", "7", NULL };

	g_assert_cmpuint(topology->n_cpus, ==, 8);
	assert_cpulist(topology->known, "0-7");
	g_assert_cmpuint(topology->n_packages, ==, 2);
	g_assert_cmpuint(topology->n_caches, ==, 4);
	g_assert_cmpuint(topology->n_cores, ==, 8);
	g_assert_cmpuint(topology->n_nodes, ==, 1);
	assert_node_cpus(topology, 0, "0-7");
	assert_groups(topology, G_STRUCT_OFFSET(AfCpuTopo, package), packages);
	assert_groups(topology, G_STRUCT_OFFSET(AfCpuTopo, cache), caches);
	assert_groups(topology, G_STRUCT_OFFSET(AfCpuTopo, core), cores);
	assert_all_known(topology);
	/* Logical numbering follows the lowest CPU: CPU 0 is first in all. */
	g_assert_cmpint(af_topology_cpu(topology, 0)->package, ==, 0);
	g_assert_cmpint(af_topology_cpu(topology, 0)->cache, ==, 0);
	g_assert_cmpint(af_topology_cpu(topology, 0)->core, ==, 0);
	g_assert_cmpint(af_topology_cpu(topology, 7)->thread, ==, 0);
	g_assert_null(af_topology_cpu(topology, 8));
	g_assert_null(af_topology_node_cpus(topology, 1));
	g_assert_null(af_topology_node_cpus(topology, -1));
	af_test_rm_rf(tmp);
}

/*
 * 4 sockets x 2 cores x 2 threads with CPUs 2, 5, 13 and 14 offline
 * (cpuN/online holds 0): only 12 CPUs are described.
 */
static void test_load_offline(void)
{
	g_autofree char *tmp = NULL;
	g_autoptr(AfTopology) topology = load_fixture("hwloc/16em64t-4s2c2t-offlines.tar.bz2", &tmp);
	/* physical_package_id of the online CPUs; L3 shared_cpu_map is the same. */
	const char *packages[] = { "0,4,8,12", "1,9", "6,10", "3,7,11,15", NULL };
	/* (package, core_id): 0/0: 0,8  0/1: 4,12  1/0: 1,9  2/0: 10  2/1: 6
	 * 3/0: 3,11  3/1: 7,15 */
	const char *cores[] = { "0,8", "4,12", "1,9", "10", "6", "3,11", "7,15", NULL };

	g_assert_cmpuint(topology->n_cpus, ==, 16);
	assert_cpulist(topology->known, "0-1,3-4,6-12,15");
	for (guint cpu = 0; cpu < 16; cpu++)
		g_assert_cmpint(af_topology_cpu(topology, cpu) == NULL, ==,
				cpu == 2 || cpu == 5 || cpu == 13 || cpu == 14);
	/* The unknown entries still hold -1s for readers of cpus[]. */
	g_assert_cmpint(topology->cpus[13].core, ==, -1);
	g_assert_cmpint(topology->cpus[13].node, ==, -1);
	g_assert_cmpuint(topology->n_packages, ==, 4);
	g_assert_cmpuint(topology->n_caches, ==, 4);
	g_assert_cmpuint(topology->n_cores, ==, 7);
	assert_groups(topology, G_STRUCT_OFFSET(AfCpuTopo, package), packages);
	assert_groups(topology, G_STRUCT_OFFSET(AfCpuTopo, cache), packages);
	assert_groups(topology, G_STRUCT_OFFSET(AfCpuTopo, core), cores);
	assert_node_cpus(topology, 0, "0-1,3-4,6-12,15");
	assert_all_known(topology);
	/* thread_siblings 0,8: CPU 0 first, CPU 8 second; CPU 6 is alone. */
	g_assert_cmpint(af_topology_cpu(topology, 0)->thread, ==, 0);
	g_assert_cmpint(af_topology_cpu(topology, 8)->thread, ==, 1);
	g_assert_cmpint(af_topology_cpu(topology, 15)->thread, ==, 1);
	g_assert_cmpint(af_topology_cpu(topology, 6)->thread, ==, 0);
	af_test_rm_rf(tmp);
}

/*
 * AMD, 4 packages of 2 nodes of 6 cores, NUMA nodes numbered
 * 0,1,2,33,34,45,72,73 (nodeN/cpulist); one L3 per node (shared_cpu_map 3f,
 * fc0, ...).
 */
static void test_load_sparse_nodes(void)
{
	g_autofree char *tmp = NULL;
	g_autoptr(AfTopology) topology = load_fixture("hwloc/48amd64-4pa2n6c-sparse.tar.bz2", &tmp);
	const char *packages[] = { "0-11", "12-23", "24-35", "36-47", NULL };
	const char *caches[] = { "0-5", "6-11", "12-17", "18-23", "24-29", "30-35", "36-41", "42-47",
				 NULL };
	const int present[] = { 0, 1, 2, 33, 34, 45, 72, 73 };
	guint n_present = 0;

	g_assert_cmpuint(topology->n_cpus, ==, 48);
	g_assert_cmpuint(topology->n_packages, ==, 4);
	g_assert_cmpuint(topology->n_caches, ==, 8);
	g_assert_cmpuint(topology->n_cores, ==, 48);
	g_assert_cmpuint(topology->n_nodes, ==, 74);
	assert_groups(topology, G_STRUCT_OFFSET(AfCpuTopo, package), packages);
	assert_groups(topology, G_STRUCT_OFFSET(AfCpuTopo, cache), caches);
	assert_node_cpus(topology, 0, "0-5");
	assert_node_cpus(topology, 2, "12-17");
	assert_node_cpus(topology, 33, "18-23");
	assert_node_cpus(topology, 45, "30-35");
	assert_node_cpus(topology, 73, "42-47");
	for (int node = 0; node < 74; node++)
		if (af_topology_node_cpus(topology, node))
			g_assert_cmpint(present[n_present++], ==, node);
	g_assert_cmpuint(n_present, ==, G_N_ELEMENTS(present));
	g_assert_null(af_topology_node_cpus(topology, 74));
	assert_all_known(topology);
	af_test_rm_rf(tmp);
}

/*
 * ARM, 2 packages (physical ids 36 and 8442) of 2 nodes of 8 clusters of 4
 * cores; L3 per node (shared_cpu_list 0-31, 32-63, ...); no SMT.
 */
static void test_load_arm_clusters(void)
{
	g_autofree char *tmp = NULL;
	g_autoptr(AfTopology) topology = load_fixture("hwloc/128arm-2pa2n8cluster4co.tar.bz2", &tmp);
	const char *packages[] = { "0-63", "64-127", NULL };
	const char *caches[] = { "0-31", "32-63", "64-95", "96-127", NULL };

	g_assert_cmpuint(topology->n_cpus, ==, 128);
	assert_cpulist(topology->known, "0-127");
	g_assert_cmpuint(topology->n_packages, ==, 2);
	g_assert_cmpuint(topology->n_caches, ==, 4);
	g_assert_cmpuint(topology->n_cores, ==, 128);
	g_assert_cmpuint(topology->n_nodes, ==, 4);
	assert_groups(topology, G_STRUCT_OFFSET(AfCpuTopo, package), packages);
	assert_groups(topology, G_STRUCT_OFFSET(AfCpuTopo, cache), caches);
	assert_node_cpus(topology, 0, "0-31");
	assert_node_cpus(topology, 1, "32-63");
	assert_node_cpus(topology, 3, "96-127");
	assert_all_known(topology);
	af_test_rm_rf(tmp);
}

/*
 * Hybrid: 6 P-cores with 2 threads (CPUs 0-11, thread_siblings 0-1, ...)
 * and 8 E-cores in 2 L2 clusters of 4 (12-15, 16-19), one L3 over all 20.
 */
static void test_load_hybrid(void)
{
	g_autofree char *tmp = NULL;
	g_autoptr(AfTopology) topology =
		load_fixture("hwloc/20em64t-hybrid-1p6c2t+2ca4co1t.tar.bz2", &tmp);
	const char *cores[] = { "0-1", "2-3", "4-5", "6-7", "8-9", "10-11", "12", "13",
				"14", "15", "16", "17", "18", "19", NULL };
	const char *caches[] = { "0-19", NULL };

	g_assert_cmpuint(topology->n_cpus, ==, 20);
	g_assert_cmpuint(topology->n_packages, ==, 1);
	g_assert_cmpuint(topology->n_caches, ==, 1);
	g_assert_cmpuint(topology->n_cores, ==, 14);
	assert_groups(topology, G_STRUCT_OFFSET(AfCpuTopo, core), cores);
	assert_groups(topology, G_STRUCT_OFFSET(AfCpuTopo, cache), caches);
	g_assert_cmpint(af_topology_cpu(topology, 10)->thread, ==, 0);
	g_assert_cmpint(af_topology_cpu(topology, 11)->thread, ==, 1);
	g_assert_cmpint(af_topology_cpu(topology, 12)->thread, ==, 0);
	assert_node_cpus(topology, 0, "0-19");
	assert_all_known(topology);
	af_test_rm_rf(tmp);
}

/*
 * 4 packages of 10 cores whose CPUs interleave (package p holds CPUs
 * p, p+4, ...), one node and one L3 per package; plus PCI devices, which
 * the topology ignores.
 */
static void test_load_interleaved_pci(void)
{
	g_autofree char *tmp = NULL;
	g_autoptr(AfTopology) topology =
		load_fixture("hwloc/40intel64-2g2n4c+pcilocality.tar.bz2", &tmp);
	const char *packages[] = { "0-39:1/4", "1-39:1/4", "2-39:1/4", "3-39:1/4", NULL };

	g_assert_cmpuint(topology->n_cpus, ==, 40);
	g_assert_cmpuint(topology->n_packages, ==, 4);
	g_assert_cmpuint(topology->n_caches, ==, 4);
	g_assert_cmpuint(topology->n_cores, ==, 40);
	g_assert_cmpuint(topology->n_nodes, ==, 4);
	assert_groups(topology, G_STRUCT_OFFSET(AfCpuTopo, package), packages);
	assert_groups(topology, G_STRUCT_OFFSET(AfCpuTopo, cache), packages);
	assert_node_cpus(topology, 0, "0,4,8,12,16,20,24,28,32,36");
	assert_node_cpus(topology, 3, "3,7,11,15,19,23,27,31,35,39");
	g_assert_cmpint(af_topology_cpu(topology, 1)->node, ==, 1);
	assert_all_known(topology);
	af_test_rm_rf(tmp);
}

/* 2 packages of 8 cores, a node each; the MIC card is not a CPU of ours. */
static void test_load_two_nodes_mic(void)
{
	g_autofree char *tmp = NULL;
	g_autoptr(AfTopology) topology =
		load_fixture("hwloc/32em64t-2n8c+dax+nvme+mic+dimms.tar.bz2", &tmp);
	const char *packages[] = { "0-7", "8-15", NULL };

	/* possible is 0-127 but only 0-15 are present and online. */
	assert_cpulist(topology->known, "0-15");
	g_assert_cmpuint(topology->n_packages, ==, 2);
	g_assert_cmpuint(topology->n_cores, ==, 16);
	assert_groups(topology, G_STRUCT_OFFSET(AfCpuTopo, package), packages);
	assert_groups(topology, G_STRUCT_OFFSET(AfCpuTopo, cache), packages);
	assert_node_cpus(topology, 0, "0-7");
	assert_node_cpus(topology, 1, "8-15");
	assert_all_known(topology);
	af_test_rm_rf(tmp);
}

/*
 * A kernel without NUMA support has no /sys/devices/system/node: hwloc
 * then makes one node 0 holding every CPU, which is also what such a
 * kernel's cpu_to_node() says. Documented: node is 0, never -1, there.
 */
static void test_load_no_numa(void)
{
	g_autofree char *tmp = NULL, *root = NULL, *tarball = NULL, *nodes = NULL;
	g_autoptr(AfSysroot) sysroot = NULL;
	g_autoptr(AfTopology) topology = NULL;

	tarball = af_test_fixture("hwloc/8em64t-2s2ca2c.tar.bz2");
	af_test_extract_root(tarball, &tmp, &root);
	nodes = g_build_filename(root, "sys/devices/system/node", NULL);
	af_test_rm_rf(nodes);
	g_assert_cmpint(af_sysroot_open(root, &sysroot), ==, 0);
	g_assert_cmpint(af_topology_load(sysroot, &topology), ==, 0);
	g_assert_cmpuint(topology->n_nodes, ==, 1);
	assert_node_cpus(topology, 0, "0-7");
	g_assert_cmpuint(topology->n_packages, ==, 2);
	af_test_rm_rf(tmp);
}

/*
 * The tree must be read, not this machine: in an empty tree hwloc's Linux
 * backend finds nothing and hwloc would fall back to the host's processor
 * count; that must be refused.
 */
static void test_load_not_host(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *tmp = g_dir_make_tmp("af-topo-XXXXXX", &error);
	g_autoptr(AfSysroot) sysroot = NULL;
	g_autoptr(AfTopology) topology = NULL;
	g_autofree char *before = g_strdup(g_getenv("HWLOC_FSROOT"));
	int r;

	g_assert_no_error(error);
	g_assert_cmpint(af_sysroot_open(tmp, &sysroot), ==, 0);
	r = af_topology_load(sysroot, &topology);
	g_assert_cmpint(r, ==, -ENOENT);
	g_assert_null(topology);
	/* The environment is put back as it was. */
	g_assert_cmpstr(g_getenv("HWLOC_FSROOT"), ==, before);
	af_test_rm_rf(tmp);
}

static void count_thread_warnings(const char *domain, GLogLevelFlags level, const char *message,
				  gpointer user_data)
{
	if (strstr(message, "thread-safe"))
		(*(guint *)user_data)++;
}

static gpointer do_nothing(gpointer data)
{
	return data;
}

/*
 * A tree named once with af_topology_use_root() is loaded without touching
 * the environment again: GLib says setenv() after threads exist is unsafe
 * (a debug message), and here a thread exists. Another tree still gets it
 * for its load and the named one is put back.
 */
static void test_use_root(void)
{
	guint warnings = 0;
	guint handler = g_log_set_handler("GLib", G_LOG_LEVEL_DEBUG, count_thread_warnings,
					  &warnings);
	g_autofree char *tmp = NULL, *root = NULL, *tarball = NULL;
	g_autofree char *before = g_strdup(g_getenv("HWLOC_FSROOT"));
	g_autoptr(GError) error = NULL;
	g_autofree char *empty = g_dir_make_tmp("af-topo-XXXXXX", &error);
	g_autoptr(AfSysroot) sysroot = NULL, other = NULL;
	g_autoptr(AfTopology) topology = NULL, none = NULL;

	g_assert_no_error(error);
	tarball = af_test_fixture("hwloc/8em64t-2s2ca2c.tar.bz2");
	af_test_extract_root(tarball, &tmp, &root);
	g_assert_cmpint(af_sysroot_open(root, &sysroot), ==, 0);
	g_assert_cmpint(af_sysroot_open(empty, &other), ==, 0);
	af_topology_use_root(sysroot);
	g_assert_cmpstr(g_getenv("HWLOC_FSROOT"), ==, af_sysroot_path(sysroot));
	g_thread_join(g_thread_new("nothing", do_nothing, NULL));
	g_assert_cmpint(af_topology_load(sysroot, &topology), ==, 0);
	g_assert_cmpuint(topology->n_packages, ==, 2);
	g_assert_cmpuint(warnings, ==, 0);
	g_assert_cmpint(af_topology_load(other, &none), ==, -ENOENT);
	g_assert_cmpuint(warnings, >, 0); /* the check above can see one */
	g_assert_cmpstr(g_getenv("HWLOC_FSROOT"), ==, af_sysroot_path(sysroot));
	g_log_remove_handler("GLib", handler);
	if (before)
		g_setenv("HWLOC_FSROOT", before, TRUE);
	else
		g_unsetenv("HWLOC_FSROOT");
	af_test_rm_rf(tmp);
	af_test_rm_rf(empty);
}

/*
 * This machine: only consistency, since it can be anything. Every online
 * CPU is known (our own cgroup cpuset must not hide CPUs), and the node
 * sets are disjoint and cover exactly the known CPUs.
 */
static void test_load_live(void)
{
	g_autoptr(AfSysroot) sysroot = NULL;
	g_autoptr(AfTopology) topology = NULL;
	g_autoptr(AfCpuSet) online = NULL;
	g_autoptr(AfCpuSet) covered = af_cpuset_new();

	g_assert_cmpint(af_sysroot_open("/", &sysroot), ==, 0);
	g_assert_cmpint(af_topology_load(sysroot, &topology), ==, 0);
	g_assert_false(af_cpuset_is_empty(topology->known));
	if (af_sysroot_read_cpulist(sysroot, "/sys/devices/system/cpu/online", &online) == 0)
		g_assert_true(af_cpuset_is_subset(online, topology->known));
	g_assert_cmpint(af_cpuset_last(topology->known), ==, (int)topology->n_cpus - 1);
	for (guint node = 0; node < topology->n_nodes; node++) {
		const AfCpuSet *cpus = af_topology_node_cpus(topology, (int)node);

		g_assert_false(af_cpuset_intersects(covered, cpus));
		af_cpuset_or(covered, cpus);
	}
	g_assert_true(af_cpuset_equal(covered, topology->known));
	AF_CPUSET_FOREACH(cpu, topology->known) {
		const AfCpuTopo *entry = af_topology_cpu(topology, (guint)cpu);

		g_assert_cmpint(entry->node, >=, 0);
		g_assert_true(af_cpuset_contains(af_topology_node_cpus(topology, entry->node),
						 (guint)cpu));
		g_assert_cmpint(entry->core, <, (int)topology->n_cores);
		g_assert_cmpint(entry->package, <, (int)topology->n_packages);
		g_assert_cmpint(entry->cache, <, (int)topology->n_caches);
	}
}

/* 2 packages x 1 node x 1 L3 x 8 cores x 2 threads, numbered in order. */
static void test_synthetic_smt(void)
{
	g_autoptr(AfTopology) topology = NULL;
	const char *packages[] = { "0-15", "16-31", NULL };

	g_assert_cmpint(af_topology_load_synthetic("pack:2 numa:1 l3:1 core:8 pu:2", &topology), ==,
			0);
	g_assert_cmpuint(topology->n_cpus, ==, 32);
	assert_cpulist(topology->known, "0-31");
	g_assert_cmpuint(topology->n_packages, ==, 2);
	g_assert_cmpuint(topology->n_caches, ==, 2);
	g_assert_cmpuint(topology->n_cores, ==, 16);
	g_assert_cmpuint(topology->n_nodes, ==, 2);
	assert_groups(topology, G_STRUCT_OFFSET(AfCpuTopo, package), packages);
	assert_groups(topology, G_STRUCT_OFFSET(AfCpuTopo, cache), packages);
	assert_node_cpus(topology, 0, "0-15");
	assert_node_cpus(topology, 1, "16-31");
	/* pu:2 under each core: CPUs 2k and 2k+1 are threads 0 and 1 of core k. */
	for (guint cpu = 0; cpu < 32; cpu++) {
		g_assert_cmpint(af_topology_cpu(topology, cpu)->core, ==, (int)cpu / 2);
		g_assert_cmpint(af_topology_cpu(topology, cpu)->thread, ==, (int)cpu % 2);
	}
}

/* Two cache levels: the last level (L3) is the one reported. */
static void test_synthetic_llc(void)
{
	g_autoptr(AfTopology) topology = NULL;
	const char *l3[] = { "0-7", "8-15", NULL };

	g_assert_cmpint(af_topology_load_synthetic("pack:1 l3:2 l2:2 core:2 pu:2", &topology), ==,
			0);
	g_assert_cmpuint(topology->n_caches, ==, 2);
	assert_groups(topology, G_STRUCT_OFFSET(AfCpuTopo, cache), l3);
}

/* No numa level and no caches: hwloc puts one node 0 at the top. */
static void test_synthetic_flat(void)
{
	g_autoptr(AfTopology) topology = NULL;

	g_assert_cmpint(af_topology_load_synthetic("pack:2 core:2 pu:1", &topology), ==, 0);
	g_assert_cmpuint(topology->n_cpus, ==, 4);
	g_assert_cmpuint(topology->n_nodes, ==, 1);
	assert_node_cpus(topology, 0, "0-3");
	g_assert_cmpuint(topology->n_caches, ==, 0);
	for (guint cpu = 0; cpu < 4; cpu++)
		g_assert_cmpint(af_topology_cpu(topology, cpu)->cache, ==, -1);
	g_assert_cmpint(af_topology_cpu(topology, 3)->package, ==, 1);
}

static void test_synthetic_garbage(void)
{
	const char *bad[] = { "", "pack:", "banana:3", "pack:2 core:x pu:1", NULL };

	for (const char *const *text = bad; *text; text++) {
		AfTopology *topology = NULL;

		g_assert_cmpint(af_topology_load_synthetic(*text, &topology), <, 0);
		/* ret_ is written only on success. */
		g_assert_null(topology);
	}
}

/* The nodes of by_distance from node, as "a,b,c". */
static void assert_nodes_by_distance(const AfTopology *topology, int node, const char *want)
{
	g_autoptr(GArray) nodes = af_topology_nodes_by_distance(topology, node);
	g_autoptr(GString) got = g_string_new(NULL);

	for (guint i = 0; i < nodes->len; i++)
		g_string_append_printf(got, "%s%d", i ? "," : "", g_array_index(nodes, int, i));
	g_assert_cmpstr(got->str, ==, want);
}

/* nodeN/distance of the ARM capture: 10 16 32 33 / 16 10 25 32 / 32 25 10 16 / 33 32 16 10. */
static void test_distance_arm(void)
{
	g_autofree char *tmp = NULL;
	g_autoptr(AfTopology) topology =
		load_fixture("hwloc/128arm-2pa2n8cluster4co.tar.bz2", &tmp);
	const guint want[4][4] = {
		{10, 16, 32, 33}, {16, 10, 25, 32}, {32, 25, 10, 16}, {33, 32, 16, 10}};
	g_autoptr(AfTopology) copy = af_topology_copy(topology);

	g_assert_nonnull(topology->node_distance);
	for (int a = 0; a < 4; a++)
		for (int b = 0; b < 4; b++) {
			g_assert_cmpuint(af_topology_node_distance(topology, a, b), ==, want[a][b]);
			g_assert_cmpuint(af_topology_node_distance(copy, a, b), ==, want[a][b]);
		}
	g_assert_cmpuint(af_topology_node_distance(topology, 0, 4), ==, 0);
	g_assert_cmpuint(af_topology_node_distance(topology, -1, 0), ==, 0);
	assert_nodes_by_distance(topology, 0, "0,1,2,3");
	assert_nodes_by_distance(topology, 1, "1,0,2,3");
	assert_nodes_by_distance(topology, 2, "2,3,1,0");
	assert_nodes_by_distance(topology, 3, "3,2,1,0");
	assert_nodes_by_distance(copy, 3, "3,2,1,0");
	af_test_rm_rf(tmp);
}

/*
 * Sparse node numbers (0, 1, 2, 33, 34, 45, 72, 73): the matrix of the
 * capture's nodeN/distance files by node number; ties by number.
 */
static void test_distance_sparse(void)
{
	g_autofree char *tmp = NULL;
	g_autoptr(AfTopology) topology = load_fixture("hwloc/48amd64-4pa2n6c-sparse.tar.bz2", &tmp);

	/* node72: 16 22 16 22 16 22 10 16 over 0 1 2 33 34 45 72 73. */
	g_assert_cmpuint(af_topology_node_distance(topology, 72, 0), ==, 16);
	g_assert_cmpuint(af_topology_node_distance(topology, 72, 1), ==, 22);
	g_assert_cmpuint(af_topology_node_distance(topology, 72, 45), ==, 22);
	g_assert_cmpuint(af_topology_node_distance(topology, 72, 72), ==, 10);
	g_assert_cmpuint(af_topology_node_distance(topology, 72, 73), ==, 16);
	/* A number between the present ones owns nothing: the default, not the matrix. */
	g_assert_cmpuint(af_topology_node_distance(topology, 72, 3), ==, 20);
	assert_nodes_by_distance(topology, 72, "72,0,2,34,73,1,33,45");
	/* node1: 16 10 22 16 16 22 22 16. */
	assert_nodes_by_distance(topology, 1, "1,0,33,34,73,2,45,72");
	af_test_rm_rf(tmp);
}

/* Without a matrix (synthetic): 10 to itself, 20 to any other, nearest by number. */
static void test_distance_default(void)
{
	g_autoptr(AfTopology) topology = NULL;

	g_assert_cmpint(af_topology_load_synthetic("pack:3 numa:1 core:2 pu:1", &topology), ==, 0);
	g_assert_null(topology->node_distance);
	g_assert_cmpuint(af_topology_node_distance(topology, 1, 1), ==, 10);
	g_assert_cmpuint(af_topology_node_distance(topology, 1, 2), ==, 20);
	assert_nodes_by_distance(topology, 1, "1,0,2");
	/* An unknown node: every node, by number. */
	assert_nodes_by_distance(topology, -1, "0,1,2");
}

static void test_free_null(void)
{
	af_topology_free(NULL);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/topology/load/2s2ca2c", test_load_2s2ca2c);
	g_test_add_func("/topology/load/offline", test_load_offline);
	g_test_add_func("/topology/load/sparse-nodes", test_load_sparse_nodes);
	g_test_add_func("/topology/load/arm-clusters", test_load_arm_clusters);
	g_test_add_func("/topology/load/hybrid", test_load_hybrid);
	g_test_add_func("/topology/load/interleaved-pci", test_load_interleaved_pci);
	g_test_add_func("/topology/load/two-nodes-mic", test_load_two_nodes_mic);
	g_test_add_func("/topology/load/no-numa", test_load_no_numa);
	g_test_add_func("/topology/load/not-host", test_load_not_host);
	g_test_add_func("/topology/use_root/no-setenv", test_use_root);
	g_test_add_func("/topology/load/live", test_load_live);
	g_test_add_func("/topology/load_synthetic/smt", test_synthetic_smt);
	g_test_add_func("/topology/load_synthetic/llc", test_synthetic_llc);
	g_test_add_func("/topology/load_synthetic/flat", test_synthetic_flat);
	g_test_add_func("/topology/load_synthetic/garbage", test_synthetic_garbage);
	g_test_add_func("/topology/node_distance/arm", test_distance_arm);
	g_test_add_func("/topology/node_distance/sparse", test_distance_sparse);
	g_test_add_func("/topology/node_distance/default", test_distance_default);
	g_test_add_func("/topology/free/null", test_free_null);
	return g_test_run();
}
