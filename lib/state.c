/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"

static void original_free(AfOriginal *original)
{
	if (!original)
		return;
	g_free(original->name);
	af_cpuset_free(original->affinity);
	g_free(original);
}

AfState *af_state_new(void)
{
	AfState *state = g_new0(AfState, 1);

	state->learned = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	state->originals = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
						 (GDestroyNotify)original_free);
	return state;
}

void af_state_free(AfState *state)
{
	if (!state)
		return;
	g_hash_table_unref(state->learned);
	g_hash_table_unref(state->originals);
	g_free(state);
}

gboolean af_state_is_unmovable(const AfState *state, guint irq, const char *name)
{
	const char *learned_name = g_hash_table_lookup(state->learned, GUINT_TO_POINTER(irq));

	return learned_name && g_str_equal(learned_name, name ? name : "");
}

gboolean af_state_learn_unmovable(AfState *state, guint irq, const char *name)
{
	if (af_state_is_unmovable(state, irq, name))
		return FALSE;
	g_hash_table_replace(state->learned, GUINT_TO_POINTER(irq), g_strdup(name ? name : ""));
	return TRUE;
}

const AfCpuSet *af_state_lookup_original(const AfState *state, guint irq, const char *name)
{
	const AfOriginal *original = g_hash_table_lookup(state->originals, GUINT_TO_POINTER(irq));

	if (!original || !g_str_equal(original->name, name ? name : ""))
		return NULL;
	return original->affinity;
}

gboolean af_state_remember_original(AfState *state, guint irq, const char *name,
				    const AfCpuSet *affinity)
{
	AfOriginal *original;

	if (af_cpuset_is_empty(affinity) || af_state_lookup_original(state, irq, name))
		return FALSE;
	/* Another name under this number: the old IRQ is gone, its original with it. */
	original = g_new0(AfOriginal, 1);
	original->name = g_strdup(name ? name : "");
	original->affinity = af_cpuset_copy(affinity);
	g_hash_table_replace(state->originals, GUINT_TO_POINTER(irq), original);
	return TRUE;
}

gboolean af_state_forget_original(AfState *state, guint irq)
{
	return g_hash_table_remove(state->originals, GUINT_TO_POINTER(irq));
}

/* Splits off the next space-separated field of *p; NULL when there is none. */
static char *next_field(char **p)
{
	char *start = *p, *space;

	if (!*start)
		return NULL;
	space = strchr(start, ' ');
	if (space) {
		*space = '\0';
		*p = space + 1;
	} else {
		*p = start + strlen(start);
	}
	return start;
}

static int parse_irq(const char *text, guint *ret_irq)
{
	guint64 value;

	if (!text || !g_ascii_isdigit(*text) ||
	    !g_ascii_string_to_unsigned(text, 10, 0, G_MAXINT, &value, NULL))
		return -EINVAL;
	*ret_irq = (guint)value;
	return 0;
}

/* One record line (without its newline); rest is the name, possibly "". */
static int parse_record(AfState *state, char *line, gboolean *have_version)
{
	g_autoptr(AfCpuSet) affinity = NULL;
	char *p = line, *keyword = next_field(&p), *field;
	guint irq;
	int r;

	if (g_str_equal(keyword, "version")) {
		field = next_field(&p);
		if (*have_version || !field || !g_str_equal(field, G_STRINGIFY(AF_STATE_VERSION)) || *p)
			return -EINVAL;
		*have_version = TRUE;
		return 0;
	}
	if (!*have_version)
		return -EINVAL;
	r = parse_irq(next_field(&p), &irq);
	if (r < 0)
		return r;
	if (g_str_equal(keyword, "unmovable")) {
		af_state_learn_unmovable(state, irq, p);
		return 0;
	}
	if (g_str_equal(keyword, "original")) {
		field = next_field(&p);
		if (!field || af_cpuset_parse_list(field, &affinity) < 0 ||
		    af_cpuset_is_empty(affinity))
			return -EINVAL;
		af_state_forget_original(state, irq);
		af_state_remember_original(state, irq, p, affinity);
		return 0;
	}
	return -EINVAL;
}

int af_state_parse(const char *text, AfState **ret_state, guint *ret_line)
{
	g_autoptr(AfState) state = af_state_new();
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	gboolean have_version = FALSE;

	for (guint i = 0; lines[i]; i++) {
		char *line = lines[i];

		if (!*line || line[0] == '#')
			continue;
		if (parse_record(state, line, &have_version) < 0) {
			if (ret_line)
				*ret_line = i + 1;
			return -EINVAL;
		}
	}
	*ret_state = g_steal_pointer(&state);
	return 0;
}

static gint compare_uint(gconstpointer a, gconstpointer b)
{
	guint x = GPOINTER_TO_UINT(a), y = GPOINTER_TO_UINT(b);

	return x < y ? -1 : x > y;
}

static GList *sorted_keys(GHashTable *table)
{
	return g_list_sort(g_hash_table_get_keys(table), compare_uint);
}

char *af_state_format(const AfState *state)
{
	GString *out = g_string_new("# affinityd state: IRQs learned unmovable, and each IRQ's\n"
				    "# affinity from before affinityd first wrote it.\n");
	GList *keys;

	g_string_append_printf(out, "version %d\n", AF_STATE_VERSION);
	keys = sorted_keys(state->learned);
	for (GList *l = keys; l; l = l->next)
		g_string_append_printf(out, "unmovable %u %s\n", GPOINTER_TO_UINT(l->data),
				       (const char *)g_hash_table_lookup(state->learned, l->data));
	g_list_free(keys);
	keys = sorted_keys(state->originals);
	for (GList *l = keys; l; l = l->next) {
		const AfOriginal *original = g_hash_table_lookup(state->originals, l->data);
		g_autofree char *list = af_cpuset_format_list(original->affinity);

		g_string_append_printf(out, "original %u %s %s\n", GPOINTER_TO_UINT(l->data), list,
				       original->name);
	}
	g_list_free(keys);
	return g_string_free(out, FALSE);
}
