/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench-plan: plan time, memory and plan quality on generated machines,
 * from 8 CPUs / 64 IRQs to 8192 CPUs / 65536 IRQs. Each size runs in a
 * fresh child process (this program re-executed with --one CPUS IRQS) so
 * that its peak RSS is its own. Prints numbers; asserts nothing. Each size
 * has a row for the kernel's default placement (every IRQ where it is now)
 * to compare the plan's quality with.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "fakemachine.h"
#include "planner.h"
#include "testutil.h"

typedef struct {
	guint n_cpus, n_irqs;
} Size;

static const Size sizes[] = {
	{8, 64}, {64, 512}, {256, 4096}, {1024, 16384}, {4096, 32768}, {8192, 65536},
};

#define THREADS 2u
#define CORES_PER_CACHE 8u
#define CPUS_PER_NODE 128u

/*
 * Thread 1 of every core and the upper half of each node's cores are
 * isolated (by the config).
 */
static void isolate(AfFakeMachine *m)
{
	const AfTopology *t = m->snapshot->topology;
	guint cores_per_node = t->n_cores / t->n_nodes;
	g_autoptr(AfCpuSet) isolated = af_cpuset_new();

	for (guint cpu = 0; cpu < t->n_cpus; cpu++) {
		const AfCpuTopo *c = &t->cpus[cpu];

		if (c->thread > 0 || (guint)c->core % cores_per_node >= MAX(1u, cores_per_node / 2))
			af_cpuset_add(isolated, cpu);
	}
	af_fake_machine_isolate(m, isolated);
}

/*
 * An eighth of the IRQs are managed NVMe queues one per CPU, 16 legacy
 * IRQs, the rest NIC queues of 32 channels per NIC, NICs spread over the
 * nodes, every other NIC with rx/tx pairs; a third of them currently
 * served by some CPU.
 */
static void add_irqs(AfFakeMachine *m, guint n_cpus, guint n_irqs)
{
	guint n_managed = n_irqs / 8, n_legacy = MIN(16u, n_irqs / 4), number = 16;
	g_autofree char *all = g_strdup_printf("0-%u", n_cpus - 1);

	for (guint i = 0; i < n_legacy; i++)
		af_fake_add_irq(m, i, "legacy", all, "0");
	for (guint i = 0; i < n_managed; i++) {
		g_autofree char *address = g_strdup_printf("0000:%02x:00.0", 0x80 + i / 64);
		g_autofree char *cpu = g_strdup_printf("%u", i % n_cpus);
		const AfFakeDevice nvme = {address, NULL, AF_IRQ_CLASS_OTHER, -1, NULL};

		af_fake_add_managed(m, &nvme, number++, "nvme", (int)(i % 64), cpu, cpu);
	}
	for (guint i = 0; m->snapshot->irqs->len < n_irqs; i++) {
		guint nic = i / 32;
		gboolean pairs = nic % 2;
		g_autofree char *address = g_strdup_printf("0000:%04x:00.0", nic);
		g_autofree char *served =
			i % 3 == 0 ? g_strdup_printf("%u", (i * 7) % n_cpus) : NULL;
		const AfFakeDevice eth = {address, NULL, AF_IRQ_CLASS_OTHER,
					  (int)(nic % m->snapshot->topology->n_nodes), NULL};

		af_fake_add_queue(m, &eth, number++, "nic",
				  pairs ? (int)(i % 32) / 2 : (int)(i % 32),
				  !pairs  ? AF_QUEUE_COMBINED
				  : i % 2 ? AF_QUEUE_TX
					  : AF_QUEUE_RX,
				  all, served);
	}
}

/*
 * Interrupts per second: NIC queues 1000-7000 in a per-queue pattern
 * (some channels hot), managed NVMe queues 500, legacy IRQs 10.
 */
static void add_load(AfFakeMachine *m)
{
	for (guint i = 0; i < m->snapshot->irqs->len; i++) {
		const AfIrq *irq = m->snapshot->irqs->pdata[i];
		guint64 rate = irq->managed ? 500
			       : irq->queue < 0
				       ? 10
				       : 1000u * (1u + ((guint)irq->queue * 5u + irq->irq) % 7u);

		af_fake_set_load(m, irq->irq, rate);
	}
}

/*
 * The machine of a size: two threads per core numbered as x86 does, 8
 * cores per last-level cache, a node per 128 CPUs; then its isolation,
 * IRQs and load.
 */
static AfFakeMachine *generate_machine(guint n_cpus, guint n_irqs)
{
	guint cores_per_node = MAX(1u, MIN(n_cpus, CPUS_PER_NODE) / THREADS);
	guint n_nodes = MAX(1u, n_cpus / THREADS / cores_per_node);
	guint cores_per_cache = MIN(CORES_PER_CACHE, cores_per_node);
	g_autofree char *topology = af_fake_x86_topology(n_nodes, cores_per_node / cores_per_cache,
							 cores_per_cache, THREADS);
	AfFakeMachine *m = af_fake_machine_new(topology, "", "");

	isolate(m);
	add_irqs(m, n_cpus, n_irqs);
	add_load(m);
	return m;
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

typedef struct {
	guint max_irqs;
	double mean_irqs;
	guint64 max_load;
	double mean_load;
	double node_local_percent; /* movable IRQs with a node, served on it */
	guint on_isolated;	   /* movable IRQs served by a CPU outside housekeeping */
} Quality;

/* The CPU an IRQ ends up on: planned, else where the kernel serves it (CPU 0 pattern: first of the
 * mask). */
static int served_cpu(const AfIrq *irq, const AfCpuSet *planned)
{
	if (planned)
		return af_cpuset_first(planned);
	if (irq->effective && !af_cpuset_is_empty(irq->effective))
		return af_cpuset_first(irq->effective);
	return irq->affinity ? af_cpuset_first(irq->affinity) : -1;
}

/* Quality of a placement; plan NULL means the kernel's default (every IRQ where it is now). */
static Quality measure(const AfPlan *plan, const AfFakeMachine *m)
{
	const AfSnapshot *s = m->snapshot;
	const AfHousekeeping *hk = m->hk;
	const AfLoad *load = m->load;
	g_autofree guint *irqs = g_new0(guint, s->nr_cpu_ids);
	g_autofree guint64 *loads = g_new0(guint64, s->nr_cpu_ids);
	guint n_local = 0, n_with_node = 0, total = 0, n_hk = af_cpuset_count(hk->housekeeping);
	guint64 total_load = 0;
	Quality q = {0};

	for (guint i = 0; i < s->irqs->len; i++) {
		const AfIrq *irq = s->irqs->pdata[i];
		const AfPlanEntry *entry = plan ? af_plan_lookup(plan, irq->irq) : NULL;
		int cpu = served_cpu(irq, entry ? entry->planned : NULL);

		if (cpu < 0)
			continue;
		irqs[cpu]++;
		loads[cpu] += af_plan_load_get(load, irq->irq);
		if (!af_irq_is_movable(irq))
			continue;
		q.on_isolated += !af_cpuset_contains(hk->housekeeping, (guint)cpu);
		if (irq->numa_node >= 0) {
			n_with_node++;
			n_local += s->topology->cpus[cpu].node == irq->numa_node;
		}
	}
	AF_CPUSET_FOREACH (cpu, hk->housekeeping) {
		q.max_irqs = MAX(q.max_irqs, irqs[cpu]);
		q.max_load = MAX(q.max_load, loads[cpu]);
		total += irqs[cpu];
		total_load += loads[cpu];
	}
	q.mean_irqs = n_hk ? (double)total / n_hk : 0;
	q.mean_load = n_hk ? (double)total_load / n_hk : 0;
	q.node_local_percent = n_with_node ? 100.0 * n_local / n_with_node : 100.0;
	return q;
}

static void print_row(guint n_cpus, guint n_irqs, const char *what, const char *plan_ms,
		      const char *replan_ms, const char *rss, const Quality *q)
{
	printf("%6u %6u %-7s %8s %9s %8s %7u %8.1f %8.1f %8.1f %6.1f%% %8u\n", n_cpus, n_irqs, what,
	       plan_ms, replan_ms, rss, q->max_irqs, q->mean_irqs, q->max_load / 1000.0,
	       q->mean_load / 1000.0, q->node_local_percent, q->on_isolated);
}

/* Median of n_runs af_plan_compute() calls in ms; the last plan in *ret_plan. */
static double time_plan(const AfFakeMachine *m, AfPlacement *previous, guint n_runs,
			AfPlan **ret_plan)
{
	gint64 times_us[5];
	AfPlan *plan = NULL;

	for (guint run = 0; run < n_runs; run++) {
		gint64 start;

		af_plan_free(plan);
		plan = NULL;
		start = g_get_monotonic_time();
		if (af_fake_plan(m, previous, &plan) < 0)
			exit(1);
		times_us[run] = g_get_monotonic_time() - start;
	}
	qsort(times_us, n_runs, sizeof(times_us[0]), compare_gint64);
	*ret_plan = plan;
	return times_us[n_runs / 2] / 1000.0;
}

static int run_one(guint n_cpus, guint n_irqs)
{
	AfFakeMachine *m = generate_machine(n_cpus, n_irqs);
	guint n_runs = n_irqs >= 32768 ? 3 : 5;
	Quality kernel = measure(NULL, m), planned;
	AfPlan *plan = NULL, *replan = NULL;
	AfPlacement *previous;
	double plan_ms, replan_ms;
	char plan_text[32], replan_text[48], rss_text[32];

	plan_ms = time_plan(m, NULL, n_runs, &plan);
	af_test_dump_plan(plan);
	planned = measure(plan, m);
	/* The same machine with the plan applied: the daemon's next plan, same load. */
	previous = af_test_apply_plan(m->snapshot, plan);
	replan_ms = time_plan(m, previous, n_runs, &replan);
	af_test_dump_plan(replan);
	g_snprintf(plan_text, sizeof(plan_text), "%.2f", plan_ms);
	g_snprintf(replan_text, sizeof(replan_text), "%.2f/%u", replan_ms, replan->n_move);
	g_snprintf(rss_text, sizeof(rss_text), "%.1f", peak_rss_kib() / 1024.0);
	print_row(n_cpus, n_irqs, "kernel", "-", "-", "-", &kernel);
	print_row(n_cpus, n_irqs, "plan", plan_text, replan_text, rss_text, &planned);
	fflush(stdout);
	/* The process exits: the generated machine is left to the kernel to reclaim. */
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && g_str_equal(argv[1], "--one"))
		return run_one((guint)atoi(argv[2]), (guint)atoi(argv[3]));
	printf("# spread mode, numa_local, max_irqs_per_cpu %u, hysteresis %u%%, min_load_rate %u; "
	       "thread 1 of every core and half of each node's cores isolated\n",
	       AF_DEFAULT_MAX_IRQS_PER_CPU, AF_DEFAULT_HYSTERESIS_PERCENT,
	       AF_DEFAULT_MIN_LOAD_RATE);
	printf("# kernel: every IRQ where the kernel has it (effective, else first CPU of its "
	       "mask)\n");
	printf("# plan/replan: median ms with a measured load; replan = the plan applied, same "
	       "load "
	       "(/moves); peak = the child's peak RSS\n");
	printf("# per housekeeping CPU: IRQs max/mean, load max/mean (k interrupts/s); node-local "
	       "= "
	       "movable IRQs with a node on it; isolated = movable IRQs on other CPUs\n");
	printf("%6s %6s %-7s %8s %9s %8s %7s %8s %8s %8s %7s %8s\n", "CPUs", "IRQs", "", "plan_ms",
	       "replan_ms", "peak_MiB", "max_irq", "mean_irq", "max_kls", "mean_kls", "local",
	       "isolated");
	fflush(stdout);
	for (guint i = 0; i < G_N_ELEMENTS(sizes); i++) {
		g_autofree char *cpus = g_strdup_printf("%u", sizes[i].n_cpus);
		g_autofree char *irqs = g_strdup_printf("%u", sizes[i].n_irqs);
		char *child[] = {argv[0], (char *)"--one", cpus, irqs, NULL};
		g_autoptr(GError) error = NULL;
		int status;

		/* Output pointers NULL: the child writes its row to our stdout. */
		if (!g_spawn_sync(NULL, child, NULL, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL, NULL,
				  NULL, &status, &error) ||
		    !g_spawn_check_wait_status(status, &error)) {
			fprintf(stderr, "bench-plan: %u CPUs: %s\n", sizes[i].n_cpus,
				error->message);
			return 1;
		}
	}
	return 0;
}
