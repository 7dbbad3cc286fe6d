/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sysroot.h"

struct AfSysroot {
	int dirfd;
	char *path;
	gboolean live;
	gboolean no_openat2; /* kernel before 5.6 or a seccomp filter said ENOSYS */
	AfSysrootWriteFilter write_filter;
	gpointer write_filter_data;
	GHashTable *recorder; /* borrowed set of relative paths, or NULL */
};

int af_sysroot_open(const char *path, AfSysroot **ret_sysroot)
{
	g_autofree char *canonical = NULL;
	AfSysroot *sysroot;
	int fd;

	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	canonical = g_canonicalize_filename(path, NULL);
	sysroot = g_new0(AfSysroot, 1);
	sysroot->dirfd = fd;
	sysroot->live = g_str_equal(canonical, "/");
	sysroot->path = g_steal_pointer(&canonical);
	*ret_sysroot = sysroot;
	return 0;
}

void af_sysroot_free(AfSysroot *sysroot)
{
	if (!sysroot)
		return;
	if (sysroot->dirfd >= 0)
		close(sysroot->dirfd);
	g_free(sysroot->path);
	g_free(sysroot);
}

const char *af_sysroot_path(const AfSysroot *sysroot)
{
	return sysroot->path;
}

gboolean af_sysroot_is_live(const AfSysroot *sysroot)
{
	return sysroot->live;
}

static const char *relative(const char *path)
{
	while (*path == '/')
		path++;
	return *path ? path : ".";
}

char *af_sysroot_host_path(const AfSysroot *sysroot, const char *path)
{
	return g_build_filename(sysroot->path, relative(path), NULL);
}

void af_sysroot_set_write_filter(AfSysroot *sysroot, AfSysrootWriteFilter filter,
				 gpointer user_data)
{
	sysroot->write_filter = filter;
	sysroot->write_filter_data = user_data;
}

void af_sysroot_set_recorder(AfSysroot *sysroot, GHashTable *paths)
{
	sysroot->recorder = paths;
}

static void record(AfSysroot *sysroot, const char *path)
{
	if (sysroot->recorder)
		g_hash_table_add(sysroot->recorder, g_strdup(relative(path)));
}

int af_sysroot_open_fd(AfSysroot *sysroot, const char *path, int flags, int *ret_fd)
{
	struct open_how how = {
		.flags = (guint64)(flags | O_CLOEXEC),
		/* Links in a captured tree are relative, as in sysfs; an absolute
		 * or escaping one still resolves inside the tree, never on the host. */
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd = -1;

	record(sysroot, path);
	if (!sysroot->no_openat2) {
		fd = (int)syscall(SYS_openat2, sysroot->dirfd, relative(path), &how, sizeof(how));
		/* Before 5.6 there is no openat2(): plain openat() still keeps
		 * relative links inside the tree. */
		if (fd < 0 && errno == ENOSYS)
			sysroot->no_openat2 = TRUE;
	}
	if (sysroot->no_openat2)
		fd = openat(sysroot->dirfd, relative(path), flags | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*ret_fd = fd;
	return 0;
}

int af_sysroot_read(AfSysroot *sysroot, const char *path, char **ret_data, gsize *ret_len)
{
	g_autoptr(GByteArray) buf = g_byte_array_sized_new(4096);
	int fd, r;

	r = af_sysroot_open_fd(sysroot, path, O_RDONLY, &fd);
	if (r < 0)
		return r;
	for (;;) {
		guint8 chunk[16384];
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			close(fd);
			return r;
		}
		if (n == 0)
			break;
		g_byte_array_append(buf, chunk, (guint)n);
	}
	close(fd);
	if (ret_len)
		*ret_len = buf->len;
	g_byte_array_append(buf, (const guint8 *)"", 1);
	*ret_data = (char *)g_byte_array_free(g_steal_pointer(&buf), FALSE);
	return 0;
}

int af_sysroot_read_string(AfSysroot *sysroot, const char *path, char **ret_string)
{
	char *data;
	int r;

	r = af_sysroot_read(sysroot, path, &data, NULL);
	if (r < 0)
		return r;
	*ret_string = g_strchomp(data);
	return 0;
}

int af_sysroot_read_int(AfSysroot *sysroot, const char *path, gint64 *ret_value)
{
	g_autofree char *text = NULL;
	gint64 value;
	int r;

	r = af_sysroot_read_string(sysroot, path, &text);
	if (r < 0)
		return r;
	if (!g_ascii_string_to_signed(g_strstrip(text), 10, G_MININT64, G_MAXINT64, &value, NULL))
		return -EINVAL;
	*ret_value = value;
	return 0;
}

int af_sysroot_read_cpulist(AfSysroot *sysroot, const char *path, AfCpuSet **ret_set)
{
	g_autofree char *text = NULL;
	int r;

	r = af_sysroot_read_string(sysroot, path, &text);
	if (r < 0)
		return r;
	return af_cpuset_parse_list(text, ret_set);
}

int af_sysroot_read_cpumask(AfSysroot *sysroot, const char *path, AfCpuSet **ret_set)
{
	g_autofree char *text = NULL;
	int r;

	r = af_sysroot_read_string(sysroot, path, &text);
	if (r < 0)
		return r;
	return af_cpuset_parse_mask(text, ret_set);
}

/* Opens the directory holding path's last component; *ret_name points into path. */
static int open_parent(AfSysroot *sysroot, const char *path, int *ret_fd, const char **ret_name)
{
	g_autofree char *dir = g_path_get_dirname(relative(path));
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;

	if (!*name)
		return -EINVAL;
	*ret_name = name;
	return af_sysroot_open_fd(sysroot, dir, O_PATH | O_DIRECTORY, ret_fd);
}

int af_sysroot_readlink(AfSysroot *sysroot, const char *path, char **ret_target)
{
	char target[4096];
	const char *name;
	ssize_t n;
	int fd, r;

	record(sysroot, path);
	r = open_parent(sysroot, path, &fd, &name);
	if (r < 0)
		return r;
	n = readlinkat(fd, name, target, sizeof(target) - 1);
	r = n < 0 ? -errno : 0;
	close(fd);
	if (r < 0)
		return r;
	target[n] = '\0';
	*ret_target = g_strdup(target);
	return 0;
}

int af_sysroot_readlink_basename(AfSysroot *sysroot, const char *path, char **ret_name)
{
	g_autofree char *target = NULL;
	int r;

	r = af_sysroot_readlink(sysroot, path, &target);
	if (r < 0)
		return r;
	*ret_name = g_path_get_basename(target);
	return 0;
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int af_sysroot_list(AfSysroot *sysroot, const char *path, GPtrArray **ret_names)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	struct dirent *de;
	DIR *dir;
	int fd, r;

	r = af_sysroot_open_fd(sysroot, path, O_RDONLY | O_DIRECTORY, &fd);
	if (r < 0)
		return r;
	dir = fdopendir(fd);
	if (!dir) {
		r = -errno;
		close(fd);
		return r;
	}
	while ((errno = 0, de = readdir(dir))) {
		if (g_str_equal(de->d_name, ".") || g_str_equal(de->d_name, ".."))
			continue;
		g_ptr_array_add(names, g_strdup(de->d_name));
	}
	r = errno ? -errno : 0;
	closedir(dir);
	if (r < 0)
		return r;
	g_ptr_array_sort(names, compare_names);
	*ret_names = g_steal_pointer(&names);
	return 0;
}

int af_sysroot_mode(AfSysroot *sysroot, const char *path, mode_t *ret_mode)
{
	struct stat st;
	int fd, r;

	r = af_sysroot_open_fd(sysroot, path, O_PATH, &fd);
	if (r < 0)
		return r;
	r = fstat(fd, &st) < 0 ? -errno : 0;
	close(fd);
	if (r < 0)
		return r;
	*ret_mode = st.st_mode;
	return 0;
}

int af_sysroot_exists(AfSysroot *sysroot, const char *path)
{
	mode_t mode;

	return af_sysroot_mode(sysroot, path, &mode);
}

int af_sysroot_write_raw(AfSysroot *sysroot, const char *path, const char *data)
{
	size_t len = strlen(data);
	ssize_t n;
	int fd, r;

	r = af_sysroot_open_fd(sysroot, path, O_WRONLY | O_TRUNC, &fd);
	if (r < 0)
		return r;
	/* procfs and sysfs take the whole value in one write(); its errno is the verdict. */
	do
		n = write(fd, data, len);
	while (n < 0 && errno == EINTR);
	r = n < 0 ? -errno : (size_t)n != len ? -EIO : 0;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

/*
 * A copied tree has no kernel behind it: writing smp_affinity_list would
 * leave smp_affinity (and effective_affinity) as they were, and whoever
 * reads the other file would see a move that never happened. For trees
 * other than "/" the write of an IRQ's affinity is therefore played as the
 * kernel does it (kernel/irq/proc.c write_irq_affinity, KERNEL.md):
 *
 * - a file without write permission (mode 0444, kernels >= 6.12 for IRQs
 *   user space may not move) is -EPERM, even for root;
 * - the text is parsed as the file's form: garbage is -EINVAL, a CPU at or
 *   beyond nr_cpu_ids (possible's last + 1) is -ERANGE for a list and
 *   -EOVERFLOW for a mask, a mask without an online CPU is -EINVAL; none
 *   of these write anything;
 * - the file written, then its twin, show the new mask as the kernel
 *   prints it (a cpulist; a hex mask nr_cpu_ids bits wide);
 * - effective_affinity(_list) follows as on x86 with interrupt remapping:
 *   the serving CPU stays if it is still in the mask and online, else the
 *   first online CPU of the mask serves (the kernel takes the one with
 *   the most free vectors; a tree does not know them).
 *
 * The live machine never takes this path: its kernel does all of it.
 */
typedef struct TreeIrqWrite {
	char *dir;    /* "proc/irq/N" */
	gboolean hex; /* smp_affinity, not smp_affinity_list */
} TreeIrqWrite;

/* TRUE when path names /proc/irq/N/smp_affinity or /proc/irq/N/smp_affinity_list. */
static gboolean parse_irq_affinity_path(const char *path, TreeIrqWrite *ret)
{
	const char *p = relative(path), *file;
	guint64 irq;
	char *end;

	if (!g_str_has_prefix(p, "proc/irq/") || !g_ascii_isdigit(p[strlen("proc/irq/")]))
		return FALSE;
	irq = g_ascii_strtoull(p + strlen("proc/irq/"), &end, 10);
	if (*end != '/' || irq > G_MAXUINT)
		return FALSE;
	file = end + 1;
	if (!g_str_equal(file, "smp_affinity") && !g_str_equal(file, "smp_affinity_list"))
		return FALSE;
	ret->dir = g_strndup(p, (gsize)(end - p));
	ret->hex = g_str_equal(file, "smp_affinity");
	return TRUE;
}

/* The tree's nr_cpu_ids: possible's last CPU + 1, else what the mask file's width says. */
static guint tree_nr_cpu_ids(AfSysroot *sysroot, const char *dir)
{
	g_autoptr(AfCpuSet) possible = NULL;
	g_autofree char *path = g_strconcat(dir, "/smp_affinity", NULL), *text = NULL;
	guint digits = 0;

	if (af_sysroot_read_cpulist(sysroot, "/sys/devices/system/cpu/possible", &possible) == 0 &&
	    !af_cpuset_is_empty(possible))
		return (guint)af_cpuset_last(possible) + 1;
	if (af_sysroot_read_string(sysroot, path, &text) < 0)
		return AF_CPU_MAX;
	for (const char *c = text; *c; c++)
		digits += g_ascii_isxdigit(*c) ? 1 : 0;
	return digits ? MIN(digits * 4, (guint)AF_CPU_MAX) : AF_CPU_MAX;
}

/* Writes set into dir/name in the file's form, if the file exists; its errno otherwise. */
static int write_set(AfSysroot *sysroot, const char *dir, const char *name, gboolean hex,
		     const AfCpuSet *set, guint nr_cpu_ids)
{
	g_autofree char *path = g_strconcat(dir, "/", name, NULL);
	g_autofree char *text =
		hex ? af_cpuset_format_mask(set, nr_cpu_ids) : af_cpuset_format_list(set);
	g_autofree char *data = g_strconcat(text, "\n", NULL);

	return af_sysroot_write_raw(sysroot, path, data);
}

/* The CPU now serving the IRQ, as x86 picks it (see above). */
static void follow_effective(AfSysroot *sysroot, const char *dir, const AfCpuSet *usable,
			     guint nr_cpu_ids)
{
	g_autofree char *list_path = g_strconcat(dir, "/effective_affinity_list", NULL);
	g_autofree char *hex_path = g_strconcat(dir, "/effective_affinity", NULL);
	g_autoptr(AfCpuSet) now = NULL, serving = af_cpuset_new();
	int cpu = -1;

	if (af_sysroot_read_cpumask(sysroot, hex_path, &now) < 0 &&
	    af_sysroot_read_cpulist(sysroot, list_path, &now) < 0)
		return; /* the tree's kernel shows no effective affinity */
	AF_CPUSET_FOREACH(c, now)
		if (af_cpuset_contains(usable, (guint)c)) {
			cpu = c;
			break;
		}
	if (cpu < 0)
		cpu = af_cpuset_first(usable);
	af_cpuset_add(serving, (guint)cpu);
	(void)write_set(sysroot, dir, "effective_affinity", TRUE, serving, nr_cpu_ids);
	(void)write_set(sysroot, dir, "effective_affinity_list", FALSE, serving, nr_cpu_ids);
}

static int write_irq_affinity_in_tree(AfSysroot *sysroot, const TreeIrqWrite *w, const char *data)
{
	g_autoptr(AfCpuSet) set = NULL, online = NULL, usable = NULL;
	g_autofree char *path =
		g_strconcat(w->dir, w->hex ? "/smp_affinity" : "/smp_affinity_list", NULL);
	guint nr_cpu_ids;
	mode_t mode;
	int r;

	r = af_sysroot_mode(sysroot, path, &mode);
	if (r < 0)
		return r;
	if ((mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0)
		return -EPERM;
	r = w->hex ? af_cpuset_parse_mask(data, &set) : af_cpuset_parse_list(data, &set);
	if (r < 0)
		return r == -ERANGE && w->hex ? -EOVERFLOW : r;
	nr_cpu_ids = tree_nr_cpu_ids(sysroot, w->dir);
	if (!af_cpuset_is_empty(set) && af_cpuset_last(set) >= (int)nr_cpu_ids)
		return w->hex ? -EOVERFLOW : -ERANGE;
	if (af_sysroot_read_cpulist(sysroot, "/sys/devices/system/cpu/online", &online) < 0)
		online = af_cpuset_copy(set); /* a tree without it: take the mask as online */
	usable = af_cpuset_new_and(set, online);
	if (af_cpuset_is_empty(usable))
		return -EINVAL;
	/* The file written gives the verdict (gone, read-only to this user). */
	r = write_set(sysroot, w->dir, w->hex ? "smp_affinity" : "smp_affinity_list", w->hex, set,
		      nr_cpu_ids);
	if (r < 0)
		return r;
	(void)write_set(sysroot, w->dir, w->hex ? "smp_affinity_list" : "smp_affinity", !w->hex,
			set, nr_cpu_ids);
	follow_effective(sysroot, w->dir, usable, nr_cpu_ids);
	return 0;
}

int af_sysroot_write(AfSysroot *sysroot, const char *path, const char *data)
{
	TreeIrqWrite w = { 0 };
	int r;

	if (sysroot->write_filter) {
		r = sysroot->write_filter(path, data, sysroot->write_filter_data);
		if (r < 0)
			return r;
		if (r == AF_SYSROOT_WRITE_HANDLED)
			return 0;
	}
	if (!sysroot->live && parse_irq_affinity_path(path, &w)) {
		r = write_irq_affinity_in_tree(sysroot, &w, data);
		g_free(w.dir);
		return r;
	}
	return af_sysroot_write_raw(sysroot, path, data);
}
