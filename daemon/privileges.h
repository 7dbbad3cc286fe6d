/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Least privilege: once the sockets and the state directory are open, the
 * daemon keeps only the capabilities its writes need: none, or
 * CAP_NET_ADMIN when the configured steering writes rps_cpus, xps_cpus or
 * rps_flow_cnt (af_policy_network_writes_queues).
 */

/*
 * Drops every capability from the effective, permitted and inheritable
 * sets but CAP_NET_ADMIN (effective and permitted) when keep_net_admin
 * (not the bounding set: under systemd, CapabilityBoundingSet= does that,
 * and changing it needs CAP_SETPCAP). Returns 0, 1 when skipped (not root,
 * or nothing to drop), or a negative errno; -EPERM when keep_net_admin but
 * the process does not hold it.
 */
int af_privileges_drop(gboolean keep_net_admin);
