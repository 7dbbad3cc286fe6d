/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "apply.h"
#include "engine.h"
#include "log.h"
#include "modes.h"
#include "statedir.h"
#include "steerapply.h"
#include "warnings.h"

/*
 * --oneshot: the engine's read and plan, applied once. A plan whose writes
 * met ENOSPC or EINVAL is made again at once, without the full CPUs, up to
 * AF_ENGINE_MAX_WRITE_REPLANS times, as the daemon does.
 */

typedef struct Oneshot {
	AfEngine *engine;
	AfStateDir *statedir;
	AfApply *apply;
	AfSteerApply *steer;
	guint n_written, n_refused, n_no_space, n_invalid, n_gone, n_failed;
} Oneshot;

static void oneshot_clear(Oneshot *o)
{
	af_steer_apply_free(o->steer);
	af_apply_free(o->apply);
	af_statedir_free(o->statedir);
	af_engine_free(o->engine);
}

static int read_and_plan(Oneshot *o)
{
	g_autoptr(AfLimits) limits = af_limits_new();
	g_autoptr(GError) error = NULL;
	int r;

	af_limits_exclude(limits, af_apply_full_cpus(o->apply));
	af_apply_narrow_limits(o->apply, limits);
	r = af_engine_read(o->engine, o->statedir->state->learned, FALSE, &error);
	if (r >= 0)
		r = af_engine_plan(o->engine, NULL, limits, &error);
	if (r < 0)
		af_log_error("%s", error->message);
	return r;
}

static void add_counts(Oneshot *o, const AfApplyResult *result)
{
	o->n_written += result->n_written;
	o->n_refused += result->n_refused;
	o->n_no_space += result->n_no_space;
	o->n_invalid += result->n_invalid;
	o->n_gone += result->n_gone;
	o->n_failed += result->n_failed;
}

/* Counts movable IRQs of the last plan that the kernel does not show where planned. */
static guint count_misplaced(Oneshot *o)
{
	const AfPlan *plan = o->engine->plan;
	guint misplaced = 0;

	for (guint i = 0; i < plan->entries->len; i++) {
		const AfPlanEntry *entry = plan->entries->pdata[i];
		g_autoptr(AfCpuSet) now = NULL, mask = af_plan_entry_mask(entry);
		g_autofree char *planned = NULL, *shown = NULL;
		int r;

		switch (entry->action) {
		case AF_ACTION_MOVE:
		case AF_ACTION_KEEP:
			break;
		case AF_ACTION_SKIP:
			continue;
		}
		/* Learned unmovable in this run: no longer ours to place. */
		if (af_state_is_unmovable(o->statedir->state, entry->irq->irq, entry->irq->name))
			continue;
		r = af_apply_read_affinity(o->apply, entry->irq->irq, &now);
		if (r == -ENOENT)
			continue;
		/* Its CPU alone is where it belongs too: a widening deferred or undone. */
		if (r == 0 && (af_cpuset_equal(now, mask) || af_cpuset_equal(now, entry->planned)))
			continue;
		planned = af_cpuset_format_list(mask);
		shown = now ? af_cpuset_format_list(now) : g_strdup("unreadable");
		af_log_warning("IRQ %u (%s) is on %s, planned %s", entry->irq->irq,
			       entry->irq->name, shown, planned);
		misplaced++;
	}
	return misplaced;
}

int af_mode_oneshot(const AfOptions *options)
{
	g_autoptr(GError) error = NULL;
	Oneshot o = { 0 };
	AfSteerCounts steer;
	guint misplaced;
	int status = EXIT_FAILURE;

	af_log_init(options->foreground, options->debug);
	if (af_engine_open(&options->engine, &o.engine, &error) < 0) {
		af_log_error("%s", error->message);
		goto out;
	}
	o.statedir = af_statedir_open_for(options->state_dir, o.engine->policy->state_dir,
					  o.engine->sysroot, FALSE);
	o.apply = af_apply_new(o.engine->sysroot, o.statedir);
	/* Persistent bans hold in every mode, as the daemon would honour them. */
	af_engine_resume(o.engine, o.statedir->state);
	for (guint attempt = 0;; attempt++) {
		g_autoptr(AfApplyResult) result = NULL;

		if (read_and_plan(&o) < 0)
			goto out;
		af_apply_plan(o.apply, o.engine->plan, o.engine->snapshot->nr_cpu_ids,
			      g_get_monotonic_time() / 1000, &result);
		af_apply_log_result(result);
		add_counts(&o, result);
		if (!result->replan || attempt == AF_ENGINE_MAX_WRITE_REPLANS)
			break;
		af_log_debug("Planning again after %u no-space and %u invalid answers",
			     result->n_no_space, result->n_invalid);
	}
	/* What the dry-run would warn about, once (the last plan's). */
	{
		g_autoptr(GHashTable) warned =
			g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

		af_warnings_log_new(warned, o.engine);
	}
	/* Steering follows the IRQs where the last plan put them. */
	o.steer = af_steer_apply_new(o.engine->sysroot);
	steer = af_steer_apply(o.steer, o.engine->plan->steering, o.engine->snapshot->nr_cpu_ids);
	misplaced = count_misplaced(&o);
	af_log_info("Applied: %u written, %u refused, %u no space, %u invalid, %u gone, "
		    "%u failed; %u IRQs not where planned; steering: %u written, %u failed",
		    o.n_written, o.n_refused, o.n_no_space, o.n_invalid, o.n_gone, o.n_failed,
		    misplaced, steer.n_written, steer.n_failed);
	if (misplaced > 0)
		af_log_error("%u movable IRQs are not where the plan put them", misplaced);
	else
		status = EXIT_SUCCESS;
out:
	oneshot_clear(&o);
	return status;
}
