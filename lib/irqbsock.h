/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The subset of irqbalance's UNIX socket protocol that other programs use
 * (irqbalance.c sock_handle(), its ncurses UI, intel-lpmd's lpmd_irq.c):
 * one request per connection, plain text without a terminator, the
 * answer (if any) written back before the server closes.
 *
 *   "settings cpus LIST"   ban the CPUs of LIST (a cpulist; only the first
 *                          word counts); "settings cpus NULL" or nothing
 *                          after "cpus " lifts the ban. No answer.
 *   "setup"                answer "SLEEP <s> [IRQ <n> LOAD <l> DIFF <d>
 *                          CLASS <c> ...] BANNED <hex mask>".
 *   "stats"                answer the CPU tree: "TYPE <t> NUMBER <n> LOAD
 *                          <l> SAVE_MODE 0 [IRQ ...]" for every NUMA node
 *                          (t 3), package (2), cache (1) and CPU (0), each
 *                          followed by its children.
 *   "settings sleep N", "settings ban irqs ..."   irqbalance's own knobs:
 *                          recognised, not acted on.
 *
 * Parsing and formatting only; the daemon owns the socket (irqbserver.c).
 */

#include <glib.h>

#include "cpuset.h"
#include "housekeeping.h"
#include "planner.h"
#include "snapshot.h"

/* irqbalance's socket: DIR/irqbalance<PID>.sock; DIR is /run/irqbalance. */
#define AF_IRQBSOCK_PREFIX "irqbalance"
#define AF_IRQBSOCK_SUFFIX ".sock"
/* irqbalance reads one request of at most this many bytes (a full buffer is refused). */
#define AF_IRQBSOCK_MAX_REQUEST 16384u

typedef enum {
	AF_IRQBSOCK_BAN_CPUS, /* settings cpus: ban cpus, or lift the ban (cpus NULL) */
	AF_IRQBSOCK_SETUP,    /* setup */
	AF_IRQBSOCK_STATS,    /* stats */
	AF_IRQBSOCK_IGNORED,  /* settings sleep, settings ban irqs */
} AfIrqbsockKind;

typedef struct AfIrqbsockRequest {
	AfIrqbsockKind kind;
	AfCpuSet *cpus; /* BAN_CPUS: the CPUs to ban; NULL (or empty) lifts the ban */
} AfIrqbsockRequest;

/* Frees; accepts NULL. */
void af_irqbsock_request_free(AfIrqbsockRequest *request);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfIrqbsockRequest, af_irqbsock_request_free)

/*
 * Parses length bytes of data (not NUL-terminated) as irqbalance does, by
 * prefix. -EINVAL for an unknown request or a CPU list that does not
 * parse, -ERANGE for a CPU beyond AF_CPU_MAX.
 */
int af_irqbsock_parse_request(const char *data, gsize length, AfIrqbsockRequest **ret_request);

/*
 * The "setup" answer: interval_ms as whole seconds (at least 1), the IRQs
 * the plan never writes (skip) with their load (may be NULL: totals), and
 * hk's isolated CPUs below nr_cpu_ids as a hex mask.
 */
char *af_irqbsock_format_setup(guint interval_ms, const AfHousekeeping *hk, const AfPlan *plan,
			       const AfLoad *load, guint nr_cpu_ids);
/*
 * The "stats" answer for the snapshot's online CPUs of known topology:
 * every IRQ with a handler is listed under the first CPU that serves it,
 * its LOAD and DIFF the load (interrupts/s; NULL: totals), each object's
 * LOAD the sum of its IRQs'.
 */
char *af_irqbsock_format_stats(const AfSnapshot *snapshot, const AfLoad *load);
