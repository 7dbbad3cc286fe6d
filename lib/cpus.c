/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "cpus.h"

#define CPU_DIR "/sys/devices/system/cpu/"

void af_cpus_free(AfCpus *cpus)
{
	if (!cpus)
		return;
	af_cpuset_free(cpus->online);
	af_cpuset_free(cpus->present);
	af_cpuset_free(cpus->possible);
	af_cpuset_free(cpus->offline);
	if (cpus->warnings)
		g_ptr_array_unref(cpus->warnings);
	g_free(cpus);
}

/* The text of a file for an error message: its first 40 characters, escaped. */
static char *quote_file(AfSysroot *sysroot, const char *path)
{
	g_autofree char *text = NULL, *head = NULL;

	if (af_sysroot_read_string(sysroot, path, &text) < 0)
		return g_strdup("?");
	head = g_utf8_make_valid(text, MIN(strlen(text), 40u));
	return g_strescape(head, NULL);
}

/* Why the online list cannot be used, naming the file and, for its text, the line. */
static int fail_online(AfSysroot *sysroot, int r, GError **error)
{
	const char *path = CPU_DIR "online";
	g_autofree char *text = NULL;

	switch (r) {
	case -EINVAL:
		text = quote_file(sysroot, path);
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s:1: not a CPU list: \"%s\"",
			    path, text);
		break;
	case -ERANGE:
		text = quote_file(sysroot, path);
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
			    "%s:1: a CPU number of %u or more: \"%s\"", path, AF_CPU_MAX, text);
		break;
	case -ENODATA:
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: empty: no CPU is online",
			    path);
		break;
	case -EXDEV:
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
			    "%s: a link on the way leads outside the tree", path);
		break;
	default:
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(-r), "%s: %s", path,
			    g_strerror(-r));
		break;
	}
	return r;
}

int af_cpus_read(AfSysroot *sysroot, AfCpus **ret_cpus, GError **error)
{
	g_autoptr(AfCpus) cpus = g_new0(AfCpus, 1);
	int r;

	cpus->warnings = g_ptr_array_new_with_free_func(g_free);
	r = af_sysroot_read_cpulist(sysroot, CPU_DIR "online", &cpus->online);
	if (r == 0 && af_cpuset_is_empty(cpus->online))
		r = -ENODATA;
	if (r < 0)
		return fail_online(sysroot, r, error);
	r = af_sysroot_read_cpulist(sysroot, CPU_DIR "present", &cpus->present);
	if (r < 0) {
		g_ptr_array_add(cpus->warnings,
				g_strdup_printf("cannot read %spresent (%s): using the online CPUs",
						CPU_DIR, g_strerror(-r)));
		cpus->present = af_cpuset_copy(cpus->online);
	}
	r = af_sysroot_read_cpulist(sysroot, CPU_DIR "possible", &cpus->possible);
	if (r < 0) {
		g_ptr_array_add(cpus->warnings,
				g_strdup_printf("cannot read %spossible (%s): using present and "
						"online CPUs",
						CPU_DIR, g_strerror(-r)));
		cpus->possible = af_cpuset_new_or(cpus->online, cpus->present);
		cpus->possible_guessed = TRUE;
	}
	/* A CPU online but not "possible" would be a kernel bug; keep masks wide enough. */
	af_cpuset_or(cpus->possible, cpus->online);
	cpus->offline = af_cpuset_new_andnot(cpus->possible, cpus->online);
	cpus->nr_cpu_ids = (guint)af_cpuset_last(cpus->possible) + 1;
	*ret_cpus = g_steal_pointer(&cpus);
	return 0;
}
