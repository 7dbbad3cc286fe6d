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
#include "debounce.h"
#include "engine.h"
#include "events.h"
#include "configwatch.h"
#include "ethwatch.h"
#include "irqscan.h"
#include "moveguard.h"
#include "linkwatch.h"
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
	guint64 steer_writes;	/* rps/xps/RFS/NAPI values that changed */
	guint64 rmap_refreshes; /* aRFS IRQs rewritten to refresh their rmap */
} AfDaemonCounters;

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
	char *last_event;          /* "cpu2 offline", for STATUS= */

	/* Writes: minimum interval, fights after hotplug. */
	AfMoveGuard *guard;
	GHashTable *fight_warned;  /* IRQs warned about in this window */
	guint verify_source;       /* re-check shortly after a hotplug event */

	/* Event sources. */
	AfUdevWatch *udev;
	AfLinkWatch *links;
	AfEthWatch *ethtool; /* ethtool netlink notifications: channels, features */
	AfConfigWatch *config_watch;
	guint scan_source;
	guint scan_interval_ms;
	guint watchdog_source;
	guint signal_sources[3];

	/* Writes and what they taught: learned unmovable IRQs and the
	 * originals in the state directory, full CPUs, per-IRQ backoff. */
	AfStateDir *statedir;
	AfApply *apply;
	AfSteerApply *steer; /* network steering writes */
	guint write_replans; /* replans in a row asked for by ENOSPC/EINVAL */
	guint retry_source;  /* a replan when the first backoff is over */

	AfDaemonCounters counters;
} AfDaemon;

/* mark.c: notes an event (what: one line for STATUS=) and schedules the replan. */
void af_daemon_mark(AfDaemon *daemon, AfEventFlags flags, const char *what);

/* signals.c: SIGTERM/SIGINT quit, SIGHUP reload. */
void af_daemon_add_signals(AfDaemon *daemon);
void af_daemon_remove_signals(AfDaemon *daemon);

/* scan.c: the periodic /proc/interrupts look; (re)started at policy->interval_ms. */
void af_daemon_start_scan(AfDaemon *daemon);
void af_daemon_stop_scan(AfDaemon *daemon);
/* One look now: marks IRQS when IRQs came or went, LOAD when the load shifted. */
void af_daemon_scan(AfDaemon *daemon);

/* notify.c: sd_notify and the watchdog; no-ops without NOTIFY_SOCKET. */
void af_daemon_notify_ready(AfDaemon *daemon);
void af_daemon_notify_reloading(AfDaemon *daemon);
void af_daemon_notify_status(AfDaemon *daemon);
void af_daemon_notify_stopping(AfDaemon *daemon);
void af_daemon_start_watchdog(AfDaemon *daemon);
void af_daemon_stop_watchdog(AfDaemon *daemon);
/* The STATUS= line: "N IRQs placed, N kernel-managed, housekeeping 0-3, last event cpu2 offline". */
char *af_daemon_format_status(const AfDaemon *daemon);
