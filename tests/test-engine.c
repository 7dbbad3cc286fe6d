/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "engine.h"
#include "testutil.h"

/*
 * The engine on a real-kernel capture (Debian 6.1 under QEMU, the kernel
 * doc's managed-IRQ example): open, read, plan, reload, and what stays
 * when a step fails.
 */

typedef struct {
	char *tree;   /* the unpacked capture */
	char *config; /* a config file beside it (not created) */
	char *dropins;
} Fixture;

static void fixture_set_up(Fixture *f, gconstpointer data)
{
	g_autofree char *tarball = af_test_fixture("sysroots/qemu-managed-doc-example.tar.gz");

	af_test_extract(tarball, &f->tree);
	f->config = g_build_filename(f->tree, "affinityd.conf", NULL);
	f->dropins = g_build_filename(f->tree, "affinityd.conf.d", NULL);
}

static void fixture_tear_down(Fixture *f, gconstpointer data)
{
	af_test_rm_rf(f->tree);
	g_free(f->tree);
	g_free(f->config);
	g_free(f->dropins);
}

static AfEngine *open_engine(Fixture *f, gboolean read_only)
{
	const AfEngineSetup setup = {
		.root = f->tree,
		.config = f->config,
		.dropins = f->dropins,
		.read_only = read_only,
	};
	g_autoptr(GError) error = NULL;
	AfEngine *engine = NULL;

	g_assert_cmpint(af_engine_open(&setup, &engine, &error), ==, 0);
	g_assert_no_error(error);
	return engine;
}

static void write_config(Fixture *f, const char *text)
{
	g_assert_true(g_file_set_contents(f->config, text, -1, NULL));
}

/* Read and plan: the plan covers every IRQ and its masks are the next previous. */
static void test_read_plan(Fixture *f, gconstpointer data)
{
	g_autoptr(AfEngine) engine = open_engine(f, TRUE);
	g_autoptr(GError) error = NULL;
	guint planned = 0;

	g_assert_null(engine->snapshot);
	g_assert_cmpint(af_engine_plan(engine, NULL, NULL, &error), ==, -ENODATA);
	g_assert_error(error, AF_ENGINE_ERROR, ENODATA);
	g_clear_error(&error);

	g_assert_cmpint(af_engine_read(engine, NULL, FALSE, &error), ==, 0);
	g_assert_nonnull(engine->snapshot);
	g_assert_nonnull(engine->hk);
	g_assert_null(engine->plan);
	g_assert_cmpint(af_engine_plan(engine, NULL, NULL, &error), ==, 0);
	g_assert_no_error(error);
	g_assert_cmpuint(engine->plan->entries->len, ==, engine->snapshot->irqs->len);
	for (guint i = 0; i < engine->plan->entries->len; i++) {
		const AfPlanEntry *entry = engine->plan->entries->pdata[i];

		if (!entry->planned)
			continue;
		planned++;
		g_assert_true(af_cpuset_equal(
			g_hash_table_lookup(engine->placement, GUINT_TO_POINTER(entry->irq->irq)),
			entry->planned));
	}
	g_assert_cmpuint(planned, >, 0);
	g_assert_cmpuint(g_hash_table_size(engine->placement), ==, planned);

	/* A refresh reads the same IRQs; the plan of the last look is dropped. */
	g_assert_cmpint(af_engine_read(engine, NULL, TRUE, &error), ==, 0);
	g_assert_null(engine->plan);
	g_assert_cmpuint(g_hash_table_size(engine->placement), ==, planned);
	g_assert_cmpint(af_engine_plan(engine, NULL, NULL, &error), ==, 0);
	g_assert_cmpuint(engine->plan->entries->len, ==, engine->snapshot->irqs->len);
}

/* Limits reach the planner, and the checker judges the plan by them. */
static void test_plan_limits(Fixture *f, gconstpointer data)
{
	g_autoptr(AfEngine) engine = open_engine(f, TRUE);
	g_autoptr(AfLimits) limits = af_limits_new();
	g_autoptr(GError) error = NULL;
	const AfPlanEntry *entry = NULL;
	guint irq;

	g_assert_cmpint(af_engine_read(engine, NULL, FALSE, &error), ==, 0);
	g_assert_cmpint(af_engine_plan(engine, NULL, NULL, &error), ==, 0);
	/* The first IRQ the free plan moves. */
	for (guint i = 0; i < engine->plan->entries->len && !entry; i++)
		if (((AfPlanEntry *)engine->plan->entries->pdata[i])->action == AF_ACTION_MOVE)
			entry = engine->plan->entries->pdata[i];
	g_assert_nonnull(entry);
	irq = entry->irq->irq;
	af_limits_hold(limits, irq, AF_HOLD_FIGHT);
	/* The next plan replaces (and frees) the last one. */
	g_assert_cmpint(af_engine_plan(engine, NULL, limits, &error), ==, 0);
	entry = af_plan_lookup(engine->plan, irq);
	g_assert_cmpint(entry->action, !=, AF_ACTION_MOVE);
	g_assert_cmpstr(entry->reason, ==, "held: another writer keeps changing it");
}

/*
 * Run-time bans: each owner a source "owner:OWNER" of every later read, the
 * plan off their union; a changed table counts at the next read.
 */
static void test_owner_bans(Fixture *f, gconstpointer data)
{
	g_autoptr(AfEngine) engine = open_engine(f, TRUE);
	g_autoptr(AfOwnerBans) bans = af_owner_bans_new();
	g_autoptr(AfCpuSet) tuned = af_cpuset_new_range(2, 5);
	g_autoptr(AfCpuSet) crio = af_cpuset_new_range(5, 7);
	g_autoptr(GError) error = NULL;
	g_autofree char *housekeeping = NULL;
	guint placed = 0;

	/* No isolation on the command line: every CPU is housekeeping to begin with. */
	af_test_write_file(f->tree, "proc/cmdline", "console=ttyS0\n");
	af_test_write_file(f->tree, "sys/devices/system/cpu/isolated", "\n");
	af_test_write_file(f->tree, "proc/irq/default_smp_affinity", "ff\n");
	af_owner_bans_set(bans, "tuned", tuned, FALSE);
	af_owner_bans_set(bans, "crio", crio, TRUE);
	af_engine_set_owner_bans(engine, bans);
	g_assert_cmpint(af_engine_read(engine, NULL, FALSE, &error), ==, 0);
	g_assert_true(af_cpuset_equal(af_housekeeping_source(engine->hk, "owner:tuned"), tuned));
	g_assert_true(af_cpuset_equal(af_housekeeping_source(engine->hk, "owner:crio"), crio));
	housekeeping = af_cpuset_format_list(engine->hk->housekeeping);
	g_assert_cmpstr(housekeeping, ==, "0-1");
	g_assert_cmpint(af_engine_plan(engine, NULL, NULL, &error), ==, 0);
	for (guint i = 0; i < engine->plan->entries->len; i++) {
		const AfPlanEntry *entry = engine->plan->entries->pdata[i];

		if (!entry->planned)
			continue;
		g_assert_true(af_cpuset_is_subset(entry->planned, engine->hk->housekeeping));
		placed++;
	}
	g_assert_cmpuint(placed, >, 0);

	/* An unban counts at the next read, a refresh too; the look before keeps its sources. */
	af_owner_bans_remove(bans, "tuned");
	g_assert_nonnull(af_housekeeping_source(engine->hk, "owner:tuned"));
	g_assert_cmpint(af_engine_read(engine, NULL, TRUE, &error), ==, 0);
	g_assert_null(af_housekeeping_source(engine->hk, "owner:tuned"));
	g_clear_pointer(&housekeeping, g_free);
	housekeeping = af_cpuset_format_list(engine->hk->housekeeping);
	g_assert_cmpstr(housekeeping, ==, "0-4");

	af_engine_set_owner_bans(engine, NULL);
	g_assert_cmpint(af_engine_read(engine, NULL, TRUE, &error), ==, 0);
	g_assert_null(af_housekeeping_source(engine->hk, "owner:crio"));
}

/* Writes an IRQ's mask and effective CPU into the tree, as the kernel shows them. */
static void kernel_shows(Fixture *f, guint irq, const AfCpuSet *mask, guint effective)
{
	g_autofree char *list = af_cpuset_format_list(mask);
	g_autofree char *hex = af_cpuset_format_mask(mask, 8);
	g_autofree char *dir = g_strdup_printf("proc/irq/%u/", irq);
	g_autofree char *path = NULL, *text = NULL;

	path = g_strconcat(dir, "smp_affinity_list", NULL);
	text = g_strconcat(list, "\n", NULL);
	af_test_write_file(f->tree, path, text);
	g_free(path), g_free(text);
	path = g_strconcat(dir, "smp_affinity", NULL);
	text = g_strconcat(hex, "\n", NULL);
	af_test_write_file(f->tree, path, text);
	g_free(path), g_free(text);
	path = g_strconcat(dir, "effective_affinity_list", NULL);
	text = g_strdup_printf("%u\n", effective);
	af_test_write_file(f->tree, path, text);
	g_free(path), g_free(text);
	path = g_strconcat(dir, "effective_affinity", NULL);
	text = g_strdup_printf("%02x\n", 1u << effective);
	af_test_write_file(f->tree, path, text);
}

/*
 * A restart while a move waits for its interrupt (x86 without interrupt
 * remapping): the kernel shows the whole mask written, a CPU outside it
 * still serves the IRQ. Resumed from the state the last process left,
 * the first plan keeps the IRQ on the CPU it was placed on; without it,
 * the planner takes the stale serving CPU for the IRQ's place and moves it.
 */
static void test_resume(Fixture *f, gconstpointer data)
{
	g_autoptr(AfEngine) first = open_engine(f, TRUE);
	g_autoptr(AfEngine) resumed = NULL, fresh = NULL;
	g_autoptr(AfState) state = af_state_new();
	g_autoptr(AfCpuSet) mask = NULL, others = NULL;
	g_autoptr(GError) error = NULL;
	const AfPlanEntry *entry = NULL;
	guint irq, cpu;

	/* No isolation: housekeeping CPUs enough for fallback CPUs. */
	af_test_write_file(f->tree, "proc/cmdline", "console=ttyS0\n");
	af_test_write_file(f->tree, "sys/devices/system/cpu/isolated", "\n");
	af_test_write_file(f->tree, "proc/irq/default_smp_affinity", "ff\n");
	g_assert_cmpint(af_engine_read(first, NULL, FALSE, &error), ==, 0);
	g_assert_cmpint(af_engine_plan(first, NULL, NULL, &error), ==, 0);
	for (guint i = 0; i < first->plan->entries->len && !entry; i++) {
		const AfPlanEntry *e = first->plan->entries->pdata[i];

		if (e->action == AF_ACTION_MOVE && e->fallback && !e->irq->managed)
			entry = e;
	}
	g_assert_nonnull(entry);
	irq = entry->irq->irq;
	cpu = af_cpuset_first(entry->planned);
	mask = af_plan_entry_mask(entry);
	others = af_cpuset_copy(first->hk->housekeeping);
	af_cpuset_andnot(others, mask);
	g_assert_false(af_cpuset_is_empty(others));
	kernel_shows(f, irq, mask, af_cpuset_first(others));
	af_state_set_placed(state, irq, entry->irq->name, cpu, mask, NULL, TRUE);

	resumed = open_engine(f, TRUE);
	af_engine_resume(resumed, state);
	g_assert_cmpint(af_engine_read(resumed, NULL, FALSE, &error), ==, 0);
	g_assert_cmpint(af_engine_plan(resumed, NULL, NULL, &error), ==, 0);
	entry = af_plan_lookup(resumed->plan, irq);
	g_assert_cmpint(entry->action, ==, AF_ACTION_KEEP);
	g_assert_cmpuint(af_cpuset_first(entry->planned), ==, cpu);

	fresh = open_engine(f, TRUE);
	g_assert_cmpint(af_engine_read(fresh, NULL, FALSE, &error), ==, 0);
	g_assert_cmpint(af_engine_plan(fresh, NULL, NULL, &error), ==, 0);
	entry = af_plan_lookup(fresh->plan, irq);
	g_assert_cmpint(entry->action, ==, AF_ACTION_MOVE);
}

/* A failed read leaves the last look and its plan as they were. */
static void test_read_fails(Fixture *f, gconstpointer data)
{
	g_autoptr(AfEngine) engine = open_engine(f, TRUE);
	g_autoptr(GError) error = NULL;
	g_autofree char *interrupts = g_build_filename(f->tree, "proc", "interrupts", NULL);
	const AfSnapshot *before;
	const AfPlan *plan;

	g_assert_cmpint(af_engine_read(engine, NULL, FALSE, &error), ==, 0);
	g_assert_cmpint(af_engine_plan(engine, NULL, NULL, &error), ==, 0);
	before = engine->snapshot;
	plan = engine->plan;
	g_assert_cmpint(g_unlink(interrupts), ==, 0);
	g_assert_cmpint(af_engine_read(engine, NULL, FALSE, &error), ==, -ENOENT);
	g_assert_nonnull(strstr(error->message, "Failed to read the machine under"));
	/* The file at fault is named. */
	g_assert_true(g_str_has_suffix(error->message, ": /proc/interrupts: No such file or directory"));
	g_assert_true(engine->snapshot == before);
	g_assert_true(engine->plan == plan);
}

/* A bad config at open fails with its file and line; at reload the running one stays. */
static void test_config(Fixture *f, gconstpointer data)
{
	const AfEngineSetup setup = {.root = f->tree, .config = f->config, .dropins = f->dropins};
	g_autoptr(AfEngine) engine = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *prefix = g_strdup_printf("%s:2: ", f->config);

	write_config(f, "[cpus]\nisolated=nonsense\n");
	g_assert_cmpint(af_engine_open(&setup, &engine, &error), ==, -EINVAL);
	g_assert_null(engine);
	g_assert_true(g_str_has_prefix(error->message, prefix));
	g_clear_error(&error);

	write_config(f, "[cpus]\nisolated=3\n");
	engine = open_engine(f, FALSE);
	g_assert_true(af_cpuset_contains(engine->policy->isolated, 3));
	write_config(f, "[cpus]\nisolated=nonsense\n");
	g_assert_cmpint(af_engine_reload(engine, &error), ==, -EINVAL);
	g_assert_true(g_str_has_prefix(error->message, prefix));
	g_assert_true(af_cpuset_contains(engine->policy->isolated, 3));
	g_clear_error(&error);
	write_config(f, "[cpus]\nisolated=2\n");
	g_assert_cmpint(af_engine_reload(engine, &error), ==, 0);
	g_assert_true(af_cpuset_contains(engine->policy->isolated, 2));
	g_assert_false(af_cpuset_contains(engine->policy->isolated, 3));
}

/* A config named on purpose must be there; otherwise a missing file is the defaults. */
static void test_config_required(Fixture *f, gconstpointer data)
{
	AfEngineSetup setup = {.root = f->tree, .config = f->config, .config_required = TRUE};
	g_autoptr(AfEngine) engine = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *expected =
		g_strdup_printf("%s: No such file or directory (given with --config)", f->config);

	g_assert_cmpint(af_engine_open(&setup, &engine, &error), ==, -ENOENT);
	g_assert_null(engine);
	g_assert_cmpstr(error->message, ==, expected);
	g_clear_error(&error);
	setup.config_required = FALSE;
	g_assert_cmpint(af_engine_open(&setup, &engine, &error), ==, 0);
	g_clear_pointer(&engine, af_engine_free);
	/* Once there, taken; gone at a reload, the running one stays. */
	write_config(f, "[cpus]\nisolated=3\n");
	setup.config_required = TRUE;
	g_assert_cmpint(af_engine_open(&setup, &engine, &error), ==, 0);
	g_assert_cmpint(g_unlink(f->config), ==, 0);
	g_assert_cmpint(af_engine_reload(engine, &error), ==, -ENOENT);
	g_assert_true(af_cpuset_contains(engine->policy->isolated, 3));
}

static void test_open_missing_root(Fixture *f, gconstpointer data)
{
	g_autofree char *missing = g_build_filename(f->tree, "missing", NULL);
	const AfEngineSetup setup = {.root = missing, .config = f->config};
	g_autoptr(AfEngine) engine = NULL;
	g_autoptr(GError) error = NULL;

	g_assert_cmpint(af_engine_open(&setup, &engine, &error), ==, -ENOENT);
	g_assert_error(error, AF_ENGINE_ERROR, ENOENT);
	g_assert_true(g_str_has_prefix(error->message, "Failed to open "));
}

/* Read-only (dry-run): a write through the engine's sysroot fails before reaching the file. */
static void test_read_only(Fixture *f, gconstpointer data)
{
	g_autoptr(AfEngine) engine = open_engine(f, TRUE);
	g_autoptr(AfEngine) writable = open_engine(f, FALSE);
	g_autofree char *text = NULL, *path = g_build_filename(f->tree, "proc", "irq", "24",
							       "smp_affinity_list", NULL);

	g_assert_cmpint(af_sysroot_write(engine->sysroot, "/proc/irq/24/smp_affinity_list", "1\n"),
			==, -EROFS);
	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	g_assert_cmpstr(text, !=, "1\n");
	g_assert_cmpint(
		af_sysroot_write(writable->sysroot, "/proc/irq/24/smp_affinity_list", "1\n"), ==,
		0);
}

/* "name=cpulist ..." of the last read's sources. */
static char *format_sources(const AfEngine *engine)
{
	GString *out = g_string_new(NULL);

	for (guint i = 0; i < engine->hk->sources->len; i++) {
		const AfHkSource *source = engine->hk->sources->pdata[i];
		g_autofree char *cpus = af_cpuset_format_list(source->cpus);

		g_string_append_printf(out, "%s%s=%s", i ? " " : "", source->name, cpus);
	}
	return g_string_free(out, FALSE);
}

static void read_and_check_sources(AfEngine *engine, const char *expected)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *sources = NULL;

	g_assert_cmpint(af_engine_read(engine, NULL, TRUE, &error), ==, 0);
	g_assert_no_error(error);
	sources = format_sources(engine);
	g_assert_cmpstr(sources, ==, expected);
}

#define KERNEL_SOURCES                                                                             \
	"sysfs_isolated=2-7 isolcpus_domain=2-7 isolcpus_managed_irq=1-3,5-7 irqaffinity=2-7"

/* An owner's ban counts from the next read, after the kernel's sources, until lifted. */
static void test_ban_sources(Fixture *f, gconstpointer data)
{
	g_autoptr(AfEngine) engine = open_engine(f, TRUE);
	g_autoptr(AfOwnerBans) bans = af_owner_bans_new();
	g_autoptr(AfCpuSet) cpus = af_cpuset_new_range(0, 1);

	af_engine_set_owner_bans(engine, bans);
	read_and_check_sources(engine, KERNEL_SOURCES);
	g_assert_true(af_owner_bans_set(bans, "test", cpus, FALSE));
	g_assert_false(af_owner_bans_set(bans, "test", cpus, FALSE));
	read_and_check_sources(engine, KERNEL_SOURCES " owner:test=0-1");
	g_assert_true(af_cpuset_is_empty(engine->hk->housekeeping));
	g_assert_true(af_owner_bans_remove(bans, "test"));
	read_and_check_sources(engine, KERNEL_SOURCES);
	af_engine_set_owner_bans(engine, NULL);
}

/*
 * The capture's default_smp_affinity is 03 (irqaffinity=0,1). Narrowed to
 * 01 by someone else, CPU 1 is banned for it; narrowed by affinityd itself,
 * it is not.
 */
static void test_default_affinity(Fixture *f, gconstpointer data)
{
	g_autoptr(AfEngine) engine = open_engine(f, TRUE);
	g_autoptr(AfEngine) ours = open_engine(f, TRUE);
	g_autoptr(AfCpuSet) written = af_cpuset_new_range(0, 0);

	read_and_check_sources(engine, KERNEL_SOURCES);
	read_and_check_sources(ours, KERNEL_SOURCES);
	af_test_write_file(f->tree, "proc/irq/default_smp_affinity", "01\n");
	af_engine_note_default_affinity(ours, written);
	read_and_check_sources(engine, KERNEL_SOURCES " default_smp_affinity=1");
	read_and_check_sources(ours, KERNEL_SOURCES);
}

/*
 * What-if: reads take the CPUs offline until it is cleared; a CPU that is not
 * online fails the read and leaves the last look.
 */
static void test_what_if_offline(Fixture *f, gconstpointer data)
{
	g_autoptr(AfEngine) engine = open_engine(f, TRUE);
	g_autoptr(AfCpuSet) cpu0 = af_cpuset_new_range(0, 0), cpu9 = af_cpuset_new_range(9, 9);
	g_autoptr(GError) error = NULL;
	g_autofree char *online = NULL, *effective = NULL;

	af_engine_what_if_offline(engine, cpu0);
	g_assert_cmpint(af_engine_read(engine, NULL, FALSE, &error), ==, 0);
	online = af_cpuset_format_list(engine->snapshot->online);
	g_assert_cmpstr(online, ==, "1-7");
	g_assert_true(af_cpuset_equal(engine->hk->online, engine->snapshot->online));
	/* The managed queue served by CPU 0 (mask 0-3) moves within its mask. */
	effective = af_cpuset_format_list(af_snapshot_lookup(engine->snapshot, 27)->effective);
	g_assert_cmpstr(effective, ==, "1-3");
	g_assert_cmpint(af_engine_plan(engine, NULL, NULL, &error), ==, 0);

	af_engine_what_if_offline(engine, cpu9);
	g_assert_cmpint(af_engine_read(engine, NULL, FALSE, &error), ==, -EINVAL);
	g_assert_error(error, AF_ENGINE_ERROR, EINVAL);
	g_assert_cmpstr(error->message, ==,
			"Failed to plan as if CPU 9 was offline: CPU 9 is not online");
	g_clear_error(&error);
	g_assert_nonnull(engine->plan);

	af_engine_what_if_offline(engine, NULL);
	g_assert_cmpint(af_engine_read(engine, NULL, FALSE, &error), ==, 0);
	g_assert_cmpuint(af_cpuset_count(engine->snapshot->online), ==, 8);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
#define ADD(path, func) g_test_add(path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
	ADD("/engine/plan/read-plan", test_read_plan);
	ADD("/engine/plan/limits", test_plan_limits);
	ADD("/engine/read/owner_bans", test_owner_bans);
	ADD("/engine/read/fails", test_read_fails);
	ADD("/engine/resume/placed", test_resume);
	ADD("/engine/open/config", test_config);
	ADD("/engine/open/missing-root", test_open_missing_root);
	ADD("/engine/open/config-required", test_config_required);
	ADD("/engine/open/read-only", test_read_only);
	ADD("/engine/owner_bans/sources", test_ban_sources);
	ADD("/engine/note_default_affinity/no-news", test_default_affinity);
	ADD("/engine/read/what-if-offline", test_what_if_offline);
#undef ADD
	return g_test_run();
}
