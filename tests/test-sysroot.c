/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
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

/* Writes a file below root, creating its directory. */
static void write_file(const char *root, const char *relative, const char *contents)
{
	g_autofree char *path = g_build_filename(root, relative, NULL);
	g_autofree char *dir = g_path_get_dirname(path);

	g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
	g_assert_true(g_file_set_contents(path, contents, -1, NULL));
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
	/* ../../.. from the tree's /sys climbs to the tree's root, not the host's;
	 * nothing there, and that only because the link leads out: EXDEV. */
	g_assert_cmpint(af_sysroot_read(sr, "/sys/escape/passwd", &data, NULL), ==, -EXDEV);
	g_assert_null(data);
	/* A file simply missing is ENOENT. */
	g_assert_cmpint(af_sysroot_read(sr, "/sys/nothing", &data, NULL), ==, -ENOENT);
	/* What the escaping link finds inside the tree is read: it stays inside. */
	write_file(root, "etc/passwd", "inside\n");
	g_assert_cmpint(af_sysroot_read(sr, "/sys/escape/passwd", &data, NULL), ==, 0);
	g_assert_cmpstr(data, ==, "inside\n");
	g_free(data);
	remove_tree(root);
}

typedef struct Lines {
	GString *seen;
	guint n;
	guint stop_at; /* 0: never */
} Lines;

static int collect_line(const char *line, gsize len, gboolean complete, gpointer user_data)
{
	Lines *lines = user_data;

	g_assert_cmpuint(strlen(line), ==, len);
	g_string_append_printf(lines->seen, "%s%s|", line, complete ? "" : "(cut)");
	if (++lines->n == lines->stop_at)
		return -ECANCELED;
	return 0;
}

/* Lines across chunk boundaries, a line longer than a chunk, a last line cut short, a stop. */
static void test_read_lines(void)
{
	g_autofree char *root = make_tree();
	g_autoptr(AfSysroot) sr = NULL;
	g_autoptr(GString) text = g_string_new("a\n\nb c\n");
	g_autoptr(GString) expect = g_string_new("a||b c|");
	Lines lines = {.seen = g_string_new(NULL)};

	for (guint i = 0; i < 3 * AF_SYSROOT_CHUNK_BYTES / 10; i++) {
		g_string_append_printf(text, "%08u\n", i);
		g_string_append_printf(expect, "%08u|", i);
	}
	for (guint i = 0; i < AF_SYSROOT_CHUNK_BYTES + 7; i++) {
		g_string_append_c(text, 'x');
		g_string_append_c(expect, 'x');
	}
	g_string_append(text, "\nlast");
	g_string_append(expect, "|last(cut)|");
	write_file(root, "proc/big", text->str);
	g_assert_cmpint(af_sysroot_open(root, &sr), ==, 0);
	g_assert_cmpint(af_sysroot_read_lines(sr, "/proc/big", collect_line, &lines), ==, 0);
	g_assert_true(g_string_equal(lines.seen, expect));
	g_string_truncate(lines.seen, 0);
	lines.n = 0;
	lines.stop_at = 2;
	g_assert_cmpint(af_sysroot_read_lines(sr, "/proc/big", collect_line, &lines), ==,
			-ECANCELED);
	g_assert_cmpstr(lines.seen->str, ==, "a||");
	g_assert_cmpint(af_sysroot_read_lines(sr, "/proc/none", collect_line, &lines), ==, -ENOENT);
	g_string_free(lines.seen, TRUE);
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

typedef struct {
	AfSysroot *sysroot;
	guint calls;
} Doubler;

/* Writes numa_node itself (twice the value, through the raw write), lets the rest go on. */
static int write_doubled(const char *path, const char *data, gpointer user_data)
{
	Doubler *d = user_data;
	g_autofree char *twice = NULL;
	int r;

	d->calls++;
	if (!g_str_has_suffix(path, "numa_node"))
		return 0;
	twice = g_strdup_printf("%d\n", 2 * atoi(data));
	r = af_sysroot_write_raw(d->sysroot, path, twice);
	return r < 0 ? r : AF_SYSROOT_WRITE_HANDLED;
}

/* A filter can do the write itself; its raw write does not come back through it. */
static void test_write_filter_handled(void)
{
	static const char node_path[] = "/sys/bus/pci/devices/0000:00:04.0/numa_node";
	static const char list_path[] = "/sys/bus/pci/devices/0000:00:04.0/local_cpulist";
	g_autofree char *root = make_tree();
	g_autoptr(AfSysroot) sr = NULL;
	g_autofree char *node = NULL, *list = NULL;
	Doubler d = {0};

	g_assert_cmpint(af_sysroot_open(root, &sr), ==, 0);
	d.sysroot = sr;
	af_sysroot_set_write_filter(sr, write_doubled, &d);
	g_assert_cmpint(af_sysroot_write(sr, node_path, "3\n"), ==, 0);
	g_assert_cmpuint(d.calls, ==, 1);
	g_assert_cmpint(af_sysroot_read_string(sr, node_path, &node), ==, 0);
	g_assert_cmpstr(node, ==, "6");
	/* Go on: the file gets the data as given. */
	g_assert_cmpint(af_sysroot_write(sr, list_path, "3\n"), ==, 0);
	g_assert_cmpuint(d.calls, ==, 2);
	g_assert_cmpint(af_sysroot_read_string(sr, list_path, &list), ==, 0);
	g_assert_cmpstr(list, ==, "3");
	/* The raw write's own errors: a missing file is not created. */
	g_assert_cmpint(af_sysroot_write(sr, "/sys/numa_node", "1"), ==, -ENOENT);
	g_assert_cmpint(af_sysroot_write_raw(sr, "/sys/newfile", "1"), ==, -ENOENT);
	g_assert_cmpuint(d.calls, ==, 3);
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

/* A plain sysroot plays no kernel: the file written changes, its twin does not. */
static void test_write_no_kernel_played(void)
{
	g_autofree char *root = make_tree();
	g_autofree char *list = NULL, *mask = NULL;
	g_autoptr(AfSysroot) sr = NULL;
	g_autofree char *dir = g_build_filename(root, "proc/irq/44", NULL);
	g_autofree char *list_path = g_build_filename(dir, "smp_affinity_list", NULL);
	g_autofree char *mask_path = g_build_filename(dir, "smp_affinity", NULL);

	g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
	g_assert_true(g_file_set_contents(list_path, "0-3\n", -1, NULL));
	g_assert_true(g_file_set_contents(mask_path, "f\n", -1, NULL));
	g_assert_cmpint(af_sysroot_open(root, &sr), ==, 0);
	g_assert_cmpint(af_sysroot_write(sr, "/proc/irq/44/smp_affinity_list", "99\n"), ==, 0);
	g_assert_cmpint(af_sysroot_read_string(sr, "/proc/irq/44/smp_affinity_list", &list), ==, 0);
	g_assert_cmpint(af_sysroot_read_string(sr, "/proc/irq/44/smp_affinity", &mask), ==, 0);
	g_assert_cmpstr(list, ==, "99");
	g_assert_cmpstr(mask, ==, "f");
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
	g_test_add_func("/sysroot/read_lines/chunks", test_read_lines);
	g_test_add_func("/sysroot/list/sorted", test_list_sorted);
	g_test_add_func("/sysroot/write/filter", test_write_and_filter);
	g_test_add_func("/sysroot/write/filter_handled", test_write_filter_handled);
	g_test_add_func("/sysroot/write/no_kernel_played", test_write_no_kernel_played);
	g_test_add_func("/sysroot/mode/recorder", test_mode_and_recorder);
	g_test_add_func("/sysroot/open/missing", test_open_missing_root);
	g_test_add_func("/sysroot/open/live", test_live);
	return g_test_run();
}
