/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#include "filewatch.h"

/* Real files in a temporary directory, changed the ways CRI-O, tuned and editors do. */

typedef struct Fixture {
	char *dir;
	char *near;  /* DIR/irqbalance: its directory exists */
	char *far;   /* DIR/sysconfig/x/irqbalance: two directories to come */
	GPtrArray *seen; /* paths, as reported */
	AfFileWatch *watch;
} Fixture;

static void on_changed(const char *path, gpointer user_data)
{
	Fixture *f = user_data;

	g_ptr_array_add(f->seen, g_strdup(path));
}

static void setup(Fixture *f, gconstpointer data)
{
	g_autoptr(GError) error = NULL;

	f->dir = g_dir_make_tmp("af-filewatch-XXXXXX", &error);
	g_assert_no_error(error);
	f->near = g_build_filename(f->dir, "irqbalance", NULL);
	f->far = g_build_filename(f->dir, "sysconfig", "x", "irqbalance", NULL);
	f->seen = g_ptr_array_new_with_free_func(g_free);
	g_assert_cmpint(af_file_watch_new((const char *const[]){ f->near, f->far, NULL },
					  on_changed, f, &f->watch),
			==, 0);
}

static void teardown(Fixture *f, gconstpointer data)
{
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", f->dir);

	af_file_watch_free(f->watch);
	g_assert_cmpint(system(cmd), ==, 0);
	g_ptr_array_unref(f->seen);
	g_free(f->near);
	g_free(f->far);
	g_free(f->dir);
}

/* Runs the main context until nothing is pending (inotify events are queued at once). */
static void drain(void)
{
	while (g_main_context_iteration(NULL, FALSE))
		;
}

static guint count(const Fixture *f, const char *path)
{
	guint n = 0;

	for (guint i = 0; i < f->seen->len; i++)
		n += g_str_equal(f->seen->pdata[i], path);
	return n;
}

/* As Go's os.WriteFile (CRI-O) does: truncate and write the file itself. */
static void write_in_place(const char *path, const char *text)
{
	FILE *file = fopen(path, "w");

	g_assert_nonnull(file);
	fputs(text, file);
	g_assert_cmpint(fclose(file), ==, 0);
}

static void test_write_in_place(Fixture *f, gconstpointer data)
{
	write_in_place(f->near, "IRQBALANCE_BANNED_CPUS=\"0f\"\n");
	drain();
	g_assert_cmpuint(count(f, f->near), >=, 1);
	g_assert_cmpuint(count(f, f->far), ==, 0);
}

/* sed -i, editors, g_file_set_contents: a temporary renamed over the file. */
static void test_rename_over(Fixture *f, gconstpointer data)
{
	g_autofree char *other = g_build_filename(f->dir, "other", NULL);

	write_in_place(other, "x");
	drain();
	g_assert_cmpuint(f->seen->len, ==, 0); /* another file of the directory */
	g_assert_true(g_file_set_contents(f->near, "IRQBALANCE_BANNED_CPULIST=1\n", -1, NULL));
	drain();
	g_assert_cmpuint(count(f, f->near), >=, 1);
	g_ptr_array_set_size(f->seen, 0);
	g_assert_cmpint(g_unlink(f->near), ==, 0);
	drain();
	g_assert_cmpuint(count(f, f->near), ==, 1);
}

/* The file's directories come later, one by one; then the file; then they go again. */
static void test_missing_directories(Fixture *f, gconstpointer data)
{
	g_autofree char *sysconfig = g_build_filename(f->dir, "sysconfig", NULL);
	g_autofree char *x = g_build_filename(sysconfig, "x", NULL);
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", sysconfig);

	g_assert_cmpint(g_mkdir(sysconfig, 0755), ==, 0);
	drain();
	g_assert_cmpuint(count(f, f->far), ==, 1);
	g_assert_cmpint(g_mkdir(x, 0755), ==, 0);
	drain();
	g_assert_cmpuint(count(f, f->far), ==, 2);
	write_in_place(f->far, "IRQBALANCE_BANNED_CPULIST=2\n");
	drain();
	g_assert_cmpuint(count(f, f->far), >=, 3);
	g_ptr_array_set_size(f->seen, 0);
	g_assert_cmpint(system(cmd), ==, 0);
	drain();
	g_assert_cmpuint(count(f, f->far), >=, 1);
	/* Made again, in one go: followed again. */
	g_ptr_array_set_size(f->seen, 0);
	g_assert_cmpint(g_mkdir_with_parents(x, 0755), ==, 0);
	drain();
	write_in_place(f->far, "IRQBALANCE_BANNED_CPULIST=3\n");
	drain();
	g_assert_cmpuint(count(f, f->far), >=, 2);
	g_assert_cmpuint(count(f, f->near), ==, 0);
}

static void test_new_arguments(void)
{
	g_autoptr(AfFileWatch) watch = NULL;

	g_assert_cmpint(af_file_watch_new((const char *const[]){ NULL }, NULL, NULL, &watch), ==,
			0);
	g_clear_pointer(&watch, af_file_watch_free);
	g_assert_cmpint(af_file_watch_new(NULL, NULL, NULL, &watch), ==, 0);
	g_clear_pointer(&watch, af_file_watch_free);
	g_assert_cmpint(af_file_watch_new((const char *const[]){ "etc/x", NULL }, NULL, NULL,
					  &watch),
			==, -EINVAL);
	g_assert_null(watch);
	af_file_watch_free(NULL);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
#define ADD(path, func) g_test_add(path, Fixture, NULL, setup, func, teardown)
	ADD("/filewatch/events/write-in-place", test_write_in_place);
	ADD("/filewatch/events/rename-over", test_rename_over);
	ADD("/filewatch/events/missing-directories", test_missing_directories);
#undef ADD
	g_test_add_func("/filewatch/new/arguments", test_new_arguments);
	return g_test_run();
}
