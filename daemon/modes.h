/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The three ways affinityd runs. Each returns the process exit status.
 */

#include "options.h"

/* --dry-run: read, plan, print the table or JSON; writes nothing. (dryrun.c) */
int af_mode_dry_run(const AfOptions *options);
/* --oneshot: plan and apply once; 0 when every movable IRQ is where the plan put it. (oneshot.c) */
int af_mode_oneshot(const AfOptions *options);
/* The daemon: event loop until SIGTERM/SIGINT. (daemon.c) */
int af_mode_daemon(const AfOptions *options);
