/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <sys/stat.h>

#include "apply-private.h"

/*
 * Both files show the requested mask. The _list one is read and written
 * when present (a cpulist needs no width); the hex one only on kernels
 * without it. Reading the file we write also keeps a copied tree, where
 * the two files do not follow each other, consistent with itself.
 */
int read_affinity(AfApply *apply, guint irq, AfCpuSet **ret_affinity, char **ret_path,
		  gboolean *ret_hex)
{
	g_autofree char *list_path = g_strdup_printf("/proc/irq/%u/smp_affinity_list", irq);
	g_autofree char *hex_path = g_strdup_printf("/proc/irq/%u/smp_affinity", irq);
	AfCpuSet *affinity = NULL;
	gboolean hex = FALSE;
	int r;

	r = af_sysroot_read_cpulist(apply->sysroot, list_path, &affinity);
	if (r == -ENOENT) {
		hex = TRUE;
		r = af_sysroot_read_cpumask(apply->sysroot, hex_path, &affinity);
	}
	/* Without the hex file either, /proc/irq/N is gone. */
	if (r == -ENOENT)
		return r;
	/* Unreadable but present: the write below says what the kernel thinks. */
	if (r < 0)
		affinity = NULL;
	*ret_affinity = affinity;
	*ret_path = hex ? g_steal_pointer(&hex_path) : g_steal_pointer(&list_path);
	*ret_hex = hex;
	return 0;
}

int af_apply_read_affinity(AfApply *apply, guint irq, AfCpuSet **ret_affinity)
{
	g_autofree char *path = NULL;
	AfCpuSet *affinity = NULL;
	gboolean hex;
	int r;

	r = read_affinity(apply, irq, &affinity, &path, &hex);
	if (r < 0)
		return r;
	if (!affinity)
		return -EINVAL;
	*ret_affinity = affinity;
	return 0;
}

/* TRUE when the file cannot be written by anyone: from 6.12 the kernel
 * creates a refusing IRQ's files mode 0444, and root's DAC override would
 * otherwise let the open succeed and only the write fail. */
gboolean is_read_only(AfApply *apply, const char *path)
{
	mode_t mode;

	return af_sysroot_mode(apply->sysroot, path, &mode) == 0 &&
	       (mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0;
}

/* The one CPU the kernel shows serving the IRQ (effective_affinity), or -1. */
int serving_cpu(AfApply *apply, guint irq)
{
	g_autofree char *list_path = g_strdup_printf("/proc/irq/%u/effective_affinity_list", irq);
	g_autofree char *hex_path = g_strdup_printf("/proc/irq/%u/effective_affinity", irq);
	g_autoptr(AfCpuSet) effective = NULL;

	if (af_sysroot_read_cpulist(apply->sysroot, list_path, &effective) < 0 &&
	    af_sysroot_read_cpumask(apply->sysroot, hex_path, &effective) < 0)
		return -1;
	return af_cpuset_count(effective) == 1 ? af_cpuset_first(effective) : -1;
}


int write_set(AfApply *apply, const Pending *pending, const AfCpuSet *set, guint nr_cpu_ids)
{
	g_autofree char *text = NULL, *data = NULL;

	if (pending->hex) {
		/* The kernel wants nr_cpu_ids bits; a CPU beyond is a plan bug
		 * the kernel would answer with EOVERFLOW. */
		if (af_cpuset_last(set) >= (int)nr_cpu_ids)
			return -EOVERFLOW;
		text = af_cpuset_format_mask(set, nr_cpu_ids);
	} else {
		text = af_cpuset_format_list(set);
	}
	data = g_strconcat(text, "\n", NULL);
	return af_sysroot_write(apply->sysroot, pending->path, data);
}
