/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Fallback CPUs: the few housekeeping CPUs near an IRQ's CPU that its mask
 * also holds (issue 10). On x86 a mask that still holds the IRQ's serving
 * CPU leaves the vector where it is, so the extra CPUs change nothing while
 * that CPU is online; when it goes offline the kernel's own migration
 * takes one of them (the one with the most free vectors) instead of
 * breaking the affinity to every online CPU, isolated ones included.
 *
 * Nearness, best first (a tier each): the serving CPU's core (its SMT
 * sibling), its last-level cache, its NUMA node, then the other nodes by
 * hwloc distance (topology.h). Within a tier, the CPUs after the serving
 * one by number, wrapping around: neighbours fall back on different CPUs
 * rather than all on the tier's first. Pure functions of the topology.
 */

#include <glib.h>

#include "cpuset.h"
#include "topology.h"

/*
 * The tier of fallback CPU f for serving CPU c: 0 same core, 1 same cache,
 * 2 same node, 3 + the rank of f's node among the other nodes by distance
 * from c's; G_MAXUINT when either CPU is unknown to the topology (or the
 * topology is NULL).
 */
guint af_fallback_tier(const AfTopology *topology, guint c, guint f);
/*
 * The count CPUs of allowed nearest to cpu (cpu itself never), or all of
 * allowed but cpu when it has fewer; NULL when there is none (count 0,
 * nothing allowed but cpu).
 */
AfCpuSet *af_fallback_nearest(const AfTopology *topology, guint cpu, const AfCpuSet *allowed,
			      guint count);
/*
 * TRUE when an IRQ's present mask (current) is cpu plus as many CPUs of
 * allowed as nearest (af_fallback_nearest's answer) holds, none farther
 * than nearest's farthest: a mask that serves is not rewritten for a
 * neighbour's sake. FALSE for a NULL current or nearest.
 */
gboolean af_fallback_may_keep(const AfTopology *topology, guint cpu, const AfCpuSet *allowed,
			      const AfCpuSet *current, const AfCpuSet *nearest);
/*
 * The fallback CPUs of an IRQ on cpu: current's extra CPUs when
 * af_fallback_may_keep() says so, else af_fallback_nearest().
 */
AfCpuSet *af_fallback_choose(const AfTopology *topology, guint cpu, const AfCpuSet *allowed,
			     guint count, const AfCpuSet *current);
