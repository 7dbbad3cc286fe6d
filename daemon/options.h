/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfOptions: the command line, parsed once in main.c and read by every mode
 * (dry-run, oneshot, daemon).
 */

#include <glib.h>

#include "engine.h"

typedef enum {
	AF_MODE_DAEMON,  /* default: run until SIGTERM */
	AF_MODE_DRY_RUN, /* --dry-run: plan, print, write nothing */
	AF_MODE_ONESHOT, /* --oneshot: plan, apply once, exit */
} AfMode;

typedef struct AfOptions {
	AfMode mode;
	gboolean json;        /* --json (dry-run) */
	AfCpuSet *offline;    /* --offline CPULIST (dry-run): the advisor's CPUs, else NULL */
	gboolean strict;      /* --strict (--offline): exit 3 on a finding the offline causes */
	char *sysroot;        /* --sysroot DIR, default "/" */
	char *config;         /* --config FILE, default SYSCONFDIR/affinityd/affinityd.conf */
	gboolean config_given; /* --config was given: the file must exist */
	char *config_dropins; /* the drop-in directory: CONFIG".d" */
	char *state_dir;      /* --state-dir DIR; NULL: af_statedir_choose() decides */
	char *bus;            /* --bus ADDRESS for the D-Bus API, "none"; NULL: the system bus
				 on the live machine, none for a --sysroot tree */
	gboolean foreground;  /* --foreground: plain stderr logging even under the journal */
	gboolean debug;       /* --debug */
	AfEngineSetup engine; /* what every mode opens its engine with (borrows the above) */
} AfOptions;
