/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "report-steering.h"

/* Control characters (from sysfs names) become '?' on a terminal. */
static char *sanitize(const char *text)
{
	char *copy = g_strdup(text ? text : "");

	for (char *p = copy; *p; p++)
		if (g_ascii_iscntrl(*p))
			*p = '?';
	return copy;
}

static char *format_mask(const AfCpuSet *set)
{
	if (!set)
		return g_strdup("?");
	return af_cpuset_is_empty(set) ? g_strdup("(none)") : af_cpuset_format_list(set);
}

static char *format_value(gint64 value)
{
	return value < 0 ? g_strdup("?") : g_strdup_printf("%" G_GINT64_FORMAT, value);
}

static gboolean is_mask(AfSteerKind kind)
{
	switch (kind) {
	case AF_STEER_RPS:
	case AF_STEER_XPS:
	case AF_STEER_NAPI:
		return TRUE;
	case AF_STEER_FLOW_CNT:
	case AF_STEER_SOCK_FLOW:
		return FALSE;
	}
	return FALSE;
}

/* "0-7 -> 0-5", "0 -> 2048", "0-7 -> -" */
static char *format_change(const AfSteerEntry *e)
{
	g_autofree char *current = NULL, *planned = NULL;

	if (is_mask(e->kind)) {
		current = format_mask(e->current);
		planned = e->planned ? format_mask(e->planned) : g_strdup("-");
	} else {
		current = format_value(e->current_value);
		planned = e->planned_value >= 0 ? format_value(e->planned_value) : g_strdup("-");
	}
	return g_strdup_printf("%s -> %s", current, planned);
}

static char *describe_interface(const AfSteerInterface *iface)
{
	const AfNetif *netif = iface->netif;
	const AfEthtoolInfo *info = netif->ethtool;
	g_autofree char *channels = af_ethtool_describe_channels(info);
	GString *s = g_string_new(NULL);
	g_autofree char *name = sanitize(netif->name);

	g_string_append_printf(s, "%s (%s", name, info && info->driver ? info->driver : "driver ?");
	if (channels)
		g_string_append_printf(s, ", %s channels", channels);
	g_string_append_printf(s, ", ntuple %s",
			       !info || info->ntuple < 0 ? "?"
			       : info->ntuple		 ? "on"
							 : "off");
	if (netif->arfs)
		g_string_append(s, ", aRFS");
	if (netif->threaded == 1)
		g_string_append(s, ", threaded NAPI");
	g_string_append(s, ")");
	return g_string_free(s, FALSE);
}

typedef struct {
	char *cells[6]; /* WHAT, IRQ, KIND, CHANGE, ACTION, REASON */
} Row;

static void append_rows(GString *out, GPtrArray *rows, const char *indent)
{
	static const char *const titles[6] = {"QUEUE",	"IRQ",	 "KIND", "CURRENT -> PLANNED",
					      "ACTION", "REASON"};
	guint width[6];

	for (guint c = 0; c < 6; c++)
		width[c] = strlen(titles[c]);
	for (guint i = 0; i < rows->len; i++)
		for (guint c = 0; c < 6; c++)
			width[c] = MAX(width[c], (guint)strlen(((Row *)rows->pdata[i])->cells[c]));
	for (gint i = -1; i < (gint)rows->len; i++) {
		g_string_append(out, indent);
		for (guint c = 0; c < 6; c++) {
			const char *cell = i < 0 ? titles[c] : ((Row *)rows->pdata[i])->cells[c];

			g_string_append(out, cell);
			if (c == 5)
				break;
			for (guint k = strlen(cell); k < width[c] + 2; k++)
				g_string_append_c(out, ' ');
		}
		g_string_append_c(out, '\n');
	}
}

static void row_free(Row *row)
{
	for (guint c = 0; c < 6; c++)
		g_free(row->cells[c]);
	g_free(row);
}

static Row *make_row(const AfSteerEntry *e)
{
	Row *row = g_new0(Row, 1);

	row->cells[0] = sanitize(e->thread ? e->thread : e->queue ? e->queue : "-");
	row->cells[1] = e->irq >= 0 ? g_strdup_printf("%d", e->irq) : g_strdup("-");
	row->cells[2] = g_strdup(af_steering_kind_to_string(e->kind));
	row->cells[3] = format_change(e);
	row->cells[4] = g_strdup(af_plan_action_to_string(e->action));
	row->cells[5] = sanitize(e->reason);
	return row;
}

void af_report_append_steering(GString *out, const AfSteering *steering)
{
	g_autofree char *change = NULL;

	if (!steering || steering->interfaces->len == 0)
		return;
	g_string_append(out, "\nNetwork steering:\n");
	for (guint i = 0; i < steering->interfaces->len; i++) {
		const AfSteerInterface *iface = steering->interfaces->pdata[i];
		g_autoptr(GPtrArray) rows =
			g_ptr_array_new_with_free_func((GDestroyNotify)row_free);
		g_autofree char *title = describe_interface(iface);

		g_string_append_printf(out, "  %s\n", title);
		for (guint j = 0; j < iface->entries->len; j++)
			g_ptr_array_add(rows, make_row(iface->entries->pdata[j]));
		if (rows->len == 0)
			g_string_append(out, "    (no queues)\n");
		else
			append_rows(out, rows, "    ");
	}
	change = format_change(steering->sock_flow);
	g_string_append_printf(out, "  rps_sock_flow_entries  %s  %s  %s\n", change,
			       af_plan_action_to_string(steering->sock_flow->action),
			       steering->sock_flow->reason);
	g_string_append_printf(out, "  %u move, %u keep, %u skip\n", steering->n_move,
			       steering->n_keep, steering->n_skip);
}

/* JSON */

static void add_string_or_null(JsonBuilder *b, const char *member, const char *value)
{
	json_builder_set_member_name(b, member);
	if (value)
		json_builder_add_string_value(b, value);
	else
		json_builder_add_null_value(b);
}

static void add_int_or_null(JsonBuilder *b, const char *member, gint64 value)
{
	json_builder_set_member_name(b, member);
	if (value >= 0)
		json_builder_add_int_value(b, value);
	else
		json_builder_add_null_value(b);
}

static void add_mask_or_null(JsonBuilder *b, const char *member, const AfCpuSet *set)
{
	g_autofree char *list = set ? af_cpuset_format_list(set) : NULL;

	add_string_or_null(b, member, list);
}

/* current, planned, action, reason of one entry. */
static void add_decision(JsonBuilder *b, const AfSteerEntry *e)
{
	if (is_mask(e->kind)) {
		add_mask_or_null(b, "current", e->current);
		add_mask_or_null(b, "planned", e->planned);
	} else {
		add_int_or_null(b, "current", e->current_value);
		add_int_or_null(b, "planned", e->planned_value);
	}
	json_builder_set_member_name(b, "action");
	json_builder_add_string_value(b, af_plan_action_to_string(e->action));
	json_builder_set_member_name(b, "reason");
	json_builder_add_string_value(b, e->reason ? e->reason : "");
}

/* The rps_flow_cnt entry of a receive queue, or NULL. */
static const AfSteerEntry *flow_cnt_of(const AfSteerInterface *iface, const char *queue)
{
	for (guint i = 0; i < iface->entries->len; i++) {
		const AfSteerEntry *e = iface->entries->pdata[i];

		if (e->kind == AF_STEER_FLOW_CNT && g_strcmp0(e->queue, queue) == 0)
			return e;
	}
	return NULL;
}

static void add_queue(JsonBuilder *b, const AfSteerInterface *iface, const AfSteerEntry *e)
{
	const AfSteerEntry *flow = flow_cnt_of(iface, e->queue);

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "queue");
	json_builder_add_string_value(b, e->queue);
	add_int_or_null(b, "irq", e->irq);
	json_builder_set_member_name(b, "kind");
	json_builder_add_string_value(b, af_steering_kind_to_string(e->kind));
	add_decision(b, e);
	json_builder_set_member_name(b, "flow_cnt");
	if (flow) {
		json_builder_begin_object(b);
		add_decision(b, flow);
		json_builder_end_object(b);
	} else {
		json_builder_add_null_value(b);
	}
	json_builder_end_object(b);
}

static void add_napi(JsonBuilder *b, const AfSteerEntry *e)
{
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "thread");
	json_builder_add_string_value(b, e->thread);
	json_builder_set_member_name(b, "pid");
	json_builder_add_int_value(b, e->pid);
	add_string_or_null(b, "queue", e->queue);
	add_int_or_null(b, "irq", e->irq);
	add_decision(b, e);
	json_builder_end_object(b);
}

static void add_channels(JsonBuilder *b, const AfEthtoolInfo *info)
{
	const AfEthtoolChannels *ch = info ? &info->channels : NULL;

	json_builder_set_member_name(b, "channels");
	if (!ch || !info->has_channels) {
		json_builder_add_null_value(b);
		return;
	}
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "rx");
	json_builder_add_int_value(b, ch->rx);
	json_builder_set_member_name(b, "tx");
	json_builder_add_int_value(b, ch->tx);
	json_builder_set_member_name(b, "other");
	json_builder_add_int_value(b, ch->other);
	json_builder_set_member_name(b, "combined");
	json_builder_add_int_value(b, ch->combined);
	json_builder_end_object(b);
}

static void add_policy(JsonBuilder *b, const AfNetPolicy *p)
{
	json_builder_set_member_name(b, "policy");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "rps");
	json_builder_add_string_value(b, af_policy_rps_to_string(p->rps));
	json_builder_set_member_name(b, "xps");
	json_builder_add_string_value(b, af_policy_xps_to_string(p->xps));
	json_builder_set_member_name(b, "arfs_refresh");
	json_builder_add_string_value(b, af_policy_arfs_refresh_to_string(p->arfs_refresh));
	json_builder_set_member_name(b, "rfs_flow_entries");
	json_builder_add_int_value(b, p->rfs_flow_entries);
	json_builder_set_member_name(b, "napi_threads");
	json_builder_add_string_value(b, af_policy_napi_to_string(p->napi_threads));
	json_builder_end_object(b);
}

static void add_interface(JsonBuilder *b, const AfSteerInterface *iface)
{
	const AfNetif *netif = iface->netif;
	const AfEthtoolInfo *info = netif->ethtool;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "name");
	json_builder_add_string_value(b, netif->name);
	add_string_or_null(b, "driver", info ? info->driver : NULL);
	add_channels(b, info);
	json_builder_set_member_name(b, "ntuple");
	if (!info || info->ntuple < 0)
		json_builder_add_null_value(b);
	else
		json_builder_add_boolean_value(b, info->ntuple == 1);
	json_builder_set_member_name(b, "arfs");
	json_builder_add_boolean_value(b, netif->arfs);
	json_builder_set_member_name(b, "threaded");
	if (netif->threaded < 0)
		json_builder_add_null_value(b);
	else
		json_builder_add_boolean_value(b, netif->threaded == 1);
	add_policy(b, &iface->policy);
	json_builder_set_member_name(b, "queues");
	json_builder_begin_array(b);
	for (guint i = 0; i < iface->entries->len; i++) {
		const AfSteerEntry *e = iface->entries->pdata[i];

		if (e->kind == AF_STEER_RPS || e->kind == AF_STEER_XPS)
			add_queue(b, iface, e);
	}
	json_builder_end_array(b);
	json_builder_set_member_name(b, "napi");
	json_builder_begin_array(b);
	for (guint i = 0; i < iface->entries->len; i++) {
		const AfSteerEntry *e = iface->entries->pdata[i];

		if (e->kind == AF_STEER_NAPI)
			add_napi(b, e);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
}

void af_report_add_steering_json(JsonBuilder *b, const AfSteering *steering)
{
	json_builder_set_member_name(b, "interfaces");
	json_builder_begin_array(b);
	for (guint i = 0; steering && i < steering->interfaces->len; i++)
		add_interface(b, steering->interfaces->pdata[i]);
	json_builder_end_array(b);
	json_builder_set_member_name(b, "rps_sock_flow_entries");
	if (!steering) {
		json_builder_add_null_value(b);
		return;
	}
	json_builder_begin_object(b);
	add_decision(b, steering->sock_flow);
	json_builder_end_object(b);
}

void af_report_add_steering_summary(JsonBuilder *b, const AfSteering *steering)
{
	json_builder_set_member_name(b, "steering");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "move");
	json_builder_add_int_value(b, steering ? steering->n_move : 0);
	json_builder_set_member_name(b, "keep");
	json_builder_add_int_value(b, steering ? steering->n_keep : 0);
	json_builder_set_member_name(b, "skip");
	json_builder_add_int_value(b, steering ? steering->n_skip : 0);
	json_builder_end_object(b);
}
