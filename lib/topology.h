/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfTopology: where each CPU sits (NUMA node, package, last-level cache,
 * core, hardware thread), read through hwloc rooted at the sysroot, or built
 * by hwloc from a synthetic description for generated machines. The rest of
 * affinityd never sees hwloc types.
 *
 * node is the node the kernel's cpu_to_node() gives: the nodes hwloc
 * attaches closest above the CPU, lowest number first (memory-only DAX,
 * HBM or CXL nodes never own CPUs), so node_cpus[] are disjoint. A machine
 * without NUMA information (no /sys/devices/system/node) has one node 0
 * holding every CPU, never -1. package, cache and core are hwloc logical
 * indexes (0..n-1, ordered by their first CPU); offline CPUs are unknown.
 */

#include <glib.h>

#include "cpuset.h"
#include "sysroot.h"

typedef struct AfCpuTopo {
	int node;    /* NUMA node number (OS index), -1 unknown */
	int package; /* package (socket) id, -1 unknown */
	int cache;   /* last-level cache id, unique machine-wide, -1 unknown */
	int core;    /* core id, unique machine-wide, -1 unknown */
	int thread;  /* rank of this CPU among its core's threads (0 = first), -1 */
} AfCpuTopo;

typedef struct AfTopology {
	guint n_cpus;      /* length of cpus[]: highest known CPU number + 1 */
	AfCpuTopo *cpus;   /* indexed by CPU number; unknown CPUs hold -1s */
	AfCpuSet *known;   /* CPUs hwloc described (online ones, as a rule) */
	guint n_nodes;     /* length of node_cpus[]: highest node number + 1 */
	AfCpuSet **node_cpus; /* CPUs of each node; NULL for absent node numbers */
	guint *node_distance; /* n_nodes * n_nodes, [from * n_nodes + to]; NULL: none known */
	guint n_packages, n_caches, n_cores;
} AfTopology;

#define AF_TOPOLOGY_LOCAL_DISTANCE 10u	/* a node to itself (ACPI SLIT) */
#define AF_TOPOLOGY_REMOTE_DISTANCE 20u /* any other node, when no distance is known */

/*
 * Reads the topology of the tree under sysroot with hwloc. Unless
 * af_topology_use_root() named that tree, it sets $HWLOC_FSROOT for the
 * load and puts it back: not thread-safe.
 */
int af_topology_load(AfSysroot *sysroot, AfTopology **ret_topology);
/*
 * Points hwloc at sysroot's tree for the rest of the process ($HWLOC_FSROOT):
 * call it once, before any thread exists; loads of that tree then leave the
 * environment alone.
 */
void af_topology_use_root(AfSysroot *sysroot);
/*
 * Builds a topology from an hwloc synthetic description such as
 * "pack:2 numa:1 l3:1 core:8 pu:2" (CPUs numbered 0..n-1 in that order).
 */
int af_topology_load_synthetic(const char *description, AfTopology **ret_topology);
/* A deep copy; NULL gives NULL. */
AfTopology *af_topology_copy(const AfTopology *topology);
/* Frees; accepts NULL. */
void af_topology_free(AfTopology *topology);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfTopology, af_topology_free)

/* The entry of one CPU, or NULL when the CPU is unknown. */
const AfCpuTopo *af_topology_cpu(const AfTopology *topology, guint cpu);
/* The CPUs of a NUMA node, or NULL when the node has none. */
const AfCpuSet *af_topology_node_cpus(const AfTopology *topology, int node);
/* The distance from node a to node b (see above); 0 when either has no number here. */
guint af_topology_node_distance(const AfTopology *topology, int a, int b);
/*
 * The nodes owning CPUs, nearest to node first (node itself when it owns
 * CPUs), then by distance, ties by node number: int elements.
 */
GArray *af_topology_nodes_by_distance(const AfTopology *topology, int node);
