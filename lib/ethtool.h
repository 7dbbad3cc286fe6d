/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfEthtoolInfo: what ethtool says about one network interface: its driver,
 * its channels (ETHTOOL_GCHANNELS) and whether the ntuple-filters feature,
 * which aRFS needs, is on (ETHTOOL_GFEATURES). On the live machine the
 * answers come from SIOCETHTOOL ioctls on an AF_UNIX socket (the unit
 * allows AF_UNIX and AF_NETLINK only; the ioctl works on any socket); a
 * tree cannot answer ioctls, so affinityd-capture records them in a file
 * of the tree, AF_ETHTOOL_TREE_DIR/IFNAME, in the format of
 * af_ethtool_format(), which a tree's query reads back. Reading needs no
 * capability.
 */

#include <glib.h>

#include "sysroot.h"

/* Where a captured tree keeps the ethtool answers, one file per interface. */
#define AF_ETHTOOL_TREE_DIR "/affinityd-capture/ethtool"

typedef struct AfEthtoolChannels {
	guint32 rx, tx, other, combined;
	guint32 max_rx, max_tx, max_other, max_combined;
} AfEthtoolChannels;

typedef struct AfEthtoolInfo {
	char *driver;	       /* ETHTOOL_GDRVINFO's driver, NULL unknown */
	char *bus_info;	       /* its bus_info ("0000:00:03.0"), NULL unknown or empty */
	gboolean has_channels; /* FALSE: the driver does not report channels */
	AfEthtoolChannels channels;
	int ntuple; /* rx-ntuple-filter active: 1, 0, or -1 unknown */
} AfEthtoolInfo;

/*
 * Asks about ifname: the live machine's kernel when sysroot is live, else
 * the tree's recorded file. -ENODEV when the interface is gone, -ENOENT
 * when a tree has no answers recorded for it, -EINVAL for a file that does
 * not parse, another negative errno when the ioctl fails.
 */
int af_ethtool_query(AfSysroot *sysroot, const char *ifname, AfEthtoolInfo **ret_info);
/* Parses the recorded form; -EINVAL on a bad line. Unknown keys are skipped. */
int af_ethtool_parse(const char *text, AfEthtoolInfo **ret_info);
/* The recorded form: "key=value" lines (driver, bus_info, *_channels, ntuple). */
char *af_ethtool_format(const AfEthtoolInfo *info);
/* A deep copy; NULL gives NULL. */
AfEthtoolInfo *af_ethtool_info_copy(const AfEthtoolInfo *info);
/* Frees; accepts NULL. */
void af_ethtool_info_free(AfEthtoolInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfEthtoolInfo, af_ethtool_info_free)
/* "4 combined", "2 rx, 2 tx, 1 other": the channels in use, for reports; NULL when none. */
char *af_ethtool_describe_channels(const AfEthtoolInfo *info);
