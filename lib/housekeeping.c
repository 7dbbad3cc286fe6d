/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "housekeeping.h"

#define CPU_DIR "/sys/devices/system/cpu"

static void free_source(gpointer data)
{
	AfHkSource *source = data;

	g_free(source->name);
	af_cpuset_free(source->cpus);
	g_free(source);
}

/* Records a source that isolates at least one CPU; takes cpus. */
static void add_source(AfHousekeeping *hk, const char *name, AfCpuSet *cpus)
{
	AfHkSource *source;

	if (af_cpuset_is_empty(cpus)) {
		af_cpuset_free(cpus);
		return;
	}
	source = g_new0(AfHkSource, 1);
	source->name = g_strdup(name);
	source->cpus = cpus;
	af_cpuset_or(hk->isolated, cpus);
	g_ptr_array_add(hk->sources, source);
}

static void add_copy(AfHousekeeping *hk, const char *name, const AfCpuSet *cpus)
{
	if (cpus)
		add_source(hk, name, af_cpuset_copy(cpus));
}

/*
 * Reads a cpulist file that may be absent (no source). Some kernels print
 * "(null)" (padded with spaces) or nothing in nohz_full when nohz_full=
 * is not in use: that means no CPU. Anything else unreadable is warned.
 */
static AfCpuSet *read_optional_list(AfHousekeeping *hk, AfSysroot *sysroot, const char *path)
{
	g_autofree char *text = NULL;
	g_autoptr(AfCpuSet) cpus = NULL;
	int r;

	r = af_sysroot_read_string(sysroot, path, &text);
	if (r == -ENOENT)
		return NULL;
	if (r < 0) {
		g_ptr_array_add(hk->warnings,
				g_strdup_printf("Failed to read %s, ignoring: %s", path, g_strerror(-r)));
		return NULL;
	}
	g_strstrip(text);
	if (text[0] == '\0' || g_str_equal(text, "(null)"))
		return NULL;
	r = af_cpuset_parse_list(text, &cpus);
	if (r < 0) {
		g_ptr_array_add(hk->warnings,
				g_strdup_printf("%s holds \"%s\", not a CPU list, ignoring", path, text));
		return NULL;
	}
	return g_steal_pointer(&cpus);
}

/*
 * Newest kernels list the housekeeping CPUs themselves: every possible
 * (or online) CPU outside that list is isolated.
 */
static AfCpuSet *read_sysfs_housekeeping(AfHousekeeping *hk, AfSysroot *sysroot,
					 const AfCpuSet *possible)
{
	g_autoptr(AfCpuSet) housekeeping = NULL;
	AfCpuSet *all;

	housekeeping = read_optional_list(hk, sysroot, CPU_DIR "/housekeeping");
	if (!housekeeping)
		return NULL;
	all = af_cpuset_copy(hk->online);
	if (possible)
		af_cpuset_or(all, possible);
	af_cpuset_andnot(all, housekeeping);
	return all;
}

static void add_cmdline_sources(AfHousekeeping *hk, const AfCmdline *cmdline)
{
	if (!cmdline)
		return;
	add_copy(hk, AF_HK_SOURCE_ISOLCPUS_DOMAIN, cmdline->isolcpus_domain);
	add_copy(hk, AF_HK_SOURCE_ISOLCPUS_MANAGED_IRQ, cmdline->isolcpus_managed_irq);
	add_copy(hk, AF_HK_SOURCE_ISOLCPUS_IO_QUEUE, cmdline->isolcpus_io_queue);
	add_copy(hk, AF_HK_SOURCE_NOHZ_FULL, cmdline->nohz_full);
	/* irqaffinity= names the CPUs allowed by default: the others are off
	 * limits, as the operator asked the kernel. */
	if (cmdline->irqaffinity)
		add_source(hk, AF_HK_SOURCE_IRQAFFINITY,
			   af_cpuset_new_andnot(hk->online, cmdline->irqaffinity));
	if (cmdline->isolcpus_managed_irq)
		af_cpuset_assign(hk->managed_irq_isolated, cmdline->isolcpus_managed_irq);
}

static void warn_none_left(AfHousekeeping *hk)
{
	g_autofree char *text = af_cpuset_format_list(hk->online);

	g_ptr_array_add(hk->warnings, g_strdup_printf("Every online CPU (%s) is isolated: no CPU "
						      "is left for IRQs, so none will be moved",
						      text));
}

static AfHousekeeping *new_housekeeping(const AfCpuSet *online)
{
	AfHousekeeping *hk = g_new0(AfHousekeeping, 1);

	hk->online = af_cpuset_copy(online);
	hk->isolated = af_cpuset_new();
	hk->managed_irq_isolated = af_cpuset_new();
	hk->sources = g_ptr_array_new_with_free_func(free_source);
	hk->warnings = g_ptr_array_new_with_free_func(g_free);
	return hk;
}

int af_housekeeping_read(AfSysroot *sysroot, const AfCmdline *cmdline, const AfCpuSet *online,
			 const AfCpuSet *possible, const AfPolicy *policy, AfHousekeeping **ret_hk)
{
	g_autoptr(AfHousekeeping) hk = NULL;

	if (af_cpuset_is_empty(online))
		return -EINVAL;
	hk = new_housekeeping(online);
	/* The order of AF_HK_SOURCE_*: what the kernel says, what it was
	 * told, then cgroups and the operator's config. */
	add_source(hk, AF_HK_SOURCE_SYSFS_ISOLATED,
		   read_optional_list(hk, sysroot, CPU_DIR "/isolated"));
	add_source(hk, AF_HK_SOURCE_SYSFS_NOHZ_FULL,
		   read_optional_list(hk, sysroot, CPU_DIR "/nohz_full"));
	add_source(hk, AF_HK_SOURCE_SYSFS_HOUSEKEEPING,
		   read_sysfs_housekeeping(hk, sysroot, possible));
	add_cmdline_sources(hk, cmdline);
	/* 6.8+: CPUs of isolated cpuset partitions; the kernel keeps
	 * unbound work, but not IRQs, off them. */
	add_source(hk, AF_HK_SOURCE_CGROUP,
		   read_optional_list(hk, sysroot, "/sys/fs/cgroup/cpuset.cpus.isolated"));
	if (policy) {
		add_copy(hk, AF_HK_SOURCE_CONFIG_ISOLATED, policy->isolated);
		add_copy(hk, AF_HK_SOURCE_CONFIG_BANNED, policy->banned);
	}
	hk->housekeeping = af_cpuset_new_andnot(hk->online, hk->isolated);
	if (af_cpuset_is_empty(hk->housekeeping))
		warn_none_left(hk);
	*ret_hk = g_steal_pointer(&hk);
	return 0;
}

void af_housekeeping_add_source(AfHousekeeping *hk, const char *name, const AfCpuSet *cpus)
{
	gboolean had_cpus = !af_cpuset_is_empty(hk->housekeeping);

	g_assert(!af_housekeeping_source(hk, name));
	if (af_cpuset_is_empty(cpus))
		return;
	add_copy(hk, name, cpus);
	af_cpuset_andnot(hk->housekeeping, cpus);
	if (had_cpus && af_cpuset_is_empty(hk->housekeeping))
		warn_none_left(hk);
}

void af_housekeeping_free(AfHousekeeping *hk)
{
	if (!hk)
		return;
	af_cpuset_free(hk->online);
	af_cpuset_free(hk->isolated);
	af_cpuset_free(hk->housekeeping);
	af_cpuset_free(hk->managed_irq_isolated);
	if (hk->sources)
		g_ptr_array_unref(hk->sources);
	if (hk->warnings)
		g_ptr_array_unref(hk->warnings);
	g_free(hk);
}

const AfCpuSet *af_housekeeping_source(const AfHousekeeping *hk, const char *name)
{
	for (guint i = 0; i < hk->sources->len; i++) {
		const AfHkSource *source = hk->sources->pdata[i];

		if (g_str_equal(source->name, name))
			return source->cpus;
	}
	return NULL;
}
