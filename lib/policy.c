/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "policy-private.h"
#include "policy.h"

/*
 * The policy as a value: defaults, copy, comparison and rule matching.
 * Parsing is in policy-parse.c, files in policy-load.c.
 */

AfPolicy *af_policy_new(void)
{
	AfPolicy *policy = g_new0(AfPolicy, 1);

	policy->isolated = af_cpuset_new();
	policy->banned = af_cpuset_new();
	policy->irqbalance_env = g_strsplit(AF_DEFAULT_IRQBALANCE_ENV, " ", -1);
	policy->mode = AF_PLACEMENT_SPREAD;
	policy->numa_local = AF_NUMA_LOCAL_PREFER;
	policy->fallback_cpus = AF_DEFAULT_FALLBACK_CPUS;
	policy->max_irqs_per_cpu = AF_DEFAULT_MAX_IRQS_PER_CPU;
	policy->hysteresis_percent = AF_DEFAULT_HYSTERESIS_PERCENT;
	policy->min_load_rate = AF_DEFAULT_MIN_LOAD_RATE;
	policy->interval_ms = AF_DEFAULT_INTERVAL_MS;
	policy->min_move_interval_ms = AF_DEFAULT_MIN_MOVE_INTERVAL_MS;
	policy->debounce_ms = AF_DEFAULT_DEBOUNCE_MS;
	policy->restore_on_exit = FALSE;
	policy->state_dir = g_strdup(AF_DEFAULT_STATE_DIR);
	policy->rules = g_ptr_array_new_with_free_func((GDestroyNotify)af_policy_rule_free);
	af_policy_network_init(policy);
	return policy;
}

void af_policy_rule_free(AfRule *rule)
{
	if (!rule)
		return;
	g_free(rule->name);
	g_free(rule->match_driver);
	g_free(rule->match_interface);
	g_free(rule->match_name);
	af_cpuset_free(rule->cpus);
	g_free(rule);
}

void af_policy_free(AfPolicy *policy)
{
	if (!policy)
		return;
	af_cpuset_free(policy->isolated);
	af_cpuset_free(policy->banned);
	g_strfreev(policy->irqbalance_env);
	g_free(policy->state_dir);
	g_free(policy->irqbalance_socket);
	g_free(policy->metrics_file);
	if (policy->rules)
		g_ptr_array_unref(policy->rules);
	af_policy_network_clear(policy);
	g_free(policy);
}

static AfRule *copy_rule(const AfRule *rule)
{
	AfRule *copy = g_new0(AfRule, 1);

	copy->name = g_strdup(rule->name);
	copy->action = rule->action;
	copy->match_irq = rule->match_irq;
	copy->match_driver = g_strdup(rule->match_driver);
	copy->match_interface = g_strdup(rule->match_interface);
	copy->match_name = g_strdup(rule->match_name);
	copy->cpus = af_cpuset_copy(rule->cpus);
	return copy;
}

AfPolicy *af_policy_copy(const AfPolicy *policy)
{
	AfPolicy *copy;

	if (!policy)
		return NULL;
	copy = g_new0(AfPolicy, 1);
	*copy = *policy;
	copy->isolated = af_cpuset_copy(policy->isolated);
	copy->banned = af_cpuset_copy(policy->banned);
	copy->irqbalance_env = g_strdupv(policy->irqbalance_env);
	copy->state_dir = g_strdup(policy->state_dir);
	copy->irqbalance_socket = g_strdup(policy->irqbalance_socket);
	copy->metrics_file = g_strdup(policy->metrics_file);
	copy->rules = g_ptr_array_new_with_free_func((GDestroyNotify)af_policy_rule_free);
	for (guint i = 0; i < policy->rules->len; i++)
		g_ptr_array_add(copy->rules, copy_rule(g_ptr_array_index(policy->rules, i)));
	af_policy_network_copy(copy, policy);
	return copy;
}

static gboolean rules_equal(const AfRule *a, const AfRule *b)
{
	return g_str_equal(a->name, b->name) && a->action == b->action &&
	       a->match_irq == b->match_irq && g_strcmp0(a->match_driver, b->match_driver) == 0 &&
	       g_strcmp0(a->match_interface, b->match_interface) == 0 &&
	       g_strcmp0(a->match_name, b->match_name) == 0 && (!a->cpus == !b->cpus) &&
	       af_cpuset_equal(a->cpus, b->cpus);
}

gboolean af_policy_equal(const AfPolicy *a, const AfPolicy *b)
{
	if (!af_cpuset_equal(a->isolated, b->isolated) || !af_cpuset_equal(a->banned, b->banned) ||
	    a->mode != b->mode || a->numa_local != b->numa_local ||
	    a->fallback_cpus != b->fallback_cpus || a->fallback_any_arch != b->fallback_any_arch ||
	    a->max_irqs_per_cpu != b->max_irqs_per_cpu ||
	    a->hysteresis_percent != b->hysteresis_percent ||
	    a->min_load_rate != b->min_load_rate || a->interval_ms != b->interval_ms ||
	    a->min_move_interval_ms != b->min_move_interval_ms ||
	    a->debounce_ms != b->debounce_ms || a->restore_on_exit != b->restore_on_exit ||
	    g_strcmp0(a->state_dir, b->state_dir) != 0 ||
	    g_strcmp0(a->irqbalance_socket, b->irqbalance_socket) != 0 ||
	    g_strcmp0(a->metrics_file, b->metrics_file) != 0 ||
	    !g_strv_equal((const char *const *)a->irqbalance_env,
			  (const char *const *)b->irqbalance_env) ||
	    a->rules->len != b->rules->len || !af_policy_network_equal(a, b))
		return FALSE;
	for (guint i = 0; i < a->rules->len; i++)
		if (!rules_equal(g_ptr_array_index(a->rules, i), g_ptr_array_index(b->rules, i)))
			return FALSE;
	return TRUE;
}

const char *af_policy_numa_local_to_string(AfNumaLocal numa_local)
{
	switch (numa_local) {
	case AF_NUMA_LOCAL_PREFER:
		return "prefer";
	case AF_NUMA_LOCAL_STRICT:
		return "strict";
	case AF_NUMA_LOCAL_OFF:
		return "off";
	}
	return "?";
}

const AfRule *af_policy_match(const AfPolicy *policy, guint irq, const char *name,
			      const char *driver, const char *interface)
{
	for (guint i = 0; i < policy->rules->len; i++) {
		const AfRule *rule = g_ptr_array_index(policy->rules, i);

		if (rule->match_irq >= 0 && (guint)rule->match_irq != irq)
			continue;
		if (rule->match_name && (!name || !g_pattern_match_simple(rule->match_name, name)))
			continue;
		if (rule->match_driver &&
		    (!driver || !g_pattern_match_simple(rule->match_driver, driver)))
			continue;
		if (rule->match_interface &&
		    (!interface || !g_pattern_match_simple(rule->match_interface, interface)))
			continue;
		return rule;
	}
	return NULL;
}
