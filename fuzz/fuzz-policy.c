/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The configuration files (affinityd.conf and its drop-ins, INI through
 * GKeyFile): af_policy_merge_data on any text. Properties: an error leaves
 * the policy unchanged and names the file; a text that merged merges
 * again onto the defaults to an equal policy (the parse is a function of
 * the text).
 */
#include "config.h"

#include "fuzz.h"
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char *text = fuzz_text(data, size);
	g_autoptr(AfPolicy) policy = af_policy_new();
	g_autoptr(AfPolicy) before = af_policy_copy(policy);
	g_autoptr(GError) error = NULL;

	if (af_policy_merge_data(policy, text, "fuzz.conf", &error) < 0) {
		fuzz_check(error != NULL);
		fuzz_check(g_str_has_prefix(error->message, "fuzz.conf"));
		fuzz_check(af_policy_equal(policy, before));
	} else {
		g_autoptr(AfPolicy) again = af_policy_new();

		fuzz_check(af_policy_merge_data(again, text, "fuzz.conf", NULL) == 0);
		fuzz_check(af_policy_equal(policy, again));
	}
	return 0;
}
