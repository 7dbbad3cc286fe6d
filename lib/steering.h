/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfSteering: the network steering plan beside the IRQ plan, a pure
 * function of (snapshot with its interfaces, housekeeping, policy, IRQ
 * plan). Per interface, per queue: rps_cpus (receive), xps_cpus (transmit),
 * rps_flow_cnt (receive, when RFS tables are asked for), per threaded NAPI
 * kthread its CPUs, and the machine-wide rps_sock_flow_entries. Every entry
 * says move, keep or skip and why, in the IRQ plan's vocabulary: move
 * entries are written, keep and skip entries are not, so the steady state
 * writes nothing.
 *
 * The rules (written above the code in steering.c, checked by
 * af_steering_check): with xps=follow every online CPU, isolated ones
 * included, is in exactly one planned xps mask of a multi-queue interface:
 * the queue whose IRQ is on that CPU, else the nearest by core, cache,
 * node and package (fewest CPUs, then the lowest queue, on a tie); no
 * planned rps mask holds an isolated CPU; a NAPI thread goes where its
 * queue's IRQ is planned.
 */

#include <glib.h>

#include "housekeeping.h"
#include "netif.h"
#include "planner.h"
#include "policy.h"
#include "snapshot.h"

typedef enum {
	AF_STEER_RPS,	    /* queues/rx-N/rps_cpus */
	AF_STEER_XPS,	    /* queues/tx-N/xps_cpus */
	AF_STEER_FLOW_CNT,  /* queues/rx-N/rps_flow_cnt */
	AF_STEER_SOCK_FLOW, /* /proc/sys/net/core/rps_sock_flow_entries */
	AF_STEER_NAPI,	    /* a napi/IF-ID kthread's CPUs (sched_setaffinity, live only) */
} AfSteerKind;

typedef struct AfSteerEntry {
	AfSteerKind kind;
	const char *interface; /* borrowed from the snapshot; NULL for SOCK_FLOW */
	const char *queue;     /* "rx-0", "tx-1"; NULL for SOCK_FLOW and unmatched NAPI threads */
	int irq;	       /* the queue's IRQ, -1 none */
	int pid;	       /* NAPI: the thread; 0 otherwise */
	const char *thread;    /* NAPI: "napi/eth0-8193" (borrowed); NULL otherwise */
	char *path;	       /* the file to write; NULL for NAPI */
	AfCpuSet *current;     /* RPS, XPS, NAPI: what the kernel shows (NULL unknown) */
	AfCpuSet *planned;     /* RPS, XPS, NAPI: move and keep; NULL for skip */
	gint64 current_value;  /* FLOW_CNT, SOCK_FLOW: -1 unknown */
	gint64 planned_value;  /* FLOW_CNT, SOCK_FLOW: move and keep; -1 for skip */
	AfAction action;
	char *reason;
} AfSteerEntry;

typedef struct AfSteerInterface {
	const AfNetif *netif; /* borrowed from the snapshot */
	AfNetPolicy policy;   /* [network] with its [interface:GLOB] overrides */
	GPtrArray *entries;   /* AfSteerEntry*: rx queues (RPS, FLOW_CNT), tx (XPS), NAPI */
} AfSteerInterface;

typedef struct AfSteering {
	GPtrArray *interfaces;	 /* AfSteerInterface*, in the snapshot's order */
	AfSteerEntry *sock_flow; /* rps_sock_flow_entries; never NULL */
	guint n_move, n_keep, n_skip;
} AfSteering;

/*
 * Plans steering for every interface of the snapshot from the IRQ plan
 * (each queue IRQ's planned mask, or the CPUs serving it when skipped).
 * Returns 0, or -EINVAL when an argument is NULL.
 */
int af_steering_compute(const AfSnapshot *snapshot, const AfHousekeeping *hk,
			const AfPolicy *policy, const AfPlan *plan, AfSteering **ret_steering);
/* Frees; accepts NULL. */
void af_steering_free(AfSteering *steering);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfSteering, af_steering_free)
/*
 * Checks the rules (S1-S6 in steering.c) against the inputs. Returns 0, or
 * -EINVAL with the first broken rule in *ret_message.
 */
int af_steering_check(const AfSteering *steering, const AfSnapshot *snapshot,
		      const AfHousekeeping *hk, const AfPlan *plan, char **ret_message);
/* "rps", "xps", "rps_flow_cnt", "rps_sock_flow_entries", "napi". */
const char *af_steering_kind_to_string(AfSteerKind kind);
/* The CPUs steering takes for an IRQ: its planned mask, else the CPUs serving it (may be NULL). */
const AfCpuSet *af_steering_irq_cpus(const AfSnapshot *snapshot, const AfPlan *plan, int irq);
/* n rounded up to a power of two (1 for 0), as the kernel stores RFS table sizes. */
gint64 af_steering_roundup_pow2(gint64 n);
