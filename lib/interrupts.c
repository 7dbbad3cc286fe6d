/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "interrupts.h"

/*
 * A piece of the text, [p, end), not NUL-terminated: the parser walks the
 * text in place. On a machine of 1024 CPUs and 8192 IRQs /proc/interrupts
 * is about 90 MB, read at every scan; a copy or an allocation per word or
 * per row would cost more than the parse itself.
 */
typedef struct Span {
	const char *p;
	const char *end;
} Span;

/* The parse in progress; row and its buffers are reused for every row. */
typedef struct Parser {
	guint nr_cpu_ids;
	guint *column_cpus;
	guint n_columns;
	AfInterruptsRow row;
	GString *chip, *hwirq, *trigger, *name;
	GHashTable *seen; /* IRQ numbers handed on */
	guint n_skipped;
} Parser;

static Span trim(Span s)
{
	while (s.p < s.end && g_ascii_isspace(*s.p))
		s.p++;
	while (s.end > s.p && g_ascii_isspace(s.end[-1]))
		s.end--;
	return s;
}

static gboolean span_equal(Span s, const char *word)
{
	gsize len = strlen(word);

	return (gsize)(s.end - s.p) == len && memcmp(s.p, word, len) == 0;
}

/* The next word of *s (words are separated by blanks and tabs); FALSE at the end. */
static gboolean next_token(Span *s, Span *ret_token)
{
	const char *p = s->p;

	while (p < s->end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == s->end)
		return FALSE;
	ret_token->p = p;
	while (p < s->end && *p != ' ' && *p != '\t')
		p++;
	ret_token->end = p;
	s->p = p;
	return TRUE;
}

/* Digits only, at most max. */
static gboolean parse_decimal(Span s, guint64 max, guint64 *ret_value)
{
	guint64 value = 0;

	if (s.p == s.end)
		return FALSE;
	for (const char *c = s.p; c < s.end; c++) {
		guint digit;

		if (!g_ascii_isdigit(*c))
			return FALSE;
		digit = (guint)(*c - '0');
		if (value > (max - digit) / 10)
			return FALSE;
		value = value * 10 + digit;
	}
	*ret_value = value;
	return TRUE;
}

/* "CPU0 CPU1 CPU3": one column per online CPU, ascending as the kernel prints them. */
static int parse_header(Span line, Parser *parser)
{
	g_autoptr(GArray) cpus = g_array_new(FALSE, FALSE, sizeof(guint));
	Span tok;

	while (next_token(&line, &tok)) {
		guint64 cpu;
		guint value;

		if (tok.end - tok.p < 4 || memcmp(tok.p, "CPU", 3) != 0 ||
		    !parse_decimal((Span){tok.p + 3, tok.end}, G_MAXUINT - 1, &cpu))
			return -EINVAL;
		value = (guint)cpu;
		/* A CPU named twice, or out of order, is not a kernel's header. */
		if (cpus->len > 0 && value <= g_array_index(cpus, guint, cpus->len - 1))
			return -EINVAL;
		g_array_append_val(cpus, value);
	}
	if (cpus->len == 0)
		return -EINVAL;
	parser->n_columns = cpus->len;
	parser->column_cpus = (guint *)g_array_free(g_steal_pointer(&cpus), FALSE);
	return 0;
}

static char *set_field(GString *buf, Span s)
{
	g_string_truncate(buf, 0);
	g_string_append_len(buf, s.p, s.end - s.p);
	return buf->str;
}

/* x86 prints hwirq and handler name as one word: "98307-edge", "2-edge". */
static gboolean parse_hwirq_token(Parser *parser, Span tok)
{
	AfInterruptsRow *row = &parser->row;
	const char *digits_end = tok.p;

	while (digits_end < tok.end && g_ascii_isdigit(*digits_end))
		digits_end++;
	if (digits_end == tok.p || (digits_end < tok.end && *digits_end != '-'))
		return FALSE;
	row->hwirq = set_field(parser->hwirq, (Span){tok.p, digits_end});
	if (digits_end + 1 < tok.end)
		row->trigger = set_field(parser->trigger, (Span){digits_end + 1, tok.end});
	return TRUE;
}

/* What follows the counts: chip, hwirq[-trigger], [Level|Edge], action names. */
static void parse_row_tail(Parser *parser, Span s)
{
	AfInterruptsRow *row = &parser->row;
	Span tok, rest;

	row->chip = row->hwirq = row->trigger = NULL;
	if (!next_token(&s, &tok)) {
		row->name = set_field(parser->name, (Span){s.end, s.end});
		return;
	}
	row->chip = set_field(parser->chip, tok);
	rest = s;
	if (next_token(&s, &tok) && parse_hwirq_token(parser, tok))
		rest = s;
	else
		s = rest;
	/* GENERIC_IRQ_SHOW_LEVEL kernels (arm64, riscv) print the trigger as its own word. */
	if (!row->trigger && next_token(&s, &tok) &&
	    (span_equal(tok, "Level") || span_equal(tok, "Edge"))) {
		row->trigger = set_field(parser->trigger, tok);
		rest = s;
	}
	row->name = set_field(parser->name, trim(rest));
}

/*
 * The counts of "N: c0 c1 ..." into the reused row: every column is
 * written (a missing count as 0), CPUs without a column stay 0 from the
 * start. Returns the number of counts read; s is left after them.
 */
static guint parse_counts(Parser *parser, Span *s)
{
	AfInterruptsRow *row = &parser->row;
	guint column = 0;
	Span tok;

	row->total = 0;
	for (const char *before = s->p; column < parser->n_columns; before = s->p) {
		guint64 value;
		guint cpu;

		if (!next_token(s, &tok) || !parse_decimal(tok, G_MAXUINT64, &value)) {
			s->p = before;
			break;
		}
		cpu = parser->column_cpus[column++];
		if (cpu < parser->nr_cpu_ids) {
			row->counts[cpu] = value;
			row->total += value;
		}
	}
	for (guint c = column; c < parser->n_columns; c++)
		if (parser->column_cpus[c] < parser->nr_cpu_ids)
			row->counts[parser->column_cpus[c]] = 0;
	return column;
}

static gboolean is_arch_label(Span label)
{
	if (label.p == label.end || g_ascii_isdigit(*label.p))
		return FALSE;
	for (const char *c = label.p; c < label.end; c++)
		if (!g_ascii_isalnum(*c) && *c != '_')
			return FALSE;
	return TRUE;
}

/* One non-blank line after the header: handed on, left out or skipped. */
static void parse_line(Parser *parser, Span line, const AfInterruptsHandler *handler,
		       gpointer user_data)
{
	const char *colon = memchr(line.p, ':', (gsize)(line.end - line.p));
	Span label, rest;
	guint64 irq;

	if (!colon) {
		parser->n_skipped++;
		return;
	}
	label = trim((Span){line.p, colon});
	rest = (Span){colon + 1, line.end};
	if (!parse_decimal(label, G_MAXUINT, &irq)) {
		/* NMI, LOC, ERR, MIS...: per-CPU architecture counters, not IRQs. */
		if (!is_arch_label(label))
			parser->n_skipped++;
		return;
	}
	if (parse_counts(parser, &rest) == 0 ||
	    g_hash_table_contains(parser->seen, GUINT_TO_POINTER((guint)irq))) {
		parser->n_skipped++;
		return;
	}
	g_hash_table_add(parser->seen, GUINT_TO_POINTER((guint)irq));
	parser->row.irq = (guint)irq;
	parse_row_tail(parser, rest);
	if (handler->row)
		handler->row(&parser->row, user_data);
}

static void parser_clear(Parser *parser)
{
	g_free(parser->column_cpus);
	g_free(parser->row.counts);
	g_string_free(parser->chip, TRUE);
	g_string_free(parser->hwirq, TRUE);
	g_string_free(parser->trigger, TRUE);
	g_string_free(parser->name, TRUE);
	g_hash_table_unref(parser->seen);
}

int af_interrupts_parse_each(const char *text, guint nr_cpu_ids, const AfInterruptsHandler *handler,
			     gpointer user_data, guint *ret_n_skipped)
{
	Parser parser = {
		.nr_cpu_ids = nr_cpu_ids,
		.row = {.counts = g_new0(guint64, MAX(nr_cpu_ids, 1)), .n_counts = nr_cpu_ids},
		.chip = g_string_new(NULL),
		.hwirq = g_string_new(NULL),
		.trigger = g_string_new(NULL),
		.name = g_string_new(NULL),
		.seen = g_hash_table_new(NULL, NULL),
	};
	gboolean have_header = FALSE;
	const char *p = text;
	int r = 0;

	while (*p) {
		const char *nl = strchr(p, '\n');
		const char *end = nl ? nl : p + strlen(p);
		Span line = trim((Span){p, end});

		p = nl ? nl + 1 : end;
		if (line.p == line.end)
			continue;
		if (!have_header) {
			r = parse_header(line, &parser);
			if (r < 0)
				break;
			have_header = TRUE;
			if (handler->header)
				handler->header(parser.column_cpus, parser.n_columns, user_data);
			continue;
		}
		parse_line(&parser, line, handler, user_data);
	}
	if (r == 0 && !have_header)
		r = -EINVAL;
	if (r == 0 && ret_n_skipped)
		*ret_n_skipped = parser.n_skipped;
	parser_clear(&parser);
	return r;
}

static void row_free(AfInterruptsRow *row)
{
	if (!row)
		return;
	g_free(row->counts);
	g_free(row->chip);
	g_free(row->hwirq);
	g_free(row->trigger);
	g_free(row->name);
	g_free(row);
}

void af_interrupts_free(AfInterrupts *interrupts)
{
	if (!interrupts)
		return;
	g_free(interrupts->column_cpus);
	g_ptr_array_unref(interrupts->rows);
	g_free(interrupts);
}

static void keep_header(const guint *column_cpus, guint n_columns, gpointer user_data)
{
	AfInterrupts *interrupts = user_data;

	interrupts->n_columns = n_columns;
	interrupts->column_cpus = g_memdup2(column_cpus, n_columns * sizeof(guint));
}

static void keep_row(const AfInterruptsRow *row, gpointer user_data)
{
	AfInterrupts *interrupts = user_data;
	AfInterruptsRow *copy = g_new0(AfInterruptsRow, 1);

	copy->irq = row->irq;
	copy->counts = g_memdup2(row->counts, row->n_counts * sizeof(guint64));
	copy->n_counts = row->n_counts;
	copy->total = row->total;
	copy->chip = g_strdup(row->chip);
	copy->hwirq = g_strdup(row->hwirq);
	copy->trigger = g_strdup(row->trigger);
	copy->name = g_strdup(row->name);
	g_ptr_array_add(interrupts->rows, copy);
}

int af_interrupts_parse(const char *text, guint nr_cpu_ids, AfInterrupts **ret_interrupts)
{
	static const AfInterruptsHandler keep = {.header = keep_header, .row = keep_row};
	g_autoptr(AfInterrupts) interrupts = g_new0(AfInterrupts, 1);
	int r;

	interrupts->rows = g_ptr_array_new_with_free_func((GDestroyNotify)row_free);
	r = af_interrupts_parse_each(text, nr_cpu_ids, &keep, interrupts, &interrupts->n_skipped);
	if (r < 0)
		return r;
	*ret_interrupts = g_steal_pointer(&interrupts);
	return 0;
}

int af_interrupts_parse_per_cpu_count(const char *text, guint n_counts, guint64 **ret_counts)
{
	g_autofree guint64 *counts = g_new0(guint64, MAX(n_counts, 1));
	g_autofree char *copy = g_strstrip(g_strdup(text));
	g_auto(GStrv) fields = NULL;
	guint i = 0;

	if (!*copy)
		return -EINVAL;
	fields = g_strsplit(copy, ",", -1);
	for (char **f = fields; *f; f++, i++) {
		guint64 value;

		if (!parse_decimal((Span){*f, *f + strlen(*f)}, G_MAXUINT64, &value))
			return -EINVAL;
		if (i < n_counts)
			counts[i] = value;
	}
	*ret_counts = g_steal_pointer(&counts);
	return 0;
}
