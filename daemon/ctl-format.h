/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * What affinityctl prints: the answers of the D-Bus API (daemon/dbus.c) as
 * an operator reads them. Text in, text out; every line ends in '\n'.
 */

#include <glib.h>

/*
 * The plan (GetPlan's JSON, DESIGN.md's schema) as a table: one row per IRQ
 * (IRQ, NAME, ACTION, CURRENT, PLANNED, REASON), then the CPU sets, the
 * isolation sources, the warnings and the summary. NULL with error (G_IO_ERROR)
 * when json is not such a document.
 */
char *af_ctl_format_plan(const char *json, GError **error);
/*
 * status: version, the CPU sets, the isolation sources (a{ss}, sorted by
 * name) and the bans. properties is GetAll's a{sv}, bans ListBans' a(ss).
 */
char *af_ctl_format_status(GVariant *properties, GVariant *bans);
/* The bans, "OWNER  CPUS" under a header, or a line saying there are none. */
char *af_ctl_format_bans(GVariant *bans);
