/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * What every fuzz target shares: the libFuzzer entry point each defines,
 * and the input as a NUL-terminated string (the parsers take text; a NUL
 * inside the input ends it there, as it would end a C string read from a
 * file). A target finds a bug by crashing, by a sanitizer report or by
 * fuzz_check() failing: a property that must hold for every input.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* data as a new NUL-terminated string. */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	return g_strndup((const char *)data, size);
}

/* Aborts (a crash libFuzzer records) when a property does not hold. */
#define fuzz_check(cond)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__,        \
				#cond);                                                            \
			abort();                                                                   \
		}                                                                                  \
	} while (0)
