/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "irqbalanceenv.h"

typedef struct {
	const char *name;
	const char *text;
	const char *banned;   /* cpulist */
	const char *warnings; /* the warnings joined by "|", "" none */
} Case;

static const Case cases[] = {
	{ "empty file", "", "", "" },
	{ "Debian's shipped file: every line a comment",
	  "# irqbalance is a daemon process...\n#\n#IRQBALANCE_ONESHOT=\n#IRQBALANCE_BANNED_CPUS=\n"
	  "#IRQBALANCE_BANNED_CPULIST=\nIRQBALANCE_ARGS=\"\"\n",
	  "", "" },
	{ "cpulist bare", "IRQBALANCE_BANNED_CPULIST=4-7,12\n", "4-7,12", "" },
	{ "cpulist no newline at the end", "IRQBALANCE_BANNED_CPULIST=3", "3", "" },
	{ "cpulist empty bans nothing", "IRQBALANCE_BANNED_CPULIST=\n", "", "" },
	{ "cpulist quoted empty", "IRQBALANCE_BANNED_CPULIST=\"\"\n", "", "" },
	/* CRI-O's own line: double quotes, two 32-bit groups. */
	{ "CRI-O's mask", "IRQBALANCE_BANNED_CPUS=\"00000000,000000f0\"\n", "4-7", "" },
	{ "irqbalance(1) example fc0", "export IRQBALANCE_BANNED_CPUS=fc0\n", "6-11", "" },
	{ "irqbalance(1) example two groups", "IRQBALANCE_BANNED_CPUS=ff000000,00000001\n",
	  "0,56-63", "" },
	{ "mask of nothing", "IRQBALANCE_BANNED_CPUS=0\n", "", "" },
	{ "both: the union", "IRQBALANCE_BANNED_CPUS=3\nIRQBALANCE_BANNED_CPULIST=6\n", "0-1,6", "" },
	{ "single quotes", "IRQBALANCE_BANNED_CPULIST='2,5'\n", "2,5", "" },
	{ "parts concatenated", "IRQBALANCE_BANNED_CPULIST=\"0-1\"',3',5\n", "0-1,3,5", "" },
	{ "escaped characters outside quotes", "IRQBALANCE_BANNED_CPULIST=1\\,2\n", "1-2", "" },
	{ "comment after a blank", "IRQBALANCE_BANNED_CPULIST=1-2 # pods\n", "1-2", "" },
	{ "'#' inside a value is no comment", "IRQBALANCE_BANNED_CPULIST=\"1 #2\"\n", "",
	  "f:1: IRQBALANCE_BANNED_CPULIST=\"1 #2\" is not a CPU list such as 0-3,8, ignored" },
	{ "blanks around", "   export   IRQBALANCE_BANNED_CPULIST=\" 7 \"  \n", "7", "" },
	{ "';' comment line", "; IRQBALANCE_BANNED_CPULIST=1\n", "", "" },
	{ "CRLF line ends", "IRQBALANCE_BANNED_CPULIST=1\r\n# x\r\n", "1", "" },
	{ "the last assignment counts",
	  "IRQBALANCE_BANNED_CPULIST=1\nIRQBALANCE_BANNED_CPULIST=2\n", "2", "" },
	{ "a later empty assignment lifts", "IRQBALANCE_BANNED_CPUS=f\nIRQBALANCE_BANNED_CPUS=\n",
	  "", "" },
	{ "backslash-newline joins", "IRQBALANCE_BANNED_CPULIST=1,\\\n3\n", "1,3", "" },
	{ "a double-quoted value over two lines",
	  "IRQBALANCE_BANNED_CPULIST=\"1,\\\n2\"\nIRQBALANCE_BANNED_CPUS=\"8\"\n", "1-3", "" },
	{ "other variables and names alike", "XIRQBALANCE_BANNED_CPULIST=1\nIRQBALANCE_BANNED_CPULISTX=2\n"
	  "IRQBALANCE_ARGS=\"--banirq=5\"\nIRQBALANCE_BANNED_CPULIST =3\n", "", "" },
	{ "not assignments", "set -a\n[ -f x ] && . x\n=3\n", "", "" },
	{ "garbage cpulist", "IRQBALANCE_BANNED_CPULIST=3-1\n", "",
	  "f:1: IRQBALANCE_BANNED_CPULIST=\"3-1\" is not a CPU list such as 0-3,8, ignored" },
	{ "garbage mask, the list still counts",
	  "# x\nIRQBALANCE_BANNED_CPUS=0xff\nIRQBALANCE_BANNED_CPULIST=2\n", "2",
	  "f:2: IRQBALANCE_BANNED_CPUS=\"0xff\" is not a hex CPU mask such as "
	  "ff000000,00000001, ignored" },
	{ "a mask group too long", "IRQBALANCE_BANNED_CPUS=100000000\n", "",
	  "f:1: IRQBALANCE_BANNED_CPUS=\"100000000\" is not a hex CPU mask such as "
	  "ff000000,00000001, ignored" },
	{ "CPU 8191 and beyond", "IRQBALANCE_BANNED_CPULIST=8191\nIRQBALANCE_BANNED_CPUS=1,"
	  "00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	  "00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	  "00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	  "00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	  "00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	  "00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	  "00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	  "00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	  "00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	  "00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	  "00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	  "00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	  "00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	  "00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	  "00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	  "00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	  "00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	  "00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	  "00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	  "00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	  "00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	  "00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	  "00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	  "00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	  "00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	  "00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	  "00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	  "00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000,"
	  "00000000,00000000,00000000,00000000,00000000\n",
	  "8191", "f:2: IRQBALANCE_BANNED_CPUS=\"1,...\" names a CPU above 8191, ignored" },
	{ "a quote never closed", "IRQBALANCE_BANNED_CPULIST=1\nIRQBALANCE_BANNED_CPUS=\"3\n",
	  "1", "f:2: IRQBALANCE_BANNED_CPUS: a quote is never closed, the rest of the file is ignored" },
};

/* Long values are shortened in the expectations: "PREFIX,..." matches PREFIX,anything. */
static gboolean warning_matches(const char *got, const char *expected)
{
	const char *dots = strstr(expected, ",...\"");

	if (!dots)
		return g_str_equal(got, expected);
	return strncmp(got, expected, dots - expected + 1) == 0 &&
	       g_str_has_suffix(got, dots + 4);
}

static void test_parse_cases(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		const Case *c = &cases[i];
		g_autoptr(AfCpuSet) banned = af_cpuset_new();
		g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
		g_auto(GStrv) expected = NULL;
		g_autofree char *text = NULL;

		g_test_message("case: %s", c->name);
		af_irqbalance_env_parse(c->text, "f", banned, warnings);
		text = af_cpuset_format_list(banned);
		g_assert_cmpstr(text, ==, c->banned);
		expected = *c->warnings ? g_strsplit(c->warnings, "|", -1) : g_new0(char *, 1);
		g_assert_cmpuint(warnings->len, ==, g_strv_length(expected));
		for (guint j = 0; j < warnings->len && expected[j]; j++)
			if (!warning_matches(warnings->pdata[j], expected[j]))
				g_assert_cmpstr(warnings->pdata[j], ==, expected[j]);
	}
}

/* The CPUs are added to what banned holds (several files, one set). */
static void test_parse_adds(void)
{
	g_autoptr(AfCpuSet) banned = af_cpuset_new_range(0, 1);
	g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *text = NULL;

	af_irqbalance_env_parse("IRQBALANCE_BANNED_CPULIST=5\n", "f", banned, warnings);
	af_irqbalance_env_parse("IRQBALANCE_BANNED_CPULIST=\n", "g", banned, warnings);
	text = af_cpuset_format_list(banned);
	g_assert_cmpstr(text, ==, "0-1,5");
	g_assert_cmpuint(warnings->len, ==, 0);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/irqbalanceenv/parse/cases", test_parse_cases);
	g_test_add_func("/irqbalanceenv/parse/adds", test_parse_adds);
	return g_test_run();
}
