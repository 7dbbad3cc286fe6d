/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "configwatch.h"
#include "inotify.h"

#define DIR_EVENTS (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE)

struct AfConfigWatch {
	AfInotify *inotify;
	int config_dir_wd;
	int dropin_wd; /* -1 while the drop-in directory does not exist */
	char *config_dir;
	char *config_name;
	char *dropin_dir;
	char *dropin_name;	       /* the drop-in directory's name in its parent */
	gboolean dropin_in_config_dir; /* "affinityd.conf.d" beside the file */
	AfConfigCallback callback;
	gpointer user_data;
};

static void watch_dropin(AfConfigWatch *watch)
{
	/* IN_DELETE_SELF/IN_MOVE_SELF: the directory itself went away. */
	int wd = af_inotify_add_watch(watch->inotify, watch->dropin_dir,
				      DIR_EVENTS | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR);

	if (wd < 0) {
		g_debug("Not watching %s yet: %s", watch->dropin_dir, g_strerror(-wd));
		wd = -1;
	}
	watch->dropin_wd = wd;
}

static void handle_config_dir_event(AfConfigWatch *watch, const struct inotify_event *ev)
{
	g_autofree char *path = NULL;

	if (g_str_equal(ev->name, watch->config_name)) {
		path = g_build_filename(watch->config_dir, ev->name, NULL);
	} else if (watch->dropin_in_config_dir && g_str_equal(ev->name, watch->dropin_name)) {
		/* The drop-in directory appeared (or was replaced): watch it now. */
		if (ev->mask & (IN_CREATE | IN_MOVED_TO))
			watch_dropin(watch);
		path = g_strdup(watch->dropin_dir);
	} else {
		return;
	}
	watch->callback(path, watch->user_data);
}

static void handle_dropin_event(AfConfigWatch *watch, const struct inotify_event *ev)
{
	g_autofree char *path = NULL;

	if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
		if (ev->mask & IN_IGNORED)
			watch->dropin_wd = -1;
		watch->callback(watch->dropin_dir, watch->user_data);
		return;
	}
	/* Only *.conf counts; editors' swap and backup files do not. */
	if (ev->len == 0 || !g_str_has_suffix(ev->name, ".conf") || ev->name[0] == '.')
		return;
	path = g_build_filename(watch->dropin_dir, ev->name, NULL);
	watch->callback(path, watch->user_data);
}

static void handle_event(const struct inotify_event *ev, gpointer user_data)
{
	AfConfigWatch *watch = user_data;

	if (ev->wd == watch->config_dir_wd && ev->len > 0)
		handle_config_dir_event(watch, ev);
	else if (ev->wd == watch->dropin_wd)
		handle_dropin_event(watch, ev);
}

static void handle_overflow(gpointer user_data)
{
	AfConfigWatch *watch = user_data;

	watch->callback(watch->config_dir, watch->user_data);
}

int af_config_watch_new(const char *config_path, const char *dropin_dir, AfConfigCallback callback,
			gpointer user_data, AfConfigWatch **ret_watch)
{
	g_autoptr(AfConfigWatch) watch = g_new0(AfConfigWatch, 1);
	g_autofree char *dropin_parent = g_path_get_dirname(dropin_dir);
	int r;

	watch->dropin_wd = -1;
	watch->config_dir_wd = -1;
	watch->callback = callback;
	watch->user_data = user_data;
	watch->config_dir = g_path_get_dirname(config_path);
	watch->config_name = g_path_get_basename(config_path);
	watch->dropin_dir = g_strdup(dropin_dir);
	watch->dropin_name = g_path_get_basename(dropin_dir);
	watch->dropin_in_config_dir = g_str_equal(dropin_parent, watch->config_dir);
	r = af_inotify_new(handle_event, handle_overflow, watch, &watch->inotify);
	if (r < 0)
		return r;
	r = af_inotify_add_watch(watch->inotify, watch->config_dir, DIR_EVENTS | IN_ONLYDIR);
	if (r < 0)
		return r;
	watch->config_dir_wd = r;
	watch_dropin(watch);
	*ret_watch = g_steal_pointer(&watch);
	return 0;
}

void af_config_watch_free(AfConfigWatch *watch)
{
	if (!watch)
		return;
	af_inotify_free(watch->inotify);
	g_free(watch->config_dir);
	g_free(watch->config_name);
	g_free(watch->dropin_dir);
	g_free(watch->dropin_name);
	g_free(watch);
}
