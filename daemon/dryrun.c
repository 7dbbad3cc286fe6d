/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>

#include "modes.h"

/* Placeholder until this mode lands. */
int af_mode_dry_run(const AfOptions *options)
{
	fprintf(stderr, "affinityd: this mode is not built yet\n");
	return 1;
}
