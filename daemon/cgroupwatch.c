/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "cgroupwatch.h"
#include "inotify.h"

#define DIR_EVENTS (IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_ONLYDIR)

/* The files whose modification can change the isolated partitions. */
static const char *const partition_files[] = {
	"cpuset.cpus.partition",
	"cpuset.cpus",
	"cpuset.cpus.exclusive",
};

struct AfCgroupWatch {
	AfInotify *inotify;
	guint max_dirs;
	gboolean complete;
	GHashTable *dirs; /* wd -> path (owned) */
	AfCgroupWatchCallback callback;
	gpointer user_data;
};

/* cgroupfs fills d_type (the interface files are regular files); some file systems do not. */
static gboolean is_directory(DIR *d, const struct dirent *de)
{
	struct stat st;

	if (de->d_type != DT_UNKNOWN)
		return de->d_type == DT_DIR;
	return fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

/* Watches dir and every directory below it, depth first, within the limits. */
static void watch_tree(AfCgroupWatch *watch, const char *dir)
{
	DIR *d;
	struct dirent *de;
	int wd;

	if (g_hash_table_size(watch->dirs) >= watch->max_dirs) {
		watch->complete = FALSE;
		return;
	}
	wd = af_inotify_add_watch(watch->inotify, dir, DIR_EVENTS);
	if (wd < 0) {
		/* ENOSPC: the kernel's max_user_watches; ENOENT: removed meanwhile. */
		if (wd != -ENOENT)
			watch->complete = FALSE;
		return;
	}
	g_hash_table_replace(watch->dirs, GINT_TO_POINTER(wd), g_strdup(dir));
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		g_autofree char *child = NULL;

		if (g_str_equal(de->d_name, ".") || g_str_equal(de->d_name, "..") ||
		    !is_directory(d, de))
			continue;
		child = g_build_filename(dir, de->d_name, NULL);
		watch_tree(watch, child);
	}
	closedir(d);
}

static gboolean is_partition_file(const char *name)
{
	for (guint i = 0; i < G_N_ELEMENTS(partition_files); i++)
		if (g_str_equal(name, partition_files[i]))
			return TRUE;
	return FALSE;
}

static void handle_event(const struct inotify_event *ev, gpointer user_data)
{
	AfCgroupWatch *watch = user_data;
	const char *dir = g_hash_table_lookup(watch->dirs, GINT_TO_POINTER(ev->wd));
	g_autofree char *path = NULL;

	if (ev->mask & IN_IGNORED) {
		/* The cgroup was removed (rmdir): the kernel dropped the watch. */
		g_hash_table_remove(watch->dirs, GINT_TO_POINTER(ev->wd));
		return;
	}
	if (!dir || ev->len == 0)
		return;
	path = g_build_filename(dir, ev->name, NULL);
	if ((ev->mask & (IN_CREATE | IN_MOVED_TO)) && (ev->mask & IN_ISDIR)) {
		/* A new cgroup: its files are there already, made with it. */
		watch_tree(watch, path);
		return;
	}
	if ((ev->mask & IN_MODIFY) && is_partition_file(ev->name))
		watch->callback(path, watch->user_data);
}

static void handle_overflow(gpointer user_data)
{
	AfCgroupWatch *watch = user_data;

	/* Events were lost; new cgroups may be unwatched. */
	watch->complete = FALSE;
	watch->callback(NULL, watch->user_data);
}

int af_cgroup_watch_new(const char *root, guint max_dirs, AfCgroupWatchCallback callback,
			gpointer user_data, AfCgroupWatch **ret_watch)
{
	g_autoptr(AfCgroupWatch) watch = g_new0(AfCgroupWatch, 1);
	int r;

	watch->callback = callback;
	watch->user_data = user_data;
	watch->max_dirs = MAX(max_dirs, 1u);
	watch->complete = TRUE;
	watch->dirs = g_hash_table_new_full(NULL, NULL, NULL, g_free);
	r = af_inotify_new(handle_event, handle_overflow, watch, &watch->inotify);
	if (r < 0)
		return r;
	r = af_inotify_add_watch(watch->inotify, root, DIR_EVENTS);
	if (r < 0)
		return r;
	watch_tree(watch, root);
	*ret_watch = g_steal_pointer(&watch);
	return 0;
}

void af_cgroup_watch_free(AfCgroupWatch *watch)
{
	if (!watch)
		return;
	af_inotify_free(watch->inotify);
	if (watch->dirs)
		g_hash_table_unref(watch->dirs);
	g_free(watch);
}

guint af_cgroup_watch_count(const AfCgroupWatch *watch)
{
	return g_hash_table_size(watch->dirs);
}

gboolean af_cgroup_watch_is_complete(const AfCgroupWatch *watch)
{
	return watch->complete;
}
