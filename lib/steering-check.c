/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "steering-private.h"

AfSteering *af_steering_new(void)
{
	AfSteering *steering = g_new0(AfSteering, 1);

	steering->interfaces = g_ptr_array_new();
	return steering;
}

void af_steering_entry_free(AfSteerEntry *entry)
{
	if (!entry)
		return;
	g_free(entry->path);
	af_cpuset_free(entry->current);
	af_cpuset_free(entry->planned);
	g_free(entry->reason);
	g_free(entry);
}

void af_steering_free(AfSteering *steering)
{
	if (!steering)
		return;
	for (guint i = 0; i < steering->interfaces->len; i++) {
		AfSteerInterface *iface = steering->interfaces->pdata[i];

		g_ptr_array_unref(iface->entries);
		g_free(iface);
	}
	g_ptr_array_unref(steering->interfaces);
	af_steering_entry_free(steering->sock_flow);
	g_free(steering);
}

const char *af_steering_kind_to_string(AfSteerKind kind)
{
	switch (kind) {
	case AF_STEER_RPS:
		return "rps";
	case AF_STEER_XPS:
		return "xps";
	case AF_STEER_FLOW_CNT:
		return "rps_flow_cnt";
	case AF_STEER_SOCK_FLOW:
		return "rps_sock_flow_entries";
	case AF_STEER_NAPI:
		return "napi";
	}
	return "?";
}

/*
 * The rules every steering plan keeps:
 *  S1  skip has nothing planned; move and keep have a planned mask (RPS,
 *      XPS, NAPI) or value (FLOW_CNT, SOCK_FLOW), and a reason each.
 *  S2  keep means planned equals current; move means it differs.
 *  S3  no planned rps mask holds an isolated CPU.
 *  S4  XPS: when an interface's xps entries are planned, every online CPU
 *      is in exactly one planned xps mask, and no offline CPU in any.
 *  S5  XPS: a CPU serving a planned queue's IRQ sends on that queue, or on
 *      a lower queue whose IRQ is on the same CPU.
 *  S6  a planned NAPI thread's CPUs are online and its queue IRQ's CPUs.
 *  S7  n_move, n_keep, n_skip count the entries.
 */

static gboolean is_mask(AfSteerKind kind)
{
	switch (kind) {
	case AF_STEER_RPS:
	case AF_STEER_XPS:
	case AF_STEER_NAPI:
		return TRUE;
	case AF_STEER_FLOW_CNT:
	case AF_STEER_SOCK_FLOW:
		return FALSE;
	}
	return FALSE;
}

static char *check_entry(const AfSteerEntry *e, const AfHousekeeping *hk, guint n[3])
{
	const char *what = af_steering_kind_to_string(e->kind);
	const char *where = e->queue ? e->queue : e->thread ? e->thread : "";
	gboolean planned = is_mask(e->kind) ? e->planned != NULL : e->planned_value >= 0;
	gboolean equal = is_mask(e->kind) ? e->current && e->planned &&
						    af_cpuset_equal(e->current, e->planned)
					  : e->current_value == e->planned_value;

	n[e->action]++;
	if (!e->reason || !*e->reason)
		return g_strdup_printf("%s %s %s: no reason", e->interface, where, what);
	if ((e->action == AF_ACTION_SKIP) == planned)
		return g_strdup_printf("%s %s %s: %s %s a planned value", e->interface, where, what,
				       af_plan_action_to_string(e->action),
				       planned ? "with" : "without");
	if (e->action != AF_ACTION_SKIP && (e->action == AF_ACTION_KEEP) != equal)
		return g_strdup_printf("%s %s %s: %s but planned %s the current one", e->interface,
				       where, what, af_plan_action_to_string(e->action),
				       equal ? "equals" : "differs from");
	if (e->kind == AF_STEER_RPS && e->planned && af_cpuset_intersects(e->planned, hk->isolated))
		return g_strdup_printf("%s %s: planned rps_cpus hold an isolated CPU", e->interface,
				       where);
	return NULL;
}

/* S4 and S5 for one interface. */
static char *check_xps(const AfSteerInterface *iface, const AfSnapshot *snapshot,
		       const AfPlan *plan)
{
	g_autoptr(AfCpuSet) seen = af_cpuset_new();
	gboolean any = FALSE;

	for (guint i = 0; i < iface->entries->len; i++) {
		const AfSteerEntry *e = iface->entries->pdata[i];
		g_autoptr(AfCpuSet) irq_cpus = NULL;

		if (e->kind != AF_STEER_XPS || !e->planned)
			continue;
		any = TRUE;
		if (af_cpuset_intersects(seen, e->planned))
			return g_strdup_printf("%s %s: a CPU sends on two queues", e->interface,
					       e->queue);
		if (!af_cpuset_is_subset(e->planned, snapshot->online))
			return g_strdup_printf("%s %s: an offline CPU in xps_cpus", e->interface,
					       e->queue);
		irq_cpus = af_cpuset_new_and(af_steering_irq_cpus(snapshot, plan, e->irq),
					     snapshot->online);
		/* A CPU of this queue's IRQ is in this mask, or an earlier queue's. */
		AF_CPUSET_FOREACH (cpu, irq_cpus)
			if (!af_cpuset_contains(e->planned, (guint)cpu) &&
			    !af_cpuset_contains(seen, (guint)cpu))
				return g_strdup_printf("%s %s: CPU %d of its IRQ sends elsewhere",
						       e->interface, e->queue, cpu);
		af_cpuset_or(seen, e->planned);
	}
	if (any && !af_cpuset_equal(seen, snapshot->online))
		return g_strdup_printf("%s: not every online CPU has a transmit queue",
				       iface->netif->name);
	return NULL;
}

static char *check_napi(const AfSteerEntry *e, const AfSnapshot *snapshot, const AfPlan *plan)
{
	g_autoptr(AfCpuSet) cpus = NULL;

	if (e->kind != AF_STEER_NAPI || !e->planned)
		return NULL;
	cpus = af_cpuset_new_and(af_steering_irq_cpus(snapshot, plan, e->irq), snapshot->online);
	if (!af_cpuset_equal(cpus, e->planned))
		return g_strdup_printf("%s %s: NAPI thread not planned on its IRQ's CPUs",
				       e->interface, e->thread);
	return NULL;
}

int af_steering_check(const AfSteering *steering, const AfSnapshot *snapshot,
		      const AfHousekeeping *hk, const AfPlan *plan, char **ret_message)
{
	g_autofree char *message = NULL;
	guint n[3] = {0};

	if (!steering || !snapshot || !hk || !plan || !steering->sock_flow)
		return -EINVAL;
	for (guint i = 0; i < steering->interfaces->len && !message; i++) {
		const AfSteerInterface *iface = steering->interfaces->pdata[i];

		for (guint j = 0; j < iface->entries->len && !message; j++) {
			message = check_entry(iface->entries->pdata[j], hk, n);
			if (!message)
				message = check_napi(iface->entries->pdata[j], snapshot, plan);
		}
		if (!message)
			message = check_xps(iface, snapshot, plan);
	}
	if (!message)
		message = check_entry(steering->sock_flow, hk, n);
	if (!message &&
	    (n[AF_ACTION_MOVE] != steering->n_move || n[AF_ACTION_KEEP] != steering->n_keep ||
	     n[AF_ACTION_SKIP] != steering->n_skip))
		message = g_strdup("the steering's move/keep/skip counts do not match its entries");
	if (!message)
		return 0;
	if (ret_message)
		*ret_message = g_steal_pointer(&message);
	return -EINVAL;
}
