/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "events.h"

static void test_flags_to_string(void)
{
	static const struct {
		AfEventFlags flags;
		const char *text;
	} cases[] = {
		{0, ""},
		{AF_EVENT_CPU_OFFLINE, "cpu-offline"},
		{AF_EVENT_START | AF_EVENT_CPU_OFFLINE, "cpu-offline,start"},
		{AF_EVENT_LINK | AF_EVENT_DEVICE | AF_EVENT_DRIFT, "device,link,drift"},
		{AF_EVENT_ISOLATION | AF_EVENT_LOAD, "load,isolation"},
		{1u << 30, ""}, /* unknown bits print nothing */
	};

	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *s = af_event_flags_to_string(cases[i].flags);

		g_assert_cmpstr(s, ==, cases[i].text);
	}
}

static void test_from_uevent(void)
{
	static const struct {
		const char *subsystem, *action;
		AfEventFlags flags;
	} cases[] = {
		{"cpu", "offline", AF_EVENT_CPU_OFFLINE},
		{"cpu", "remove", AF_EVENT_CPU_OFFLINE},
		{"cpu", "online", AF_EVENT_CPU_ONLINE},
		{"cpu", "add", AF_EVENT_CPU_ONLINE},
		{"cpu", "change", 0},
		{"pci", "bind", AF_EVENT_DEVICE},
		{"pci", "change", 0},
		{"net", "move", AF_EVENT_DEVICE},
		{"queues", "add", AF_EVENT_DEVICE},
		{"queues", "remove", AF_EVENT_DEVICE},
		{"block", "add", 0},
		{"", "", 0},
		{NULL, "add", 0},
		{"cpu", NULL, 0},
	};

	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++)
		g_assert_cmpuint(af_event_from_uevent(cases[i].subsystem, cases[i].action), ==,
				 cases[i].flags);
}

/* The classes nest: a window event is a repair, and a refresh is no device change. */
static void test_classes(void)
{
	g_assert_cmpuint(AF_EVENT_WINDOW & ~AF_EVENT_REPAIR, ==, 0);
	g_assert_cmpuint(AF_EVENT_HOTPLUG & ~AF_EVENT_WINDOW, ==, 0);
	g_assert_cmpuint(AF_EVENT_REFRESH & (AF_EVENT_DEVICE | AF_EVENT_IRQS | AF_EVENT_CONFIG |
					     AF_EVENT_LINK | AF_EVENT_START),
			 ==, 0);
	g_assert_cmpuint(AF_EVENT_REPAIR & (AF_EVENT_LOAD | AF_EVENT_IRQS), ==, 0);
	/* Changed isolation moves IRQs at once, on the last look's IRQs. */
	g_assert_cmpuint(AF_EVENT_ISOLATION & ~(AF_EVENT_WINDOW & AF_EVENT_REFRESH), ==, 0);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/events/flags_to_string/cases", test_flags_to_string);
	g_test_add_func("/events/from_uevent/cases", test_from_uevent);
	g_test_add_func("/events/classes/nest", test_classes);
	return g_test_run();
}
