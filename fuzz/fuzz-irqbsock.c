/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A request on irqbalance's socket (irqbsock.h), from any local program
 * allowed to connect (tuned, intel-lpmd, irqbalance-ui): raw bytes, not
 * NUL-terminated. Properties: a request that parses has a known kind and
 * CPUs below AF_CPU_MAX only for "settings cpus"; those CPUs, written back
 * as "settings cpus LIST", parse to the same set; a refused request sets
 * nothing.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "irqbsock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy, so that reading past length is a sanitizer report. */
	g_autofree char *copy = g_malloc(size ? size : 1);
	g_autoptr(AfIrqbsockRequest) request = NULL;
	g_autoptr(AfIrqbsockRequest) again = NULL;
	g_autofree char *list = NULL;
	g_autofree char *written = NULL;
	int r;

	if (size)
		memcpy(copy, data, size);
	r = af_irqbsock_parse_request(copy, size, &request);
	if (r < 0) {
		fuzz_check(r == -EINVAL || r == -ERANGE);
		fuzz_check(!request);
		return 0;
	}
	fuzz_check(request);
	switch (request->kind) {
	case AF_IRQBSOCK_BAN_CPUS:
		break;
	case AF_IRQBSOCK_SETUP:
	case AF_IRQBSOCK_STATS:
	case AF_IRQBSOCK_IGNORED:
		fuzz_check(!request->cpus);
		return 0;
	}
	if (!request->cpus || af_cpuset_is_empty(request->cpus))
		return 0;
	fuzz_check(af_cpuset_last(request->cpus) < (int)AF_CPU_MAX);
	list = af_cpuset_format_list(request->cpus);
	written = g_strdup_printf("settings cpus %s", list);
	fuzz_check(af_irqbsock_parse_request(written, strlen(written), &again) == 0);
	fuzz_check(again->kind == AF_IRQBSOCK_BAN_CPUS && again->cpus);
	fuzz_check(af_cpuset_equal(request->cpus, again->cpus));
	return 0;
}
