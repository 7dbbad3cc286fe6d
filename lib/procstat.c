/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "procstat.h"

/* One decimal number at *p (digits only, no overflow); *p is left after it. */
static gboolean parse_number(const char **p, guint64 *ret_value)
{
	const char *c = *p;
	guint64 value = 0;

	if (!g_ascii_isdigit(*c))
		return FALSE;
	for (; g_ascii_isdigit(*c); c++) {
		guint digit = (guint)(*c - '0');

		if (value > (G_MAXUINT64 - digit) / 10)
			return FALSE;
		value = value * 10 + digit;
	}
	*p = c;
	*ret_value = value;
	return TRUE;
}

int af_procstat_parse_intr(const char *line, GArray **ret_totals)
{
	g_autoptr(GArray) totals = g_array_new(FALSE, FALSE, sizeof(guint64));
	const char *p = line;
	guint64 value;

	if (strncmp(p, "intr", 4) != 0 || (p[4] != ' ' && p[4] != '\t'))
		return -EINVAL;
	p += 4;
	while (*p == ' ' || *p == '\t')
		p++;
	/* The grand total first: every IRQ's, the architecture's too. */
	if (!parse_number(&p, &value))
		return -EINVAL;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '\n')
			break;
		if (!parse_number(&p, &value) || (*p && *p != ' ' && *p != '\t' && *p != '\n'))
			return -EINVAL;
		g_array_append_val(totals, value);
	}
	*ret_totals = g_steal_pointer(&totals);
	return 0;
}

typedef struct Find {
	GArray *totals;
	guint line;
	int r;
} Find;

/* Stops the read at the intr line: what follows (ctxt, softirq) is not needed. */
static int find_intr(const char *line, gsize len, gboolean complete, gpointer user_data)
{
	Find *find = user_data;

	find->line++;
	if (strncmp(line, "intr ", 5) != 0)
		return 0;
	/* The kernel ends the line: one cut short would lose IRQs' totals. */
	find->r = complete ? af_procstat_parse_intr(line, &find->totals) : -EINVAL;
	return -ECANCELED;
}

int af_procstat_read_intr(AfSysroot *sysroot, GArray **ret_totals, guint *ret_line)
{
	Find find = {.r = -ENODATA};
	int r;

	r = af_sysroot_read_lines(sysroot, "/proc/stat", find_intr, &find);
	if (r < 0 && r != -ECANCELED)
		return r;
	if (find.r < 0) {
		if (ret_line)
			*ret_line = find.line;
		return find.r;
	}
	*ret_totals = find.totals;
	return 0;
}
