/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <libudev.h>
#include <unistd.h>

#include "udev.h"

struct AfUdevWatch {
	struct udev *udev;
	struct udev_monitor *monitor;
	const char *group;
	guint source;
	AfUeventCallback callback;
	gpointer user_data;
};

/* Subsystems whose events can change what the plan must be. */
static const char *const subsystems[] = { "cpu", "pci", "net", "queues" };

static gboolean on_readable(int fd, GIOCondition condition, gpointer user_data)
{
	AfUdevWatch *watch = user_data;
	struct udev_device *device;

	/* The socket is non-blocking: drain it, one callback per event. */
	while ((device = udev_monitor_receive_device(watch->monitor))) {
		const AfUevent event = {
			.subsystem = udev_device_get_subsystem(device),
			.action = udev_device_get_action(device),
			.sysname = udev_device_get_sysname(device),
			.devpath = udev_device_get_devpath(device),
		};

		if (event.subsystem && event.action && event.sysname)
			watch->callback(&event, watch->user_data);
		udev_device_unref(device);
	}
	return G_SOURCE_CONTINUE;
}

static const char *choose_group(void)
{
	/* Without udevd nobody re-broadcasts on the "udev" group: take the kernel's. */
	return access("/run/udev/control", F_OK) == 0 ? "udev" : "kernel";
}

int af_udev_watch_new(const char *group, AfUeventCallback callback, gpointer user_data,
		      AfUdevWatch **ret_watch)
{
	g_autoptr(AfUdevWatch) watch = g_new0(AfUdevWatch, 1);
	int r;

	watch->callback = callback;
	watch->user_data = user_data;
	watch->group = g_str_equal(group ? group : choose_group(), "udev") ? "udev" : "kernel";
	watch->udev = udev_new();
	if (!watch->udev)
		return -ENOMEM;
	watch->monitor = udev_monitor_new_from_netlink(watch->udev, watch->group);
	if (!watch->monitor)
		return errno > 0 ? -errno : -EPROTONOSUPPORT;
	for (gsize i = 0; i < G_N_ELEMENTS(subsystems); i++) {
		r = udev_monitor_filter_add_match_subsystem_devtype(watch->monitor, subsystems[i],
								    NULL);
		if (r < 0)
			return r;
	}
	/* Bursts (a NIC with 64 queues going away) must not overrun the socket;
	 * the larger size needs CAP_NET_ADMIN and falls back silently without it. */
	(void)udev_monitor_set_receive_buffer_size(watch->monitor, 4 * 1024 * 1024);
	r = udev_monitor_enable_receiving(watch->monitor);
	if (r < 0)
		return r;
	watch->source = g_unix_fd_add(udev_monitor_get_fd(watch->monitor), G_IO_IN, on_readable,
				      watch);
	*ret_watch = g_steal_pointer(&watch);
	return 0;
}

void af_udev_watch_free(AfUdevWatch *watch)
{
	if (!watch)
		return;
	if (watch->source)
		g_source_remove(watch->source);
	if (watch->monitor)
		udev_monitor_unref(watch->monitor);
	if (watch->udev)
		udev_unref(watch->udev);
	g_free(watch);
}

const char *af_udev_watch_group(const AfUdevWatch *watch)
{
	return watch->group;
}
