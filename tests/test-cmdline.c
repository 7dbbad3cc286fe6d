/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "cmdline.h"
#include "testutil.h"

/*
 * Expected sets follow the kernel's parsers: next_arg() and parse_args()
 * (kernel/params.c), housekeeping_isolcpus_setup() and housekeeping_setup()
 * (kernel/sched/isolation.c), irq_affinity_setup() (kernel/irq/irqdesc.c),
 * bitmap_parselist() (lib/bitmap.c). NULL: the set is absent.
 */
typedef struct {
	const char *text;
	guint nr_cpu_ids;
	const char *domain, *managed_irq, *io_queue, *nohz_full, *irqaffinity;
	guint n_warnings;
} Case;

static const Case cases[] = {
	/* Nothing that concerns us. */
	{ "", 8, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "   \n", 8, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet\n", 8, NULL, NULL, NULL, NULL, NULL, 0 },
	/* The capture's line: two isolcpus= with different flags. */
	{ "irqaffinity=0,1 isolcpus=domain,2-7 isolcpus=managed_irq,1-3,5-7", 8, "2-7", "1-3,5-7",
	  NULL, NULL, "0-1", 0 },
	/* No flag means domain. */
	{ "isolcpus=2-3", 8, "2-3", NULL, NULL, NULL, NULL, 0 },
	/* Several flags in one parameter, in any order. */
	{ "isolcpus=managed_irq,domain,4-7", 8, "4-7", "4-7", NULL, NULL, NULL, 0 },
	{ "isolcpus=io_queue,domain,6", 8, "6", NULL, "6", NULL, NULL, 0 },
	/* nohz alone is a flag: no default domain, and nothing for us. */
	{ "isolcpus=nohz,2-3", 8, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "isolcpus=nohz,domain,managed_irq,2-3", 8, "2-3", "2-3", NULL, NULL, NULL, 0 },
	/* An unknown word flag is skipped (warned); the rest still applies,
	 * and with no known flag left it means domain. */
	{ "isolcpus=future_flag,3", 8, "3", NULL, NULL, NULL, NULL, 1 },
	/* A flag with a bad character voids the parameter. */
	{ "isolcpus=dom4in,3", 8, NULL, NULL, NULL, NULL, NULL, 1 },
	/* Flags without a list. */
	{ "isolcpus=domain", 8, NULL, NULL, NULL, NULL, NULL, 1 },
	/* An empty list isolates nothing but the parameter is there. */
	{ "isolcpus=", 8, "", NULL, NULL, NULL, NULL, 0 },
	{ "isolcpus", 8, NULL, NULL, NULL, NULL, NULL, 1 },
	/* Same flag twice: both sets avoided, the difference warned. */
	{ "isolcpus=2 isolcpus=domain,5", 8, "2,5", NULL, NULL, NULL, NULL, 1 },
	{ "isolcpus=2-3 isolcpus=2-3", 8, "2-3", NULL, NULL, NULL, NULL, 0 },
	/* N is the last CPU. */
	{ "isolcpus=2-N nohz_full=N", 8, "2-7", NULL, NULL, "7", NULL, 0 },
	{ "nohz_full=1-N:2/4", 16, NULL, NULL, NULL, "1-2,5-6,9-10,13-14", NULL, 0 },
	{ "nohz_full=N-N", 1024, NULL, NULL, NULL, "1023", NULL, 0 },
	/* isolcpus= reads a leading letter as a flag: "N-N" is an invalid
	 * flag there (housekeeping_isolcpus_setup() rejects the '-'). */
	{ "isolcpus=N-N", 1024, NULL, NULL, NULL, NULL, NULL, 1 },
	{ "isolcpus=NN", 8, NULL, NULL, NULL, NULL, NULL, 1 },
	{ "isolcpus=2N", 8, NULL, NULL, NULL, NULL, NULL, 1 },
	/* CPUs from nr_cpu_ids on are dropped, with a warning. */
	{ "isolcpus=4-9", 8, "4-7", NULL, NULL, NULL, NULL, 1 },
	{ "nohz_full=63-64", 64, NULL, NULL, NULL, "63", NULL, 1 },
	{ "isolcpus=64", 64, "", NULL, NULL, NULL, NULL, 1 },
	{ "isolcpus=8191", 8192, "8191", NULL, NULL, NULL, NULL, 0 },
	{ "isolcpus=8192", 8192, NULL, NULL, NULL, NULL, NULL, 1 },
	/* Every CPU: the kernel keeps the boot CPU 0 for housekeeping. */
	{ "isolcpus=0-3", 4, "1-3", NULL, NULL, NULL, NULL, 1 },
	{ "nohz_full=0-N", 4, NULL, NULL, NULL, "1-3", NULL, 1 },
	/* Broken lists. */
	{ "isolcpus=2-x", 8, NULL, NULL, NULL, NULL, NULL, 1 },
	{ "nohz_full=3-1", 8, NULL, NULL, NULL, NULL, NULL, 1 },
	{ "irqaffinity=banana", 8, NULL, NULL, NULL, NULL, NULL, 1 },
	/* irqaffinity always holds the boot CPU; a later one replaces it. */
	{ "irqaffinity=2-3", 8, NULL, NULL, NULL, NULL, "0,2-3", 0 },
	{ "irqaffinity=0-1 irqaffinity=4", 8, NULL, NULL, NULL, NULL, "0,4", 1 },
	/* '-' and '_' are the same in parameter names. */
	{ "nohz-full=5", 8, NULL, NULL, NULL, "5", NULL, 0 },
	/* Not our parameters, however close. */
	{ "isolcpusx=3 xisolcpus=3 nohz=on rcu_nocbs=1-3", 8, NULL, NULL, NULL, NULL, NULL, 0 },
	/* Quotes: around the value, around the whole parameter, and spaces
	 * inside quotes do not split. */
	{ "isolcpus=\"domain,2-3\"", 8, "2-3", NULL, NULL, NULL, NULL, 0 },
	{ "\"nohz_full=4\"", 8, NULL, NULL, NULL, "4", NULL, 0 },
	{ "dyndbg=\"file foo.c +p\" isolcpus=5", 8, "5", NULL, NULL, NULL, NULL, 0 },
	{ "foo=\"isolcpus=5\"", 8, NULL, NULL, NULL, NULL, NULL, 0 },
	/* "--": the rest goes to init. */
	{ "isolcpus=2 -- isolcpus=3 nohz_full=4", 8, "2", NULL, NULL, NULL, NULL, 0 },
	{ "-- isolcpus=3", 8, NULL, NULL, NULL, NULL, NULL, 0 },
	/* "--x" and "--=1" are parameters, not the end marker. */
	{ "--x --=1 isolcpus=3", 8, "3", NULL, NULL, NULL, NULL, 0 },
	/* Tabs and newlines separate too. */
	{ "isolcpus=1\tnohz_full=2\nirqaffinity=3\n", 8, "1", NULL, NULL, "2", "0,3", 0 },
};

static void assert_set(const AfCpuSet *set, const char *expected, const char *text,
		       const char *what)
{
	g_autofree char *got = set ? af_cpuset_format_list(set) : NULL;

	if (g_strcmp0(got, expected) != 0)
		af_test_fail("\"%s\": %s is %s, expected %s", text, what, got ? got : "absent",
			     expected ? expected : "absent");
}

static void test_parse_table(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		const Case *c = &cases[i];
		g_autoptr(AfCmdline) cmdline = af_cmdline_parse(c->text, c->nr_cpu_ids);

		assert_set(cmdline->isolcpus_domain, c->domain, c->text, "domain");
		assert_set(cmdline->isolcpus_managed_irq, c->managed_irq, c->text, "managed_irq");
		assert_set(cmdline->isolcpus_io_queue, c->io_queue, c->text, "io_queue");
		assert_set(cmdline->nohz_full, c->nohz_full, c->text, "nohz_full");
		assert_set(cmdline->irqaffinity, c->irqaffinity, c->text, "irqaffinity");
		if (cmdline->warnings->len != c->n_warnings)
			af_test_fail("\"%s\": %u warnings, expected %u (first: %s)", c->text,
				     cmdline->warnings->len, c->n_warnings,
				     cmdline->warnings->len ? (char *)cmdline->warnings->pdata[0]
							    : "-");
	}
}

/* A warning names the parameter and its value, so an operator finds it. */
static void test_parse_warning_text(void)
{
	g_autoptr(AfCmdline) cmdline = af_cmdline_parse("quiet isolcpus=4-9", 8);

	g_assert_cmpuint(cmdline->warnings->len, ==, 1);
	g_assert_true(g_str_has_prefix(cmdline->warnings->pdata[0], "isolcpus=4-9: "));
	g_assert_nonnull(strstr(cmdline->warnings->pdata[0], "8-9"));
}

static void test_parse_null(void)
{
	g_autoptr(AfCmdline) cmdline = af_cmdline_parse(NULL, 8);

	g_assert_null(cmdline->isolcpus_domain);
	g_assert_cmpuint(cmdline->warnings->len, ==, 0);
	af_cmdline_free(NULL);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/cmdline/parse/table", test_parse_table);
	g_test_add_func("/cmdline/parse/warning-text", test_parse_warning_text);
	g_test_add_func("/cmdline/parse/null", test_parse_null);
	return g_test_run();
}
