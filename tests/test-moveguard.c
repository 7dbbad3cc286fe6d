/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "moveguard.h"

#define SEC 1000000 /* microseconds */

static void test_load_waits_repair_does_not(void)
{
	g_autoptr(AfMoveGuard) g = af_move_guard_new(60000);

	g_assert_cmpint(af_move_guard_check(g, 44, AF_MOVE_LOAD, 0), ==, AF_MOVE_ALLOW);
	af_move_guard_record(g, 44, 100 * SEC);
	af_move_guard_open_window(g);
	g_assert_cmpint(af_move_guard_check(g, 44, AF_MOVE_LOAD, 159 * SEC), ==, AF_MOVE_DEFER);
	g_assert_cmpint(af_move_guard_check(g, 44, AF_MOVE_REPAIR, 100 * SEC), ==, AF_MOVE_ALLOW);
	g_assert_cmpint(af_move_guard_check(g, 44, AF_MOVE_LOAD, 160 * SEC), ==, AF_MOVE_ALLOW);
	/* Other IRQs are not held back by 44's write. */
	g_assert_cmpint(af_move_guard_check(g, 45, AF_MOVE_LOAD, 100 * SEC), ==, AF_MOVE_ALLOW);
	/* A reload to a shorter interval applies at once. */
	af_move_guard_set_interval(g, 1000);
	g_assert_cmpint(af_move_guard_check(g, 44, AF_MOVE_LOAD, 101 * SEC), ==, AF_MOVE_ALLOW);
}

/* A driver that re-sets its affinity: repair, one correction, then hands off. */
static void test_fight_stops(void)
{
	g_autoptr(AfMoveGuard) g = af_move_guard_new(0);

	af_move_guard_open_window(g);
	g_assert_false(af_move_guard_record(g, 30, 1));
	g_assert_cmpint(af_move_guard_check(g, 30, AF_MOVE_REPAIR, 2), ==, AF_MOVE_ALLOW);
	g_assert_true(af_move_guard_record(g, 30, 2));
	g_assert_cmpuint(af_move_guard_writes(g, 30), ==, AF_MOVE_GUARD_MAX_WRITES);
	g_assert_cmpint(af_move_guard_check(g, 30, AF_MOVE_REPAIR, 3), ==, AF_MOVE_FIGHT);
	g_assert_cmpint(af_move_guard_check(g, 30, AF_MOVE_LOAD, 3 * SEC), ==, AF_MOVE_FIGHT);
	/* The next hotplug event opens a new window: one more repair is allowed. */
	af_move_guard_open_window(g);
	g_assert_cmpuint(af_move_guard_writes(g, 30), ==, 0);
	g_assert_cmpint(af_move_guard_check(g, 30, AF_MOVE_REPAIR, 4), ==, AF_MOVE_ALLOW);
}

static void test_forget(void)
{
	g_autoptr(AfMoveGuard) g = af_move_guard_new(60000);

	af_move_guard_record(g, 50, 10 * SEC);
	af_move_guard_record(g, 50, 10 * SEC);
	af_move_guard_forget(g, 50);
	/* A reused IRQ number starts clean. */
	g_assert_cmpuint(af_move_guard_writes(g, 50), ==, 0);
	g_assert_cmpint(af_move_guard_check(g, 50, AF_MOVE_LOAD, 10 * SEC), ==, AF_MOVE_ALLOW);
	af_move_guard_forget(g, 51); /* unknown: fine */
	af_move_guard_free(NULL);
}

static void test_verdict_to_string(void)
{
	g_assert_cmpstr(af_move_verdict_to_string(AF_MOVE_ALLOW), ==, "allow");
	g_assert_cmpstr(af_move_verdict_to_string(AF_MOVE_DEFER), ==, "defer");
	g_assert_cmpstr(af_move_verdict_to_string(AF_MOVE_FIGHT), ==, "fight");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/moveguard/check/load-waits-repair-does-not", test_load_waits_repair_does_not);
	g_test_add_func("/moveguard/check/fight-stops", test_fight_stops);
	g_test_add_func("/moveguard/forget/reused-number", test_forget);
	g_test_add_func("/moveguard/verdict_to_string/all", test_verdict_to_string);
	return g_test_run();
}
