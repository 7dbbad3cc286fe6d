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
	AfSysrootReadFilter read_filter;
	gpointer read_filter_data;
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

void af_sysroot_set_read_filter(AfSysroot *sysroot, AfSysrootReadFilter filter,
				gpointer user_data)
{
	sysroot->read_filter = filter;
	sysroot->read_filter_data = user_data;
}

/* The read filter's verdict on reading path: 0 or a negative errno. */
static int read_fault(AfSysroot *sysroot, const char *path)
{
	return sysroot->read_filter ? sysroot->read_filter(path, sysroot->read_filter_data) : 0;
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

/*
 * TRUE when resolving path needs a step out of the tree: a link to an
 * absolute path or one with more ".." than it has parents. RESOLVE_IN_ROOT
 * keeps such a step inside (it then usually finds nothing); RESOLVE_BENEATH
 * refuses it with EXDEV, which tells the two apart.
 */
static gboolean escapes(AfSysroot *sysroot, const char *path, int flags)
{
	struct open_how how = {
		.flags = (guint64)(flags | O_CLOEXEC),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, sysroot->dirfd, relative(path), &how, sizeof(how));

	if (fd >= 0) {
		close(fd);
		return FALSE;
	}
	return errno == EXDEV;
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
	if (fd < 0) {
		int r = -errno;

		/* Missing inside the tree, or only because a link leads out of it? */
		if (r == -ENOENT && !sysroot->no_openat2 && escapes(sysroot, path, flags))
			return -EXDEV;
		return r;
	}
	*ret_fd = fd;
	return 0;
}

int af_sysroot_read(AfSysroot *sysroot, const char *path, char **ret_data, gsize *ret_len)
{
	g_autoptr(GByteArray) buf = g_byte_array_sized_new(4096);
	int fd, r;

	r = read_fault(sysroot, path);
	if (r < 0)
		return r;
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

int af_sysroot_read_lines(AfSysroot *sysroot, const char *path, AfSysrootLineFunc func,
			  gpointer user_data)
{
	g_autoptr(GByteArray) buf = g_byte_array_sized_new(AF_SYSROOT_CHUNK_BYTES + 1);
	gsize start = 0;
	int fd, r;

	r = read_fault(sysroot, path);
	if (r < 0)
		return r;
	r = af_sysroot_open_fd(sysroot, path, O_RDONLY, &fd);
	if (r < 0)
		return r;
	for (;;) {
		gsize have = buf->len;
		ssize_t n;
		guint8 *nl;

		/* Room for one more chunk after what is left of the last one. */
		g_byte_array_set_size(buf, (guint)(have + AF_SYSROOT_CHUNK_BYTES));
		n = read(fd, buf->data + have, AF_SYSROOT_CHUNK_BYTES);
		if (n < 0 && errno == EINTR) {
			g_byte_array_set_size(buf, (guint)have);
			continue;
		}
		if (n < 0) {
			r = -errno;
			break;
		}
		g_byte_array_set_size(buf, (guint)(have + (gsize)n));
		if (n == 0) {
			/* A last line without its newline: the file was cut short. */
			if (buf->len > start) {
				g_byte_array_append(buf, (const guint8 *)"", 1);
				r = func((const char *)buf->data + start, buf->len - 1 - start,
					 FALSE, user_data);
			}
			break;
		}
		while ((nl = memchr(buf->data + start, '\n', buf->len - start))) {
			*nl = '\0';
			r = func((const char *)buf->data + start, (gsize)(nl - buf->data) - start,
				 TRUE, user_data);
			start = (gsize)(nl - buf->data) + 1;
			if (r < 0)
				break;
		}
		if (r < 0)
			break;
		/* Keep only the line in progress: memory is the longest line, not the file. */
		g_byte_array_remove_range(buf, 0, (guint)start);
		start = 0;
	}
	close(fd);
	return r < 0 ? r : 0;
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
	r = read_fault(sysroot, path);
	if (r < 0)
		return r;
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

	r = read_fault(sysroot, path);
	if (r < 0)
		return r;
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

int af_sysroot_write(AfSysroot *sysroot, const char *path, const char *data)
{
	int r;

	if (sysroot->write_filter) {
		r = sysroot->write_filter(path, data, sysroot->write_filter_data);
		if (r < 0)
			return r;
		if (r == AF_SYSROOT_WRITE_HANDLED)
			return 0;
	}
	return af_sysroot_write_raw(sysroot, path, data);
}
