/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench-plan: plan time, memory and plan quality on generated machines,
 * from 8 CPUs / 64 IRQs to 8192 CPUs / 65536 IRQs. Each size runs in a
 * fresh child process (this program re-executed with --one CPUS IRQS) so
 * that its peak RSS is its own. Prints numbers; asserts nothing.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "planner.h"

typedef struct {
	guint n_cpus, n_irqs;
} Size;

static const Size sizes[] = {
	{ 8, 64 },	   { 64, 512 },	     { 256, 4096 },
	{ 1024, 16384 }, { 4096, 32768 }, { 8192, 65536 },
};

#define THREADS 2u
#define CORES_PER_CACHE 8u
#define CPUS_PER_NODE 128u

/* x86 numbering: CPU c < n_cores is thread 0 of core c, c + n_cores its sibling. */
static AfTopology *generate_topology(guint n_cpus)
{
	AfTopology *t = g_new0(AfTopology, 1);
	guint n_cores = n_cpus / THREADS;
	guint cores_per_node = MAX(1u, MIN(n_cpus, CPUS_PER_NODE) / THREADS);

	t->n_cpus = n_cpus;
	t->cpus = g_new0(AfCpuTopo, n_cpus);
	t->known = af_cpuset_new_range(0, n_cpus - 1);
	t->n_nodes = MAX(1u, n_cores / cores_per_node);
	t->node_cpus = g_new0(AfCpuSet *, t->n_nodes);
	for (guint node = 0; node < t->n_nodes; node++)
		t->node_cpus[node] = af_cpuset_new();
	for (guint cpu = 0; cpu < n_cpus; cpu++) {
		guint core = cpu % n_cores;
		guint node = MIN(core / cores_per_node, t->n_nodes - 1);

		t->cpus[cpu] = (AfCpuTopo){ node, node, core / CORES_PER_CACHE, core,
					    cpu / n_cores };
		af_cpuset_add(t->node_cpus[node], cpu);
	}
	t->n_packages = t->n_nodes;
	t->n_caches = (n_cores + CORES_PER_CACHE - 1) / CORES_PER_CACHE;
	t->n_cores = n_cores;
	return t;
}

static AfIrq *new_irq(guint number, const char *affinity_first_last, guint first, guint last)
{
	AfIrq *irq = g_new0(AfIrq, 1);

	irq->irq = number;
	irq->name = g_strdup(affinity_first_last);
	irq->numa_node = -1;
	irq->queue = -1;
	irq->affinity = af_cpuset_new_range(first, last);
	return irq;
}

/*
 * Per size: an eighth of the IRQs are managed NVMe queues one per CPU, 16
 * legacy IRQs, the rest NIC queues of 32 channels per NIC, NICs spread
 * over the nodes, every other NIC with rx/tx pairs; a third of them
 * currently served by some CPU. Thread 1 of every core and the upper half
 * of each node's cores are isolated.
 */
static AfSnapshot *generate_snapshot(guint n_cpus, guint n_irqs)
{
	AfSnapshot *s = g_new0(AfSnapshot, 1);
	guint n_managed = n_irqs / 8, n_legacy = MIN(16u, n_irqs / 4), number = 16;

	s->nr_cpu_ids = n_cpus;
	s->possible = af_cpuset_new_range(0, n_cpus - 1);
	s->online = af_cpuset_copy(s->possible);
	s->offline = af_cpuset_new();
	s->topology = generate_topology(n_cpus);
	s->irqs = g_ptr_array_new();
	s->by_irq = g_hash_table_new(g_direct_hash, g_direct_equal);
	for (guint i = 0; i < n_legacy; i++) {
		AfIrq *irq = new_irq(i, "legacy", 0, n_cpus - 1);

		irq->effective = af_cpuset_new_range(0, 0);
		g_ptr_array_add(s->irqs, irq);
	}
	for (guint i = 0; i < n_managed; i++) {
		AfIrq *irq = new_irq(number++, "nvme", i % n_cpus, i % n_cpus);

		irq->device = g_strdup_printf("0000:%02x:00.0", 0x80 + i / 64);
		irq->managed = TRUE;
		irq->managed_source = AF_MANAGED_SOURCE_HEURISTIC;
		irq->effective = af_cpuset_copy(irq->affinity);
		irq->queue = i % 64;
		irq->queue_kind = AF_QUEUE_COMBINED;
		g_ptr_array_add(s->irqs, irq);
	}
	for (guint i = 0; s->irqs->len < n_irqs; i++) {
		guint nic = i / 32;
		gboolean pairs = nic % 2;
		AfIrq *irq = new_irq(number++, "nic", 0, n_cpus - 1);

		irq->device = g_strdup_printf("0000:%04x:00.0", nic);
		irq->numa_node = (int)(nic % s->topology->n_nodes);
		irq->queue = pairs ? (int)(i % 32) / 2 : (int)(i % 32);
		irq->queue_kind = !pairs ? AF_QUEUE_COMBINED : i % 2 ? AF_QUEUE_TX : AF_QUEUE_RX;
		if (i % 3 == 0)
			irq->effective = af_cpuset_new_range((i * 7) % n_cpus, (i * 7) % n_cpus);
		g_ptr_array_add(s->irqs, irq);
	}
	for (guint i = 0; i < s->irqs->len; i++) {
		AfIrq *irq = s->irqs->pdata[i];

		g_hash_table_insert(s->by_irq, GUINT_TO_POINTER(irq->irq), irq);
	}
	return s;
}

static AfHousekeeping *generate_housekeeping(const AfSnapshot *s)
{
	AfHousekeeping *hk = g_new0(AfHousekeeping, 1);
	const AfTopology *t = s->topology;
	guint cores_per_node = t->n_cores / t->n_nodes;

	hk->online = af_cpuset_copy(s->online);
	hk->isolated = af_cpuset_new();
	for (guint cpu = 0; cpu < t->n_cpus; cpu++) {
		const AfCpuTopo *c = &t->cpus[cpu];

		if (c->thread > 0 || (guint)c->core % cores_per_node >= MAX(1u, cores_per_node / 2))
			af_cpuset_add(hk->isolated, cpu);
	}
	hk->housekeeping = af_cpuset_new_andnot(hk->online, hk->isolated);
	hk->managed_irq_isolated = af_cpuset_new();
	return hk;
}

static AfPolicy *default_policy(void)
{
	AfPolicy *policy = g_new0(AfPolicy, 1);

	policy->mode = AF_PLACEMENT_SPREAD;
	policy->numa_local = TRUE;
	policy->max_irqs_per_cpu = AF_DEFAULT_MAX_IRQS_PER_CPU;
	policy->hysteresis_percent = AF_DEFAULT_HYSTERESIS_PERCENT;
	policy->rules = g_ptr_array_new();
	return policy;
}

static long peak_rss_kib(void)
{
	struct rusage usage;

	getrusage(RUSAGE_SELF, &usage);
	return usage.ru_maxrss;
}

static int compare_gint64(const void *a, const void *b)
{
	gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;

	return x < y ? -1 : x > y;
}

static void print_quality(const AfPlan *plan, const AfSnapshot *s, const AfHousekeeping *hk)
{
	g_autofree guint *per_cpu = g_new0(guint, s->nr_cpu_ids);
	guint max = 0, n_local = 0, n_with_node = 0, total = 0;

	for (guint i = 0; i < plan->entries->len; i++) {
		const AfPlanEntry *entry = plan->entries->pdata[i];
		const AfCpuSet *cpus = entry->planned ? entry->planned : entry->irq->effective;
		int node = entry->irq->numa_node;

		AF_CPUSET_FOREACH(cpu, cpus)
		per_cpu[cpu]++;
		if (entry->planned && node >= 0) {
			n_with_node++;
			n_local += s->topology->cpus[af_cpuset_first(entry->planned)].node == node;
		}
	}
	AF_CPUSET_FOREACH(cpu, hk->housekeeping)
	{
		max = MAX(max, per_cpu[cpu]);
		total += per_cpu[cpu];
	}
	printf(" %8u %8.1f %9.1f%%", max, (double)total / af_cpuset_count(hk->housekeeping),
	       n_with_node ? 100.0 * n_local / n_with_node : 100.0);
}

static int run_one(guint n_cpus, guint n_irqs)
{
	AfSnapshot *s = generate_snapshot(n_cpus, n_irqs);
	AfHousekeeping *hk = generate_housekeeping(s);
	AfPolicy *policy = default_policy();
	guint n_runs = n_irqs >= 32768 ? 3 : 5;
	gint64 times_us[5];
	long rss_before = peak_rss_kib();
	AfPlan *plan = NULL;

	for (guint run = 0; run < n_runs; run++) {
		gint64 start;

		af_plan_free(plan);
		start = g_get_monotonic_time();
		if (af_plan_compute(s, hk, policy, NULL, NULL, &plan) < 0)
			return 1;
		times_us[run] = g_get_monotonic_time() - start;
	}
	qsort(times_us, n_runs, sizeof(times_us[0]), compare_gint64);
	printf("%6u %7u %9.2f %9.1f %9.1f", n_cpus, n_irqs, times_us[n_runs / 2] / 1000.0,
	       peak_rss_kib() / 1024.0, (peak_rss_kib() - rss_before) / 1024.0);
	print_quality(plan, s, hk);
	printf("\n");
	/* The process exits: the generated machine is left to the kernel to reclaim. */
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && g_str_equal(argv[1], "--one"))
		return run_one((guint)atoi(argv[2]), (guint)atoi(argv[3]));
	printf("# spread mode, numa_local, max_irqs_per_cpu %u; half the cores isolated\n",
	       AF_DEFAULT_MAX_IRQS_PER_CPU);
	printf("%6s %7s %9s %9s %9s %8s %8s %10s\n", "CPUs", "IRQs", "plan_ms", "peak_MiB",
	       "plan_MiB", "max/cpu", "mean/cpu", "node-local");
	fflush(stdout);
	for (guint i = 0; i < G_N_ELEMENTS(sizes); i++) {
		g_autofree char *cpus = g_strdup_printf("%u", sizes[i].n_cpus);
		g_autofree char *irqs = g_strdup_printf("%u", sizes[i].n_irqs);
		char *child[] = { argv[0], (char *)"--one", cpus, irqs, NULL };
		g_autoptr(GError) error = NULL;
		int status;

		/* Output pointers NULL: the child writes its row to our stdout. */
		if (!g_spawn_sync(NULL, child, NULL, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL,
				  NULL, NULL, &status, &error) ||
		    !g_spawn_check_wait_status(status, &error)) {
			fprintf(stderr, "bench-plan: %u CPUs: %s\n", sizes[i].n_cpus,
				error->message);
			return 1;
		}
	}
	return 0;
}
