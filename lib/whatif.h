/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The offline advisor (--dry-run --offline CPULIST): the machine as the
 * kernel would leave it once some CPUs go offline, and what a plan for that
 * machine would still leave wrong. The engine reads the machine, takes the
 * CPUs offline in its snapshot here (af_engine_what_if), and plans it as any
 * other look; af_whatif_assess() then finds the kernel-managed IRQs served
 * only by isolated CPUs and the devices whose queues all land on one CPU.
 * Pure: snapshots and plans in, findings out.
 */

#include <glib.h>

#include "cpuset.h"
#include "housekeeping.h"
#include "planner.h"
#include "snapshot.h"

typedef enum {
	AF_WHATIF_MANAGED_ISOLATED, /* a kernel-managed IRQ served only by isolated CPUs */
	AF_WHATIF_ONE_CPU_QUEUES,   /* every served queue of a device on one CPU */
} AfWhatIfKind;

typedef struct AfWhatIfFinding {
	AfWhatIfKind kind;
	guint irq;	 /* MANAGED_ISOLATED: the IRQ */
	char *device;	 /* ONE_CPU_QUEUES: the device's address */
	guint n_queues;	 /* ONE_CPU_QUEUES: its queues (distinct queue numbers) served */
	AfCpuSet *cpus;	 /* the CPUs that would serve it */
	gboolean caused; /* not so with every CPU online: the offline causes it */
	char *text;	 /* one line for operators */
} AfWhatIfFinding;

/* The advisor's answer: the CPUs taken offline and the findings, in IRQ order. */
typedef struct AfWhatIf {
	AfCpuSet *offline;
	GPtrArray *findings; /* AfWhatIfFinding*, owned */
} AfWhatIf;

/*
 * Takes cpus offline in snapshot as the kernel's CPU hotplug does: they
 * leave online for offline; an IRQ whose serving CPU goes is migrated: a
 * kernel-managed one with no online CPU left in its mask is shut down
 * (effective empty, mask kept), a non-managed one with none left has its
 * affinity broken to every online CPU, and otherwise either is served by
 * one of its mask's online CPUs (effective becomes all of them: which one
 * the vector allocator takes is not known; under isolcpus=managed_irq a
 * managed IRQ takes the non-isolated ones when it has any). Per-CPU IRQs
 * stay. Fails with -EINVAL and a sentence in *ret_message when cpus is
 * empty, holds a CPU that is not online, or holds every online CPU.
 */
int af_whatif_take_offline(AfSnapshot *snapshot, const AfCpuSet *cpus, char **ret_message);

/*
 * What the plan leaves wrong on snapshot: every kernel-managed IRQ (with a
 * handler, served) whose serving CPUs are all isolated, and every device
 * with queues of two or more queue numbers whose served queues all land on
 * one CPU (movable ones where the plan puts them, the others where they are
 * served). caused is FALSE in every finding. Returns AfWhatIfFinding*.
 */
GPtrArray *af_whatif_assess(const AfSnapshot *snapshot, const AfHousekeeping *hk,
			    const AfPlan *plan);
/*
 * Sets caused on every finding of findings that baseline (the same
 * assessment with every CPU online) does not have: same kind and IRQ or
 * device. Returns how many are caused.
 */
guint af_whatif_mark_caused(GPtrArray *findings, const GPtrArray *baseline);

/* Frees; accept NULL. */
void af_whatif_finding_free(AfWhatIfFinding *finding);
void af_whatif_free(AfWhatIf *what_if);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfWhatIf, af_whatif_free)

/* "managed_isolated", "one_cpu_queues". */
const char *af_whatif_kind_to_string(AfWhatIfKind kind);
