/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfConfigWatch: inotify on the configuration file and its drop-in
 * directory. Editors replace files (write a temporary, rename it over), so
 * it watches the directories, not the files: IN_CLOSE_WRITE, IN_MOVED_TO,
 * IN_MOVED_FROM, IN_DELETE and IN_CREATE, filtered to the config file's
 * name, the drop-in directory's name and *.conf inside it. A drop-in
 * directory created later is picked up when it appears. Attached to the
 * default main context.
 */

#include <glib.h>

/* path: the file (or directory) that changed. */
typedef void (*AfConfigCallback)(const char *path, gpointer user_data);

typedef struct AfConfigWatch AfConfigWatch;

/* Watches config_path's directory and dropin_dir. 0 or a negative errno. */
int af_config_watch_new(const char *config_path, const char *dropin_dir, AfConfigCallback callback,
			gpointer user_data, AfConfigWatch **ret_watch);
/* Detaches and frees; accepts NULL. */
void af_config_watch_free(AfConfigWatch *watch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfConfigWatch, af_config_watch_free)
