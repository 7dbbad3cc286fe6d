/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The state files (lib/state.h: "learned", "originals", "bans" and
 * "placed"), which a
 * crash, a full disk or a human can leave in any shape; every input is tried
 * as each of them. Properties: a file that parsed formats to a file that
 * parses back to the same entries; a refused file names a line inside it
 * and leaves the state as it was.
 *
 * The bans file's lines are what affinityctl ban --persist passed over
 * D-Bus (daemon/dbus.c): an owner name (af_owner_bans_owner_is_valid) and a
 * CPU list (af_cpuset_parse_list, also fuzz-cpuset.c). The input's first
 * line, as an owner, checks the D-Bus owner check too: a valid owner is one
 * word of at most AF_OWNER_BANS_OWNER_MAX characters, and a file banning
 * CPU 0 for it parses back with that owner.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "ownerbans.h"
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

static void check_owner(const char *text)
{
	g_autofree char *owner = g_strndup(text, strcspn(text, "\n"));
	g_autofree char *file = NULL;
	g_autofree char *out = NULL;
	g_autofree char *expected = NULL;
	g_autoptr(AfState) state = af_state_new();

	if (!af_owner_bans_owner_is_valid(owner))
		return;
	fuzz_check(*owner && strlen(owner) <= AF_OWNER_BANS_OWNER_MAX);
	fuzz_check(!strpbrk(owner, " \t\r\n#"));
	file = g_strdup_printf("%s 0\n", owner);
	fuzz_check(af_state_parse_bans(state, file, NULL) == 0);
	out = af_state_format_bans(state);
	/* A line of its own, between the header and the end line. */
	expected = g_strdup_printf("\n%s 0\n# end sha256:", owner);
	fuzz_check(strstr(out, expected));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char *text = fuzz_text(data, size);

	check_one(text, af_state_parse_learned, af_state_format_learned);
	check_one(text, af_state_parse_originals, af_state_format_originals);
	check_one(text, af_state_parse_bans, af_state_format_bans);
	check_one(text, af_state_parse_placed, af_state_format_placed);
	check_owner(text);
	return 0;
}
