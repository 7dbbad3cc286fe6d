/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "cpus.h"
#include "testutil.h"

#define CPU "sys/devices/system/cpu/"

typedef struct {
	const char *name;
	const char *online, *present, *possible; /* file contents; NULL: no such file */
	int r;
	const char *expect_online, *expect_present, *expect_possible, *expect_offline;
	guint nr_cpu_ids;
	gboolean guessed;
	guint n_warnings;
} Case;

static const Case cases[] = {
	{"all there", "0-3\n", "0-3\n", "0-3\n", 0, "0-3", "0-3", "0-3", "", 4, FALSE, 0},
	/* CPU 2 offline: possible minus online */
	{"offline CPU", "0-1,3\n", "0-3\n", "0-3\n", 0, "0-1,3", "0-3", "0-3", "2", 4, FALSE, 0},
	/* hot-pluggable room: nr_cpu_ids follows possible, not online */
	{"possible beyond present", "0-63\n", "0-63\n", "0-1023\n", 0, "0-63", "0-63", "0-1023",
	 "64-1023", 1024, FALSE, 0},
	{"CPU 64 alone", "64\n", "64\n", "0-64\n", 0, "64", "64", "0-64", "0-63", 65, FALSE, 0},
	/* no possible: online and present make it, with a warning */
	{"no possible", "0-1\n", "0-3\n", NULL, 0, "0-1", "0-3", "0-3", "2-3", 4, TRUE, 1},
	{"no present", "0-1\n", NULL, "0-7\n", 0, "0-1", "0-1", "0-7", "2-7", 8, FALSE, 1},
	{"online only", "0,63\n", NULL, NULL, 0, "0,63", "0,63", "0,63", "", 64, TRUE, 2},
	/* a kernel that says an online CPU is not possible: possible holds it */
	{"online outside possible", "0-4\n", "0-4\n", "0-3\n", 0, "0-4", "0-4", "0-4", "", 5, FALSE,
	 0},
	/* garbage in possible is as good as none */
	{"garbage possible", "0-1\n", "0-1\n", "zero\n", 0, "0-1", "0-1", "0-1", "", 2, TRUE, 1},
	/* online is required */
	{"no online", NULL, "0-3\n", "0-3\n", -ENOENT, NULL, NULL, NULL, NULL, 0, FALSE, 0},
	{"empty online", "\n", "0-3\n", "0-3\n", -ENODATA, NULL, NULL, NULL, NULL, 0, FALSE, 0},
	{"garbage online", "0-x\n", "0-3\n", "0-3\n", -EINVAL, NULL, NULL, NULL, NULL, 0, FALSE, 0},
};

static void assert_cpulist(const AfCpuSet *set, const char *expected)
{
	g_autofree char *text = af_cpuset_format_list(set);

	g_assert_cmpstr(text, ==, expected);
}

static void run_case(const Case *c)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *root = g_dir_make_tmp("af-cpus-XXXXXX", &error);
	g_autoptr(AfSysroot) sysroot = NULL;
	AfCpus *cpus = NULL;

	g_test_message("case: %s", c->name);
	g_assert_no_error(error);
	/* The directory exists even when none of the files does. */
	af_test_write_file(root, CPU "kernel_max", "8191\n");
	if (c->online)
		af_test_write_file(root, CPU "online", c->online);
	if (c->present)
		af_test_write_file(root, CPU "present", c->present);
	if (c->possible)
		af_test_write_file(root, CPU "possible", c->possible);
	g_assert_cmpint(af_sysroot_open(root, &sysroot), ==, 0);
	g_assert_cmpint(af_cpus_read(sysroot, &cpus, NULL), ==, c->r);
	if (c->r < 0) {
		g_assert_null(cpus);
		af_test_rm_rf(root);
		return;
	}
	assert_cpulist(cpus->online, c->expect_online);
	assert_cpulist(cpus->present, c->expect_present);
	assert_cpulist(cpus->possible, c->expect_possible);
	assert_cpulist(cpus->offline, c->expect_offline);
	g_assert_cmpuint(cpus->nr_cpu_ids, ==, c->nr_cpu_ids);
	g_assert_cmpint(cpus->possible_guessed, ==, c->guessed);
	g_assert_cmpuint(cpus->warnings->len, ==, c->n_warnings);
	af_cpus_free(cpus);
	af_test_rm_rf(root);
}

static void test_read_table(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
		run_case(&cases[i]);
}

/* The warnings name the file and what was used instead. */
static void test_read_warnings(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *root = g_dir_make_tmp("af-cpus-XXXXXX", &error);
	g_autoptr(AfSysroot) sysroot = NULL;
	g_autoptr(AfCpus) cpus = NULL;

	g_assert_no_error(error);
	af_test_write_file(root, CPU "online", "0-1\n");
	g_assert_cmpint(af_sysroot_open(root, &sysroot), ==, 0);
	g_assert_cmpint(af_cpus_read(sysroot, &cpus, NULL), ==, 0);
	g_assert_cmpuint(cpus->warnings->len, ==, 2);
	g_assert_cmpstr(cpus->warnings->pdata[0], ==,
			"cannot read /sys/devices/system/cpu/present (No such file or directory): "
			"using the online CPUs");
	g_assert_cmpstr(cpus->warnings->pdata[1], ==,
			"cannot read /sys/devices/system/cpu/possible (No such file or "
			"directory): using present and online CPUs");
	af_cpus_free(NULL);
	af_test_rm_rf(root);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/cpus/read/table", test_read_table);
	g_test_add_func("/cpus/read/warnings", test_read_warnings);
	return g_test_run();
}
