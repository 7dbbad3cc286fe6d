/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * affinityd-capture DIR: copies the /proc and /sys files affinityd reads
 * into DIR, as a tree that `affinityd --sysroot DIR` accepts. The paths come
 * from running the same reads (snapshot, housekeeping) with the sysroot's
 * recorder on; hwloc reads through its own fsroot, so the topology subtrees
 * are copied whole. Links are recreated as links, with their targets, and
 * never followed out of the tree. Reads only: nothing under the source is
 * written. On the live machine the ethtool answers of every interface
 * (ioctls, which a tree cannot answer) are written into the tree too, as
 * affinityd-capture/ethtool/IFNAME (lib/ethtool.h); from a tree they are
 * copied as read.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ethtool.h"
#include "housekeeping.h"
#include "policy.h"
#include "snapshot.h"
#include "sysroot.h"

/* sysfs attributes are a page; /proc/cpuinfo of a large machine is the big one. */
#define MAX_FILE_BYTES (4u << 20)
/* As the kernel's MAXSYMLINKS. */
#define MAX_LINK_DEPTH 40u

/* What hwloc reads for the topology, besides what the recorder sees. */
static const char *const topology_paths[] = {
	"sys/devices/system/cpu",
	"sys/devices/system/node",
	"sys/bus/cpu",
	"sys/bus/node",
	"proc/cpuinfo",
	"proc/meminfo",
};

typedef enum {
	COPY_CONTENT, /* files with their bytes */
	COPY_SHAPE,   /* files as empty placeholders: a listing shows them */
} CopyKind;

typedef struct {
	int src_fd; /* the source root */
	int dst_fd; /* DIR */
	guint n_files, n_links, n_dirs, n_skipped;
} Capture;

static char *join(const char *dir, const char *name)
{
	return *dir ? g_strconcat(dir, "/", name, NULL) : g_strdup(name);
}

static int make_dir(Capture *c, const char *rel)
{
	if (mkdirat(c->dst_fd, rel, 0755) < 0)
		return errno == EEXIST ? 0 : -errno;
	c->n_dirs++;
	return 0;
}

/* Reads a whole file of the source, up to MAX_FILE_BYTES. */
static int read_source(Capture *c, const char *rel, GByteArray **ret_bytes)
{
	g_autoptr(GByteArray) bytes = g_byte_array_new();
	guint8 chunk[16384];
	int fd, r = 0;

	fd = openat(c->src_fd, rel, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		g_byte_array_append(bytes, chunk, (guint)n);
		if (bytes->len > MAX_FILE_BYTES) {
			r = -EFBIG;
			break;
		}
	}
	close(fd);
	if (r < 0)
		return r;
	*ret_bytes = g_steal_pointer(&bytes);
	return 0;
}

/*
 * Creates rel in DIR with the source's permission bits (a read-only
 * smp_affinity is what marks a managed IRQ on kernels >= 6.12). A
 * placeholder never replaces a file already copied.
 */
static int write_file(Capture *c, const char *rel, const struct stat *st, CopyKind kind)
{
	g_autoptr(GByteArray) bytes = NULL;
	gsize done = 0;
	int fd, r = 0;

	if (kind == COPY_CONTENT) {
		r = read_source(c, rel, &bytes);
		if (r < 0)
			return r;
		if (unlinkat(c->dst_fd, rel, 0) < 0 && errno != ENOENT)
			return -errno;
	}
	fd = openat(c->dst_fd, rel, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return kind == COPY_SHAPE && errno == EEXIST ? 0 : -errno;
	while (bytes && done < bytes->len && r == 0) {
		ssize_t n = write(fd, bytes->data + done, bytes->len - done);

		if (n < 0 && errno != EINTR)
			r = -errno;
		else if (n > 0)
			done += (gsize)n;
	}
	if (r == 0 && fchmod(fd, st->st_mode & 0777) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0)
		return r;
	c->n_files++;
	if (kind == COPY_CONTENT)
		printf("%s\n", rel);
	return 0;
}

/* The same link in DIR; an absolute target becomes relative so DIR stands alone. */
static int make_link(Capture *c, const char *rel, const char *target)
{
	g_autofree char *relative = NULL;

	if (g_path_is_absolute(target)) {
		GString *up = g_string_new(NULL);

		for (const char *p = strchr(rel, '/'); p; p = strchr(p + 1, '/'))
			g_string_append(up, "../");
		while (*target == '/')
			target++;
		g_string_append(up, *target ? target : ".");
		relative = g_string_free(up, FALSE);
		target = relative;
	}
	if (symlinkat(target, c->dst_fd, rel) < 0)
		return errno == EEXIST ? 0 : -errno;
	c->n_links++;
	printf("%s -> %s\n", rel, target);
	return 0;
}

static int read_link(Capture *c, const char *rel, char **ret_target)
{
	char target[4096];
	ssize_t n = readlinkat(c->src_fd, rel, target, sizeof(target) - 1);

	if (n < 0)
		return -errno;
	target[n] = '\0';
	*ret_target = g_strdup(target);
	return 0;
}

/*
 * Copies path (relative to the root) into DIR, component by component:
 * directories are created, links recreated and their targets captured the
 * same way (".." stops at the root, as RESOLVE_IN_ROOT does), the last
 * component copied as kind says. *ret_resolved gets the link-free path of
 * what path names.
 */
static int capture_path(Capture *c, const char *path, guint depth, CopyKind kind,
			char **ret_resolved)
{
	g_auto(GStrv) parts = g_strsplit(path, "/", -1);
	g_autofree char *resolved = g_strdup("");
	guint n = g_strv_length(parts);
	int r;

	if (depth > MAX_LINK_DEPTH)
		return -ELOOP;
	for (guint i = 0; i < n; i++) {
		const char *part = parts[i];
		gboolean last = TRUE;
		g_autofree char *candidate = NULL;
		struct stat st;

		for (guint j = i + 1; j < n; j++)
			if (*parts[j] && !g_str_equal(parts[j], "."))
				last = FALSE;
		if (!*part || g_str_equal(part, "."))
			continue;
		if (g_str_equal(part, "..")) {
			char *slash = strrchr(resolved, '/');

			if (slash)
				*slash = '\0';
			else
				resolved[0] = '\0';
			continue;
		}
		candidate = join(resolved, part);
		if (fstatat(c->src_fd, candidate, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
		if (S_ISLNK(st.st_mode)) {
			g_autofree char *target = NULL;
			g_autofree char *through = NULL;

			r = read_link(c, candidate, &target);
			if (r < 0)
				return r;
			r = make_link(c, candidate, target);
			if (r < 0)
				return r;
			through = g_path_is_absolute(target) ? g_strdup(target) : join(resolved, target);
			g_free(resolved);
			resolved = NULL;
			r = capture_path(c, through, depth + 1, last ? kind : COPY_SHAPE, &resolved);
			if (r < 0)
				return r;
			continue;
		}
		if (S_ISDIR(st.st_mode))
			r = make_dir(c, candidate);
		else if (!last)
			r = -ENOTDIR;
		else if (S_ISREG(st.st_mode))
			r = write_file(c, candidate, &st, kind);
		else
			r = -EOPNOTSUPP; /* device nodes, sockets, FIFOs: nothing affinityd reads */
		if (r < 0)
			return r;
		g_free(resolved);
		resolved = g_steal_pointer(&candidate);
	}
	if (ret_resolved)
		*ret_resolved = g_steal_pointer(&resolved);
	return 0;
}

/* The entry names of the source directory rel (a link-free path). */
static int list_source(Capture *c, const char *rel, GPtrArray **ret_names)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	struct dirent *de;
	DIR *dir;
	int fd;

	fd = openat(c->src_fd, *rel ? rel : ".", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return -errno;
	}
	while ((de = readdir(dir)))
		if (!g_str_equal(de->d_name, ".") && !g_str_equal(de->d_name, ".."))
			g_ptr_array_add(names, g_strdup(de->d_name));
	closedir(dir);
	*ret_names = g_steal_pointer(&names);
	return 0;
}

/* A directory affinityd listed: its entries exist in DIR too (files as placeholders). */
static void capture_listing(Capture *c, const char *rel)
{
	g_autoptr(GPtrArray) names = NULL;

	if (list_source(c, rel, &names) < 0)
		return;
	for (guint i = 0; i < names->len; i++) {
		g_autofree char *entry = join(rel, g_ptr_array_index(names, i));

		if (capture_path(c, entry, 0, COPY_SHAPE, NULL) < 0)
			c->n_skipped++;
	}
}

/* A topology subtree, whole: regular readable files, links as they are, never followed. */
static void capture_tree(Capture *c, const char *rel)
{
	g_autoptr(GPtrArray) names = NULL;

	if (list_source(c, rel, &names) < 0)
		return;
	for (guint i = 0; i < names->len; i++) {
		g_autofree char *entry = join(rel, g_ptr_array_index(names, i));
		g_autofree char *target = NULL;
		struct stat st;

		if (fstatat(c->src_fd, entry, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			if (read_link(c, entry, &target) < 0 || make_link(c, entry, target) < 0)
				c->n_skipped++;
		} else if (S_ISDIR(st.st_mode)) {
			if (make_dir(c, entry) == 0)
				capture_tree(c, entry);
		} else if (S_ISREG(st.st_mode) && (st.st_mode & 0444)) {
			/* Write-only attributes (0200) have nothing to read. */
			if (write_file(c, entry, &st, COPY_CONTENT) < 0)
				c->n_skipped++;
		}
	}
}

static gint compare_strings(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Runs the reads affinityd does on the source and returns the paths they touched, sorted,
 * and the network interfaces it found. */
static int record_reads(const char *source, GPtrArray **ret_paths, GPtrArray **ret_interfaces)
{
	g_autoptr(AfSysroot) sysroot = NULL;
	g_autoptr(GHashTable) recorded = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(AfPolicy) policy = af_policy_new();
	g_autoptr(AfSnapshot) snapshot = NULL;
	g_autoptr(AfHousekeeping) hk = NULL;
	GPtrArray *paths;
	GHashTableIter iter;
	gpointer path;
	int r;

	r = af_sysroot_open(source, &sysroot);
	if (r < 0)
		return r;
	af_sysroot_set_recorder(sysroot, recorded);
	r = af_snapshot_read(sysroot, NULL, &snapshot);
	if (r < 0)
		return r;
	r = af_housekeeping_read(sysroot, snapshot->cmdline, snapshot->online, snapshot->possible,
				 policy, &hk);
	if (r < 0)
		return r;
	af_sysroot_set_recorder(sysroot, NULL);

	*ret_interfaces = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < snapshot->netifs->interfaces->len; i++)
		g_ptr_array_add(
			*ret_interfaces,
			g_strdup(((AfNetif *)snapshot->netifs->interfaces->pdata[i])->name));
	paths = g_ptr_array_new_with_free_func(g_free);
	g_hash_table_iter_init(&iter, recorded);
	while (g_hash_table_iter_next(&iter, &path, NULL))
		g_ptr_array_add(paths, g_strdup(path));
	g_ptr_array_sort(paths, compare_strings);
	*ret_paths = paths;
	return 0;
}

/* DIR is created if missing and must be empty: a capture is one machine. */
static int open_destination(const char *dest, int *ret_fd)
{
	g_autoptr(GDir) dir = NULL;
	int fd;

	if (g_mkdir_with_parents(dest, 0755) < 0)
		return -errno;
	dir = g_dir_open(dest, 0, NULL);
	if (!dir)
		return -errno;
	if (g_dir_read_name(dir))
		return -ENOTEMPTY;
	fd = open(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*ret_fd = fd;
	return 0;
}

/* A new file rel in DIR with text. */
static int write_text(Capture *c, const char *rel, const char *text)
{
	gsize done = 0, length = strlen(text);
	int fd, r = 0;

	fd = openat(c->dst_fd, rel, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (done < length && r == 0) {
		ssize_t n = write(fd, text + done, length - done);

		if (n < 0 && errno != EINTR)
			r = -errno;
		else if (n > 0)
			done += (gsize)n;
	}
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

/* The live kernel's ethtool answers, written where a tree's query reads them. */
static void capture_ethtool(Capture *c, const char *source, GPtrArray *interfaces)
{
	g_autoptr(AfSysroot) sysroot = NULL;

	if (af_sysroot_open(source, &sysroot) < 0 || !af_sysroot_is_live(sysroot))
		return;
	for (guint i = 0; i < interfaces->len; i++) {
		const char *name = interfaces->pdata[i];
		g_autoptr(AfEthtoolInfo) info = NULL;
		g_autofree char *text = NULL, *dir = NULL, *path = NULL;

		if (af_ethtool_query(sysroot, name, &info) < 0)
			continue;
		text = af_ethtool_format(info);
		dir = g_build_filename(AF_ETHTOOL_TREE_DIR + 1, NULL);
		path = g_build_filename(dir, name, NULL);
		if (make_dir(c, "affinityd-capture") < 0 || make_dir(c, dir) < 0) {
			c->n_skipped++;
			continue;
		}
		if (write_text(c, path, text) < 0) {
			c->n_skipped++;
			continue;
		}
		c->n_files++;
		printf("%s (ethtool)\n", path);
	}
}

static int capture(const char *source, const char *dest)
{
	g_autoptr(GPtrArray) paths = NULL, interfaces = NULL;
	Capture c = { .src_fd = -1, .dst_fd = -1 };
	int r;

	r = record_reads(source, &paths, &interfaces);
	if (r < 0) {
		fprintf(stderr, "affinityd-capture: Failed to read the machine under %s: %s\n",
			source, g_strerror(-r));
		return 1;
	}
	r = open_destination(dest, &c.dst_fd);
	if (r < 0) {
		fprintf(stderr, "affinityd-capture: Cannot capture into %s: %s\n", dest,
			g_strerror(-r));
		return 1;
	}
	c.src_fd = open(source, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c.src_fd < 0) {
		fprintf(stderr, "affinityd-capture: Failed to open %s: %s\n", source,
			g_strerror(errno));
		close(c.dst_fd);
		return 1;
	}

	for (guint i = 0; i < paths->len; i++) {
		const char *path = g_ptr_array_index(paths, i);
		g_autofree char *resolved = NULL;
		struct stat st;

		r = capture_path(&c, path, 0, COPY_CONTENT, &resolved);
		/* What is missing under the source stays missing in the copy. */
		if (r == -ENOENT || r == -ENOTDIR)
			continue;
		if (r < 0) {
			fprintf(stderr, "affinityd-capture: Skipped /%s: %s\n", path, g_strerror(-r));
			c.n_skipped++;
			continue;
		}
		if (fstatat(c.src_fd, *resolved ? resolved : ".", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISDIR(st.st_mode))
			capture_listing(&c, resolved);
	}
	for (guint i = 0; i < G_N_ELEMENTS(topology_paths); i++) {
		g_autofree char *resolved = NULL;
		struct stat st;

		if (capture_path(&c, topology_paths[i], 0, COPY_CONTENT, &resolved) < 0)
			continue;
		if (fstatat(c.src_fd, resolved, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
			capture_tree(&c, resolved);
	}
	capture_ethtool(&c, source, interfaces);
	close(c.src_fd);
	close(c.dst_fd);
	printf("affinityd-capture: %u files, %u links, %u directories written to %s; %u skipped\n",
	       c.n_files, c.n_links, c.n_dirs, dest, c.n_skipped);
	return fflush(stdout) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	g_autofree char *source = NULL;
	const GOptionEntry entries[] = {
		{ "sysroot", 0, 0, G_OPTION_ARG_FILENAME, &source,
		  "Capture from the tree under SRC instead of this machine", "SRC" },
		{ NULL },
	};
	g_autoptr(GOptionContext) context = g_option_context_new("DIR");
	g_autoptr(GError) error = NULL;

	g_option_context_set_summary(context,
		"Copies the /proc and /sys files affinityd reads into DIR, for --sysroot.");
	g_option_context_add_main_entries(context, entries, NULL);
	if (!g_option_context_parse(context, &argc, &argv, &error)) {
		fprintf(stderr, "affinityd-capture: %s\n", error->message);
		return 2;
	}
	if (argc != 2) {
		fprintf(stderr, "affinityd-capture: expected one DIR (see --help)\n");
		return 2;
	}
	return capture(source ? source : "/", argv[1]);
}
