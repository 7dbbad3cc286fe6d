/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "events.h"
#include "netns.h"
#include "udev.h"

/*
 * A real kernel uevent without touching the host: in a network namespace
 * of the test's own, creating a veth pair makes the kernel send "add"
 * uevents for the net devices and their rx-N/tx-N queue kobjects to that
 * namespace's uevent sockets only. The monitor listens to the "kernel"
 * group, as it does where no udevd runs. (CPU hotplug uevents cannot be
 * produced here without offlining a host CPU: the VM tests cover them.)
 */

static void on_uevent(const AfUevent *event, gpointer user_data)
{
	af_test_events_add(user_data, "%s %s %s", event->subsystem, event->action, event->sysname);
}

static void test_kernel_group_veth(void)
{
	g_autoptr(AfTestEvents) seen = af_test_events_new();
	g_autoptr(AfUdevWatch) watch = NULL;

	if (!af_test_netns_require())
		return;
	g_assert_cmpint(af_udev_watch_new("kernel", on_uevent, seen, &watch), ==, 0);
	if (!watch)
		return;
	g_assert_cmpstr(af_udev_watch_group(watch), ==, "kernel");
	if (!af_test_veth_add("afu0", "afu1"))
		return;
	if (!af_test_events_wait(seen, "net add afu0") ||
	    !af_test_events_wait(seen, "queues add rx-0") ||
	    !af_test_events_wait(seen, "queues add tx-0"))
		return;
	g_assert_cmpuint(af_event_from_uevent("net", "add"), ==, AF_EVENT_DEVICE);
	if (!af_test_link_del("afu0"))
		return;
	if (af_test_events_wait(seen, "net remove afu1"))
		af_test_events_wait(seen, "queues remove rx-0");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	/* Everything after this runs in a fresh, empty network namespace. */
	af_test_netns_enter();
	g_test_add_func("/udev/watch/kernel-group-veth", test_kernel_group_veth);
	return g_test_run();
}
