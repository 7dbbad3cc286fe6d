/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <cap-ng.h>
#include <errno.h>
#include <linux/capability.h>
#include <unistd.h>

#include <glib.h>

#include "privileges.h"

/*
 * What the writes need, checked against the kernel:
 *
 * - /proc/irq/N/smp_affinity(_list): kernel/irq/proc.c write_irq_affinity()
 *   makes no capable() check; the files are 0644 and owned by root, so uid
 *   0's ordinary DAC permission is enough. No capability. (From 6.12 the
 *   files of unmovable IRQs are 0444: without CAP_DAC_OVERRIDE the open
 *   fails with EACCES instead of the write failing with EPERM; both mean
 *   "unmovable".)
 * - /sys/class/net/DEV/queues/rx-N/rps_cpus, rps_flow_cnt and tx-N/xps_cpus,
 *   xps_rxqs: net/core/net-sysfs.c stores check capable(CAP_NET_ADMIN) on
 *   top of the 0644 root mode: kept when the configured steering writes
 *   them (rps or xps not off, or RFS tables asked for).
 * - /proc/sys/net/core/rps_sock_flow_entries: 0644 root; DAC only.
 * - sched_setaffinity() of a napi/IF-ID kthread: the thread is root's, so
 *   the same-owner check passes without CAP_SYS_NICE.
 * - ethtool SIOCETHTOOL: reading features and channels needs nothing;
 *   setting them needs CAP_NET_ADMIN (we only read).
 * - The udev monitor (NETLINK_KOBJECT_UEVENT), the rtnetlink RTNLGRP_LINK
 *   subscription and inotify need nothing once bound (the udev socket's
 *   larger receive buffer, SO_RCVBUFFORCE, wants CAP_NET_ADMIN: it is set
 *   before the drop).
 * - The state directory is root's (StateDirectory=): DAC only.
 *
 * So at most CAP_NET_ADMIN stays, in the effective and permitted sets.
 */
static gboolean holds_any(void)
{
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++) {
		if (capng_have_capability(CAPNG_EFFECTIVE, cap) ||
		    capng_have_capability(CAPNG_PERMITTED, cap) ||
		    capng_have_capability(CAPNG_INHERITABLE, cap))
			return TRUE;
	}
	return FALSE;
}

int af_privileges_drop(gboolean keep_net_admin)
{
	int r;

	if (geteuid() != 0)
		return 1;
	if (capng_get_caps_process() < 0)
		return -EIO;
	if (keep_net_admin && !capng_have_capability(CAPNG_PERMITTED, CAP_NET_ADMIN))
		return -EPERM;
	if (!holds_any())
		return 1; /* nothing to drop: no capset call */
	capng_clear(CAPNG_SELECT_CAPS);
	if (keep_net_admin &&
	    capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, CAP_NET_ADMIN) < 0)
		return -EIO;
	/* CAPNG_SELECT_CAPS only: the bounding set belongs to systemd's
	 * CapabilityBoundingSet=, and changing it would need CAP_SETPCAP. */
	r = capng_apply(CAPNG_SELECT_CAPS);
	if (r < 0)
		return -EPERM;
	return 0;
}
