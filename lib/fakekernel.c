/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "cpus.h"
#include "fakekernel.h"

/*
 * A copied tree has no kernel behind it: writing smp_affinity_list would
 * leave smp_affinity (and effective_affinity) as they were, and whoever
 * reads the other file would see a move that never happened. The fake
 * kernel plays the write of an IRQ's affinity as the kernel does it
 * (kernel/irq/proc.c write_irq_affinity, KERNEL.md):
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
 * Every file is written with af_sysroot_write_raw(): the filter never
 * sees its own writes.
 *
 * And it plays a kernel that fails: the fault file (fakekernel.h) turns
 * reads and writes of the paths it names into the errno it names.
 */
typedef struct TreeIrqWrite {
	char *dir;    /* "proc/irq/N" */
	gboolean hex; /* smp_affinity, not smp_affinity_list */
} TreeIrqWrite;

/* TRUE when path names /proc/irq/N/smp_affinity or /proc/irq/N/smp_affinity_list. */
static gboolean parse_irq_affinity_path(const char *path, TreeIrqWrite *ret)
{
	const char *p = path, *file;
	guint64 irq;
	char *end;

	while (*p == '/')
		p++;
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

/* What the mask file's width says nr_cpu_ids is, for a tree without a possible list. */
static guint nr_cpu_ids_from_width(AfSysroot *sysroot, const char *dir)
{
	g_autofree char *path = g_strconcat(dir, "/smp_affinity", NULL), *text = NULL;
	guint digits = 0;

	if (af_sysroot_read_string(sysroot, path, &text) < 0)
		return AF_CPU_MAX;
	for (const char *c = text; *c; c++)
		digits += g_ascii_isxdigit(*c) ? 1 : 0;
	return digits ? MIN(digits * 4, (guint)AF_CPU_MAX) : AF_CPU_MAX;
}

/*
 * The tree's online CPUs and nr_cpu_ids (cpus.h). A tree without a
 * possible list: the mask file's width; without an online list: the mask
 * itself counts as online; with an empty one, nothing is.
 */
static void read_tree_cpus(AfSysroot *sysroot, const char *dir, const AfCpuSet *mask,
			   AfCpuSet **ret_online, guint *ret_nr_cpu_ids)
{
	g_autoptr(AfCpus) cpus = NULL;
	int r;

	r = af_cpus_read(sysroot, &cpus, NULL);
	if (r < 0) {
		*ret_online = r == -ENODATA ? af_cpuset_new() : af_cpuset_copy(mask);
		*ret_nr_cpu_ids = nr_cpu_ids_from_width(sysroot, dir);
		return;
	}
	*ret_online = g_steal_pointer(&cpus->online);
	*ret_nr_cpu_ids =
		cpus->possible_guessed ? nr_cpu_ids_from_width(sysroot, dir) : cpus->nr_cpu_ids;
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
	AF_CPUSET_FOREACH (c, now)
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

static int write_irq_affinity(AfSysroot *sysroot, const TreeIrqWrite *w, const char *data)
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
	read_tree_cpus(sysroot, w->dir, set, &online, &nr_cpu_ids);
	if (!af_cpuset_is_empty(set) && af_cpuset_last(set) >= (int)nr_cpu_ids)
		return w->hex ? -EOVERFLOW : -ERANGE;
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

static const struct {
	const char *name;
	int errnum;
} fault_errnos[] = {
	{ "ENOENT", ENOENT }, { "EIO", EIO },	  { "EBUSY", EBUSY },	{ "ENOMEM", ENOMEM },
	{ "EACCES", EACCES }, { "EAGAIN", EAGAIN }, { "EINVAL", EINVAL }, { "ENOSPC", ENOSPC },
	{ "EPERM", EPERM },
};

/*
 * The fault file's verdict on an access ("read" or "write") of path: the
 * negative errno of its first matching line, else 0. The file is read at
 * every access, past the filters, so a test changes the faults while the
 * program runs.
 */
static int fault(AfSysroot *sysroot, const char *access, const char *path)
{
	g_autofree char *file = af_sysroot_host_path(sysroot, AF_FAKEKERNEL_FAULTS);
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;

	if (!g_file_get_contents(file, &text, NULL, NULL))
		return 0;
	while (*path == '/')
		path++;
	lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i]; i++) {
		g_auto(GStrv) words = g_strsplit_set(g_strstrip(lines[i]), " \t", -1);

		if (g_strv_length(words) != 3 || !g_str_equal(words[0], access) ||
		    !g_pattern_match_simple(words[1], path))
			continue;
		for (guint e = 0; e < G_N_ELEMENTS(fault_errnos); e++)
			if (g_str_equal(words[2], fault_errnos[e].name))
				return -fault_errnos[e].errnum;
	}
	return 0;
}

int af_fakekernel_read_filter(const char *path, gpointer sysroot)
{
	return fault(sysroot, "read", path);
}

int af_fakekernel_filter(const char *path, const char *data, gpointer sysroot)
{
	TreeIrqWrite w = {0};
	int r;

	r = fault(sysroot, "write", path);
	if (r < 0)
		return r;
	if (!parse_irq_affinity_path(path, &w))
		return 0;
	r = write_irq_affinity(sysroot, &w, data);
	g_free(w.dir);
	return r < 0 ? r : AF_SYSROOT_WRITE_HANDLED;
}

void af_fakekernel_install(AfSysroot *sysroot)
{
	/* Playing the kernel on top of the real one would write its files twice. */
	g_assert(!af_sysroot_is_live(sysroot));
	af_sysroot_set_write_filter(sysroot, af_fakekernel_filter, sysroot);
	af_sysroot_set_read_filter(sysroot, af_fakekernel_read_filter, sysroot);
}

int af_fakekernel_open_sysroot(const char *path, AfSysroot **ret_sysroot)
{
	g_autoptr(AfSysroot) sysroot = NULL;
	int r;

	r = af_sysroot_open(path, &sysroot);
	if (r < 0)
		return r;
	if (!af_sysroot_is_live(sysroot))
		af_fakekernel_install(sysroot);
	*ret_sysroot = g_steal_pointer(&sysroot);
	return 0;
}
