/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfCpuSet: a set of CPU numbers below AF_CPU_MAX (the kernel's largest
 * NR_CPUS, 8192). Sets grow on demand, so a set of CPUs 0-3 costs one word.
 * Owns the two text forms the kernel uses: cpulists ("0-3,8") and hex masks
 * in comma-separated 32-bit groups ("00000000,0000000f").
 */

#include <glib.h>

#define AF_CPU_MAX 8192u

typedef struct AfCpuSet {
	guint n_words; /* allocated 64-bit words; bits beyond are zero */
	guint64 *words;
} AfCpuSet;

/* A new, empty set. Never NULL. */
AfCpuSet *af_cpuset_new(void);
/* A new set holding CPUs first..last (first <= last < AF_CPU_MAX). */
AfCpuSet *af_cpuset_new_range(guint first, guint last);
/* A deep copy; NULL gives NULL. */
AfCpuSet *af_cpuset_copy(const AfCpuSet *set);
/* Frees the set; accepts NULL. */
void af_cpuset_free(AfCpuSet *set);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfCpuSet, af_cpuset_free)

/* Adds one CPU (cpu < AF_CPU_MAX, a caller bug otherwise). */
void af_cpuset_add(AfCpuSet *set, guint cpu);
/* Adds CPUs first..last inclusive. */
void af_cpuset_add_range(AfCpuSet *set, guint first, guint last);
/* Removes one CPU; absent CPUs are fine. */
void af_cpuset_remove(AfCpuSet *set, guint cpu);
/* Empties the set. */
void af_cpuset_clear(AfCpuSet *set);
/* Makes dst equal to src. */
void af_cpuset_assign(AfCpuSet *dst, const AfCpuSet *src);
/* dst |= src, dst &= src, dst &= ~src. */
void af_cpuset_or(AfCpuSet *dst, const AfCpuSet *src);
void af_cpuset_and(AfCpuSet *dst, const AfCpuSet *src);
void af_cpuset_andnot(AfCpuSet *dst, const AfCpuSet *src);
/* New sets a & b, a & ~b, a | b. */
AfCpuSet *af_cpuset_new_and(const AfCpuSet *a, const AfCpuSet *b);
AfCpuSet *af_cpuset_new_andnot(const AfCpuSet *a, const AfCpuSet *b);
AfCpuSet *af_cpuset_new_or(const AfCpuSet *a, const AfCpuSet *b);

/* Membership and shape. NULL counts as the empty set in all of these. */
gboolean af_cpuset_contains(const AfCpuSet *set, guint cpu);
guint af_cpuset_count(const AfCpuSet *set);
gboolean af_cpuset_is_empty(const AfCpuSet *set);
gboolean af_cpuset_equal(const AfCpuSet *a, const AfCpuSet *b);
/* TRUE when every CPU of a is in b (the empty set is a subset of all). */
gboolean af_cpuset_is_subset(const AfCpuSet *a, const AfCpuSet *b);
gboolean af_cpuset_intersects(const AfCpuSet *a, const AfCpuSet *b);
/* Lowest CPU, or -1 when empty. */
int af_cpuset_first(const AfCpuSet *set);
/* Lowest CPU above prev, or -1. */
int af_cpuset_next(const AfCpuSet *set, int prev);
/* Highest CPU, or -1 when empty. */
int af_cpuset_last(const AfCpuSet *set);
/* The n-th CPU in ascending order (0-based), or -1. */
int af_cpuset_nth(const AfCpuSet *set, guint n);

#define AF_CPUSET_FOREACH(cpu, set) \
	for (int cpu = af_cpuset_first(set); cpu >= 0; cpu = af_cpuset_next(set, cpu))

/*
 * Parses a cpulist as the kernel's bitmap_parselist() does: "", "3",
 * "0-3,8", "0-15:2/4" (use 2 of every 4). Surrounding whitespace and a
 * trailing newline are allowed. Returns 0, -EINVAL on garbage or
 * -ERANGE for a CPU >= AF_CPU_MAX.
 */
int af_cpuset_parse_list(const char *text, AfCpuSet **ret_set);
/*
 * Parses a kernel hex mask: comma-separated groups of up to 8 hex digits,
 * most significant group first ("ff", "00000000,0000000f"). Returns 0,
 * -EINVAL on garbage or -ERANGE when a bit >= AF_CPU_MAX is set.
 */
int af_cpuset_parse_mask(const char *text, AfCpuSet **ret_set);
/* The cpulist form, "" for the empty set. */
char *af_cpuset_format_list(const AfCpuSet *set);
/*
 * The hex mask form, nr_cpu_ids bits wide as the kernel prints it
 * (nr_cpu_ids 8 -> "0f", 40 -> "00,0000000f"). Every CPU of the set must be
 * below nr_cpu_ids.
 */
char *af_cpuset_format_mask(const AfCpuSet *set, guint nr_cpu_ids);
