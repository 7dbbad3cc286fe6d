/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fakekernel.h"

static void remove_tree(const char *root)
{
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", root);
	g_assert_cmpint(system(cmd), ==, 0);
}

/*
 * A copied tree plays the kernel's side of an IRQ affinity write: 40
 * possible CPUs (masks 10 hex digits wide), 4-7 offline, IRQ 44 at 0-3
 * served by CPU 1.
 */
static char *make_irq_tree(void)
{
	g_autoptr(GError) error = NULL;
	char *root = g_dir_make_tmp("af-sysroot-irq-XXXXXX", &error);
	static const struct {
		const char *path, *text;
	} files[] = {
		{ "sys/devices/system/cpu/possible", "0-39\n" },
		{ "sys/devices/system/cpu/online", "0-3,8-39\n" },
		{ "proc/irq/44/smp_affinity", "00,0000000f\n" },
		{ "proc/irq/44/smp_affinity_list", "0-3\n" },
		{ "proc/irq/44/effective_affinity", "00,00000002\n" },
		{ "proc/irq/44/effective_affinity_list", "1\n" },
		{ "proc/irq/45/smp_affinity", "00,0000000f\n" },
	};

	g_assert_no_error(error);
	for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
		g_autofree char *path = g_build_filename(root, files[i].path, NULL);
		g_autofree char *dir = g_path_get_dirname(path);

		g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
		g_assert_true(g_file_set_contents(path, files[i].text, -1, NULL));
	}
	return root;
}

static char *read_tree(const char *root, const char *path)
{
	g_autofree char *host = g_build_filename(root, path, NULL);
	char *text = NULL;

	g_assert_true(g_file_get_contents(host, &text, NULL, NULL));
	return text;
}

typedef struct {
	const char *file;           /* under proc/irq/44/ */
	const char *data;           /* written */
	int r;                      /* af_sysroot_write's answer */
	const char *mask;           /* smp_affinity after it */
	const char *list;           /* smp_affinity_list after it */
	const char *effective_list; /* effective_affinity_list after it */
} IrqWriteCase;

static const IrqWriteCase irq_write_cases[] = {
	/* The twin follows; CPU 1 no longer in the mask: the first online one serves. */
	{ "smp_affinity_list", "8-9\n", 0, "00,00000300\n", "8-9\n", "8\n" },
	{ "smp_affinity", "00,00000300", 0, "00,00000300\n", "8-9\n", "8\n" },
	/* Short hex is the same mask; CPU 1 still in it keeps serving. */
	{ "smp_affinity", "3\n", 0, "00,00000003\n", "0-1\n", "1\n" },
	{ "smp_affinity_list", "1,39", 0, "80,00000002\n", "1,39\n", "1\n" },
	/* Offline CPUs are kept in the mask; an online one serves. */
	{ "smp_affinity_list", "5-8", 0, "00,000001e0\n", "5-8\n", "8\n" },
	/* Refused: nothing changes. */
	{ "smp_affinity_list", "4-7", -EINVAL, "00,0000000f\n", "0-3\n", "1\n" },
	{ "smp_affinity_list", "", -EINVAL, "00,0000000f\n", "0-3\n", "1\n" },
	{ "smp_affinity_list", "zero", -EINVAL, "00,0000000f\n", "0-3\n", "1\n" },
	{ "smp_affinity_list", "40", -ERANGE, "00,0000000f\n", "0-3\n", "1\n" },
	{ "smp_affinity", "100,00000000", -EOVERFLOW, "00,0000000f\n", "0-3\n", "1\n" },
};

static void test_irq_write_in_tree(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(irq_write_cases); i++) {
		const IrqWriteCase *c = &irq_write_cases[i];
		g_autofree char *root = make_irq_tree();
		g_autofree char *path = g_strconcat("/proc/irq/44/", c->file, NULL);
		g_autofree char *mask = NULL, *list = NULL, *eff = NULL, *eff_list = NULL;
		g_autoptr(AfSysroot) sr = NULL;
		g_autoptr(AfCpuSet) eff_set = NULL, eff_list_set = NULL;
		g_autofree char *shown = g_strescape(c->data, NULL);

		g_test_message("case %u: %s <- \"%s\"", i, c->file, shown);
		g_assert_cmpint(af_fakekernel_open_sysroot(root, &sr), ==, 0);
		g_assert_cmpint(af_sysroot_write(sr, path, c->data), ==, c->r);
		mask = read_tree(root, "proc/irq/44/smp_affinity");
		list = read_tree(root, "proc/irq/44/smp_affinity_list");
		eff = read_tree(root, "proc/irq/44/effective_affinity");
		eff_list = read_tree(root, "proc/irq/44/effective_affinity_list");
		g_assert_cmpstr(mask, ==, c->mask);
		g_assert_cmpstr(list, ==, c->list);
		g_assert_cmpstr(eff_list, ==, c->effective_list);
		/* Both effective files name the same CPU. */
		g_assert_cmpint(af_cpuset_parse_mask(eff, &eff_set), ==, 0);
		g_assert_cmpint(af_cpuset_parse_list(eff_list, &eff_list_set), ==, 0);
		g_assert_true(af_cpuset_equal(eff_set, eff_list_set));
		remove_tree(root);
	}
}

/* A read-only affinity file is the kernel's "not movable" (>= 6.12): EPERM, also for root. */
static void test_irq_write_read_only(void)
{
	g_autofree char *root = make_irq_tree();
	g_autofree char *file = g_build_filename(root, "proc/irq/44/smp_affinity_list", NULL);
	g_autofree char *list = NULL;
	g_autoptr(AfSysroot) sr = NULL;

	g_assert_cmpint(chmod(file, 0444), ==, 0);
	g_assert_cmpint(af_fakekernel_open_sysroot(root, &sr), ==, 0);
	g_assert_cmpint(af_sysroot_write(sr, "/proc/irq/44/smp_affinity_list", "0"), ==, -EPERM);
	list = read_tree(root, "proc/irq/44/smp_affinity_list");
	g_assert_cmpstr(list, ==, "0-3\n");
	remove_tree(root);
}

/* Without a twin or effective files only the file written changes; a gone IRQ is ENOENT. */
static void test_irq_write_lone_file(void)
{
	g_autofree char *root = make_irq_tree();
	g_autofree char *mask = NULL;
	g_autoptr(AfSysroot) sr = NULL;
	g_autoptr(GPtrArray) names = NULL;

	g_assert_cmpint(af_fakekernel_open_sysroot(root, &sr), ==, 0);
	g_assert_cmpint(af_sysroot_write(sr, "/proc/irq/45/smp_affinity", "1\n"), ==, 0);
	mask = read_tree(root, "proc/irq/45/smp_affinity");
	g_assert_cmpstr(mask, ==, "00,00000001\n");
	g_assert_cmpint(af_sysroot_list(sr, "/proc/irq/45", &names), ==, 0);
	g_assert_cmpuint(names->len, ==, 1);
	g_assert_cmpint(af_sysroot_write(sr, "/proc/irq/46/smp_affinity_list", "0"), ==, -ENOENT);
	remove_tree(root);
}

/*
 * The CPUs come from cpus.h as the kernel knows them; a tree missing a list
 * falls back as before: no possible list, the mask file's width (40 bits:
 * 10 hex digits, not online's last + 1) is nr_cpu_ids; no online list, the
 * mask itself counts as online; an empty one, nothing is online.
 */
static void test_irq_write_tree_cpus(void)
{
	static const struct {
		const char *possible, *online; /* the lists' contents; NULL: no such file */
		const char *file, *data;
		int r;
		const char *list; /* smp_affinity_list after it */
	} cases[] = {
		{NULL, "0-3,8-9\n", "smp_affinity_list", "8,39", 0, "8,39\n"},
		{NULL, "0-3,8-9\n", "smp_affinity_list", "8,40", -ERANGE, "0-3\n"},
		{NULL, "0-3,8-9\n", "smp_affinity", "100,00000100", -EOVERFLOW, "0-3\n"},
		/* CPUs 4-7 are offline, but without an online list nothing says so. */
		{"0-39\n", NULL, "smp_affinity_list", "4-7", 0, "4-7\n"},
		{"0-39\n", NULL, "smp_affinity_list", "40", -ERANGE, "0-3\n"},
		{"0-39\n", "\n", "smp_affinity_list", "0-3", -EINVAL, "0-3\n"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *root = make_irq_tree();
		g_autofree char *path = g_strconcat("/proc/irq/44/", cases[i].file, NULL);
		g_autofree char *possible =
			g_build_filename(root, "sys/devices/system/cpu/possible", NULL);
		g_autofree char *online =
			g_build_filename(root, "sys/devices/system/cpu/online", NULL);
		g_autofree char *list = NULL;
		g_autoptr(AfSysroot) sr = NULL;

		g_test_message("case %u: %s <- %s", i, cases[i].file, cases[i].data);
		g_assert_cmpint(unlink(possible), ==, 0);
		g_assert_cmpint(unlink(online), ==, 0);
		if (cases[i].possible)
			g_assert_true(g_file_set_contents(possible, cases[i].possible, -1, NULL));
		if (cases[i].online)
			g_assert_true(g_file_set_contents(online, cases[i].online, -1, NULL));
		g_assert_cmpint(af_fakekernel_open_sysroot(root, &sr), ==, 0);
		g_assert_cmpint(af_sysroot_write(sr, path, cases[i].data), ==, cases[i].r);
		list = read_tree(root, "proc/irq/44/smp_affinity_list");
		g_assert_cmpstr(list, ==, cases[i].list);
		remove_tree(root);
	}
}

/* Writes of other files go on to the file as given; the filter says 0 for them. */
static void test_filter_other_paths(void)
{
	g_autofree char *root = make_irq_tree();
	g_autofree char *online = NULL;
	g_autoptr(AfSysroot) sr = NULL;

	g_assert_cmpint(af_fakekernel_open_sysroot(root, &sr), ==, 0);
	g_assert_cmpint(af_fakekernel_filter("/proc/irq/44/affinity_hint", "1", sr), ==, 0);
	g_assert_cmpint(af_fakekernel_filter("/proc/irq/default_smp_affinity", "1", sr), ==, 0);
	g_assert_cmpint(af_fakekernel_filter("/proc/irq/44x/smp_affinity", "1", sr), ==, 0);
	g_assert_cmpint(af_fakekernel_filter("proc/irq/44/smp_affinity", "1", sr), ==,
			AF_SYSROOT_WRITE_HANDLED);
	g_assert_cmpint(af_sysroot_write(sr, "/sys/devices/system/cpu/online", "0-39\n"), ==, 0);
	online = read_tree(root, "sys/devices/system/cpu/online");
	g_assert_cmpstr(online, ==, "0-39\n");
	/* A file that does not exist is not created, by either path. */
	g_assert_cmpint(af_sysroot_write(sr, "/proc/irq/44/affinity_hint", "1"), ==, -ENOENT);
	g_assert_cmpint(af_sysroot_write(sr, "/proc/irq/46/smp_affinity", "1"), ==, -ENOENT);
	remove_tree(root);
}

/* The fault file fails the reads and writes it names, every one, until it goes. */
static void test_faults_file(void)
{
	g_autofree char *root = make_irq_tree();
	g_autofree char *faults = g_build_filename(root, AF_FAKEKERNEL_FAULTS, NULL);
	g_autofree char *text = NULL;
	g_autoptr(AfCpuSet) set = NULL;
	g_autoptr(AfSysroot) sr = NULL;
	g_autoptr(GPtrArray) names = NULL;

	g_assert_cmpint(af_fakekernel_open_sysroot(root, &sr), ==, 0);
	g_assert_true(g_file_set_contents(faults,
					  "read proc/irq/44/smp_affinity* EIO\n"
					  "read proc/irq ENOMEM\n"
					  "read sys/devices/system/cpu/online EBUSY\n"
					  "write proc/irq/45/smp_affinity ENOENT\n"
					  "bogus line\nread proc/irq/45/* NOSUCHERRNO\n",
					  -1, NULL));
	for (int i = 0; i < 2; i++) {
		g_assert_cmpint(af_sysroot_read(sr, "/proc/irq/44/smp_affinity", &text, NULL), ==,
				-EIO);
		g_assert_cmpint(af_sysroot_read_cpulist(sr, "proc/irq/44/smp_affinity_list", &set),
				==, -EIO);
		g_assert_cmpint(af_sysroot_read_cpulist(sr, "/sys/devices/system/cpu/online", &set),
				==, -EBUSY);
		g_assert_cmpint(af_sysroot_list(sr, "/proc/irq", &names), ==, -ENOMEM);
	}
	/* Not named (or named with no errno known): read as ever. */
	g_assert_cmpint(af_sysroot_read(sr, "/proc/irq/45/smp_affinity", &text, NULL), ==, 0);
	g_clear_pointer(&text, g_free);
	g_assert_cmpint(af_sysroot_read(sr, "/proc/irq/44/effective_affinity", &text, NULL), ==, 0);
	g_clear_pointer(&text, g_free);
	g_assert_cmpint(af_sysroot_write(sr, "/proc/irq/45/smp_affinity", "1\n"), ==, -ENOENT);
	g_assert_cmpint(af_sysroot_write(sr, "/proc/irq/44/smp_affinity_list", "1\n"), ==, 0);
	/* Gone: everything reads. */
	g_assert_cmpint(unlink(faults), ==, 0);
	g_assert_cmpint(af_sysroot_read_cpulist(sr, "/proc/irq/44/smp_affinity_list", &set), ==, 0);
	g_assert_cmpint(af_sysroot_list(sr, "/proc/irq", &names), ==, 0);
	remove_tree(root);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/fakekernel/filter/irq_in_tree", test_irq_write_in_tree);
	g_test_add_func("/fakekernel/filter/irq_read_only", test_irq_write_read_only);
	g_test_add_func("/fakekernel/filter/irq_lone_file", test_irq_write_lone_file);
	g_test_add_func("/fakekernel/filter/tree_cpus", test_irq_write_tree_cpus);
	g_test_add_func("/fakekernel/filter/other_paths", test_filter_other_paths);
	g_test_add_func("/fakekernel/faults/file", test_faults_file);
	return g_test_run();
}
