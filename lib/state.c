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

static void placed_free(AfPlaced *placed)
{
	if (!placed)
		return;
	g_free(placed->name);
	af_cpuset_free(placed->written);
	af_cpuset_free(placed->held);
	g_free(placed);
}

static GHashTable *placed_table_new(void)
{
	return g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
				     (GDestroyNotify)placed_free);
}

AfState *af_state_new(void)
{
	AfState *state = g_new0(AfState, 1);

	state->learned = af_learned_new();
	state->originals = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
						 (GDestroyNotify)original_free);
	state->bans = af_owner_bans_new();
	state->placed = placed_table_new();
	return state;
}

void af_state_free(AfState *state)
{
	if (!state)
		return;
	g_hash_table_unref(state->learned);
	g_hash_table_unref(state->originals);
	af_owner_bans_free(state->bans);
	g_hash_table_unref(state->placed);
	g_free(state);
}

gboolean af_state_is_unmovable(const AfState *state, guint irq, const char *name)
{
	return af_learned_contains(state->learned, irq, name);
}

gboolean af_state_learn_unmovable(AfState *state, guint irq, const char *name)
{
	if (af_learned_contains(state->learned, irq, name))
		return FALSE;
	af_learned_add(state->learned, irq, name);
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

gboolean af_state_set_placed(AfState *state, guint irq, const char *name, guint cpu,
			     const AfCpuSet *written, const AfCpuSet *held, gboolean outside)
{
	AfPlaced *placed = g_hash_table_lookup(state->placed, GUINT_TO_POINTER(irq));

	name = name ? name : "";
	if (placed && placed->cpu == cpu && g_str_equal(placed->name, name) &&
	    af_cpuset_equal(placed->written, written) && placed->outside == outside &&
	    (placed->held && held ? af_cpuset_equal(placed->held, held) : !placed->held && !held))
		return FALSE;
	placed = g_new0(AfPlaced, 1);
	placed->name = g_strdup(name);
	placed->cpu = cpu;
	placed->written = af_cpuset_copy(written);
	placed->held = held ? af_cpuset_copy(held) : NULL;
	placed->outside = outside;
	g_hash_table_replace(state->placed, GUINT_TO_POINTER(irq), placed);
	return TRUE;
}

gboolean af_state_forget_placed(AfState *state, guint irq)
{
	return g_hash_table_remove(state->placed, GUINT_TO_POINTER(irq));
}

/* "IRQ" then, after one space, the rest; *p moves past the IRQ and its space. */
static int parse_irq(char **p, guint *ret_irq)
{
	char *start = *p, *end = start;
	guint64 value;
	char saved;

	while (g_ascii_isdigit(*end))
		end++;
	if (end == start || (*end && *end != ' '))
		return -EINVAL;
	saved = *end;
	*end = '\0';
	if (!g_ascii_string_to_unsigned(start, 10, 0, G_MAXUINT, &value, NULL))
		return -EINVAL;
	*end = saved;
	*p = *end ? end + 1 : end;
	*ret_irq = (guint)value;
	return 0;
}

static int parse_learned_line(gpointer learned, char *line)
{
	guint irq;
	int r;

	r = parse_irq(&line, &irq);
	if (r < 0)
		return r;
	af_learned_add(learned, irq, line);
	return 0;
}

static int parse_original_line(gpointer originals, char *line)
{
	g_autoptr(AfCpuSet) affinity = NULL;
	AfOriginal *original;
	char *space;
	guint irq;
	int r;

	r = parse_irq(&line, &irq);
	if (r < 0)
		return r;
	space = strchr(line, ' ');
	if (space)
		*space = '\0';
	if (af_cpuset_parse_list(line, &affinity) < 0 || af_cpuset_is_empty(affinity))
		return -EINVAL;
	original = g_new0(AfOriginal, 1);
	original->name = g_strdup(space ? space + 1 : "");
	original->affinity = g_steal_pointer(&affinity);
	g_hash_table_replace(originals, GUINT_TO_POINTER(irq), original);
	return 0;
}

/* The next space-separated field of *p, cut off in place; NULL when there is none. */
static char *next_field(char **p)
{
	char *field = *p, *space;

	if (!*field)
		return NULL;
	space = strchr(field, ' ');
	if (space) {
		*space = '\0';
		*p = space + 1;
	} else {
		*p = field + strlen(field);
	}
	return field;
}

/* "IRQ CPU WRITTEN HELD OUTSIDE NAME": HELD a list or "-", OUTSIDE 0 or 1. */
static int parse_placed_line(gpointer table, char *line)
{
	g_autoptr(AfCpuSet) written = NULL, held = NULL;
	char *cpu, *written_list, *held_list, *outside;
	guint64 value;
	AfPlaced *placed;
	guint irq;
	int r;

	r = parse_irq(&line, &irq);
	if (r < 0)
		return r;
	cpu = next_field(&line);
	written_list = next_field(&line);
	held_list = next_field(&line);
	outside = next_field(&line);
	if (!outside || !g_ascii_string_to_unsigned(cpu, 10, 0, AF_CPU_MAX - 1, &value,
						    NULL))
		return -EINVAL;
	if (af_cpuset_parse_list(written_list, &written) < 0 || af_cpuset_is_empty(written))
		return -EINVAL;
	if (!g_str_equal(held_list, "-") && af_cpuset_parse_list(held_list, &held) < 0)
		return -EINVAL;
	if (!g_str_equal(outside, "0") && !g_str_equal(outside, "1"))
		return -EINVAL;
	placed = g_new0(AfPlaced, 1);
	placed->name = g_strdup(line);
	placed->cpu = (guint)value;
	placed->written = g_steal_pointer(&written);
	placed->held = g_steal_pointer(&held);
	placed->outside = outside[0] == '1';
	g_hash_table_replace(table, GUINT_TO_POINTER(irq), placed);
	return 0;
}

/* "OWNER CPULIST": one owner once, a non-empty list. */
static int parse_ban_line(gpointer bans, char *line)
{
	g_autoptr(AfCpuSet) cpus = NULL;
	char *space = strchr(line, ' ');

	if (!space)
		return -EINVAL;
	*space = '\0';
	if (!af_owner_bans_owner_is_valid(line) || af_owner_bans_lookup(bans, line))
		return -EINVAL;
	if (af_cpuset_parse_list(space + 1, &cpus) < 0 || af_cpuset_is_empty(cpus))
		return -EINVAL;
	af_owner_bans_set(bans, line, cpus, TRUE);
	return 0;
}

/* Runs parse_line on every record line of text into table; the first bad line fails. */
static int parse_lines(const char *text, gpointer table, int (*parse_line)(gpointer, char *),
		       guint *ret_line)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

	for (guint i = 0; lines[i]; i++) {
		char *line = lines[i];
		gsize len = strlen(line);

		if (len > 0 && line[len - 1] == '\r')
			line[len - 1] = '\0';
		if (!*line || line[0] == '#')
			continue;
		if (parse_line(table, line) < 0) {
			if (ret_line)
				*ret_line = i + 1;
			return -EINVAL;
		}
	}
	return 0;
}

#define LEARNED_HEADER "# IRQs whose affinity the kernel refused to change: IRQ NAME\n"
#define ORIGINALS_HEADER                                                                           \
	"# Affinities from before affinityd first wrote them, put back on restore: IRQ CPULIST "   \
	"NAME\n"
#define BANS_HEADER                                                                                \
	"# CPUs kept free of IRQs at run time, by owner (affinityctl ban --persist): OWNER "       \
	"CPULIST\n"
#define PLACED_HEADER                                                                              \
	"# What affinityd last wrote of IRQs with fallback CPUs, for a restart: IRQ CPU WRITTEN "  \
	"HELD OUTSIDE NAME\n"
#define END_PREFIX "# end sha256:"

static guint count_lines(const char *text)
{
	guint n = 0;

	for (const char *p = text; *p; p++)
		n += *p == '\n';
	return n + (*text && text[strlen(text) - 1] != '\n');
}

/*
 * A file affinityd wrote opens with its header and closes with the SHA-256
 * of everything before the end line: a file with the header whose end line
 * is missing or does not match was torn (a crash of a writer without
 * fsync, a full disk, a copy cut short) or changed: -EBADMSG, its last line
 * in *ret_line. A file without the header was written by hand: its lines
 * are checked one by one.
 */
static int check_end(const char *text, const char *header, guint *ret_line)
{
	g_autofree char *sum = NULL;
	const char *end, *last;
	gsize len = strlen(text);

	if (!g_str_has_prefix(text, header))
		return 0;
	/* The end line is the last line, with its newline. */
	if (len == 0 || text[len - 1] != '\n')
		goto torn;
	last = g_strrstr_len(text, (gssize)len - 1, "\n");
	end = last ? last + 1 : text;
	if (!g_str_has_prefix(end, END_PREFIX))
		goto torn;
	sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, text, end - text);
	if (strlen(end) != strlen(END_PREFIX) + strlen(sum) + 1 ||
	    strncmp(end + strlen(END_PREFIX), sum, strlen(sum)) != 0)
		goto torn;
	return 0;
torn:
	if (ret_line)
		*ret_line = MAX(count_lines(text), 1u);
	return -EBADMSG;
}

/* A whole file: its end line (check_end), then every record (parse_lines). */
static int parse_file(const char *text, const char *header, gpointer table,
		      int (*parse_line)(gpointer, char *), guint *ret_line)
{
	int r = check_end(text, header, ret_line);

	return r < 0 ? r : parse_lines(text, table, parse_line, ret_line);
}

/* Closes a formatted file with its end line. */
static char *close_file(GString *out)
{
	g_autofree char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, out->str, out->len);

	g_string_append_printf(out, END_PREFIX "%s\n", sum);
	return g_string_free(out, FALSE);
}

int af_state_parse_learned(AfState *state, const char *text, guint *ret_line)
{
	g_autoptr(GHashTable) learned = af_learned_new();
	int r = parse_file(text, LEARNED_HEADER, learned, parse_learned_line, ret_line);

	if (r < 0)
		return r;
	g_hash_table_unref(state->learned);
	state->learned = g_steal_pointer(&learned);
	return 0;
}

int af_state_parse_originals(AfState *state, const char *text, guint *ret_line)
{
	g_autoptr(GHashTable) originals = g_hash_table_new_full(
		g_direct_hash, g_direct_equal, NULL, (GDestroyNotify)original_free);
	int r = parse_file(text, ORIGINALS_HEADER, originals, parse_original_line, ret_line);

	if (r < 0)
		return r;
	g_hash_table_unref(state->originals);
	state->originals = g_steal_pointer(&originals);
	return 0;
}

int af_state_parse_bans(AfState *state, const char *text, guint *ret_line)
{
	g_autoptr(AfOwnerBans) bans = af_owner_bans_new();
	int r = parse_file(text, BANS_HEADER, bans, parse_ban_line, ret_line);

	if (r < 0)
		return r;
	af_owner_bans_free(state->bans);
	state->bans = g_steal_pointer(&bans);
	return 0;
}

int af_state_parse_placed(AfState *state, const char *text, guint *ret_line)
{
	g_autoptr(GHashTable) placed = placed_table_new();
	int r = parse_file(text, PLACED_HEADER, placed, parse_placed_line, ret_line);

	if (r < 0)
		return r;
	g_hash_table_unref(state->placed);
	state->placed = g_steal_pointer(&placed);
	return 0;
}

static gint compare_uint(gconstpointer a, gconstpointer b)
{
	guint x = GPOINTER_TO_UINT(a), y = GPOINTER_TO_UINT(b);

	return x < y ? -1 : x > y;
}

/*
 * " NAME", or "" for a nameless IRQ, so that no line ends in a space; line
 * breaks in the name become spaces.
 */
static const char *name_suffix(const char *name, char **ret_buffer)
{
	*ret_buffer = *name ? g_strdelimit(g_strconcat(" ", name, NULL), "\r\n", ' ') : NULL;
	return *ret_buffer ? *ret_buffer : "";
}

char *af_state_format_learned(const AfState *state)
{
	GString *out = g_string_new(LEARNED_HEADER);
	GList *keys = g_list_sort(g_hash_table_get_keys(state->learned), compare_uint);

	for (GList *l = keys; l; l = l->next) {
		g_autofree char *buffer = NULL;
		const char *name = g_hash_table_lookup(state->learned, l->data);

		g_string_append_printf(out, "%u%s\n", GPOINTER_TO_UINT(l->data),
				       name_suffix(name, &buffer));
	}
	g_list_free(keys);
	return close_file(out);
}

char *af_state_format_originals(const AfState *state)
{
	GString *out = g_string_new(ORIGINALS_HEADER);
	GList *keys = g_list_sort(g_hash_table_get_keys(state->originals), compare_uint);

	for (GList *l = keys; l; l = l->next) {
		const AfOriginal *original = g_hash_table_lookup(state->originals, l->data);
		g_autofree char *list = af_cpuset_format_list(original->affinity);
		g_autofree char *buffer = NULL;

		g_string_append_printf(out, "%u %s%s\n", GPOINTER_TO_UINT(l->data), list,
				       name_suffix(original->name, &buffer));
	}
	g_list_free(keys);
	return close_file(out);
}

char *af_state_format_bans(const AfState *state)
{
	GString *out = g_string_new(BANS_HEADER);
	g_autoptr(GPtrArray) bans = af_owner_bans_list(state->bans);

	for (guint i = 0; i < bans->len; i++) {
		const AfOwnerBan *ban = g_ptr_array_index(bans, i);
		g_autofree char *list = NULL;

		if (!ban->persist)
			continue;
		list = af_cpuset_format_list(ban->cpus);
		g_string_append_printf(out, "%s %s\n", ban->owner, list);
	}
	return close_file(out);
}

char *af_state_format_placed(const AfState *state)
{
	GString *out = g_string_new(PLACED_HEADER);
	GList *keys = g_list_sort(g_hash_table_get_keys(state->placed), compare_uint);

	for (GList *l = keys; l; l = l->next) {
		const AfPlaced *placed = g_hash_table_lookup(state->placed, l->data);
		g_autofree char *written = af_cpuset_format_list(placed->written);
		g_autofree char *held = placed->held ? af_cpuset_format_list(placed->held) : NULL;
		g_autofree char *buffer = NULL;

		g_string_append_printf(out, "%u %u %s %s %d%s\n", GPOINTER_TO_UINT(l->data),
				       placed->cpu, written, held && *held ? held : "-",
				       placed->outside, name_suffix(placed->name, &buffer));
	}
	g_list_free(keys);
	return close_file(out);
}
