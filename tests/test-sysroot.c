/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysroot.h"

/* A temporary tree shaped like a small sysfs, with relative links. */
static char *make_tree(void)
{
	g_autoptr(GError) error = NULL;
	char *root = g_dir_make_tmp("af-sysroot-XXXXXX", &error);
	g_autofree char *dev = NULL, *bus = NULL, *drv = NULL;

	g_assert_no_error(error);
	dev = g_build_filename(root, "sys/devices/pci0000:00/0000:00:04.0", NULL);
	bus = g_build_filename(root, "sys/bus/pci/devices", NULL);
	drv = g_build_filename(root, "sys/bus/pci/drivers/nvme", NULL);
	g_assert_cmpint(g_mkdir_with_parents(dev, 0755), ==, 0);
	g_assert_cmpint(g_mkdir_with_parents(bus, 0755), ==, 0);
	g_assert_cmpint(g_mkdir_with_parents(drv, 0755), ==, 0);
	g_autofree char *numa = g_build_filename(dev, "numa_node", NULL);
	g_assert_true(g_file_set_contents(numa, "1\n", -1, NULL));
	g_autofree char *cpus = g_build_filename(dev, "local_cpulist", NULL);
	g_assert_true(g_file_set_contents(cpus, "8-15\n", -1, NULL));
	g_autofree char *mask = g_build_filename(dev, "local_cpus", NULL);
	g_assert_true(g_file_set_contents(mask, "ff00\n", -1, NULL));
	g_autofree char *link = g_build_filename(bus, "0000:00:04.0", NULL);
	g_assert_cmpint(symlink("../../../devices/pci0000:00/0000:00:04.0", link), ==, 0);
	g_autofree char *dlink = g_build_filename(dev, "driver", NULL);
	g_assert_cmpint(symlink("../../../bus/pci/drivers/nvme", dlink), ==, 0);
	/* An absolute link must still resolve inside the tree. */
	g_autofree char *abs = g_build_filename(root, "sys/abs", NULL);
	g_assert_cmpint(symlink("/sys/devices", abs), ==, 0);
	g_autofree char *escape = g_build_filename(root, "sys/escape", NULL);
	g_assert_cmpint(symlink("../../../../../../../../etc", escape), ==, 0);
	return root;
}

static void remove_tree(const char *root)
{
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", root);
	g_assert_cmpint(system(cmd), ==, 0);
}

static void test_read_through_links(void)
{
	g_autofree char *root = make_tree();
	g_autoptr(AfSysroot) sr = NULL;
	g_autofree char *driver = NULL;
	g_autoptr(AfCpuSet) list = NULL;
	g_autoptr(AfCpuSet) mask = NULL;
	gint64 node;

	g_assert_cmpint(af_sysroot_open(root, &sr), ==, 0);
	g_assert_false(af_sysroot_is_live(sr));
	g_assert_cmpint(af_sysroot_read_int(sr, "/sys/bus/pci/devices/0000:00:04.0/numa_node", &node), ==, 0);
	g_assert_cmpint(node, ==, 1);
	g_assert_cmpint(af_sysroot_read_cpulist(sr, "sys/bus/pci/devices/0000:00:04.0/local_cpulist", &list), ==, 0);
	g_assert_cmpint(af_sysroot_read_cpumask(sr, "sys/bus/pci/devices/0000:00:04.0/local_cpus", &mask), ==, 0);
	g_assert_true(af_cpuset_equal(list, mask));
	g_assert_cmpint(af_sysroot_readlink_basename(sr, "/sys/bus/pci/devices/0000:00:04.0/driver", &driver), ==, 0);
	g_assert_cmpstr(driver, ==, "nvme");
	g_assert_cmpint(af_sysroot_exists(sr, "/sys/abs/pci0000:00"), ==, 0);
	g_assert_cmpint(af_sysroot_exists(sr, "/sys/nothing"), ==, -ENOENT);
	remove_tree(root);
}

static void test_escape_stays_inside(void)
{
	g_autofree char *root = make_tree();
	g_autoptr(AfSysroot) sr = NULL;
	char *data = NULL;

	g_assert_cmpint(af_sysroot_open(root, &sr), ==, 0);
	/* ../../.. from the tree's /sys climbs to the tree's root, not the host's. */
	g_assert_cmpint(af_sysroot_read(sr, "/sys/escape/passwd", &data, NULL), ==, -ENOENT);
	g_assert_null(data);
	remove_tree(root);
}

static void test_list_sorted(void)
{
	g_autofree char *root = make_tree();
	g_autoptr(AfSysroot) sr = NULL;
	g_autoptr(GPtrArray) names = NULL;

	g_assert_cmpint(af_sysroot_open(root, &sr), ==, 0);
	g_assert_cmpint(af_sysroot_list(sr, "/sys/bus/pci/devices/0000:00:04.0", &names), ==, 0);
	g_assert_cmpuint(names->len, ==, 4);
	g_assert_cmpstr(names->pdata[0], ==, "driver");
	g_assert_cmpstr(names->pdata[1], ==, "local_cpulist");
	g_assert_cmpstr(names->pdata[2], ==, "local_cpus");
	g_assert_cmpstr(names->pdata[3], ==, "numa_node");
	g_assert_cmpint(af_sysroot_list(sr, "/sys/none", &names), ==, -ENOENT);
	remove_tree(root);
}

static int refuse_eio(const char *path, const char *data, gpointer user_data)
{
	guint *calls = user_data;

	(*calls)++;
	return g_str_has_suffix(path, "numa_node") ? -EIO : 0;
}

static void test_write_and_filter(void)
{
	g_autofree char *root = make_tree();
	g_autoptr(AfSysroot) sr = NULL;
	g_autofree char *back = NULL;
	guint calls = 0;

	g_assert_cmpint(af_sysroot_open(root, &sr), ==, 0);
	g_assert_cmpint(af_sysroot_write(sr, "/sys/bus/pci/devices/0000:00:04.0/local_cpulist", "3\n"), ==, 0);
	g_assert_cmpint(af_sysroot_read_string(sr, "/sys/bus/pci/devices/0000:00:04.0/local_cpulist", &back), ==, 0);
	g_assert_cmpstr(back, ==, "3");
	/* Writes never create files. */
	g_assert_cmpint(af_sysroot_write(sr, "/sys/newfile", "1"), ==, -ENOENT);
	af_sysroot_set_write_filter(sr, refuse_eio, &calls);
	g_assert_cmpint(af_sysroot_write(sr, "/sys/bus/pci/devices/0000:00:04.0/numa_node", "0"), ==, -EIO);
	g_assert_cmpint(af_sysroot_write(sr, "/sys/bus/pci/devices/0000:00:04.0/local_cpus", "1"), ==, 0);
	g_assert_cmpuint(calls, ==, 2);
	remove_tree(root);
}

static void test_mode_and_recorder(void)
{
	g_autofree char *root = make_tree();
	g_autoptr(AfSysroot) sr = NULL;
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autofree char *path = g_build_filename(root, "sys/devices/pci0000:00/0000:00:04.0/numa_node", NULL);
	g_autofree char *text = NULL, *target = NULL;
	mode_t mode;

	g_assert_cmpint(chmod(path, 0444), ==, 0);
	g_assert_cmpint(af_sysroot_open(root, &sr), ==, 0);
	g_assert_cmpint(af_sysroot_mode(sr, "/sys/bus/pci/devices/0000:00:04.0/numa_node", &mode), ==, 0);
	g_assert_cmpuint(mode & 0777, ==, 0444);
	af_sysroot_set_recorder(sr, seen);
	g_assert_cmpint(af_sysroot_read_string(sr, "/sys/bus/pci/devices/0000:00:04.0/numa_node", &text), ==, 0);
	g_assert_cmpint(af_sysroot_readlink(sr, "/sys/bus/pci/devices/0000:00:04.0/driver", &target), ==, 0);
	g_assert_cmpstr(target, ==, "../../../bus/pci/drivers/nvme");
	g_assert_true(g_hash_table_contains(seen, "sys/bus/pci/devices/0000:00:04.0/numa_node"));
	g_assert_true(g_hash_table_contains(seen, "sys/bus/pci/devices/0000:00:04.0/driver"));
	af_sysroot_set_recorder(sr, NULL);
	remove_tree(root);
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
		g_assert_cmpint(af_sysroot_open(root, &sr), ==, 0);
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
	g_assert_cmpint(af_sysroot_open(root, &sr), ==, 0);
	g_assert_cmpint(af_sysroot_write(sr, "/proc/irq/44/smp_affinity_list", "0"), ==, -EPERM);
	list = read_tree(root, "proc/irq/44/smp_affinity_list");
	g_assert_cmpstr(list, ==, "0-3\n");
	remove_tree(root);
}

/* Without a twin or effective files only the file written changes; a gone IRQ is ENOENT. */
static void test_irq_write_lone_file(void)
{
	g_autofree char *root = make_irq_tree();
	g_autofree char *mask = NULL, *dir = g_build_filename(root, "proc/irq/45", NULL);
	g_autoptr(AfSysroot) sr = NULL;
	g_autoptr(GPtrArray) names = NULL;

	g_assert_cmpint(af_sysroot_open(root, &sr), ==, 0);
	g_assert_cmpint(af_sysroot_write(sr, "/proc/irq/45/smp_affinity", "1\n"), ==, 0);
	mask = read_tree(root, "proc/irq/45/smp_affinity");
	g_assert_cmpstr(mask, ==, "00,00000001\n");
	g_assert_cmpint(af_sysroot_list(sr, "/proc/irq/45", &names), ==, 0);
	g_assert_cmpuint(names->len, ==, 1);
	g_assert_cmpint(af_sysroot_write(sr, "/proc/irq/46/smp_affinity_list", "0"), ==, -ENOENT);
	remove_tree(root);
}

static void test_open_missing_root(void)
{
	AfSysroot *sr = NULL;

	g_assert_cmpint(af_sysroot_open("/nonexistent-af-root", &sr), ==, -ENOENT);
	g_assert_null(sr);
}

static void test_live(void)
{
	g_autoptr(AfSysroot) sr = NULL;
	g_autofree char *host = NULL;

	g_assert_cmpint(af_sysroot_open("/", &sr), ==, 0);
	g_assert_true(af_sysroot_is_live(sr));
	host = af_sysroot_host_path(sr, "/proc/interrupts");
	g_assert_cmpstr(host, ==, "/proc/interrupts");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/sysroot/read/through_links", test_read_through_links);
	g_test_add_func("/sysroot/read/escape_stays_inside", test_escape_stays_inside);
	g_test_add_func("/sysroot/list/sorted", test_list_sorted);
	g_test_add_func("/sysroot/write/filter", test_write_and_filter);
	g_test_add_func("/sysroot/write/irq_in_tree", test_irq_write_in_tree);
	g_test_add_func("/sysroot/write/irq_read_only", test_irq_write_read_only);
	g_test_add_func("/sysroot/write/irq_lone_file", test_irq_write_lone_file);
	g_test_add_func("/sysroot/mode/recorder", test_mode_and_recorder);
	g_test_add_func("/sysroot/open/missing", test_open_missing_root);
	g_test_add_func("/sysroot/open/live", test_live);
	return g_test_run();
}
