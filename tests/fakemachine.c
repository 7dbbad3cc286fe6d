/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "fakemachine.h"
#include "testutil.h"

AfCpuSet *af_fake_cpus(const char *list)
{
	AfCpuSet *set = NULL;
	int r = af_cpuset_parse_list(list, &set);

	if (r < 0)
		g_error("fake machine: \"%s\" is not a CPU list: %s", list, g_strerror(-r));
	return set;
}

static AfSysroot *open_sysroot(const char *path)
{
	AfSysroot *sysroot = NULL;
	int r = af_sysroot_open(path, &sysroot);

	if (r < 0)
		g_error("fake machine: cannot open %s: %s", path, g_strerror(-r));
	return sysroot;
}

/* A root with nothing under it: no sysfs or cgroup isolation to find. */
static AfSysroot *open_empty_sysroot(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *dir = g_dir_make_tmp("af-fake-XXXXXX", &error);
	AfSysroot *sysroot;

	if (!dir)
		g_error("fake machine: %s", error->message);
	sysroot = open_sysroot(dir);
	/* The directory's descriptor outlives it: every read under it finds nothing. */
	g_rmdir(dir);
	return sysroot;
}

static void read_housekeeping(AfFakeMachine *m)
{
	int r;

	g_clear_pointer(&m->hk, af_housekeeping_free);
	r = af_housekeeping_read(m->sysroot, m->snapshot->cmdline, m->snapshot->online,
				 m->snapshot->possible, m->policy, NULL, &m->hk);
	if (r < 0)
		g_error("fake machine: no housekeeping: %s", g_strerror(-r));
}

/* Takes topology and sysroot. */
static AfFakeMachine *machine_new(AfTopology *topology, const AfCpuSet *possible,
				  const AfCpuSet *online, AfSysroot *sysroot)
{
	AfFakeMachine *m = g_new0(AfFakeMachine, 1);
	AfSnapshot *s = af_snapshot_new();

	af_cpuset_assign(s->possible, possible);
	af_cpuset_assign(s->present, possible);
	af_cpuset_assign(s->online, online);
	af_cpuset_free(s->offline);
	s->offline = af_cpuset_new_andnot(possible, online);
	s->nr_cpu_ids = (guint)af_cpuset_last(possible) + 1;
	s->topology = topology;
	m->snapshot = s;
	m->policy = af_policy_new();
	m->sysroot = sysroot;
	return m;
}

char *af_fake_x86_topology(guint n_nodes, guint caches_per_node, guint cores_per_cache,
			   guint threads)
{
	guint n_cores = n_nodes * caches_per_node * cores_per_cache;

	if (threads == 1)
		return g_strdup_printf("pack:%u numa:1 l3:%u core:%u pu:1", n_nodes,
				       caches_per_node, cores_per_cache);
	/* hwloc numbers the PUs of a core one after the other unless told: OS
	 * index o is the (threads * (o % C) + o / C)-th PU in topology order. */
	return g_strdup_printf("pack:%u numa:1 l3:%u core:%u pu:%u(indexes=%u*%u:1*%u)", n_nodes,
			       caches_per_node, cores_per_cache, threads, threads, n_cores,
			       threads);
}

AfFakeMachine *af_fake_machine_new(const char *synthetic, const char *offline, const char *isolated)
{
	g_autoptr(AfCpuSet) possible = NULL, down = af_fake_cpus(offline), online = NULL;
	g_autoptr(AfCpuSet) isolate = af_fake_cpus(isolated);
	AfTopology *topology = NULL;
	AfFakeMachine *m;
	int r;

	r = af_topology_load_synthetic(synthetic, &topology);
	if (r < 0)
		g_error("fake machine: hwloc refuses \"%s\": %s", synthetic, g_strerror(-r));
	possible = af_cpuset_new_range(0, topology->n_cpus - 1);
	online = af_cpuset_new_andnot(possible, down);
	m = machine_new(topology, possible, online, open_empty_sysroot());
	af_fake_machine_isolate(m, isolate);
	return m;
}

AfFakeMachine *af_fake_machine_new_tree(const AfFakeTree *tree, const AfCpuSet *offline,
					const AfCpuSet *isolated)
{
	g_autoptr(AfCpuSet) online = af_cpuset_new_andnot(tree->online, offline);
	AfFakeMachine *m = machine_new(af_topology_copy(tree->topology), tree->possible, online,
				       open_sysroot(tree->root));

	af_cmdline_free(m->snapshot->cmdline);
	m->snapshot->cmdline = af_cmdline_parse(tree->cmdline, m->snapshot->nr_cpu_ids);
	m->snapshot->arch = af_arch_read(m->sysroot);
	af_fake_machine_isolate(m, isolated);
	return m;
}

void af_fake_machine_free(AfFakeMachine *m)
{
	if (!m)
		return;
	af_snapshot_free(m->snapshot);
	af_housekeeping_free(m->hk);
	af_policy_free(m->policy);
	if (m->load)
		g_hash_table_unref(m->load);
	af_limits_free(m->limits);
	af_sysroot_free(m->sysroot);
	g_free(m);
}

void af_fake_machine_boot(AfFakeMachine *m, const char *cmdline)
{
	af_cmdline_free(m->snapshot->cmdline);
	m->snapshot->cmdline = af_cmdline_parse(cmdline, m->snapshot->nr_cpu_ids);
	read_housekeeping(m);
}

void af_fake_machine_isolate(AfFakeMachine *m, const AfCpuSet *isolated)
{
	af_cpuset_assign(m->policy->isolated, isolated);
	read_housekeeping(m);
}

AfFakeTree *af_fake_tree_open(const char *fixture)
{
	AfFakeTree *tree = g_new0(AfFakeTree, 1);
	g_autofree char *tarball = af_test_fixture(fixture);
	g_autoptr(AfSysroot) sysroot = NULL;
	int r;

	af_test_extract_root(tarball, &tree->tmp, &tree->root);
	sysroot = open_sysroot(tree->root);
	r = af_topology_load(sysroot, &tree->topology);
	if (r < 0)
		g_error("fake machine: no topology in %s: %s", fixture, g_strerror(-r));
	/* Old captures lack the lists: hwloc's CPUs (it reads cpuN/online) are the online ones. */
	if (af_sysroot_read_cpulist(sysroot, "/sys/devices/system/cpu/online", &tree->online) < 0)
		tree->online = af_cpuset_copy(tree->topology->known);
	if (af_sysroot_read_cpulist(sysroot, "/sys/devices/system/cpu/possible", &tree->possible) <
	    0)
		tree->possible = af_cpuset_new_range(0, tree->topology->n_cpus - 1);
	af_cpuset_or(tree->possible, tree->online);
	if (af_sysroot_read_string(sysroot, "/proc/cmdline", &tree->cmdline) < 0)
		tree->cmdline = g_strdup("");
	if (af_cpuset_is_empty(tree->online))
		g_error("fake machine: %s has no online CPU", fixture);
	return tree;
}

void af_fake_tree_free(AfFakeTree *tree)
{
	if (!tree)
		return;
	af_test_rm_rf(tree->tmp);
	g_free(tree->tmp);
	g_free(tree->root);
	af_topology_free(tree->topology);
	af_cpuset_free(tree->possible);
	af_cpuset_free(tree->online);
	g_free(tree->cmdline);
	g_free(tree);
}

AfIrq *af_fake_irq_new(guint number, const char *name, const char *affinity, const char *effective)
{
	AfIrq *irq = af_irq_new(number);

	irq->name = g_strdup(name);
	irq->affinity = affinity ? af_fake_cpus(affinity) : NULL;
	irq->effective = effective ? af_fake_cpus(effective) : NULL;
	return irq;
}

void af_fake_irq_set_device(AfIrq *irq, const AfFakeDevice *device)
{
	irq->msi = device->address != NULL;
	g_free(irq->device);
	irq->device = g_strdup(device->address);
	g_free(irq->driver);
	irq->driver = g_strdup(device->driver);
	irq->class = device->class;
	irq->numa_node = device->node;
	g_free(irq->interface);
	irq->interface = g_strdup(device->interface);
}

AfIrq *af_fake_add_irq(AfFakeMachine *m, guint number, const char *name, const char *affinity,
		       const char *effective)
{
	AfIrq *irq = af_fake_irq_new(number, name, affinity, effective);

	af_snapshot_add_irq(m->snapshot, irq);
	return irq;
}

AfIrq *af_fake_add_per_cpu(AfFakeMachine *m, guint number, const char *name, const char *affinity,
			   const char *effective)
{
	AfIrq *irq = af_fake_add_irq(m, number, name, affinity, effective);

	irq->per_cpu = TRUE;
	return irq;
}

AfIrq *af_fake_add_queue(AfFakeMachine *m, const AfFakeDevice *device, guint number,
			 const char *name, int queue, AfQueueKind kind, const char *affinity,
			 const char *effective)
{
	g_autofree char *default_name = g_strdup_printf("%s-q%d", device->address, queue);
	AfIrq *irq = af_fake_add_irq(m, number, name ? name : default_name, affinity, effective);

	af_fake_irq_set_device(irq, device);
	irq->queue = queue;
	irq->queue_kind = kind;
	return irq;
}

AfIrq *af_fake_add_managed(AfFakeMachine *m, const AfFakeDevice *device, guint number,
			   const char *name, int queue, const char *affinity, const char *effective)
{
	AfIrq *irq = af_fake_add_queue(m, device, number, name, queue, AF_QUEUE_COMBINED, affinity,
				       effective);

	irq->managed = TRUE;
	irq->managed_source = AF_MANAGED_SOURCE_HEURISTIC;
	return irq;
}

void af_fake_set_load(AfFakeMachine *m, guint irq, guint64 rate)
{
	if (!m->load)
		m->load = af_plan_load_new();
	af_plan_load_set(m->load, irq, rate);
}

int af_fake_plan(const AfFakeMachine *m, AfPlacement *previous, AfPlan **ret_plan)
{
	return af_plan_compute(m->snapshot, m->hk, m->policy, previous, m->load, m->limits,
			       ret_plan);
}

AfPlanEntry *af_fake_plan_add(AfPlan *plan, const AfIrq *irq, AfAction action, const char *planned,
			      const char *reason)
{
	AfPlanEntry *entry = af_plan_add_entry(plan, irq);

	entry->action = action;
	entry->planned = planned ? af_fake_cpus(planned) : NULL;
	entry->reason = g_strdup(reason);
	return entry;
}

AfNetif *af_fake_add_nic(AfFakeMachine *m, const AfFakeDevice *device, guint first_irq,
			 guint n_queues, gboolean split, const char *affinity, const char *rps,
			 const char *xps, gboolean ntuple)
{
	g_autoptr(AfCpuSet) rps_set = rps ? af_fake_cpus(rps) : NULL;
	g_autoptr(AfCpuSet) xps_set = xps ? af_fake_cpus(xps) : NULL;
	AfNetif *netif = af_netifs_add(m->snapshot->netifs, device->interface);
	guint irq = first_irq;

	for (guint q = 0; q < n_queues; q++) {
		g_autofree char *rx = g_strdup_printf("%s-rx-%u", device->interface, q);
		g_autofree char *tx = g_strdup_printf("%s-tx-%u", device->interface, q);
		g_autofree char *txrx = g_strdup_printf("%s-TxRx-%u", device->interface, q);

		if (split) {
			af_fake_add_queue(m, device, irq++, rx, (int)q, AF_QUEUE_RX, affinity,
					  NULL);
			af_fake_add_queue(m, device, irq++, tx, (int)q, AF_QUEUE_TX, affinity,
					  NULL);
		} else {
			af_fake_add_queue(m, device, irq++, txrx, (int)q, AF_QUEUE_COMBINED,
					  affinity, NULL);
		}
		af_netif_add_queue(netif, FALSE, q, rps_set)->flow_cnt = 0;
		af_netif_add_queue(netif, TRUE, q, xps_set);
	}
	netif->ethtool = g_new0(AfEthtoolInfo, 1);
	netif->ethtool->driver = g_strdup(device->driver);
	netif->ethtool->has_channels = TRUE;
	netif->ethtool->channels.combined = split ? 0 : n_queues;
	netif->ethtool->channels.rx = netif->ethtool->channels.tx = split ? n_queues : 0;
	netif->ethtool->ntuple = ntuple;
	af_netifs_match_irqs(m->snapshot->netifs, m->snapshot->irqs);
	return netif;
}
