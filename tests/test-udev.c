/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <sched.h>
#include <stdlib.h>

#include "events.h"
#include "udev.h"

/*
 * A real kernel uevent without touching the host: in a network namespace
 * of the test's own, creating a veth pair makes the kernel send "add"
 * uevents for the net devices and their rx-N/tx-N queue kobjects to that
 * namespace's uevent sockets only. The monitor listens to the "kernel"
 * group, as it does where no udevd runs. (CPU hotplug uevents cannot be
 * produced here without offlining a host CPU: the VM tests cover them.)
 */

typedef struct Seen {
	GPtrArray *events; /* "net add afu0", "queues add rx-0" */
} Seen;

static void on_uevent(const AfUevent *event, gpointer user_data)
{
	Seen *seen = user_data;

	g_ptr_array_add(seen->events, g_strdup_printf("%s %s %s", event->subsystem, event->action,
						      event->sysname));
}

static gboolean has_event(const Seen *seen, const char *text)
{
	return g_ptr_array_find_with_equal_func(seen->events, text, g_str_equal, NULL);
}

static gboolean on_give_up(gpointer user_data)
{
	*(gboolean *)user_data = TRUE;
	return G_SOURCE_REMOVE;
}

static void wait_for(const Seen *seen, const char *text)
{
	gboolean give_up = FALSE;
	guint guard = g_timeout_add_seconds(10, on_give_up, &give_up);

	while (!has_event(seen, text) && !give_up)
		g_main_context_iteration(NULL, TRUE);
	if (!give_up)
		g_source_remove(guard);
	g_assert_true(has_event(seen, text));
}

static void test_kernel_group_veth(gconstpointer data)
{
	const gboolean *in_netns = data;
	g_autoptr(AfUdevWatch) watch = NULL;
	Seen seen = { .events = g_ptr_array_new_with_free_func(g_free) };

	if (!*in_netns) {
		g_test_skip("needs a network namespace of its own (root or CAP_SYS_ADMIN)");
		g_ptr_array_unref(seen.events);
		return;
	}
	g_assert_cmpint(af_udev_watch_new("kernel", on_uevent, &seen, &watch), ==, 0);
	g_assert_cmpstr(af_udev_watch_group(watch), ==, "kernel");
	if (system("ip link add afu0 type veth peer name afu1 2>/dev/null") != 0) {
		g_test_skip("cannot create a veth pair (no veth module?)");
		g_ptr_array_unref(seen.events);
		return;
	}
	wait_for(&seen, "net add afu0");
	wait_for(&seen, "queues add rx-0");
	wait_for(&seen, "queues add tx-0");
	g_assert_cmpuint(af_event_from_uevent("net", "add"), ==, AF_EVENT_DEVICE);
	g_assert_cmpint(system("ip link del afu0"), ==, 0);
	wait_for(&seen, "net remove afu1");
	wait_for(&seen, "queues remove rx-0");
	g_ptr_array_unref(seen.events);
}

int main(int argc, char **argv)
{
	static gboolean in_netns;

	g_test_init(&argc, &argv, NULL);
	in_netns = unshare(CLONE_NEWNET) == 0;
	g_test_add_data_func("/udev/watch/kernel-group-veth", &in_netns, test_kernel_group_veth);
	return g_test_run();
}
