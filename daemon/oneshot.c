/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "apply.h"
#include "fakekernel.h"
#include "housekeeping.h"
#include "log.h"
#include "modes.h"
#include "outcome.h"
#include "planner.h"
#include "policy.h"
#include "snapshot.h"
#include "statedir.h"
#include "sysroot.h"

/* ENOSPC and EINVAL ask for a new plan; a kernel that keeps refusing gets this many. */
#define MAX_REPLANS 3

typedef struct Oneshot {
	AfPolicy *policy;
	AfSysroot *sysroot;
	AfStateDir *statedir;
	AfApply *apply;
	AfSnapshot *snapshot; /* of the last plan */
	AfHousekeeping *hk;
	AfPlan *plan;         /* the last plan applied */
	guint n_written, n_refused, n_no_space, n_invalid, n_gone, n_failed;
} Oneshot;

static void oneshot_clear(Oneshot *o)
{
	af_plan_free(o->plan);
	af_housekeeping_free(o->hk);
	af_snapshot_free(o->snapshot);
	af_apply_free(o->apply);
	af_statedir_free(o->statedir);
	af_sysroot_free(o->sysroot);
	af_policy_free(o->policy);
}

static int open_all(const AfOptions *options, Oneshot *o)
{
	g_autoptr(GError) error = NULL;
	int r;

	r = af_policy_load(options->config, options->config_dropins, &o->policy, &error);
	if (r < 0) {
		af_log_error("%s", error ? error->message : g_strerror(-r));
		return r;
	}
	r = af_fakekernel_open_sysroot(options->sysroot, &o->sysroot);
	if (r < 0) {
		af_log_error("Failed to open sysroot %s: %s", options->sysroot, g_strerror(-r));
		return r;
	}
	o->statedir = af_statedir_open_for(options->state_dir, o->policy->state_dir, o->sysroot);
	o->apply = af_apply_new(o->sysroot, o->statedir);
	return 0;
}

/* Reads the machine and plans, without the CPUs whose vectors ran out. */
static int read_and_plan(Oneshot *o)
{
	int r;

	g_clear_pointer(&o->plan, af_plan_free);
	g_clear_pointer(&o->hk, af_housekeeping_free);
	g_clear_pointer(&o->snapshot, af_snapshot_free);
	r = af_snapshot_read(o->sysroot, o->statedir->state->learned, &o->snapshot);
	if (r < 0) {
		af_log_error("Failed to read the machine under %s: %s",
			     af_sysroot_path(o->sysroot), g_strerror(-r));
		return r;
	}
	r = af_housekeeping_read(o->sysroot, o->snapshot->cmdline, o->snapshot->online,
				 o->snapshot->possible, o->policy, &o->hk);
	if (r < 0) {
		af_log_error("Failed to find the housekeeping CPUs: %s", g_strerror(-r));
		return r;
	}
	af_outcome_exclude_full_cpus(o->hk->housekeeping, af_apply_full_cpus(o->apply));
	r = af_plan_compute(o->snapshot, o->hk, o->policy, NULL, NULL, &o->plan);
	if (r < 0)
		af_log_error("Failed to plan: %s", g_strerror(-r));
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
	guint misplaced = 0;

	for (guint i = 0; i < o->plan->entries->len; i++) {
		const AfPlanEntry *entry = o->plan->entries->pdata[i];
		g_autoptr(AfCpuSet) now = NULL;
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
		if (r == 0 && af_cpuset_equal(now, entry->planned))
			continue;
		planned = af_cpuset_format_list(entry->planned);
		shown = now ? af_cpuset_format_list(now) : g_strdup("unreadable");
		fprintf(stderr, "affinityd: IRQ %u (%s) is on %s, planned %s\n", entry->irq->irq,
			entry->irq->name, shown, planned);
		misplaced++;
	}
	return misplaced;
}

int af_mode_oneshot(const AfOptions *options)
{
	Oneshot o = { 0 };
	guint misplaced;
	int status = EXIT_FAILURE;

	af_log_init(options->foreground, options->debug);
	if (open_all(options, &o) < 0)
		goto out;
	for (guint attempt = 0;; attempt++) {
		g_autoptr(AfApplyResult) result = NULL;

		if (read_and_plan(&o) < 0)
			goto out;
		af_apply_plan(o.apply, o.plan, o.snapshot->nr_cpu_ids, g_get_monotonic_time() / 1000,
			      &result);
		af_apply_log_result(result);
		add_counts(&o, result);
		if (!result->replan || attempt == MAX_REPLANS)
			break;
		af_log_debug("Planning again after %u no-space and %u invalid answers",
			     result->n_no_space, result->n_invalid);
	}
	misplaced = count_misplaced(&o);
	af_log_info("Applied: %u written, %u refused, %u no space, %u invalid, %u gone, "
		    "%u failed; %u IRQs not where planned",
		    o.n_written, o.n_refused, o.n_no_space, o.n_invalid, o.n_gone, o.n_failed,
		    misplaced);
	if (misplaced > 0)
		fprintf(stderr, "affinityd: %u movable IRQs are not where the plan put them\n",
			misplaced);
	else
		status = EXIT_SUCCESS;
out:
	oneshot_clear(&o);
	return status;
}
