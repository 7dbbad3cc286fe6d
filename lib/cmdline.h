/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfCmdline: the kernel command line parameters that concern IRQ placement,
 * parsed from /proc/cmdline text. isolcpus= may appear several times with
 * different flags ("isolcpus=domain,2-7 isolcpus=managed_irq,1-3"); flags
 * nohz and others are recognised and ignored; no flag means domain. A value
 * that does not parse is kept as a warning, never an error. Pure text in,
 * structure out.
 */

#include <glib.h>

#include "cpuset.h"

typedef struct AfCmdline {
	AfCpuSet *isolcpus_domain;      /* NULL when absent */
	AfCpuSet *isolcpus_managed_irq; /* NULL when absent */
	AfCpuSet *isolcpus_io_queue;    /* NULL when absent */
	AfCpuSet *nohz_full;            /* NULL when absent */
	AfCpuSet *irqaffinity;          /* NULL when absent: CPUs allowed by default */
	GPtrArray *warnings;            /* char*: parameters that did not parse */
} AfCmdline;

/*
 * Parses the text of /proc/cmdline. Only CPUs below nr_cpu_ids count
 * (the kernel drops the rest, and "N" in a list means nr_cpu_ids - 1).
 * Never fails: unknown or broken parameters become warnings.
 * Kernel rules kept: '-' equals '_' in names; quotes group ("a=\"b c\"");
 * "--" ends the kernel's parameters; isolcpus=nohz,LIST sets no domain;
 * an unknown flag word is skipped, a flag with other characters voids the
 * parameter; a list holding every CPU loses the boot CPU 0; irqaffinity=
 * always holds CPU 0 and a later one replaces an earlier one. Repeated
 * isolcpus=/nohz_full= for one flag are united (the kernel keeps the
 * first; a warning says so). nr_cpu_ids 0 means unknown: nothing is
 * dropped and "N" cannot be resolved.
 */
AfCmdline *af_cmdline_parse(const char *text, guint nr_cpu_ids);
/* Frees; accepts NULL. */
void af_cmdline_free(AfCmdline *cmdline);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfCmdline, af_cmdline_free)
