/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The state files (lib/state.h: "learned" and "originals"), which a crash,
 * a full disk or a human can leave in any shape. Properties: a file that
 * parsed formats to a file that parses back to the same entries; a refused
 * file names a line inside it and leaves the state as it was.
 */
#include "config.h"

#include "fuzz.h"
#include "state.h"

typedef int (*Parse)(AfState *state, const char *text, guint *ret_line);
typedef char *(*Format)(const AfState *state);

static guint count_lines(const char *text)
{
	guint n = 1;

	for (const char *p = text; *p; p++)
		n += *p == '\n';
	return n;
}

static void check_one(const char *text, Parse parse, Format format)
{
	g_autoptr(AfState) state = af_state_new();
	guint line = 0;

	if (parse(state, text, &line) < 0) {
		g_autofree char *empty = format(state);
		g_autoptr(AfState) fresh = af_state_new();
		g_autofree char *expected = format(fresh);

		fuzz_check(line >= 1 && line <= count_lines(text));
		fuzz_check(g_str_equal(empty, expected));
	} else {
		g_autofree char *out = format(state);
		g_autoptr(AfState) again = af_state_new();
		g_autofree char *out_again = NULL;

		fuzz_check(parse(again, out, NULL) == 0);
		out_again = format(again);
		fuzz_check(g_str_equal(out, out_again));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char *text = fuzz_text(data, size);

	check_one(text, af_state_parse_learned, af_state_format_learned);
	check_one(text, af_state_parse_originals, af_state_format_originals);
	return 0;
}
