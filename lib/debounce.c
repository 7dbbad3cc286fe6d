/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "debounce.h"

void af_debounce_init(AfDebounce *debounce, guint delay_ms)
{
	*debounce = (AfDebounce){.delay_us = (gint64)delay_ms * 1000};
}

void af_debounce_set_delay(AfDebounce *debounce, guint delay_ms)
{
	debounce->delay_us = (gint64)delay_ms * 1000;
}

gboolean af_debounce_is_urgent(AfEventFlags flags)
{
	return (flags & AF_EVENT_CPU_OFFLINE) != 0;
}

static gint64 urgent_delay_us(const AfDebounce *debounce)
{
	return MIN(debounce->delay_us, AF_DEBOUNCE_URGENT_US);
}

gboolean af_debounce_mark(AfDebounce *debounce, AfEventFlags flags, gint64 now_us)
{
	gint64 deadline_us;

	if (flags == 0)
		return FALSE;
	if (!debounce->pending) {
		debounce->pending = flags;
		debounce->first_us = now_us;
		debounce->urgent = af_debounce_is_urgent(flags);
		debounce->deadline_us = now_us + (debounce->urgent ? urgent_delay_us(debounce)
								   : debounce->delay_us);
		return TRUE;
	}
	debounce->pending |= flags;
	if (af_debounce_is_urgent(flags)) {
		deadline_us = MIN(debounce->deadline_us, now_us + urgent_delay_us(debounce));
		debounce->urgent = TRUE;
	} else if (debounce->urgent) {
		/* An urgent deadline is never pushed back. */
		return FALSE;
	} else {
		deadline_us = MIN(now_us + debounce->delay_us,
				  debounce->first_us + AF_DEBOUNCE_MAX_FACTOR * debounce->delay_us);
	}
	if (deadline_us == debounce->deadline_us)
		return FALSE;
	debounce->deadline_us = deadline_us;
	return TRUE;
}

gboolean af_debounce_pending(const AfDebounce *debounce)
{
	return debounce->pending != 0;
}

gint64 af_debounce_deadline_us(const AfDebounce *debounce)
{
	return debounce->deadline_us;
}

gboolean af_debounce_take(AfDebounce *debounce, gint64 now_us, AfEventFlags *ret_flags)
{
	if (!debounce->pending || now_us < debounce->deadline_us)
		return FALSE;
	*ret_flags = debounce->pending;
	debounce->pending = 0;
	debounce->urgent = FALSE;
	return TRUE;
}

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
