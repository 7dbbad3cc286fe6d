/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "state.h"

typedef struct {
	const char *text;
	int r;
	guint line;           /* first bad line when r < 0 */
	const char *expected; /* af_state_format's records (after the comments) when r == 0 */
} ParseCase;

static const ParseCase parse_cases[] = {
	{ "", 0, 0, "version 1\n" },
	{ "# only a comment\n\n", 0, 0, "version 1\n" },
	{ "version 1\n", 0, 0, "version 1\n" },
	{ "version 1\nunmovable 27 virtio2-request\n", 0, 0,
	  "version 1\nunmovable 27 virtio2-request\n" },
	/* Names keep their spaces: /proc/interrupts joins shared actions with ", ". */
	{ "version 1\nunmovable 9 acpi, i8042\n", 0, 0, "version 1\nunmovable 9 acpi, i8042\n" },
	{ "version 1\nunmovable 0\n", 0, 0, "version 1\nunmovable 0 \n" },
	{ "version 1\noriginal 30 0-1 virtio0-requests\n", 0, 0,
	  "version 1\noriginal 30 0-1 virtio0-requests\n" },
	{ "version 1\noriginal 30 1,0 x\n", 0, 0, "version 1\noriginal 30 0-1 x\n" },
	{ "version 1\noriginal 5 8191 big\n", 0, 0, "version 1\noriginal 5 8191 big\n" },
	/* Records come out sorted by IRQ; a later line for the same IRQ wins. */
	{ "version 1\nunmovable 28 b\nunmovable 2 a\noriginal 40 3 q\noriginal 40 4 r\n", 0, 0,
	  "version 1\nunmovable 2 a\nunmovable 28 b\noriginal 40 4 r\n" },
	{ "version 1\nunmovable 28 b", 0, 0, "version 1\nunmovable 28 b\n" }, /* no final newline */
	{ "unmovable 27 x\n", -EINVAL, 1, NULL },           /* records before the version */
	{ "version 2\n", -EINVAL, 1, NULL },
	{ "version\n", -EINVAL, 1, NULL },
	{ "version 1\nversion 1\n", -EINVAL, 2, NULL },
	{ "version 1 extra\n", -EINVAL, 1, NULL },
	{ "version 1\nfrobnicate 3 x\n", -EINVAL, 2, NULL },
	{ "version 1\n unmovable 3 x\n", -EINVAL, 2, NULL },
	{ "version 1\nunmovable\n", -EINVAL, 2, NULL },
	{ "version 1\nunmovable x name\n", -EINVAL, 2, NULL },
	{ "version 1\nunmovable -1 name\n", -EINVAL, 2, NULL },
	{ "version 1\nunmovable +1 name\n", -EINVAL, 2, NULL },
	{ "version 1\nunmovable 99999999999 name\n", -EINVAL, 2, NULL },
	{ "version 1\n# fine\noriginal 30\n", -EINVAL, 3, NULL },
	{ "version 1\noriginal 30  name\n", -EINVAL, 2, NULL }, /* empty CPU list */
	{ "version 1\noriginal 30 0-x name\n", -EINVAL, 2, NULL },
	{ "version 1\noriginal 30 8192 name\n", -EINVAL, 2, NULL },
};

/* The records of a formatted state: everything after the comment lines. */
static const char *skip_comments(const char *text)
{
	while (text[0] == '#')
		text = strchr(text, '\n') + 1;
	return text;
}

static void test_parse(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(parse_cases); i++) {
		const ParseCase *c = &parse_cases[i];
		g_autoptr(AfState) state = NULL;
		guint line = 0;
		int r;

		g_test_message("case %u: \"%s\"", i, c->text);
		r = af_state_parse(c->text, &state, &line);
		g_assert_cmpint(r, ==, c->r);
		if (r == 0) {
			g_autofree char *text = af_state_format(state);

			g_assert_cmpstr(skip_comments(text), ==, c->expected);
		} else {
			g_assert_null(state);
			g_assert_cmpuint(line, ==, c->line);
		}
	}
}

static void test_round_trip(void)
{
	g_autoptr(AfState) state = af_state_new();
	g_autoptr(AfState) again = NULL;
	g_autoptr(AfCpuSet) wide = af_cpuset_new_range(0, 1023);
	g_autoptr(AfCpuSet) pair = af_cpuset_new_range(0, 1);
	g_autofree char *text = NULL, *text_again = NULL;

	af_state_learn_unmovable(state, 27, "virtio2-request");
	af_state_learn_unmovable(state, 9, "acpi, i8042");
	af_state_remember_original(state, 30, "virtio0-requests", pair);
	af_state_remember_original(state, 1023, "", wide);
	text = af_state_format(state);
	g_assert_cmpint(af_state_parse(text, &again, NULL), ==, 0);
	g_assert_true(af_state_is_unmovable(again, 27, "virtio2-request"));
	g_assert_true(af_state_is_unmovable(again, 9, "acpi, i8042"));
	g_assert_true(af_cpuset_equal(af_state_lookup_original(again, 30, "virtio0-requests"), pair));
	g_assert_true(af_cpuset_equal(af_state_lookup_original(again, 1023, ""), wide));
	text_again = af_state_format(again);
	g_assert_cmpstr(text_again, ==, text);
}

static void test_unmovable_by_name(void)
{
	g_autoptr(AfState) state = af_state_new();

	g_assert_true(af_state_learn_unmovable(state, 27, "virtio2-request"));
	g_assert_false(af_state_learn_unmovable(state, 27, "virtio2-request"));
	g_assert_true(af_state_is_unmovable(state, 27, "virtio2-request"));
	/* A reused number with another name is another IRQ. */
	g_assert_false(af_state_is_unmovable(state, 27, "eth0-rx-0"));
	g_assert_false(af_state_is_unmovable(state, 28, "virtio2-request"));
	g_assert_true(af_state_learn_unmovable(state, 27, "eth0-rx-0"));
	g_assert_false(af_state_is_unmovable(state, 27, "virtio2-request"));
	/* NULL and "" are the same (nameless) IRQ. */
	g_assert_true(af_state_learn_unmovable(state, 2, NULL));
	g_assert_true(af_state_is_unmovable(state, 2, ""));
}

static void test_original_first_wins(void)
{
	g_autoptr(AfState) state = af_state_new();
	g_autoptr(AfCpuSet) first = af_cpuset_new_range(0, 7);
	g_autoptr(AfCpuSet) later = af_cpuset_new_range(0, 0);
	g_autoptr(AfCpuSet) empty = af_cpuset_new();

	g_assert_false(af_state_remember_original(state, 30, "q", empty));
	g_assert_null(af_state_lookup_original(state, 30, "q"));
	g_assert_true(af_state_remember_original(state, 30, "q", first));
	/* After our own write the kernel shows our mask: that is no original. */
	g_assert_false(af_state_remember_original(state, 30, "q", later));
	g_assert_true(af_cpuset_equal(af_state_lookup_original(state, 30, "q"), first));
	g_assert_null(af_state_lookup_original(state, 30, "other"));
	/* The number now names another IRQ: its original replaces the old one. */
	g_assert_true(af_state_remember_original(state, 30, "other", later));
	g_assert_true(af_cpuset_equal(af_state_lookup_original(state, 30, "other"), later));
	g_assert_true(af_state_forget_original(state, 30));
	g_assert_false(af_state_forget_original(state, 30));
	g_assert_null(af_state_lookup_original(state, 30, "other"));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/state/parse/table", test_parse);
	g_test_add_func("/state/format/round_trip", test_round_trip);
	g_test_add_func("/state/learn_unmovable/by_name", test_unmovable_by_name);
	g_test_add_func("/state/remember_original/first_wins", test_original_first_wins);
	return g_test_run();
}
