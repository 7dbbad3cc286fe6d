/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "defaultaffinity.h"

AfDefaultAffinity *af_default_affinity_new(void)
{
	AfDefaultAffinity *tracker = g_new0(AfDefaultAffinity, 1);

	tracker->banned = af_cpuset_new();
	return tracker;
}

void af_default_affinity_free(AfDefaultAffinity *tracker)
{
	if (!tracker)
		return;
	af_cpuset_free(tracker->last);
	af_cpuset_free(tracker->banned);
	g_free(tracker);
}

gboolean af_default_affinity_update(AfDefaultAffinity *tracker, const AfCpuSet *value,
				    const AfCpuSet *online, const AfCpuSet *others)
{
	g_autoptr(AfCpuSet) before = af_cpuset_copy(tracker->banned);

	if (!tracker->last) {
		g_autoptr(AfCpuSet) missing = af_cpuset_new_andnot(online, value);

		if (others)
			af_cpuset_andnot(missing, others);
		af_cpuset_assign(tracker->banned, missing);
		tracker->last = af_cpuset_copy(value);
	} else if (!af_cpuset_equal(tracker->last, value)) {
		g_autoptr(AfCpuSet) left = af_cpuset_new_andnot(tracker->last, value);
		g_autoptr(AfCpuSet) back = af_cpuset_new_andnot(value, tracker->last);

		af_cpuset_or(tracker->banned, left);
		af_cpuset_andnot(tracker->banned, back);
		af_cpuset_assign(tracker->last, value);
	}
	return !af_cpuset_equal(before, tracker->banned);
}

void af_default_affinity_note_written(AfDefaultAffinity *tracker, const AfCpuSet *value)
{
	af_cpuset_free(tracker->last);
	tracker->last = af_cpuset_copy(value);
}
