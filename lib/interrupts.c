/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "interrupts.h"
#include "sysroot.h"

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
struct AfInterruptsParser {
	guint nr_cpu_ids;
	const AfInterruptsHandler *handler;
	gpointer user_data;
	guint *column_cpus;
	guint n_columns;
	AfInterruptsRow row;
	GString *chip, *hwirq, *trigger, *name;
	GHashTable *seen; /* IRQ numbers handed on */
	guint line;	  /* of the line being parsed, 1-based */
	gboolean have_header;
	int r; /* -EINVAL once the first line was not a header */
	AfInterruptsNotes notes;
};
typedef struct AfInterruptsParser Parser;

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

/* Notes a row the rule keeps or skips but the kernel never prints: the count and the first line. */
static void note(guint *n, guint *first_line, guint line)
{
	if ((*n)++ == 0)
		*first_line = line;
}

/*
 * The counts of "N: c0 c1 ..." into the reused row: every column is
 * written (a missing count as 0), CPUs without a column stay 0 from the
 * start; with the handler's totals_only only the total is kept. Counts
 * beyond the last column are read and dropped (a long row). Returns the
 * number of counts read; s is left after them.
 */
static guint parse_counts(Parser *parser, Span *s)
{
	AfInterruptsRow *row = &parser->row;
	gboolean store = !parser->handler->totals_only;
	guint column = 0, extra = 0;
	Span tok;

	row->total = 0;
	for (const char *before = s->p;; before = s->p) {
		guint64 value;
		guint cpu;

		if (!next_token(s, &tok) || !parse_decimal(tok, G_MAXUINT64, &value)) {
			s->p = before;
			break;
		}
		if (column == parser->n_columns) {
			extra++;
			continue;
		}
		cpu = parser->column_cpus[column++];
		if (cpu < parser->nr_cpu_ids) {
			if (store)
				row->counts[cpu] = value;
			row->total += value;
		}
	}
	if (extra > 0)
		note(&parser->notes.n_long, &parser->notes.first_long_line, parser->line);
	else if (column > 0 && column < parser->n_columns)
		note(&parser->notes.n_short, &parser->notes.first_short_line, parser->line);
	for (guint c = column; store && c < parser->n_columns; c++)
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

static void skip_line(Parser *parser)
{
	note(&parser->notes.n_skipped, &parser->notes.first_skipped_line, parser->line);
}

/* One non-blank line after the header: handed on, left out or skipped. */
static void parse_line(Parser *parser, Span line)
{
	const char *colon = memchr(line.p, ':', (gsize)(line.end - line.p));
	Span label, rest;
	guint64 irq;

	if (!colon) {
		skip_line(parser);
		return;
	}
	label = trim((Span){line.p, colon});
	rest = (Span){colon + 1, line.end};
	if (!parse_decimal(label, G_MAXUINT, &irq)) {
		/* NMI, LOC, ERR, MIS...: per-CPU architecture counters, not IRQs. */
		if (!is_arch_label(label))
			skip_line(parser);
		return;
	}
	if (parse_counts(parser, &rest) == 0) {
		skip_line(parser);
		return;
	}
	if (g_hash_table_contains(parser->seen, GUINT_TO_POINTER((guint)irq))) {
		note(&parser->notes.n_duplicate, &parser->notes.first_duplicate_line, parser->line);
		return;
	}
	g_hash_table_add(parser->seen, GUINT_TO_POINTER((guint)irq));
	parser->row.irq = (guint)irq;
	parse_row_tail(parser, rest);
	parser->notes.n_rows++;
	if (parser->handler->row)
		parser->handler->row(&parser->row, parser->user_data);
}

AfInterruptsParser *af_interrupts_parser_new(guint nr_cpu_ids, const AfInterruptsHandler *handler,
					     gpointer user_data)
{
	Parser *parser = g_new0(Parser, 1);

	parser->nr_cpu_ids = nr_cpu_ids;
	parser->handler = handler;
	parser->user_data = user_data;
	parser->row.n_counts = handler->totals_only ? 0 : nr_cpu_ids;
	parser->row.counts = handler->totals_only ? NULL : g_new0(guint64, MAX(nr_cpu_ids, 1));
	parser->chip = g_string_new(NULL);
	parser->hwirq = g_string_new(NULL);
	parser->trigger = g_string_new(NULL);
	parser->name = g_string_new(NULL);
	parser->seen = g_hash_table_new(NULL, NULL);
	return parser;
}

int af_interrupts_parser_feed(AfInterruptsParser *parser, const char *text, gsize len,
			      gboolean complete)
{
	Span line = trim((Span){text, text + len});

	parser->line++;
	if (parser->r < 0 || line.p == line.end)
		return parser->r;
	if (!parser->have_header) {
		parser->r = parse_header(line, parser);
		if (parser->r < 0) {
			parser->notes.bad_header_line = parser->line;
			return parser->r;
		}
		parser->have_header = TRUE;
		parser->notes.header_line = parser->line;
		if (parser->handler->header)
			parser->handler->header(parser->column_cpus, parser->n_columns,
						parser->user_data);
		return 0;
	}
	/* The kernel ends every line: one without its newline was cut short,
	 * and its counts or name may be cut too. */
	if (!complete) {
		parser->notes.cut_line = parser->line;
		return 0;
	}
	parse_line(parser, line);
	return 0;
}

int af_interrupts_parser_finish(AfInterruptsParser *parser, AfInterruptsNotes *ret_notes)
{
	int r = parser->r;

	if (r == 0 && !parser->have_header)
		r = -EINVAL;
	if (ret_notes)
		*ret_notes = parser->notes;
	g_free(parser->column_cpus);
	g_free(parser->row.counts);
	g_string_free(parser->chip, TRUE);
	g_string_free(parser->hwirq, TRUE);
	g_string_free(parser->trigger, TRUE);
	g_string_free(parser->name, TRUE);
	g_hash_table_unref(parser->seen);
	g_free(parser);
	return r;
}

int af_interrupts_parse_each(const char *text, guint nr_cpu_ids, const AfInterruptsHandler *handler,
			     gpointer user_data, AfInterruptsNotes *ret_notes)
{
	AfInterruptsParser *parser = af_interrupts_parser_new(nr_cpu_ids, handler, user_data);
	const char *p = text, *text_end = text + strlen(text);

	/*
	 * One strlen() and memchr() bounded by it: strchr() per line looks
	 * linear, but a checker that validates its argument as a whole string
	 * (AddressSanitizer's strict_string_checks, as make check runs it)
	 * walks the rest of the text at every line: quadratic, 3x the rows,
	 * 8-9x the time.
	 */
	while (p < text_end) {
		const char *nl = memchr(p, '\n', (gsize)(text_end - p));
		const char *end = nl ? nl : text_end;

		if (af_interrupts_parser_feed(parser, p, (gsize)(end - p), nl != NULL) < 0)
			break;
		p = nl ? nl + 1 : end;
	}
	return af_interrupts_parser_finish(parser, ret_notes);
}

static int feed_line(const char *line, gsize len, gboolean complete, gpointer user_data)
{
	return af_interrupts_parser_feed(user_data, line, len, complete);
}

int af_interrupts_read_each(AfSysroot *sysroot, const char *path, guint nr_cpu_ids,
			    const AfInterruptsHandler *handler, gpointer user_data,
			    AfInterruptsNotes *ret_notes)
{
	AfInterruptsParser *parser = af_interrupts_parser_new(nr_cpu_ids, handler, user_data);
	int r;

	r = af_sysroot_read_lines(sysroot, path, feed_line, parser);
	/* A parse error stopped the read: the parser says which. */
	if (r < 0 && r != parser->r) {
		(void)af_interrupts_parser_finish(parser, NULL);
		return r;
	}
	return af_interrupts_parser_finish(parser, ret_notes);
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

static AfInterrupts *interrupts_new(void)
{
	AfInterrupts *interrupts = g_new0(AfInterrupts, 1);

	interrupts->rows = g_ptr_array_new_with_free_func((GDestroyNotify)row_free);
	return interrupts;
}

int af_interrupts_parse(const char *text, guint nr_cpu_ids, AfInterrupts **ret_interrupts)
{
	static const AfInterruptsHandler keep = {.header = keep_header, .row = keep_row};
	g_autoptr(AfInterrupts) interrupts = interrupts_new();
	int r;

	r = af_interrupts_parse_each(text, nr_cpu_ids, &keep, interrupts, &interrupts->notes);
	if (r < 0)
		return r;
	interrupts->n_skipped = interrupts->notes.n_skipped;
	*ret_interrupts = g_steal_pointer(&interrupts);
	return 0;
}

int af_interrupts_read(AfSysroot *sysroot, const char *path, guint nr_cpu_ids,
		       AfInterrupts **ret_interrupts, AfInterruptsNotes *ret_notes)
{
	static const AfInterruptsHandler keep = {
		.header = keep_header, .row = keep_row, .totals_only = TRUE};
	g_autoptr(AfInterrupts) interrupts = interrupts_new();
	AfInterruptsNotes notes = {0};
	int r;

	r = af_interrupts_read_each(sysroot, path, nr_cpu_ids, &keep, interrupts, &notes);
	if (ret_notes)
		*ret_notes = notes;
	if (r < 0)
		return r;
	interrupts->notes = notes;
	interrupts->n_skipped = notes.n_skipped;
	*ret_interrupts = g_steal_pointer(&interrupts);
	return 0;
}

/* "PATH:LINE: what" for each kind of line the rule kept or left out but a kernel never prints. */
void af_interrupts_notes_describe(const AfInterruptsNotes *notes, const char *path, guint n_columns,
				  GPtrArray *warnings)
{
	if (notes->n_rows == 0 && notes->header_line > 0)
		g_ptr_array_add(warnings,
				g_strdup_printf("%s: no IRQ rows after the header: no IRQ "
						"is seen there",
						path));
	if (notes->n_short > 0)
		g_ptr_array_add(
			warnings,
			g_strdup_printf("%s:%u: fewer counts than the header's %u CPU "
					"columns (%u such rows): the missing counts taken as 0",
					path, notes->first_short_line, n_columns, notes->n_short));
	if (notes->n_long > 0)
		g_ptr_array_add(warnings,
				g_strdup_printf("%s:%u: more counts than the header's %u CPU "
						"columns (%u such rows): the extra counts dropped",
						path, notes->first_long_line, n_columns,
						notes->n_long));
	if (notes->n_duplicate > 0)
		g_ptr_array_add(
			warnings,
			g_strdup_printf("%s:%u: an IRQ listed a second time (%u such rows): "
					"the first row counts",
					path, notes->first_duplicate_line, notes->n_duplicate));
	if (notes->n_skipped > 0)
		g_ptr_array_add(warnings,
				g_strdup_printf("%s:%u: not an IRQ row (%u such lines): skipped",
						path, notes->first_skipped_line, notes->n_skipped));
	if (notes->cut_line > 0)
		g_ptr_array_add(warnings,
				g_strdup_printf("%s:%u: the last line has no newline (the file was "
						"cut short?): left out",
						path, notes->cut_line));
}
