/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfNetifs: the network interfaces as steering sees them: per interface its
 * ethtool answers (ethtool.h), its receive and transmit queues under
 * /sys/class/net/IF/queues/ with their rps_cpus, rps_flow_cnt and
 * xps_cpus and the IRQ serving each queue (the snapshot's IRQs, by the
 * interface and queue index the inventory found), whether threaded NAPI is
 * on and its napi/IF-ID kernel threads; and the machine-wide
 * /proc/sys/net/core/rps_sock_flow_entries. Every interface but lo is
 * listed. Read through the sysroot; the IRQs of an interface with aRFS
 * (ntuple on) get their arfs flag here.
 *
 * NAPI threads and queues: 6.1 links them nowhere (no queue -> NAPI
 * attribute in sysfs, no netdev genl napi-get before 6.9/6.10), so the
 * threads whose NAPI ID is not 0 are matched to the receive queues in
 * ascending order of both (drivers add one receive NAPI per queue, in
 * queue order, and IDs are handed out in that order); threads with ID 0
 * (transmit-only NAPIs, which get no ID) are left unmatched. The match is
 * marked as such (napi_guessed).
 */

#include <glib.h>

#include "cpuset.h"
#include "ethtool.h"
#include "irq.h"
#include "sysroot.h"

typedef struct AfNetQueue {
	char *name; /* "rx-0", "tx-3" */
	gboolean tx;
	guint index;
	int irq;	 /* the IRQ serving the queue, -1 none known */
	AfCpuSet *mask;	 /* rps_cpus (rx) or xps_cpus (tx); NULL when absent or unreadable */
	gint64 flow_cnt; /* rx: rps_flow_cnt, -1 absent */
} AfNetQueue;

typedef struct AfNapiThread {
	int pid;
	char *comm;	   /* "napi/eth0-8193" */
	guint napi_id;	   /* 0: a NAPI without ID (transmit-only) */
	AfCpuSet *allowed; /* Cpus_allowed_list now, NULL unreadable */
	int queue;	   /* the receive queue it polls, -1 unknown */
} AfNapiThread;

typedef struct AfNetif {
	char *name;
	AfEthtoolInfo *ethtool; /* NULL: no answer (virtual device, tree without a record) */
	gboolean arfs;		/* ntuple on and a queue with an IRQ */
	int threaded;		/* /sys/class/net/IF/threaded: 1, 0, -1 absent */
	gboolean napi_guessed;	/* the threads' queues are matched by order */
	GPtrArray *rx;		/* AfNetQueue*, by index */
	GPtrArray *tx;		/* AfNetQueue*, by index */
	GPtrArray *napi;	/* AfNapiThread*, by NAPI ID then PID */
} AfNetif;

typedef struct AfNetifs {
	GPtrArray *interfaces;	  /* AfNetif*, by name */
	gint64 sock_flow_entries; /* rps_sock_flow_entries, -1 unreadable */
} AfNetifs;

/* No interfaces. */
AfNetifs *af_netifs_new(void);
/* A deep copy. */
AfNetifs *af_netifs_copy(const AfNetifs *netifs);
/* Frees; accepts NULL. */
void af_netifs_free(AfNetifs *netifs);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfNetifs, af_netifs_free)
/* A new interface with no queues, threaded -1, appended; for tests and readers. */
AfNetif *af_netifs_add(AfNetifs *netifs, const char *name);
/* A queue appended to the interface (rx or tx by tx), irq -1, flow_cnt -1, mask copied. */
AfNetQueue *af_netif_add_queue(AfNetif *netif, gboolean tx, guint index, const AfCpuSet *mask);
/* The interface of that name, or NULL. */
AfNetif *af_netifs_lookup(const AfNetifs *netifs, const char *name);

/*
 * Reads every interface under sysroot and matches queues to irqs (AfIrq*,
 * whose arfs flags it sets). What cannot be read is appended to warnings.
 * No /sys/class/net gives no interfaces (0).
 */
int af_netifs_read(AfSysroot *sysroot, GPtrArray *irqs, GPtrArray *warnings, AfNetifs **ret_netifs);
/*
 * previous's interfaces with their masks, flow counts and NAPI threads'
 * CPUs read again (ethtool answers and queues kept); irqs get their arfs
 * flags. -ESTALE when a queue of previous is gone.
 */
int af_netifs_refresh(AfSysroot *sysroot, const AfNetifs *previous, GPtrArray *irqs,
		      AfNetifs **ret_netifs);
/* Matches every queue to its IRQ among irqs and sets the arfs flags (pure; used by both). */
void af_netifs_match_irqs(AfNetifs *netifs, GPtrArray *irqs);
/* Parses "napi/IF-ID" for ifname; FALSE when comm names another interface or no NAPI. */
gboolean af_netif_parse_napi_comm(const char *comm, const char *ifname, guint *ret_napi_id);
