/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <hwloc.h>

#include "topology.h"

/* The negative errno of a failed hwloc call (hwloc sets errno, mostly). */
static int hwloc_errno(void)
{
	return errno > 0 ? -errno : -EIO;
}

/*
 * The NUMA node a PU belongs to, as the kernel's cpu_to_node() sees it: the
 * nodes attached to the closest ancestor that has memory children, and of
 * those the lowest number. hwloc attaches memory-only nodes (DAX, HBM,
 * CXL) beside the node holding the CPUs, with higher numbers, so they lose.
 */
static int lowest_node_below(hwloc_obj_t memory)
{
	int best = -1;

	for (hwloc_obj_t child = memory; child; child = child->next_sibling) {
		int node = -1;

		if (child->type == HWLOC_OBJ_NUMANODE)
			node = (int)child->os_index;
		else if (child->memory_first_child) /* a memory-side cache */
			node = lowest_node_below(child->memory_first_child);
		if (node >= 0 && (best < 0 || node < best))
			best = node;
	}
	return best;
}

static int find_pu_node(hwloc_obj_t pu)
{
	for (hwloc_obj_t obj = pu->parent; obj; obj = obj->parent) {
		int node;

		if (!obj->memory_first_child)
			continue;
		node = lowest_node_below(obj->memory_first_child);
		if (node >= 0)
			return node;
	}
	return -1;
}

/* The outermost data or unified cache above a PU: L3 if any, else L2... */
static hwloc_obj_t find_pu_llc(hwloc_obj_t pu)
{
	hwloc_obj_t llc = NULL;

	for (hwloc_obj_t obj = pu->parent; obj; obj = obj->parent)
		if (hwloc_obj_type_is_dcache(obj->type))
			llc = obj;
	return llc;
}

/* Rank of a PU among the PUs of its core, in logical order. */
static int rank_pu_in_core(hwloc_topology_t topo, hwloc_obj_t core, hwloc_obj_t pu)
{
	hwloc_obj_t other = NULL;
	int rank = 0;

	while ((other = hwloc_get_next_obj_inside_cpuset_by_type(topo, core->cpuset,
								 HWLOC_OBJ_PU, other))) {
		if (other == pu)
			return rank;
		rank++;
	}
	return -1;
}

/*
 * Cache ids: hwloc numbers L2 and L3 objects separately, so when the last
 * level differs between CPUs (it does not on any machine we know, but a
 * capture may lack files) logical indexes could collide. Ids are handed
 * out in order of first appearance along the PUs' logical order instead,
 * which equals hwloc's logical index on uniform machines.
 */
static int lookup_cache_id(GHashTable *ids, hwloc_obj_t llc)
{
	gpointer value;

	if (!llc)
		return -1;
	if (!g_hash_table_lookup_extended(ids, llc, NULL, &value)) {
		value = GUINT_TO_POINTER(g_hash_table_size(ids));
		g_hash_table_insert(ids, llc, value);
	}
	return (int)GPOINTER_TO_UINT(value);
}

static void describe_pu(hwloc_topology_t topo, hwloc_obj_t pu, GHashTable *cache_ids,
			AfCpuTopo *entry)
{
	hwloc_obj_t package = hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_PACKAGE, pu);
	hwloc_obj_t core = hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_CORE, pu);

	entry->node = find_pu_node(pu);
	entry->package = package ? (int)package->logical_index : -1;
	entry->cache = lookup_cache_id(cache_ids, find_pu_llc(pu));
	entry->core = core ? (int)core->logical_index : -1;
	entry->thread = core ? rank_pu_in_core(topo, core, pu) : -1;
}

static AfTopology *new_topology(guint n_cpus)
{
	AfTopology *topology = g_new0(AfTopology, 1);

	topology->n_cpus = n_cpus;
	topology->cpus = g_new(AfCpuTopo, MAX(n_cpus, 1));
	for (guint cpu = 0; cpu < n_cpus; cpu++)
		topology->cpus[cpu] = (AfCpuTopo){ -1, -1, -1, -1, -1 };
	topology->known = af_cpuset_new();
	return topology;
}

static void fill_node_cpus(AfTopology *topology)
{
	int max_node = -1;

	AF_CPUSET_FOREACH(cpu, topology->known)
		max_node = MAX(max_node, topology->cpus[cpu].node);
	topology->n_nodes = (guint)(max_node + 1);
	topology->node_cpus = g_new0(AfCpuSet *, MAX(topology->n_nodes, 1));
	AF_CPUSET_FOREACH(cpu, topology->known) {
		int node = topology->cpus[cpu].node;

		if (node < 0)
			continue;
		if (!topology->node_cpus[node])
			topology->node_cpus[node] = af_cpuset_new();
		af_cpuset_add(topology->node_cpus[node], (guint)cpu);
	}
}

/*
 * hwloc's NUMA latency matrix (from the OS: the firmware's SLIT) into
 * node_distance, by node number; nodes hwloc does not list keep the
 * default distances. Nothing when hwloc has no matrix.
 */
static void fill_node_distances(hwloc_topology_t topo, AfTopology *topology)
{
	struct hwloc_distances_s *distances = NULL;
	unsigned n = 1, n_nodes = topology->n_nodes;

	if (n_nodes == 0 ||
	    hwloc_distances_get_by_type(topo, HWLOC_OBJ_NUMANODE, &n, &distances,
					HWLOC_DISTANCES_KIND_MEANS_LATENCY, 0) < 0 ||
	    n == 0)
		return;
	topology->node_distance = g_new(guint, n_nodes * n_nodes);
	for (guint a = 0; a < n_nodes; a++)
		for (guint b = 0; b < n_nodes; b++)
			topology->node_distance[a * n_nodes + b] =
				a == b ? AF_TOPOLOGY_LOCAL_DISTANCE : AF_TOPOLOGY_REMOTE_DISTANCE;
	for (guint i = 0; i < distances->nbobjs; i++)
		for (guint j = 0; j < distances->nbobjs; j++) {
			unsigned a = distances->objs[i]->os_index, b = distances->objs[j]->os_index;
			hwloc_uint64_t value = distances->values[i * distances->nbobjs + j];

			/* Memory-only nodes (numbered above every CPU node) are not ours. */
			if (a < n_nodes && b < n_nodes && value > 0 && value <= G_MAXUINT)
				topology->node_distance[a * n_nodes + b] = (guint)value;
		}
	hwloc_distances_release(topo, distances);
}

/* Copies what affinityd needs out of a loaded hwloc topology. */
static AfTopology *convert_topology(hwloc_topology_t topo)
{
	g_autoptr(GHashTable) cache_ids = g_hash_table_new(NULL, NULL);
	hwloc_obj_t pu = NULL;
	guint n_cpus = 0;
	AfTopology *topology;

	while ((pu = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_PU, pu)))
		if (pu->os_index < AF_CPU_MAX)
			n_cpus = MAX(n_cpus, pu->os_index + 1);
	topology = new_topology(n_cpus);
	while ((pu = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_PU, pu))) {
		/* A number beyond any kernel's NR_CPUS: not a CPU we can place on. */
		if (pu->os_index >= AF_CPU_MAX)
			continue;
		describe_pu(topo, pu, cache_ids, &topology->cpus[pu->os_index]);
		af_cpuset_add(topology->known, pu->os_index);
	}
	topology->n_packages = (guint)MAX(hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE), 0);
	topology->n_cores = (guint)MAX(hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE), 0);
	topology->n_caches = g_hash_table_size(cache_ids);
	fill_node_cpus(topology);
	fill_node_distances(topo, topology);
	return topology;
}

/*
 * Loads a prepared hwloc topology and converts it; destroys topo. With
 * backend set, fails with -ENOENT unless that backend described the
 * machine: when the Linux backend finds no sysfs CPU directory hwloc falls
 * back to counting the host's processors, which a tree must never show.
 */
static int load_and_convert(hwloc_topology_t topo, const char *backend, AfTopology **ret_topology)
{
	const char *found;
	int r;

	/* Keep CPUs outside our own cgroup cpuset: IRQs are machine-wide. */
	r = hwloc_topology_set_flags(topo, HWLOC_TOPOLOGY_FLAG_INCLUDE_DISALLOWED);
	if (r == 0)
		r = hwloc_topology_load(topo);
	if (r < 0) {
		r = hwloc_errno();
		g_debug("hwloc failed to load the topology: %s", g_strerror(-r));
		hwloc_topology_destroy(topo);
		return r;
	}
	found = hwloc_obj_get_info_by_name(hwloc_get_root_obj(topo), "Backend");
	if (backend && g_strcmp0(found, backend) != 0) {
		g_debug("hwloc found no %s topology (backend %s)", backend, found ? found : "none");
		hwloc_topology_destroy(topo);
		return -ENOENT;
	}
	*ret_topology = convert_topology(topo);
	hwloc_topology_destroy(topo);
	return 0;
}

/*
 * hwloc 2 has no call to set the Linux backend's root (hwloc 1's
 * hwloc_topology_set_fsroot() is gone): its linux component reads
 * $HWLOC_FSROOT when hwloc_topology_load() instantiates it. setenv() is not
 * thread-safe (GLib says so under --debug once a thread exists, and the
 * daemon's signal sources start one), so a program that reads one tree
 * sets it once, before any thread, with af_topology_use_root(); a load of
 * that tree then leaves the environment alone. A load of another tree (the
 * tests, one thread) sets it for the load and puts the caller's value back.
 * For "/" it is hwloc's normal discovery of this machine (and an
 * HWLOC_FSROOT inherited from the environment cannot point us elsewhere).
 */
void af_topology_use_root(AfSysroot *sysroot)
{
	g_setenv("HWLOC_FSROOT", af_sysroot_path(sysroot), TRUE);
}

int af_topology_load(AfSysroot *sysroot, AfTopology **ret_topology)
{
	g_autofree char *saved = g_strdup(g_getenv("HWLOC_FSROOT"));
	gboolean set = g_strcmp0(saved, af_sysroot_path(sysroot)) != 0;
	hwloc_topology_t topo;
	int r;

	if (hwloc_topology_init(&topo) < 0)
		return hwloc_errno();
	/* The x86 backend would run CPUID on this host and graft its caches
	 * and cores onto the tree's topology. */
	if (!af_sysroot_is_live(sysroot) &&
	    hwloc_topology_set_components(topo, HWLOC_TOPOLOGY_COMPONENTS_FLAG_BLACKLIST, "x86") < 0) {
		r = hwloc_errno();
		hwloc_topology_destroy(topo);
		return r;
	}
	if (set)
		g_setenv("HWLOC_FSROOT", af_sysroot_path(sysroot), TRUE);
	r = load_and_convert(topo, "Linux", ret_topology);
	if (set && saved)
		g_setenv("HWLOC_FSROOT", saved, TRUE);
	else if (set)
		g_unsetenv("HWLOC_FSROOT");
	return r;
}

int af_topology_load_synthetic(const char *description, AfTopology **ret_topology)
{
	hwloc_topology_t topo;
	int r;

	if (hwloc_topology_init(&topo) < 0)
		return hwloc_errno();
	if (hwloc_topology_set_synthetic(topo, description) < 0) {
		/* hwloc reports a bad description with EINVAL, usually. */
		r = hwloc_errno();
		hwloc_topology_destroy(topo);
		return r;
	}
	return load_and_convert(topo, NULL, ret_topology);
}

AfTopology *af_topology_copy(const AfTopology *topology)
{
	AfTopology *copy;

	if (!topology)
		return NULL;
	copy = g_memdup2(topology, sizeof(*topology));
	copy->cpus = g_memdup2(topology->cpus, topology->n_cpus * sizeof(*topology->cpus));
	copy->known = af_cpuset_copy(topology->known);
	copy->node_cpus = g_new0(AfCpuSet *, topology->n_nodes);
	for (guint node = 0; node < topology->n_nodes; node++)
		copy->node_cpus[node] = af_cpuset_copy(topology->node_cpus[node]);
	if (topology->node_distance)
		copy->node_distance =
			g_memdup2(topology->node_distance,
				  topology->n_nodes * topology->n_nodes * sizeof(guint));
	return copy;
}

void af_topology_free(AfTopology *topology)
{
	if (!topology)
		return;
	for (guint node = 0; node < topology->n_nodes; node++)
		af_cpuset_free(topology->node_cpus[node]);
	g_free(topology->node_cpus);
	g_free(topology->node_distance);
	af_cpuset_free(topology->known);
	g_free(topology->cpus);
	g_free(topology);
}

const AfCpuTopo *af_topology_cpu(const AfTopology *topology, guint cpu)
{
	if (!af_cpuset_contains(topology->known, cpu))
		return NULL;
	return &topology->cpus[cpu];
}

const AfCpuSet *af_topology_node_cpus(const AfTopology *topology, int node)
{
	if (node < 0 || (guint)node >= topology->n_nodes)
		return NULL;
	return topology->node_cpus[node];
}

guint af_topology_node_distance(const AfTopology *topology, int a, int b)
{
	if (a < 0 || b < 0 || (guint)a >= topology->n_nodes || (guint)b >= topology->n_nodes)
		return 0;
	if (topology->node_distance)
		return topology->node_distance[(guint)a * topology->n_nodes + (guint)b];
	return a == b ? AF_TOPOLOGY_LOCAL_DISTANCE : AF_TOPOLOGY_REMOTE_DISTANCE;
}

typedef struct {
	int node;
	guint distance;
} NodeDistance;

static int compare_node_distance(gconstpointer a, gconstpointer b)
{
	const NodeDistance *x = a, *y = b;

	if (x->distance != y->distance)
		return x->distance < y->distance ? -1 : 1;
	return x->node < y->node ? -1 : x->node > y->node;
}

GArray *af_topology_nodes_by_distance(const AfTopology *topology, int node)
{
	g_autoptr(GArray) by = g_array_new(FALSE, FALSE, sizeof(NodeDistance));
	GArray *nodes = g_array_new(FALSE, FALSE, sizeof(int));

	for (guint other = 0; other < topology->n_nodes; other++) {
		NodeDistance d = {(int)other,
				  af_topology_node_distance(topology, node, (int)other)};

		if (!topology->node_cpus[other])
			continue;
		/* The node itself first, whatever its matrix says (an unknown node: by number). */
		if ((int)other == node)
			d.distance = 0;
		g_array_append_val(by, d);
	}
	g_array_sort(by, compare_node_distance);
	for (guint i = 0; i < by->len; i++)
		g_array_append_val(nodes, g_array_index(by, NodeDistance, i).node);
	return nodes;
}
