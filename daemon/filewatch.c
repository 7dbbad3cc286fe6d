/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "filewatch.h"

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
	int fd;
	guint source;
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
		int wd = inotify_add_watch(watch->fd, dir, DIR_EVENTS);

		if (wd >= 0) {
			entry->wd = wd;
			entry->name = g_path_get_basename(below);
			entry->at_parent = g_str_equal(below, entry->path);
			return;
		}
		/* "/" always exists; anything else unwatchable is given up. */
		if ((errno != ENOENT && errno != ENOTDIR) || g_str_equal(dir, below)) {
			g_debug("Not watching %s: %s", entry->path, g_strerror(errno));
			return;
		}
		g_free(below);
		below = g_steal_pointer(&dir);
	}
}

static void handle_event(AfFileWatch *watch, const struct inotify_event *ev)
{
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

static gboolean on_readable(int fd, GIOCondition condition, gpointer user_data)
{
	AfFileWatch *watch = user_data;
	/* Aligned as inotify(7) asks. */
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			if (ev->mask & IN_Q_OVERFLOW) {
				/* Events were lost: any file may have changed. */
				for (guint i = 0; i < watch->entries->len; i++)
					watch->callback(((Entry *)watch->entries->pdata[i])->path,
							watch->user_data);
			} else {
				handle_event(watch, ev);
			}
			p += sizeof(struct inotify_event) + ev->len;
		}
	}
	return G_SOURCE_CONTINUE;
}

int af_file_watch_new(const char *const *paths, AfFileWatchCallback callback, gpointer user_data,
		      AfFileWatch **ret_watch)
{
	g_autoptr(AfFileWatch) watch = g_new0(AfFileWatch, 1);

	watch->callback = callback;
	watch->user_data = user_data;
	watch->entries = g_ptr_array_new_with_free_func(free_entry);
	watch->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (watch->fd < 0)
		return -errno;
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
	watch->source = g_unix_fd_add(watch->fd, G_IO_IN, on_readable, watch);
	*ret_watch = g_steal_pointer(&watch);
	return 0;
}

void af_file_watch_free(AfFileWatch *watch)
{
	if (!watch)
		return;
	if (watch->source)
		g_source_remove(watch->source);
	if (watch->fd >= 0)
		close(watch->fd);
	if (watch->entries)
		g_ptr_array_unref(watch->entries);
	g_free(watch);
}
