/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * What the policy's files share with its [network] and [interface:GLOB]
 * sections (policy-network.c): the parser (policy-parse.c) asks whether a
 * group or key is theirs and hands their values over; the value functions
 * (policy.c) initialise, copy, compare and free them. Not for use outside
 * the policy.
 */

#include <glib.h>

#include "policy.h"

#define AF_POLICY_INTERFACE_PREFIX "interface:"

/* TRUE for "network" and "interface:GLOB". */
gboolean af_policy_network_is_group(const char *group);
/* TRUE when key belongs to that group (one of af_policy_network_is_group's). */
gboolean af_policy_network_is_key(const char *group, const char *key);
/* The keys of that group, ", "-separated, for error messages. */
char *af_policy_network_list_keys(const char *group);
/*
 * Applies one key of a [network] or [interface:GLOB] section (value
 * unescaped and trimmed). On error: -EINVAL and "ORIGIN:LINE: reason".
 */
int af_policy_network_apply(AfPolicy *policy, const char *group, const char *key, const char *value,
			    const char *origin, guint line, GError **error);

/* The defaults; copies into dst (deep), compares, frees (policy.c's value functions). */
void af_policy_network_init(AfPolicy *policy);
void af_policy_network_copy(AfPolicy *dst, const AfPolicy *src);
gboolean af_policy_network_equal(const AfPolicy *a, const AfPolicy *b);
void af_policy_network_clear(AfPolicy *policy);
