/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfUdevWatch: a libudev monitor for the uevents that change IRQ placement:
 * subsystem cpu (online, offline, add, remove), pci and net (add, remove,
 * move, bind, unbind) and queues (the rx-N/tx-N kobjects of a channel
 * change). It listens to systemd-udevd's "udev" group when udevd runs
 * (/run/udev/control exists), else to the kernel's own uevents (initramfs,
 * container, minimal guest). Attached to the default main context.
 */

#include <glib.h>

typedef struct AfUevent {
	const char *subsystem; /* "cpu", "pci", "net", "queues" */
	const char *action;    /* "offline", "add", ... */
	const char *sysname;   /* "cpu2", "0000:00:03.0", "eth0", "rx-0" */
	const char *devpath;   /* "/devices/system/cpu/cpu2" */
} AfUevent;

typedef void (*AfUeventCallback)(const AfUevent *event, gpointer user_data);

typedef struct AfUdevWatch AfUdevWatch;

/*
 * Binds the monitor to group "udev" or "kernel" (NULL: choose as above) and
 * attaches it. Returns 0 or a negative errno (no netlink in this sandbox).
 */
int af_udev_watch_new(const char *group, AfUeventCallback callback, gpointer user_data,
		      AfUdevWatch **ret_watch);
/* Detaches and frees; accepts NULL. */
void af_udev_watch_free(AfUdevWatch *watch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfUdevWatch, af_udev_watch_free)
/* The group it listens to: "udev" or "kernel". */
const char *af_udev_watch_group(const AfUdevWatch *watch);
