/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "state.h"

typedef struct {
	const char *text;
	int r;
	guint line;           /* first bad line when r < 0 */
	const char *expected; /* the formatted records (after the comment) when r == 0 */
} ParseCase;

static const ParseCase learned_cases[] = {
	{ "", 0, 0, "" },
	{ "\n\n# comment only\n", 0, 0, "" },
	{ "27 virtio2-request\n", 0, 0, "27 virtio2-request\n" },
	{ "27 virtio2-request", 0, 0, "27 virtio2-request\n" }, /* no final newline */
	{ "27 virtio2-request\r\n", 0, 0, "27 virtio2-request\n" },
	{ "0\n", 0, 0, "0\n" },                                  /* no name */
	{ "2 \n", 0, 0, "2\n" },
	/* Names keep their spaces: /proc/interrupts joins shared actions with ", ". */
	{ "9 acpi, i801_smbus\n", 0, 0, "9 acpi, i801_smbus\n" },
	{ "4294967295 x\n", 0, 0, "4294967295 x\n" },
	{ "27 a\n27 b\n", 0, 0, "27 b\n" },                      /* the later line wins */
	{ "28 b\n# c\n\n2 a\n", 0, 0, "2 a\n28 b\n" },            /* sorted by IRQ */
	{ "4294967296 x\n", -EINVAL, 1, NULL },
	{ "1 a\n-1 x\n", -EINVAL, 2, NULL },
	{ "x 27\n", -EINVAL, 1, NULL },
	{ " 27 x\n", -EINVAL, 1, NULL },
	{ "27x\n", -EINVAL, 1, NULL },
	{ "0x1b x\n", -EINVAL, 1, NULL },
	{ "1 a\n2 b\n\n+3 c\n", -EINVAL, 4, NULL },
};

static const ParseCase originals_cases[] = {
	{ "", 0, 0, "" },
	{ "30 0-1 virtio0-requests\n", 0, 0, "30 0-1 virtio0-requests\n" },
	{ "30 1,0 x", 0, 0, "30 0-1 x\n" },
	{ "30 0-1 acpi, i8042\r\n", 0, 0, "30 0-1 acpi, i8042\n" },
	{ "0 0\n", 0, 0, "0 0\n" },                  /* no name */
	{ "5 8191 big\n", 0, 0, "5 8191 big\n" },
	{ "40 3 q\n# c\n40 4 r\n2 0-7 a\n", 0, 0, "2 0-7 a\n40 4 r\n" },
	{ "30\n", -EINVAL, 1, NULL },                /* no CPU list */
	{ "30 \n", -EINVAL, 1, NULL },
	{ "30  name\n", -EINVAL, 1, NULL },          /* empty CPU list */
	{ "30 0-x name\n", -EINVAL, 1, NULL },
	{ "30 8192 name\n", -EINVAL, 1, NULL },
	{ "30 3-1 name\n", -EINVAL, 1, NULL },
	{ "1 0 a\nx 0 b\n", -EINVAL, 2, NULL },
	{ "-1 0 a\n", -EINVAL, 1, NULL },
};

static const ParseCase bans_cases[] = {
	{ "", 0, 0, "" },
	{ "tuned 4-7\n", 0, 0, "tuned 4-7\n" },
	{ "tuned 7,4,5,6", 0, 0, "tuned 4-7\n" },                  /* no final newline */
	{ "crio@pod 1\r\n# c\n\na.b:c-d 8191\n", 0, 0, "a.b:c-d 8191\ncrio@pod 1\n" },
	{ "tuned  4-7 \n", 0, 0, "tuned 4-7\n" },                 /* blanks around the list */
	{ "tuned\n", -EINVAL, 1, NULL },                           /* no CPU list */
	{ "tuned \n", -EINVAL, 1, NULL },                          /* an empty one */
	{ "tuned 4-x\n", -EINVAL, 1, NULL },
	{ "tuned 8192\n", -EINVAL, 1, NULL },
	{ "a 1\nbad/owner 1\n", -EINVAL, 2, NULL },
	{ " tuned 1\n", -EINVAL, 1, NULL },                        /* no owner before the blank */
	{ "tuned 1\ncrio 2\ntuned 3\n", -EINVAL, 3, NULL },       /* an owner twice */
};

/* The records of a formatted file: everything between the comment and the end line. */
static const char *skip_comment(const char *text)
{
	static char records[4096];
	const char *start, *end;

	g_assert_true(text[0] == '#');
	start = strchr(text, '\n') + 1;
	end = strstr(start, "# end sha256:");
	g_assert_nonnull(end);
	g_assert_cmpuint(strlen(end), ==, strlen("# end sha256:") + 64 + 1);
	g_assert_cmpuint((gsize)(end - start), <, sizeof(records));
	memcpy(records, start, (gsize)(end - start));
	records[end - start] = '\0';
	return records;
}

static void check_parse(const ParseCase *cases, guint n_cases, gboolean originals)
{
	for (guint i = 0; i < n_cases; i++) {
		const ParseCase *c = &cases[i];
		g_autoptr(AfState) state = af_state_new();
		g_autoptr(AfCpuSet) zero = af_cpuset_new_range(0, 0);
		g_autofree char *escaped = g_strescape(c->text, NULL);
		guint line = 0;
		int r;

		g_test_message("case %u: \"%s\"", i, escaped);
		/* Something to keep on failure, and to replace on success. */
		af_state_learn_unmovable(state, 1000, "before");
		af_state_remember_original(state, 1000, "before", zero);
		r = originals ? af_state_parse_originals(state, c->text, &line)
			      : af_state_parse_learned(state, c->text, &line);
		g_assert_cmpint(r, ==, c->r);
		if (r == 0) {
			g_autofree char *text = originals ? af_state_format_originals(state)
							  : af_state_format_learned(state);

			g_assert_cmpstr(skip_comment(text), ==, c->expected);
		} else {
			g_assert_cmpuint(line, ==, c->line);
			if (originals)
				g_assert_nonnull(af_state_lookup_original(state, 1000, "before"));
			else
				g_assert_true(af_state_is_unmovable(state, 1000, "before"));
		}
	}
}

static void test_parse_learned(void)
{
	check_parse(learned_cases, G_N_ELEMENTS(learned_cases), FALSE);
}

static void test_parse_originals(void)
{
	check_parse(originals_cases, G_N_ELEMENTS(originals_cases), TRUE);
}

static guint count_lines(const char *text)
{
	guint n = 0;

	for (const char *p = text; p && *p; p++)
		n += *p == '\n';
	return n;
}

/* The bans file: on failure the bans held before stay; every ban read is persistent. */
static void test_parse_bans(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(bans_cases); i++) {
		const ParseCase *c = &bans_cases[i];
		g_autoptr(AfState) state = af_state_new();
		g_autoptr(AfCpuSet) zero = af_cpuset_new_range(0, 0);
		g_autofree char *escaped = g_strescape(c->text, NULL);
		g_autofree char *text = NULL;
		guint line = 0;
		int r;

		g_test_message("case %u: \"%s\"", i, escaped);
		af_owner_bans_set(state->bans, "before", zero, TRUE);
		r = af_state_parse_bans(state, c->text, &line);
		g_assert_cmpint(r, ==, c->r);
		if (r < 0) {
			g_assert_cmpuint(line, ==, c->line);
			g_assert_nonnull(af_owner_bans_lookup(state->bans, "before"));
			continue;
		}
		g_assert_null(af_owner_bans_lookup(state->bans, "before"));
		text = af_state_format_bans(state);
		g_assert_cmpstr(skip_comment(text), ==, c->expected);
		/* One ban a line of the formatted file. */
		g_assert_cmpuint(af_owner_bans_count(state->bans), ==, count_lines(c->expected));
	}
}

/* Only persistent bans are written; the others end with the run. */
static void test_format_bans_persistent(void)
{
	g_autoptr(AfState) state = af_state_new();
	g_autoptr(AfState) again = af_state_new();
	g_autoptr(AfCpuSet) a = af_cpuset_new_range(4, 7);
	g_autoptr(AfCpuSet) b = af_cpuset_new_range(2, 2);
	g_autofree char *text = NULL;

	af_owner_bans_set(state->bans, "tuned", a, TRUE);
	af_owner_bans_set(state->bans, "socket:intel_lpmd", b, FALSE);
	text = af_state_format_bans(state);
	g_assert_cmpstr(skip_comment(text), ==, "tuned 4-7\n");
	g_assert_cmpint(af_state_parse_bans(again, text, NULL), ==, 0);
	g_assert_cmpuint(af_owner_bans_count(again->bans), ==, 1);
	g_assert_true(af_owner_bans_lookup(again->bans, "tuned")->persist);
	g_assert_true(af_cpuset_equal(af_owner_bans_lookup(again->bans, "tuned")->cpus, a));
}

static void test_round_trip(void)
{
	g_autoptr(AfState) state = af_state_new();
	g_autoptr(AfState) again = NULL;
	g_autoptr(AfCpuSet) wide = af_cpuset_new_range(0, 1023);
	g_autoptr(AfCpuSet) pair = af_cpuset_new_range(0, 1);
	g_autofree char *learned = NULL, *originals = NULL;
	g_autofree char *learned_again = NULL, *originals_again = NULL;

	af_state_learn_unmovable(state, 27, "virtio2-request");
	af_state_learn_unmovable(state, 9, "acpi, i8042");
	af_state_remember_original(state, 30, "virtio0-requests", pair);
	af_state_remember_original(state, 1023, "", wide);
	learned = af_state_format_learned(state);
	originals = af_state_format_originals(state);
	again = af_state_new();
	g_assert_cmpint(af_state_parse_learned(again, learned, NULL), ==, 0);
	g_assert_cmpint(af_state_parse_originals(again, originals, NULL), ==, 0);
	g_assert_true(af_state_is_unmovable(again, 27, "virtio2-request"));
	g_assert_true(af_state_is_unmovable(again, 9, "acpi, i8042"));
	g_assert_true(af_cpuset_equal(af_state_lookup_original(again, 30, "virtio0-requests"), pair));
	g_assert_true(af_cpuset_equal(af_state_lookup_original(again, 1023, ""), wide));
	learned_again = af_state_format_learned(again);
	originals_again = af_state_format_originals(again);
	g_assert_cmpstr(learned_again, ==, learned);
	g_assert_cmpstr(originals_again, ==, originals);
}

/*
 * The placed file: what apply last wrote, held unknown ("-") or a list,
 * read back as written; a bad CPU, list or flag refuses the file and
 * leaves the records held before. Setting the same record again is no news.
 */
static void test_placed(void)
{
	static const struct {
		const char *text;
		int r;
		guint line;
	} bad[] = {
		{"31 x 0-1,5 0-1,5 0 q\n", -EINVAL, 1},
		{"31 5 0-1,5 0-1,5 2 q\n", -EINVAL, 1},
		{"# placed\n31 5 0-1,5 0-1,5\n", -EINVAL, 2},
		{"31 5 - 0-1,5 0 q\n", -EINVAL, 1},
		{"31 5 0-1,5 y 0 q\n", -EINVAL, 1},
		{"31 8192 5 - 0 q\n", -EINVAL, 1},
	};
	g_autoptr(AfState) state = af_state_new();
	g_autoptr(AfState) again = af_state_new();
	g_autoptr(AfCpuSet) whole = NULL, held = NULL;
	g_autofree char *text = NULL, *text_again = NULL;
	const AfPlaced *placed;

	g_assert_cmpint(af_cpuset_parse_list("0-1,5", &whole), ==, 0);
	held = af_cpuset_new_range(0, 5);
	g_assert_true(af_state_set_placed(state, 31, "virtio3-input.3", 5, whole, held, FALSE));
	g_assert_false(af_state_set_placed(state, 31, "virtio3-input.3", 5, whole, held, FALSE));
	g_assert_true(af_state_set_placed(state, 27, "", 0, whole, NULL, TRUE));
	text = af_state_format_placed(state);
	g_assert_cmpstr(skip_comment(text), ==, "27 0 0-1,5 - 1\n31 5 0-1,5 0-5 0 virtio3-input.3\n");
	g_assert_cmpint(af_state_parse_placed(again, text, NULL), ==, 0);
	text_again = af_state_format_placed(again);
	g_assert_cmpstr(text_again, ==, text);
	placed = g_hash_table_lookup(again->placed, GUINT_TO_POINTER(27));
	g_assert_nonnull(placed);
	g_assert_null(placed->held);
	g_assert_true(placed->outside);
	g_assert_cmpstr(placed->name, ==, "");
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		guint line = 0;

		g_test_message("case %u: \"%s\"", i, bad[i].text);
		g_assert_cmpint(af_state_parse_placed(again, bad[i].text, &line), ==, bad[i].r);
		g_assert_cmpuint(line, ==, bad[i].line);
		g_assert_cmpuint(g_hash_table_size(again->placed), ==, 2);
	}
	g_assert_true(af_state_forget_placed(again, 27));
	g_assert_false(af_state_forget_placed(again, 27));
}

/* A line break in a name would split the line: it is written as a space. */
static void test_format_line_breaks(void)
{
	g_autoptr(AfState) state = af_state_new();
	g_autoptr(AfCpuSet) pair = af_cpuset_new_range(0, 1);
	g_autofree char *learned = NULL, *originals = NULL;

	af_state_learn_unmovable(state, 7, "odd\nname");
	af_state_learn_unmovable(state, 8, "cr\rname");
	af_state_remember_original(state, 7, "odd\nname", pair);
	learned = af_state_format_learned(state);
	originals = af_state_format_originals(state);
	g_assert_cmpstr(skip_comment(learned), ==, "7 odd name\n8 cr name\n");
	g_assert_cmpstr(skip_comment(originals), ==, "7 0-1 odd name\n");
}

/*
 * A file as affinityd writes it, cut short anywhere or changed anywhere, is
 * refused with -EBADMSG and its last line; one written by hand (without
 * the header) is read line by line.
 */
static void test_parse_torn(void)
{
	g_autoptr(AfState) state = af_state_new();
	g_autoptr(AfCpuSet) pair = af_cpuset_new_range(0, 1);
	g_autofree char *learned = NULL, *originals = NULL, *bans = NULL;
	int (*const parse[])(AfState *, const char *, guint *) = {
		af_state_parse_learned, af_state_parse_originals, af_state_parse_bans
	};

	af_state_learn_unmovable(state, 27, "virtio2-request");
	af_state_learn_unmovable(state, 28, "virtio2-request");
	af_state_remember_original(state, 30, "virtio0-requests", pair);
	af_owner_bans_set(state->bans, "tuned", pair, TRUE);
	learned = af_state_format_learned(state);
	originals = af_state_format_originals(state);
	bans = af_state_format_bans(state);
	for (guint pass = 0; pass < G_N_ELEMENTS(parse); pass++) {
		const char *whole = pass == 0 ? learned : pass == 1 ? originals : bans;
		gsize len = strlen(whole);

		for (gsize cut = 1; cut < len; cut++) {
			g_autofree char *torn = g_strndup(whole, cut);
			g_autofree char *changed = g_strdup(whole);
			g_autoptr(AfState) s = af_state_new();
			guint line = 0;
			int r;

			r = parse[pass](s, torn, &line);
			if (cut >= (gsize)(strchr(whole, '\n') - whole) + 1) {
				/* Once the header line is there the file is affinityd's. */
				g_assert_cmpint(r, ==, -EBADMSG);
				g_assert_cmpuint(line, >=, 1);
			}
			/* A changed byte (not of the header) breaks the sum. */
			if (cut < (gsize)(strchr(whole, '\n') - whole) + 1 || changed[cut] == '\n')
				continue;
			changed[cut] = changed[cut] == '1' ? '2' : '1';
			r = parse[pass](s, changed, &line);
			g_assert_cmpint(r, ==, -EBADMSG);
		}
	}
	/* By hand: no header, no end line. */
	g_assert_cmpint(af_state_parse_learned(state, "27 virtio2-request\n", NULL), ==, 0);
	g_assert_cmpint(af_state_parse_originals(state, "# mine\n30 0-1 x\n", NULL), ==, 0);
	g_assert_cmpint(af_state_parse_bans(state, "tuned 0-1\n", NULL), ==, 0);
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
	g_test_set_nonfatal_assertions();
	g_test_add_func("/state/parse_learned/table", test_parse_learned);
	g_test_add_func("/state/parse_originals/table", test_parse_originals);
	g_test_add_func("/state/parse_bans/table", test_parse_bans);
	g_test_add_func("/state/format_bans/persistent_only", test_format_bans_persistent);
	g_test_add_func("/state/format/round_trip", test_round_trip);
	g_test_add_func("/state/placed", test_placed);
	g_test_add_func("/state/format/line_breaks", test_format_line_breaks);
	g_test_add_func("/state/parse/torn", test_parse_torn);
	g_test_add_func("/state/learn_unmovable/by_name", test_unmovable_by_name);
	g_test_add_func("/state/remember_original/first_wins", test_original_first_wins);
	return g_test_run();
}
