/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfEventFlags: what changed on the machine, as the daemon's event sources
 * say it (uevents, rtnetlink, inotify, the periodic scan, signals), and
 * what each kind of event means for the next plan: which events repair
 * (moves never wait for the minimum interval), which open a new write
 * window for the move guard, and which a cheap refresh of the last look
 * can answer. Pure: names in, flags out.
 */

#include <glib.h>

/* What changed; the daemon ORs these together. */
typedef enum {
	AF_EVENT_CPU_OFFLINE = 1 << 0, /* urgent: repair isolation */
	AF_EVENT_CPU_ONLINE = 1 << 1,  /* re-spread onto the new CPU */
	AF_EVENT_DEVICE = 1 << 2,      /* pci/net/queue add, remove, move */
	AF_EVENT_LINK = 1 << 3,	       /* rtnetlink link change */
	AF_EVENT_IRQS = 1 << 4,	       /* the scan saw IRQs appear or vanish */
	AF_EVENT_LOAD = 1 << 5,	       /* the scan measured a new load interval */
	AF_EVENT_CONFIG = 1 << 6,      /* reload: new policy */
	AF_EVENT_DRIFT = 1 << 7,       /* someone else changed an affinity */
	AF_EVENT_START = 1 << 8,       /* the first plan */
} AfEventFlags;

/* Events after which the move guard's write budget per IRQ starts again. */
#define AF_EVENT_WINDOW                                                                            \
	(AF_EVENT_CPU_OFFLINE | AF_EVENT_CPU_ONLINE | AF_EVENT_DEVICE | AF_EVENT_CONFIG |          \
	 AF_EVENT_START)
/* Events whose moves are repairs, never held by the minimum move interval. */
#define AF_EVENT_REPAIR (AF_EVENT_WINDOW | AF_EVENT_LINK | AF_EVENT_DRIFT)
/* Events that move IRQs but neither add nor remove IRQs or devices: a refresh will do. */
#define AF_EVENT_REFRESH                                                                           \
	(AF_EVENT_CPU_OFFLINE | AF_EVENT_CPU_ONLINE | AF_EVENT_DRIFT | AF_EVENT_LOAD)
/* CPU hotplug either way. */
#define AF_EVENT_HOTPLUG (AF_EVENT_CPU_OFFLINE | AF_EVENT_CPU_ONLINE)

/* "cpu-offline,device", for logs; flags 0 gives "". */
char *af_event_flags_to_string(AfEventFlags flags);
/*
 * What a uevent means for placement: cpu offline/remove -> CPU_OFFLINE,
 * cpu online/add -> CPU_ONLINE, pci/net/queues add/remove/move/bind/unbind
 * -> DEVICE, anything else (change, other subsystems) -> 0 (ignore).
 */
AfEventFlags af_event_from_uevent(const char *subsystem, const char *action);
/*
 * What an ethtool netlink notification (ETHTOOL_MSG_*_NTF of the "monitor"
 * group) means: channels changed (queues and their IRQs come and go) or
 * features changed (ntuple: aRFS) -> DEVICE, a read in full; 0 (an
 * overrun: anything may have changed) -> DEVICE; any other -> 0 (ignore).
 */
AfEventFlags af_event_from_ethtool_cmd(guint8 cmd);
