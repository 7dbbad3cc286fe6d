/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "inotify.h"

/* A real inotify instance on a temporary directory. */

typedef struct Fixture {
	char *dir;
	AfInotify *inotify;
	int wd;
	guint events; /* events of wd with a name */
	guint overflows;
} Fixture;

static void on_event(const struct inotify_event *ev, gpointer user_data)
{
	Fixture *f = user_data;

	if (ev->wd == f->wd && ev->len > 0)
		f->events++;
}

static void on_overflow(gpointer user_data)
{
	Fixture *f = user_data;

	f->overflows++;
}

static void setup(Fixture *f, gconstpointer data)
{
	g_autoptr(GError) error = NULL;

	f->dir = g_dir_make_tmp("af-inotify-XXXXXX", &error);
	g_assert_no_error(error);
	g_assert_cmpint(af_inotify_new(on_event, on_overflow, f, &f->inotify), ==, 0);
	f->wd = af_inotify_add_watch(f->inotify, f->dir, IN_CREATE);
	g_assert_cmpint(f->wd, >=, 0);
}

static void teardown(Fixture *f, gconstpointer data)
{
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", f->dir);

	af_inotify_free(f->inotify);
	g_assert_cmpint(system(cmd), ==, 0);
	g_free(f->dir);
}

static void create_files(const Fixture *f, guint n)
{
	for (guint i = 0; i < n; i++) {
		g_autofree char *path =
			g_strdup_printf("%s/a-file-with-a-long-name-%08u", f->dir, i);
		int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);

		g_assert_cmpint(fd, >=, 0);
		close(fd);
	}
}

/* More events than one read() takes: one wake-up hands them all on. */
static void test_new_reads_all(Fixture *f, gconstpointer data)
{
	create_files(f, 1000);
	g_assert_true(g_main_context_iteration(NULL, FALSE));
	g_assert_cmpuint(f->events, ==, 1000);
	g_assert_cmpuint(f->overflows, ==, 0);
}

/* The kernel's queue overflowed: the overflow handler is told, once. */
static void test_new_overflow(Fixture *f, gconstpointer data)
{
	g_autofree char *text = NULL;
	guint64 max_events;

	g_assert_true(
		g_file_get_contents("/proc/sys/fs/inotify/max_queued_events", &text, NULL, NULL));
	max_events = g_ascii_strtoull(text, NULL, 10);
	if (max_events == 0 || max_events > 100000) {
		g_test_skip("max_queued_events too large to fill here");
		return;
	}
	create_files(f, (guint)max_events + 10);
	while (g_main_context_iteration(NULL, FALSE))
		;
	g_assert_cmpuint(f->overflows, ==, 1);
	g_assert_cmpuint(f->events, ==, max_events);
}

static void test_add_watch_missing(Fixture *f, gconstpointer data)
{
	g_autofree char *missing = g_build_filename(f->dir, "missing", NULL);

	g_assert_cmpint(af_inotify_add_watch(f->inotify, missing, IN_CREATE), ==, -ENOENT);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add("/inotify/new/reads-all", Fixture, NULL, setup, test_new_reads_all, teardown);
	g_test_add("/inotify/new/overflow", Fixture, NULL, setup, test_new_overflow, teardown);
	g_test_add("/inotify/add_watch/missing", Fixture, NULL, setup, test_add_watch_missing,
		   teardown);
	return g_test_run();
}
