/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

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

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/defaultmask/update/restore", test_update_restore);
	g_test_add_func("/defaultmask/update/errors", test_errors);
	return g_test_run();
}
