/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "learned.h"

/* A reused IRQ number under another name is another IRQ. */
static void test_contains(void)
{
	g_autoptr(GHashTable) learned = af_learned_new();

	g_assert_false(af_learned_contains(NULL, 27, "virtio2-request"));
	af_learned_add(learned, 27, "virtio2-request");
	af_learned_add(learned, 0, NULL);
	g_assert_true(af_learned_contains(learned, 27, "virtio2-request"));
	g_assert_false(af_learned_contains(learned, 27, "eth0-rx-0"));
	g_assert_false(af_learned_contains(learned, 28, "virtio2-request"));
	g_assert_true(af_learned_contains(learned, 0, ""));
	g_assert_true(af_learned_contains(learned, 0, NULL));
}

/* A later name replaces the earlier one: the number now names that IRQ. */
static void test_add_replaces(void)
{
	g_autoptr(GHashTable) learned = af_learned_new();

	af_learned_add(learned, 27, "virtio2-request");
	af_learned_add(learned, 27, "eth0-rx-0");
	g_assert_cmpuint(g_hash_table_size(learned), ==, 1);
	g_assert_false(af_learned_contains(learned, 27, "virtio2-request"));
	g_assert_true(af_learned_contains(learned, 27, "eth0-rx-0"));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/learned/contains/name", test_contains);
	g_test_add_func("/learned/add/replaces", test_add_replaces);
	return g_test_run();
}
