/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "apply.h"
#include "fakekernel.h"
#include "log.h"
#include "policy.h"

/*
 * Apply against a copy of a QEMU guest's tree (8 CPUs; IRQs 24-32 are
 * virtio MSI vectors, all at 0-1 but 27 (0-3) and 28 (4-7)). Writes land
 * in the copy; what a real kernel would refuse is played by a write filter.
 */

#define FIXTURE "qemu-managed-doc-example"
#define NR_CPU_IDS 8

typedef struct {
	char *tmp;	/* the g_dir_make_tmp directory */
	char *root;	/* the copied tree */
	char *statedir; /* a state directory beside it */
	AfSysroot *sysroot;
	GHashTable *refuse; /* IRQ -> negative errno the "kernel" answers, as pointer */
	guint n_writes;	    /* write attempts that reached the filter */
	GHashTable *writes; /* IRQ -> number of attempts */
	GArray *order;	    /* guint IRQ of each attempt, in order */
	GPtrArray *texts;   /* char*: the text of each attempt, in order */
	gboolean first_serves; /* the mask's first CPU serves (arm64's GICv3), not x86's choice */
	gboolean lag;	       /* effective stays as it was (a move waiting for an interrupt) */
} Fixture;

static guint irq_of_path(const char *path)
{
	const char *p = strstr(path, "/irq/");

	return p ? (guint)strtoul(p + 5, NULL, 10) : G_MAXUINT;
}

/* The fake kernel's write, then effective_affinity_list as first_serves or lag want it. */
static int play_effective(Fixture *f, const char *path, const char *data)
{
	g_autofree char *dir = g_path_get_dirname(path);
	g_autofree char *effective = g_build_filename(dir, "effective_affinity_list", NULL);
	g_autoptr(AfCpuSet) before = NULL, mask = NULL;
	g_autofree char *text = NULL;
	int r;

	g_assert_cmpint(af_sysroot_read_cpulist(f->sysroot, effective, &before), ==, 0);
	r = af_fakekernel_filter(path, data, f->sysroot);
	if (r < 0)
		return r;
	g_assert_cmpint(af_cpuset_parse_list(data, &mask), ==, 0);
	text = f->lag ? af_cpuset_format_list(before)
		      : g_strdup_printf("%d\n", af_cpuset_first(mask));
	g_assert_cmpint(af_sysroot_write_raw(f->sysroot, effective, text), ==, 0);
	return r;
}

/*
 * Counts every attempt and answers as the kernel of this test would: its
 * refusals first, then the fake kernel of copied trees for the rest.
 */
static int filter_write(const char *path, const char *data, gpointer user_data)
{
	Fixture *f = user_data;
	guint irq = irq_of_path(path);
	gpointer key = GUINT_TO_POINTER(irq);
	int refused;

	f->n_writes++;
	g_array_append_val(f->order, irq);
	g_hash_table_insert(
		f->writes, key,
		GUINT_TO_POINTER(GPOINTER_TO_UINT(g_hash_table_lookup(f->writes, key)) + 1));
	g_ptr_array_add(f->texts, g_strchomp(g_strdup(data)));
	refused = GPOINTER_TO_INT(g_hash_table_lookup(f->refuse, key));
	if (refused < 0)
		return refused;
	return f->first_serves || f->lag ? play_effective(f, path, data)
					 : af_fakekernel_filter(path, data, f->sysroot);
}

static guint writes_of(Fixture *f, guint irq)
{
	return GPOINTER_TO_UINT(g_hash_table_lookup(f->writes, GUINT_TO_POINTER(irq)));
}

static void fixture_set_up(Fixture *f, gconstpointer data)
{
	g_autofree char *tarball =
		g_test_build_filename(G_TEST_DIST, "fixtures", "sysroots", FIXTURE ".tar.gz", NULL);
	g_autoptr(GError) error = NULL;
	int status;

	f->tmp = g_dir_make_tmp("test-apply-XXXXXX", &error);
	g_assert_no_error(error);
	f->root = g_build_filename(f->tmp, "root", NULL);
	f->statedir = g_build_filename(f->tmp, "state", NULL);
	g_assert_cmpint(g_mkdir(f->root, 0755), ==, 0);
	{
		const char *argv[] = {"tar", "-xzf", tarball, "-C", f->root, NULL};

		g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
			     &status, &error);
		g_assert_no_error(error);
		g_assert_true(g_spawn_check_wait_status(status, NULL));
	}
	g_assert_cmpint(af_sysroot_open(f->root, &f->sysroot), ==, 0);
	f->refuse = g_hash_table_new(g_direct_hash, g_direct_equal);
	f->writes = g_hash_table_new(g_direct_hash, g_direct_equal);
	f->order = g_array_new(FALSE, FALSE, sizeof(guint));
	f->texts = g_ptr_array_new_with_free_func(g_free);
	af_sysroot_set_write_filter(f->sysroot, filter_write, f);
}

static void fixture_tear_down(Fixture *f, gconstpointer data)
{
	const char *argv[] = {"rm", "-rf", f->tmp, NULL};

	g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
		     NULL);
	af_sysroot_free(f->sysroot);
	g_hash_table_unref(f->refuse);
	g_hash_table_unref(f->writes);
	g_array_unref(f->order);
	g_ptr_array_unref(f->texts);
	g_free(f->tmp);
	g_free(f->root);
	g_free(f->statedir);
}

/* The copy's smp_affinity_list of an IRQ, as the host file holds it. */
static char *read_list(Fixture *f, guint irq)
{
	g_autofree char *path = g_strdup_printf("%s/proc/irq/%u/smp_affinity_list", f->root, irq);
	char *text = NULL;

	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	return g_strchomp(text);
}

/* The fixture's list of IRQs whose writes the kernel refused with EIO. */
static void refuse_fixture_irqs(Fixture *f)
{
	g_autofree char *path = g_test_build_filename(G_TEST_DIST, "fixtures", "sysroots",
						      FIXTURE ".refused-writes", NULL);
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;

	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i]; i++)
		if (*lines[i])
			g_hash_table_insert(f->refuse, GUINT_TO_POINTER(atoi(lines[i])),
					    GINT_TO_POINTER(-EIO));
	g_assert_cmpuint(g_hash_table_size(f->refuse), ==, 4);
}

/*
 * A plan built by hand: IRQs and entries owned here (the test needs no
 * inventory or planner). Each step is "IRQ NAME ACTION CPULIST".
 */
typedef struct {
	guint irq;
	const char *name;
	AfAction action;
	const char *planned;
} Step;

typedef struct {
	GPtrArray *irqs; /* AfIrq*, freed here */
	AfPlan plan;
	AfSnapshot snapshot; /* only by_irq, for restore */
} HandPlan;

static void hand_plan_init(HandPlan *h, const Step *steps, guint n_steps)
{
	h->irqs = g_ptr_array_new();
	h->plan.entries = g_ptr_array_new();
	h->snapshot.by_irq = g_hash_table_new(g_direct_hash, g_direct_equal);
	for (guint i = 0; i < n_steps; i++) {
		AfIrq *irq = g_new0(AfIrq, 1);
		AfPlanEntry *entry = g_new0(AfPlanEntry, 1);

		irq->irq = steps[i].irq;
		irq->name = (char *)steps[i].name;
		irq->device = (char *)"0000:00:04.0";
		entry->irq = irq;
		entry->action = steps[i].action;
		entry->reason = (char *)"test";
		if (steps[i].planned)
			g_assert_cmpint(af_cpuset_parse_list(steps[i].planned, &entry->planned), ==,
					0);
		g_ptr_array_add(h->irqs, irq);
		g_ptr_array_add(h->plan.entries, entry);
		g_hash_table_insert(h->snapshot.by_irq, GUINT_TO_POINTER(irq->irq), irq);
	}
}

static void hand_plan_clear(HandPlan *h)
{
	for (guint i = 0; i < h->plan.entries->len; i++) {
		AfPlanEntry *entry = h->plan.entries->pdata[i];

		af_cpuset_free(entry->planned);
		af_cpuset_free(entry->fallback);
		g_free(entry);
	}
	for (guint i = 0; i < h->irqs->len; i++)
		g_free(h->irqs->pdata[i]); /* plain blocks; their strings are borrowed */
	g_ptr_array_unref(h->irqs);
	g_ptr_array_unref(h->plan.entries);
	g_hash_table_unref(h->snapshot.by_irq);
}

/* Declares HandPlan h from the steps given; hand_plan_clear(&h) frees it. */
#define HAND_PLAN(h, ...)                                                                          \
	static const Step h##_steps[] = {__VA_ARGS__};                                             \
	HandPlan h;                                                                                \
	hand_plan_init(&h, h##_steps, G_N_ELEMENTS(h##_steps))

static AfApplyResult *apply_plan(AfApply *apply, HandPlan *h, gint64 now_ms)
{
	AfApplyResult *result = NULL;

	g_assert_cmpint(af_apply_plan(apply, &h->plan, NR_CPU_IDS, now_ms, &result), ==, 0);
	return result;
}

static void test_writes_moves(Fixture *f, gconstpointer data)
{
	g_autoptr(AfStateDir) statedir = af_statedir_open(f->statedir);
	g_autoptr(AfApply) apply = af_apply_new(f->sysroot, statedir);
	g_autoptr(AfApplyResult) result = NULL;
	g_autofree char *l24 = NULL, *l25 = NULL, *l30 = NULL, *l32 = NULL;
	HAND_PLAN(h, {24, "virtio2-config", AF_ACTION_MOVE, "0"},
		  {25, "virtio2-control", AF_ACTION_MOVE, "1"},
		  {30, "virtio0-requests", AF_ACTION_KEEP, "1"}, /* keep: never written */
		  {32, "virtio1-requests", AF_ACTION_SKIP, NULL});

	result = apply_plan(apply, &h, 0);
	g_assert_cmpuint(result->n_written, ==, 2);
	g_assert_cmpuint(result->items->len, ==, 2);
	g_assert_false(result->replan);
	g_assert_cmpuint(f->n_writes, ==, 2);
	l24 = read_list(f, 24);
	l25 = read_list(f, 25);
	l30 = read_list(f, 30);
	l32 = read_list(f, 32);
	g_assert_cmpstr(l24, ==, "0");
	g_assert_cmpstr(l25, ==, "1");
	g_assert_cmpstr(l30, ==, "0-1");
	g_assert_cmpstr(l32, ==, "0-1");
	/* The originals are what the fixture had: 0-1 for both. */
	{
		g_autoptr(AfCpuSet) pair = af_cpuset_new_range(0, 1);
		const AfApplyItem *item = result->items->pdata[0];

		g_assert_true(af_cpuset_equal(item->from, pair));
		g_assert_true(af_cpuset_equal(
			af_state_lookup_original(statedir->state, 24, "virtio2-config"), pair));
		g_assert_true(af_cpuset_equal(
			af_state_lookup_original(statedir->state, 25, "virtio2-control"), pair));
		g_assert_null(af_state_lookup_original(statedir->state, 30, "virtio0-requests"));
	}
	hand_plan_clear(&h);
}

/*
 * After a hotplug, the IRQs on CPUs the plan uses for none (the CPU went
 * offline or was isolated) are written before the plan's other moves,
 * whatever their numbers: the hotplug's repair is timed by the last of them.
 */
static void test_repairs_first(Fixture *f, gconstpointer data)
{
	g_autoptr(AfStateDir) statedir = af_statedir_open(f->statedir);
	g_autoptr(AfApply) apply = af_apply_new(f->sysroot, statedir);
	g_autoptr(AfApplyResult) first = NULL, second = NULL;
	HAND_PLAN(before, {24, "virtio2-config", AF_ACTION_MOVE, "0"},
		  {25, "virtio2-control", AF_ACTION_MOVE, "1"},
		  {26, "virtio2-event", AF_ACTION_MOVE, "5"});
	/* CPU 5 is no longer used: 26 is the repair, 24 and 25 only swap. */
	HAND_PLAN(after, {24, "virtio2-config", AF_ACTION_MOVE, "1"},
		  {25, "virtio2-control", AF_ACTION_MOVE, "0"},
		  {26, "virtio2-event", AF_ACTION_MOVE, "2"},
		  {30, "virtio0-requests", AF_ACTION_KEEP, "3"});

	first = apply_plan(apply, &before, 0);
	g_assert_cmpuint(first->n_written, ==, 3);
	g_array_set_size(f->order, 0);
	second = apply_plan(apply, &after, 0);
	g_assert_cmpuint(second->n_written, ==, 3);
	g_assert_cmpuint(f->order->len, ==, 3);
	g_assert_cmpuint(g_array_index(f->order, guint, 0), ==, 26);
	g_assert_cmpuint(g_array_index(f->order, guint, 1), ==, 24);
	g_assert_cmpuint(g_array_index(f->order, guint, 2), ==, 25);
	/* The result still lists its items by IRQ. */
	g_assert_cmpuint(((AfApplyItem *)second->items->pdata[0])->irq, ==, 24);
	hand_plan_clear(&before);
	hand_plan_clear(&after);
}

/* The writes of the test so far, "IRQ:TEXT" joined by spaces. */
static char *written(Fixture *f)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < f->texts->len; i++)
		g_string_append_printf(s, "%s%u:%s", i ? " " : "",
				       g_array_index(f->order, guint, i),
				       (const char *)f->texts->pdata[i]);
	return g_string_free(s, FALSE);
}

static char *read_effective(Fixture *f, guint irq)
{
	g_autofree char *path =
		g_strdup_printf("%s/proc/irq/%u/effective_affinity_list", f->root, irq);
	char *text = NULL;

	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	return g_strchomp(text);
}

/*
 * A mask with fallback CPUs over an affinity not known to be ours: the
 * whole mask first, which here (moves carried out at once) lands on the
 * planned CPU; an IRQ already served by its CPU gets the widening alone,
 * never a mask that holds its old CPU beside the new.
 */
static void test_widens(Fixture *f, gconstpointer data)
{
	g_autoptr(AfStateDir) statedir = af_statedir_open(f->statedir);
	g_autoptr(AfApply) apply = af_apply_new(f->sysroot, statedir);
	g_autoptr(AfApplyResult) result = NULL;
	g_autofree char *writes = NULL, *e24 = NULL, *e25 = NULL, *l25 = NULL;
	/* 24 is at 0-1 served by 0, 25 at 0-1 served by 1. */
	HAND_PLAN(h, {24, "virtio2-config", AF_ACTION_MOVE, "0"},
		  {25, "virtio2-control", AF_ACTION_MOVE, "0"});

	((AfPlanEntry *)h.plan.entries->pdata[0])->fallback = af_cpuset_new_range(2, 2);
	((AfPlanEntry *)h.plan.entries->pdata[1])->fallback = af_cpuset_new_range(2, 3);
	result = apply_plan(apply, &h, 0);
	writes = written(f);
	g_assert_cmpstr(writes, ==, "24:0,2 25:0,2-3");
	g_assert_cmpuint(result->n_written, ==, 2);
	g_assert_cmpint(((AfApplyItem *)result->items->pdata[0])->widen, ==, AF_WIDEN_DONE);
	g_assert_cmpint(((AfApplyItem *)result->items->pdata[1])->widen, ==, AF_WIDEN_DONE);
	l25 = read_list(f, 25);
	e24 = read_effective(f, 24);
	e25 = read_effective(f, 25);
	g_assert_cmpstr(l25, ==, "0,2-3");
	g_assert_cmpstr(e24, ==, "0");
	g_assert_cmpstr(e25, ==, "0");
	g_assert_cmpuint(g_hash_table_size(af_apply_narrow_irqs(apply)), ==, 0);
	hand_plan_clear(&h);
}

/*
 * Where the wide mask moves the IRQ (not x86): the whole mask first lands
 * on its first CPU, then the planned CPU alone, the whole mask again, which
 * moves it: its CPU alone again, and narrow from now on.
 */
static void test_widening_moved(Fixture *f, gconstpointer data)
{
	g_autoptr(AfStateDir) statedir = af_statedir_open(f->statedir);
	g_autoptr(AfApply) apply = af_apply_new(f->sysroot, statedir);
	g_autoptr(AfApplyResult) result = NULL;
	g_autoptr(AfLimits) limits = af_limits_new();
	g_autofree char *writes = NULL, *l25 = NULL, *e25 = NULL;
	HAND_PLAN(h, {25, "virtio2-control", AF_ACTION_MOVE, "2"});

	f->first_serves = TRUE;
	((AfPlanEntry *)h.plan.entries->pdata[0])->fallback = af_cpuset_new_range(0, 0);
	result = apply_plan(apply, &h, 0);
	writes = written(f);
	g_assert_cmpstr(writes, ==, "25:0,2 25:2 25:0,2 25:2");
	g_assert_cmpint(((AfApplyItem *)result->items->pdata[0])->widen, ==, AF_WIDEN_MOVED);
	g_assert_cmpuint(result->n_moved_by_widening, ==, 1);
	l25 = read_list(f, 25);
	e25 = read_effective(f, 25);
	g_assert_cmpstr(l25, ==, "2");
	g_assert_cmpstr(e25, ==, "2");
	af_apply_narrow_limits(apply, limits);
	g_assert_true(af_limits_is_narrow(limits, 25, NULL));
	hand_plan_clear(&h);
}

/* Gives entry i of h the fallback CPUs first-last. */
static void set_fallback(HandPlan *h, guint i, guint first, guint last)
{
	AfPlanEntry *entry = h->plan.entries->pdata[i];

	af_cpuset_free(entry->fallback);
	entry->fallback = af_cpuset_new_range(first, last);
}

/* Sets what the kernel shows of IRQ irq: its mask (NULL: as it is) and its serving CPU. */
static void kernel_shows(Fixture *f, guint irq, const char *mask, const char *serving)
{
	g_autofree char *list = g_strdup_printf("/proc/irq/%u/smp_affinity_list", irq);
	g_autofree char *effective = g_strdup_printf("/proc/irq/%u/effective_affinity_list", irq);

	if (mask)
		g_assert_cmpint(af_sysroot_write_raw(f->sysroot, list, mask), ==, 0);
	g_assert_cmpint(af_sysroot_write_raw(f->sysroot, effective, serving), ==, 0);
}

/*
 * Moves the kernel carries out at the IRQ's next interrupt (x86 without
 * interrupt remapping): over its boot affinity (not ours) the whole mask
 * goes first, never its CPU alone, which an offline of that CPU would drop
 * back to the boot mask; once served inside it (carried out), its CPU
 * alone may wait; served there, the widening, as soon as it is seen
 * (af_apply_widen_landed), not at the next replan.
 */
static void test_widening_deferred(Fixture *f, gconstpointer data)
{
	g_autoptr(AfStateDir) statedir = af_statedir_open(f->statedir);
	g_autoptr(AfApply) apply = af_apply_new(f->sysroot, statedir);
	g_autoptr(AfApplyResult) first = NULL, second = NULL, third = NULL;
	g_autofree char *writes = NULL, *l25 = NULL;
	guint widened;
	HAND_PLAN(h, {25, "virtio2-control", AF_ACTION_MOVE, "0"});

	f->lag = TRUE;
	((AfPlanEntry *)h.plan.entries->pdata[0])->fallback = af_cpuset_new_range(2, 2);
	first = apply_plan(apply, &h, 0);
	g_assert_cmpint(((AfApplyItem *)first->items->pdata[0])->widen, ==, AF_WIDEN_WHOLE);
	l25 = read_list(f, 25);
	g_assert_cmpstr(l25, ==, "0,2");
	/* Its next interrupt: the kernel took CPU 2 of the mask; the plan, CPU 0 still. */
	kernel_shows(f, 25, NULL, "2\n");
	second = apply_plan(apply, &h, 0);
	g_assert_cmpint(((AfApplyItem *)second->items->pdata[0])->widen, ==, AF_WIDEN_DEFERRED);
	g_assert_cmpuint(af_apply_widen_landed(apply, NR_CPU_IDS, &widened), ==, 1);
	g_assert_cmpuint(widened, ==, 0);
	/* And the next: on CPU 0, widened at once, before any replan. */
	kernel_shows(f, 25, NULL, "0\n");
	g_assert_cmpuint(af_apply_widen_landed(apply, NR_CPU_IDS, &widened), ==, 0);
	g_assert_cmpuint(widened, ==, 1);
	third = apply_plan(apply, &h, 0);
	g_assert_cmpint(((AfApplyItem *)third->items->pdata[0])->outcome, ==, AF_OUTCOME_UNCHANGED);
	writes = written(f);
	g_assert_cmpstr(writes, ==, "25:0,2 25:0 25:0,2");
	g_assert_cmpuint(g_hash_table_size(af_apply_narrow_irqs(apply)), ==, 0);

	hand_plan_clear(&h);
}

/*
 * Replans while a one-CPU move still waits write nothing (the same CPU
 * again would change nothing). A restart with the state directory takes
 * up what the last process knew (its placed file) and writes nothing
 * either; without that file nothing says the affinity the kernel holds is
 * ours: the whole mask, never the CPU alone again.
 */
static void test_widening_waits(Fixture *f, gconstpointer data)
{
	g_autoptr(AfStateDir) statedir = af_statedir_open(f->statedir);
	g_autoptr(AfApply) apply = af_apply_new(f->sysroot, statedir);
	g_autoptr(AfStateDir) reopened = NULL, lost = NULL;
	g_autoptr(AfApply) restarted = NULL, forgetful = NULL;
	g_autoptr(AfApplyResult) first = NULL, second = NULL, third = NULL, fourth = NULL;
	g_autoptr(AfApplyResult) fifth = NULL;
	g_autofree char *writes = NULL, *placed = NULL;
	HAND_PLAN(h, {25, "virtio2-control", AF_ACTION_MOVE, "0"});

	f->lag = TRUE;
	((AfPlanEntry *)h.plan.entries->pdata[0])->fallback = af_cpuset_new_range(2, 2);
	first = apply_plan(apply, &h, 0);
	kernel_shows(f, 25, NULL, "2\n");
	second = apply_plan(apply, &h, 0);
	third = apply_plan(apply, &h, 0);
	g_assert_cmpuint(third->n_written, ==, 0);
	g_assert_cmpuint(third->n_unchanged, ==, 1);
	g_assert_cmpint(((AfApplyItem *)third->items->pdata[0])->widen, ==, AF_WIDEN_DEFERRED);

	reopened = af_statedir_open(f->statedir);
	restarted = af_apply_new(f->sysroot, reopened);
	fourth = apply_plan(restarted, &h, 0);
	g_assert_cmpuint(fourth->n_written, ==, 0);
	g_assert_cmpint(((AfApplyItem *)fourth->items->pdata[0])->widen, ==, AF_WIDEN_DEFERRED);

	placed = g_build_filename(f->statedir, AF_STATE_PLACED_FILE, NULL);
	g_assert_cmpint(g_unlink(placed), ==, 0);
	lost = af_statedir_open(f->statedir);
	forgetful = af_apply_new(f->sysroot, lost);
	fifth = apply_plan(forgetful, &h, 0);
	g_assert_cmpint(((AfApplyItem *)fifth->items->pdata[0])->widen, ==, AF_WIDEN_WHOLE);
	writes = written(f);
	g_assert_cmpstr(writes, ==, "25:0,2 25:0 25:0,2");
	hand_plan_clear(&h);
}

/*
 * A whole mask carried out onto a fallback CPU is followed through without
 * a replan (af_apply_widen_landed): the planned CPU alone, then the
 * widening. A whole mask written while a fallback CPU serves the IRQ
 * leaves that CPU out, so that its carrying out shows.
 */
static void test_widening_follows(Fixture *f, gconstpointer data)
{
	g_autoptr(AfStateDir) statedir = af_statedir_open(f->statedir);
	g_autoptr(AfApply) apply = af_apply_new(f->sysroot, statedir);
	g_autoptr(AfApplyResult) result = NULL;
	g_autofree char *writes = NULL;
	guint widened;
	/* 24 is at 0-1 served by 0, 25 at 0-1 served by 1. */
	HAND_PLAN(h, {24, "virtio2-config", AF_ACTION_MOVE, "2"},
		  {25, "virtio2-control", AF_ACTION_MOVE, "0"});

	f->lag = TRUE;
	set_fallback(&h, 0, 3, 3);
	af_cpuset_add(((AfPlanEntry *)h.plan.entries->pdata[0])->fallback, 0);
	set_fallback(&h, 1, 2, 2);
	result = apply_plan(apply, &h, 0);
	g_assert_cmpint(((AfApplyItem *)result->items->pdata[1])->widen, ==, AF_WIDEN_WHOLE);
	kernel_shows(f, 25, NULL, "2\n");
	g_assert_cmpuint(af_apply_widen_landed(apply, NR_CPU_IDS, &widened), ==, 2);
	g_assert_cmpuint(widened, ==, 0);
	kernel_shows(f, 25, NULL, "0\n");
	g_assert_cmpuint(af_apply_widen_landed(apply, NR_CPU_IDS, &widened), ==, 1);
	g_assert_cmpuint(widened, ==, 1);
	writes = written(f);
	g_assert_cmpstr(writes, ==, "24:2-3 25:0,2 25:0 25:0,2");
	hand_plan_clear(&h);
}

/*
 * A restart while a whole mask waits for its interrupt: the new process
 * plans the IRQ kept (the mask is the plan's) and writes nothing, but takes
 * up the wait from the state directory: the landing on a fallback CPU is
 * followed by the planned CPU alone, then the widening, as without the
 * restart.
 */
static void test_widening_resumes(Fixture *f, gconstpointer data)
{
	g_autoptr(AfStateDir) statedir = af_statedir_open(f->statedir);
	g_autoptr(AfApply) apply = af_apply_new(f->sysroot, statedir);
	g_autoptr(AfStateDir) reopened = NULL;
	g_autoptr(AfApply) restarted = NULL;
	g_autoptr(AfApplyResult) first = NULL, second = NULL;
	g_autofree char *writes = NULL;
	guint widened;
	/* 25 is at 0-1 served by 1. */
	HAND_PLAN(moves, {25, "virtio2-control", AF_ACTION_MOVE, "0"});
	HAND_PLAN(keeps, {25, "virtio2-control", AF_ACTION_KEEP, "0"});

	f->lag = TRUE;
	set_fallback(&moves, 0, 2, 2);
	set_fallback(&keeps, 0, 2, 2);
	first = apply_plan(apply, &moves, 0);
	g_assert_cmpint(((AfApplyItem *)first->items->pdata[0])->widen, ==, AF_WIDEN_WHOLE);

	reopened = af_statedir_open(f->statedir);
	restarted = af_apply_new(f->sysroot, reopened);
	second = apply_plan(restarted, &keeps, 0);
	g_assert_cmpuint(second->n_written, ==, 0);
	g_assert_cmpuint(af_apply_widen_landed(restarted, NR_CPU_IDS, &widened), ==, 1);
	kernel_shows(f, 25, NULL, "2\n");
	g_assert_cmpuint(af_apply_widen_landed(restarted, NR_CPU_IDS, &widened), ==, 1);
	g_assert_cmpuint(widened, ==, 0);
	kernel_shows(f, 25, NULL, "0\n");
	g_assert_cmpuint(af_apply_widen_landed(restarted, NR_CPU_IDS, &widened), ==, 0);
	g_assert_cmpuint(widened, ==, 1);
	writes = written(f);
	g_assert_cmpstr(writes, ==, "25:0,2 25:0 25:0,2");
	hand_plan_clear(&moves);
	hand_plan_clear(&keeps);
}

/*
 * Another writer's move waits (the kernel shows its mask, the planned CPU
 * still serves the IRQ): the whole mask goes first, the serving planned
 * CPU in it, which leaves the IRQ where it is: one write. The CPU left out
 * of a whole mask is only a serving fallback CPU.
 */
static void test_widening_keeps_serving(Fixture *f, gconstpointer data)
{
	g_autoptr(AfStateDir) statedir = af_statedir_open(f->statedir);
	g_autoptr(AfApply) apply = af_apply_new(f->sysroot, statedir);
	g_autoptr(AfApplyResult) result = NULL;
	g_autofree char *writes = NULL;
	HAND_PLAN(h, {25, "virtio2-control", AF_ACTION_MOVE, "1"});

	set_fallback(&h, 0, 2, 3);
	kernel_shows(f, 25, "5-6\n", "1\n");
	result = apply_plan(apply, &h, 0);
	g_assert_cmpint(((AfApplyItem *)result->items->pdata[0])->widen, ==, AF_WIDEN_DONE);
	writes = written(f);
	g_assert_cmpstr(writes, ==, "25:1-3");
	hand_plan_clear(&h);
}

/*
 * A restart while a whole mask written without its serving fallback CPU
 * waits: the same plan writes nothing (it is our write, from the state
 * directory), and the landing is followed as without the restart.
 */
static void test_widening_resumes_part(Fixture *f, gconstpointer data)
{
	g_autoptr(AfStateDir) statedir = af_statedir_open(f->statedir);
	g_autoptr(AfApply) apply = af_apply_new(f->sysroot, statedir);
	g_autoptr(AfStateDir) reopened = NULL;
	g_autoptr(AfApply) restarted = NULL;
	g_autoptr(AfApplyResult) first = NULL, second = NULL;
	g_autofree char *writes = NULL;
	guint widened;
	/* 25 is at 0-1 served by 1. */
	HAND_PLAN(h, {25, "virtio2-control", AF_ACTION_MOVE, "0"});

	f->lag = TRUE;
	set_fallback(&h, 0, 1, 2);
	first = apply_plan(apply, &h, 0);
	g_assert_cmpint(((AfApplyItem *)first->items->pdata[0])->widen, ==, AF_WIDEN_WHOLE);

	reopened = af_statedir_open(f->statedir);
	restarted = af_apply_new(f->sysroot, reopened);
	second = apply_plan(restarted, &h, 0);
	g_assert_cmpuint(second->n_written, ==, 0);
	g_assert_cmpint(((AfApplyItem *)second->items->pdata[0])->widen, ==, AF_WIDEN_WHOLE);
	kernel_shows(f, 25, NULL, "2\n");
	g_assert_cmpuint(af_apply_widen_landed(restarted, NR_CPU_IDS, &widened), ==, 1);
	kernel_shows(f, 25, NULL, "0\n");
	g_assert_cmpuint(af_apply_widen_landed(restarted, NR_CPU_IDS, &widened), ==, 0);
	g_assert_cmpuint(widened, ==, 1);
	writes = written(f);
	g_assert_cmpstr(writes, ==, "25:0,2 25:0 25:0-2");
	hand_plan_clear(&h);
}

/*
 * Once the kernel shows a mask that is not our last write (another writer,
 * a broken affinity, a write an offline dropped), nothing is known of what
 * it holds: the whole mask first again.
 */
static void test_widening_forgets(Fixture *f, gconstpointer data)
{
	g_autoptr(AfStateDir) statedir = af_statedir_open(f->statedir);
	g_autoptr(AfApply) apply = af_apply_new(f->sysroot, statedir);
	g_autoptr(AfApplyResult) first = NULL, second = NULL, third = NULL;
	g_autofree char *writes = NULL;
	HAND_PLAN(h, {25, "virtio2-control", AF_ACTION_MOVE, "0"});

	f->lag = TRUE;
	((AfPlanEntry *)h.plan.entries->pdata[0])->fallback = af_cpuset_new_range(2, 2);
	first = apply_plan(apply, &h, 0);
	kernel_shows(f, 25, NULL, "2\n");
	set_fallback(&h, 0, 2, 3);
	second = apply_plan(apply, &h, 0);
	g_assert_cmpint(((AfApplyItem *)second->items->pdata[0])->widen, ==, AF_WIDEN_DEFERRED);
	kernel_shows(f, 25, "0-7\n", "6\n");
	third = apply_plan(apply, &h, 0);
	g_assert_cmpint(((AfApplyItem *)third->items->pdata[0])->widen, ==, AF_WIDEN_WHOLE);
	writes = written(f);
	g_assert_cmpstr(writes, ==, "25:0,2 25:0 25:0,2-3");
	hand_plan_clear(&h);
}

static void test_unchanged(Fixture *f, gconstpointer data)
{
	g_autoptr(AfStateDir) statedir = af_statedir_open(f->statedir);
	g_autoptr(AfApply) apply = af_apply_new(f->sysroot, statedir);
	g_autoptr(AfApplyResult) first = NULL;
	/* A move whose mask the kernel already shows (a stale plan): no write. */
	HAND_PLAN(h, {24, "virtio2-config", AF_ACTION_MOVE, "0-1"},
		  {27, "virtio2-request", AF_ACTION_MOVE, "1,0,2,3"});

	first = apply_plan(apply, &h, 0);
	g_assert_cmpuint(first->n_unchanged, ==, 2);
	g_assert_cmpuint(first->n_written, ==, 0);
	g_assert_cmpuint(f->n_writes, ==, 0);
	g_assert_cmpuint(g_hash_table_size(statedir->state->originals), ==, 0);
	hand_plan_clear(&h);
}

static void test_refresh_unchanged(Fixture *f, gconstpointer data)
{
	g_autoptr(AfStateDir) statedir = af_statedir_open(f->statedir);
	g_autoptr(AfApply) apply = af_apply_new(f->sysroot, statedir);
	g_autoptr(AfApplyResult) result = NULL;
	/* The same masks the kernel shows; the first asked to refresh the aRFS rmap. */
	HAND_PLAN(h, {24, "virtio2-config", AF_ACTION_MOVE, "0-1"},
		  {27, "virtio2-request", AF_ACTION_MOVE, "1,0,2,3"});

	((AfPlanEntry *)h.plan.entries->pdata[0])->refresh = TRUE;
	result = apply_plan(apply, &h, 0);
	/* Only a write fires the affinity notifier: the refresh is written. */
	g_assert_cmpuint(result->n_written, ==, 1);
	g_assert_cmpuint(result->n_unchanged, ==, 1);
	g_assert_cmpuint(writes_of(f, 24), ==, 1);
	g_assert_cmpuint(writes_of(f, 27), ==, 0);
	g_assert_true(((AfApplyItem *)result->items->pdata[0])->refresh);
	hand_plan_clear(&h);
}

static void test_refused_learned(Fixture *f, gconstpointer data)
{
	g_autoptr(AfApplyResult) result = NULL;
	g_autofree char *learned_file = g_build_filename(f->statedir, "learned", NULL);
	g_autofree char *originals_file = g_build_filename(f->statedir, "originals", NULL);
	g_autofree char *learned = NULL, *originals = NULL, *l27 = NULL;
	HAND_PLAN(h, {24, "virtio2-config", AF_ACTION_MOVE, "0"},
		  {27, "virtio2-request", AF_ACTION_MOVE, "1"});

	refuse_fixture_irqs(f);
	{
		g_autoptr(AfStateDir) statedir = af_statedir_open(f->statedir);
		g_autoptr(AfApply) apply = af_apply_new(f->sysroot, statedir);

		result = apply_plan(apply, &h, 0);
		g_assert_cmpuint(result->n_refused, ==, 1);
		g_assert_cmpuint(result->n_written, ==, 1);
		g_assert_cmpint(((AfApplyItem *)result->items->pdata[1])->error, ==, -EIO);
		g_assert_true(af_state_is_unmovable(statedir->state, 27, "virtio2-request"));
		/* Refused writes leave no original behind: there is nothing to restore. */
		g_assert_null(af_state_lookup_original(statedir->state, 27, "virtio2-request"));
		g_assert_cmpuint(writes_of(f, 27), ==, 1);
	}
	g_assert_true(g_file_get_contents(learned_file, &learned, NULL, NULL));
	g_assert_true(g_file_get_contents(originals_file, &originals, NULL, NULL));
	g_assert_nonnull(strstr(learned, "\n27 virtio2-request\n"));
	g_assert_nonnull(strstr(originals, "\n24 0-1 virtio2-config\n"));

	/* A restart: fresh state directory object, fresh applier, same plan. */
	g_clear_pointer(&result, af_apply_result_free);
	{
		g_autoptr(AfStateDir) statedir = af_statedir_open(f->statedir);
		g_autoptr(AfApply) apply = af_apply_new(f->sysroot, statedir);

		g_assert_true(af_state_is_unmovable(statedir->state, 27, "virtio2-request"));
		result = apply_plan(apply, &h, 0);
		g_assert_cmpuint(writes_of(f, 27), ==, 1); /* no second attempt */
		g_assert_cmpuint(result->n_refused, ==, 0);
		g_assert_cmpuint(result->n_unchanged, ==, 1); /* 24 is already on 0 */
		g_assert_cmpuint(f->n_writes, ==, 2);
	}
	l27 = read_list(f, 27);
	g_assert_cmpstr(l27, ==, "0-3");
	hand_plan_clear(&h);
}

static void test_read_only(Fixture *f, gconstpointer data)
{
	g_autofree char *path = g_strdup_printf("%s/proc/irq/26/smp_affinity_list", f->root);
	g_autoptr(AfStateDir) statedir = af_statedir_open(f->statedir);
	g_autoptr(AfApply) apply = af_apply_new(f->sysroot, statedir);
	g_autoptr(AfApplyResult) result = NULL;
	HAND_PLAN(h, {26, "virtio2-event", AF_ACTION_MOVE, "1"});

	/* Kernels from 6.12 create a refusing IRQ's files 0444. */
	g_assert_cmpint(g_chmod(path, 0444), ==, 0);
	result = apply_plan(apply, &h, 0);
	g_assert_cmpuint(result->n_refused, ==, 1);
	g_assert_cmpuint(f->n_writes, ==, 0);
	g_assert_cmpint(((AfApplyItem *)result->items->pdata[0])->error, ==, 0);
	g_assert_true(af_state_is_unmovable(statedir->state, 26, "virtio2-event"));
	hand_plan_clear(&h);
}

static void test_no_space(Fixture *f, gconstpointer data)
{
	g_autoptr(AfStateDir) statedir = af_statedir_open(f->statedir);
	g_autoptr(AfApply) apply = af_apply_new(f->sysroot, statedir);
	g_autoptr(AfApplyResult) result = NULL, again = NULL;
	g_autoptr(AfCpuSet) all = af_cpuset_new_range(0, 1), housekeeping = NULL;
	g_autoptr(AfLimits) limits = NULL;
	g_autofree char *full = NULL, *l25 = NULL, *hk = NULL;
	HAND_PLAN(h, {25, "virtio2-control", AF_ACTION_MOVE, "1"},
		  {29, "virtio0-config", AF_ACTION_MOVE, "0"});

	/* CPU 1 has no vector left: every write of a mask "1" gets ENOSPC. */
	g_hash_table_insert(f->refuse, GUINT_TO_POINTER(25), GINT_TO_POINTER(-ENOSPC));
	result = apply_plan(apply, &h, 0);
	g_assert_cmpuint(result->n_no_space, ==, 1);
	g_assert_cmpuint(result->n_written, ==, 1);
	g_assert_true(result->replan);
	full = af_cpuset_format_list(af_apply_full_cpus(apply));
	g_assert_cmpstr(full, ==, "1");
	l25 = read_list(f, 25);
	g_assert_cmpstr(l25, ==, "0-1");

	/* The caller plans again without the full CPU: the next best is 0. */
	limits = af_limits_new();
	af_limits_exclude(limits, af_apply_full_cpus(apply));
	g_clear_pointer(&housekeeping, af_cpuset_free);
	housekeeping = af_limits_usable_cpus(limits, all, NULL);
	hk = af_cpuset_format_list(housekeeping);
	g_assert_cmpstr(hk, ==, "0");
	g_hash_table_remove_all(f->refuse);
	af_cpuset_clear(((AfPlanEntry *)h.plan.entries->pdata[0])->planned);
	af_cpuset_add(((AfPlanEntry *)h.plan.entries->pdata[0])->planned, 0);
	again = apply_plan(apply, &h, 0);
	g_assert_cmpuint(again->n_written, ==, 1);
	g_assert_cmpuint(again->n_unchanged, ==, 1);
	g_assert_false(again->replan);
	g_clear_pointer(&l25, g_free);
	l25 = read_list(f, 25);
	g_assert_cmpstr(l25, ==, "0");
	/* The failed write was no write: the original is still the fixture's. */
	g_assert_nonnull(af_state_lookup_original(statedir->state, 25, "virtio2-control"));
	af_apply_reset(apply);
	g_assert_true(af_cpuset_is_empty(af_apply_full_cpus(apply)));
	hand_plan_clear(&h);
}

static void test_invalid_and_gone(Fixture *f, gconstpointer data)
{
	g_autoptr(AfStateDir) statedir = af_statedir_open(f->statedir);
	g_autoptr(AfApply) apply = af_apply_new(f->sysroot, statedir);
	g_autoptr(AfApplyResult) result = NULL;
	HAND_PLAN(h, {24, "virtio2-config", AF_ACTION_MOVE, "1"}, /* EINVAL */
		  {29, "virtio0-config", AF_ACTION_MOVE, "0"},	  /* ENOENT at the write */
		  {99, "vanished", AF_ACTION_MOVE, "0"});	  /* no /proc/irq/99 at all */

	g_hash_table_insert(f->refuse, GUINT_TO_POINTER(24), GINT_TO_POINTER(-EINVAL));
	g_hash_table_insert(f->refuse, GUINT_TO_POINTER(29), GINT_TO_POINTER(-ENOENT));
	result = apply_plan(apply, &h, 0);
	g_assert_cmpuint(result->n_invalid, ==, 1);
	g_assert_cmpuint(result->n_gone, ==, 2);
	g_assert_cmpuint(result->n_written, ==, 0);
	g_assert_true(result->replan);
	g_assert_cmpuint(writes_of(f, 99), ==, 0);
	g_assert_false(af_state_is_unmovable(statedir->state, 24, "virtio2-config"));
	hand_plan_clear(&h);
}

static void test_failed_backoff(Fixture *f, gconstpointer data)
{
	g_autoptr(AfStateDir) statedir = af_statedir_open(f->statedir);
	g_autoptr(AfApply) apply = af_apply_new(f->sysroot, statedir);
	HAND_PLAN(h, {31, "virtio1-config", AF_ACTION_MOVE, "1"});
	/* EBUSY at t=0 and t=1000; retries allowed from 1000, then 3000. */
	static const struct {
		gint64 now_ms;
		int answer;
		AfOutcome outcome;
		guint attempts;
		gint64 next_retry_ms; /* af_apply_next_retry_ms(now_ms) after it */
	} steps[] = {
		{0, -EBUSY, AF_OUTCOME_FAILED, 1, 1000},
		{999, -EBUSY, AF_OUTCOME_DEFERRED, 1, 1000},
		{1000, -EBUSY, AF_OUTCOME_FAILED, 2, 3000},
		{2999, -EBUSY, AF_OUTCOME_DEFERRED, 2, 3000},
		{3000, 0, AF_OUTCOME_WRITTEN, 3, -1},
		{3001, 0, AF_OUTCOME_UNCHANGED, 3, -1},
	};

	g_assert_cmpint(af_apply_next_retry_ms(apply, 0), ==, -1);

	for (guint i = 0; i < G_N_ELEMENTS(steps); i++) {
		g_autoptr(AfApplyResult) result = NULL;

		g_test_message("step at %" G_GINT64_FORMAT " ms", steps[i].now_ms);
		g_hash_table_insert(f->refuse, GUINT_TO_POINTER(31),
				    GINT_TO_POINTER(steps[i].answer));
		result = apply_plan(apply, &h, steps[i].now_ms);
		g_assert_cmpuint(result->items->len, ==, 1);
		g_assert_cmpint(((AfApplyItem *)result->items->pdata[0])->outcome, ==,
				steps[i].outcome);
		g_assert_cmpuint(writes_of(f, 31), ==, steps[i].attempts);
		g_assert_cmpint(af_apply_next_retry_ms(apply, steps[i].now_ms), ==,
				steps[i].next_retry_ms);
		g_assert_false(result->replan);
	}
	/* A backoff that is over (the IRQ was not tried since) asks for no retry. */
	g_hash_table_insert(f->refuse, GUINT_TO_POINTER(31), GINT_TO_POINTER(-EBUSY));
	{
		g_autoptr(AfApplyResult) result = NULL;
		g_autofree char *path =
			g_strdup_printf("%s/proc/irq/31/smp_affinity_list", f->root);

		/* Someone moved it elsewhere: the plan's move is a write again. */
		g_assert_true(g_file_set_contents(path, "0-1\n", -1, NULL));
		result = apply_plan(apply, &h, 4000);
		g_assert_cmpint(((AfApplyItem *)result->items->pdata[0])->outcome, ==,
				AF_OUTCOME_FAILED);
	}
	g_assert_cmpint(af_apply_next_retry_ms(apply, 4000), ==, 5000);
	g_assert_cmpint(af_apply_next_retry_ms(apply, 5000), ==, -1);
	hand_plan_clear(&h);
}

static void test_hex_fallback(Fixture *f, gconstpointer data)
{
	g_autofree char *list = g_strdup_printf("%s/proc/irq/31/smp_affinity_list", f->root);
	g_autofree char *hex = g_strdup_printf("%s/proc/irq/31/smp_affinity", f->root);
	g_autoptr(AfStateDir) statedir = af_statedir_open(f->statedir);
	g_autoptr(AfApply) apply = af_apply_new(f->sysroot, statedir);
	g_autoptr(AfApplyResult) result = NULL;
	g_autofree char *text = NULL;
	HAND_PLAN(h, {31, "virtio1-config", AF_ACTION_MOVE, "1"});

	/* Old kernels have no smp_affinity_list: a hex mask nr_cpu_ids (8) wide. */
	g_assert_cmpint(g_unlink(list), ==, 0);
	result = apply_plan(apply, &h, 0);
	g_assert_cmpuint(result->n_written, ==, 1);
	g_assert_true(g_file_get_contents(hex, &text, NULL, NULL));
	g_assert_cmpstr(text, ==, "02\n");
	hand_plan_clear(&h);
}

static void test_restore(Fixture *f, gconstpointer data)
{
	g_autofree char *l24 = NULL, *l25 = NULL, *l29 = NULL;
	HAND_PLAN(h, {24, "virtio2-config", AF_ACTION_MOVE, "0"},
		  {25, "virtio2-control", AF_ACTION_MOVE, "1"},
		  {29, "virtio0-config", AF_ACTION_MOVE, "1"});

	{
		g_autoptr(AfStateDir) statedir = af_statedir_open(f->statedir);
		g_autoptr(AfApply) apply = af_apply_new(f->sysroot, statedir);
		g_autoptr(AfApplyResult) result = apply_plan(apply, &h, 0);

		g_assert_cmpuint(result->n_written, ==, 3);
	}
	/* A second run after a crash: the kernel shows our masks now, yet the
	 * originals kept on disk are still the fixture's. */
	{
		g_autoptr(AfStateDir) statedir = af_statedir_open(f->statedir);
		g_autoptr(AfApply) apply = af_apply_new(f->sysroot, statedir);
		g_autoptr(AfApplyResult) result = apply_plan(apply, &h, 0);

		g_assert_cmpuint(result->n_unchanged, ==, 3);
	}
	/* IRQ 29 is now another IRQ under the same number: not ours to restore. */
	((AfIrq *)h.irqs->pdata[2])->name = (char *)"eth0-rx-0";
	{
		g_autoptr(AfStateDir) statedir = af_statedir_open(f->statedir);
		g_autoptr(AfApply) apply = af_apply_new(f->sysroot, statedir);
		g_autoptr(AfApplyResult) result = NULL, again = NULL;

		g_assert_cmpint(af_apply_restore(apply, &h.snapshot, NR_CPU_IDS, &result), ==, 0);
		g_assert_true(result->restore);
		g_assert_cmpuint(result->n_written, ==, 2);
		g_assert_cmpuint(g_hash_table_size(statedir->state->originals), ==, 0);
		g_assert_cmpint(af_apply_restore(apply, &h.snapshot, NR_CPU_IDS, &again), ==, 0);
		g_assert_cmpuint(again->items->len, ==, 0);
	}
	l24 = read_list(f, 24);
	l25 = read_list(f, 25);
	l29 = read_list(f, 29);
	g_assert_cmpstr(l24, ==, "0-1");
	g_assert_cmpstr(l25, ==, "0-1");
	g_assert_cmpstr(l29, ==, "1");
	g_assert_cmpuint(f->n_writes, ==, 5);
	hand_plan_clear(&h);
}

static void test_state_in_memory(Fixture *f, gconstpointer data)
{
	g_autofree char *blocker = g_build_filename(f->tmp, "file", NULL);
	g_autofree char *below = g_build_filename(blocker, "state", NULL);

	/* A path under a regular file can never be a directory. */
	g_assert_true(g_file_set_contents(blocker, "", 0, NULL));
	if (g_test_subprocess()) {
		g_autoptr(AfStateDir) statedir = NULL;

		af_log_init(TRUE, FALSE);
		statedir = af_statedir_open(below);
		g_assert_false(af_statedir_is_persistent(statedir));
		g_assert_true(af_state_learn_unmovable(statedir->state, 27, "x"));
		g_assert_cmpint(af_statedir_save(statedir), ==, 0);
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_passed();
	g_test_trap_assert_stderr("affinityd: State directory * is not usable *memory only*");
}

static void test_state_broken(Fixture *f, gconstpointer data)
{
	g_autofree char *file = g_build_filename(f->statedir, "originals", NULL);
	g_autofree char *broken = g_build_filename(f->statedir, "originals.broken", NULL);

	g_assert_cmpint(g_mkdir(f->statedir, 0755), ==, 0);
	g_assert_true(g_file_set_contents(file, "24 0-1 x\n24 zz x\n", -1, NULL));
	if (g_test_subprocess()) {
		g_autoptr(AfStateDir) statedir = NULL;

		af_log_init(TRUE, FALSE);
		statedir = af_statedir_open(f->statedir);
		g_assert_true(af_statedir_is_persistent(statedir));
		g_assert_cmpuint(g_hash_table_size(statedir->state->originals), ==, 0);
		g_assert_true(g_file_test(broken, G_FILE_TEST_EXISTS));
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_passed();
	g_test_trap_assert_stderr("affinityd: */originals:2: not a valid line*");
}

/* A state file cut short after affinityd wrote it: set aside, never trusted. */
static void test_state_torn(Fixture *f, gconstpointer data)
{
	g_autofree char *file = g_build_filename(f->statedir, "learned", NULL);
	g_autofree char *broken = g_build_filename(f->statedir, "learned.broken", NULL);

	if (g_test_subprocess()) {
		g_autoptr(AfStateDir) statedir = NULL, again = NULL;
		g_autofree char *text = NULL;

		af_log_init(TRUE, FALSE);
		statedir = af_statedir_open(f->statedir);
		af_state_learn_unmovable(statedir->state, 27, "virtio2-request");
		af_state_learn_unmovable(statedir->state, 28, "virtio2-request");
		g_assert_cmpint(af_statedir_save(statedir), ==, 0);
		g_assert_true(g_file_get_contents(file, &text, NULL, NULL));
		/* Torn after IRQ 27's line: what is left parses line by line. */
		*strstr(text, "28 ") = '\0';
		g_assert_true(g_file_set_contents(file, text, -1, NULL));
		again = af_statedir_open(f->statedir);
		g_assert_cmpuint(g_hash_table_size(again->state->learned), ==, 0);
		g_assert_true(g_file_test(broken, G_FILE_TEST_EXISTS));
		g_assert_false(g_file_test(file, G_FILE_TEST_EXISTS));
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_passed();
	g_test_trap_assert_stderr("affinityd: */learned:2: torn or changed*moved the file to "
				  "*learned.broken*");
}

/* Which directory each mode keeps its state in (pure: the environment is an argument). */
static void test_state_choose(void)
{
	static const struct {
		const char *option, *configured, *env;
		gboolean live;
		const char *expected; /* NULL: memory only */
	} cases[] = {
		/* Nothing given: the built-in default. */
		{NULL, AF_DEFAULT_STATE_DIR, NULL, TRUE, AF_DEFAULT_STATE_DIR},
		{NULL, NULL, NULL, TRUE, AF_DEFAULT_STATE_DIR},
		/* systemd's StateDirectory= replaces the built-in default ... */
		{NULL, AF_DEFAULT_STATE_DIR, "/var/lib/affinityd", TRUE, "/var/lib/affinityd"},
		{NULL, NULL, "/var/lib/affinityd", TRUE, "/var/lib/affinityd"},
		/* ... the first of several, an empty or relative first one does not count ... */
		{NULL, AF_DEFAULT_STATE_DIR, "/var/lib/a:/var/lib/b", TRUE, "/var/lib/a"},
		{NULL, AF_DEFAULT_STATE_DIR, "", TRUE, AF_DEFAULT_STATE_DIR},
		{NULL, AF_DEFAULT_STATE_DIR, ":/var/lib/b", TRUE, AF_DEFAULT_STATE_DIR},
		{NULL, AF_DEFAULT_STATE_DIR, "var/lib/a", TRUE, AF_DEFAULT_STATE_DIR},
		/* ... but not a state_dir set in the config, nor --state-dir. */
		{NULL, "/srv/af", "/var/lib/affinityd", TRUE, "/srv/af"},
		{"/opt/st", "/srv/af", "/var/lib/affinityd", TRUE, "/opt/st"},
		{"/opt/st", AF_DEFAULT_STATE_DIR, "/var/lib/affinityd", TRUE, "/opt/st"},
		/* A --sysroot tree: --state-dir or memory, never this host's directories. */
		{NULL, AF_DEFAULT_STATE_DIR, "/var/lib/affinityd", FALSE, NULL},
		{NULL, "/srv/af", NULL, FALSE, NULL},
		{"/opt/st", "/srv/af", "/var/lib/affinityd", FALSE, "/opt/st"},
	};

	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *path = af_statedir_choose(cases[i].option, cases[i].configured,
							   cases[i].env, cases[i].live);

		g_test_message("case %zu", i);
		g_assert_cmpstr(path, ==, cases[i].expected);
	}
}

#define ADD(path, func) g_test_add(path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	af_log_init(TRUE, FALSE);
	ADD("/apply/plan/writes_moves", test_writes_moves);
	ADD("/apply/plan/repairs_first", test_repairs_first);
	ADD("/apply/plan/unchanged", test_unchanged);
	ADD("/apply/plan/widens", test_widens);
	ADD("/apply/plan/widening_moved", test_widening_moved);
	ADD("/apply/plan/widening_deferred", test_widening_deferred);
	ADD("/apply/plan/widening_forgets", test_widening_forgets);
	ADD("/apply/plan/widening_waits", test_widening_waits);
	ADD("/apply/plan/widening_resumes", test_widening_resumes);
	ADD("/apply/plan/widening_resumes_part", test_widening_resumes_part);
	ADD("/apply/plan/widening_keeps_serving", test_widening_keeps_serving);
	ADD("/apply/plan/widening_follows", test_widening_follows);
	ADD("/apply/plan/refresh_unchanged", test_refresh_unchanged);
	ADD("/apply/plan/refused_learned", test_refused_learned);
	ADD("/apply/plan/read_only", test_read_only);
	ADD("/apply/plan/no_space", test_no_space);
	ADD("/apply/plan/invalid_and_gone", test_invalid_and_gone);
	ADD("/apply/plan/failed_backoff", test_failed_backoff);
	ADD("/apply/plan/hex_fallback", test_hex_fallback);
	ADD("/apply/restore/originals", test_restore);
	ADD("/apply/statedir/in_memory", test_state_in_memory);
	ADD("/apply/statedir/broken", test_state_broken);
	ADD("/apply/statedir/torn", test_state_torn);
	g_test_add_func("/apply/statedir/choose", test_state_choose);
	return g_test_run();
}
