/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The small kernel files and names the inventory reads: debugfs irqs/N
 * (dstate flags), the kernel release, IRQ action names (queue names:
 * "eth0-rx-3", "mlx5_comp7@pci:...", "virtio2-request"); and those of
 * network steering: the kernel release as the aRFS rmap check reads it,
 * its table of fixed releases (arfs_fixed_releases=), NAPI kthread names
 * ("napi/eth0-8193"). The first byte picks which. Properties: a queue
 * name's owner, when it has one, is a piece of the name; a table that
 * parsed has an entry; a NAPI name that parsed names the interface.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "managed.h"
#include "netif.h"
#include "queuename.h"
#include "rmapfix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char *text = NULL;
	g_autoptr(AfQueueName) q = NULL;
	g_autoptr(GArray) table = NULL;
	AfKernelVersion version;
	guint napi;

	if (size < 1)
		return 0;
	text = fuzz_text(data + 1, size - 1);
	switch (data[0] % 6) {
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
	case 3:
		(void)af_rmapfix_parse_release(text, &version);
		break;
	case 4:
		if (af_rmapfix_parse_table(text, &table) == 0)
			fuzz_check(table->len > 0);
		break;
	case 5:
		if (af_netif_parse_napi_comm(text, "eth0", &napi))
			fuzz_check(strstr(text, "eth0") != NULL);
		break;
	}
	return 0;
}
