/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "policy-private.h"
#include "policy.h"

/*
 * Parsing runs in two passes over one file's text. scan_text() checks the
 * structure line by line, the way GKeyFile reads it but stricter, and keeps
 * each key's line: GKeyFile itself reports no line numbers. apply_sections()
 * then parses the values into a copy of the policy, which replaces the
 * caller's only when the whole file is good.
 */

#define RULE_PREFIX "rule:"

typedef enum {
	KIND_CPULIST,
	KIND_BOOL,
	KIND_UINT,
	KIND_MODE,
	KIND_PATH,
	KIND_PATH_OR_EMPTY, /* an absolute path, or nothing (NULL): off */
	KIND_NUMA_LOCAL,
	KIND_ARCH,
	KIND_PATHS, /* blank-separated absolute paths; empty: none */
	KIND_PATH_OR_OFF, /* an absolute path, or empty: off */
} ValueKind;

typedef struct {
	const char *group;
	const char *key;
	ValueKind kind;
	size_t offset; /* of the field in AfPolicy */
	guint min, max; /* KIND_UINT */
} KeySpec;

#define FIELD(f) offsetof(AfPolicy, f)

static const KeySpec policy_keys[] = {
	{ "cpus", "isolated", KIND_CPULIST, FIELD(isolated), 0, 0 },
	{ "cpus", "banned", KIND_CPULIST, FIELD(banned), 0, 0 },
	{ "cpus", "irqbalance_env", KIND_PATHS, FIELD(irqbalance_env), 0, 0 },
	{ "placement", "mode", KIND_MODE, FIELD(mode), 0, 0 },
	{ "placement", "numa_local", KIND_NUMA_LOCAL, FIELD(numa_local), 0, 0 },
	{ "placement", "fallback_cpus", KIND_UINT, FIELD(fallback_cpus), 0,
	  AF_POLICY_MAX_FALLBACK_CPUS },
	{ "placement", "fallback_arch", KIND_ARCH, FIELD(fallback_any_arch), 0, 0 },
	{ "placement", "max_irqs_per_cpu", KIND_UINT, FIELD(max_irqs_per_cpu), 1, 10000 },
	{ "placement", "hysteresis_percent", KIND_UINT, FIELD(hysteresis_percent), 0, 1000 },
	{ "placement", "min_load_rate", KIND_UINT, FIELD(min_load_rate), 0, 10000000 },
	{ "daemon", "interval_ms", KIND_UINT, FIELD(interval_ms), 100, AF_POLICY_MAX_PERIOD_MS },
	{ "daemon", "min_move_interval_ms", KIND_UINT, FIELD(min_move_interval_ms), 0,
	  AF_POLICY_MAX_PERIOD_MS },
	{ "daemon", "debounce_ms", KIND_UINT, FIELD(debounce_ms), 0, 10000 },
	{ "daemon", "restore_on_exit", KIND_BOOL, FIELD(restore_on_exit), 0, 0 },
	{ "daemon", "state_dir", KIND_PATH, FIELD(state_dir), 0, 0 },
	{ "compat", "irqbalance_socket", KIND_PATH_OR_EMPTY, FIELD(irqbalance_socket), 0, 0 },
	{ "daemon", "metrics_file", KIND_PATH_OR_OFF, FIELD(metrics_file), 0, 0 },
};

static const char *const plain_groups[] = { "cpus", "placement", "daemon", "compat" };
static const char *const rule_keys[] = { "action", "irq", "driver", "interface", "name", "cpus" };

typedef struct {
	char *key;
	char *value; /* raw: blanks after '=' dropped, escapes kept, as GKeyFile stores it */
	guint line;
} Entry;

typedef struct {
	char *group; /* "cpus", "placement", "daemon" or "rule:NAME" */
	guint line;
	GPtrArray *entries; /* Entry* in file order */
} Section;

static void entry_free(gpointer p)
{
	Entry *entry = p;

	g_free(entry->key);
	g_free(entry->value);
	g_free(entry);
}

static void section_free(gpointer p)
{
	Section *section = p;

	g_free(section->group);
	g_ptr_array_unref(section->entries);
	g_free(section);
}

static int fail(GError **error, GKeyFileError code, const char *origin, guint line,
		const char *format, ...) G_GNUC_PRINTF(5, 6);

static int fail(GError **error, GKeyFileError code, const char *origin, guint line,
		const char *format, ...)
{
	g_autofree char *reason = NULL;
	va_list args;

	va_start(args, format);
	reason = g_strdup_vprintf(format, args);
	va_end(args);
	g_set_error(error, G_KEY_FILE_ERROR, code, "%s:%u: %s", origin, line, reason);
	return -EINVAL;
}

/* Pass one: structure. */

static gboolean is_rule_group(const char *group)
{
	return g_str_has_prefix(group, RULE_PREFIX);
}

static char *list_valid_keys(const char *group)
{
	g_autoptr(GString) keys = g_string_new(NULL);

	if (af_policy_network_is_group(group))
		return af_policy_network_list_keys(group);
	if (is_rule_group(group)) {
		for (guint i = 0; i < G_N_ELEMENTS(rule_keys); i++)
			g_string_append_printf(keys, "%s%s", i ? ", " : "", rule_keys[i]);
		return g_string_free(g_steal_pointer(&keys), FALSE);
	}
	for (guint i = 0; i < G_N_ELEMENTS(policy_keys); i++)
		if (g_str_equal(policy_keys[i].group, group))
			g_string_append_printf(keys, "%s%s", keys->len ? ", " : "",
					       policy_keys[i].key);
	return g_string_free(g_steal_pointer(&keys), FALSE);
}

static const KeySpec *find_key_spec(const char *group, const char *key)
{
	for (guint i = 0; i < G_N_ELEMENTS(policy_keys); i++)
		if (g_str_equal(policy_keys[i].group, group) && g_str_equal(policy_keys[i].key, key))
			return &policy_keys[i];
	return NULL;
}

static gboolean is_known_key(const char *group, const char *key)
{
	if (af_policy_network_is_group(group))
		return af_policy_network_is_key(group, key);
	if (!is_rule_group(group))
		return find_key_spec(group, key) != NULL;
	for (guint i = 0; i < G_N_ELEMENTS(rule_keys); i++)
		if (g_str_equal(rule_keys[i], key))
			return TRUE;
	return FALSE;
}

static gboolean is_known_group(const char *group)
{
	if (is_rule_group(group) || af_policy_network_is_group(group))
		return TRUE;
	for (guint i = 0; i < G_N_ELEMENTS(plain_groups); i++)
		if (g_str_equal(plain_groups[i], group))
			return TRUE;
	return FALSE;
}

static int scan_group_line(GPtrArray *sections, const char *text, const char *origin, guint line,
			   GError **error)
{
	const char *end = strchr(text, ']');
	g_autofree char *group = NULL;
	Section *section;

	if (!end)
		return fail(error, G_KEY_FILE_ERROR_PARSE, origin, line,
			    "syntax error: '[' without a closing ']'");
	for (const char *p = end + 1; *p; p++)
		if (!g_ascii_isspace(*p))
			return fail(error, G_KEY_FILE_ERROR_PARSE, origin, line,
				    "syntax error: text after ']'");
	group = g_strndup(text + 1, end - text - 1);
	for (const char *p = group; *p; p++)
		if (*p == '[' || g_ascii_iscntrl(*p))
			return fail(error, G_KEY_FILE_ERROR_PARSE, origin, line,
				    "syntax error: invalid character in group name");
	if (!is_known_group(group))
		return fail(error, G_KEY_FILE_ERROR_GROUP_NOT_FOUND, origin, line,
			    "unknown group [%s]; valid groups: [cpus], [placement], [daemon], "
			    "[network], [compat], [rule:NAME], [interface:GLOB]",
			    group);
	if (g_str_equal(group, RULE_PREFIX))
		return fail(error, G_KEY_FILE_ERROR_PARSE, origin, line,
			    "[rule:] needs a name: [rule:NAME]");
	if (g_str_equal(group, AF_POLICY_INTERFACE_PREFIX))
		return fail(error, G_KEY_FILE_ERROR_PARSE, origin, line,
			    "[interface:] needs a name pattern: [interface:GLOB]");
	for (guint i = 0; i < sections->len; i++) {
		const Section *other = g_ptr_array_index(sections, i);

		if (g_str_equal(other->group, group))
			return fail(error, G_KEY_FILE_ERROR_PARSE, origin, line,
				    "duplicate group [%s], first at line %u", group, other->line);
	}
	section = g_new0(Section, 1);
	section->group = g_steal_pointer(&group);
	section->line = line;
	section->entries = g_ptr_array_new_with_free_func(entry_free);
	g_ptr_array_add(sections, section);
	return 0;
}

static int scan_key_line(Section *section, const char *text, const char *origin, guint line,
			 GError **error)
{
	const char *equals = strchr(text, '=');
	g_autofree char *key = g_strchomp(g_strndup(text, equals - text));
	g_autofree char *valid = NULL;
	const char *value = equals + 1;
	Entry *entry;

	if (!*key)
		return fail(error, G_KEY_FILE_ERROR_PARSE, origin, line,
			    "syntax error: no key before '='");
	if (!section)
		return fail(error, G_KEY_FILE_ERROR_PARSE, origin, line,
			    "key '%s' before any [group]", key);
	if (!is_known_key(section->group, key)) {
		valid = list_valid_keys(section->group);
		return fail(error, G_KEY_FILE_ERROR_KEY_NOT_FOUND, origin, line,
			    "unknown key '%s' in [%s]; valid keys: %s", key, section->group,
			    valid);
	}
	for (guint i = 0; i < section->entries->len; i++) {
		const Entry *other = g_ptr_array_index(section->entries, i);

		if (g_str_equal(other->key, key))
			return fail(error, G_KEY_FILE_ERROR_PARSE, origin, line,
				    "duplicate key '%s' in [%s], first at line %u", key,
				    section->group, other->line);
	}
	/* GKeyFile drops the blanks after '=' and keeps trailing ones. */
	while (g_ascii_isspace(*value))
		value++;
	entry = g_new0(Entry, 1);
	entry->key = g_steal_pointer(&key);
	entry->value = g_strdup(value);
	entry->line = line;
	g_ptr_array_add(section->entries, entry);
	return 0;
}

static int scan_line(GPtrArray *sections, char *text, const char *origin, guint line,
		     GError **error)
{
	Section *current = sections->len ? g_ptr_array_index(sections, sections->len - 1) : NULL;
	size_t length = strlen(text);

	/* GKeyFile reads CRLF files too. */
	if (length > 0 && text[length - 1] == '\r')
		text[length - 1] = '\0';
	if (!g_utf8_validate(text, -1, NULL))
		return fail(error, G_KEY_FILE_ERROR_PARSE, origin, line, "not valid UTF-8");
	while (g_ascii_isspace(*text))
		text++;
	if (*text == '\0' || *text == '#')
		return 0;
	if (*text == '[')
		return scan_group_line(sections, text, origin, line, error);
	if (strchr(text, '='))
		return scan_key_line(current, text, origin, line, error);
	if (*text == ';')
		return fail(error, G_KEY_FILE_ERROR_PARSE, origin, line,
			    "syntax error: comments start with '#', not ';'");
	return fail(error, G_KEY_FILE_ERROR_PARSE, origin, line,
		    "syntax error: expected [group], key=value, a '#' comment or a blank line");
}

static int scan_text(const char *data, const char *origin, GPtrArray **ret_sections,
		     GError **error)
{
	g_autoptr(GPtrArray) sections = g_ptr_array_new_with_free_func(section_free);
	g_auto(GStrv) lines = g_strsplit(data, "\n", -1);
	int r;

	for (guint i = 0; lines[i]; i++) {
		r = scan_line(sections, lines[i], origin, i + 1, error);
		if (r < 0)
			return r;
	}
	*ret_sections = g_steal_pointer(&sections);
	return 0;
}

/* Pass two: values. */

/* The value as g_key_file_get_string() gives it (escapes undone), trimmed; NULL on a bad escape. */
static char *unescape_value(const char *raw)
{
	g_autoptr(GKeyFile) file = g_key_file_new();
	g_autoptr(GError) error = NULL;
	g_autofree char *value = NULL;

	g_key_file_set_value(file, "g", "k", raw);
	/* GLib 2.74 can return the partly undone string and set the error: trust the error. */
	value = g_key_file_get_string(file, "g", "k", &error);
	if (error || !value)
		return NULL;
	return g_strstrip(g_steal_pointer(&value));
}

static int parse_uint(const Entry *entry, guint min, guint max, const char *origin, guint *ret,
		      GError **error)
{
	g_autoptr(GError) local = NULL;
	guint64 n;

	if (!g_ascii_string_to_unsigned(entry->value, 10, min, max, &n, &local)) {
		if (g_error_matches(local, G_NUMBER_PARSER_ERROR,
				    G_NUMBER_PARSER_ERROR_OUT_OF_BOUNDS))
			return fail(error, G_KEY_FILE_ERROR_INVALID_VALUE, origin, entry->line,
				    "%s: '%s' is out of range %u..%u", entry->key, entry->value,
				    min, max);
		return fail(error, G_KEY_FILE_ERROR_INVALID_VALUE, origin, entry->line,
			    "%s: '%s' is not a non-negative integer", entry->key, entry->value);
	}
	*ret = (guint)n;
	return 0;
}

static int parse_cpulist(const Entry *entry, const char *origin, AfCpuSet **ret_set,
			 GError **error)
{
	int r = af_cpuset_parse_list(entry->value, ret_set);

	if (r == -ERANGE)
		return fail(error, G_KEY_FILE_ERROR_INVALID_VALUE, origin, entry->line,
			    "%s: '%s' names a CPU above %u", entry->key, entry->value,
			    AF_CPU_MAX - 1);
	if (r < 0)
		return fail(error, G_KEY_FILE_ERROR_INVALID_VALUE, origin, entry->line,
			    "%s: '%s' is not a CPU list such as 0-3,8", entry->key, entry->value);
	return 0;
}

static int parse_bool(const Entry *entry, const char *origin, gboolean *ret, GError **error)
{
	/* The spellings g_key_file_get_boolean() accepts. */
	if (g_str_equal(entry->value, "true") || g_str_equal(entry->value, "1"))
		*ret = TRUE;
	else if (g_str_equal(entry->value, "false") || g_str_equal(entry->value, "0"))
		*ret = FALSE;
	else
		return fail(error, G_KEY_FILE_ERROR_INVALID_VALUE, origin, entry->line,
			    "%s: '%s' is not true or false", entry->key, entry->value);
	return 0;
}

static int parse_mode(const Entry *entry, const char *origin, AfPlacementMode *ret,
		      GError **error)
{
	if (g_str_equal(entry->value, "spread"))
		*ret = AF_PLACEMENT_SPREAD;
	else if (g_str_equal(entry->value, "pack"))
		*ret = AF_PLACEMENT_PACK;
	else
		return fail(error, G_KEY_FILE_ERROR_INVALID_VALUE, origin, entry->line,
			    "%s: '%s' is not one of spread, pack", entry->key, entry->value);
	return 0;
}

/* prefer, strict, off; and the boolean spellings of older configs: true is strict. */
static int parse_numa_local(const Entry *entry, const char *origin, AfNumaLocal *ret,
			    GError **error)
{
	if (g_str_equal(entry->value, "prefer"))
		*ret = AF_NUMA_LOCAL_PREFER;
	else if (g_str_equal(entry->value, "strict") || g_str_equal(entry->value, "true") ||
		 g_str_equal(entry->value, "1"))
		*ret = AF_NUMA_LOCAL_STRICT;
	else if (g_str_equal(entry->value, "off") || g_str_equal(entry->value, "false") ||
		 g_str_equal(entry->value, "0"))
		*ret = AF_NUMA_LOCAL_OFF;
	else
		return fail(error, G_KEY_FILE_ERROR_INVALID_VALUE, origin, entry->line,
			    "%s: '%s' is not one of prefer, strict, off", entry->key, entry->value);
	return 0;
}

static int parse_paths(const Entry *entry, const char *origin, GStrv *ret_paths, GError **error)
{
	g_auto(GStrv) words = g_strsplit_set(entry->value, " \t", -1);
	g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; words[i]; i++) {
		if (!*words[i])
			continue;
		if (!g_path_is_absolute(words[i]))
			return fail(error, G_KEY_FILE_ERROR_INVALID_VALUE, origin, entry->line,
				    "%s: '%s' is not an absolute path", entry->key, words[i]);
		g_ptr_array_add(paths, g_strdup(words[i]));
	}
	g_ptr_array_add(paths, NULL);
	*ret_paths = (GStrv)g_ptr_array_free(g_steal_pointer(&paths), FALSE);
	return 0;
}

static int apply_entry(AfPolicy *policy, const KeySpec *spec, const Entry *entry,
		       const char *origin, GError **error)
{
	void *field = (char *)policy + spec->offset;
	AfCpuSet *set = NULL;
	int r = 0;

	switch (spec->kind) {
	case KIND_CPULIST:
		r = parse_cpulist(entry, origin, &set, error);
		if (r == 0) {
			af_cpuset_free(*(AfCpuSet **)field);
			*(AfCpuSet **)field = set;
		}
		break;
	case KIND_BOOL:
		r = parse_bool(entry, origin, field, error);
		break;
	case KIND_UINT:
		r = parse_uint(entry, spec->min, spec->max, origin, field, error);
		break;
	case KIND_MODE:
		r = parse_mode(entry, origin, field, error);
		break;
	case KIND_NUMA_LOCAL:
		r = parse_numa_local(entry, origin, field, error);
		break;
	case KIND_ARCH:
		if (g_str_equal(entry->value, "x86") || g_str_equal(entry->value, "any"))
			*(gboolean *)field = g_str_equal(entry->value, "any");
		else
			r = fail(error, G_KEY_FILE_ERROR_INVALID_VALUE, origin, entry->line,
				 "%s: '%s' is not one of x86, any", entry->key, entry->value);
		break;
	case KIND_PATH_OR_EMPTY:
		if (!*entry->value) {
			g_clear_pointer((char **)field, g_free);
			break;
		}
		/* fall through */
	case KIND_PATH_OR_OFF:
	case KIND_PATH:
		if ((spec->kind == KIND_PATH || *entry->value) && !g_path_is_absolute(entry->value))
			return fail(error, G_KEY_FILE_ERROR_INVALID_VALUE, origin, entry->line,
				    "%s: '%s' is not an absolute path", entry->key,
				    entry->value);
		g_free(*(char **)field);
		*(char **)field = g_strdup(entry->value);
		break;
	case KIND_PATHS: {
		GStrv paths = NULL;

		r = parse_paths(entry, origin, &paths, error);
		if (r == 0) {
			g_strfreev(*(GStrv *)field);
			*(GStrv *)field = paths;
		}
		break;
	}
	}
	return r;
}

static int parse_glob(const Entry *entry, const char *origin, char **ret_glob, GError **error)
{
	if (!*entry->value)
		return fail(error, G_KEY_FILE_ERROR_INVALID_VALUE, origin, entry->line,
			    "%s: empty pattern (leave the key out to match anything)", entry->key);
	g_free(*ret_glob);
	*ret_glob = g_strdup(entry->value);
	return 0;
}

static int apply_rule_entry(AfRule *rule, const Entry *entry, const char *origin, GError **error)
{
	guint irq;
	int r;

	if (g_str_equal(entry->key, "action")) {
		if (g_str_equal(entry->value, "pin"))
			rule->action = AF_RULE_PIN;
		else if (g_str_equal(entry->value, "ban"))
			rule->action = AF_RULE_BAN;
		else
			return fail(error, G_KEY_FILE_ERROR_INVALID_VALUE, origin, entry->line,
				    "action: '%s' is not one of pin, ban", entry->value);
		return 0;
	}
	if (g_str_equal(entry->key, "irq")) {
		r = parse_uint(entry, 0, G_MAXINT, origin, &irq, error);
		if (r == 0)
			rule->match_irq = (int)irq;
		return r;
	}
	if (g_str_equal(entry->key, "driver"))
		return parse_glob(entry, origin, &rule->match_driver, error);
	if (g_str_equal(entry->key, "interface"))
		return parse_glob(entry, origin, &rule->match_interface, error);
	if (g_str_equal(entry->key, "name"))
		return parse_glob(entry, origin, &rule->match_name, error);
	g_assert(g_str_equal(entry->key, "cpus")); /* scan_key_line() let no other key in */
	af_cpuset_free(g_steal_pointer(&rule->cpus));
	r = parse_cpulist(entry, origin, &rule->cpus, error);
	if (r == 0 && af_cpuset_is_empty(rule->cpus))
		return fail(error, G_KEY_FILE_ERROR_INVALID_VALUE, origin, entry->line,
			    "cpus: the list is empty");
	return r;
}

static const Entry *find_entry(const Section *section, const char *key)
{
	for (guint i = 0; i < section->entries->len; i++) {
		const Entry *entry = g_ptr_array_index(section->entries, i);

		if (g_str_equal(entry->key, key))
			return entry;
	}
	return NULL;
}

static int build_rule(const Section *section, const char *origin, AfRule **ret_rule,
		      GError **error)
{
	g_autoptr(AfRule) rule = g_new0(AfRule, 1);
	const Entry *cpus = find_entry(section, "cpus");
	int r;

	rule->name = g_strdup(section->group + strlen(RULE_PREFIX));
	rule->match_irq = -1;
	for (guint i = 0; i < section->entries->len; i++) {
		r = apply_rule_entry(rule, g_ptr_array_index(section->entries, i), origin, error);
		if (r < 0)
			return r;
	}
	if (!find_entry(section, "action"))
		return fail(error, G_KEY_FILE_ERROR_INVALID_VALUE, origin, section->line,
			    "[%s] has no action= (pin or ban)", section->group);
	if (rule->match_irq < 0 && !rule->match_driver && !rule->match_interface &&
	    !rule->match_name)
		return fail(error, G_KEY_FILE_ERROR_INVALID_VALUE, origin, section->line,
			    "[%s] has no match key (irq, driver, interface or name)",
			    section->group);
	switch (rule->action) {
	case AF_RULE_PIN:
		if (!cpus)
			return fail(error, G_KEY_FILE_ERROR_INVALID_VALUE, origin, section->line,
				    "[%s] has action=pin but no cpus=", section->group);
		break;
	case AF_RULE_BAN:
		if (cpus)
			return fail(error, G_KEY_FILE_ERROR_INVALID_VALUE, origin, cpus->line,
				    "cpus: not allowed with action=ban");
		break;
	}
	*ret_rule = g_steal_pointer(&rule);
	return 0;
}

/* A rule of the same name keeps its place and takes the new definition. */
static void put_rule(AfPolicy *policy, AfRule *rule)
{
	for (guint i = 0; i < policy->rules->len; i++) {
		AfRule *old = g_ptr_array_index(policy->rules, i);

		if (g_str_equal(old->name, rule->name)) {
			policy->rules->pdata[i] = rule;
			af_policy_rule_free(old);
			return;
		}
	}
	g_ptr_array_add(policy->rules, rule);
}

static int apply_section(AfPolicy *policy, const Section *section, const char *origin,
			 GError **error)
{
	AfRule *rule = NULL;
	int r;

	if (is_rule_group(section->group)) {
		r = build_rule(section, origin, &rule, error);
		if (r == 0)
			put_rule(policy, rule);
		return r;
	}
	for (guint i = 0; af_policy_network_is_group(section->group) && i < section->entries->len;
	     i++) {
		const Entry *entry = g_ptr_array_index(section->entries, i);

		r = af_policy_network_apply(policy, section->group, entry->key, entry->value,
					    origin, entry->line, error);
		if (r < 0)
			return r;
	}
	if (af_policy_network_is_group(section->group))
		return 0;
	for (guint i = 0; i < section->entries->len; i++) {
		const Entry *entry = g_ptr_array_index(section->entries, i);
		const KeySpec *spec = find_key_spec(section->group, entry->key);

		g_assert(spec); /* scan_key_line() let no other key in */
		r = apply_entry(policy, spec, entry, origin, error);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Undoes escapes in place, so that pass two sees final values. */
static int unescape_sections(GPtrArray *sections, const char *origin, GError **error)
{
	for (guint i = 0; i < sections->len; i++) {
		const Section *section = g_ptr_array_index(sections, i);

		for (guint j = 0; j < section->entries->len; j++) {
			Entry *entry = g_ptr_array_index(section->entries, j);
			char *value = unescape_value(entry->value);

			if (!value)
				return fail(error, G_KEY_FILE_ERROR_INVALID_VALUE, origin,
					    entry->line, "%s: invalid escape sequence in '%s'",
					    entry->key, entry->value);
			g_free(entry->value);
			entry->value = value;
		}
	}
	return 0;
}

int af_policy_merge_data(AfPolicy *policy, const char *data, const char *origin, GError **error)
{
	g_autoptr(GPtrArray) sections = NULL;
	g_autoptr(AfPolicy) merged = NULL;
	AfPolicy swap;
	int r;

	r = scan_text(data, origin, &sections, error);
	if (r < 0)
		return r;
	r = unescape_sections(sections, origin, error);
	if (r < 0)
		return r;
	merged = af_policy_copy(policy);
	for (guint i = 0; i < sections->len; i++) {
		r = apply_section(merged, g_ptr_array_index(sections, i), origin, error);
		if (r < 0)
			return r;
	}
	swap = *policy;
	*policy = *merged;
	*merged = swap;
	return 0;
}
