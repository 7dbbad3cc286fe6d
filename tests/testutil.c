/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/wait.h>

#include "testutil.h"

void af_test_fail(const char *format, ...)
{
	g_autofree char *text = NULL;
	va_list ap;

	va_start(ap, format);
	text = g_strdup_vprintf(format, ap);
	va_end(ap);
	g_test_message("%s", text);
	g_test_fail_printf("%s", text);
}

char *af_test_fixture(const char *relative)
{
	return g_test_build_filename(G_TEST_DIST, "fixtures", relative, NULL);
}

/*
 * Runs argv and aborts unless it exits 0: it unpacks, copies or removes
 * test data, and no case can go on without its tree.
 */
static void run_command(const char *const *argv)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *err = NULL;
	int status = 0;

	if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, &err,
			  &status, &error))
		g_error("cannot run %s: %s", argv[0], error->message);
	if (!g_spawn_check_wait_status(status, NULL))
		g_error("%s failed: %s", argv[0], err ? err : "");
}

void af_test_extract(const char *tarball, char **ret_dir)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *dir = g_dir_make_tmp("af-test-XXXXXX", &error);

	if (!dir)
		g_error("no temporary directory: %s", error->message);
	/* No --same-owner games: unpack as plain files owned by us. */
	const char *argv[] = {"tar", "-x", "--no-same-owner", "-f", tarball, "-C", dir, NULL};
	run_command(argv);
	*ret_dir = g_steal_pointer(&dir);
}

void af_test_extract_root(const char *tarball, char **ret_dir, char **ret_root)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GDir) listing = NULL;
	g_autofree char *dir = NULL;
	const char *name;

	af_test_extract(tarball, &dir);
	listing = g_dir_open(dir, 0, &error);
	if (!listing)
		g_error("cannot list %s: %s", dir, error->message);
	name = g_dir_read_name(listing);
	if (!name || g_dir_read_name(listing))
		g_error("%s does not hold one directory", tarball);
	*ret_root = g_build_filename(dir, name, NULL);
	*ret_dir = g_steal_pointer(&dir);
}

void af_test_rm_rf(const char *dir)
{
	if (!dir)
		return;
	/* Fixture files may be stored read-only; make them removable. */
	const char *chmod_argv[] = {"chmod", "-R", "u+rwX", dir, NULL};
	const char *rm_argv[] = {"rm", "-rf", "--one-file-system", dir, NULL};
	run_command(chmod_argv);
	run_command(rm_argv);
}

void af_test_copy_tree(const char *src, const char *dst)
{
	g_autofree char *from = g_build_filename(src, ".", NULL);

	if (g_mkdir_with_parents(dst, 0755) < 0)
		g_error("cannot make %s: %s", dst, g_strerror(errno));
	const char *argv[] = {"cp", "-a", from, dst, NULL};
	run_command(argv);
}

void af_test_write_file(const char *root, const char *relative, const char *contents)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *path = g_build_filename(root, relative, NULL);
	g_autofree char *parent = g_path_get_dirname(path);

	if (g_mkdir_with_parents(parent, 0755) < 0 ||
	    !g_file_set_contents(path, contents, -1, &error))
		g_error("cannot write %s: %s", path, error ? error->message : g_strerror(errno));
}

AfPlacement *af_test_apply_plan(AfSnapshot *s, const AfPlan *plan)
{
	for (guint i = 0; i < plan->entries->len; i++) {
		const AfPlanEntry *entry = plan->entries->pdata[i];
		AfIrq *irq = af_snapshot_lookup(s, entry->irq->irq);

		g_autoptr(AfCpuSet) mask = af_plan_entry_mask(entry);

		if (!entry->planned || !irq)
			continue;
		/* The mask holds the fallback CPUs too; the planned CPU serves it. */
		af_cpuset_assign(irq->affinity, mask);
		if (!irq->effective)
			irq->effective = af_cpuset_new();
		af_cpuset_assign(irq->effective, entry->planned);
	}
	return af_plan_placement(plan);
}

void af_test_assert_plans_equal(const AfPlan *a, const AfPlan *b)
{
	g_assert_cmpuint(a->entries->len, ==, b->entries->len);
	for (guint i = 0; i < MIN(a->entries->len, b->entries->len); i++) {
		const AfPlanEntry *x = a->entries->pdata[i], *y = b->entries->pdata[i];

		g_assert_cmpuint(x->irq->irq, ==, y->irq->irq);
		g_assert_cmpint(x->action, ==, y->action);
		g_assert_true(af_cpuset_equal(x->planned, y->planned));
		g_assert_true(af_cpuset_equal(x->fallback, y->fallback));
		g_assert_cmpstr(x->reason, ==, y->reason);
		g_assert_cmpuint(x->warnings->len, ==, y->warnings->len);
	}
	g_assert_cmpuint(a->warnings->len, ==, b->warnings->len);
	for (guint i = 0; i < MIN(a->warnings->len, b->warnings->len); i++)
		g_assert_cmpstr(a->warnings->pdata[i], ==, b->warnings->pdata[i]);
}

void af_test_dump_plan(const AfPlan *plan)
{
	const char *dir = g_getenv("AF_TEST_DUMP_PLANS");
	const char *test = g_test_get_path();
	g_autofree char *name = NULL, *path = NULL;
	g_autoptr(GString) text = NULL;
	FILE *f;

	if (!dir || !*dir)
		return;
	name = g_strdelimit(g_strconcat(test && *test ? test : "main", ".txt", NULL), "/", '_');
	path = g_build_filename(dir, name, NULL);
	text = g_string_new("plan\n");
	for (guint i = 0; i < plan->entries->len; i++) {
		const AfPlanEntry *e = plan->entries->pdata[i];
		g_autofree char *planned = e->planned ? af_cpuset_format_list(e->planned)
						      : g_strdup("-");

		g_autofree char *fallback = e->fallback ? af_cpuset_format_list(e->fallback) : NULL;

		/* Plans without fallback CPUs dump as they did before there were any. */
		g_string_append_printf(text, "%u %s %s%s%s %s\n", e->irq->irq,
				       af_plan_action_to_string(e->action), planned,
				       fallback ? "+" : "", fallback ? fallback : "", e->reason);
		for (guint j = 0; j < e->warnings->len; j++)
			g_string_append_printf(text, "  warning %s\n",
					       (const char *)e->warnings->pdata[j]);
	}
	for (guint i = 0; i < plan->warnings->len; i++)
		g_string_append_printf(text, "warning %s\n", (const char *)plan->warnings->pdata[i]);
	g_string_append_printf(text, "move %u keep %u skip %u\n", plan->n_move, plan->n_keep,
			       plan->n_skip);
	/* A dump that cannot be written would make the comparison meaningless. */
	if (g_mkdir_with_parents(dir, 0755) < 0 || !(f = fopen(path, "a")))
		g_error("cannot write %s: %s", path, g_strerror(errno));
	fputs(text->str, f);
	fclose(f);
}
