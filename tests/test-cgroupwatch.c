/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#include "cgroupwatch.h"

/*
 * A directory tree shaped as cgroupfs (directories holding interface
 * files), changed as a partition is made: the watch hears the partition
 * files in every directory, new ones too, and nothing else.
 */

typedef struct Fixture {
	char *root;
	GPtrArray *seen; /* paths, as reported */
	AfCgroupWatch *watch;
} Fixture;

static void on_modified(const char *path, gpointer user_data)
{
	Fixture *f = user_data;

	g_ptr_array_add(f->seen, g_strdup(path ? path : "(lost)"));
}

static char *make_cgroup(const char *parent, const char *name)
{
	char *dir = g_build_filename(parent, name, NULL);
	static const char *const files[] = { "cgroup.procs", "cpuset.cpus", "cpuset.cpus.exclusive",
					     "cpuset.cpus.partition" };

	g_assert_cmpint(g_mkdir(dir, 0755), ==, 0);
	for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
		g_autofree char *path = g_build_filename(dir, files[i], NULL);

		g_assert_true(g_file_set_contents(path, "", -1, NULL));
	}
	return dir;
}

/* As a shell's echo > does: write into the file itself. */
static void write_file(const char *dir, const char *name, const char *text)
{
	g_autofree char *path = g_build_filename(dir, name, NULL);
	FILE *file = fopen(path, "w");

	g_assert_nonnull(file);
	fputs(text, file);
	g_assert_cmpint(fclose(file), ==, 0);
}

static void drain(void)
{
	while (g_main_context_iteration(NULL, FALSE))
		;
}

static guint count(const Fixture *f, const char *dir, const char *name)
{
	g_autofree char *path = g_build_filename(dir, name, NULL);
	guint n = 0;

	for (guint i = 0; i < f->seen->len; i++)
		n += g_str_equal(f->seen->pdata[i], path);
	return n;
}

static void setup(Fixture *f, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *kubepods = NULL;

	f->root = g_dir_make_tmp("af-cgroupwatch-XXXXXX", &error);
	g_assert_no_error(error);
	kubepods = make_cgroup(f->root, "kubepods.slice");
	g_free(make_cgroup(kubepods, "pod1"));
	f->seen = g_ptr_array_new_with_free_func(g_free);
}

static void teardown(Fixture *f, gconstpointer data)
{
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", f->root);

	af_cgroup_watch_free(f->watch);
	g_assert_cmpint(system(cmd), ==, 0);
	g_ptr_array_unref(f->seen);
	g_free(f->root);
}

static void test_partition_files(Fixture *f, gconstpointer data)
{
	g_autofree char *pod = g_build_filename(f->root, "kubepods.slice", "pod1", NULL);

	g_assert_cmpint(af_cgroup_watch_new(f->root, 100, on_modified, f, &f->watch), ==, 0);
	g_assert_cmpuint(af_cgroup_watch_count(f->watch), ==, 3);
	g_assert_true(af_cgroup_watch_is_complete(f->watch));
	write_file(pod, "cgroup.procs", "1\n");
	drain();
	g_assert_cmpuint(f->seen->len, ==, 0);
	write_file(pod, "cpuset.cpus", "4-5\n");
	write_file(pod, "cpuset.cpus.exclusive", "4-5\n");
	write_file(pod, "cpuset.cpus.partition", "isolated\n");
	drain();
	g_assert_cmpuint(count(f, pod, "cpuset.cpus"), >=, 1);
	g_assert_cmpuint(count(f, pod, "cpuset.cpus.exclusive"), >=, 1);
	g_assert_cmpuint(count(f, pod, "cpuset.cpus.partition"), >=, 1);
}

/* A cgroup made later (a new pod) is watched from then on; a removed one is forgotten. */
static void test_new_cgroups(Fixture *f, gconstpointer data)
{
	g_autofree char *kubepods = g_build_filename(f->root, "kubepods.slice", NULL);
	g_autofree char *pod = NULL, *container = NULL, *cmd = NULL;

	g_assert_cmpint(af_cgroup_watch_new(f->root, 100, on_modified, f, &f->watch), ==, 0);
	pod = make_cgroup(kubepods, "pod2");
	drain();
	container = make_cgroup(pod, "crio-1.scope");
	drain();
	g_assert_cmpuint(af_cgroup_watch_count(f->watch), ==, 5);
	write_file(container, "cpuset.cpus.partition", "isolated\n");
	drain();
	g_assert_cmpuint(count(f, container, "cpuset.cpus.partition"), >=, 1);
	cmd = g_strdup_printf("rm -rf '%s'", pod);
	g_assert_cmpint(system(cmd), ==, 0);
	drain();
	g_assert_cmpuint(af_cgroup_watch_count(f->watch), ==, 3);
}

/* Past max_dirs nothing more is watched, and the watch says so. */
static void test_limit(Fixture *f, gconstpointer data)
{
	g_autofree char *pod = g_build_filename(f->root, "kubepods.slice", "pod1", NULL);

	g_assert_cmpint(af_cgroup_watch_new(f->root, 2, on_modified, f, &f->watch), ==, 0);
	g_assert_cmpuint(af_cgroup_watch_count(f->watch), ==, 2);
	g_assert_false(af_cgroup_watch_is_complete(f->watch));
	write_file(pod, "cpuset.cpus.partition", "isolated\n");
	drain();
	g_assert_cmpuint(f->seen->len, ==, 0);
}

static void test_missing_root(void)
{
	g_autoptr(AfCgroupWatch) watch = NULL;

	g_assert_cmpint(af_cgroup_watch_new("/nonexistent/cgroup", 10, on_modified, NULL, &watch),
			<, 0);
	g_assert_null(watch);
	af_cgroup_watch_free(NULL);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
#define ADD(path, func) g_test_add(path, Fixture, NULL, setup, func, teardown)
	ADD("/cgroupwatch/events/partition-files", test_partition_files);
	ADD("/cgroupwatch/events/new-cgroups", test_new_cgroups);
	ADD("/cgroupwatch/new/limit", test_limit);
#undef ADD
	g_test_add_func("/cgroupwatch/new/missing-root", test_missing_root);
	return g_test_run();
}
