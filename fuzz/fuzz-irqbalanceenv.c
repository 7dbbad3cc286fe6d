/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * irqbalance's environment file (irqbalanceenv.h), which CRI-O, tuned or a
 * human writes. Properties: every ban is below AF_CPU_MAX; every warning
 * names the origin; parsing adds to the set (never removes); the bans,
 * written back as one IRQBALANCE_BANNED_CPULIST line, parse to the same
 * CPUs without a warning.
 */
#include "config.h"

#include "fuzz.h"
#include "irqbalanceenv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char *text = fuzz_text(data, size);
	g_autoptr(AfCpuSet) banned = af_cpuset_new();
	g_autoptr(AfCpuSet) again = af_cpuset_new();
	g_autoptr(AfCpuSet) preset = af_cpuset_new_range(1, 1);
	g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) warnings_again = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *list = NULL;
	g_autofree char *written = NULL;

	af_irqbalance_env_parse(text, "env", banned, warnings);
	fuzz_check(af_cpuset_last(banned) < (int)AF_CPU_MAX);
	for (guint i = 0; i < warnings->len; i++)
		fuzz_check(g_str_has_prefix(g_ptr_array_index(warnings, i), "env:"));

	af_irqbalance_env_parse(text, "env", preset, warnings_again);
	g_ptr_array_set_size(warnings_again, 0);
	fuzz_check(af_cpuset_contains(preset, 1) && af_cpuset_is_subset(banned, preset));

	list = af_cpuset_format_list(banned);
	written = g_strdup_printf("%s=%s\n", AF_IRQBALANCE_ENV_CPULIST, list);
	af_irqbalance_env_parse(written, "env", again, warnings_again);
	fuzz_check(warnings_again->len == 0);
	fuzz_check(af_cpuset_equal(banned, again));
	return 0;
}
