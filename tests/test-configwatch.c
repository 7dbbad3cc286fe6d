/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>

#include "configwatch.h"

/* Real files in a temporary directory, changed the ways editors and tools do. */

typedef struct Fixture {
	char *dir;
	char *config;
	char *dropins;
	GPtrArray *seen; /* paths, as reported */
	AfConfigWatch *watch;
} Fixture;

static void on_changed(const char *path, gpointer user_data)
{
	Fixture *f = user_data;

	g_ptr_array_add(f->seen, g_strdup(path));
}

static void setup(Fixture *f, gconstpointer data)
{
	g_autoptr(GError) error = NULL;

	f->dir = g_dir_make_tmp("af-inotify-XXXXXX", &error);
	g_assert_no_error(error);
	f->config = g_build_filename(f->dir, "affinityd.conf", NULL);
	f->dropins = g_build_filename(f->dir, "affinityd.conf.d", NULL);
	f->seen = g_ptr_array_new_with_free_func(g_free);
	g_assert_cmpint(af_config_watch_new(f->config, f->dropins, on_changed, f, &f->watch), ==,
			0);
}

static void teardown(Fixture *f, gconstpointer data)
{
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", f->dir);

	af_config_watch_free(f->watch);
	g_assert_cmpint(system(cmd), ==, 0);
	g_ptr_array_unref(f->seen);
	g_free(f->config);
	g_free(f->dropins);
	g_free(f->dir);
}

/* Runs the main context until nothing is pending (inotify events are queued at once). */
static void drain(void)
{
	while (g_main_context_iteration(NULL, FALSE))
		;
}

static gboolean saw(const Fixture *f, const char *path)
{
	return g_ptr_array_find_with_equal_func(f->seen, path, g_str_equal, NULL);
}

static void test_write_in_place(Fixture *f, gconstpointer data)
{
	g_assert_true(g_file_set_contents(f->config, "[daemon]\n", -1, NULL));
	drain();
	g_assert_true(saw(f, f->config));
}

/* An editor's save: write a temporary beside it, rename it over the file. */
static void test_rename_over(Fixture *f, gconstpointer data)
{
	g_autofree char *tmp = g_build_filename(f->dir, ".affinityd.conf.swp", NULL);

	g_assert_true(g_file_set_contents(tmp, "[daemon]\n", -1, NULL));
	drain();
	g_assert_cmpuint(f->seen->len, ==, 0); /* the swap file is not the config */
	g_assert_cmpint(g_rename(tmp, f->config), ==, 0);
	drain();
	g_assert_true(saw(f, f->config));
}

/* The drop-in directory created after start-up is watched from then on. */
static void test_dropin_created_later(Fixture *f, gconstpointer data)
{
	g_autofree char *dropin = g_build_filename(f->dropins, "50-rt.conf", NULL);
	g_autofree char *backup = g_build_filename(f->dropins, "50-rt.conf~", NULL);
	g_autofree char *other = g_build_filename(f->dir, "unrelated.txt", NULL);

	g_assert_cmpint(g_mkdir(f->dropins, 0755), ==, 0);
	drain();
	g_assert_true(saw(f, f->dropins));
	g_ptr_array_set_size(f->seen, 0);
	g_assert_true(g_file_set_contents(backup, "x", -1, NULL));
	g_assert_true(g_file_set_contents(other, "x", -1, NULL));
	drain();
	g_assert_cmpuint(f->seen->len, ==, 0);
	g_assert_true(g_file_set_contents(dropin, "[cpus]\n", -1, NULL));
	drain();
	g_assert_true(saw(f, dropin));
	g_ptr_array_set_size(f->seen, 0);
	g_assert_cmpint(g_unlink(dropin), ==, 0);
	drain();
	g_assert_true(saw(f, dropin));
}

/* The drop-in directory removed: reported, and watched again when it returns. */
static void test_dropin_removed_and_back(Fixture *f, gconstpointer data)
{
	g_autofree char *dropin = g_build_filename(f->dropins, "10-a.conf", NULL);

	g_assert_cmpint(g_mkdir(f->dropins, 0755), ==, 0);
	drain();
	g_assert_cmpint(g_rmdir(f->dropins), ==, 0);
	drain();
	g_ptr_array_set_size(f->seen, 0);
	g_assert_cmpint(g_mkdir(f->dropins, 0755), ==, 0);
	drain();
	g_assert_true(g_file_set_contents(dropin, "[cpus]\n", -1, NULL));
	drain();
	g_assert_true(saw(f, dropin));
}

static void test_missing_dir(void)
{
	AfConfigWatch *watch = NULL;

	g_assert_cmpint(af_config_watch_new("/nonexistent-af/affinityd.conf",
					    "/nonexistent-af/affinityd.conf.d", on_changed, NULL,
					    &watch),
			<, 0);
	g_assert_null(watch);
	af_config_watch_free(NULL);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add("/configwatch/watch/write-in-place", Fixture, NULL, setup, test_write_in_place,
		   teardown);
	g_test_add("/configwatch/watch/rename-over", Fixture, NULL, setup, test_rename_over,
		   teardown);
	g_test_add("/configwatch/watch/dropin-created-later", Fixture, NULL, setup,
		   test_dropin_created_later, teardown);
	g_test_add("/configwatch/watch/dropin-removed-and-back", Fixture, NULL, setup,
		   test_dropin_removed_and_back, teardown);
	g_test_add_func("/configwatch/new/missing-dir", test_missing_dir);
	return g_test_run();
}
