/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <sched.h>

#include "log.h"
#include "steerapply.h"

struct AfSteerApply {
	AfSysroot *sysroot; /* borrowed */
	GHashTable *warned; /* paths and "napi:PID" warned about, until they succeed */
};

AfSteerApply *af_steer_apply_new(AfSysroot *sysroot)
{
	AfSteerApply *apply = g_new0(AfSteerApply, 1);

	apply->sysroot = sysroot;
	apply->warned = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	return apply;
}

void af_steer_apply_free(AfSteerApply *apply)
{
	if (!apply)
		return;
	g_hash_table_unref(apply->warned);
	g_free(apply);
}

static gboolean is_mask(AfSteerKind kind)
{
	switch (kind) {
	case AF_STEER_RPS:
	case AF_STEER_XPS:
		return TRUE;
	case AF_STEER_NAPI:
	case AF_STEER_FLOW_CNT:
	case AF_STEER_SOCK_FLOW:
		return FALSE;
	}
	return FALSE;
}

static void warn_once(AfSteerApply *apply, const char *key, const AfSteerEntry *e, int r)
{
	if (!g_hash_table_add(apply->warned, g_strdup(key)))
		return;
	af_log_warning("Failed to set %s of %s %s, ignoring: %s%s",
		       af_steering_kind_to_string(e->kind),
		       e->interface ? e->interface : "the machine",
		       e->thread  ? e->thread
		       : e->queue ? e->queue
				  : "",
		       g_strerror(-r),
		       r == -EPERM || r == -EACCES ? " (writing it needs CAP_NET_ADMIN)" : "");
}

/* A mask for the log: "none" for the empty one, "unknown" when unread. */
static char *format_mask(const AfCpuSet *mask)
{
	if (!mask)
		return g_strdup("unknown");
	return af_cpuset_is_empty(mask) ? g_strdup("none") : af_cpuset_format_list(mask);
}

/* Writes one mask or value entry through the sysroot: 1 written, 0 unchanged, < 0 failed. */
static int write_file(AfSteerApply *apply, const AfSteerEntry *e, guint nr_cpu_ids, char **from,
		      char **to)
{
	g_autofree char *data = NULL;
	int r;

	if (is_mask(e->kind)) {
		g_autoptr(AfCpuSet) now = NULL;

		r = af_sysroot_read_cpumask(apply->sysroot, e->path, &now);
		if (r == 0 && af_cpuset_equal(now, e->planned))
			return 0;
		if (af_cpuset_last(e->planned) >= (int)nr_cpu_ids)
			return -EOVERFLOW;
		*from = format_mask(now);
		*to = format_mask(e->planned);
		data = af_cpuset_format_mask(e->planned, nr_cpu_ids);
	} else {
		gint64 now = -1;

		r = af_sysroot_read_int(apply->sysroot, e->path, &now);
		if (r == 0 && now == e->planned_value)
			return 0;
		*from = r == 0 ? g_strdup_printf("%" G_GINT64_FORMAT, now) : g_strdup("unknown");
		*to = g_strdup_printf("%" G_GINT64_FORMAT, e->planned_value);
		data = g_strdup(*to);
	}
	r = af_sysroot_write(apply->sysroot, e->path, data);
	return r < 0 ? r : 1;
}

/* Moves a NAPI thread: 1 moved, 0 unchanged, < 0 failed. */
static int set_thread(const AfSteerEntry *e, char **from, char **to)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	AF_CPUSET_FOREACH (cpu, e->planned)
		if (cpu < CPU_SETSIZE)
			CPU_SET(cpu, &set);
	*from = format_mask(e->current);
	*to = format_mask(e->planned);
	/* A kthread of root's: no capability needed (same owner), but the
	 * unit's SystemCallFilter must allow it (@resources is denied). */
	if (sched_setaffinity(e->pid, sizeof(set), &set) < 0)
		return -errno;
	return 1;
}

AfSteerCounts af_steer_apply(AfSteerApply *apply, const AfSteering *steering, guint nr_cpu_ids)
{
	AfSteerCounts counts = {0};
	g_autoptr(GPtrArray) moves = g_ptr_array_new();

	for (guint i = 0; steering && i < steering->interfaces->len; i++) {
		const AfSteerInterface *iface = steering->interfaces->pdata[i];

		for (guint j = 0; j < iface->entries->len; j++)
			g_ptr_array_add(moves, iface->entries->pdata[j]);
	}
	if (steering)
		g_ptr_array_add(moves, steering->sock_flow);
	for (guint i = 0; i < moves->len; i++) {
		const AfSteerEntry *e = moves->pdata[i];
		g_autofree char *from = NULL, *to = NULL, *key = NULL;
		int r;

		if (e->action != AF_ACTION_MOVE)
			continue;
		if (e->kind == AF_STEER_NAPI && !af_sysroot_is_live(apply->sysroot)) {
			counts.n_not_applied++;
			continue;
		}
		key = e->kind == AF_STEER_NAPI ? g_strdup_printf("napi:%d", e->pid)
					       : g_strdup(e->path);
		r = e->kind == AF_STEER_NAPI ? set_thread(e, &from, &to)
					     : write_file(apply, e, nr_cpu_ids, &from, &to);
		if (r < 0) {
			counts.n_failed++;
			warn_once(apply, key, e, r);
			continue;
		}
		g_hash_table_remove(apply->warned, key);
		if (r == 0) {
			counts.n_unchanged++;
			continue;
		}
		counts.n_written++;
		af_log_steer(e->interface, e->thread ? e->thread : e->queue,
			     af_steering_kind_to_string(e->kind), from, to, e->reason);
	}
	return counts;
}
