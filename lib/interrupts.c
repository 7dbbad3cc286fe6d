/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "interrupts.h"

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

/* The next whitespace-separated token after *p: its start and length; FALSE at the end. */
static gboolean next_token(const char **p, const char **ret_start, gsize *ret_len)
{
	const char *s = *p;
	const char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return FALSE;
	e = s;
	while (*e && *e != ' ' && *e != '\t')
		e++;
	*ret_start = s;
	*ret_len = (gsize)(e - s);
	*p = e;
	return TRUE;
}

static gboolean parse_decimal(const char *s, gsize len, guint64 max, guint64 *ret_value)
{
	g_autofree char *copy = g_strndup(s, len);
	guint64 value;

	if (len == 0 || !g_ascii_isdigit(s[0]))
		return FALSE;
	if (!g_ascii_string_to_unsigned(copy, 10, 0, max, &value, NULL))
		return FALSE;
	*ret_value = value;
	return TRUE;
}

/* "CPU0 CPU1 CPU3": one column per online CPU. */
static int parse_header(const char *line, AfInterrupts *interrupts)
{
	g_autoptr(GArray) cpus = g_array_new(FALSE, FALSE, sizeof(guint));
	const char *p = line, *tok;
	gsize len;

	while (next_token(&p, &tok, &len)) {
		guint64 cpu;

		if (len < 4 || strncmp(tok, "CPU", 3) != 0 ||
		    !parse_decimal(tok + 3, len - 3, G_MAXUINT - 1, &cpu))
			return -EINVAL;
		guint value = (guint)cpu;
		g_array_append_val(cpus, value);
	}
	if (cpus->len == 0)
		return -EINVAL;
	interrupts->n_columns = cpus->len;
	interrupts->column_cpus = (guint *)g_array_free(g_steal_pointer(&cpus), FALSE);
	return 0;
}

/* x86 prints hwirq and handler name as one token: "98307-edge", "2-edge". */
static gboolean parse_hwirq_token(const char *tok, gsize len, AfInterruptsRow *row)
{
	gsize digits = 0;

	while (digits < len && g_ascii_isdigit(tok[digits]))
		digits++;
	if (digits == 0 || (digits < len && tok[digits] != '-'))
		return FALSE;
	row->hwirq = g_strndup(tok, digits);
	if (digits + 1 < len)
		row->trigger = g_strndup(tok + digits + 1, len - digits - 1);
	return TRUE;
}

/* What follows the counts: chip, hwirq[-trigger], [Level|Edge], action names. */
static void parse_row_tail(const char *p, AfInterruptsRow *row)
{
	const char *tok, *rest;
	gsize len;

	if (!next_token(&p, &tok, &len)) {
		row->name = g_strdup("");
		return;
	}
	row->chip = g_strndup(tok, len);
	rest = p;
	if (next_token(&p, &tok, &len) && parse_hwirq_token(tok, len, row))
		rest = p;
	else
		p = rest;
	/* GENERIC_IRQ_SHOW_LEVEL kernels (arm64, riscv) print the trigger as its own word. */
	if (!row->trigger && next_token(&p, &tok, &len) &&
	    ((len == 5 && strncmp(tok, "Level", 5) == 0) || (len == 4 && strncmp(tok, "Edge", 4) == 0))) {
		row->trigger = g_strndup(tok, len);
		rest = p;
	}
	row->name = g_strstrip(g_strdup(rest));
}

/* "  27:  256  0 ...  PCI-MSI 98307-edge  virtio2-request"; NULL when the line is not one. */
static AfInterruptsRow *parse_row(const char *label, const char *p, const AfInterrupts *interrupts,
				  guint nr_cpu_ids)
{
	g_autoptr(GArray) counts = g_array_new(FALSE, TRUE, sizeof(guint64));
	AfInterruptsRow *row;
	const char *tok, *before;
	guint64 irq, value;
	guint column = 0;
	gsize len;

	if (!parse_decimal(label, strlen(label), G_MAXUINT, &irq))
		return NULL;
	g_array_set_size(counts, nr_cpu_ids);
	for (before = p; column < interrupts->n_columns; before = p) {
		if (!next_token(&p, &tok, &len) || !parse_decimal(tok, len, G_MAXUINT64, &value)) {
			p = before;
			break;
		}
		guint cpu = interrupts->column_cpus[column++];
		if (cpu < nr_cpu_ids)
			g_array_index(counts, guint64, cpu) = value;
	}
	if (column == 0)
		return NULL;
	row = g_new0(AfInterruptsRow, 1);
	row->irq = (guint)irq;
	row->n_counts = nr_cpu_ids;
	for (guint i = 0; i < nr_cpu_ids; i++)
		row->total += g_array_index(counts, guint64, i);
	row->counts = (guint64 *)g_array_free(g_steal_pointer(&counts), FALSE);
	parse_row_tail(p, row);
	return row;
}

static gboolean is_arch_label(const char *label)
{
	if (!*label)
		return FALSE;
	for (const char *c = label; *c; c++)
		if (!g_ascii_isalnum(*c) && *c != '_')
			return FALSE;
	return !g_ascii_isdigit(label[0]);
}

int af_interrupts_parse(const char *text, guint nr_cpu_ids, AfInterrupts **ret_interrupts)
{
	g_autoptr(AfInterrupts) interrupts = g_new0(AfInterrupts, 1);
	g_autoptr(GHashTable) seen = g_hash_table_new(NULL, NULL);
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	gboolean have_header = FALSE;

	interrupts->rows = g_ptr_array_new_with_free_func((GDestroyNotify)row_free);
	for (char **line = lines; *line; line++) {
		g_autofree char *label = NULL;
		const char *colon;
		AfInterruptsRow *row;

		if (!*g_strstrip(*line))
			continue;
		if (!have_header) {
			if (parse_header(*line, interrupts) < 0)
				return -EINVAL;
			have_header = TRUE;
			continue;
		}
		colon = strchr(*line, ':');
		if (!colon) {
			interrupts->n_skipped++;
			continue;
		}
		label = g_strstrip(g_strndup(*line, (gsize)(colon - *line)));
		row = parse_row(label, colon + 1, interrupts, nr_cpu_ids);
		if (!row) {
			/* NMI, LOC, ERR, MIS...: per-CPU architecture counters, not IRQs. */
			if (!is_arch_label(label))
				interrupts->n_skipped++;
			continue;
		}
		if (g_hash_table_contains(seen, GUINT_TO_POINTER(row->irq))) {
			row_free(row);
			interrupts->n_skipped++;
			continue;
		}
		g_hash_table_add(seen, GUINT_TO_POINTER(row->irq));
		g_ptr_array_add(interrupts->rows, row);
	}
	if (!have_header)
		return -EINVAL;
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

		if (!parse_decimal(*f, strlen(*f), G_MAXUINT64, &value))
			return -EINVAL;
		if (i < n_counts)
			counts[i] = value;
	}
	*ret_counts = g_steal_pointer(&counts);
	return 0;
}
