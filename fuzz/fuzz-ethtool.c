/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ethtool answers a captured tree records (ethtool.h, written by
 * affinityd-capture, read back by every --sysroot run of a tree with
 * network interfaces). Property: what parsed formats to a text that
 * parses to the same format again.
 */
#include "config.h"

#include "ethtool.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char *text = fuzz_text(data, size);
	g_autoptr(AfEthtoolInfo) info = NULL;
	g_autoptr(AfEthtoolInfo) again = NULL;
	g_autofree char *formatted = NULL;
	g_autofree char *reformatted = NULL;

	if (af_ethtool_parse(text, &info) < 0)
		return 0;
	formatted = af_ethtool_format(info);
	fuzz_check(af_ethtool_parse(formatted, &again) == 0);
	reformatted = af_ethtool_format(again);
	fuzz_check(g_str_equal(formatted, reformatted));
	return 0;
}
