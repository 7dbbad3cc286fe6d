/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "learned.h"

typedef struct {
	const char *text;
	int r;
	guint line;           /* the bad line when r < 0 */
	guint n;              /* entries when r == 0 */
	guint irq;            /* one entry to look up */
	const char *name;
} ParseCase;

static const ParseCase parse_cases[] = {
	{ "", 0, 0, 0, 0, NULL },
	{ "\n\n", 0, 0, 0, 0, NULL },
	{ "# comment only\n", 0, 0, 0, 0, NULL },
	{ "27 virtio2-request\n", 0, 0, 1, 27, "virtio2-request" },
	{ "27 virtio2-request", 0, 0, 1, 27, "virtio2-request" }, /* no final newline */
	{ "27 virtio2-request\r\n", 0, 0, 1, 27, "virtio2-request" },
	{ "0\n", 0, 0, 1, 0, "" },                                /* no name */
	{ "2 \n", 0, 0, 1, 2, "" },
	{ "9 acpi, i801_smbus\n", 0, 0, 1, 9, "acpi, i801_smbus" }, /* shared line */
	{ "4294967295 x\n", 0, 0, 1, 4294967295u, "x" },
	{ "27 a\n27 b\n", 0, 0, 1, 27, "b" },                     /* the later line wins */
	{ "1 a\n# c\n\n2 b\n", 0, 0, 2, 2, "b" },
	{ "4294967296 x\n", -EINVAL, 1, 0, 0, NULL },
	{ "1 a\n-1 x\n", -EINVAL, 2, 0, 0, NULL },
	{ "x 27\n", -EINVAL, 1, 0, 0, NULL },
	{ " 27 x\n", -EINVAL, 1, 0, 0, NULL },
	{ "27x\n", -EINVAL, 1, 0, 0, NULL },
	{ "0x1b x\n", -EINVAL, 1, 0, 0, NULL },
	{ "1 a\n2 b\n\n+3 c\n", -EINVAL, 4, 0, 0, NULL },
};

static void test_parse(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(parse_cases); i++) {
		const ParseCase *c = &parse_cases[i];
		g_autoptr(GHashTable) learned = NULL;
		g_autofree char *escaped = g_strescape(c->text, NULL);
		guint line = 0;
		int r;

		g_test_message("case %u: \"%s\"", i, escaped);
		r = af_learned_parse(c->text, &learned, &line);
		g_assert_cmpint(r, ==, c->r);
		if (r < 0) {
			g_assert_null(learned);
			g_assert_cmpuint(line, ==, c->line);
			continue;
		}
		g_assert_cmpuint(g_hash_table_size(learned), ==, c->n);
		if (c->name) {
			g_assert_true(af_learned_contains(learned, c->irq, c->name));
			g_assert_false(af_learned_contains(learned, c->irq, "other"));
		}
	}
}

/* A reused IRQ number under another name is another IRQ. */
static void test_contains(void)
{
	g_autoptr(GHashTable) learned = af_learned_new();

	af_learned_add(learned, 27, "virtio2-request");
	af_learned_add(learned, 0, NULL);
	g_assert_true(af_learned_contains(learned, 27, "virtio2-request"));
	g_assert_false(af_learned_contains(learned, 27, "eth0-rx-0"));
	g_assert_false(af_learned_contains(learned, 28, "virtio2-request"));
	g_assert_true(af_learned_contains(learned, 0, ""));
	g_assert_true(af_learned_contains(learned, 0, NULL));
}

static void test_format(void)
{
	g_autoptr(GHashTable) learned = af_learned_new();
	g_autoptr(GHashTable) again = NULL;
	g_autofree char *text = NULL;

	af_learned_add(learned, 28, "virtio2-request");
	af_learned_add(learned, 2, "");
	af_learned_add(learned, 100, "a, b");
	af_learned_add(learned, 7, "odd\nname");
	text = af_learned_format(learned);
	g_assert_cmpstr(text, ==,
			"# IRQs whose affinity the kernel refused to change: IRQ NAME\n"
			"2\n"
			"7 odd name\n"
			"28 virtio2-request\n"
			"100 a, b\n");
	g_assert_cmpint(af_learned_parse(text, &again, NULL), ==, 0);
	g_assert_cmpuint(g_hash_table_size(again), ==, 4);
	g_assert_true(af_learned_contains(again, 2, ""));
	g_assert_true(af_learned_contains(again, 100, "a, b"));
}

static void test_load_save(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *dir = g_dir_make_tmp("test-learned-XXXXXX", &error);
	g_autofree char *path = NULL;
	g_autofree char *missing = NULL;
	g_autoptr(GHashTable) learned = af_learned_new();
	g_autoptr(GHashTable) loaded = NULL;
	g_autoptr(GHashTable) none = NULL;

	g_assert_no_error(error);
	path = g_build_filename(dir, AF_LEARNED_FILE, NULL);
	missing = g_build_filename(dir, "missing", NULL);
	g_assert_cmpint(af_learned_load(dir, &none), ==, -ENOENT);
	g_assert_cmpint(af_learned_load(missing, &none), ==, -ENOENT);
	g_assert_null(none);

	af_learned_add(learned, 27, "virtio2-request");
	g_assert_cmpint(af_learned_save(dir, learned), ==, 0);
	g_assert_cmpint(af_learned_load(dir, &loaded), ==, 0);
	g_assert_cmpuint(g_hash_table_size(loaded), ==, 1);
	g_assert_true(af_learned_contains(loaded, 27, "virtio2-request"));

	g_assert_true(g_file_set_contents(path, "27 ok\nbroken\n", -1, NULL));
	g_assert_cmpint(af_learned_load(dir, &none), ==, -EINVAL);
	g_assert_null(none);
	g_assert_cmpint(af_learned_save(missing, learned), ==, -ENOENT);

	g_assert_cmpint(g_unlink(path), ==, 0);
	g_assert_cmpint(g_rmdir(dir), ==, 0);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/learned/parse/cases", test_parse);
	g_test_add_func("/learned/contains/name", test_contains);
	g_test_add_func("/learned/format/round_trip", test_format);
	g_test_add_func("/learned/load/save", test_load_save);
	return g_test_run();
}
