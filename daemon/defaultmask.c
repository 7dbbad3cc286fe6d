/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "defaultmask.h"

#define DEFAULT_MASK_PATH "/proc/irq/default_smp_affinity"

struct AfDefaultMask {
	AfSysroot *sysroot; /* borrowed */
	AfCpuSet *original; /* what the kernel showed before our first write; NULL: none yet */
};

AfDefaultMask *af_default_mask_new(AfSysroot *sysroot)
{
	AfDefaultMask *dm = g_new0(AfDefaultMask, 1);

	dm->sysroot = sysroot;
	return dm;
}

void af_default_mask_free(AfDefaultMask *dm)
{
	if (!dm)
		return;
	af_cpuset_free(dm->original);
	g_free(dm);
}

static int write_mask(AfDefaultMask *dm, const AfCpuSet *set, guint nr_cpu_ids)
{
	g_autofree char *text = NULL, *data = NULL;

	/* The kernel wants nr_cpu_ids bits: a CPU beyond would be EOVERFLOW. */
	if (af_cpuset_last(set) >= (int)nr_cpu_ids)
		return -EOVERFLOW;
	text = af_cpuset_format_mask(set, nr_cpu_ids);
	data = g_strconcat(text, "\n", NULL);
	return af_sysroot_write(dm->sysroot, DEFAULT_MASK_PATH, data);
}

AfCpuSet *af_default_mask_wanted(const AfCpuSet *possible, const AfCpuSet *isolated)
{
	return af_cpuset_new_andnot(possible, isolated);
}

int af_default_mask_update(AfDefaultMask *dm, const AfCpuSet *mask, guint nr_cpu_ids)
{
	g_autoptr(AfCpuSet) now = NULL;
	int r;

	if (af_cpuset_is_empty(mask))
		return 0;
	r = af_sysroot_read_cpumask(dm->sysroot, DEFAULT_MASK_PATH, &now);
	if (r < 0)
		return r;
	if (af_cpuset_equal(now, mask))
		return 0;
	r = write_mask(dm, mask, nr_cpu_ids);
	if (r < 0)
		return r;
	if (!dm->original)
		dm->original = g_steal_pointer(&now);
	return 1;
}

int af_default_mask_restore(AfDefaultMask *dm, guint nr_cpu_ids)
{
	g_autoptr(AfCpuSet) now = NULL;
	int r;

	if (!dm->original)
		return 0;
	r = af_sysroot_read_cpumask(dm->sysroot, DEFAULT_MASK_PATH, &now);
	if (r < 0)
		return r;
	if (af_cpuset_equal(now, dm->original))
		return 0;
	r = write_mask(dm, dm->original, nr_cpu_ids);
	return r < 0 ? r : 1;
}
