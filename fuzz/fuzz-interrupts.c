/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/interrupts: the one parser
 * (interrupts.h) gathered and streamed, and the periodic scan's reduction
 * (irqscan.h). The first byte picks nr_cpu_ids (0-255), the rest is the
 * text. Properties: the gathered rows and the scan agree on which IRQs
 * there are and on every IRQ's total; no IRQ appears twice.
 */
#include "config.h"

#include "fuzz.h"
#include "interrupts.h"
#include "irqscan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(AfInterrupts) interrupts = NULL;
	g_autoptr(AfIrqSample) sample = NULL;
	g_autoptr(AfIrqDelta) delta = NULL;
	g_autofree char *text = NULL;
	guint nr_cpu_ids;
	int r, r_scan;

	if (size < 1)
		return 0;
	nr_cpu_ids = data[0];
	text = fuzz_text(data + 1, size - 1);
	r = af_interrupts_parse(text, nr_cpu_ids, &interrupts);
	r_scan = af_irqscan_parse(text, &sample);
	fuzz_check((r == 0) == (r_scan == 0));
	if (r == 0) {
		fuzz_check(sample->irqs->len == interrupts->rows->len);
		for (guint i = 1; i < sample->irqs->len; i++)
			fuzz_check(g_array_index(sample->irqs, AfIrqCount, i - 1).irq <
				   g_array_index(sample->irqs, AfIrqCount, i).irq);
		delta = af_irqscan_diff(sample, sample);
		fuzz_check(!af_irqscan_delta_changed_set(delta));
	}
	return 0;
}
