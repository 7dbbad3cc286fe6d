/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Small sysfs/procfs trees for the inventory tests: written file by file in
 * a g_dir_make_tmp() directory, or extracted from a fixture tarball under
 * tests/fixtures/sysroots/. (Local until a shared test helper exists.)
 */

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib.h>
#include <glib/gstdio.h>

static inline char *tree_new(void)
{
	g_autoptr(GError) error = NULL;
	char *root = g_dir_make_tmp("af-inventory-XXXXXX", &error);

	g_assert_no_error(error);
	return root;
}

/* Writes root/path with text, creating directories. */
static inline void tree_write(const char *root, const char *path, const char *text)
{
	g_autofree char *file = g_build_filename(root, path, NULL);
	g_autofree char *dir = g_path_get_dirname(file);
	g_autoptr(GError) error = NULL;

	g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
	g_file_set_contents(file, text, -1, &error);
	g_assert_no_error(error);
}

static inline void tree_mkdir(const char *root, const char *path)
{
	g_autofree char *dir = g_build_filename(root, path, NULL);

	g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
}

/* A relative symbolic link root/path -> target, as sysfs has them. */
static inline void tree_link(const char *root, const char *path, const char *target)
{
	g_autofree char *file = g_build_filename(root, path, NULL);
	g_autofree char *dir = g_path_get_dirname(file);

	g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
	g_assert_cmpint(symlink(target, file), ==, 0);
}

static inline void tree_chmod(const char *root, const char *path, mode_t mode)
{
	g_autofree char *file = g_build_filename(root, path, NULL);

	g_assert_cmpint(chmod(file, mode), ==, 0);
}

static inline void tree_remove_path(const char *root, const char *path)
{
	g_autofree char *target = g_build_filename(root, path, NULL);
	const char *argv[] = { "rm", "-rf", target, NULL };
	int status;

	g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
				   NULL, &status, NULL));
	g_assert_true(g_spawn_check_wait_status(status, NULL));
}

static inline void tree_free(char *root)
{
	const char *argv[] = { "rm", "-rf", root, NULL };
	int status;

	g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
				   NULL, &status, NULL));
	g_assert_true(g_spawn_check_wait_status(status, NULL));
	g_free(root);
}

/* Extracts tests/fixtures/sysroots/<name>.tar.gz into a new temporary directory. */
static inline char *tree_extract(const char *name)
{
	g_autofree char *file = g_strdup_printf("%s.tar.gz", name);
	g_autofree char *tarball = g_test_build_filename(G_TEST_DIST, "fixtures", "sysroots", file, NULL);
	char *root = tree_new();
	const char *argv[] = { "tar", "xzf", tarball, "-C", root, NULL };
	int status;

	g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
				   NULL, &status, NULL));
	g_assert_true(g_spawn_check_wait_status(status, NULL));
	return root;
}

/*
 * A PCI device as sysfs shows it: the device directory under
 * sys/devices/pci0000:00, the sys/bus/pci/devices link, class, numa_node,
 * local_cpulist, a driver link (driver may be NULL), msi_irqs/<irq> for each
 * of irqs (0-terminated) and net/<ifname>/ for each of ifnames (NULL-terminated).
 */
static inline void tree_add_pci_device(const char *root, const char *address, const char *class_code,
				       const char *driver, const char *node, const char *cpulist,
				       const guint *irqs, const char *const *ifnames)
{
	g_autofree char *dev = g_strdup_printf("sys/devices/pci0000:00/%s", address);
	g_autofree char *bus = g_strdup_printf("sys/bus/pci/devices/%s", address);
	g_autofree char *target = g_strdup_printf("../../../devices/pci0000:00/%s", address);
	g_autofree char *path = NULL;

	tree_mkdir(root, dev);
	tree_link(root, bus, target);
	path = g_strdup_printf("%s/class", dev);
	tree_write(root, path, class_code);
	g_clear_pointer(&path, g_free);
	path = g_strdup_printf("%s/numa_node", dev);
	tree_write(root, path, node);
	g_clear_pointer(&path, g_free);
	path = g_strdup_printf("%s/local_cpulist", dev);
	tree_write(root, path, cpulist);
	g_clear_pointer(&path, g_free);
	if (driver) {
		g_autofree char *drv = g_strdup_printf("sys/bus/pci/drivers/%s", driver);
		g_autofree char *link = g_strdup_printf("%s/driver", dev);
		g_autofree char *rel = g_strdup_printf("../../../bus/pci/drivers/%s", driver);

		tree_mkdir(root, drv);
		tree_link(root, link, rel);
	}
	for (const guint *irq = irqs; irq && *irq; irq++) {
		g_autofree char *msi = g_strdup_printf("%s/msi_irqs/%u", dev, *irq);

		tree_write(root, msi, "msix\n");
	}
	for (const char *const *ifname = ifnames; ifname && *ifname; ifname++) {
		g_autofree char *net = g_strdup_printf("%s/net/%s", dev, *ifname);

		tree_mkdir(root, net);
	}
}

/* /proc/irq/N with a mask, as for a movable IRQ; plus its /proc/interrupts line in rows. */
static inline void tree_add_irq(const char *root, GString *rows, guint irq, const char *mask,
				const char *name)
{
	g_autofree char *path = g_strdup_printf("proc/irq/%u/smp_affinity", irq);

	tree_write(root, path, mask);
	g_string_append_printf(rows, " %u:  1  2  PCI-MSI %u-edge  %s\n", irq, irq * 16, name);
}
