/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfFileWatch: inotify on a few named files that may not exist yet, such as
 * irqbalance's environment files. Writers rewrite a file in place (CRI-O's
 * os.WriteFile) or replace it (write a temporary, rename it over), so each
 * file's directory is watched, not the file: IN_CLOSE_WRITE, IN_MOVED_TO,
 * IN_MOVED_FROM, IN_DELETE and IN_CREATE, filtered to the file's name. A
 * directory that does not exist yet (/etc/sysconfig on Debian) is waited
 * for in its nearest existing ancestor; when it appears (or goes) the
 * watch moves and the callback is called, since the file may have come or
 * gone with it. Attached to the default main context.
 */

#include <glib.h>

/* path: the watched file (its canonical path) that may have changed. */
typedef void (*AfFileWatchCallback)(const char *path, gpointer user_data);

typedef struct AfFileWatch AfFileWatch;

/* Watches paths (absolute; NULL-terminated, may be empty). 0 or a negative errno. */
int af_file_watch_new(const char *const *paths, AfFileWatchCallback callback, gpointer user_data,
		      AfFileWatch **ret_watch);
/* Detaches and frees; accepts NULL. */
void af_file_watch_free(AfFileWatch *watch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfFileWatch, af_file_watch_free)
