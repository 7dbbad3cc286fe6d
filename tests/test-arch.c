/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <sys/utsname.h>

#include "arch.h"
#include "testutil.h"

typedef struct {
	const char *text;
	AfArch arch;
} Case;

static void test_from_machine(void)
{
	static const Case cases[] = {
		{"x86_64", AF_ARCH_X86},    {"i686", AF_ARCH_X86},	{"i386", AF_ARCH_X86},
		{"aarch64", AF_ARCH_ARM64}, {"ppc64le", AF_ARCH_OTHER}, {"s390x", AF_ARCH_OTHER},
		{"", AF_ARCH_UNKNOWN},	    {NULL, AF_ARCH_UNKNOWN},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
		g_assert_cmpint(af_arch_from_machine(cases[i].text), ==, cases[i].arch);
}

static void test_from_modalias(void)
{
	static const Case cases[] = {
		/* Debian 6.1 under QEMU (the qemu-managed-doc-example fixture). */
		{"cpu:type:x86,ven0002fam000Fmod006B:feature:,0000,0002,0003", AF_ARCH_X86},
		{"cpu:type:aarch64:feature:,0000,0001,0002", AF_ARCH_ARM64},
		{"cpu:type:powerpc64le:feature:,0000", AF_ARCH_OTHER},
		{"cpu:type::feature:", AF_ARCH_UNKNOWN},
		{"pci:v00008086d00001237", AF_ARCH_UNKNOWN},
		{"", AF_ARCH_UNKNOWN},
		{NULL, AF_ARCH_UNKNOWN},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
		g_assert_cmpint(af_arch_from_modalias(cases[i].text), ==, cases[i].arch);
}

static void test_from_cpuinfo(void)
{
	static const Case cases[] = {
		{"processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\n", AF_ARCH_X86},
		{"processor\t: 0\nflags\t\t: fpu vme de pse\n", AF_ARCH_X86},
		{"processor\t: 0\nBogoMIPS\t: 100.00\nFeatures\t: fp asimd\nCPU implementer\t: "
		 "0x48\n",
		 AF_ARCH_ARM64},
		{"processor\t: 0\ncpu\t\t: POWER9\n", AF_ARCH_OTHER},
		{"", AF_ARCH_UNKNOWN},
		{NULL, AF_ARCH_UNKNOWN},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
		g_assert_cmpint(af_arch_from_cpuinfo(cases[i].text), ==, cases[i].arch);
}

/* The arch of an unpacked fixture's root. */
static AfArch read_fixture(const char *fixture)
{
	g_autofree char *tarball = af_test_fixture(fixture), *tmp = NULL, *root = NULL;
	g_autoptr(AfSysroot) sysroot = NULL;
	AfArch arch;

	af_test_extract_root(tarball, &tmp, &root);
	g_assert_cmpint(af_sysroot_open(root, &sysroot), ==, 0);
	arch = af_arch_read(sysroot);
	af_test_rm_rf(tmp);
	return arch;
}

/* Captures: the modalias when there is one, else /proc/cpuinfo. */
static void test_read_trees(void)
{
	g_autofree char *tarball = af_test_fixture("sysroots/qemu-managed-doc-example.tar.gz");
	g_autofree char *tmp = NULL;
	g_autoptr(AfSysroot) sysroot = NULL;

	/* The QEMU capture's modalias says x86; with it gone, its cpuinfo does. */
	af_test_extract(tarball, &tmp);
	g_assert_cmpint(af_sysroot_open(tmp, &sysroot), ==, 0);
	g_assert_cmpint(af_arch_read(sysroot), ==, AF_ARCH_X86);
	af_test_write_file(tmp, "sys/devices/system/cpu/modalias", "cpu:type:aarch64:feature:\n");
	g_assert_cmpint(af_arch_read(sysroot), ==, AF_ARCH_ARM64);
	af_test_write_file(tmp, "sys/devices/system/cpu/modalias", "garbage\n");
	g_assert_cmpint(af_arch_read(sysroot), ==, AF_ARCH_X86);
	af_test_write_file(tmp, "proc/cpuinfo", "");
	g_assert_cmpint(af_arch_read(sysroot), ==, AF_ARCH_UNKNOWN);
	af_test_rm_rf(tmp);
	/* hwloc's captures have no modalias: cpuinfo tells. */
	g_assert_cmpint(read_fixture("hwloc/8em64t-2s2ca2c.tar.bz2"), ==, AF_ARCH_X86);
	g_assert_cmpint(read_fixture("hwloc/48amd64-4pa2n6c-sparse.tar.bz2"), ==, AF_ARCH_X86);
	g_assert_cmpint(read_fixture("hwloc/128arm-2pa2n8cluster4co.tar.bz2"), ==, AF_ARCH_ARM64);
}

/* The live root: uname(2), whatever the files say. */
static void test_read_live(void)
{
	g_autoptr(AfSysroot) sysroot = NULL;
	struct utsname uts;

	g_assert_cmpint(uname(&uts), ==, 0);
	g_assert_cmpint(af_sysroot_open("/", &sysroot), ==, 0);
	g_assert_cmpint(af_arch_read(sysroot), ==, af_arch_from_machine(uts.machine));
}

static void test_to_string(void)
{
	g_assert_cmpstr(af_arch_to_string(AF_ARCH_X86), ==, "x86");
	g_assert_cmpstr(af_arch_to_string(AF_ARCH_ARM64), ==, "arm64");
	g_assert_cmpstr(af_arch_to_string(AF_ARCH_OTHER), ==, "other");
	g_assert_cmpstr(af_arch_to_string(AF_ARCH_UNKNOWN), ==, "unknown");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/arch/from_machine/table", test_from_machine);
	g_test_add_func("/arch/from_modalias/table", test_from_modalias);
	g_test_add_func("/arch/from_cpuinfo/table", test_from_cpuinfo);
	g_test_add_func("/arch/read/trees", test_read_trees);
	g_test_add_func("/arch/read/live", test_read_live);
	g_test_add_func("/arch/to_string/all", test_to_string);
	return g_test_run();
}
