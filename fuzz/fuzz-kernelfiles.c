/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The small kernel files and names the inventory reads: debugfs irqs/N
 * (dstate flags), the kernel release, IRQ action names (queue names:
 * "eth0-rx-3", "mlx5_comp7@pci:...", "virtio2-request"). The first byte
 * picks which. Properties: a queue name's owner, when it has one, is a
 * piece of the name.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "managed.h"
#include "queuename.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char *text = NULL;
	g_autoptr(AfQueueName) q = NULL;

	if (size < 1)
		return 0;
	text = fuzz_text(data + 1, size - 1);
	switch (data[0] % 3) {
	case 0:
		(void)af_managed_parse_debugfs(text);
		break;
	case 1:
		(void)af_managed_release_has_readonly_mode(text);
		break;
	case 2:
		if (af_queuename_parse(text, &q) == 0 && q->owner)
			fuzz_check(strstr(text, q->owner) != NULL);
		break;
	}
	return 0;
}
