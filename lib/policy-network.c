/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "policy-private.h"
#include "rmapfix.h"

/*
 * The network steering part of the policy: [network] and any number of
 * [interface:GLOB] sections with the same keys but arfs_fixed_in, which is
 * machine-wide. A key an [interface:GLOB] section leaves out is [network]'s.
 */

typedef enum {
	NET_KEY_RPS,
	NET_KEY_XPS,
	NET_KEY_ARFS_REFRESH,
	NET_KEY_RFS_FLOW_ENTRIES,
	NET_KEY_NAPI_THREADS,
	NET_KEY_ARFS_FIXED_IN, /* [network] only */
	N_NET_KEYS,
} NetKey;

static const char *const net_key_names[N_NET_KEYS] = {
	"rps", "xps", "arfs_refresh", "rfs_flow_entries", "napi_threads", "arfs_fixed_in",
};

static const char *const rps_names[] = {"strip-isolated", "cache", "off"};
static const char *const xps_names[] = {"follow", "off"};
static const char *const arfs_names[] = {"auto", "on", "off"};
static const char *const napi_names[] = {"follow", "off"};

static gboolean is_interface_group(const char *group)
{
	return g_str_has_prefix(group, AF_POLICY_INTERFACE_PREFIX);
}

gboolean af_policy_network_is_group(const char *group)
{
	return g_str_equal(group, "network") || is_interface_group(group);
}

static int find_key(const char *group, const char *key)
{
	for (int k = 0; k < N_NET_KEYS; k++) {
		if (k == NET_KEY_ARFS_FIXED_IN && is_interface_group(group))
			continue;
		if (g_str_equal(net_key_names[k], key))
			return k;
	}
	return -1;
}

gboolean af_policy_network_is_key(const char *group, const char *key)
{
	return find_key(group, key) >= 0;
}

char *af_policy_network_list_keys(const char *group)
{
	GString *s = g_string_new(NULL);

	for (int k = 0; k < N_NET_KEYS; k++) {
		if (k == NET_KEY_ARFS_FIXED_IN && is_interface_group(group))
			continue;
		g_string_append_printf(s, "%s%s", s->len ? ", " : "", net_key_names[k]);
	}
	return g_string_free(s, FALSE);
}

static int fail(GError **error, const char *origin, guint line, const char *format, ...)
	G_GNUC_PRINTF(4, 5);
static int fail(GError **error, const char *origin, guint line, const char *format, ...)
{
	g_autofree char *reason = NULL;
	va_list args;

	va_start(args, format);
	reason = g_strdup_vprintf(format, args);
	va_end(args);
	g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE, "%s:%u: %s", origin,
		    line, reason);
	return -EINVAL;
}

/* The index of value in names, or -1. */
static int lookup_name(const char *const *names, guint n_names, const char *value)
{
	for (guint i = 0; i < n_names; i++)
		if (g_str_equal(names[i], value))
			return (int)i;
	return -1;
}

static char *join_names(const char *const *names, guint n_names)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < n_names; i++)
		g_string_append_printf(s, "%s%s", i ? ", " : "", names[i]);
	return g_string_free(s, FALSE);
}

static int parse_choice(const char *key, const char *value, const char *const *names, guint n_names,
			const char *origin, guint line, int *ret, GError **error)
{
	int choice = lookup_name(names, n_names, value);
	g_autofree char *valid = NULL;

	if (choice < 0) {
		valid = join_names(names, n_names);
		return fail(error, origin, line, "%s: '%s' is not one of %s", key, value, valid);
	}
	*ret = choice;
	return 0;
}

/* Parses one value into net (the key of NetKey k). */
static int parse_value(NetKey k, const char *value, const char *origin, guint line,
		       AfNetPolicy *net, GError **error)
{
	const char *key = net_key_names[k];
	guint64 n;
	int choice = 0, r = 0;

	switch (k) {
	case NET_KEY_RPS:
		r = parse_choice(key, value, rps_names, G_N_ELEMENTS(rps_names), origin, line,
				 &choice, error);
		net->rps = (AfRpsMode)choice;
		break;
	case NET_KEY_XPS:
		r = parse_choice(key, value, xps_names, G_N_ELEMENTS(xps_names), origin, line,
				 &choice, error);
		net->xps = (AfXpsMode)choice;
		break;
	case NET_KEY_ARFS_REFRESH:
		r = parse_choice(key, value, arfs_names, G_N_ELEMENTS(arfs_names), origin, line,
				 &choice, error);
		net->arfs_refresh = (AfArfsRefresh)choice;
		break;
	case NET_KEY_NAPI_THREADS:
		r = parse_choice(key, value, napi_names, G_N_ELEMENTS(napi_names), origin, line,
				 &choice, error);
		net->napi_threads = (AfNapiMode)choice;
		break;
	case NET_KEY_RFS_FLOW_ENTRIES:
		if (!g_ascii_string_to_unsigned(value, 10, 0, AF_POLICY_MAX_RFS_FLOW_ENTRIES, &n,
						NULL))
			return fail(error, origin, line, "%s: '%s' is not a number in 0..%u", key,
				    value, AF_POLICY_MAX_RFS_FLOW_ENTRIES);
		net->rfs_flow_entries = (guint)n;
		break;
	case NET_KEY_ARFS_FIXED_IN:
	case N_NET_KEYS:
		g_assert_not_reached(); /* handled by the caller */
	}
	return r;
}

static AfInterfacePolicy *find_interface(AfPolicy *policy, const char *glob)
{
	AfInterfacePolicy *ip;

	for (guint i = 0; i < policy->interfaces->len; i++) {
		ip = policy->interfaces->pdata[i];
		if (g_str_equal(ip->glob, glob))
			return ip;
	}
	ip = g_new0(AfInterfacePolicy, 1);
	ip->glob = g_strdup(glob);
	g_ptr_array_add(policy->interfaces, ip);
	return ip;
}

int af_policy_network_apply(AfPolicy *policy, const char *group, const char *key, const char *value,
			    const char *origin, guint line, GError **error)
{
	int k = find_key(group, key);
	g_autoptr(GArray) table = NULL;
	AfInterfacePolicy *ip;
	AfNetPolicy net;
	int r;

	g_assert(k >= 0); /* the parser let no other key in */
	if (k == NET_KEY_ARFS_FIXED_IN) {
		if (af_rmapfix_parse_table(value, &table) < 0)
			return fail(error, origin, line,
				    "%s: '%s' is not a list of kernel releases such as "
				    "7.0,6.19.5,6.18.16",
				    key, value);
		g_free(policy->arfs_fixed_in);
		policy->arfs_fixed_in = g_strdup(value);
		return 0;
	}
	if (!is_interface_group(group))
		return parse_value((NetKey)k, value, origin, line, &policy->network, error);
	if (!group[strlen(AF_POLICY_INTERFACE_PREFIX)])
		return fail(error, origin, line, "[%s] needs a name pattern: [interface:GLOB]",
			    group);
	/* Parse first: a bad value leaves no half-made section behind. */
	net = policy->network;
	r = parse_value((NetKey)k, value, origin, line, &net, error);
	if (r < 0)
		return r;
	ip = find_interface(policy, group + strlen(AF_POLICY_INTERFACE_PREFIX));
	ip->set |= 1u << k;
	switch ((NetKey)k) {
	case NET_KEY_RPS:
		ip->values.rps = net.rps;
		break;
	case NET_KEY_XPS:
		ip->values.xps = net.xps;
		break;
	case NET_KEY_ARFS_REFRESH:
		ip->values.arfs_refresh = net.arfs_refresh;
		break;
	case NET_KEY_RFS_FLOW_ENTRIES:
		ip->values.rfs_flow_entries = net.rfs_flow_entries;
		break;
	case NET_KEY_NAPI_THREADS:
		ip->values.napi_threads = net.napi_threads;
		break;
	case NET_KEY_ARFS_FIXED_IN:
	case N_NET_KEYS:
		g_assert_not_reached();
	}
	return 0;
}

void af_policy_network_for(const AfPolicy *policy, const char *ifname, AfNetPolicy *ret_net)
{
	*ret_net = policy->network;
	for (guint i = 0; ifname && policy->interfaces && i < policy->interfaces->len; i++) {
		const AfInterfacePolicy *ip = policy->interfaces->pdata[i];

		if (!g_pattern_match_simple(ip->glob, ifname))
			continue;
		if (ip->set & (1u << NET_KEY_RPS))
			ret_net->rps = ip->values.rps;
		if (ip->set & (1u << NET_KEY_XPS))
			ret_net->xps = ip->values.xps;
		if (ip->set & (1u << NET_KEY_ARFS_REFRESH))
			ret_net->arfs_refresh = ip->values.arfs_refresh;
		if (ip->set & (1u << NET_KEY_RFS_FLOW_ENTRIES))
			ret_net->rfs_flow_entries = ip->values.rfs_flow_entries;
		if (ip->set & (1u << NET_KEY_NAPI_THREADS))
			ret_net->napi_threads = ip->values.napi_threads;
	}
}

static gboolean net_writes_queues(const AfNetPolicy *net)
{
	return net->rps != AF_RPS_OFF || net->xps != AF_XPS_OFF || net->rfs_flow_entries > 0;
}

gboolean af_policy_network_writes_queues(const AfPolicy *policy)
{
	if (net_writes_queues(&policy->network))
		return TRUE;
	/* A section may turn on for some interfaces what [network] turns off. */
	for (guint i = 0; i < policy->interfaces->len; i++) {
		const AfInterfacePolicy *ip = policy->interfaces->pdata[i];
		AfNetPolicy net = policy->network;

		if (ip->set & (1u << NET_KEY_RPS))
			net.rps = ip->values.rps;
		if (ip->set & (1u << NET_KEY_XPS))
			net.xps = ip->values.xps;
		if (ip->set & (1u << NET_KEY_RFS_FLOW_ENTRIES))
			net.rfs_flow_entries = ip->values.rfs_flow_entries;
		if (net_writes_queues(&net))
			return TRUE;
	}
	return FALSE;
}

const char *af_policy_rps_to_string(AfRpsMode mode)
{
	return (guint)mode < G_N_ELEMENTS(rps_names) ? rps_names[mode] : "?";
}

const char *af_policy_xps_to_string(AfXpsMode mode)
{
	return (guint)mode < G_N_ELEMENTS(xps_names) ? xps_names[mode] : "?";
}

const char *af_policy_arfs_refresh_to_string(AfArfsRefresh mode)
{
	return (guint)mode < G_N_ELEMENTS(arfs_names) ? arfs_names[mode] : "?";
}

const char *af_policy_napi_to_string(AfNapiMode mode)
{
	return (guint)mode < G_N_ELEMENTS(napi_names) ? napi_names[mode] : "?";
}

static void interface_free(AfInterfacePolicy *ip)
{
	if (!ip)
		return;
	g_free(ip->glob);
	g_free(ip);
}

void af_policy_network_init(AfPolicy *policy)
{
	policy->network = (AfNetPolicy){
		.rps = AF_RPS_STRIP_ISOLATED,
		.xps = AF_XPS_FOLLOW,
		.arfs_refresh = AF_ARFS_REFRESH_AUTO,
		.rfs_flow_entries = AF_DEFAULT_RFS_FLOW_ENTRIES,
		.napi_threads = AF_NAPI_FOLLOW,
	};
	policy->interfaces = g_ptr_array_new_with_free_func((GDestroyNotify)interface_free);
	policy->arfs_fixed_in = NULL;
}

void af_policy_network_copy(AfPolicy *dst, const AfPolicy *src)
{
	dst->network = src->network;
	dst->arfs_fixed_in = g_strdup(src->arfs_fixed_in);
	dst->interfaces = g_ptr_array_new_with_free_func((GDestroyNotify)interface_free);
	for (guint i = 0; i < src->interfaces->len; i++) {
		const AfInterfacePolicy *ip = src->interfaces->pdata[i];
		AfInterfacePolicy *copy = g_new0(AfInterfacePolicy, 1);

		*copy = *ip;
		copy->glob = g_strdup(ip->glob);
		g_ptr_array_add(dst->interfaces, copy);
	}
}

static gboolean net_equal(const AfNetPolicy *a, const AfNetPolicy *b, guint set)
{
	return (!(set & (1u << NET_KEY_RPS)) || a->rps == b->rps) &&
	       (!(set & (1u << NET_KEY_XPS)) || a->xps == b->xps) &&
	       (!(set & (1u << NET_KEY_ARFS_REFRESH)) || a->arfs_refresh == b->arfs_refresh) &&
	       (!(set & (1u << NET_KEY_RFS_FLOW_ENTRIES)) ||
		a->rfs_flow_entries == b->rfs_flow_entries) &&
	       (!(set & (1u << NET_KEY_NAPI_THREADS)) || a->napi_threads == b->napi_threads);
}

gboolean af_policy_network_equal(const AfPolicy *a, const AfPolicy *b)
{
	if (!net_equal(&a->network, &b->network, G_MAXUINT) ||
	    g_strcmp0(a->arfs_fixed_in, b->arfs_fixed_in) != 0 ||
	    a->interfaces->len != b->interfaces->len)
		return FALSE;
	for (guint i = 0; i < a->interfaces->len; i++) {
		const AfInterfacePolicy *x = a->interfaces->pdata[i], *y = b->interfaces->pdata[i];

		if (!g_str_equal(x->glob, y->glob) || x->set != y->set ||
		    !net_equal(&x->values, &y->values, x->set))
			return FALSE;
	}
	return TRUE;
}

void af_policy_network_clear(AfPolicy *policy)
{
	g_clear_pointer(&policy->interfaces, g_ptr_array_unref);
	g_clear_pointer(&policy->arfs_fixed_in, g_free);
}
