/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "ctl-format.h"

/* Text from the daemon is shown on a terminal: no control characters. */
static char *sanitize(const char *text)
{
	char *copy = g_strdup(text ? text : "");

	for (char *p = copy; *p; p++)
		if (g_ascii_iscntrl(*p))
			*p = '?';
	return copy;
}

static guint display_width(const char *text)
{
	return g_utf8_validate(text, -1, NULL) ? (guint)g_utf8_strlen(text, -1)
					       : (guint)strlen(text);
}

static void append_padded(GString *out, const char *text, guint width)
{
	g_string_append(out, text);
	for (guint i = display_width(text); i < width; i++)
		g_string_append_c(out, ' ');
}

/*
 * Rows (GStrv, the first the titles) aligned in columns two blanks apart,
 * the last column not padded.
 */
static void append_table(GString *out, GPtrArray *rows, guint n_columns, const char *indent)
{
	g_autofree guint *width = g_new0(guint, n_columns);

	for (guint r = 0; r < rows->len; r++) {
		char **cells = g_ptr_array_index(rows, r);

		for (guint c = 0; c < n_columns; c++)
			width[c] = MAX(width[c], display_width(cells[c]));
	}
	for (guint r = 0; r < rows->len; r++) {
		char **cells = g_ptr_array_index(rows, r);

		g_string_append(out, indent);
		for (guint c = 0; c < n_columns; c++) {
			gboolean last = c == n_columns - 1;

			append_padded(out, cells[c], last ? 0 : width[c]);
			if (!last)
				g_string_append(out, "  ");
		}
		/* A short last cell leaves no blanks at the end of the line. */
		while (out->len && out->str[out->len - 1] == ' ')
			g_string_truncate(out, out->len - 1);
		g_string_append_c(out, '\n');
	}
}

static GPtrArray *new_rows(void)
{
	return g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
}

/* A row from a NULL-terminated list of cells (copied, sanitized). */
static void add_row(GPtrArray *rows, const char *first, ...) G_GNUC_NULL_TERMINATED;
static void add_row(GPtrArray *rows, const char *first, ...)
{
	GPtrArray *cells = g_ptr_array_new();
	va_list ap;

	va_start(ap, first);
	for (const char *cell = first; cell; cell = va_arg(ap, const char *))
		g_ptr_array_add(cells, sanitize(cell));
	va_end(ap);
	g_ptr_array_add(cells, NULL);
	g_ptr_array_add(rows, g_ptr_array_free(cells, FALSE));
}

/* ---- plan ---- */

/*
 * Members of the expected kind, or NULL: a newer or broken daemon's
 * document must not trip json-glib's checks.
 */
static JsonObject *object_member(JsonObject *object, const char *name)
{
	JsonNode *node = object ? json_object_get_member(object, name) : NULL;

	return node && JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : NULL;
}

static JsonArray *array_member(JsonObject *object, const char *name)
{
	JsonNode *node = object ? json_object_get_member(object, name) : NULL;

	return node && JSON_NODE_HOLDS_ARRAY(node) ? json_node_get_array(node) : NULL;
}

static JsonObject *object_element(JsonArray *array, guint i)
{
	JsonNode *node = json_array_get_element(array, i);

	return JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : NULL;
}

static const char *string_element(JsonArray *array, guint i)
{
	JsonNode *node = json_array_get_element(array, i);

	return JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_STRING
		       ? json_node_get_string(node)
		       : "?";
}

static gint64 int_member(JsonObject *object, const char *name)
{
	JsonNode *node = json_object_get_member(object, name);

	return node && JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_INT64
		       ? json_node_get_int(node)
		       : 0;
}

/* A member as text: a string, a number, "-" for null or missing. */
static char *member_text(JsonObject *object, const char *name)
{
	JsonNode *node = json_object_get_member(object, name);

	if (!node || !JSON_NODE_HOLDS_VALUE(node))
		return g_strdup("-");
	if (json_node_get_value_type(node) == G_TYPE_STRING)
		return g_strdup(json_node_get_string(node));
	if (json_node_get_value_type(node) == G_TYPE_INT64)
		return g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(node));
	if (json_node_get_value_type(node) == G_TYPE_BOOLEAN)
		return g_strdup(json_node_get_boolean(node) ? "yes" : "no");
	return g_strdup("?");
}

/* "0-3 (eff 2)": what the kernel shows, the serving CPUs when they differ. */
static char *current_text(JsonObject *irq)
{
	g_autofree char *current = member_text(irq, "current");
	g_autofree char *effective = member_text(irq, "effective");

	if (g_str_equal(effective, "-") || g_str_equal(effective, current))
		return g_steal_pointer(&current);
	return g_strdup_printf("%s (eff %s)", current, *effective ? effective : "none");
}

static void append_irqs(GString *out, JsonArray *irqs)
{
	g_autoptr(GPtrArray) rows = new_rows();

	add_row(rows, "IRQ", "NAME", "ACTION", "CURRENT", "PLANNED", "REASON", NULL);
	for (guint i = 0; i < json_array_get_length(irqs); i++) {
		JsonObject *irq = object_element(irqs, i);
		g_autofree char *number = NULL, *name = NULL, *action = NULL, *current = NULL;
		g_autofree char *planned = NULL, *reason = NULL;

		if (!irq)
			continue;
		number = member_text(irq, "irq");
		name = member_text(irq, "name");
		action = member_text(irq, "action");
		current = current_text(irq);
		planned = member_text(irq, "planned");
		reason = member_text(irq, "reason");
		add_row(rows, number, *name ? name : "-", action, current, planned, reason, NULL);
	}
	append_table(out, rows, 6, "");
}

static void append_cpus(GString *out, JsonObject *cpus)
{
	static const char *const sets[] = {"online", "isolated", "housekeeping"};
	JsonObject *sources = object_member(cpus, "sources");
	g_autoptr(GPtrArray) rows = new_rows();
	g_autoptr(GList) names = sources ? json_object_get_members(sources) : NULL;

	g_string_append(out, "\nCPUs:\n");
	for (guint i = 0; i < G_N_ELEMENTS(sets); i++) {
		g_autofree char *list = member_text(cpus, sets[i]);

		add_row(rows, sets[i], *list ? list : "(none)", NULL);
	}
	append_table(out, rows, 2, "  ");
	g_string_append(out, "Isolation sources:\n");
	g_ptr_array_set_size(rows, 0);
	for (GList *l = names; l; l = l->next) {
		g_autofree char *list = member_text(sources, l->data);

		add_row(rows, l->data, list, NULL);
	}
	if (rows->len == 0)
		g_string_append(out, "  (none)\n");
	append_table(out, rows, 2, "  ");
}

static void append_warnings(GString *out, JsonObject *plan)
{
	JsonArray *warnings = array_member(plan, "warnings");
	JsonArray *irqs = array_member(plan, "irqs");
	gboolean any = FALSE;

	g_string_append(out, "Warnings:\n");
	for (guint i = 0; warnings && i < json_array_get_length(warnings); i++) {
		g_autofree char *w = sanitize(string_element(warnings, i));

		g_string_append_printf(out, "  %s\n", w);
		any = TRUE;
	}
	for (guint i = 0; irqs && i < json_array_get_length(irqs); i++) {
		JsonObject *irq = object_element(irqs, i);
		JsonArray *list = array_member(irq, "warnings");
		g_autofree char *number = irq ? member_text(irq, "irq") : NULL;

		for (guint j = 0; list && j < json_array_get_length(list); j++) {
			g_autofree char *w = sanitize(string_element(list, j));

			g_string_append_printf(out, "  IRQ %s: %s\n", number, w);
			any = TRUE;
		}
	}
	if (!any)
		g_string_append(out, "  (none)\n");
}

char *af_ctl_format_plan(const char *json, GError **error)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonObject *plan, *cpus, *summary;
	JsonNode *root;
	JsonArray *irqs;
	GString *out;

	if (!json_parser_load_from_data(parser, json, -1, error))
		return NULL;
	root = json_parser_get_root(parser);
	plan = root && JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root) : NULL;
	cpus = object_member(plan, "cpus");
	irqs = array_member(plan, "irqs");
	summary = object_member(plan, "summary");
	if (!cpus || !irqs || !summary) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
			    "not a plan: no cpus, irqs or summary");
		return NULL;
	}
	out = g_string_new(NULL);
	append_irqs(out, irqs);
	append_cpus(out, cpus);
	append_warnings(out, plan);
	g_string_append_printf(out,
			       "\n%" G_GINT64_FORMAT " move, %" G_GINT64_FORMAT
			       " keep, %" G_GINT64_FORMAT " skip\n",
			       int_member(summary, "move"), int_member(summary, "keep"),
			       int_member(summary, "skip"));
	return g_string_free(out, FALSE);
}

/* ---- status and bans ---- */

static void append_bans(GString *out, GVariant *bans, const char *indent)
{
	g_autoptr(GPtrArray) rows = new_rows();
	GVariantIter iter;
	const char *owner, *cpus;

	g_variant_iter_init(&iter, bans);
	while (g_variant_iter_next(&iter, "(&s&s)", &owner, &cpus))
		add_row(rows, owner, cpus, NULL);
	if (rows->len == 0) {
		g_string_append_printf(out, "%s(no bans)\n", indent);
		return;
	}
	g_ptr_array_insert(rows, 0, g_strdupv((char *[]){"OWNER", "CPUS", NULL}));
	append_table(out, rows, 2, indent);
}

char *af_ctl_format_bans(GVariant *bans)
{
	GString *out = g_string_new(NULL);

	append_bans(out, bans, "");
	return g_string_free(out, FALSE);
}

static gint compare_strings(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void append_sources(GString *out, GVariant *sources)
{
	g_autoptr(GPtrArray) rows = new_rows();
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	GVariantIter iter;
	const char *name, *cpus;

	g_variant_iter_init(&iter, sources);
	while (g_variant_iter_next(&iter, "{&s&s}", &name, &cpus))
		g_ptr_array_add(names, g_strdup(name));
	g_ptr_array_sort(names, compare_strings);
	for (guint i = 0; i < names->len; i++) {
		const char *list = NULL;

		g_variant_lookup(sources, names->pdata[i], "&s", &list);
		add_row(rows, names->pdata[i], list, NULL);
	}
	if (rows->len == 0)
		g_string_append(out, "  (none)\n");
	append_table(out, rows, 2, "  ");
}

char *af_ctl_format_status(GVariant *properties, GVariant *bans)
{
	static const char *const sets[] = {"Online", "Isolated", "Housekeeping"};
	g_autoptr(GPtrArray) rows = new_rows();
	g_autoptr(GVariant) sources = NULL;
	const char *version = "?";
	GString *out = g_string_new(NULL);

	g_variant_lookup(properties, "Version", "&s", &version);
	g_string_append_printf(out, "affinityd %s\n", version);
	for (guint i = 0; i < G_N_ELEMENTS(sets); i++) {
		const char *list = NULL;
		g_autofree char *label = g_strdup_printf("%s:", sets[i]);

		g_variant_lookup(properties, sets[i], "&s", &list);
		add_row(rows, label, !list ? "?" : *list ? list : "(none)", NULL);
	}
	append_table(out, rows, 2, "");
	g_string_append(out, "Isolation sources:\n");
	sources = g_variant_lookup_value(properties, "Sources", G_VARIANT_TYPE("a{ss}"));
	if (sources)
		append_sources(out, sources);
	else
		g_string_append(out, "  ?\n");
	g_string_append(out, "Bans:\n");
	append_bans(out, bans, "  ");
	return g_string_free(out, FALSE);
}
