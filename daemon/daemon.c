/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <linux/ethtool_netlink.h>

#include "apply.h"
#include "context.h"
#include "engine.h"
#include "log.h"
#include "modes.h"
#include "privileges.h"
#include "rmapfix.h"
#include "statedir.h"
#include "warnings.h"

/*
 * The daemon: event sources mark what changed (af_daemon_mark, mark.c), the
 * debouncer turns a burst into one replan, the replan runs the engine: it
 * reads the machine and plans with the previous placement, the measured
 * load and the limits (CPUs out of vectors, IRQs the move guard holds
 * back), then applies the plan as it is.
 */

/* Drivers (virtio-net) re-set their affinity right after hotplug: look again. */
#define VERIFY_AFTER_HOTPLUG_MS 250

static void on_uevent(const AfUevent *event, gpointer user_data)
{
	g_autofree char *what = g_strdup_printf("%s %s", event->sysname, event->action);

	af_daemon_mark(user_data, af_event_from_uevent(event->subsystem, event->action), what);
}

static void on_link(const AfLinkEvent *event, gpointer user_data)
{
	g_autofree char *what = g_strdup_printf("link %s %s", event->name ? event->name : "?",
						af_link_watch_change_to_string(event->change));

	af_daemon_mark(user_data, AF_EVENT_LINK, what);
}

static void on_ethtool(const AfEthEvent *event, gpointer user_data)
{
	g_autofree char *what =
		g_strdup_printf("ethtool %s %s", event->name ? event->name : "?",
				event->cmd == ETHTOOL_MSG_CHANNELS_NTF	 ? "channels"
				: event->cmd == ETHTOOL_MSG_FEATURES_NTF ? "features"
				: event->cmd == 0			 ? "overrun"
									 : "other");

	af_daemon_mark(user_data, af_event_from_ethtool_cmd(event->cmd), what);
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

/*
 * An IRQ held for fighting whose affinity is not where the last plan put it
 * is being changed by someone else: said once per event window.
 */
static void warn_fights(AfDaemon *daemon, const AfLimits *limits)
{
	const AfEngine *engine = daemon->engine;
	GHashTableIter iter;
	gpointer key;

	g_hash_table_iter_init(&iter, limits->held);
	while (g_hash_table_iter_next(&iter, &key, NULL)) {
		const AfIrq *irq = af_snapshot_lookup(engine->snapshot, GPOINTER_TO_UINT(key));
		const AfCpuSet *placed = g_hash_table_lookup(engine->placement, key);
		AfHold why;

		if (!irq || !af_limits_is_held(limits, irq->irq, &why) || why != AF_HOLD_FIGHT ||
		    (placed && af_cpuset_equal(placed, irq->affinity)) ||
		    g_hash_table_contains(daemon->fight_warned, key))
			continue;
		g_warning("IRQ %u (%s): its affinity keeps being changed by someone else (the "
			  "driver?) after %u writes; leaving it until the next event",
			  irq->irq, irq->name, AF_MOVE_GUARD_MAX_WRITES);
		g_hash_table_add(daemon->fight_warned, key);
		daemon->counters.fights++;
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
			daemon->counters.rmap_refreshes += item->refresh;
			af_metrics_count_written(daemon->metrics);
			break;
		case AF_OUTCOME_REFUSED:
			daemon->counters.refused++;
			af_metrics_count_refused(daemon->metrics, item->error);
			break;
		case AF_OUTCOME_GONE:
			af_move_guard_forget(daemon->guard, item->irq);
			af_metrics_count_refused(daemon->metrics, item->error);
			break;
		case AF_OUTCOME_NO_SPACE:
		case AF_OUTCOME_INVALID:
		case AF_OUTCOME_FAILED:
			af_metrics_count_refused(daemon->metrics, item->error);
			break;
		case AF_OUTCOME_UNCHANGED:
		case AF_OUTCOME_DEFERRED:
			break;
		}
	}
}

/*
 * How often writes waiting for the IRQ's next interrupt are looked at,
 * by the age of the wait: every 5 ms for the first 2 s (most land within
 * milliseconds, and until its widening a one-CPU mask has no fallback
 * CPU), then every 50 ms: a quiet IRQ may wait for minutes, and every look
 * reads its files (at 5 ms, a tenth of a CPU under emulation). Never
 * slower: a whole mask that lands on a fallback CPU is served there, not
 * by its planned CPU, until the look after.
 */
static guint widen_poll_ms(gint64 age_us)
{
	return age_us < 2 * G_USEC_PER_SEC ? 5 : 50;
}

static gboolean on_widen(gpointer user_data)
{
	AfDaemon *daemon = user_data;
	guint widened, ms;

	if (af_apply_widen_landed(daemon->apply, daemon->nr_cpu_ids, &widened) == 0) {
		if (widened)
			g_debug("Every waiting one-CPU move carried out and widened");
		daemon->widen_source = 0;
		return G_SOURCE_REMOVE;
	}
	ms = widen_poll_ms(g_get_monotonic_time() - daemon->widen_since_us);
	if (ms == daemon->widen_ms)
		return G_SOURCE_CONTINUE;
	daemon->widen_ms = ms;
	daemon->widen_source = g_timeout_add(ms, on_widen, daemon);
	return G_SOURCE_REMOVE;
}

/* Looks at waiting writes every 5 ms again: a replan just left some. */
static void arm_widen(AfDaemon *daemon)
{
	daemon->widen_since_us = g_get_monotonic_time();
	if (daemon->widen_source && daemon->widen_ms == widen_poll_ms(0))
		return;
	g_clear_handle_id(&daemon->widen_source, g_source_remove);
	daemon->widen_ms = widen_poll_ms(0);
	daemon->widen_source = g_timeout_add(daemon->widen_ms, on_widen, daemon);
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

static gboolean on_read_retry(gpointer user_data)
{
	AfDaemon *daemon = user_data;

	daemon->read_retry_source = 0;
	af_daemon_mark(daemon, daemon->read_failed_flags, "retry after a failed read");
	return G_SOURCE_REMOVE;
}

/*
 * A machine that cannot be read (a file gone, EIO, EBUSY, ENOMEM, garbage)
 * is told once when the reads start failing, with the file and the reason,
 * and once when they work again. In between the last placement stays and
 * the replan is tried again after READ_RETRY_MIN_MS, doubling up to the
 * scan's interval_ms: never a loop, never an event lost.
 */
#define READ_RETRY_MIN_MS 500u
static void tell_read(AfDaemon *daemon, int r, AfEventFlags flags, const GError *error)
{
	switch (af_irqscan_health_note(&daemon->read_health, r)) {
	case AF_IRQSCAN_NEWS_NONE:
		if (r < 0)
			g_debug("%s", error->message);
		break;
	case AF_IRQSCAN_NEWS_FAILING:
		g_warning("%s; keeping the last placement, trying again", error->message);
		break;
	case AF_IRQSCAN_NEWS_RECOVERED:
		g_message("The machine reads again: planning");
		break;
	}
	if (r >= 0) {
		daemon->read_failed_flags = 0;
		daemon->read_retry_ms = 0;
		g_clear_handle_id(&daemon->read_retry_source, g_source_remove);
		return;
	}
	daemon->read_failed_flags |= flags;
	daemon->read_retry_ms = CLAMP(daemon->read_retry_ms * 2, READ_RETRY_MIN_MS,
				      MAX(daemon->engine->policy->interval_ms, READ_RETRY_MIN_MS));
	g_clear_handle_id(&daemon->read_retry_source, g_source_remove);
	daemon->read_retry_source = g_timeout_add(daemon->read_retry_ms, on_read_retry, daemon);
}

/*
 * The limits of this plan: CPUs that answered ENOSPC (the next best CPU
 * takes their IRQs) and the IRQs the move guard holds back.
 */
static void compute_limits(AfDaemon *daemon, AfEventFlags flags, gint64 now_us, AfLimits *limits)
{
	const AfEngine *engine = daemon->engine;

	if (flags & AF_EVENT_WINDOW) {
		af_move_guard_open_window(daemon->guard);
		g_hash_table_remove_all(daemon->fight_warned);
	}
	af_limits_exclude(limits, af_apply_full_cpus(daemon->apply));
	af_apply_narrow_limits(daemon->apply, limits);
	af_move_guard_hold(daemon->guard, engine->snapshot, engine->hk->housekeeping,
			   engine->placement, (flags & AF_EVENT_REPAIR) != 0, now_us, limits);
	warn_fights(daemon, limits);
	daemon->counters.deferred += af_limits_count_held(limits, AF_HOLD_INTERVAL);
}

/* New IRQs are born on housekeeping CPUs: the default mask follows the set. */
static void update_default_mask(AfDaemon *daemon)
{
	const AfEngine *engine = daemon->engine;
	g_autoptr(AfCpuSet) mask = NULL;
	g_autofree char *list = NULL;
	int r;

	if (af_cpuset_is_empty(engine->hk->housekeeping))
		return;
	mask = af_default_mask_wanted(engine->snapshot->possible, engine->hk->isolated);
	r = af_default_mask_update(daemon->default_mask, mask, engine->snapshot->nr_cpu_ids);
	/* No such file (a kernel without SMP, a copied tree without it): nothing to keep. */
	if (r == 0 || r == -ENOENT)
		return;
	list = af_cpuset_format_list(mask);
	/* Our own write is no ban of another program's (defaultaffinity.h). */
	if (r > 0) {
		af_engine_note_default_affinity(daemon->engine, mask);
		af_daemon_saw_default_affinity(daemon);
		g_message("Default IRQ affinity set to %s", list);
	} else if (!daemon->default_mask_warned) {
		g_warning("Failed to set the default IRQ affinity to %s, ignoring: %s", list,
			  g_strerror(-r));
	}
	daemon->default_mask_warned = r < 0;
}

static int replan(AfDaemon *daemon, AfEventFlags flags)
{
	AfEngine *engine = daemon->engine;
	g_autoptr(AfLimits) limits = af_limits_new();
	g_autoptr(AfApplyResult) result = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *why = af_event_flags_to_string(flags);
	gint64 now_us = g_get_monotonic_time();
	g_autoptr(AfRmapLook) before = NULL;
	g_autofree char *since = NULL;
	AfSteerCounts steer;
	guint n_refresh = 0;
	gint64 read_us, plan_us, end_us;
	int r;

	/* What the aRFS IRQs showed after the last apply: hotplug may change it
	 * without telling the NIC's rmap (rmapfix.h). */
	if ((flags & AF_EVENT_HOTPLUG) && engine->snapshot)
		before = af_rmapfix_look_new(engine->snapshot, engine->placement);
	/* Learned unmovable IRQs are skipped (and reported) by the plan. */
	r = af_engine_read(engine, daemon->statedir->state->learned, !(flags & ~AF_EVENT_REFRESH),
			   &error);
	tell_read(daemon, r, flags, error);
	if (r < 0)
		return r;
	read_us = g_get_monotonic_time();
	if (flags & AF_EVENT_HOTPLUG)
		af_apply_reset(daemon->apply); /* vectors moved with the CPUs */
	compute_limits(daemon, flags, now_us, limits);
	/* Once per hotplug event: the replans after it compare with nothing. */
	if (before)
		n_refresh =
			af_rmapfix_ask_refresh(before, engine->snapshot, engine->policy, limits);
	r = af_engine_plan(engine, daemon->load, limits, &error);
	if (r < 0) {
		g_warning("%s", error->message);
		return r;
	}
	daemon->counters.replans++;
	plan_us = g_get_monotonic_time();
	af_warnings_log_new(daemon->machine_warned, engine);
	af_metrics_count_plan(daemon->metrics, engine->plan);

	/* Only IRQs the kernel does not already show where planned are written. */
	af_apply_plan(daemon->apply, engine->plan, engine->snapshot->nr_cpu_ids, now_us / 1000,
		      &result);
	if ((flags & AF_EVENT_HOTPLUG) && daemon->hotplug_since_us) {
		/* The writes are done: from the first hotplug event to the last. */
		af_metrics_observe_hotplug(
			daemon->metrics,
			(double)(g_get_monotonic_time() - daemon->hotplug_since_us) / 1e6);
		daemon->hotplug_since_us = 0;
	}
	af_apply_log_result(result);
	account_writes(daemon, result, now_us);
	daemon->nr_cpu_ids = engine->snapshot->nr_cpu_ids;
	if (af_apply_widen_landed(daemon->apply, daemon->nr_cpu_ids, NULL))
		arm_widen(daemon);
	update_default_mask(daemon);
	if (n_refresh > 0)
		g_debug("%u aRFS IRQs changed by the hotplug: rewritten to refresh their rmap",
			n_refresh);
	/* Steering follows the IRQs, now that they are where the plan put them. */
	steer = af_steer_apply(daemon->steer, engine->plan->steering, engine->snapshot->nr_cpu_ids);
	daemon->counters.steer_writes += steer.n_written;
	end_us = g_get_monotonic_time();
	/* "since the first event": from the first event of the burst to the
	 * steering written, what `ethtool -L` waits for (bench numbers). */
	since = daemon->due_first_us > 0
			? g_strdup_printf(", %.1f ms since the first event",
					  (double)(end_us - daemon->due_first_us) / 1000.0)
			: g_strdup("");
	daemon->due_first_us = 0;
	g_debug("Replan (%s): %u move, %u keep, %u skip; %u written, %u unchanged, %u refused, "
		"%u no space, %u invalid, %u gone, %u failed, %u deferred; steering %u written, "
		"%u failed; %.1f ms%s; read %.1f ms, plan %.1f ms, writes %.1f ms",
		why, engine->plan->n_move, engine->plan->n_keep, engine->plan->n_skip,
		result->n_written, result->n_unchanged, result->n_refused, result->n_no_space,
		result->n_invalid, result->n_gone, result->n_failed, result->n_deferred,
		steer.n_written, steer.n_failed, (double)(end_us - now_us) / 1000.0, since,
		(double)(read_us - now_us) / 1000.0, (double)(plan_us - read_us) / 1000.0,
		(double)(end_us - plan_us) / 1000.0);

	/* ENOSPC (full CPUs now known) or EINVAL (the CPUs changed under the
	 * plan): plan again at once, a few times in a row at most. */
	if (result->replan && daemon->write_replans < AF_ENGINE_MAX_WRITE_REPLANS) {
		daemon->write_replans++;
		af_daemon_mark(daemon, AF_EVENT_DRIFT,
			       result->n_no_space ? "a CPU ran out of vectors"
						  : "a write found the CPUs changed");
	} else if (!result->replan) {
		daemon->write_replans = 0;
	}
	arm_retry(daemon, now_us);
	af_daemon_write_metrics(daemon);
	if ((flags & AF_EVENT_HOTPLUG) && !daemon->verify_source)
		daemon->verify_source = g_timeout_add(VERIFY_AFTER_HOTPLUG_MS, on_verify, daemon);
	return 0;
}

/* Reads the configuration again; on error the running one stays (and reload_error says why). */
static void reload_config(AfDaemon *daemon)
{
	const AfPolicy *policy;
	g_autoptr(GError) error = NULL;

	daemon->reload_pending = FALSE;
	g_clear_pointer(&daemon->reload_error, g_free);
	if (af_engine_reload(daemon->engine, &error) < 0) {
		g_warning("Failed to reload the configuration, keeping the running one: %s",
			  error->message);
		daemon->reload_error = g_strdup(error->message);
		return;
	}
	g_message("Configuration reloaded");
	daemon->counters.reloads++;
	policy = daemon->engine->policy;
	af_debounce_set_delay(&daemon->debounce, policy->debounce_ms);
	af_move_guard_set_interval(daemon->guard, policy->min_move_interval_ms);
	af_daemon_start_scan(daemon);
	af_daemon_update_irqbsock(daemon);
	af_daemon_watch_isolation(daemon);
	af_daemon_open_metrics(daemon);
}

/* The debounced events are due (mark.c): reload if asked, replan, tell systemd. */
static void on_events_due(AfDaemon *daemon, AfEventFlags flags)
{
	gboolean reloading = (flags & AF_EVENT_CONFIG) && daemon->reload_pending;
	guint64 writes = daemon->counters.writes;
	int r;

	if (reloading) {
		af_daemon_notify_reloading(daemon);
		reload_config(daemon);
	}
	r = replan(daemon, flags);
	af_daemon_dbus_replanned(daemon, r, daemon->counters.writes - writes);
	if (reloading)
		af_daemon_notify_ready(daemon);
	else
		af_daemon_notify_status(daemon);
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
	r = af_eth_watch_new(on_ethtool, daemon, &daemon->ethtool);
	if (r < 0)
		g_warning("Failed to listen to ethtool netlink notifications, channel changes are "
			  "seen by their queue uevents only: %s",
			  g_strerror(-r));
	r = af_config_watch_new(daemon->options->config, daemon->options->config_dropins,
				on_config_changed, daemon, &daemon->config_watch);
	if (r < 0)
		g_warning("Failed to watch the configuration, reload with SIGHUP: %s",
			  g_strerror(-r));
	af_daemon_watch_isolation(daemon);
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
	g_clear_pointer(&daemon->ethtool, af_eth_watch_free);
	g_clear_pointer(&daemon->config_watch, af_config_watch_free);
	af_daemon_stop_dbus(daemon);
	af_daemon_stop_irqbsock(daemon);
	af_daemon_unwatch_isolation(daemon);
	g_clear_handle_id(&daemon->retry_source, g_source_remove);
	g_clear_handle_id(&daemon->read_retry_source, g_source_remove);
	g_clear_handle_id(&daemon->widen_source, g_source_remove);
	g_clear_pointer(&daemon->apply, af_apply_free);
	g_clear_pointer(&daemon->default_mask, af_default_mask_free);
	g_clear_pointer(&daemon->steer, af_steer_apply_free);
	g_clear_pointer(&daemon->statedir, af_statedir_free);
	g_clear_pointer(&daemon->load, g_hash_table_unref);
	g_clear_pointer(&daemon->sample, af_irqscan_sample_free);
	g_clear_pointer(&daemon->cpu_load_at_plan, g_free);
	g_clear_pointer(&daemon->guard, af_move_guard_free);
	g_clear_pointer(&daemon->fight_warned, g_hash_table_unref);
	g_clear_pointer(&daemon->machine_warned, g_hash_table_unref);
	g_clear_pointer(&daemon->last_event, g_free);
	g_clear_pointer(&daemon->reload_error, g_free);
	af_daemon_close_metrics(daemon);
	g_clear_pointer(&daemon->engine, af_engine_free);
	g_clear_pointer(&daemon->loop, g_main_loop_unref);
}

static int daemon_start(AfDaemon *daemon)
{
	const AfOptions *options = daemon->options;
	g_autoptr(GError) error = NULL;
	const AfPolicy *policy;
	int r;

	r = af_engine_open(&options->engine, &daemon->engine, &error);
	if (r < 0) {
		af_log_error("%s", error->message);
		return r;
	}
	policy = daemon->engine->policy;
	daemon->statedir = af_statedir_open_for(options->state_dir, policy->state_dir,
						daemon->engine->sysroot, FALSE);
	daemon->apply = af_apply_new(daemon->engine->sysroot, daemon->statedir);
	/* Bans kept from an earlier run hold from the first plan on, and its placement. */
	af_engine_resume(daemon->engine, daemon->statedir->state);
	daemon->default_mask = af_default_mask_new(daemon->engine->sysroot);
	daemon->steer = af_steer_apply_new(daemon->engine->sysroot);
	daemon->loop = g_main_loop_new(NULL, FALSE);
	daemon->guard = af_move_guard_new(policy->min_move_interval_ms);
	daemon->fight_warned = g_hash_table_new(NULL, NULL);
	daemon->machine_warned = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	daemon->on_events_due = on_events_due;
	af_daemon_open_metrics(daemon);
	af_debounce_init(&daemon->debounce, policy->debounce_ms);
	open_sources(daemon);
	af_daemon_add_signals(daemon);

	/* Sockets are bound: from here on only the writes' capability is needed.
	 * Under --sysroot the tree may belong to anyone: keep what we have. */
	if (af_sysroot_is_live(daemon->engine->sysroot)) {
		gboolean keep = af_policy_network_writes_queues(policy);

		r = af_privileges_drop(keep);
		if (r == -EPERM && keep)
			g_warning("Not holding CAP_NET_ADMIN: rps_cpus, xps_cpus and rps_flow_cnt "
				  "writes will fail (set rps=off and xps=off, or grant it)");
		if (r == -EPERM && keep)
			r = af_privileges_drop(FALSE);
		if (r < 0)
			g_warning("Failed to drop capabilities, running with them: %s",
				  g_strerror(-r));
	}
	af_daemon_scan(daemon);
	/* A machine that cannot be read yet is tried again (tell_read). */
	r = replan(daemon, AF_EVENT_START);
	if (r < 0 && !daemon->read_failed_flags) {
		af_log_error("The first plan failed: %s", g_strerror(-r));
		return r;
	}
	af_daemon_start_scan(daemon);
	af_daemon_start_watchdog(daemon);
	/* Orders from outside once there is a plan to answer with (and after
	 * hwloc's first load: GDBus starts a thread). */
	af_daemon_update_irqbsock(daemon);
	af_daemon_start_dbus(daemon);
	af_daemon_notify_ready(daemon);
	if (daemon->engine->plan)
		g_message("Started: %u IRQs placed, %u written",
			  daemon->engine->plan->n_move + daemon->engine->plan->n_keep,
			  (guint)daemon->counters.writes);
	else
		g_message("Started: nothing placed until the machine reads");
	return 0;
}

/*
 * Puts back the affinity each IRQ had before affinityd first wrote it: the
 * originals are in the state directory, so they are those from before an
 * earlier run that crashed or stopped without restoring.
 */
static void restore_originals(AfDaemon *daemon)
{
	g_autoptr(AfApplyResult) result = NULL;
	g_autoptr(GError) error = NULL;
	const AfSnapshot *names;

	/* A fresh look: restore only IRQs that still carry the name they had. */
	if (af_engine_read(daemon->engine, daemon->statedir->state->learned, FALSE, &error) < 0)
		g_warning("Failed to read the machine to restore, using the last look: %s",
			  error->message);
	names = daemon->engine->snapshot;
	if (!names)
		return;
	af_apply_restore(daemon->apply, names, names->nr_cpu_ids, &result);
	af_apply_log_result(result);
	g_message("Restored %u original affinities (%u already in place, %u failed)",
		  result->n_written, result->n_unchanged,
		  result->n_refused + result->n_no_space + result->n_invalid + result->n_failed);
}

static void restore_default_mask(AfDaemon *daemon)
{
	int r;

	if (!daemon->engine->snapshot)
		return;
	r = af_default_mask_restore(daemon->default_mask, daemon->engine->snapshot->nr_cpu_ids);
	if (r < 0)
		g_warning("Failed to restore the default IRQ affinity: %s", g_strerror(-r));
	else if (r > 0)
		g_message("Restored the default IRQ affinity");
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
	if (daemon.engine->policy->restore_on_exit) {
		restore_originals(&daemon);
		restore_default_mask(&daemon);
	}
	g_message("Stopped after %" G_GUINT64_FORMAT " events, %" G_GUINT64_FORMAT
		  " replans, %" G_GUINT64_FORMAT " writes",
		  daemon.counters.events, daemon.counters.replans, daemon.counters.writes);
	daemon_clear(&daemon);
	return daemon.exit_status;
}
