/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "fakemachine.h"
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
	g_assert_cmpstr(af_move_guard_verdict_to_string(AF_MOVE_ALLOW), ==, "allow");
	g_assert_cmpstr(af_move_guard_verdict_to_string(AF_MOVE_DEFER), ==, "defer");
	g_assert_cmpstr(af_move_guard_verdict_to_string(AF_MOVE_FIGHT), ==, "fight");
}

static AfIrq *add_irq(AfSnapshot *s, guint number, const char *affinity, const char *effective)
{
	g_autofree char *name = g_strdup_printf("irq%u", number);
	AfIrq *irq = af_fake_irq_new(number, name, affinity, effective);

	af_snapshot_add_irq(s, irq);
	return irq;
}

/*
 * Before a plan: IRQs at the window's write limit are held for the fight;
 * IRQs any move of which would only shift load (placed before, served
 * inside housekeeping) are held inside the minimum interval, unless the
 * event is a repair. First placements and IRQs on isolated CPUs never wait.
 */
static void test_hold(void)
{
	g_autoptr(AfMoveGuard) g = af_move_guard_new(60000);
	g_autoptr(AfSnapshot) s = af_snapshot_new();
	g_autoptr(AfCpuSet) housekeeping = af_cpuset_new_range(0, 3);
	g_autoptr(AfPlacement) previous = af_plan_placement_new();
	g_autoptr(AfCpuSet) one = af_cpuset_new_range(1, 1);
	g_autoptr(AfLimits) quiet = af_limits_new(), repair = af_limits_new();
	AfHold why;

	add_irq(s, 40, "1", "1");   /* placed before, on housekeeping: a load move */
	add_irq(s, 41, "0-7", "6"); /* placed before, now on isolated CPU 6: a repair */
	add_irq(s, 42, "2", "2");   /* never placed: a first placement */
	add_irq(s, 43, "3", "3");   /* never written */
	add_irq(s, 44, "1", "1");   /* written twice this window */
	add_irq(s, 45, "1", "1")->managed = TRUE; /* never ours to hold */
	g_hash_table_insert(previous, GUINT_TO_POINTER(40), one);
	g_hash_table_insert(previous, GUINT_TO_POINTER(41), one);
	g_hash_table_insert(previous, GUINT_TO_POINTER(44), one);
	g_hash_table_insert(previous, GUINT_TO_POINTER(45), one);
	af_move_guard_open_window(g);
	for (guint irq = 40; irq <= 45; irq++)
		if (irq != 43)
			af_move_guard_record(g, irq, 100 * SEC);
	af_move_guard_record(g, 44, 100 * SEC);

	af_move_guard_hold(g, s, housekeeping, previous, FALSE, 130 * SEC, quiet);
	g_assert_true(af_limits_is_held(quiet, 40, &why));
	g_assert_cmpint(why, ==, AF_HOLD_INTERVAL);
	g_assert_false(af_limits_is_held(quiet, 41, NULL));
	g_assert_false(af_limits_is_held(quiet, 42, NULL));
	g_assert_false(af_limits_is_held(quiet, 43, NULL));
	g_assert_true(af_limits_is_held(quiet, 44, &why));
	g_assert_cmpint(why, ==, AF_HOLD_FIGHT);
	g_assert_false(af_limits_is_held(quiet, 45, NULL));

	/* A repair event: only the fight holds; past the interval nothing waits. */
	af_move_guard_hold(g, s, housekeeping, previous, TRUE, 130 * SEC, repair);
	g_assert_false(af_limits_is_held(repair, 40, NULL));
	g_assert_true(af_limits_is_held(repair, 44, &why));
	g_assert_cmpint(why, ==, AF_HOLD_FIGHT);
	g_hash_table_remove_all(quiet->held);
	af_move_guard_hold(g, s, housekeeping, previous, FALSE, 160 * SEC, quiet);
	g_assert_false(af_limits_is_held(quiet, 40, NULL));
	g_assert_cmpuint(g_hash_table_size(quiet->held), ==, 1);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/moveguard/check/load-waits-repair-does-not", test_load_waits_repair_does_not);
	g_test_add_func("/moveguard/check/fight-stops", test_fight_stops);
	g_test_add_func("/moveguard/forget/reused-number", test_forget);
	g_test_add_func("/moveguard/hold/limits", test_hold);
	g_test_add_func("/moveguard/verdict_to_string/all", test_verdict_to_string);
	return g_test_run();
}
