/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "context.h"

/*
 * Isolation that changes while the daemon runs, beside the config: the
 * irqbalance environment files CRI-O and tuned rewrite (inotify, at once),
 * cgroup v2 isolated partitions (the root's cpuset.cpus.isolated, polled
 * by every scan and read at once when a partition file raises an event)
 * and /proc/irq/default_smp_affinity (polled by every scan; procfs raises
 * no event). A change marks an isolation event; the replan reads the
 * sources again (housekeeping.c) and moves the IRQs it must.
 */

#define CGROUP_ROOT "/sys/fs/cgroup"
#define CGROUP_ISOLATED CGROUP_ROOT "/cpuset.cpus.isolated"
#define DEFAULT_AFFINITY "/proc/irq/default_smp_affinity"
/* More cgroups than this are left to the scan. */
#define MAX_CGROUP_DIRS 8192u

/* A file's text for comparison; "" when it cannot be read. */
static char *read_text(AfSysroot *sysroot, const char *path)
{
	char *text = NULL;

	if (af_sysroot_read_string(sysroot, path, &text) < 0)
		return g_strdup("");
	return g_strstrip(text);
}

/* Keeps text in *seen; TRUE when it differs from an earlier one. */
static gboolean changed(char **seen, char *text)
{
	gboolean differs = *seen && !g_str_equal(*seen, text);

	g_free(*seen);
	*seen = text;
	return differs;
}

void af_daemon_check_isolation(AfDaemon *daemon)
{
	AfSysroot *sysroot = daemon->engine->sysroot;
	g_autofree char *what = NULL;

	if (changed(&daemon->cgroup_isolated_seen, read_text(sysroot, CGROUP_ISOLATED)))
		what = g_strdup_printf("cgroup isolated partitions now \"%s\"",
				       daemon->cgroup_isolated_seen);
	if (changed(&daemon->default_affinity_seen, read_text(sysroot, DEFAULT_AFFINITY)) && !what)
		what = g_strdup_printf("%s now %s", DEFAULT_AFFINITY,
				       daemon->default_affinity_seen);
	if (what)
		af_daemon_mark(daemon, AF_EVENT_ISOLATION, what);
}

void af_daemon_saw_default_affinity(AfDaemon *daemon)
{
	g_free(daemon->default_affinity_seen);
	daemon->default_affinity_seen = read_text(daemon->engine->sysroot, DEFAULT_AFFINITY);
}

static void on_env_changed(const char *path, gpointer user_data)
{
	g_autofree char *what = g_strdup_printf("%s changed", path);

	af_daemon_mark(user_data, AF_EVENT_ISOLATION, what);
}

static void on_cgroup_modified(const char *path, gpointer user_data)
{
	AfDaemon *daemon = user_data;

	if (path)
		g_debug("Cgroup file modified: %s", path);
	af_daemon_check_isolation(daemon);
}

/* The environment files of the policy in force, as host paths (under --sysroot, in the tree). */
static void watch_env_files(AfDaemon *daemon)
{
	const AfEngine *engine = daemon->engine;
	GStrv paths = engine->policy->irqbalance_env;
	g_autoptr(GPtrArray) host = g_ptr_array_new_with_free_func(g_free);
	int r;

	g_clear_pointer(&daemon->env_watch, af_file_watch_free);
	for (guint i = 0; paths && paths[i]; i++)
		g_ptr_array_add(host, af_sysroot_host_path(engine->sysroot, paths[i]));
	if (host->len == 0)
		return;
	g_ptr_array_add(host, NULL);
	r = af_file_watch_new((const char *const *)host->pdata, on_env_changed, daemon,
			      &daemon->env_watch);
	if (r < 0)
		g_warning("Failed to watch irqbalance's environment files, their changes are seen "
			  "at the next event: %s",
			  g_strerror(-r));
}

/* Only a cgroup2 tree with isolated partitions (6.8+) is worth watching. */
static void watch_cgroups(AfDaemon *daemon)
{
	AfSysroot *sysroot = daemon->engine->sysroot;
	g_autofree char *root = af_sysroot_host_path(sysroot, CGROUP_ROOT);
	int r;

	if (daemon->cgroup_watch || af_sysroot_exists(sysroot, CGROUP_ISOLATED) < 0)
		return;
	r = af_cgroup_watch_new(root, MAX_CGROUP_DIRS, on_cgroup_modified, daemon,
				&daemon->cgroup_watch);
	if (r < 0) {
		g_warning("Failed to watch %s, cgroup partitions are seen by the scan (every "
			  "interval_ms): %s",
			  root, g_strerror(-r));
		return;
	}
	if (!af_cgroup_watch_is_complete(daemon->cgroup_watch))
		g_warning("Watching %u cgroups of %s for partition changes, not all of them (an "
			  "inotify limit): the others are seen by the scan (every interval_ms)",
			  af_cgroup_watch_count(daemon->cgroup_watch), root);
	else
		g_debug("Watching %u cgroups of %s for partition changes",
			af_cgroup_watch_count(daemon->cgroup_watch), root);
}

void af_daemon_watch_isolation(AfDaemon *daemon)
{
	watch_env_files(daemon);
	watch_cgroups(daemon);
	af_daemon_check_isolation(daemon);
}

void af_daemon_unwatch_isolation(AfDaemon *daemon)
{
	g_clear_pointer(&daemon->env_watch, af_file_watch_free);
	g_clear_pointer(&daemon->cgroup_watch, af_cgroup_watch_free);
	g_clear_pointer(&daemon->cgroup_isolated_seen, g_free);
	g_clear_pointer(&daemon->default_affinity_seen, g_free);
}
