/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <linux/ethtool_netlink.h>

#include "events.h"

char *af_event_flags_to_string(AfEventFlags flags)
{
	static const struct {
		AfEventFlags flag;
		const char *name;
	} names[] = {
		{AF_EVENT_CPU_OFFLINE, "cpu-offline"},
		{AF_EVENT_CPU_ONLINE, "cpu-online"},
		{AF_EVENT_DEVICE, "device"},
		{AF_EVENT_LINK, "link"},
		{AF_EVENT_IRQS, "irqs"},
		{AF_EVENT_LOAD, "load"},
		{AF_EVENT_CONFIG, "config"},
		{AF_EVENT_DRIFT, "drift"},
		{AF_EVENT_START, "start"},
	};
	GString *s = g_string_new(NULL);

	for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
		if (!(flags & names[i].flag))
			continue;
		if (s->len)
			g_string_append_c(s, ',');
		g_string_append(s, names[i].name);
	}
	return g_string_free(s, FALSE);
}

AfEventFlags af_event_from_uevent(const char *subsystem, const char *action)
{
	static const char *const device_actions[] = {"add", "remove", "move", "bind", "unbind"};

	if (!subsystem || !action)
		return 0;
	if (g_str_equal(subsystem, "cpu")) {
		if (g_str_equal(action, "offline") || g_str_equal(action, "remove"))
			return AF_EVENT_CPU_OFFLINE;
		if (g_str_equal(action, "online") || g_str_equal(action, "add"))
			return AF_EVENT_CPU_ONLINE;
		return 0;
	}
	if (!g_str_equal(subsystem, "pci") && !g_str_equal(subsystem, "net") &&
	    !g_str_equal(subsystem, "queues"))
		return 0;
	for (gsize i = 0; i < G_N_ELEMENTS(device_actions); i++)
		if (g_str_equal(action, device_actions[i]))
			return AF_EVENT_DEVICE;
	return 0;
}

AfEventFlags af_event_from_ethtool_cmd(guint8 cmd)
{
	switch (cmd) {
	case 0:
	case ETHTOOL_MSG_CHANNELS_NTF:
	case ETHTOOL_MSG_FEATURES_NTF:
		return AF_EVENT_DEVICE;
	default:
		return 0;
	}
}
