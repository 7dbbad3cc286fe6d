/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel uevents as the udev watch hands them on: the message
 * ("ACTION@DEVPATH\0KEY=VALUE\0...", as on the kernel's netlink group) is
 * split into the fields libudev gives the watch (SUBSYSTEM, ACTION, the
 * sysname: DEVPATH's last component), and the daemon's handling of them
 * runs: the event class (af_event_from_uevent) and its name. Properties:
 * a uevent means a hotplug, a device
 * change or nothing.
 */
#include "config.h"

#include <string.h>

#include "events.h"
#include "fuzz.h"

static const char *field(GHashTable *fields, const char *key)
{
	return g_hash_table_lookup(fields, key);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(GHashTable) fields =
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autofree char *sysname = NULL, *what = NULL;
	const char *p = (const char *)data, *end = p + size;
	const char *devpath, *slash;
	AfEventFlags flags;

	/* NUL-separated KEY=VALUE pairs after the "ACTION@DEVPATH" header. */
	while (p < end) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		const char *stop = nul ? nul : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));

		if (eq)
			g_hash_table_replace(fields, g_strndup(p, (gsize)(eq - p)),
					     g_strndup(eq + 1, (gsize)(stop - eq - 1)));
		p = stop + 1;
	}
	devpath = field(fields, "DEVPATH");
	if (!field(fields, "SUBSYSTEM") || !field(fields, "ACTION") || !devpath)
		return 0;
	slash = strrchr(devpath, '/');
	sysname = g_strdup(slash ? slash + 1 : devpath);
	flags = af_event_from_uevent(field(fields, "SUBSYSTEM"), field(fields, "ACTION"));
	fuzz_check((flags & ~(AF_EVENT_HOTPLUG | AF_EVENT_DEVICE)) == 0);
	what = af_event_flags_to_string(flags);
	fuzz_check(what != NULL);
	return 0;
}
