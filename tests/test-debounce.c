/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "debounce.h"

#define MS 1000 /* microseconds */

/* A burst of 100 events 1 ms apart gives exactly one replan with every reason. */
static void test_burst_one_replan(void)
{
	AfDebounce d;
	AfEventFlags flags = 0;
	guint replans = 0;

	af_debounce_init(&d, 20);
	for (gint64 t = 0; t <= 400 * MS; t += MS) {
		if (t < 100 * MS)
			af_debounce_mark(&d, (t / MS) % 2 ? AF_EVENT_DEVICE : AF_EVENT_LINK, t);
		if (af_debounce_take(&d, t, &flags))
			replans++;
	}
	/* The trickle lasts 99 ms, beyond 5 × 20 ms: the cap fires once at
	 * 100 ms, the last event (99 ms) is already in it. */
	g_assert_cmpuint(replans, ==, 1);
	g_assert_cmpuint(flags, ==, AF_EVENT_DEVICE | AF_EVENT_LINK);
	g_assert_false(af_debounce_pending(&d));
}

/* A trailing debounce: each ordinary event pushes the deadline, up to the cap. */
static void test_trailing_and_cap(void)
{
	AfDebounce d;

	af_debounce_init(&d, 20);
	g_assert_true(af_debounce_mark(&d, AF_EVENT_DEVICE, 0));
	g_assert_cmpint(af_debounce_deadline_us(&d), ==, 20 * MS);
	g_assert_true(af_debounce_mark(&d, AF_EVENT_DEVICE, 10 * MS));
	g_assert_cmpint(af_debounce_deadline_us(&d), ==, 30 * MS);
	/* 95 ms + 20 ms is past the cap of 0 + 5 × 20 ms. */
	g_assert_true(af_debounce_mark(&d, AF_EVENT_DEVICE, 95 * MS));
	g_assert_cmpint(af_debounce_deadline_us(&d), ==, 100 * MS);
	g_assert_false(af_debounce_mark(&d, AF_EVENT_DEVICE, 99 * MS));
	g_assert_cmpint(af_debounce_deadline_us(&d), ==, 100 * MS);
}

/* A CPU offline is due at once (AF_DEBOUNCE_URGENT_US), whatever came before or after. */
static void test_offline_urgent(void)
{
	AfDebounce d;
	AfEventFlags flags = 0;
	const gint64 urgent = AF_DEBOUNCE_URGENT_US;

	af_debounce_init(&d, 20);
	af_debounce_mark(&d, AF_EVENT_LOAD, 0);
	af_debounce_mark(&d, AF_EVENT_DEVICE, 15 * MS); /* deadline 35 ms */
	/* The offline pulls it in to its own time + the urgent wait: re-arm. */
	g_assert_true(af_debounce_mark(&d, AF_EVENT_CPU_OFFLINE, 16 * MS));
	g_assert_cmpint(af_debounce_deadline_us(&d), ==, 16 * MS + urgent);
	/* Later ordinary events no longer push it back. */
	g_assert_false(af_debounce_mark(&d, AF_EVENT_DEVICE, 16 * MS + urgent / 2));
	g_assert_false(af_debounce_mark(&d, AF_EVENT_CPU_ONLINE, 16 * MS + urgent - 1));
	g_assert_cmpint(af_debounce_deadline_us(&d), ==, 16 * MS + urgent);
	g_assert_false(af_debounce_take(&d, 16 * MS + urgent - 1, &flags));
	g_assert_true(af_debounce_take(&d, 16 * MS + urgent, &flags));
	g_assert_true(flags & AF_EVENT_CPU_OFFLINE);
	g_assert_true(flags & AF_EVENT_CPU_ONLINE);

	/* An offline as the first event: the urgent wait, not the 20 ms delay. */
	af_debounce_mark(&d, AF_EVENT_CPU_OFFLINE, 1000 * MS);
	g_assert_cmpint(af_debounce_deadline_us(&d), ==, 1000 * MS + urgent);
	/* A second offline later cannot delay the first one's deadline. */
	g_assert_false(af_debounce_mark(&d, AF_EVENT_CPU_OFFLINE, 1000 * MS + urgent / 2));
	g_assert_cmpint(af_debounce_deadline_us(&d), ==, 1000 * MS + urgent);
}

/* An urgent event pulls an ordinary event's later deadline in; a delay
 * shorter than the urgent wait is kept. */
static void test_offline_pulls_in(void)
{
	AfDebounce d;

	af_debounce_init(&d, 20);
	af_debounce_mark(&d, AF_EVENT_DEVICE, 0);
	g_assert_true(af_debounce_mark(&d, AF_EVENT_CPU_OFFLINE, 1 * MS));
	g_assert_cmpint(af_debounce_deadline_us(&d), ==, 1 * MS + AF_DEBOUNCE_URGENT_US);

	af_debounce_init(&d, 0); /* debounce_ms=0: everything at once */
	af_debounce_mark(&d, AF_EVENT_CPU_OFFLINE, 5 * MS);
	g_assert_cmpint(af_debounce_deadline_us(&d), ==, 5 * MS);
}

static void test_take_nothing(void)
{
	AfDebounce d;
	AfEventFlags flags = AF_EVENT_LINK;

	af_debounce_init(&d, 0);
	g_assert_false(af_debounce_take(&d, 0, &flags));
	g_assert_cmpuint(flags, ==, AF_EVENT_LINK); /* untouched */
	g_assert_false(af_debounce_mark(&d, 0, 0));
	g_assert_false(af_debounce_pending(&d));
	/* A zero delay is due at once. */
	af_debounce_mark(&d, AF_EVENT_START, 7);
	g_assert_true(af_debounce_take(&d, 7, &flags));
	g_assert_cmpuint(flags, ==, AF_EVENT_START);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/debounce/mark/burst-one-replan", test_burst_one_replan);
	g_test_add_func("/debounce/mark/trailing-and-cap", test_trailing_and_cap);
	g_test_add_func("/debounce/mark/offline-urgent", test_offline_urgent);
	g_test_add_func("/debounce/mark/offline-pulls-in", test_offline_pulls_in);
	g_test_add_func("/debounce/take/nothing", test_take_nothing);
	return g_test_run();
}
