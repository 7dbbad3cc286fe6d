/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cpulists and hex masks (af_cpuset_parse_list, af_cpuset_parse_mask): what
 * every smp_affinity(_list), effective_affinity, cpu/online, isolated,
 * local_cpulist and config list goes through. Properties: a set that
 * parsed formats to text that parses back to the same set, in both forms.
 */
#include "config.h"

#include "cpuset.h"
#include "fuzz.h"

static void round_trip(const AfCpuSet *set)
{
	g_autofree char *list = af_cpuset_format_list(set);
	g_autoptr(AfCpuSet) again = NULL;
	int last = af_cpuset_last(set);

	fuzz_check(af_cpuset_parse_list(list, &again) == 0);
	fuzz_check(af_cpuset_equal(set, again));
	if (last >= 0) {
		g_autofree char *mask = af_cpuset_format_mask(set, (guint)last + 1);
		g_autoptr(AfCpuSet) from_mask = NULL;

		fuzz_check(af_cpuset_parse_mask(mask, &from_mask) == 0);
		fuzz_check(af_cpuset_equal(set, from_mask));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char *text = fuzz_text(data, size);
	g_autoptr(AfCpuSet) list = NULL;
	g_autoptr(AfCpuSet) mask = NULL;

	if (af_cpuset_parse_list(text, &list) == 0)
		round_trip(list);
	if (af_cpuset_parse_mask(text, &mask) == 0)
		round_trip(mask);
	return 0;
}
