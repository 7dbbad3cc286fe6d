/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "irqbalanceenv.h"

typedef struct {
	const char *p;
	guint line;
} Cursor;

typedef struct {
	char *value; /* the last assignment's; NULL when none */
	guint line;
} Assignment;

static gboolean is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static void skip_blanks(Cursor *c)
{
	while (is_blank(*c->p))
		c->p++;
}

/* To the end of the line, not past its newline. */
static void skip_line(Cursor *c)
{
	while (*c->p && *c->p != '\n')
		c->p++;
}

static char *read_name(Cursor *c)
{
	const char *start = c->p;

	if (!g_ascii_isalpha(*c->p) && *c->p != '_')
		return NULL;
	while (g_ascii_isalnum(*c->p) || *c->p == '_')
		c->p++;
	return g_strndup(start, c->p - start);
}

/*
 * One shell word: bare characters, 'single' and "double" quoted parts,
 * backslash escapes, up to a blank or the end of the line outside quotes.
 * FALSE when a quote is still open at the end of the text.
 */
static gboolean read_word(Cursor *c, GString *out)
{
	char quote = 0;

	while (*c->p) {
		char ch = *c->p;

		if (!quote && (is_blank(ch) || ch == '\n'))
			return TRUE;
		if (ch == '\n')
			c->line++;
		if (quote == '\'') {
			if (ch == '\'')
				quote = 0;
			else
				g_string_append_c(out, ch);
			c->p++;
			continue;
		}
		if (ch == '\\' && c->p[1] && (!quote || strchr("$`\"\\\n", c->p[1]))) {
			/* A backslash-newline joins the lines, quoted or not. */
			if (c->p[1] == '\n')
				c->line++;
			else
				g_string_append_c(out, c->p[1]);
			c->p += 2;
			continue;
		}
		if (ch == '"' || (!quote && ch == '\'')) {
			quote = quote ? 0 : ch;
			c->p++;
			continue;
		}
		g_string_append_c(out, ch);
		c->p++;
	}
	return quote == 0;
}

static void assign(Assignment *a, GString *value, guint line)
{
	g_free(a->value);
	a->value = g_strstrip(g_strdup(value->str));
	a->line = line;
}

static void apply(const Assignment *a, const char *name, gboolean mask, const char *origin,
		  AfCpuSet *banned, GPtrArray *warnings)
{
	g_autoptr(AfCpuSet) cpus = NULL;
	int r;

	if (!a->value || !*a->value)
		return;
	r = mask ? af_cpuset_parse_mask(a->value, &cpus) : af_cpuset_parse_list(a->value, &cpus);
	if (r == -ERANGE)
		g_ptr_array_add(warnings,
				g_strdup_printf("%s:%u: %s=\"%s\" names a CPU above %u, "
						"ignored",
						origin, a->line, name, a->value, AF_CPU_MAX - 1));
	else if (r < 0)
		g_ptr_array_add(warnings,
				g_strdup_printf("%s:%u: %s=\"%s\" is not %s, ignored", origin,
						a->line, name, a->value,
						mask ? "a hex CPU mask such as ff000000,00000001"
						     : "a CPU list such as 0-3,8"));
	else
		af_cpuset_or(banned, cpus);
}

void af_irqbalance_env_parse(const char *text, const char *origin, AfCpuSet *banned,
			     GPtrArray *warnings)
{
	Cursor c = {.p = text, .line = 1};
	Assignment list = {0}, mask = {0};
	g_autoptr(GString) value = g_string_new(NULL);

	while (*c.p) {
		g_autofree char *name = NULL;
		guint line;

		skip_blanks(&c);
		if (*c.p == '\n') {
			c.p++;
			c.line++;
			continue;
		}
		line = c.line;
		if (*c.p == '#' || *c.p == ';') {
			skip_line(&c);
			continue;
		}
		name = read_name(&c);
		if (name && g_str_equal(name, "export") && is_blank(*c.p)) {
			skip_blanks(&c);
			g_free(name);
			name = read_name(&c);
		}
		if (!name || *c.p != '=') {
			/* Not an assignment: nothing irqbalance would see. */
			skip_line(&c);
			continue;
		}
		c.p++;
		g_string_truncate(value, 0);
		if (!read_word(&c, value)) {
			g_ptr_array_add(warnings,
					g_strdup_printf("%s:%u: %s: a quote is never closed, the "
							"rest of the file is ignored",
							origin, line, name));
			break;
		}
		if (g_str_equal(name, AF_IRQBALANCE_ENV_CPULIST))
			assign(&list, value, line);
		else if (g_str_equal(name, AF_IRQBALANCE_ENV_CPUS))
			assign(&mask, value, line);
		/* Whatever follows on the line (a comment) does not count. */
		skip_line(&c);
	}
	apply(&list, AF_IRQBALANCE_ENV_CPULIST, FALSE, origin, banned, warnings);
	apply(&mask, AF_IRQBALANCE_ENV_CPUS, TRUE, origin, banned, warnings);
	g_free(list.value);
	g_free(mask.value);
}
