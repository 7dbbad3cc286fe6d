/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "filewatch.h"
#include "inotify.h"

#define DIR_EVENTS                                                                                 \
	(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE | IN_DELETE_SELF |   \
	 IN_MOVE_SELF | IN_ONLYDIR)

typedef struct {
	char *path;	    /* the file */
	int wd;		    /* the watch on its directory or nearest existing ancestor; -1 none */
	char *name;	    /* the entry of that directory that leads to the file */
	gboolean at_parent; /* wd is the file's own directory: name is the file's */
} Entry;

struct AfFileWatch {
	AfInotify *inotify;
	GPtrArray *entries; /* Entry* */
	AfFileWatchCallback callback;
	gpointer user_data;
};

static void free_entry(gpointer data)
{
	Entry *entry = data;

	g_free(entry->path);
	g_free(entry->name);
	g_free(entry);
}

/* Watches the file's directory, or the nearest ancestor that exists. */
static void arm(AfFileWatch *watch, Entry *entry)
{
	g_autofree char *below = g_strdup(entry->path);

	g_clear_pointer(&entry->name, g_free);
	entry->wd = -1;
	for (;;) {
		g_autofree char *dir = g_path_get_dirname(below);
		int wd = af_inotify_add_watch(watch->inotify, dir, DIR_EVENTS);

		if (wd >= 0) {
			entry->wd = wd;
			entry->name = g_path_get_basename(below);
			entry->at_parent = g_str_equal(below, entry->path);
			return;
		}
		/* "/" always exists; anything else unwatchable is given up. */
		if ((wd != -ENOENT && wd != -ENOTDIR) || g_str_equal(dir, below)) {
			g_debug("Not watching %s: %s", entry->path, g_strerror(-wd));
			return;
		}
		g_free(below);
		below = g_steal_pointer(&dir);
	}
}

static void handle_event(const struct inotify_event *ev, gpointer user_data)
{
	AfFileWatch *watch = user_data;

	for (guint i = 0; i < watch->entries->len; i++) {
		Entry *entry = watch->entries->pdata[i];

		if (entry->wd != ev->wd)
			continue;
		if (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) {
			/* The directory itself went: wait for it higher up. */
			if (ev->mask & IN_IGNORED)
				entry->wd = -1;
			arm(watch, entry);
			watch->callback(entry->path, watch->user_data);
			continue;
		}
		if (ev->len == 0 || !g_str_equal(ev->name, entry->name))
			continue;
		/* A directory on the way appeared or went: the watch moves with it. */
		if (!entry->at_parent)
			arm(watch, entry);
		watch->callback(entry->path, watch->user_data);
	}
}

static void handle_overflow(gpointer user_data)
{
	AfFileWatch *watch = user_data;

	/* Events were lost: any file may have changed. */
	for (guint i = 0; i < watch->entries->len; i++)
		watch->callback(((Entry *)watch->entries->pdata[i])->path, watch->user_data);
}

int af_file_watch_new(const char *const *paths, AfFileWatchCallback callback, gpointer user_data,
		      AfFileWatch **ret_watch)
{
	g_autoptr(AfFileWatch) watch = g_new0(AfFileWatch, 1);
	int r;

	watch->callback = callback;
	watch->user_data = user_data;
	watch->entries = g_ptr_array_new_with_free_func(free_entry);
	r = af_inotify_new(handle_event, handle_overflow, watch, &watch->inotify);
	if (r < 0)
		return r;
	for (guint i = 0; paths && paths[i]; i++) {
		Entry *entry = g_new0(Entry, 1);

		if (!g_path_is_absolute(paths[i])) {
			g_free(entry);
			return -EINVAL;
		}
		entry->path = g_canonicalize_filename(paths[i], NULL);
		g_ptr_array_add(watch->entries, entry);
		arm(watch, entry);
	}
	*ret_watch = g_steal_pointer(&watch);
	return 0;
}

void af_file_watch_free(AfFileWatch *watch)
{
	if (!watch)
		return;
	af_inotify_free(watch->inotify);
	if (watch->entries)
		g_ptr_array_unref(watch->entries);
	g_free(watch);
}
