/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "housekeeping.h"
#include "testutil.h"

/* policy.c is another module's: only the fields read here are set. */
static AfPolicy *new_policy(const char *isolated, const char *banned)
{
	AfPolicy *policy = g_new0(AfPolicy, 1);
	static const char *const env[] = { "/etc/sysconfig/irqbalance", "/etc/default/irqbalance",
					   NULL };

	if (isolated)
		g_assert_cmpint(af_cpuset_parse_list(isolated, &policy->isolated), ==, 0);
	if (banned)
		g_assert_cmpint(af_cpuset_parse_list(banned, &policy->banned), ==, 0);
	policy->irqbalance_env = g_strdupv((GStrv)env);
	return policy;
}

static void free_policy(AfPolicy *policy)
{
	af_cpuset_free(policy->isolated);
	af_cpuset_free(policy->banned);
	g_strfreev(policy->irqbalance_env);
	g_free(policy);
}

/* "name=cpulist name=cpulist", in the order of hk->sources. */
static char *format_sources(const AfHousekeeping *hk)
{
	GString *out = g_string_new(NULL);

	for (guint i = 0; i < hk->sources->len; i++) {
		const AfHkSource *source = hk->sources->pdata[i];
		g_autofree char *cpus = af_cpuset_format_list(source->cpus);

		g_string_append_printf(out, "%s%s=%s", i ? " " : "", source->name, cpus);
	}
	return g_string_free(out, FALSE);
}

static void assert_cpulist(const AfCpuSet *set, const char *expected)
{
	g_autofree char *text = af_cpuset_format_list(set);

	g_assert_cmpstr(text, ==, expected);
}

#define CPU "sys/devices/system/cpu/"
#define SYSCONFIG "etc/sysconfig/irqbalance"
#define DEFAULTS "etc/default/irqbalance"
#define DEFAULT_AFFINITY "proc/irq/default_smp_affinity"

typedef struct {
	const char *name;
	const char *files[12]; /* path, contents, path, contents, ..., NULL */
	const char *cmdline;
	const char *online;
	const char *config_isolated, *config_banned;
	const char *isolated, *housekeeping, *sources;
	guint n_warnings;
	const char *possible; /* the caller's possible CPUs; NULL: none given */
} Case;

static const Case cases[] = {
	{ "nothing isolated: no file, no parameter", { NULL }, "quiet", "0-3", NULL, NULL, "",
	  "0-3", "", 0, NULL },
	/* An empty isolated file is what a kernel without isolcpus= shows. */
	{ "empty files", { CPU "isolated", "\n", CPU "nohz_full", "\n", NULL }, "", "0-3", NULL,
	  NULL, "", "0-3", "", 0, NULL },
	/* Without nohz_full= some kernels print "(null)", space-padded. */
	{ "nohz_full (null)", { CPU "nohz_full", "  (null)\n", NULL }, "", "0-3", NULL, NULL, "",
	  "0-3", "", 0, NULL },
	{ "nohz_full set", { CPU "nohz_full", "2-3\n", NULL }, "nohz_full=2-3", "0-3", NULL, NULL,
	  "2-3", "0-1", "sysfs_nohz_full=2-3 cmdline_nohz_full=2-3", 0, NULL },
	/* isolated may hold offline CPUs; housekeeping is online only. */
	{ "offline isolated CPUs", { CPU "isolated", "6-9\n", NULL }, "", "0-7", NULL, NULL, "6-9",
	  "0-5", "sysfs_isolated=6-9", 0, NULL },
	/* housekeeping file: possible (0-7) or online CPUs outside it. possible is
	 * the caller's: the tree's file (0-15) is not read again. */
	{ "sysfs housekeeping", { CPU "housekeeping", "0-1\n", CPU "possible", "0-15\n", NULL },
	  "", "0-5", NULL, NULL, "2-7", "0-1", "sysfs_housekeeping=2-7", 0, "0-7" },
	{ "sysfs housekeeping without possible", { CPU "housekeeping", "0,3\n", NULL }, "", "0-3",
	  NULL, NULL, "1-2", "0,3", "sysfs_housekeeping=1-2", 0, NULL },
	{ "cgroup isolated partition", { "sys/fs/cgroup/cpuset.cpus.isolated", "4-5\n", NULL }, "",
	  "0-7", NULL, NULL, "4-5", "0-3,6-7", "cgroup_isolated=4-5", 0, NULL },
	{ "cgroup without isolated partitions", { "sys/fs/cgroup/cpuset.cpus.isolated", "\n", NULL },
	  "", "0-7", NULL, NULL, "", "0-7", "", 0, NULL },
	{ "config lists", { NULL }, "", "0-7", "3", "6-7", "3,6-7", "0-2,4-5",
	  "config_isolated=3 config_banned=6-7", 0, NULL },
	/* An empty config list is no source. */
	{ "empty config list", { NULL }, "", "0-7", "", NULL, "", "0-7", "", 0, NULL },
	/* irqaffinity=0-1: the kernel adds the boot CPU (0), the other
	 * online CPUs are off limits. */
	{ "irqaffinity", { NULL }, "irqaffinity=1", "0-3", NULL, NULL, "2-3", "0-1",
	  "irqaffinity=2-3", 0, NULL },
	{ "io_queue", { NULL }, "isolcpus=io_queue,2", "0-3", NULL, NULL, "2", "0-1,3",
	  "isolcpus_io_queue=2", 0, NULL },
	/* Sources in their fixed order, whatever the text order. */
	{ "every source", { CPU "isolated", "1\n", CPU "nohz_full", "2\n",
			    "sys/fs/cgroup/cpuset.cpus.isolated", "9\n", SYSCONFIG,
			    "IRQBALANCE_BANNED_CPULIST=6", DEFAULT_AFFINITY, "f7f\n", NULL },
	  "nohz_full=2 isolcpus=managed_irq,3 isolcpus=1 isolcpus=io_queue,4 irqaffinity=0-10",
	  "0-11", "5", "10", "1-7,9-11", "0,8",
	  "sysfs_isolated=1 sysfs_nohz_full=2 isolcpus_domain=1 isolcpus_managed_irq=3 "
	  "isolcpus_io_queue=4 cmdline_nohz_full=2 irqaffinity=11 cgroup_isolated=9 "
	  "config_isolated=5 config_banned=10 irqbalance_env=6 default_smp_affinity=7",
	  0, NULL },
	/* irqbalance's environment files, as CRI-O and tuned leave them. */
	{ "irqbalance env: CRI-O's mask", { SYSCONFIG, "IRQBALANCE_BANNED_CPUS=\"000000f0\"\n", NULL },
	  "", "0-7", NULL, NULL, "4-7", "0-3", "irqbalance_env=4-7", 0, NULL },
	{ "irqbalance env: both files, both variables",
	  { SYSCONFIG, "IRQBALANCE_BANNED_CPUS=c0\n", DEFAULTS,
	    "IRQBALANCE_BANNED_CPULIST=1 # tuned\n", NULL },
	  "", "0-7", NULL, NULL, "1,6-7", "0,2-5", "irqbalance_env=1,6-7", 0, NULL },
	/* CRI-O inverts the whole mask: bits past the last possible CPU mean nothing. */
	{ "irqbalance env: bits past the machine", { SYSCONFIG, "IRQBALANCE_BANNED_CPUS=fffffff0\n",
						    NULL },
	  "", "0-5", NULL, NULL, "4-5", "0-3", "irqbalance_env=4-5", 0, "0-5" },
	{ "irqbalance env: garbage warned", { DEFAULTS, "IRQBALANCE_BANNED_CPULIST=one\n", NULL },
	  "", "0-3", NULL, NULL, "", "0-3", "", 1, NULL },
	{ "irqbalance env: a directory", { SYSCONFIG "/x", "", NULL }, "", "0-3", NULL, NULL, "",
	  "0-3", "", 1, NULL },
	/* The tried case: CRI-O left CPU 0 alone in the default mask. */
	{ "default_smp_affinity narrowed", { DEFAULT_AFFINITY, "1\n", NULL }, "", "0-1", NULL, NULL,
	  "1", "0", "default_smp_affinity=1", 0, NULL },
	{ "default_smp_affinity as the kernel sets it", { DEFAULT_AFFINITY, "ff\n", NULL }, "",
	  "0-7", NULL, NULL, "", "0-7", "", 0, NULL },
	/* irqaffinity= narrows it at boot: that CPU is irqaffinity's, no ban. */
	{ "default_smp_affinity of irqaffinity=", { DEFAULT_AFFINITY, "3\n", NULL },
	  "irqaffinity=0-1", "0-3", NULL, NULL, "2-3", "0-1", "irqaffinity=2-3", 0, NULL },
	{ "default_smp_affinity beside isolcpus", { CPU "isolated", "6-7\n", DEFAULT_AFFINITY,
						   "0000002f\n", NULL },
	  "", "0-7", NULL, NULL, "4,6-7", "0-3,5", "sysfs_isolated=6-7 default_smp_affinity=4", 0,
	  NULL },
	{ "default_smp_affinity garbage", { DEFAULT_AFFINITY, "0x3\n", NULL }, "", "0-1", NULL,
	  NULL, "", "0-1", "", 1, NULL },
	/* Empty: a capture that could not copy it (no kernel shows that), as absent. */
	{ "default_smp_affinity empty", { DEFAULT_AFFINITY, "", NULL }, "", "0-1", NULL, NULL, "",
	  "0-1", "", 0, NULL },
	/* Config CPUs the machine does not have: a typo, most likely. */
	{ "config beyond the machine", { NULL }, "", "0-3", "9", "3-4", "3-4,9", "0-2",
	  "config_isolated=9 config_banned=3-4", 2, "0-3" },
	{ "config within possible CPUs", { NULL }, "", "0-3", "5", NULL, "5", "0-3",
	  "config_isolated=5", 0, "0-7" },
	/* Nothing left: housekeeping stays empty and the reason is warned. */
	{ "every CPU isolated", { CPU "isolated", "1-3\n", NULL }, "", "1-3", NULL, NULL, "1-3",
	  "", "sysfs_isolated=1-3", 1, NULL },
	{ "every CPU isolated by config", { NULL }, "", "0-1", "0", "1", "0-1", "",
	  "config_isolated=0 config_banned=1", 1, NULL },
	/* A file that is not a CPU list is warned about and skipped. */
	{ "garbage isolated", { CPU "isolated", "zero-three\n", NULL }, "", "0-3", NULL, NULL, "",
	  "0-3", "", 1, NULL },
	{ "garbage cgroup", { "sys/fs/cgroup/cpuset.cpus.isolated", "4-2\n", NULL }, "", "0-7",
	  NULL, NULL, "", "0-7", "", 1, NULL },
	/* A directory where a file should be: read error, warned. */
	{ "unreadable isolated", { CPU "isolated/x", "", NULL }, "", "0-3", NULL, NULL, "", "0-3",
	  "", 1, NULL },
};

static void run_case(const Case *c)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *root = g_dir_make_tmp("af-hk-XXXXXX", &error);
	g_autoptr(AfSysroot) sysroot = NULL;
	g_autoptr(AfCmdline) cmdline = NULL;
	g_autoptr(AfCpuSet) online = NULL, possible = NULL;
	g_autoptr(AfHousekeeping) hk = NULL;
	g_autofree char *sources = NULL;
	AfPolicy *policy;

	g_test_message("case: %s", c->name);
	g_assert_no_error(error);
	for (guint i = 0; c->files[i]; i += 2)
		af_test_write_file(root, c->files[i], c->files[i + 1]);
	g_assert_cmpint(af_sysroot_open(root, &sysroot), ==, 0);
	cmdline = af_cmdline_parse(c->cmdline, 64);
	g_assert_cmpint(af_cpuset_parse_list(c->online, &online), ==, 0);
	if (c->possible)
		g_assert_cmpint(af_cpuset_parse_list(c->possible, &possible), ==, 0);
	policy = new_policy(c->config_isolated, c->config_banned);
	g_assert_cmpint(af_housekeeping_read(sysroot, cmdline, online, possible, policy, NULL, &hk), ==, 0);
	free_policy(policy);

	sources = format_sources(hk);
	g_assert_cmpstr(sources, ==, c->sources);
	assert_cpulist(hk->online, c->online);
	assert_cpulist(hk->isolated, c->isolated);
	assert_cpulist(hk->housekeeping, c->housekeeping);
	g_assert_cmpuint(hk->warnings->len, ==, c->n_warnings);
	af_test_rm_rf(root);
}

static void test_read_table(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
		run_case(&cases[i]);
}

/*
 * The QEMU capture: 8 CPUs online, cmdline "irqaffinity=0,1
 * isolcpus=domain,2-7 isolcpus=managed_irq,1-3,5-7". The kernel shows the
 * domain CPUs in cpu/isolated (2-7) and "(null)" in nohz_full. irqaffinity
 * leaves 2-7 off limits; managed_irq adds CPU 1. Isolated: 1-7, so only
 * CPU 0 serves IRQs.
 */
static void test_read_qemu_capture(void)
{
	g_autofree char *tarball = af_test_fixture("sysroots/qemu-managed-doc-example.tar.gz");
	g_autofree char *root = NULL, *text = NULL;
	g_autoptr(AfSysroot) sysroot = NULL;
	g_autoptr(AfCmdline) cmdline = NULL;
	g_autoptr(AfCpuSet) online = NULL;
	g_autoptr(AfHousekeeping) hk = NULL;

	af_test_extract(tarball, &root);
	g_assert_cmpint(af_sysroot_open(root, &sysroot), ==, 0);
	g_assert_cmpint(af_sysroot_read_string(sysroot, "/proc/cmdline", &text), ==, 0);
	cmdline = af_cmdline_parse(text, 8);
	g_assert_cmpuint(cmdline->warnings->len, ==, 0);
	g_assert_cmpint(af_sysroot_read_cpulist(sysroot, "/sys/devices/system/cpu/online", &online),
			==, 0);
	g_assert_cmpint(af_housekeeping_read(sysroot, cmdline, online, online, NULL, NULL, &hk), ==, 0);

	assert_cpulist(hk->online, "0-7");
	assert_cpulist(af_housekeeping_source(hk, AF_HK_SOURCE_SYSFS_ISOLATED), "2-7");
	g_assert_null(af_housekeeping_source(hk, AF_HK_SOURCE_SYSFS_NOHZ_FULL));
	g_assert_null(af_housekeeping_source(hk, AF_HK_SOURCE_SYSFS_HOUSEKEEPING));
	assert_cpulist(af_housekeeping_source(hk, AF_HK_SOURCE_ISOLCPUS_DOMAIN), "2-7");
	assert_cpulist(af_housekeeping_source(hk, AF_HK_SOURCE_ISOLCPUS_MANAGED_IRQ), "1-3,5-7");
	g_assert_null(af_housekeeping_source(hk, AF_HK_SOURCE_ISOLCPUS_IO_QUEUE));
	g_assert_null(af_housekeeping_source(hk, AF_HK_SOURCE_NOHZ_FULL));
	assert_cpulist(af_housekeeping_source(hk, AF_HK_SOURCE_IRQAFFINITY), "2-7");
	g_assert_null(af_housekeeping_source(hk, AF_HK_SOURCE_CGROUP));
	g_assert_null(af_housekeeping_source(hk, AF_HK_SOURCE_CONFIG_ISOLATED));
	g_assert_null(af_housekeeping_source(hk, AF_HK_SOURCE_CONFIG_BANNED));
	g_assert_null(af_housekeeping_source(hk, "no_such_source"));
	g_assert_cmpuint(hk->sources->len, ==, 4);
	assert_cpulist(hk->isolated, "1-7");
	assert_cpulist(hk->housekeeping, "0");
	assert_cpulist(hk->managed_irq_isolated, "1-3,5-7");
	g_assert_cmpuint(hk->warnings->len, ==, 0);
	af_test_rm_rf(root);
}

/* Reads the tree at root with 4 CPUs, no command line or policy, and runtime. */
static AfHousekeeping *read_runtime(const char *root, const AfHkRuntime *runtime)
{
	g_autoptr(AfSysroot) sysroot = NULL;
	g_autoptr(AfCpuSet) online = af_cpuset_new_range(0, 3);
	AfHousekeeping *hk = NULL;

	g_assert_cmpint(af_sysroot_open(root, &sysroot), ==, 0);
	g_assert_cmpint(af_housekeeping_read(sysroot, NULL, online, online, NULL, runtime, &hk), ==,
			0);
	return hk;
}

static void assert_sources(const AfHousekeeping *hk, const char *expected)
{
	g_autofree char *sources = format_sources(hk);

	g_assert_cmpstr(sources, ==, expected);
}

/*
 * Run-time bans are sources of their own, by name, after the files'; the
 * default_smp_affinity tracker lives across reads: what others take out of
 * the mask is banned, what affinityd wrote itself is not.
 */
static void test_read_runtime(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *root = g_dir_make_tmp("af-hk-XXXXXX", &error);
	g_autoptr(AfOwnerBans) bans = af_owner_bans_new();
	g_autoptr(AfDefaultAffinity) tracker = af_default_affinity_new();
	g_autoptr(AfCpuSet) two = af_cpuset_new_range(2, 2), three = af_cpuset_new_range(3, 3);
	g_autoptr(AfCpuSet) written = af_cpuset_new_range(0, 0);
	AfHkRuntime runtime = { .bans = bans, .default_affinity = tracker };
	AfHousekeeping *hk;

	g_assert_no_error(error);
	af_test_write_file(root, DEFAULT_AFFINITY, "f\n");
	af_owner_bans_set(bans, "zz", two, FALSE);
	af_owner_bans_set(bans, "aa", three, TRUE);
	hk = read_runtime(root, &runtime);
	assert_sources(hk, "owner:aa=3 owner:zz=2");
	assert_cpulist(hk->housekeeping, "0-1");
	af_housekeeping_free(hk);

	/* Someone leaves only CPUs 0-1 in the mask: 2-3 are banned for it too. */
	af_test_write_file(root, DEFAULT_AFFINITY, "3\n");
	af_owner_bans_remove(bans, "zz");
	hk = read_runtime(root, &runtime);
	assert_sources(hk, "owner:aa=3 default_smp_affinity=2-3");
	af_housekeeping_free(hk);

	/* affinityd writes 0 itself: no news, the ban stays what it was. */
	af_default_affinity_note_written(tracker, written);
	af_test_write_file(root, DEFAULT_AFFINITY, "1\n");
	hk = read_runtime(root, &runtime);
	assert_sources(hk, "owner:aa=3 default_smp_affinity=2-3");
	af_housekeeping_free(hk);

	/* CRI-O gives 2 back. */
	af_test_write_file(root, DEFAULT_AFFINITY, "5\n");
	hk = read_runtime(root, &runtime);
	assert_sources(hk, "owner:aa=3 default_smp_affinity=3");
	assert_cpulist(hk->housekeeping, "0-2");
	af_housekeeping_free(hk);

	/* Without a tracker every read is a first look. */
	hk = read_runtime(root, NULL);
	assert_sources(hk, "default_smp_affinity=1,3");
	af_housekeeping_free(hk);
	af_test_rm_rf(root);
}

/* The warning about CPUs the machine does not have names them and the machine's. */
static void test_read_beyond_machine(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *root = g_dir_make_tmp("af-hk-XXXXXX", &error);
	g_autoptr(AfSysroot) sysroot = NULL;
	g_autoptr(AfCpuSet) online = af_cpuset_new_range(0, 3);
	g_autoptr(AfHousekeeping) hk = NULL;
	AfPolicy *policy = new_policy("2,16-17", NULL);

	g_assert_no_error(error);
	g_assert_cmpint(af_sysroot_open(root, &sysroot), ==, 0);
	g_assert_cmpint(af_housekeeping_read(sysroot, NULL, online, NULL, policy, NULL, &hk), ==, 0);
	free_policy(policy);
	g_assert_cmpuint(hk->warnings->len, ==, 1);
	if (hk->warnings->len == 1)
		g_assert_cmpstr(hk->warnings->pdata[0], ==,
				"[cpus] isolated names CPU(s) 16-17, which this machine does not "
				"have (its CPUs: 0-3)");
	af_test_rm_rf(root);
}

/* Without a command line or a policy only sysfs counts. */
static void test_read_no_cmdline_no_policy(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *root = g_dir_make_tmp("af-hk-XXXXXX", &error);
	g_autoptr(AfSysroot) sysroot = NULL;
	g_autoptr(AfCpuSet) online = af_cpuset_new_range(0, 3);
	g_autoptr(AfHousekeeping) hk = NULL;

	g_assert_no_error(error);
	af_test_write_file(root, CPU "isolated", "3\n");
	g_assert_cmpint(af_sysroot_open(root, &sysroot), ==, 0);
	g_assert_cmpint(af_housekeeping_read(sysroot, NULL, online, NULL, NULL, NULL, &hk), ==, 0);
	assert_cpulist(hk->housekeeping, "0-2");
	assert_cpulist(hk->managed_irq_isolated, "");
	af_test_rm_rf(root);
}

/*
 * Sources added after the read (run-time bans): each named, after the
 * files' sources, taking its CPUs out of housekeeping; the one that takes
 * the last CPU brings the warning, once.
 */
static void test_add_source(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *root = g_dir_make_tmp("af-hk-XXXXXX", &error);
	g_autoptr(AfSysroot) sysroot = NULL;
	g_autoptr(AfCpuSet) online = af_cpuset_new_range(0, 7);
	g_autoptr(AfCpuSet) a = af_cpuset_new_range(4, 5);
	g_autoptr(AfCpuSet) b = af_cpuset_new_range(5, 6);
	g_autoptr(AfCpuSet) most = af_cpuset_new_range(2, 3);
	g_autoptr(AfCpuSet) rest = af_cpuset_new_range(0, 1);
	g_autoptr(AfCpuSet) empty = af_cpuset_new();
	g_autoptr(AfHousekeeping) hk = NULL;
	g_autofree char *sources = NULL;

	g_assert_no_error(error);
	af_test_write_file(root, CPU "isolated", "7\n");
	g_assert_cmpint(af_sysroot_open(root, &sysroot), ==, 0);
	g_assert_cmpint(af_housekeeping_read(sysroot, NULL, online, NULL, NULL, NULL, &hk), ==, 0);
	af_housekeeping_add_source(hk, "owner:tuned", a);
	af_housekeeping_add_source(hk, "owner:crio", b);
	af_housekeeping_add_source(hk, "owner:none", empty);
	af_housekeeping_add_source(hk, "owner:null", NULL);
	sources = format_sources(hk);
	g_assert_cmpstr(sources, ==, "sysfs_isolated=7 owner:tuned=4-5 owner:crio=5-6");
	assert_cpulist(hk->isolated, "4-7");
	assert_cpulist(hk->housekeeping, "0-3");
	assert_cpulist(af_housekeeping_source(hk, "owner:crio"), "5-6");
	g_assert_null(af_housekeeping_source(hk, "owner:none"));
	g_assert_cmpuint(hk->warnings->len, ==, 0);

	af_housekeeping_add_source(hk, "owner:most", most);
	g_assert_cmpuint(hk->warnings->len, ==, 0);
	af_housekeeping_add_source(hk, "owner:last", rest);
	assert_cpulist(hk->housekeeping, "");
	g_assert_cmpuint(hk->warnings->len, ==, 1);
	g_assert_true(
		g_str_has_prefix(g_ptr_array_index(hk->warnings, 0), "Every online CPU (0-7)"));
	af_housekeeping_add_source(hk, "owner:again", rest);
	g_assert_cmpuint(hk->warnings->len, ==, 1);
	af_test_rm_rf(root);
}

/* No online CPU is a caller's inconsistency: -EINVAL, output untouched. */
static void test_read_no_online(void)
{
	g_autoptr(AfSysroot) sysroot = NULL;
	g_autoptr(AfCpuSet) online = af_cpuset_new();
	AfHousekeeping *hk = NULL;

	g_assert_cmpint(af_sysroot_open("/", &sysroot), ==, 0);
	g_assert_cmpint(af_housekeeping_read(sysroot, NULL, online, online, NULL, NULL, &hk), ==, -EINVAL);
	g_assert_null(hk);
	g_assert_cmpint(af_housekeeping_read(sysroot, NULL, NULL, NULL, NULL, NULL, &hk), ==, -EINVAL);
	g_assert_null(hk);
	af_housekeeping_free(NULL);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/housekeeping/read/table", test_read_table);
	g_test_add_func("/housekeeping/read/qemu-capture", test_read_qemu_capture);
	g_test_add_func("/housekeeping/read/no-cmdline-no-policy", test_read_no_cmdline_no_policy);
	g_test_add_func("/housekeeping/read/runtime", test_read_runtime);
	g_test_add_func("/housekeeping/read/beyond-machine", test_read_beyond_machine);
	g_test_add_func("/housekeeping/read/no-online", test_read_no_online);
	g_test_add_func("/housekeeping/add_source/after-read", test_add_source);
	return g_test_run();
}
