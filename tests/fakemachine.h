/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Fake machines for the planner and report tests and the plan benchmark,
 * made with the library's own constructors: the topology by hwloc from a
 * synthetic description or a captured tree (af_topology_load*), the CPUs
 * of a snapshot (af_snapshot_new), housekeeping as the daemon computes it
 * (af_housekeeping_read with the config's isolated list and the kernel
 * command line), IRQs of every kind the planner tells apart (af_irq_new,
 * af_snapshot_add_irq), a measured load, and plans written by hand
 * (af_plan_new). The builder's own failures (a CPU list that does not
 * parse, a description hwloc refuses) abort: they are mistakes in the test,
 * and nothing after them could run.
 */

#include <glib.h>

#include "housekeeping.h"
#include "planner.h"
#include "snapshot.h"

/*
 * The machine: a snapshot (CPUs, topology, command line, the IRQs added),
 * housekeeping as af_housekeeping_read() finds it, the policy (tests may
 * change it; its isolated list is the machine's isolation), the load (NULL
 * until one is set: the planner then weighs IRQs by their totals), the
 * planner's limits (NULL until a test sets them; owned) and the tree
 * housekeeping reads (an empty one for synthetic machines).
 */
typedef struct AfFakeMachine {
	AfSnapshot *snapshot;
	AfHousekeeping *hk;
	AfPolicy *policy;
	AfLoad *load;
	AfLimits *limits;
	AfSysroot *sysroot;
} AfFakeMachine;

/*
 * A captured machine, unpacked into tmp with its root below: the topology
 * hwloc reads, the CPU lists (hwloc's CPUs where an old capture lacks
 * them) and /proc/cmdline ("" when absent).
 */
typedef struct AfFakeTree {
	char *tmp;
	char *root;
	AfTopology *topology;
	AfCpuSet *possible;
	AfCpuSet *online;
	char *cmdline;
} AfFakeTree;

/* The device behind queue and device IRQs: NULL address, driver, interface for none. */
typedef struct AfFakeDevice {
	const char *address; /* PCI address, "0000:10:00.0" */
	const char *driver;
	AfIrqClass class;
	int node; /* -1 unknown */
	const char *interface;
} AfFakeDevice;

/* The CPU set of a cpulist ("0-3,8"). */
AfCpuSet *af_fake_cpus(const char *list);
/*
 * An hwloc synthetic description: n_nodes packages of one NUMA node each,
 * caches_per_node last-level caches of cores_per_cache cores of threads
 * threads, numbered as x86 numbers them: with C cores, CPU c < C is thread
 * 0 of core c and CPU c + C its sibling. Free with g_free().
 */
char *af_fake_x86_topology(guint n_nodes, guint caches_per_node, guint cores_per_cache,
			   guint threads);
/*
 * A machine of an hwloc synthetic description: every CPU possible and
 * present, the offline cpulist offline, the isolated cpulist isolated by
 * the config; no IRQs, an empty command line, no sysfs isolation.
 */
AfFakeMachine *af_fake_machine_new(const char *synthetic, const char *offline,
				   const char *isolated);
/*
 * A machine of a captured tree: its CPUs minus offline, isolated by the
 * config, its architecture as the tree tells (arch.h). A synthetic machine's
 * is unknown: a test that wants x86 sets snapshot->arch.
 */
AfFakeMachine *af_fake_machine_new_tree(const AfFakeTree *tree, const AfCpuSet *offline,
					const AfCpuSet *isolated);
/* Frees; accepts NULL. */
void af_fake_machine_free(AfFakeMachine *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfFakeMachine, af_fake_machine_free)
/* Boots with this kernel command line: parses it and reads housekeeping again. */
void af_fake_machine_boot(AfFakeMachine *m, const char *cmdline);
/* Sets the config's isolated CPUs and reads housekeeping again. */
void af_fake_machine_isolate(AfFakeMachine *m, const AfCpuSet *isolated);

/*
 * Unpacks a fixture tarball (a path under tests/fixtures, "hwloc/NAME.tar.bz2")
 * and reads its topology, CPU lists and command line.
 */
AfFakeTree *af_fake_tree_open(const char *fixture);
/* Removes the unpacked tree and frees; accepts NULL. */
void af_fake_tree_free(AfFakeTree *tree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfFakeTree, af_fake_tree_free)

/*
 * An IRQ outside any machine: name "" for one without a handler, affinity
 * NULL for an unreadable smp_affinity, effective NULL for none (cpulists).
 */
AfIrq *af_fake_irq_new(guint number, const char *name, const char *affinity, const char *effective);
/* Puts the IRQ behind a device: an MSI vector of it when it has an address. */
void af_fake_irq_set_device(AfIrq *irq, const AfFakeDevice *device);
/* Adds a plain IRQ as af_fake_irq_new() makes it; returns it (the machine owns it). */
AfIrq *af_fake_add_irq(AfFakeMachine *m, guint number, const char *name, const char *affinity,
		       const char *effective);
/* Adds a per-CPU IRQ (never movable). */
AfIrq *af_fake_add_per_cpu(AfFakeMachine *m, guint number, const char *name, const char *affinity,
			   const char *effective);
/* Adds queue `queue` of a device, rx, tx or combined; name NULL gives "ADDRESS-qQUEUE". */
AfIrq *af_fake_add_queue(AfFakeMachine *m, const AfFakeDevice *device, guint number,
			 const char *name, int queue, AfQueueKind kind, const char *affinity,
			 const char *effective);
/* Adds a combined queue the kernel manages, as the heuristic found it. */
AfIrq *af_fake_add_managed(AfFakeMachine *m, const AfFakeDevice *device, guint number,
			   const char *name, int queue, const char *affinity,
			   const char *effective);
/* Sets one IRQ's measured load in interrupts per second (the first makes m->load). */
void af_fake_set_load(AfFakeMachine *m, guint irq, guint64 rate);

/* Plans the machine with its load and limits: af_plan_compute()'s result. */
int af_fake_plan(const AfFakeMachine *m, AfPlacement *previous, AfPlan **ret_plan);
/* Appends an entry to a hand-written plan (planned NULL for none); the counts are the caller's. */
AfPlanEntry *af_fake_plan_add(AfPlan *plan, const AfIrq *irq, AfAction action, const char *planned,
			      const char *reason);

/*
 * Adds a network interface, device->interface, with n_queues channels: its
 * queue IRQs from first_irq on (one combined vector per channel, or an rx
 * and a tx vector each when split), affinity affinity (a cpulist), and its
 * netif: rx and tx queues with rps_cpus rps and xps_cpus xps (cpulists;
 * NULL: no such file), ethtool answers with ntuple on or off, the queues
 * matched to the IRQs (and aRFS marked) as the snapshot reader does.
 */
AfNetif *af_fake_add_nic(AfFakeMachine *m, const AfFakeDevice *device, guint first_irq,
			 guint n_queues, gboolean split, const char *affinity, const char *rps,
			 const char *xps, gboolean ntuple);
