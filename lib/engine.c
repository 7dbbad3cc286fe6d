/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <unistd.h>

#include "engine.h"
#include "fakekernel.h"
#include "steering.h"
#include "whatif.h"

/* The configuration files given at open, read again on reload. */
typedef struct EngineFiles {
	char *config;
	char *dropins;
	gboolean config_required;
} EngineFiles;

GQuark af_engine_error_quark(void)
{
	return g_quark_from_static_string("af-engine-error-quark");
}

/* What only engine.c sees, beside the public struct. */
typedef struct EnginePrivate {
	AfEngine pub;
	EngineFiles files;
	AfDefaultAffinity *default_affinity; /* what default_smp_affinity said so far */
	AfCpuSet *what_if_offline; /* af_engine_what_if_offline(), NULL: the machine as it is */
} EnginePrivate;

static EnginePrivate *private_of(AfEngine *engine)
{
	return (EnginePrivate *)engine;
}

/* A sysroot opened for --dry-run promises to write nothing: a write that slips through fails. */
static int refuse_write(const char *path, const char *data, gpointer user_data)
{
	return -EROFS;
}

static int fail(GError **error, int r, const char *format, ...) G_GNUC_PRINTF(3, 4);
static int fail(GError **error, int r, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	if (error)
		*error = g_error_new_valist(AF_ENGINE_ERROR, -r, format, ap);
	va_end(ap);
	return r;
}

static int load_policy(const EngineFiles *files, AfPolicy **ret_policy, GError **error)
{
	g_autoptr(GError) local = NULL;
	int r;

	/* A file named on the command line that is not there is a typo, not the defaults. */
	if (files->config_required && access(files->config, F_OK) < 0 && errno == ENOENT)
		return fail(error, -ENOENT, "%s: No such file or directory (given with --config)",
			    files->config);
	r = af_policy_load(files->config, files->dropins, ret_policy, &local);
	if (r < 0) {
		/* The policy's message already reads "PATH:LINE: reason" or "PATH: reason". */
		if (local) {
			g_propagate_error(error, g_steal_pointer(&local));
			return r;
		}
		return fail(error, r, "Failed to load the configuration %s: %s", files->config,
			    g_strerror(-r));
	}
	return 0;
}

int af_engine_open(const AfEngineSetup *setup, AfEngine **ret_engine, GError **error)
{
	EnginePrivate *priv = g_new0(EnginePrivate, 1);
	g_autoptr(AfEngine) engine = &priv->pub;
	int r;

	priv->files.config = g_strdup(setup->config);
	priv->files.dropins = g_strdup(setup->dropins);
	priv->files.config_required = setup->config_required;
	engine->placement = g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify)af_cpuset_free);
	priv->default_affinity = af_default_affinity_new();
	r = load_policy(&priv->files, &engine->policy, error);
	if (r < 0)
		return r;
	/* A copied tree has no kernel to keep its IRQ files in step: the fake
	 * kernel plays it for the modes that write. */
	r = setup->read_only ? af_sysroot_open(setup->root, &engine->sysroot)
			     : af_fakekernel_open_sysroot(setup->root, &engine->sysroot);
	if (r < 0)
		return fail(error, r, "Failed to open %s: %s", setup->root, g_strerror(-r));
	if (setup->read_only)
		af_sysroot_set_write_filter(engine->sysroot, refuse_write, NULL);
	/* Before any thread exists (engine.h): hwloc's root is set once. */
	af_topology_use_root(engine->sysroot);
	*ret_engine = g_steal_pointer(&engine);
	return 0;
}

void af_engine_free(AfEngine *engine)
{
	EnginePrivate *priv;

	if (!engine)
		return;
	priv = private_of(engine);
	af_plan_free(engine->plan);
	af_housekeeping_free(engine->hk);
	af_snapshot_free(engine->snapshot);
	af_topology_free(engine->topology);
	if (engine->placement)
		g_hash_table_unref(engine->placement);
	af_policy_free(engine->policy);
	af_sysroot_free(engine->sysroot);
	af_default_affinity_free(priv->default_affinity);
	g_free(priv->files.config);
	g_free(priv->files.dropins);
	af_cpuset_free(priv->what_if_offline);
	g_free(priv);
}

int af_engine_reload(AfEngine *engine, GError **error)
{
	AfPolicy *policy = NULL;
	int r;

	r = load_policy(&private_of(engine)->files, &policy, error);
	if (r < 0)
		return r;
	af_policy_free(engine->policy);
	engine->policy = policy;
	return 0;
}

void af_engine_set_owner_bans(AfEngine *engine, const AfOwnerBans *bans)
{
	engine->owner_bans = bans;
}

void af_engine_resume(AfEngine *engine, const AfState *state)
{
	GHashTableIter iter;
	gpointer key, value;

	af_engine_set_owner_bans(engine, state->bans);
	g_hash_table_iter_init(&iter, state->placed);
	while (g_hash_table_iter_next(&iter, &key, &value)) {
		const AfPlaced *placed = value;
		AfCpuSet *cpu;

		if (g_hash_table_contains(engine->placement, key))
			continue;
		cpu = af_cpuset_new();
		af_cpuset_add(cpu, placed->cpu);
		g_hash_table_insert(engine->placement, key, cpu);
	}
}

void af_engine_what_if_offline(AfEngine *engine, const AfCpuSet *cpus)
{
	EnginePrivate *priv = private_of(engine);

	af_cpuset_free(priv->what_if_offline);
	priv->what_if_offline = af_cpuset_copy(cpus);
}

/* The machine as the kernel would leave it with the what-if CPUs offline. */
static int take_offline(AfEngine *engine, AfSnapshot *snapshot, GError **error)
{
	const AfCpuSet *cpus = private_of(engine)->what_if_offline;
	g_autofree char *message = NULL;
	g_autofree char *list = NULL;
	int r;

	if (!cpus)
		return 0;
	r = af_whatif_take_offline(snapshot, cpus, &message);
	if (r < 0) {
		list = af_cpuset_format_list(cpus);
		return fail(error, r, "Failed to plan as if CPU%s %s %s offline: %s",
			    af_cpuset_count(cpus) > 1 ? "s" : "", list,
			    af_cpuset_count(cpus) > 1 ? "were" : "was", message);
	}
	return 0;
}

int af_engine_read(AfEngine *engine, AfLearned *learned, gboolean refresh, GError **error)
{
	g_autoptr(AfSnapshot) snapshot = NULL;
	g_autoptr(AfHousekeeping) hk = NULL;
	AfHkRuntime runtime = {
		.bans = engine->owner_bans,
		.default_affinity = private_of(engine)->default_affinity,
	};
	g_autoptr(GError) why = NULL;
	int r = -ESTALE;

	if (refresh && engine->snapshot)
		r = af_snapshot_refresh(engine->sysroot, engine->snapshot, learned,
					&engine->topology, &snapshot, &why);
	if (r == -ESTALE) {
		g_clear_error(&why);
		r = af_snapshot_read_cached(engine->sysroot, learned, &engine->topology, &snapshot,
					    &why);
	}
	if (r < 0)
		return fail(error, r, "Failed to read the machine under %s: %s",
			    af_sysroot_path(engine->sysroot), why ? why->message : g_strerror(-r));
	r = take_offline(engine, snapshot, error);
	if (r < 0)
		return r;
	r = af_housekeeping_read(engine->sysroot, snapshot->cmdline, snapshot->online,
				 snapshot->possible, engine->policy, &runtime, &hk);
	if (r < 0)
		return fail(error, r, "Failed to work out the housekeeping CPUs: %s",
			    g_strerror(-r));
	/* The plan borrows the IRQs of the look it was made from. */
	g_clear_pointer(&engine->plan, af_plan_free);
	af_housekeeping_free(engine->hk);
	engine->hk = g_steal_pointer(&hk);
	af_snapshot_free(engine->snapshot);
	engine->snapshot = g_steal_pointer(&snapshot);
	return 0;
}

void af_engine_note_default_affinity(AfEngine *engine, const AfCpuSet *written)
{
	af_default_affinity_note_written(private_of(engine)->default_affinity, written);
}

static void remember_placement(AfEngine *engine, const AfPlan *plan)
{
	g_hash_table_remove_all(engine->placement);
	for (guint i = 0; i < plan->entries->len; i++) {
		const AfPlanEntry *entry = plan->entries->pdata[i];

		if (entry->planned)
			g_hash_table_insert(engine->placement, GUINT_TO_POINTER(entry->irq->irq),
					    af_cpuset_copy(entry->planned));
	}
}

int af_engine_plan(AfEngine *engine, AfLoad *load, const AfLimits *limits, GError **error)
{
	g_autoptr(AfPlan) plan = NULL;
	g_autofree char *broken = NULL;
	int r;

	if (!engine->snapshot || !engine->hk)
		return fail(error, -ENODATA, "Failed to plan: the machine was not read");
	r = af_plan_compute(engine->snapshot, engine->hk, engine->policy, engine->placement, load,
			    limits, &plan);
	if (r < 0)
		return fail(error, r, "Failed to plan: %s", g_strerror(-r));
	r = af_plan_check(plan, engine->snapshot, engine->hk, engine->policy, limits, &broken);
	if (r < 0)
		return fail(error, r, "Failed to plan: the plan breaks an invariant (%s)", broken);
	/* Steering follows the IRQs where this plan puts them. */
	r = af_steering_compute(engine->snapshot, engine->hk, engine->policy, plan,
				&plan->steering);
	plan->free_steering = (GDestroyNotify)af_steering_free;
	if (r < 0)
		return fail(error, r, "Failed to plan network steering: %s", g_strerror(-r));
	r = af_steering_check(plan->steering, engine->snapshot, engine->hk, plan, &broken);
	if (r < 0)
		return fail(error, r, "Failed to plan: the steering breaks a rule (%s)", broken);
	remember_placement(engine, plan);
	af_plan_free(engine->plan);
	engine->plan = g_steal_pointer(&plan);
	return 0;
}
