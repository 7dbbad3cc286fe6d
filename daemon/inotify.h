/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfInotify: one inotify instance attached to the default main context, for
 * the daemon's file watches (configuration, irqbalance's files, cgroups).
 * It owns the descriptor and its source, reads the queue until it is empty
 * and hands each event to the watch's handler; when the kernel's queue
 * overflowed (IN_Q_OVERFLOW: events were lost) it calls the overflow
 * handler instead, and the watch looks again at all it follows.
 */

#include <stdint.h>
#include <sys/inotify.h>
#include <glib.h>

/* One event of a watch added with af_inotify_add_watch(). */
typedef void (*AfInotifyEventFunc)(const struct inotify_event *ev, gpointer user_data);
/* Events were lost: any watched thing may have changed. */
typedef void (*AfInotifyOverflowFunc)(gpointer user_data);

typedef struct AfInotify AfInotify;

/* Opens the instance and attaches it; 0 or a negative errno. */
int af_inotify_new(AfInotifyEventFunc on_event, AfInotifyOverflowFunc on_overflow,
		   gpointer user_data, AfInotify **ret_inotify);
/* Detaches, closes and frees; accepts NULL. */
void af_inotify_free(AfInotify *inotify);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfInotify, af_inotify_free)
/* Watches path for mask (inotify_add_watch(2)): the watch descriptor, or a negative errno. */
int af_inotify_add_watch(AfInotify *inotify, const char *path, uint32_t mask);
