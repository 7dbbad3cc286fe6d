/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "defaultaffinity.h"
#include "defaultmask.h"
#include "testutil.h"

/* /proc/irq/default_smp_affinity kept equal to housekeeping, restored on request. */

static char *read_mask(const char *root)
{
	g_autofree char *path = g_build_filename(root, "proc/irq/default_smp_affinity", NULL);
	char *text = NULL;

	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	return text;
}

#define assert_mask(root, want)                                                                    \
	do {                                                                                       \
		g_autofree char *got_ = read_mask(root);                                           \
		g_assert_cmpstr(got_, ==, want);                                                   \
	} while (0)

static void test_update_restore(void)
{
	g_autofree char *root = g_dir_make_tmp("test-defaultmask-XXXXXX", NULL);
	g_autoptr(AfSysroot) sysroot = NULL;
	g_autoptr(AfDefaultMask) dm = NULL;
	g_autoptr(AfCpuSet) hk = af_cpuset_new_range(0, 1), more = af_cpuset_new_range(0, 3);
	g_autoptr(AfCpuSet) none = af_cpuset_new();

	af_test_write_file(root, "proc/irq/default_smp_affinity", "ff\n");
	g_assert_cmpint(af_sysroot_open(root, &sysroot), ==, 0);
	dm = af_default_mask_new(sysroot);
	/* Nothing written: nothing to restore. */
	g_assert_cmpint(af_default_mask_restore(dm, 8), ==, 0);
	g_assert_cmpint(af_default_mask_update(dm, hk, 8), ==, 1);
	assert_mask(root, "03\n");
	/* In step: no write. */
	g_assert_cmpint(af_default_mask_update(dm, hk, 8), ==, 0);
	g_assert_cmpint(af_default_mask_update(dm, none, 8), ==, 0);
	assert_mask(root, "03\n");
	/* The set changed (a CPU online, a partition gone): written again. */
	g_assert_cmpint(af_default_mask_update(dm, more, 8), ==, 1);
	assert_mask(root, "0f\n");
	/* Restored to what the kernel had before the first write. */
	g_assert_cmpint(af_default_mask_restore(dm, 8), ==, 1);
	assert_mask(root, "ff\n");
	g_assert_cmpint(af_default_mask_restore(dm, 8), ==, 0);
	af_test_rm_rf(root);
}

static void test_errors(void)
{
	g_autofree char *root = g_dir_make_tmp("test-defaultmask-XXXXXX", NULL);
	g_autoptr(AfSysroot) sysroot = NULL;
	g_autoptr(AfDefaultMask) dm = NULL;
	g_autoptr(AfCpuSet) hk = af_cpuset_new_range(0, 1), wide = af_cpuset_new_range(0, 8);

	g_assert_cmpint(af_sysroot_open(root, &sysroot), ==, 0);
	dm = af_default_mask_new(sysroot);
	g_assert_cmpint(af_default_mask_update(dm, hk, 8), ==, -ENOENT);
	af_test_write_file(root, "proc/irq/default_smp_affinity", "ff\n");
	g_assert_cmpint(af_default_mask_update(dm, wide, 8), ==, -EOVERFLOW);
	assert_mask(root, "ff\n");
	af_test_rm_rf(root);
}

/*
 * A CPU offline when the mask was written and online at the next start: its
 * absence from our own mask must not read as another program's ban on the
 * first look (defaultaffinity.h). Possible 0-7, isolated 6-7, CPU 3 offline.
 */
static void test_wanted_offline(void)
{
	g_autoptr(AfCpuSet) possible = af_cpuset_new_range(0, 7);
	g_autoptr(AfCpuSet) isolated = af_cpuset_new_range(6, 7);
	g_autoptr(AfCpuSet) mask = af_default_mask_wanted(possible, isolated);
	g_autoptr(AfCpuSet) want = af_cpuset_new_range(0, 5);
	g_autoptr(AfDefaultAffinity) restart = af_default_affinity_new();

	/* CPU 3 (offline) stays in: the kernel serves new IRQs on online ones only. */
	g_assert_true(af_cpuset_equal(mask, want));
	/* Next start, CPU 3 online again: nothing banned. */
	g_assert_false(af_default_affinity_update(restart, mask, possible, isolated));
	g_assert_true(af_cpuset_is_empty(restart->banned));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/defaultmask/update/restore", test_update_restore);
	g_test_add_func("/defaultmask/update/errors", test_errors);
	g_test_add_func("/defaultmask/wanted/offline_cpu", test_wanted_offline);
	return g_test_run();
}
