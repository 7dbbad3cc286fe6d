/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The netdev family's NAPI_GET answers (napi.h): a buffer of netlink
 * messages from the kernel (first input byte odd), or the file
 * affinityd-capture records them in (even), which a tree's run reads back.
 * Properties: decoding returns 1, 0 or a negative errno, only appends, and
 * what it appends has irq >= -1 and pid >= 0 and is recorded by
 * af_napi_format() as a file that af_napi_parse() reads back to the same
 * NAPIs; a recorded file that parsed formats to a text that parses to the
 * same format again.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "napi.h"

/* The family ID and interface index the seeds' messages carry. */
#define FUZZ_NAPI_FAMILY 30
#define FUZZ_NAPI_IFINDEX 2

static void check_recorded(const GArray *infos)
{
	g_autofree char *formatted = af_napi_format(infos);
	g_autoptr(GArray) again = NULL;
	g_autofree char *reformatted = NULL;

	fuzz_check(af_napi_parse(formatted, &again) == 0);
	fuzz_check(again->len == infos->len);
	for (guint i = 0; i < infos->len; i++) {
		const AfNapiInfo *a = &g_array_index(infos, AfNapiInfo, i);
		const AfNapiInfo *b = &g_array_index(again, AfNapiInfo, i);

		fuzz_check(a->id == b->id && a->irq == b->irq && a->pid == b->pid);
	}
	reformatted = af_napi_format(again);
	fuzz_check(g_str_equal(formatted, reformatted));
}

static void check_decode(const uint8_t *data, size_t size)
{
	/* A malloc'd copy: aligned as a receive buffer, exact size for the sanitizers. */
	g_autofree void *buf = g_malloc(size ? size : 1);
	g_autoptr(GArray) infos = g_array_new(FALSE, FALSE, sizeof(AfNapiInfo));
	AfNapiInfo before = {.id = 7, .irq = 8, .pid = 9};
	int r;

	if (size)
		memcpy(buf, data, size);
	g_array_append_val(infos, before);
	r = af_napi_decode(buf, size, FUZZ_NAPI_FAMILY, FUZZ_NAPI_IFINDEX, infos);
	fuzz_check(r <= 1);
	fuzz_check(infos->len >= 1);
	fuzz_check(g_array_index(infos, AfNapiInfo, 0).id == 7);
	for (guint i = 0; i < infos->len; i++) {
		const AfNapiInfo *info = &g_array_index(infos, AfNapiInfo, i);

		fuzz_check(info->irq >= -1 && info->pid >= 0);
	}
	check_recorded(infos);
}

static void check_parse(const uint8_t *data, size_t size)
{
	g_autofree char *text = fuzz_text(data, size);
	g_autoptr(GArray) infos = NULL;

	if (af_napi_parse(text, &infos) < 0) {
		fuzz_check(!infos);
		return;
	}
	for (guint i = 0; i < infos->len; i++) {
		const AfNapiInfo *info = &g_array_index(infos, AfNapiInfo, i);

		fuzz_check(info->irq >= -1 && info->pid >= 0);
	}
	check_recorded(infos);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1)
		check_decode(data + 1, size - 1);
	else
		check_parse(data + 1, size - 1);
	return 0;
}
