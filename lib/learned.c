/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "learned.h"

AfLearned *af_learned_new(void)
{
	return g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
}

void af_learned_add(AfLearned *learned, guint irq, const char *name)
{
	g_hash_table_replace(learned, GUINT_TO_POINTER(irq), g_strdup(name ? name : ""));
}

gboolean af_learned_contains(const AfLearned *learned, guint irq, const char *name)
{
	const char *known = g_hash_table_lookup((GHashTable *)learned, GUINT_TO_POINTER(irq));

	return known && g_str_equal(known, name ? name : "");
}

/* "IRQ NAME" or "IRQ": a decimal number, then one space and the name. */
static int parse_line(const char *line, guint *ret_irq, const char **ret_name)
{
	const char *space = strchr(line, ' ');
	g_autofree char *number = g_strndup(line, space ? (gsize)(space - line) : strlen(line));
	guint64 irq;

	if (!g_ascii_string_to_unsigned(number, 10, 0, G_MAXUINT, &irq, NULL))
		return -EINVAL;
	*ret_irq = (guint)irq;
	*ret_name = space ? space + 1 : "";
	return 0;
}

int af_learned_parse(const char *text, AfLearned **ret_learned, guint *ret_line)
{
	g_autoptr(GHashTable) learned = af_learned_new();
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

	for (guint i = 0; lines[i]; i++) {
		char *line = lines[i];
		const char *name;
		guint irq;
		gsize len = strlen(line);

		if (len > 0 && line[len - 1] == '\r')
			line[len - 1] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		if (parse_line(line, &irq, &name) < 0) {
			if (ret_line)
				*ret_line = i + 1;
			return -EINVAL;
		}
		af_learned_add(learned, irq, name);
	}
	*ret_learned = g_steal_pointer(&learned);
	return 0;
}

static gint compare_irqs(gconstpointer a, gconstpointer b)
{
	guint x = GPOINTER_TO_UINT(*(const gpointer *)a), y = GPOINTER_TO_UINT(*(const gpointer *)b);

	return x < y ? -1 : x > y;
}

char *af_learned_format(const AfLearned *learned)
{
	g_autoptr(GPtrArray) irqs = g_ptr_array_new();
	GHashTableIter iter;
	gpointer irq;
	GString *out = g_string_new("# IRQs whose affinity the kernel refused to change: IRQ NAME\n");

	g_hash_table_iter_init(&iter, (GHashTable *)learned);
	while (g_hash_table_iter_next(&iter, &irq, NULL))
		g_ptr_array_add(irqs, irq);
	g_ptr_array_sort(irqs, compare_irqs);
	for (guint i = 0; i < irqs->len; i++) {
		gpointer key = g_ptr_array_index(irqs, i);
		const char *name = g_hash_table_lookup((GHashTable *)learned, key);

		/* A name cannot hold a newline in /proc/interrupts; keep the file line-based anyway. */
		g_autofree char *clean = g_strdelimit(g_strdup(name), "\r\n", ' ');

		g_string_append_printf(out, "%u%s%s\n", GPOINTER_TO_UINT(key), *clean ? " " : "",
				       clean);
	}
	return g_string_free(out, FALSE);
}

static int errno_of(const GError *error)
{
	if (error->domain != G_FILE_ERROR)
		return -EIO;
	switch ((GFileError)error->code) {
	case G_FILE_ERROR_NOENT:
		return -ENOENT;
	case G_FILE_ERROR_ACCES:
	case G_FILE_ERROR_PERM:
		return -EACCES;
	case G_FILE_ERROR_NOTDIR:
		return -ENOTDIR;
	case G_FILE_ERROR_ISDIR:
		return -EISDIR;
	case G_FILE_ERROR_NOSPC:
		return -ENOSPC;
	case G_FILE_ERROR_ROFS:
		return -EROFS;
	case G_FILE_ERROR_EXIST:
	case G_FILE_ERROR_NAMETOOLONG:
	case G_FILE_ERROR_NXIO:
	case G_FILE_ERROR_NODEV:
	case G_FILE_ERROR_TXTBSY:
	case G_FILE_ERROR_FAULT:
	case G_FILE_ERROR_LOOP:
	case G_FILE_ERROR_NOMEM:
	case G_FILE_ERROR_MFILE:
	case G_FILE_ERROR_NFILE:
	case G_FILE_ERROR_BADF:
	case G_FILE_ERROR_INVAL:
	case G_FILE_ERROR_PIPE:
	case G_FILE_ERROR_AGAIN:
	case G_FILE_ERROR_INTR:
	case G_FILE_ERROR_IO:
	case G_FILE_ERROR_NOSYS:
	case G_FILE_ERROR_FAILED:
		return -EIO;
	}
	return -EIO;
}

int af_learned_load(const char *state_dir, AfLearned **ret_learned)
{
	g_autofree char *path = g_build_filename(state_dir, AF_LEARNED_FILE, NULL);
	g_autofree char *text = NULL;
	g_autoptr(GError) error = NULL;

	if (!g_file_get_contents(path, &text, NULL, &error))
		return errno_of(error);
	return af_learned_parse(text, ret_learned, NULL);
}

int af_learned_save(const char *state_dir, const AfLearned *learned)
{
	g_autofree char *path = g_build_filename(state_dir, AF_LEARNED_FILE, NULL);
	g_autofree char *text = af_learned_format(learned);
	g_autoptr(GError) error = NULL;

	if (!g_file_set_contents_full(path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &error))
		return errno_of(error);
	return 0;
}
