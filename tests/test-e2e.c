/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * End to end: the built daemon/affinityd and daemon/affinityd-capture run
 * as an operator runs them, against fixture trees copied into a temporary
 * directory and, read only, against this machine. Golden plans live in
 * tests/golden/ and are rewritten only when AF_REGENERATE_GOLDEN=1.
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

#define FIXTURE "qemu-managed-doc-example"

typedef struct {
	int status; /* exit status, -1 when killed */
	char *out;
	char *err;
} Run;

static void run_clear(Run *run)
{
	g_free(run->out);
	g_free(run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Run, run_clear)

static char *program(const char *name)
{
	return g_test_build_filename(G_TEST_BUILT, "..", "daemon", name, NULL);
}

/* Runs argv (NULL-terminated) and collects its exit status and output. */
static void run_argv(const char *const *argv, Run *run)
{
	g_autoptr(GError) error = NULL;
	int wait_status = 0;

	if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &run->out,
			  &run->err, &wait_status, &error)) {
		af_test_fail("cannot run %s: %s", argv[0], error->message);
		run->status = -1;
		return;
	}
	run->status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
	if (run->err && *run->err)
		g_test_message("%s stderr: %s", argv[0], run->err);
}

/* TRUE when the program exited 0 with its output; else fails the case. */
static gboolean succeeded(const Run *run)
{
	g_assert_cmpint(run->status, ==, 0);
	return run->status == 0 && run->out;
}

/*
 * affinityd --dry-run on root, isolated from this host's own settings: an
 * empty config (the defaults) and an empty state directory.
 */
static void dry_run(const char *root, gboolean json, const char *config, const char *state_dir,
		    Run *run)
{
	g_autofree char *affinityd = program("affinityd");
	const char *argv[] = { affinityd, "--dry-run", "--sysroot", root, "--config", config,
			       "--state-dir", state_dir, json ? "--json" : NULL, NULL };

	run_argv(argv, run);
}

typedef struct {
	char *tmp;       /* the test's temporary directory */
	char *root;      /* the fixture, extracted */
	char *config;    /* an empty config file */
	char *state_dir; /* an empty state directory */
} Tree;

static void tree_clear(Tree *t)
{
	/* Captured files may be read-only; rm needs write on the directories only. */
	const char *argv[] = { "rm", "-rf", t->tmp, NULL };
	Run run = { 0 };

	if (t->tmp) {
		run_argv(argv, &run);
		run_clear(&run);
	}
	g_free(t->tmp);
	g_free(t->root);
	g_free(t->config);
	g_free(t->state_dir);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Tree, tree_clear)

static void tree_extract(Tree *t, const char *fixture)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *name = g_strconcat(fixture, ".tar.gz", NULL);
	g_autofree char *tarball = g_test_build_filename(G_TEST_DIST, "fixtures", "sysroots", name,
							 NULL);
	g_auto(Run) run = { 0 };

	/* Without its tree no case can run: abort. */
	t->tmp = g_dir_make_tmp("affinityd-e2e-XXXXXX", &error);
	if (!t->tmp)
		g_error("no temporary directory: %s", error->message);
	t->root = g_build_filename(t->tmp, "root", NULL);
	t->config = g_build_filename(t->tmp, "empty.conf", NULL);
	t->state_dir = g_build_filename(t->tmp, "state", NULL);
	if (g_mkdir(t->root, 0755) < 0 || g_mkdir(t->state_dir, 0755) < 0 ||
	    !g_file_set_contents(t->config, "", 0, NULL))
		g_error("cannot make directories in %s: %s", t->tmp, g_strerror(errno));
	run_argv((const char *const[]){ "tar", "-xzf", tarball, "-C", t->root, NULL }, &run);
	if (run.status != 0)
		g_error("cannot unpack %s", tarball);
}

/* One line per entry of the tree: path, type, mode and content checksum (or link target). */
static void list_tree(const char *root, const char *rel, GPtrArray *lines)
{
	g_autofree char *dir_path = g_build_filename(root, rel, NULL);
	g_autoptr(GDir) dir = g_dir_open(dir_path, 0, NULL);
	const char *name;

	g_assert_nonnull(dir);
	while (dir && (name = g_dir_read_name(dir))) {
		g_autofree char *entry = *rel ? g_build_filename(rel, name, NULL) : g_strdup(name);
		g_autofree char *path = g_build_filename(root, entry, NULL);
		struct stat st;

		g_assert_cmpint(lstat(path, &st), ==, 0);
		if (S_ISLNK(st.st_mode)) {
			g_autofree char *target = g_file_read_link(path, NULL);

			g_ptr_array_add(lines, g_strdup_printf("%s link %s", entry, target));
		} else if (S_ISDIR(st.st_mode)) {
			g_ptr_array_add(lines, g_strdup_printf("%s dir %o", entry, st.st_mode & 07777));
			list_tree(root, entry, lines);
		} else {
			g_autofree char *data = NULL;
			g_autofree char *sum = NULL;
			gsize len = 0;

			g_assert_true(g_file_get_contents(path, &data, &len, NULL));
			sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (guchar *)data, len);
			g_ptr_array_add(lines, g_strdup_printf("%s file %o %s %" G_GINT64_FORMAT,
							       entry, st.st_mode & 07777, sum,
							       (gint64)st.st_mtim.tv_sec));
		}
	}
}

static gint compare_strings(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static char *tree_fingerprint(const char *root)
{
	g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);

	list_tree(root, "", lines);
	g_ptr_array_sort(lines, compare_strings);
	g_ptr_array_add(lines, NULL);
	return g_strjoinv("\n", (char **)lines->pdata);
}

/* The JSON document of text; NULL, failing the case, when it is not one object. */
static JsonNode *parse_json(const char *text)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error = NULL;

	if (!text || !json_parser_load_from_data(parser, text, -1, &error)) {
		af_test_fail("not JSON: %s", error ? error->message : "no output");
		return NULL;
	}
	if (!JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
		af_test_fail("not a JSON object: %s", text);
		return NULL;
	}
	return json_node_copy(json_parser_get_root(parser));
}

static JsonObject *find_irq(JsonObject *root, gint64 number)
{
	JsonArray *irqs = json_object_get_array_member(root, "irqs");

	for (guint i = 0; i < json_array_get_length(irqs); i++) {
		JsonObject *irq = json_array_get_object_element(irqs, i);

		if (json_object_get_int_member(irq, "irq") == number)
			return irq;
	}
	return NULL;
}

/* Member of type: G_TYPE_STRING, G_TYPE_INT64, G_TYPE_BOOLEAN, or G_TYPE_NONE for an array. */
static void assert_member_type(JsonObject *o, const char *member, GType type, gboolean nullable)
{
	JsonNode *node = json_object_get_member(o, member);

	g_test_message("member %s", member);
	g_assert_nonnull(node);
	if (nullable && JSON_NODE_HOLDS_NULL(node))
		return;
	if (type == G_TYPE_NONE) {
		g_assert_true(JSON_NODE_HOLDS_ARRAY(node));
		return;
	}
	g_assert_true(JSON_NODE_HOLDS_VALUE(node));
	g_assert_cmpint(json_node_get_value_type(node), ==, type);
}

/* Every IRQ has the schema's fields, typed; the summary counts the actions. */
static void assert_schema(JsonObject *root)
{
	JsonArray *irqs = json_object_get_array_member(root, "irqs");
	JsonObject *summary = json_object_get_object_member(root, "summary");
	JsonObject *cpus = json_object_get_object_member(root, "cpus");
	gint64 counts[3] = { 0, 0, 0 };
	gint64 previous = -1;

	g_assert_cmpint(json_object_get_int_member(root, "version"), ==, 1);
	for (const char *const *m = (const char *const[]){ "online", "isolated", "housekeeping",
							    NULL }; *m; m++)
		assert_member_type(cpus, *m, G_TYPE_STRING, FALSE);
	g_assert_nonnull(json_object_get_object_member(cpus, "sources"));
	assert_member_type(root, "warnings", G_TYPE_NONE, FALSE);
	for (guint i = 0; i < json_array_get_length(irqs); i++) {
		JsonObject *irq = json_array_get_object_element(irqs, i);
		const char *action;

		g_assert_cmpuint(json_object_get_size(irq), ==, 18);
		assert_member_type(irq, "irq", G_TYPE_INT64, FALSE);
		g_assert_cmpint(json_object_get_int_member(irq, "irq"), >, previous);
		previous = json_object_get_int_member(irq, "irq");
		assert_member_type(irq, "name", G_TYPE_STRING, FALSE);
		assert_member_type(irq, "device", G_TYPE_STRING, TRUE);
		assert_member_type(irq, "driver", G_TYPE_STRING, TRUE);
		assert_member_type(irq, "class", G_TYPE_STRING, FALSE);
		assert_member_type(irq, "numa_node", G_TYPE_INT64, TRUE);
		assert_member_type(irq, "interface", G_TYPE_STRING, TRUE);
		assert_member_type(irq, "queue", G_TYPE_INT64, TRUE);
		assert_member_type(irq, "managed", G_TYPE_BOOLEAN, FALSE);
		assert_member_type(irq, "managed_source", G_TYPE_STRING, TRUE);
		assert_member_type(irq, "movable", G_TYPE_BOOLEAN, FALSE);
		assert_member_type(irq, "current", G_TYPE_STRING, TRUE);
		assert_member_type(irq, "effective", G_TYPE_STRING, TRUE);
		assert_member_type(irq, "planned", G_TYPE_STRING, TRUE);
		assert_member_type(irq, "fallback", G_TYPE_STRING, TRUE);
		assert_member_type(irq, "action", G_TYPE_STRING, FALSE);
		assert_member_type(irq, "reason", G_TYPE_STRING, FALSE);
		assert_member_type(irq, "warnings", G_TYPE_NONE, FALSE);
		action = json_object_get_string_member(irq, "action");
		if (g_str_equal(action, "move"))
			counts[0]++;
		else if (g_str_equal(action, "keep"))
			counts[1]++;
		else if (g_str_equal(action, "skip"))
			counts[2]++;
		else
			af_test_fail("IRQ %" G_GINT64_FORMAT ": unknown action \"%s\"", previous,
				     action);
		/* Skip means never written: nothing planned. Move and keep hold a mask. */
		g_assert_cmpint(json_object_get_null_member(irq, "planned"), ==,
				g_str_equal(action, "skip"));
	}
	g_assert_cmpint(json_object_get_int_member(summary, "move"), ==, counts[0]);
	g_assert_cmpint(json_object_get_int_member(summary, "keep"), ==, counts[1]);
	g_assert_cmpint(json_object_get_int_member(summary, "skip"), ==, counts[2]);
}

/*
 * The QEMU capture: irqaffinity=0,1 isolcpus=domain,2-7
 * isolcpus=managed_irq,1-3,5-7 leaves CPU 0 alone for IRQs. The
 * virtio-scsi request queues 27 (mask 0-3, served by CPU 0) and 28 (mask
 * 4-7, served by CPU 4) are kernel-managed: skipped, and 28 is the case
 * managed_irq isolation cannot help: served by isolated CPU 4.
 */
static void test_fixture_json(void)
{
	g_auto(Tree) t = { 0 };
	g_auto(Run) run = { 0 };
	g_autofree char *before = NULL;
	g_autofree char *after = NULL;
	g_autoptr(JsonNode) node = NULL;
	JsonObject *root, *cpus, *q0, *q1;
	JsonArray *warnings;
	gboolean warned = FALSE;

	tree_extract(&t, FIXTURE);
	before = tree_fingerprint(t.root);
	dry_run(t.root, TRUE, t.config, t.state_dir, &run);
	after = tree_fingerprint(t.root);
	g_assert_cmpstr(before, ==, after);
	if (!succeeded(&run) || !(node = parse_json(run.out)))
		return;
	root = json_node_get_object(node);
	assert_schema(root);
	cpus = json_object_get_object_member(root, "cpus");
	g_assert_cmpstr(json_object_get_string_member(cpus, "online"), ==, "0-7");
	g_assert_cmpstr(json_object_get_string_member(cpus, "housekeeping"), ==, "0");
	g_assert_cmpstr(json_object_get_string_member(cpus, "isolated"), ==, "1-7");

	q0 = find_irq(root, 27);
	q1 = find_irq(root, 28);
	g_assert_nonnull(q0);
	g_assert_nonnull(q1);
	if (!q0 || !q1)
		return;
	for (JsonObject **q = (JsonObject *[]){ q0, q1, NULL }; *q; q++) {
		g_assert_cmpstr(json_object_get_string_member(*q, "action"), ==, "skip");
		g_assert_true(json_object_get_boolean_member(*q, "managed"));
		g_assert_false(json_object_get_boolean_member(*q, "movable"));
		g_assert_cmpstr(json_object_get_string_member(*q, "name"), ==, "virtio2-request");
	}
	g_assert_cmpstr(json_object_get_string_member(q0, "current"), ==, "0-3");
	g_assert_cmpstr(json_object_get_string_member(q1, "current"), ==, "4-7");
	g_assert_cmpstr(json_object_get_string_member(q1, "effective"), ==, "4");
	warnings = json_object_get_array_member(q1, "warnings");
	for (guint i = 0; i < json_array_get_length(warnings); i++) {
		const char *w = json_array_get_string_element(warnings, i);

		g_test_message("IRQ 28: %s", w);
		if (strstr(w, "isolated") && strstr(w, "4"))
			warned = TRUE;
	}
	g_assert_true(warned);
	/* IRQ 27 is served by housekeeping CPU 0: nothing to warn about. */
	g_assert_cmpuint(json_array_get_length(json_object_get_array_member(q0, "warnings")), ==, 0);
}

/* The table says the same as the JSON: a row per IRQ and the same summary. */
static void test_fixture_table(void)
{
	g_auto(Tree) t = { 0 };
	g_auto(Run) table = { 0 };
	g_auto(Run) json = { 0 };
	g_autoptr(JsonNode) node = NULL;
	g_autofree char *summary = NULL;
	g_auto(GStrv) lines = NULL;
	JsonObject *root, *counts;
	JsonArray *irqs;
	gboolean row_28 = FALSE;

	tree_extract(&t, FIXTURE);
	dry_run(t.root, FALSE, t.config, t.state_dir, &table);
	dry_run(t.root, TRUE, t.config, t.state_dir, &json);
	if (!succeeded(&table) || !succeeded(&json) || !(node = parse_json(json.out)))
		return;
	root = json_node_get_object(node);
	irqs = json_object_get_array_member(root, "irqs");
	counts = json_object_get_object_member(root, "summary");

	lines = g_strsplit(table.out, "\n", -1);
	g_assert_true(g_str_has_prefix(lines[0], "IRQ "));
	g_assert_nonnull(strstr(lines[0], "CURRENT"));
	for (guint i = 0; i < json_array_get_length(irqs); i++) {
		JsonObject *irq = json_array_get_object_element(irqs, i);
		g_autofree char *number = g_strdup_printf("%" G_GINT64_FORMAT " ",
							  json_object_get_int_member(irq, "irq"));
		const char *line = lines[i + 1];

		g_assert_nonnull(line);
		if (!line)
			break;
		g_assert_true(g_str_has_prefix(line, number));
		g_assert_nonnull(strstr(line, json_object_get_string_member(irq, "action")));
	}
	/* IRQ 28's row: its mask, the isolated CPU serving it, nothing planned. */
	for (guint i = 1; lines[i]; i++) {
		if (!g_str_has_prefix(lines[i], "28 "))
			continue;
		g_assert_nonnull(strstr(lines[i], " 4-7 (eff 4) "));
		g_assert_nonnull(strstr(lines[i], " -> -  "));
		g_assert_nonnull(strstr(lines[i], " skip "));
		row_28 = TRUE;
	}
	g_assert_true(row_28);
	summary = g_strdup_printf("\n%" G_GINT64_FORMAT " move, %" G_GINT64_FORMAT
				  " keep, %" G_GINT64_FORMAT " skip\n",
				  json_object_get_int_member(counts, "move"),
				  json_object_get_int_member(counts, "keep"),
				  json_object_get_int_member(counts, "skip"));
	g_assert_true(g_str_has_suffix(table.out, summary));
}

/*
 * The plan of a fixture (data: its name), byte for byte; AF_REGENERATE_GOLDEN=1
 * rewrites it. qemu-virtio-net (Debian 6.1, 8 CPUs, 5-7 isolated, virtio-net
 * with 4 queue pairs) holds the steering plan of a real multi-queue NIC.
 */
static void test_fixture_golden(gconstpointer data)
{
	const char *fixture = data;
	g_auto(Tree) t = { 0 };
	g_auto(Run) run = { 0 };
	g_autofree char *golden_path = NULL;
	g_autofree char *golden = NULL;
	g_autofree char *golden_name = g_strconcat(fixture, ".json", NULL);
	const char *regenerate = g_getenv("AF_REGENERATE_GOLDEN");

	tree_extract(&t, fixture);
	dry_run(t.root, TRUE, t.config, t.state_dir, &run);
	if (!succeeded(&run))
		return;
	golden_path = g_test_build_filename(G_TEST_DIST, "golden", golden_name, NULL);
	if (regenerate && g_str_equal(regenerate, "1")) {
		g_autoptr(GError) error = NULL;

		g_file_set_contents(golden_path, run.out, -1, &error);
		g_assert_no_error(error);
		g_test_message("regenerated %s", golden_path);
		return;
	}
	if (!g_file_get_contents(golden_path, &golden, NULL, NULL)) {
		g_test_message("%s is missing: review the plan and run make check "
			       "AF_REGENERATE_GOLDEN=1 to write it",
			       golden_path);
		g_test_fail();
		return;
	}
	if (!g_str_equal(golden, run.out))
		g_test_message("the plan differs from %s; if the change is intended, review it "
			       "and regenerate with AF_REGENERATE_GOLDEN=1. New plan:\n%s",
			       golden_path, run.out);
	g_assert_cmpstr(run.out, ==, golden);
}

/* A capture of the fixture plans exactly as the fixture itself. */
static void test_capture_fixture(void)
{
	g_auto(Tree) t = { 0 };
	g_auto(Run) capture = { 0 };
	g_auto(Run) original = { 0 };
	g_auto(Run) copy = { 0 };
	g_autofree char *capture_tool = program("affinityd-capture");
	g_autofree char *dest = NULL;
	g_autofree char *before = NULL;
	g_autofree char *after = NULL;
	g_autofree char *interrupts = NULL;

	tree_extract(&t, FIXTURE);
	dest = g_build_filename(t.tmp, "captured", NULL);
	before = tree_fingerprint(t.root);
	run_argv((const char *const[]){ capture_tool, "--sysroot", t.root, dest, NULL }, &capture);
	if (!succeeded(&capture))
		return;
	g_assert_nonnull(strstr(capture.out, "proc/interrupts\n"));
	after = tree_fingerprint(t.root);
	g_assert_cmpstr(before, ==, after);

	interrupts = g_build_filename(dest, "proc", "interrupts", NULL);
	g_assert_true(g_file_test(interrupts, G_FILE_TEST_IS_REGULAR));
	dry_run(t.root, TRUE, t.config, t.state_dir, &original);
	dry_run(dest, TRUE, t.config, t.state_dir, &copy);
	if (succeeded(&original) && succeeded(&copy))
		g_assert_cmpstr(copy.out, ==, original.out);

	/* A second capture into a non-empty DIR is refused, not mixed in. */
	{
		g_auto(Run) again = { 0 };

		run_argv((const char *const[]){ capture_tool, "--sysroot", t.root, dest, NULL },
			 &again);
		g_assert_cmpint(again.status, ==, 1);
	}
}

/* A broken config stops dry-run with exit 1 and "affinityd: PATH:LINE: reason". */
static void test_bad_config(void)
{
	g_auto(Tree) t = { 0 };
	g_auto(Run) run = { 0 };
	g_autofree char *config = NULL;
	g_autofree char *prefix = NULL;

	tree_extract(&t, FIXTURE);
	config = g_build_filename(t.tmp, "bad.conf", NULL);
	g_assert_true(g_file_set_contents(config, "[placement]\nmode = spread\nthis is not ini\n",
					  -1, NULL));
	dry_run(t.root, TRUE, config, t.state_dir, &run);
	g_assert_cmpint(run.status, ==, 1);
	g_assert_cmpstr(run.out, ==, "");
	prefix = g_strdup_printf("affinityd: %s:3: ", config);
	g_assert_true(run.err && g_str_has_prefix(run.err, prefix));
}

/* --config names a file on purpose: one that is not there is an error, not the defaults. */
static void test_missing_config(void)
{
	g_auto(Tree) t = { 0 };
	g_auto(Run) run = { 0 };
	g_autofree char *config = NULL;
	g_autofree char *expected = NULL;

	tree_extract(&t, FIXTURE);
	config = g_build_filename(t.tmp, "typo.conf", NULL);
	dry_run(t.root, FALSE, config, t.state_dir, &run);
	g_assert_cmpint(run.status, ==, 1);
	g_assert_cmpstr(run.out, ==, "");
	expected = g_strdup_printf("affinityd: %s: No such file or directory (given with "
				   "--config)\n",
				   config);
	g_assert_cmpstr(run.err, ==, expected);
}

/* IRQ numbers of /proc/interrupts (rows "N:"; NMI, LOC... are not IRQs). */
static GHashTable *read_live_irqs(void)
{
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	GHashTable *irqs = g_hash_table_new(g_direct_hash, g_direct_equal);

	g_assert_true(g_file_get_contents("/proc/interrupts", &text, NULL, NULL));
	if (!text)
		return irqs;
	lines = g_strsplit(text, "\n", -1);
	for (guint i = 1; lines[i]; i++) {
		g_autofree char *label = g_strndup(g_strchug(lines[i]), strcspn(lines[i], ":"));
		guint64 irq;

		if (g_ascii_string_to_unsigned(label, 10, 0, G_MAXUINT, &irq, NULL))
			g_hash_table_add(irqs, GUINT_TO_POINTER((guint)irq));
	}
	return irqs;
}

/* This machine, read only: exit 0 and every IRQ that stayed put through the run is listed. */
static void test_live(void)
{
	g_auto(Tree) t = { 0 };
	g_auto(Run) json = { 0 };
	g_auto(Run) table = { 0 };
	g_autoptr(GHashTable) before = NULL;
	g_autoptr(GHashTable) after = NULL;
	g_autoptr(JsonNode) node = NULL;
	JsonObject *root;
	GHashTableIter iter;
	gpointer irq;

	tree_extract(&t, FIXTURE);
	before = read_live_irqs();
	dry_run("/", TRUE, t.config, t.state_dir, &json);
	after = read_live_irqs();
	if (!succeeded(&json) || !(node = parse_json(json.out)))
		return;
	root = json_node_get_object(node);
	assert_schema(root);
	g_hash_table_iter_init(&iter, before);
	while (g_hash_table_iter_next(&iter, &irq, NULL)) {
		/* An IRQ can come or go between two reads of /proc/interrupts. */
		if (!g_hash_table_contains(after, irq))
			continue;
		g_test_message("IRQ %u", GPOINTER_TO_UINT(irq));
		g_assert_nonnull(find_irq(root, GPOINTER_TO_UINT(irq)));
	}
	dry_run("/", FALSE, t.config, t.state_dir, &table);
	if (succeeded(&table))
		g_assert_true(g_str_has_prefix(table.out, "IRQ "));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/e2e/dry_run/fixture_json", test_fixture_json);
	g_test_add_func("/e2e/dry_run/fixture_table", test_fixture_table);
	g_test_add_data_func("/e2e/dry_run/fixture_golden", FIXTURE, test_fixture_golden);
	g_test_add_data_func("/e2e/dry_run/virtio_net_golden", "qemu-virtio-net",
			     test_fixture_golden);
	g_test_add_func("/e2e/dry_run/bad_config", test_bad_config);
	g_test_add_func("/e2e/dry_run/missing_config", test_missing_config);
	g_test_add_func("/e2e/dry_run/live", test_live);
	g_test_add_func("/e2e/capture/fixture", test_capture_fixture);
	return g_test_run();
}
