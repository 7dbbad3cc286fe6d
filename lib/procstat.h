/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The "intr" line of /proc/stat: after the grand total, the interrupts each
 * IRQ number served since boot, summed over every CPU, for IRQ numbers 0 up
 * to nr_irqs - 1 ("intr 114930548 87 9 0 0 6 ..."). It costs O(IRQs) to
 * print and to parse where /proc/interrupts costs O(IRQs x CPUs) (1024 CPUs
 * x 8192 IRQs: 150 KB against 92 MB): the periodic scan takes per-IRQ
 * totals from here. A number without a descriptor prints 0; which IRQs
 * exist is not told here. Owns the parser and the streamed read.
 */

#include <glib.h>

#include "sysroot.h"

/*
 * Parses an "intr" line into totals (guint64 per IRQ number, index = IRQ).
 * -EINVAL when the line is not "intr" followed by decimal numbers (at least
 * the grand total).
 */
int af_procstat_parse_intr(const char *line, GArray **ret_totals);
/*
 * Reads /proc/stat under sysroot line by line up to its intr line and
 * parses it; the read's errno, -ENODATA without an intr line, -EINVAL when
 * it does not parse (*ret_line, may be NULL, says which line then).
 */
int af_procstat_read_intr(AfSysroot *sysroot, GArray **ret_totals, guint *ret_line);
