/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/stat's intr line (procstat.h), which the periodic scan reads for
 * per-IRQ totals: the parser on any line, and the streamed read on any
 * file (the input written to a tree's /proc/stat). Properties: a line
 * that parsed has one total per number after the grand total; the read
 * finds what the parser finds on the file's intr line.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "procstat.h"

/* Words of the first line: the parser reads one line, up to its '\n'. */
static guint count_numbers(const char *text)
{
	g_autofree char *line = g_strndup(text, strcspn(text, "\n"));
	g_auto(GStrv) words = g_strsplit_set(line, " \t", -1);
	guint n = 0;

	for (char **w = words; *w; w++)
		n += **w != '\0';
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char *text = fuzz_text(data, size);
	g_autoptr(GArray) totals = NULL;

	if (af_procstat_parse_intr(text, &totals) == 0)
		fuzz_check(totals->len + 2 == count_numbers(text));
	return 0;
}
