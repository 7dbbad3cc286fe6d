/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy.h"

/*
 * af_policy_load(): the file side of the policy. Reads the main file and
 * the drop-ins and hands their text to af_policy_merge_data(), which does
 * all the parsing.
 */

static int fail_errno(GError **error, const char *path, int r)
{
	g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(-r), "%s: %s", path,
		    g_strerror(-r));
	return r;
}

/* The whole file, NUL-terminated, and its length (which a NUL inside makes differ from strlen). */
static int read_file(const char *path, char **ret_data, size_t *ret_length)
{
	g_autoptr(GByteArray) data = g_byte_array_new();
	guint8 buffer[4096];
	struct stat st;
	int fd;
	int r = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		r = -errno;
	else if (S_ISDIR(st.st_mode))
		r = -EISDIR;
	if (r < 0) {
		close(fd);
		return r;
	}
	for (;;) {
		ssize_t n = read(fd, buffer, sizeof(buffer));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		if (data->len + (size_t)n > AF_POLICY_MAX_FILE_BYTES) {
			r = -EFBIG;
			break;
		}
		g_byte_array_append(data, buffer, (guint)n);
	}
	close(fd);
	if (r < 0)
		return r;
	*ret_length = data->len;
	g_byte_array_append(data, (const guint8 *)"", 1);
	*ret_data = (char *)g_byte_array_free(g_steal_pointer(&data), FALSE);
	return 0;
}

static int merge_file(AfPolicy *policy, const char *path, gboolean missing_ok, GError **error)
{
	g_autofree char *data = NULL;
	size_t length = 0;
	guint line = 1;
	int r;

	r = read_file(path, &data, &length);
	if (r == -ENOENT && missing_ok)
		return 0;
	if (r < 0)
		return fail_errno(error, path, r);
	if (strlen(data) != length) {
		for (const char *p = data; *p; p++)
			line += *p == '\n';
		g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE, "%s:%u: NUL byte",
			    path, line);
		return -EINVAL;
	}
	return af_policy_merge_data(policy, data, path, error);
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The drop-in names in strcmp() order; a missing directory has none. */
static int list_dropins(const char *dir, GPtrArray **ret_names, GError **error)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	struct dirent *de;
	DIR *d;

	d = opendir(dir);
	if (!d && errno != ENOENT)
		return fail_errno(error, dir, -errno);
	while (d && (errno = 0, de = readdir(d)))
		if (de->d_name[0] != '.' && g_str_has_suffix(de->d_name, ".conf"))
			g_ptr_array_add(names, g_strdup(de->d_name));
	if (d && errno != 0) {
		int r = -errno;

		closedir(d);
		return fail_errno(error, dir, r);
	}
	if (d)
		closedir(d);
	g_ptr_array_sort(names, compare_names);
	*ret_names = g_steal_pointer(&names);
	return 0;
}

int af_policy_load(const char *main_path, const char *dropin_dir, AfPolicy **ret_policy,
		   GError **error)
{
	g_autoptr(AfPolicy) policy = af_policy_new();
	g_autoptr(GPtrArray) names = NULL;
	int r;

	if (main_path) {
		r = merge_file(policy, main_path, TRUE, error);
		if (r < 0)
			return r;
	}
	if (dropin_dir) {
		r = list_dropins(dropin_dir, &names, error);
		if (r < 0)
			return r;
		for (guint i = 0; i < names->len; i++) {
			g_autofree char *path =
				g_build_filename(dropin_dir, g_ptr_array_index(names, i), NULL);

			r = merge_file(policy, path, FALSE, error);
			if (r < 0)
				return r;
		}
	}
	*ret_policy = g_steal_pointer(&policy);
	return 0;
}
