/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * irqbalance's environment file (/etc/sysconfig/irqbalance,
 * /etc/default/irqbalance), where CRI-O and tuned write the CPUs that must
 * serve no IRQ before they restart irqbalance. Two variables ban CPUs:
 *   IRQBALANCE_BANNED_CPULIST  a cpulist ("4-7,12")
 *   IRQBALANCE_BANNED_CPUS     a hex mask in comma-separated 32-bit groups,
 *                              most significant first ("fc0",
 *                              "ff000000,00000001"), as CRI-O writes it
 * The file is read the way systemd's EnvironmentFile= and a shell's "."
 * read it: KEY=VALUE lines with an optional "export ", blank lines and
 * lines starting with '#' or ';', values bare, in 'single' or "double"
 * quotes (backslash escapes \" \\ \$ \` inside double quotes, any character
 * outside quotes), parts concatenated ("0-3"',8'), a quoted value running
 * over lines, a backslash at the end of a line joining the next, and a '#'
 * after a blank outside quotes starting a comment. The last assignment of a
 * variable in the file counts. irqbalance itself takes IRQBALANCE_BANNED_CPUS
 * alone when both are set; affinityd bans the union, so that no ban is ever
 * dropped. Pure: text in, CPUs out.
 */

#include <glib.h>

#include "cpuset.h"

#define AF_IRQBALANCE_ENV_CPULIST "IRQBALANCE_BANNED_CPULIST"
#define AF_IRQBALANCE_ENV_CPUS "IRQBALANCE_BANNED_CPUS"

/*
 * Adds the CPUs text bans to banned. A value that does not parse bans
 * nothing and adds "ORIGIN:LINE: ..." to warnings; so does a quote that is
 * never closed. Never fails.
 */
void af_irqbalance_env_parse(const char *text, const char *origin, AfCpuSet *banned,
			     GPtrArray *warnings);
