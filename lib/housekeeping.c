/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "housekeeping.h"
#include "irqbalanceenv.h"

#define CPU_DIR "/sys/devices/system/cpu"
#define DEFAULT_AFFINITY "/proc/irq/default_smp_affinity"

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

/* A CPU list of the config naming CPUs this machine does not have is most likely a typo. */
static void warn_beyond_machine(AfHousekeeping *hk, const char *key, const AfCpuSet *cpus,
				const AfCpuSet *possible)
{
	g_autoptr(AfCpuSet) machine = af_cpuset_new_or(hk->online, possible);
	g_autoptr(AfCpuSet) beyond = af_cpuset_new_andnot(cpus, machine);
	g_autofree char *beyond_text = NULL, *machine_text = NULL;

	if (af_cpuset_is_empty(beyond))
		return;
	beyond_text = af_cpuset_format_list(beyond);
	machine_text = af_cpuset_format_list(machine);
	g_ptr_array_add(hk->warnings,
			g_strdup_printf("[cpus] %s names CPU(s) %s, which this machine does not "
					"have (its CPUs: %s)",
					key, beyond_text, machine_text));
}

static void add_policy_sources(AfHousekeeping *hk, const AfPolicy *policy, const AfCpuSet *possible)
{
	if (!policy)
		return;
	add_copy(hk, AF_HK_SOURCE_CONFIG_ISOLATED, policy->isolated);
	add_copy(hk, AF_HK_SOURCE_CONFIG_BANNED, policy->banned);
	if (policy->isolated)
		warn_beyond_machine(hk, "isolated", policy->isolated, possible);
	if (policy->banned)
		warn_beyond_machine(hk, "banned", policy->banned, possible);
}

/*
 * irqbalance's environment files, as CRI-O and tuned leave them: the union
 * of what each bans, within the machine's CPUs. A missing file bans
 * nothing; one that cannot be read is warned.
 */
static AfCpuSet *read_irqbalance_env(AfHousekeeping *hk, AfSysroot *sysroot, const AfPolicy *policy,
				     const AfCpuSet *possible)
{
	g_autoptr(AfCpuSet) banned = af_cpuset_new();

	for (guint i = 0; policy && policy->irqbalance_env && policy->irqbalance_env[i]; i++) {
		const char *path = policy->irqbalance_env[i];
		g_autofree char *text = NULL;
		int r;

		r = af_sysroot_read(sysroot, path, &text, NULL);
		if (r == -ENOENT)
			continue;
		if (r < 0) {
			g_ptr_array_add(hk->warnings,
					g_strdup_printf("Failed to read %s, ignoring: %s", path,
							g_strerror(-r)));
			continue;
		}
		af_irqbalance_env_parse(text, path, banned, hk->warnings);
	}
	/* CRI-O inverts a whole mask: bits past the last CPU are set, and mean nothing. */
	af_cpuset_and(banned, possible ? possible : hk->online);
	return g_steal_pointer(&banned);
}

static void add_bans(AfHousekeeping *hk, const AfHkRuntime *runtime)
{
	g_autoptr(GPtrArray) bans = af_owner_bans_list(runtime ? runtime->bans : NULL);

	for (guint i = 0; i < bans->len; i++) {
		const AfOwnerBan *ban = g_ptr_array_index(bans, i);
		g_autofree char *name = af_owner_bans_source_name(ban->owner);

		add_copy(hk, name, ban->cpus);
	}
}

/*
 * The CPUs another program took out of /proc/irq/default_smp_affinity
 * (defaultaffinity.h), after every other source: on a first look those
 * already isolate or ban what they isolate or ban. Unreadable, the file
 * changes nothing: the tracker keeps what it had.
 */
static AfCpuSet *read_default_affinity(AfHousekeeping *hk, AfSysroot *sysroot,
				       const AfHkRuntime *runtime)
{
	g_autoptr(AfDefaultAffinity) first_look = NULL;
	AfDefaultAffinity *tracker = runtime ? runtime->default_affinity : NULL;
	g_autoptr(AfCpuSet) value = NULL;
	g_autofree char *text = NULL;
	int r;

	if (!tracker)
		tracker = first_look = af_default_affinity_new();
	/* Empty (a tree that could not copy it; no kernel shows that): as absent. */
	r = af_sysroot_read_string(sysroot, DEFAULT_AFFINITY, &text);
	if (r == 0 && !*text)
		r = -ENOENT;
	else if (r == 0)
		r = af_cpuset_parse_mask(text, &value);
	if (r == -EINVAL)
		g_ptr_array_add(hk->warnings, g_strdup_printf("%s is not a CPU mask, ignoring",
							      DEFAULT_AFFINITY));
	else if (r < 0 && r != -ENOENT)
		g_ptr_array_add(hk->warnings, g_strdup_printf("Failed to read %s, ignoring: %s",
							      DEFAULT_AFFINITY, g_strerror(-r)));
	if (r == 0)
		af_default_affinity_update(tracker, value, hk->online, hk->isolated);
	return af_cpuset_copy(tracker->banned);
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
			 const AfCpuSet *possible, const AfPolicy *policy,
			 const AfHkRuntime *runtime, AfHousekeeping **ret_hk)
{
	g_autoptr(AfHousekeeping) hk = NULL;

	if (af_cpuset_is_empty(online))
		return -EINVAL;
	hk = new_housekeeping(online);
	/* The order of AF_HK_SOURCE_*: what the kernel says, what it was
	 * told, then cgroups, the operator's config and other programs. */
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
	add_policy_sources(hk, policy, possible);
	add_source(hk, AF_HK_SOURCE_IRQBALANCE_ENV,
		   read_irqbalance_env(hk, sysroot, policy, possible));
	add_bans(hk, runtime);
	add_source(hk, AF_HK_SOURCE_DEFAULT_AFFINITY, read_default_affinity(hk, sysroot, runtime));
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
