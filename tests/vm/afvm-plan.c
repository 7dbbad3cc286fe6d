/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reads the output of `affinityd --dry-run --json` (DESIGN.md's contract) and
 * prints it as lines a shell reads with `read`, so the VM scenarios assert on
 * the plan without a JSON parser in the guest.
 *
 *   afvm-plan FILE   prints, one line each:
 *     cpus ONLINE ISOLATED HOUSEKEEPING
 *     irq IRQ NAME DEVICE MANAGED MOVABLE CURRENT EFFECTIVE PLANNED ACTION NWARNINGS SOURCE
 *     irqwarning IRQ TEXT...          (each entry of an IRQ's "warnings")
 *     warning TEXT...                 (each entry of the top-level "warnings")
 *   (SOURCE: the IRQ's "managed_source", how it was found unmovable.)
 *   Missing, null or empty values print as "-"; booleans as true/false.
 *
 * Exits 0, or 1 when FILE is not JSON of that shape (with the reason).
 */
#include "config.h"

#include <stdio.h>

#include <json-glib/json-glib.h>

/* A member as one shell field: strings without spaces, numbers, booleans. */
static gchar *member_text(JsonObject *object, const gchar *name)
{
	JsonNode *node = json_object_get_member(object, name);

	if (!node || JSON_NODE_HOLDS_NULL(node) || !JSON_NODE_HOLDS_VALUE(node))
		return g_strdup("-");
	switch (json_node_get_value_type(node)) {
	case G_TYPE_BOOLEAN:
		return g_strdup(json_node_get_boolean(node) ? "true" : "false");
	case G_TYPE_INT64:
		return g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(node));
	case G_TYPE_STRING: {
		const gchar *s = json_node_get_string(node);
		if (s[0] == '\0')
			return g_strdup("-");
		return g_strdelimit(g_strdup(s), " \t\n", '_');
	}
	default:
		return g_strdup("-");
	}
}

/* Prints each string of array member NAME after PREFIX; returns how many. */
static guint print_warnings(JsonObject *object, const gchar *prefix)
{
	JsonArray *warnings = json_object_has_member(object, "warnings") &&
					      JSON_NODE_HOLDS_ARRAY(json_object_get_member(object, "warnings"))
				      ? json_object_get_array_member(object, "warnings")
				      : NULL;
	guint n = warnings ? json_array_get_length(warnings) : 0;

	for (guint i = 0; i < n; i++) {
		JsonNode *w = json_array_get_element(warnings, i);
		g_autofree gchar *text =
			JSON_NODE_HOLDS_VALUE(w) && json_node_get_value_type(w) == G_TYPE_STRING
				? g_strdup(json_node_get_string(w))
				: json_to_string(w, FALSE);
		g_strdelimit(text, "\n", ' ');
		printf("%s %s\n", prefix, text);
	}
	return n;
}

int main(int argc, char **argv)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error = NULL;

	if (argc != 2) {
		fprintf(stderr, "usage: afvm-plan FILE\n");
		return 1;
	}
	if (!json_parser_load_from_file(parser, argv[1], &error)) {
		fprintf(stderr, "afvm-plan: %s: %s\n", argv[1], error->message);
		return 1;
	}
	JsonNode *root = json_parser_get_root(parser);
	if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
		fprintf(stderr, "afvm-plan: %s: not a JSON object\n", argv[1]);
		return 1;
	}
	JsonObject *top = json_node_get_object(root);
	if (!json_object_has_member(top, "cpus") || !json_object_has_member(top, "irqs") ||
	    !JSON_NODE_HOLDS_OBJECT(json_object_get_member(top, "cpus")) ||
	    !JSON_NODE_HOLDS_ARRAY(json_object_get_member(top, "irqs"))) {
		fprintf(stderr, "afvm-plan: %s: no \"cpus\" object or \"irqs\" array\n", argv[1]);
		return 1;
	}

	JsonObject *cpus = json_object_get_object_member(top, "cpus");
	g_autofree gchar *online = member_text(cpus, "online");
	g_autofree gchar *isolated = member_text(cpus, "isolated");
	g_autofree gchar *housekeeping = member_text(cpus, "housekeeping");
	printf("cpus %s %s %s\n", online, isolated, housekeeping);

	JsonArray *irqs = json_object_get_array_member(top, "irqs");
	for (guint i = 0; i < json_array_get_length(irqs); i++) {
		JsonNode *node = json_array_get_element(irqs, i);
		if (!JSON_NODE_HOLDS_OBJECT(node))
			continue;
		JsonObject *irq = json_node_get_object(node);
		static const gchar *const fields[] = { "irq",	  "name",      "device",  "managed", "movable",
						       "current", "effective", "planned", "action" };
		g_autofree gchar *number = member_text(irq, "irq");
		g_autofree gchar *prefix = g_strdup_printf("irqwarning %s", number);
		printf("irq");
		for (gsize f = 0; f < G_N_ELEMENTS(fields); f++) {
			g_autofree gchar *text = member_text(irq, fields[f]);
			printf(" %s", text);
		}
		/* The count first, so a scenario needs no second pass. */
		JsonNode *w = json_object_get_member(irq, "warnings");
		JsonArray *warnings = w && JSON_NODE_HOLDS_ARRAY(w) ? json_node_get_array(w) : NULL;
		guint n_warnings = warnings ? json_array_get_length(warnings) : 0;
		g_autofree gchar *source = member_text(irq, "managed_source");
		printf(" %u %s\n", n_warnings, source);
		print_warnings(irq, prefix);
	}
	print_warnings(top, "warning");
	return 0;
}
