/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

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

int af_cpus_read(AfSysroot *sysroot, AfCpus **ret_cpus)
{
	g_autoptr(AfCpus) cpus = g_new0(AfCpus, 1);
	int r;

	cpus->warnings = g_ptr_array_new_with_free_func(g_free);
	r = af_sysroot_read_cpulist(sysroot, CPU_DIR "online", &cpus->online);
	if (r < 0)
		return r;
	if (af_cpuset_is_empty(cpus->online))
		return -ENODATA;
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
