/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "irqbsock.h"

/* irqbalance's object types (types.h enum obj_type_e). */
enum {
	OBJ_TYPE_CPU = 0,
	OBJ_TYPE_CACHE = 1,
	OBJ_TYPE_PACKAGE = 2,
	OBJ_TYPE_NODE = 3,
};

/* irqbalance's IRQ classes (types.h IRQ_*) closest to ours. */
static int irqbalance_class(AfIrqClass class)
{
	switch (class) {
	case AF_IRQ_CLASS_OTHER:
		return 0; /* IRQ_OTHER */
	case AF_IRQ_CLASS_NETWORK:
		return 4; /* IRQ_ETH */
	case AF_IRQ_CLASS_STORAGE:
		return 2; /* IRQ_SCSI */
	}
	g_assert_not_reached();
}

void af_irqbsock_request_free(AfIrqbsockRequest *request)
{
	if (!request)
		return;
	af_cpuset_free(request->cpus);
	g_free(request);
}

/*
 * "settings cpus " is followed by the list: irqbalance takes the first
 * space-separated word, and "NULL" (or no word at all) lifts the ban.
 */
static int parse_ban_cpus(const char *text, AfIrqbsockRequest *request)
{
	g_auto(GStrv) words = g_strsplit_set(text, " \t\r\n", -1);
	const char *word = NULL;

	for (guint i = 0; words[i] && !word; i++)
		if (*words[i])
			word = words[i];
	if (!word || g_str_has_prefix(word, "NULL"))
		return 0;
	return af_cpuset_parse_list(word, &request->cpus);
}

int af_irqbsock_parse_request(const char *data, gsize length, AfIrqbsockRequest **ret_request)
{
	g_autoptr(AfIrqbsockRequest) request = g_new0(AfIrqbsockRequest, 1);
	/* A request is text without a terminator; a NUL inside ends it, as in irqbalance. */
	g_autofree char *text = g_strndup(data, length);
	int r;

	if (g_str_has_prefix(text, "stats")) {
		request->kind = AF_IRQBSOCK_STATS;
	} else if (g_str_has_prefix(text, "setup")) {
		request->kind = AF_IRQBSOCK_SETUP;
	} else if (g_str_has_prefix(text, "settings cpus ")) {
		request->kind = AF_IRQBSOCK_BAN_CPUS;
		r = parse_ban_cpus(text + strlen("settings cpus "), request);
		if (r < 0)
			return r;
	} else if (g_str_has_prefix(text, "settings sleep ") ||
		   g_str_has_prefix(text, "settings ban irqs ")) {
		request->kind = AF_IRQBSOCK_IGNORED;
	} else {
		return -EINVAL;
	}
	*ret_request = g_steal_pointer(&request);
	return 0;
}

static guint64 irq_load(const AfIrq *irq, const AfLoad *load)
{
	return load ? af_plan_load_get(load, irq->irq) : irq->total;
}

static void append_irq(GString *out, const AfIrq *irq, const AfLoad *load)
{
	guint64 value = irq_load(irq, load);

	g_string_append_printf(
		out, "IRQ %u LOAD %" G_GUINT64_FORMAT " DIFF %" G_GUINT64_FORMAT " CLASS %d ",
		irq->irq, value, value, irqbalance_class(irq->class));
}

char *af_irqbsock_format_setup(guint interval_ms, const AfHousekeeping *hk, const AfPlan *plan,
			       const AfLoad *load, guint nr_cpu_ids)
{
	GString *out = g_string_new(NULL);
	g_autoptr(AfCpuSet) banned = af_cpuset_copy(hk->isolated);
	g_autofree char *mask = NULL;

	g_string_append_printf(out, "SLEEP %u ", MAX(interval_ms / 1000, 1u));
	for (guint i = 0; plan && i < plan->entries->len; i++) {
		const AfPlanEntry *entry = g_ptr_array_index(plan->entries, i);

		if (entry->action == AF_ACTION_SKIP && af_irq_has_handler(entry->irq))
			append_irq(out, entry->irq, load);
	}
	/* The mask is nr_cpu_ids wide: a configured CPU beyond the machine is no bit of it. */
	if (nr_cpu_ids > 0) {
		g_autoptr(AfCpuSet) possible = af_cpuset_new_range(0, nr_cpu_ids - 1);

		af_cpuset_and(banned, possible);
	}
	mask = af_cpuset_format_mask(banned, MAX(nr_cpu_ids, 1u));
	g_string_append_printf(out, "BANNED %s", mask);
	return g_string_free(out, FALSE);
}

/* Per online CPU: its IRQs as text and the sum of their load. */
typedef struct {
	guint n_cpus;
	GString **irqs;
	guint64 *load;
} CpuIrqs;

static void cpu_irqs_init(CpuIrqs *c, const AfSnapshot *snapshot, const AfLoad *load)
{
	c->n_cpus = MAX((guint)(af_cpuset_last(snapshot->online) + 1), snapshot->nr_cpu_ids);
	c->irqs = g_new0(GString *, c->n_cpus);
	c->load = g_new0(guint64, c->n_cpus);
	for (guint i = 0; i < snapshot->irqs->len; i++) {
		const AfIrq *irq = g_ptr_array_index(snapshot->irqs, i);
		const AfCpuSet *serving = af_irq_serving_cpus(irq);
		g_autoptr(AfCpuSet) online = NULL;
		int cpu;

		if (!af_irq_has_handler(irq) || !serving)
			continue;
		online = af_cpuset_new_and(serving, snapshot->online);
		cpu = af_cpuset_first(online);
		if (cpu < 0 || (guint)cpu >= c->n_cpus)
			continue;
		if (!c->irqs[cpu])
			c->irqs[cpu] = g_string_new(NULL);
		append_irq(c->irqs[cpu], irq, load);
		c->load[cpu] += irq_load(irq, load);
	}
}

static void cpu_irqs_clear(CpuIrqs *c)
{
	for (guint i = 0; i < c->n_cpus; i++)
		if (c->irqs[i])
			g_string_free(c->irqs[i], TRUE);
	g_free(c->irqs);
	g_free(c->load);
}

static guint64 sum_load(const CpuIrqs *c, const AfCpuSet *cpus)
{
	guint64 sum = 0;

	AF_CPUSET_FOREACH (cpu, cpus)
		if ((guint)cpu < c->n_cpus)
			sum += c->load[cpu];
	return sum;
}

static void append_object(GString *out, int type, int number, guint64 load)
{
	g_string_append_printf(out, "TYPE %d NUMBER %d LOAD %" G_GUINT64_FORMAT " SAVE_MODE 0 ",
			       type, number, load);
}

typedef enum { LEVEL_PACKAGE, LEVEL_CACHE } Level;

/* The CPUs of cpus whose package (or cache) is id. */
static AfCpuSet *cpus_at(const AfTopology *topology, const AfCpuSet *cpus, Level level, int id)
{
	AfCpuSet *set = af_cpuset_new();

	AF_CPUSET_FOREACH (cpu, cpus) {
		const AfCpuTopo *t = af_topology_cpu(topology, (guint)cpu);
		int value = 0;

		switch (level) {
		case LEVEL_PACKAGE:
			value = t->package;
			break;
		case LEVEL_CACHE:
			value = t->cache;
			break;
		}
		if (value == id)
			af_cpuset_add(set, (guint)cpu);
	}
	return set;
}

/* Each distinct package (or cache) of cpus once, lowest first CPU first, with its CPUs. */
static void append_level(GString *out, const AfTopology *topology, const CpuIrqs *c,
			 const AfCpuSet *cpus, Level level)
{
	g_autoptr(AfCpuSet) left = af_cpuset_copy(cpus);

	while (!af_cpuset_is_empty(left)) {
		const AfCpuTopo *first = af_topology_cpu(topology, (guint)af_cpuset_first(left));
		int id = level == LEVEL_PACKAGE ? first->package : first->cache;
		g_autoptr(AfCpuSet) group = cpus_at(topology, left, level, id);

		af_cpuset_andnot(left, group);
		append_object(out, level == LEVEL_PACKAGE ? OBJ_TYPE_PACKAGE : OBJ_TYPE_CACHE, id,
			      sum_load(c, group));
		if (level == LEVEL_PACKAGE) {
			append_level(out, topology, c, group, LEVEL_CACHE);
			continue;
		}
		AF_CPUSET_FOREACH (cpu, group) {
			append_object(out, OBJ_TYPE_CPU, cpu, c->load[cpu]);
			if (c->irqs[cpu])
				g_string_append(out, c->irqs[cpu]->str);
		}
	}
}

char *af_irqbsock_format_stats(const AfSnapshot *snapshot, const AfLoad *load)
{
	const AfTopology *topology = snapshot->topology;
	GString *out = g_string_new(NULL);
	CpuIrqs c;

	if (!topology || af_cpuset_is_empty(snapshot->online))
		return g_string_free(out, FALSE);
	cpu_irqs_init(&c, snapshot, load);
	for (guint node = 0; node < topology->n_nodes; node++) {
		g_autoptr(AfCpuSet) cpus = NULL;

		if (!topology->node_cpus[node])
			continue;
		cpus = af_cpuset_new_and(topology->node_cpus[node], snapshot->online);
		af_cpuset_and(cpus, topology->known);
		if (af_cpuset_is_empty(cpus))
			continue;
		append_object(out, OBJ_TYPE_NODE, (int)node, sum_load(&c, cpus));
		append_level(out, topology, &c, cpus, LEVEL_PACKAGE);
	}
	cpu_irqs_clear(&c);
	return g_string_free(out, FALSE);
}
