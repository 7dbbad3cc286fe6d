/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Least privilege: once the sockets and the state directory are open, the
 * daemon keeps only the capabilities its writes need.
 */

/*
 * Drops every capability from the effective, permitted and inheritable
 * sets (not the bounding set: under systemd, CapabilityBoundingSet= does
 * that, and changing it needs CAP_SETPCAP): the writes of this version need
 * none. Returns 0, 1 when skipped (not root, or nothing held), or a
 * negative errno.
 */
int af_privileges_drop(void);
