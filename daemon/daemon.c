/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "apply.h"
#include "context.h"
#include "fakekernel.h"
#include "log.h"
#include "modes.h"
#include "outcome.h"
#include "privileges.h"
#include "statedir.h"

/*
 * The daemon: event sources mark what changed (af_daemon_mark), the
 * debouncer turns a burst into one replan, the replan reads the machine,
 * plans with the previous placement and the measured load, holds back what
 * the move guard refuses and applies the rest.
 */

/* Events after which the write budget per IRQ starts again. */
#define WINDOW_EVENTS                                                                              \
	(AF_EVENT_CPU_OFFLINE | AF_EVENT_CPU_ONLINE | AF_EVENT_DEVICE | AF_EVENT_CONFIG |          \
	 AF_EVENT_START)
/* Events whose moves are repairs, never held by the minimum move interval. */
#define REPAIR_EVENTS (WINDOW_EVENTS | AF_EVENT_LINK | AF_EVENT_DRIFT)
/* Events that move IRQs but neither add nor remove IRQs or devices: a refresh will do. */
#define REFRESH_EVENTS (AF_EVENT_CPU_OFFLINE | AF_EVENT_CPU_ONLINE | AF_EVENT_DRIFT | AF_EVENT_LOAD)
/* Drivers (virtio-net) re-set their affinity right after hotplug: look again. */
#define VERIFY_AFTER_HOTPLUG_MS 250
/* ENOSPC and EINVAL ask for a new plan; a kernel that keeps refusing gets this many. */
#define MAX_WRITE_REPLANS 3

static gboolean on_debounce(gpointer user_data);

static void arm_debounce(AfDaemon *daemon, gint64 now_us)
{
	gint64 wait_us = af_debounce_deadline_us(&daemon->debounce) - now_us;

	g_clear_handle_id(&daemon->debounce_source, g_source_remove);
	/* Round up: a timer that fires early only re-arms. */
	daemon->debounce_source = g_timeout_add(wait_us > 0 ? (guint)((wait_us + 999) / 1000) : 0,
						on_debounce, daemon);
}

void af_daemon_mark(AfDaemon *daemon, AfEventFlags flags, const char *what)
{
	gint64 now_us = g_get_monotonic_time();

	if (flags == 0)
		return;
	daemon->counters.events++;
	if (what) {
		g_free(daemon->last_event);
		daemon->last_event = g_strdup(what);
		g_debug("Event: %s", what);
	}
	if (af_debounce_mark(&daemon->debounce, flags, now_us) || !daemon->debounce_source)
		arm_debounce(daemon, now_us);
}

static void on_uevent(const AfUevent *event, gpointer user_data)
{
	g_autofree char *what = g_strdup_printf("%s %s", event->sysname, event->action);

	af_daemon_mark(user_data, af_event_from_uevent(event->subsystem, event->action), what);
}

static void on_link(const AfLinkEvent *event, gpointer user_data)
{
	g_autofree char *what = g_strdup_printf("link %s %s", event->name ? event->name : "?",
						af_link_change_to_string(event->change));

	af_daemon_mark(user_data, AF_EVENT_LINK, what);
}

static void on_config_changed(const char *path, gpointer user_data)
{
	AfDaemon *daemon = user_data;
	g_autofree char *what = g_strdup_printf("%s changed", path);

	daemon->reload_pending = TRUE;
	af_daemon_mark(daemon, AF_EVENT_CONFIG, what);
}

static gboolean on_verify(gpointer user_data)
{
	AfDaemon *daemon = user_data;

	daemon->verify_source = 0;
	af_daemon_mark(daemon, AF_EVENT_DRIFT, NULL);
	return G_SOURCE_REMOVE;
}

static AfMoveKind classify_move(const AfDaemon *daemon, const AfPlanEntry *e,
				const AfHousekeeping *hk, AfEventFlags flags)
{
	const AfCpuSet *serving = af_irq_serving_cpus(e->irq);

	if (flags & REPAIR_EVENTS)
		return AF_MOVE_REPAIR;
	if (!g_hash_table_contains(daemon->placement, GUINT_TO_POINTER(e->irq->irq)))
		return AF_MOVE_REPAIR; /* new: its first placement */
	if (!serving || !af_cpuset_is_subset(serving, hk->housekeeping))
		return AF_MOVE_REPAIR; /* on an isolated or offline CPU */
	return AF_MOVE_LOAD;
}

/* Turns a refused move into "keep where the kernel has it". */
static void hold_entry(AfPlan *plan, AfPlanEntry *e, const char *why)
{
	g_free(e->reason);
	e->reason = g_strdup(why);
	plan->n_move--;
	if (e->irq->affinity) {
		af_cpuset_assign(e->planned, e->irq->affinity);
		e->action = AF_ACTION_KEEP;
		plan->n_keep++;
	} else {
		g_clear_pointer(&e->planned, af_cpuset_free);
		e->action = AF_ACTION_SKIP;
		plan->n_skip++;
	}
}

static void guard_plan(AfDaemon *daemon, AfPlan *plan, const AfHousekeeping *hk, AfEventFlags flags,
		       gint64 now_us)
{
	for (guint i = 0; i < plan->entries->len; i++) {
		AfPlanEntry *e = g_ptr_array_index(plan->entries, i);
		gpointer key = GUINT_TO_POINTER(e->irq->irq);
		AfMoveKind kind;

		if (e->action != AF_ACTION_MOVE)
			continue;
		kind = classify_move(daemon, e, hk, flags);
		switch (af_move_guard_check(daemon->guard, e->irq->irq, kind, now_us)) {
		case AF_MOVE_ALLOW:
			break;
		case AF_MOVE_DEFER:
			daemon->counters.deferred++;
			hold_entry(plan, e, "load move held: minimum move interval not over");
			break;
		case AF_MOVE_FIGHT:
			if (!g_hash_table_contains(daemon->fight_warned, key)) {
				g_warning(
					"IRQ %u (%s): its affinity keeps being changed by someone "
					"else (the driver?) after %u writes; leaving it until the "
					"next event",
					e->irq->irq, e->irq->name, AF_MOVE_GUARD_MAX_WRITES);
				g_hash_table_add(daemon->fight_warned, key);
				daemon->counters.fights++;
			}
			hold_entry(plan, e, "held: another writer keeps changing it");
			break;
		}
	}
}

static void remember_placement(AfDaemon *daemon, const AfPlan *plan)
{
	g_hash_table_remove_all(daemon->placement);
	for (guint i = 0; i < plan->entries->len; i++) {
		const AfPlanEntry *e = g_ptr_array_index(plan->entries, i);

		if (e->planned)
			g_hash_table_insert(daemon->placement, GUINT_TO_POINTER(e->irq->irq),
					    af_cpuset_copy(e->planned));
	}
}

/* Feeds the move guard with what was written, counts, forgets vanished IRQs. */
static void account_writes(AfDaemon *daemon, const AfApplyResult *result, gint64 now_us)
{
	for (guint i = 0; i < result->items->len; i++) {
		const AfApplyItem *item = g_ptr_array_index(result->items, i);

		switch (item->outcome) {
		case AF_OUTCOME_WRITTEN:
			af_move_guard_record(daemon->guard, item->irq, now_us);
			daemon->counters.writes++;
			break;
		case AF_OUTCOME_REFUSED:
			daemon->counters.refused++;
			break;
		case AF_OUTCOME_GONE:
			af_move_guard_forget(daemon->guard, item->irq);
			break;
		case AF_OUTCOME_UNCHANGED:
		case AF_OUTCOME_NO_SPACE:
		case AF_OUTCOME_INVALID:
		case AF_OUTCOME_FAILED:
		case AF_OUTCOME_DEFERRED:
			break;
		}
	}
}

static gboolean on_retry(gpointer user_data)
{
	AfDaemon *daemon = user_data;

	daemon->retry_source = 0;
	af_daemon_mark(daemon, AF_EVENT_DRIFT, "retry after failed writes");
	return G_SOURCE_REMOVE;
}

/* Failed writes back off per IRQ: plan again when the first backoff is over. */
static void arm_retry(AfDaemon *daemon, gint64 now_us)
{
	gint64 retry_ms = af_apply_next_retry_ms(daemon->apply, now_us / 1000);
	gint64 wait_ms = retry_ms - now_us / 1000;

	g_clear_handle_id(&daemon->retry_source, g_source_remove);
	if (retry_ms < 0)
		return;
	daemon->retry_source = g_timeout_add((guint)CLAMP(wait_ms, 0, G_MAXUINT), on_retry, daemon);
}

static int replan(AfDaemon *daemon, AfEventFlags flags)
{
	g_autoptr(AfSnapshot) snapshot = NULL;
	g_autoptr(AfHousekeeping) hk = NULL;
	g_autoptr(AfPlan) plan = NULL;
	g_autoptr(AfApplyResult) result = NULL;
	g_autoptr(AfCpuSet) all_hk = NULL;
	g_autofree char *why = af_event_flags_to_string(flags);
	gint64 now_us = g_get_monotonic_time();
	int r;

	/* Learned unmovable IRQs are skipped (and reported) by the plan. */
	r = -ESTALE;
	if (daemon->snapshot && !(flags & ~REFRESH_EVENTS))
		r = af_snapshot_refresh(daemon->sysroot, daemon->snapshot,
					daemon->statedir->state->learned, &daemon->topology,
					&snapshot);
	if (r == -ESTALE)
		r = af_snapshot_read_cached(daemon->sysroot, daemon->statedir->state->learned,
					    &daemon->topology, &snapshot);
	if (r < 0) {
		g_warning("Failed to read the machine under %s: %s",
			  af_sysroot_path(daemon->sysroot), g_strerror(-r));
		return r;
	}
	r = af_housekeeping_read(daemon->sysroot, snapshot->cmdline, snapshot->online,
				 snapshot->possible, daemon->policy, &hk);
	if (r < 0) {
		g_warning("Failed to compute the housekeeping CPUs: %s", g_strerror(-r));
		return r;
	}
	if (flags & (AF_EVENT_CPU_OFFLINE | AF_EVENT_CPU_ONLINE))
		af_apply_reset(daemon->apply); /* vectors moved with the CPUs */
	/* CPUs that answered ENOSPC: the next best CPU takes their IRQs. They
	 * stay housekeeping CPUs for everything but this plan's candidates. */
	all_hk = af_cpuset_copy(hk->housekeeping);
	af_outcome_exclude_full_cpus(hk->housekeeping, af_apply_full_cpus(daemon->apply));
	r = af_plan_compute(snapshot, hk, daemon->policy, daemon->placement, daemon->load, &plan);
	af_cpuset_assign(hk->housekeeping, all_hk);
	if (r < 0) {
		g_warning("Failed to plan: %s", g_strerror(-r));
		return r;
	}
	daemon->counters.replans++;
	if (flags & WINDOW_EVENTS) {
		af_move_guard_open_window(daemon->guard);
		g_hash_table_remove_all(daemon->fight_warned);
	}
	guard_plan(daemon, plan, hk, flags, now_us);

	af_snapshot_free(daemon->snapshot);
	daemon->snapshot = g_steal_pointer(&snapshot);
	af_housekeeping_free(daemon->hk);
	daemon->hk = g_steal_pointer(&hk);
	/* Only IRQs the kernel does not already show where planned are written. */
	af_apply_plan(daemon->apply, plan, daemon->snapshot->nr_cpu_ids, now_us / 1000, &result);
	af_apply_log_result(result);
	account_writes(daemon, result, now_us);
	remember_placement(daemon, plan);
	af_plan_free(daemon->plan);
	daemon->plan = g_steal_pointer(&plan);
	g_debug("Replan (%s): %u move, %u keep, %u skip; %u written, %u unchanged, %u refused, "
		"%u no space, %u invalid, %u gone, %u failed, %u deferred; %.1f ms",
		why, daemon->plan->n_move, daemon->plan->n_keep, daemon->plan->n_skip,
		result->n_written, result->n_unchanged, result->n_refused, result->n_no_space,
		result->n_invalid, result->n_gone, result->n_failed, result->n_deferred,
		(double)(g_get_monotonic_time() - now_us) / 1000.0);

	/* ENOSPC (full CPUs now known) or EINVAL (the CPUs changed under the
	 * plan): plan again at once, a few times in a row at most. */
	if (result->replan && daemon->write_replans < MAX_WRITE_REPLANS) {
		daemon->write_replans++;
		af_daemon_mark(daemon, AF_EVENT_DRIFT,
			       result->n_no_space ? "a CPU ran out of vectors"
						  : "a write found the CPUs changed");
	} else if (!result->replan) {
		daemon->write_replans = 0;
	}
	arm_retry(daemon, now_us);
	if ((flags & (AF_EVENT_CPU_OFFLINE | AF_EVENT_CPU_ONLINE)) && !daemon->verify_source)
		daemon->verify_source = g_timeout_add(VERIFY_AFTER_HOTPLUG_MS, on_verify, daemon);
	return 0;
}

/* Reads the configuration again; on error the running one stays. */
static void reload_config(AfDaemon *daemon)
{
	g_autoptr(AfPolicy) policy = NULL;
	g_autoptr(GError) error = NULL;
	int r;

	daemon->reload_pending = FALSE;
	r = af_policy_load(daemon->options->config, daemon->options->config_dropins, &policy,
			   &error);
	if (r < 0) {
		g_warning("Failed to reload the configuration, keeping the running one: %s",
			  error ? error->message : g_strerror(-r));
		return;
	}
	g_message("Configuration reloaded");
	daemon->counters.reloads++;
	af_policy_free(daemon->policy);
	daemon->policy = g_steal_pointer(&policy);
	af_debounce_set_delay(&daemon->debounce, daemon->policy->debounce_ms);
	af_move_guard_set_interval(daemon->guard, daemon->policy->min_move_interval_ms);
	af_daemon_start_scan(daemon);
}

static gboolean on_debounce(gpointer user_data)
{
	AfDaemon *daemon = user_data;
	gint64 now_us = g_get_monotonic_time();
	AfEventFlags flags;
	gboolean reloading;

	daemon->debounce_source = 0;
	if (!af_debounce_take(&daemon->debounce, now_us, &flags)) {
		if (af_debounce_pending(&daemon->debounce))
			arm_debounce(daemon, now_us);
		return G_SOURCE_REMOVE;
	}
	reloading = (flags & AF_EVENT_CONFIG) && daemon->reload_pending;
	if (reloading) {
		af_daemon_notify_reloading(daemon);
		reload_config(daemon);
	}
	(void)replan(daemon, flags);
	if (reloading)
		af_daemon_notify_ready(daemon);
	else
		af_daemon_notify_status(daemon);
	return G_SOURCE_REMOVE;
}

static void open_sources(AfDaemon *daemon)
{
	int r;

	r = af_udev_watch_new(NULL, on_uevent, daemon, &daemon->udev);
	if (r < 0)
		g_warning("Failed to listen to uevents, CPU hotplug is seen only by the scan "
			  "(every interval_ms): %s",
			  g_strerror(-r));
	else
		g_debug("Listening to uevents of the %s group", af_udev_watch_group(daemon->udev));
	r = af_link_watch_new(on_link, daemon, &daemon->links);
	if (r < 0)
		g_warning("Failed to listen to rtnetlink link events, ignoring: %s",
			  g_strerror(-r));
	r = af_config_watch_new(daemon->options->config, daemon->options->config_dropins,
				on_config_changed, daemon, &daemon->config_watch);
	if (r < 0)
		g_warning("Failed to watch the configuration, reload with SIGHUP: %s",
			  g_strerror(-r));
}

static void daemon_clear(AfDaemon *daemon)
{
	g_clear_handle_id(&daemon->debounce_source, g_source_remove);
	g_clear_handle_id(&daemon->verify_source, g_source_remove);
	af_daemon_stop_scan(daemon);
	af_daemon_stop_watchdog(daemon);
	af_daemon_remove_signals(daemon);
	g_clear_pointer(&daemon->udev, af_udev_watch_free);
	g_clear_pointer(&daemon->links, af_link_watch_free);
	g_clear_pointer(&daemon->config_watch, af_config_watch_free);
	g_clear_handle_id(&daemon->retry_source, g_source_remove);
	g_clear_pointer(&daemon->apply, af_apply_free);
	g_clear_pointer(&daemon->statedir, af_statedir_free);
	g_clear_pointer(&daemon->plan, af_plan_free);
	g_clear_pointer(&daemon->hk, af_housekeeping_free);
	g_clear_pointer(&daemon->snapshot, af_snapshot_free);
	g_clear_pointer(&daemon->topology, af_topology_free);
	g_clear_pointer(&daemon->placement, g_hash_table_unref);
	g_clear_pointer(&daemon->load, g_hash_table_unref);
	g_clear_pointer(&daemon->sample, af_irqscan_sample_free);
	g_clear_pointer(&daemon->cpu_load_at_plan, g_free);
	g_clear_pointer(&daemon->guard, af_move_guard_free);
	g_clear_pointer(&daemon->fight_warned, g_hash_table_unref);
	g_clear_pointer(&daemon->last_event, g_free);
	g_clear_pointer(&daemon->policy, af_policy_free);
	g_clear_pointer(&daemon->sysroot, af_sysroot_free);
	g_clear_pointer(&daemon->loop, g_main_loop_unref);
}

static int daemon_start(AfDaemon *daemon)
{
	g_autoptr(GError) error = NULL;
	int r;

	r = af_policy_load(daemon->options->config, daemon->options->config_dropins,
			   &daemon->policy, &error);
	if (r < 0) {
		fprintf(stderr, "affinityd: %s\n", error ? error->message : g_strerror(-r));
		return r;
	}
	r = af_fakekernel_open_sysroot(daemon->options->sysroot, &daemon->sysroot);
	if (r < 0) {
		fprintf(stderr, "affinityd: cannot open %s: %s\n", daemon->options->sysroot,
			g_strerror(-r));
		return r;
	}
	daemon->statedir = af_statedir_open_for(daemon->options->state_dir,
						daemon->policy->state_dir, daemon->sysroot);
	daemon->apply = af_apply_new(daemon->sysroot, daemon->statedir);
	daemon->loop = g_main_loop_new(NULL, FALSE);
	daemon->guard = af_move_guard_new(daemon->policy->min_move_interval_ms);
	daemon->fight_warned = g_hash_table_new(NULL, NULL);
	daemon->placement = g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify)af_cpuset_free);
	af_debounce_init(&daemon->debounce, daemon->policy->debounce_ms);
	open_sources(daemon);
	af_daemon_add_signals(daemon);

	/* Sockets are bound: from here on only the writes' capability is needed.
	 * Under --sysroot the tree may belong to anyone: keep what we have. */
	if (af_sysroot_is_live(daemon->sysroot)) {
		r = af_privileges_drop();
		if (r < 0)
			g_warning("Failed to drop capabilities, running with them: %s",
				  g_strerror(-r));
	}
	af_daemon_scan(daemon);
	r = replan(daemon, AF_EVENT_START);
	if (r < 0) {
		fprintf(stderr, "affinityd: the first plan failed: %s\n", g_strerror(-r));
		return r;
	}
	af_daemon_start_scan(daemon);
	af_daemon_start_watchdog(daemon);
	af_daemon_notify_ready(daemon);
	g_message("Started: %u IRQs placed, %u written",
		  daemon->plan->n_move + daemon->plan->n_keep, (guint)daemon->counters.writes);
	return 0;
}

/*
 * Puts back the affinity each IRQ had before affinityd first wrote it: the
 * originals are in the state directory, so they are those from before an
 * earlier run that crashed or stopped without restoring.
 */
static void restore_originals(AfDaemon *daemon)
{
	g_autoptr(AfSnapshot) snapshot = NULL;
	g_autoptr(AfApplyResult) result = NULL;
	const AfSnapshot *names;
	int r;

	/* A fresh look: restore only IRQs that still carry the name they had. */
	r = af_snapshot_read(daemon->sysroot, daemon->statedir->state->learned, &snapshot);
	if (r < 0)
		g_warning("Failed to read the machine to restore, using the last look: %s",
			  g_strerror(-r));
	names = snapshot ? snapshot : daemon->snapshot;
	if (!names)
		return;
	af_apply_restore(daemon->apply, names, names->nr_cpu_ids, &result);
	af_apply_log_result(result);
	g_message("Restored %u original affinities (%u already in place, %u failed)",
		  result->n_written, result->n_unchanged,
		  result->n_refused + result->n_no_space + result->n_invalid + result->n_failed);
}

int af_mode_daemon(const AfOptions *options)
{
	AfDaemon daemon = {.options = options};

	af_log_init(options->foreground, options->debug);
	if (daemon_start(&daemon) < 0) {
		daemon_clear(&daemon);
		return 1;
	}
	g_main_loop_run(daemon.loop);
	af_daemon_notify_stopping(&daemon);
	if (daemon.policy->restore_on_exit)
		restore_originals(&daemon);
	g_message("Stopped after %" G_GUINT64_FORMAT " events, %" G_GUINT64_FORMAT
		  " replans, %" G_GUINT64_FORMAT " writes",
		  daemon.counters.events, daemon.counters.replans, daemon.counters.writes);
	daemon_clear(&daemon);
	return daemon.exit_status;
}
