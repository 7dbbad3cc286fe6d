/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <gio/gio.h>

#include "context.h"
#include "log.h"

/*
 * The daemon's side of a run-time ban: check it against the machine,
 * record it in the state (lib/ownerbans.h, the engine reads that table at every
 * read), save the state directory when the ban is or was persistent, and
 * mark an event: the debounced replan moves the IRQs off the banned CPUs.
 */

static int refuse(GError **error, int r, const char *format, ...) G_GNUC_PRINTF(3, 4);
static int refuse(GError **error, int r, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	if (error)
		*error = g_error_new_valist(G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS, format, ap);
	va_end(ap);
	return r;
}

/* The CPUs every other source isolates: all of them but owner's own ban. */
static AfCpuSet *isolated_by_others(const AfHousekeeping *hk, const char *owner)
{
	g_autofree char *own = af_owner_bans_source_name(owner);
	AfCpuSet *cpus = af_cpuset_new();

	for (guint i = 0; i < hk->sources->len; i++) {
		const AfHkSource *source = g_ptr_array_index(hk->sources, i);

		if (!g_str_equal(source->name, own))
			af_cpuset_or(cpus, source->cpus);
	}
	return cpus;
}

static int check_ban(AfDaemon *daemon, const char *owner, const AfCpuSet *cpus, GError **error)
{
	const AfEngine *engine = daemon->engine;
	g_autoptr(AfCpuSet) beyond = NULL, others = NULL, left = NULL;

	if (!af_owner_bans_owner_is_valid(owner))
		return refuse(error, -EINVAL,
			      "Invalid owner \"%s\": 1 to %u characters of A-Z, a-z, 0-9 and _.:@-",
			      owner, AF_OWNER_BANS_OWNER_MAX);
	if (af_cpuset_is_empty(cpus))
		return refuse(error, -EINVAL, "No CPU to ban: lift a ban with Unban");
	if (!engine->snapshot || !engine->hk)
		return 0; /* nothing read yet: the first plan will tell */
	beyond = af_cpuset_new_andnot(cpus, engine->snapshot->possible);
	if (!af_cpuset_is_empty(beyond)) {
		g_autofree char *list = af_cpuset_format_list(beyond);
		g_autofree char *possible = af_cpuset_format_list(engine->snapshot->possible);

		return refuse(error, -EINVAL, "CPUs %s do not exist on this machine (possible: %s)",
			      list, possible);
	}
	/* The ban replaces owner's earlier one: judge it against everyone else's. */
	others = isolated_by_others(engine->hk, owner);
	left = af_cpuset_new_andnot(engine->hk->online, others);
	af_cpuset_andnot(left, cpus);
	if (af_cpuset_is_empty(left)) {
		g_autofree char *list = af_cpuset_format_list(cpus);
		g_autofree char *hk = af_cpuset_format_list(engine->hk->housekeeping);

		return refuse(error, -EINVAL,
			      "Banning CPUs %s would leave no online CPU for IRQs (housekeeping "
			      "now: %s)",
			      list, *hk ? hk : "none");
	}
	return 0;
}

/* Saves the bans file when a persistent ban came, changed or went. */
static void save_if_persistent(AfDaemon *daemon, gboolean was_persistent, gboolean persistent)
{
	AfStateDir *statedir = daemon->statedir;

	if (!was_persistent && !persistent)
		return;
	if (persistent && !af_statedir_is_persistent(statedir))
		af_log_warning("The ban is kept in memory only: the state directory is not usable");
	(void)af_statedir_save(statedir);
}

int af_daemon_ban(AfDaemon *daemon, const char *owner, const AfCpuSet *cpus, gboolean persist,
		  GError **error)
{
	AfOwnerBans *bans = daemon->statedir->state->bans;
	const AfOwnerBan *before = af_owner_bans_lookup(bans, owner);
	gboolean was_persistent = before && before->persist;
	g_autofree char *list = NULL, *what = NULL;
	int r;

	r = check_ban(daemon, owner, cpus, error);
	if (r < 0)
		return r;
	if (!af_owner_bans_set(bans, owner, cpus, persist))
		return 0;
	daemon->counters.bans++;
	af_log_ban(owner, cpus, persist);
	save_if_persistent(daemon, was_persistent, persist);
	list = af_cpuset_format_list(cpus);
	what = g_strdup_printf("ban %s by %s", list, owner);
	af_daemon_mark(daemon, AF_EVENT_BAN, what);
	return 1;
}

int af_daemon_unban(AfDaemon *daemon, const char *owner, GError **error)
{
	AfOwnerBans *bans = daemon->statedir->state->bans;
	const AfOwnerBan *before = af_owner_bans_lookup(bans, owner);
	gboolean was_persistent;
	g_autofree char *what = NULL;

	if (!before)
		return refuse(error, -ENOENT, "No ban is held by \"%s\"", owner);
	was_persistent = before->persist;
	af_owner_bans_remove(bans, owner);
	daemon->counters.bans++;
	af_log_ban(owner, NULL, FALSE);
	save_if_persistent(daemon, was_persistent, FALSE);
	what = g_strdup_printf("ban by %s lifted", owner);
	af_daemon_mark(daemon, AF_EVENT_BAN, what);
	return 1;
}
