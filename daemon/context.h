/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfDaemon: the daemon's one mutable root. Every event source gets it as
 * user_data; nothing else in the program holds state. Event callbacks only
 * note what changed (af_daemon_mark) and leave the planning to the one
 * debounced replan (daemon.c).
 */

#include <glib.h>

#include "apply.h"
#include "defaultmask.h"
#include "debounce.h"
#include "engine.h"
#include "events.h"
#include "cgroupwatch.h"
#include "configwatch.h"
#include "filewatch.h"
#include "ethwatch.h"
#include "irqscan.h"
#include "moveguard.h"
#include "linkwatch.h"
#include "metrics.h"
#include "options.h"
#include "statedir.h"
#include "steerapply.h"
#include "udev.h"

typedef struct AfDaemonCounters {
	guint64 events;   /* events marked */
	guint64 replans;  /* plans computed */
	guint64 writes;   /* affinity writes that succeeded */
	guint64 refused;  /* writes the kernel refused: IRQs learned unmovable */
	guint64 deferred; /* load moves held back by the minimum interval */
	guint64 fights;   /* IRQs given up on in an event window */
	guint64 reloads;  /* configurations loaded after start-up */
	guint64 bans;	  /* bans set or lifted */
	guint64 steer_writes;	/* rps/xps/RFS/NAPI values that changed */
	guint64 rmap_refreshes; /* aRFS IRQs rewritten to refresh their rmap */
} AfDaemonCounters;

typedef struct AfDbus AfDbus;
typedef struct AfIrqbServer AfIrqbServer;

typedef struct AfDaemon {
	const AfOptions *options;
	GMainLoop *loop;
	int exit_status;

	/* The machine, the policy in force, and the last look and plan. */
	AfEngine *engine;

	AfLoad *load;           /* IRQ -> interrupts/s over the last scan interval, or NULL */
	AfIrqSample *sample;    /* the last /proc/interrupts look */
	gint64 sample_us;       /* its monotonic time */
	AfIrqScanHealth scan_health; /* whether the scans read it, to tell a change once */
	guint64 *cpu_load_at_plan; /* per-CPU interrupts/s of the interval the last shift used */
	guint n_cpu_load_at_plan;

	/* Events -> one replan (mark.c); on_events_due replans (daemon.c). */
	AfDebounce debounce;
	guint debounce_source;
	void (*on_events_due)(struct AfDaemon *daemon, AfEventFlags flags);
	gboolean reload_pending;   /* SIGHUP or the config changed */
	char *reload_error;	   /* why the last reload was refused; NULL when it was taken */
	char *last_event;          /* "cpu2 offline", for STATUS= */
	gint64 due_first_us;       /* the first event of the replan due now, 0 none */

	/* Writes: minimum interval, fights after hotplug. */
	AfMoveGuard *guard;
	GHashTable *fight_warned;  /* IRQs warned about in this window */
	GHashTable *machine_warned; /* warnings logged, still holding (warnings.h) */
	guint verify_source;       /* re-check shortly after a hotplug event */

	/* Event sources. */
	AfUdevWatch *udev;
	AfLinkWatch *links;
	AfEthWatch *ethtool; /* ethtool netlink notifications: channels, features */
	AfConfigWatch *config_watch;
	AfDbus *dbus;		/* the D-Bus API, NULL without a bus */
	AfIrqbServer *irqbsock; /* irqbalance's socket, NULL unless [compat] asks */
	AfFileWatch *env_watch;	     /* irqbalance's environment files (isolation.c) */
	AfCgroupWatch *cgroup_watch; /* cgroup v2 partitions (isolation.c) */
	char *cgroup_isolated_seen;  /* root cpuset.cpus.isolated as last read; NULL before */
	char *default_affinity_seen; /* /proc/irq/default_smp_affinity as last read */
	guint scan_source;
	guint scan_interval_ms;
	guint watchdog_source;
	guint signal_sources[3];

	/* Writes and what they taught: learned unmovable IRQs and the
	 * originals in the state directory, full CPUs, per-IRQ backoff. */
	AfStateDir *statedir;
	AfApply *apply;
	AfDefaultMask *default_mask;  /* /proc/irq/default_smp_affinity = housekeeping */
	gboolean default_mask_warned; /* its last update failed, said once */
	AfSteerApply *steer; /* network steering writes */
	guint write_replans; /* replans in a row asked for by ENOSPC/EINVAL */
	guint retry_source;  /* a replan when the first backoff is over */
	guint widen_source;  /* polls one-CPU writes the kernel has yet to carry out */
	guint widen_ms;	     /* widen_source's interval now */
	gint64 widen_since_us; /* when the last replan left writes waiting */
	guint nr_cpu_ids;    /* of the last snapshot, for widen_source's writes */

	/* Reads of the machine that failed: told once, tried again (daemon.c). */
	AfIrqScanHealth read_health;
	AfEventFlags read_failed_flags; /* the events of the replans that could not read */
	guint read_retry_ms;		/* the wait before the next try, doubling */
	guint read_retry_source;

	AfDaemonCounters counters;

	/* Metrics (metrics.c): the counters, the file (NULL: none). */
	AfMetrics *metrics;
	char *metrics_path;
	gboolean metrics_warned; /* its last write failed, and was warned */
	gint64 hotplug_since_us; /* the first hotplug event the next replan answers; 0 none */
} AfDaemon;

/* mark.c: notes an event (what: one line for STATUS=) and schedules the replan. */
void af_daemon_mark(AfDaemon *daemon, AfEventFlags flags, const char *what);

/*
 * ban.c: run-time bans (the D-Bus API, the irqbalance socket). Sets
 * owner's ban to cpus, saves the state when it is or was persistent, and
 * marks AF_EVENT_BAN: 1 when the ban changed (a replan follows), 0 when it
 * was already so. Refuses (-EINVAL, error in the G_DBUS_ERROR domain) an
 * invalid owner, an empty set, CPUs beyond the possible ones and a ban
 * that would leave no online CPU for IRQs.
 */
int af_daemon_ban(AfDaemon *daemon, const char *owner, const AfCpuSet *cpus, gboolean persist,
		  GError **error);
/* Lifts owner's ban (1: a replan follows); -ENOENT (G_DBUS_ERROR_INVALID_ARGS) if it has none. */
int af_daemon_unban(AfDaemon *daemon, const char *owner, GError **error);

/*
 * dbus.c: org.affinityd1 on the system bus (or options->bus); none for a
 * --sysroot tree without --bus. Failures are logged; the daemon runs on.
 */
void af_daemon_start_dbus(AfDaemon *daemon);
void af_daemon_stop_dbus(AfDaemon *daemon);
/*
 * After each debounced replan (r its result, writes the affinities it
 * wrote): properties changed, PlacementChanged, and the answers of the
 * calls that waited for it.
 */
void af_daemon_dbus_replanned(AfDaemon *daemon, int r, guint64 writes);

/*
 * irqbserver.c: irqbalance's socket in policy->irqbalance_socket; opened,
 * moved or closed to match the policy in force (start-up and reload).
 */
void af_daemon_update_irqbsock(AfDaemon *daemon);
void af_daemon_stop_irqbsock(AfDaemon *daemon);

/* signals.c: SIGTERM/SIGINT quit, SIGHUP reload. */
void af_daemon_add_signals(AfDaemon *daemon);
void af_daemon_remove_signals(AfDaemon *daemon);

/* scan.c: the periodic /proc/interrupts look; (re)started at policy->interval_ms. */
void af_daemon_start_scan(AfDaemon *daemon);
void af_daemon_stop_scan(AfDaemon *daemon);
/* One look now: marks IRQS when IRQs came or went, LOAD when the load shifted. */
void af_daemon_scan(AfDaemon *daemon);

/*
 * isolation.c: isolation that changes at run time. watch (again, after a
 * reload) opens inotify on irqbalance's environment files of the policy in
 * force and on the cgroup tree, and takes the polled files' values as
 * known; check reads them (root cpuset.cpus.isolated, default_smp_affinity)
 * and marks ISOLATION when one changed. The scan checks at every interval.
 */
void af_daemon_watch_isolation(AfDaemon *daemon);
void af_daemon_unwatch_isolation(AfDaemon *daemon);
void af_daemon_check_isolation(AfDaemon *daemon);
/* Our own write of default_smp_affinity: taken as seen, so it raises no isolation event. */
void af_daemon_saw_default_affinity(AfDaemon *daemon);

/*
 * metrics.c: open decides the file of the policy in force (at the start and
 * after a reload); write puts the counters and the last plan's gauges there
 * (after each replan); close frees.
 */
void af_daemon_open_metrics(AfDaemon *daemon);
void af_daemon_write_metrics(AfDaemon *daemon);
void af_daemon_close_metrics(AfDaemon *daemon);

/* notify.c: sd_notify and the watchdog; no-ops without NOTIFY_SOCKET. */
void af_daemon_notify_ready(AfDaemon *daemon);
void af_daemon_notify_reloading(AfDaemon *daemon);
void af_daemon_notify_status(AfDaemon *daemon);
void af_daemon_notify_stopping(AfDaemon *daemon);
void af_daemon_start_watchdog(AfDaemon *daemon);
void af_daemon_stop_watchdog(AfDaemon *daemon);
/* The STATUS= line: "N IRQs placed, N kernel-managed, housekeeping 0-3, last event cpu2 offline". */
char *af_daemon_format_status(const AfDaemon *daemon);
