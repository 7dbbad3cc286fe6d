/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfCgroupWatch: hears cgroup v2 cpuset partitions change. The root's
 * cpuset.cpus.isolated, where the kernel lists the CPUs of isolated
 * partitions, raises no event (poll it); a cgroup's cpuset.cpus.partition
 * does: the kernel raises IN_MODIFY on it when the partition's state
 * changes, and every write() to it, cpuset.cpus or cpuset.cpus.exclusive
 * (which change what an isolated partition holds) raises IN_MODIFY as
 * well. Partitions can be made anywhere in the tree (remote partitions,
 * CRI-O's containers), so every cgroup directory is watched, up to a
 * limit, new ones as they are made (IN_CREATE), and the callback is called
 * for a modification of one of those three files in any of them. Attached
 * to the default main context.
 */

#include <glib.h>

/* path: the file that was modified; NULL when events were lost (look anyway). */
typedef void (*AfCgroupWatchCallback)(const char *path, gpointer user_data);

typedef struct AfCgroupWatch AfCgroupWatch;

/*
 * Watches the directories of the tree at root (a cgroup2 mount, a host
 * path), at most max_dirs of them; 0 or a negative errno (root cannot be
 * watched). Directories past the limit, or past the kernel's inotify
 * limit, are not watched: af_cgroup_watch_is_complete() says so.
 */
int af_cgroup_watch_new(const char *root, guint max_dirs, AfCgroupWatchCallback callback,
			gpointer user_data, AfCgroupWatch **ret_watch);
/* Detaches and frees; accepts NULL. */
void af_cgroup_watch_free(AfCgroupWatch *watch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfCgroupWatch, af_cgroup_watch_free)
/* The directories watched now. */
guint af_cgroup_watch_count(const AfCgroupWatch *watch);
/* FALSE once a directory could not be watched (a limit): only the scan sees it. */
gboolean af_cgroup_watch_is_complete(const AfCgroupWatch *watch);
