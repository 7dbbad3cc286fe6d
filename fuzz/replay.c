/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runs a fuzz target's LLVMFuzzerTestOneInput on the files named on the
 * command line (directories: every file in them), without libFuzzer: every
 * build compiles the targets, and make check replays the seed corpora and
 * every input that once crashed (fuzz/regressions/TARGET/) through them.
 * Prints one TAP line per file.
 */
#include "config.h"

#include <glib.h>

#include "fuzz.h"

static guint n;

static void replay_file(const char *path)
{
	g_autofree char *data = NULL;
	gsize len;

	if (!g_file_get_contents(path, &data, &len, NULL)) {
		printf("not ok %u - cannot read %s\n", ++n, path);
		return;
	}
	(void)LLVMFuzzerTestOneInput((const uint8_t *)data, len);
	printf("ok %u - %s\n", ++n, path);
}

static gint compare_paths(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

static void replay(const char *path)
{
	g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	const char *name;

	if (!dir) {
		replay_file(path);
		return;
	}
	while ((name = g_dir_read_name(dir)))
		g_ptr_array_add(names, g_build_filename(path, name, NULL));
	g_ptr_array_sort(names, compare_paths);
	for (guint i = 0; i < names->len; i++)
		replay(names->pdata[i]);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		replay(argv[i]);
	printf("1..%u\n", n);
	return 0;
}
