/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/cmdline's isolation flags (isolcpus=, nohz_full=, irqaffinity=): af_cmdline_parse never
 * fails, whatever the text. The first byte picks nr_cpu_ids (0-255). Properties: no CPU at or above
 * nr_cpu_ids (when known) in any set it returns.
 */
#include "config.h"

#include "cmdline.h"
#include "fuzz.h"

static void check_below(const AfCpuSet *set, guint nr_cpu_ids)
{
	if (set && nr_cpu_ids > 0)
		fuzz_check(af_cpuset_last(set) < (int)nr_cpu_ids);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(AfCmdline) cmdline = NULL;
	g_autofree char *text = NULL;
	guint nr_cpu_ids;

	if (size < 1)
		return 0;
	nr_cpu_ids = data[0];
	text = fuzz_text(data + 1, size - 1);
	cmdline = af_cmdline_parse(text, nr_cpu_ids);
	fuzz_check(cmdline != NULL);
	check_below(cmdline->isolcpus_domain, nr_cpu_ids);
	check_below(cmdline->isolcpus_managed_irq, nr_cpu_ids);
	check_below(cmdline->isolcpus_io_queue, nr_cpu_ids);
	check_below(cmdline->nohz_full, nr_cpu_ids);
	check_below(cmdline->irqaffinity, nr_cpu_ids);
	return 0;
}
