/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <unistd.h>

#include "context.h"
#include "dbus-api.h"
#include "explain.h"
#include "report.h"

/*
 * The D-Bus API: org.affinityd1 at /org/affinityd1, interface
 * org.affinityd1.Manager, on a private connection to the system bus (or
 * --bus ADDRESS). GetPlan and Explain ask for a replan (a fresh look, as
 * the daemon acts on it: what the last plan moved is shown in place, and
 * drift found is repaired as the scan would) and answer from its plan.
 * The methods that change anything (Ban, Unban, Reload) are for root only
 * (and the daemon's own user, when that is not root: a test's), checked
 * here with the bus's GetConnectionUnixUser on top of the bus policy (a bus
 * without our policy file is safe too), and they answer once
 * the replan they caused has applied its plan: when affinityctl ban
 * returns, the IRQs are off the banned CPUs. Properties and ListBans
 * answer at once. The connection is watched: when the bus goes away the
 * API comes back when it returns.
 */

#define RETRY_MS 5000u

static const char introspection_xml[] =
	"<node>"
	" <interface name='" AF_DBUS_INTERFACE "'>"
	"  <property name='Version' type='s' access='read'/>"
	"  <property name='Online' type='s' access='read'/>"
	"  <property name='Isolated' type='s' access='read'/>"
	"  <property name='Housekeeping' type='s' access='read'/>"
	"  <property name='Sources' type='a{ss}' access='read'/>"
	"  <method name='GetPlan'><arg name='plan' type='s' direction='out'/></method>"
	"  <method name='Explain'>"
	"   <arg name='irq' type='u' direction='in'/>"
	"   <arg name='text' type='s' direction='out'/>"
	"  </method>"
	"  <method name='Ban'>"
	"   <arg name='owner' type='s' direction='in'/>"
	"   <arg name='cpulist' type='s' direction='in'/>"
	"   <arg name='persist' type='b' direction='in'/>"
	"  </method>"
	"  <method name='Unban'><arg name='owner' type='s' direction='in'/></method>"
	"  <method name='ListBans'><arg name='bans' type='a(ss)' direction='out'/></method>"
	"  <method name='Reload'/>"
	"  <method name='WhatIfOffline'>"
	"   <arg name='cpulist' type='s' direction='in'/>"
	"   <arg name='plan' type='s' direction='out'/>"
	"  </method>"
	"  <signal name='PlacementChanged'><arg name='moves' type='u'/></signal>"
	" </interface>"
	"</node>";

static const char *const property_names[] = {"Version", "Online", "Isolated", "Housekeeping",
					     "Sources"};
#define N_PROPERTIES G_N_ELEMENTS(property_names)

struct AfDbus {
	AfDaemon *daemon;
	char *address; /* NULL: the system bus */
	GDBusConnection *connection;
	guint object_id;
	gulong closed_handler;
	guint retry_source;
	gboolean warned;	   /* a failure to connect is said once until it works */
	GCancellable *cancellable; /* the uid checks in flight */
	GPtrArray *waiting;	   /* GDBusMethodInvocation*: answered after the next replan */
	GVariant *published[N_PROPERTIES]; /* the values last told in PropertiesChanged */
};

static GDBusNodeInfo *introspection(void)
{
	static GDBusNodeInfo *info;

	if (!info)
		info = g_dbus_node_info_new_for_xml(introspection_xml, NULL);
	return info;
}

/* ---- Reading ---- */

static GVariant *cpulist_variant(const AfCpuSet *set)
{
	g_autofree char *list = set ? af_cpuset_format_list(set) : g_strdup("");

	return g_variant_new_string(list);
}

static GVariant *property_value(AfDbus *dbus, const char *name)
{
	const AfHousekeeping *hk = dbus->daemon->engine->hk;
	GVariantBuilder sources;

	if (g_str_equal(name, "Version"))
		return g_variant_new_string(PACKAGE_VERSION);
	if (g_str_equal(name, "Online"))
		return cpulist_variant(hk ? hk->online : NULL);
	if (g_str_equal(name, "Isolated"))
		return cpulist_variant(hk ? hk->isolated : NULL);
	if (g_str_equal(name, "Housekeeping"))
		return cpulist_variant(hk ? hk->housekeeping : NULL);
	g_assert(g_str_equal(name, "Sources"));
	g_variant_builder_init(&sources, G_VARIANT_TYPE("a{ss}"));
	for (guint i = 0; hk && i < hk->sources->len; i++) {
		const AfHkSource *source = g_ptr_array_index(hk->sources, i);
		g_autofree char *list = af_cpuset_format_list(source->cpus);

		g_variant_builder_add(&sources, "{ss}", source->name, list);
	}
	return g_variant_builder_end(&sources);
}

static GVariant *get_property(GDBusConnection *connection, const char *sender, const char *path,
			      const char *interface, const char *name, GError **error,
			      gpointer user_data)
{
	return property_value(user_data, name);
}

static void return_plan(AfDbus *dbus, GDBusMethodInvocation *invocation)
{
	const AfEngine *engine = dbus->daemon->engine;
	g_autofree char *json = NULL;

	if (!engine->plan) {
		g_dbus_method_invocation_return_error(invocation, AF_DBUS_ERROR,
						      AF_DBUS_ERROR_NO_PLAN,
						      "The last replan failed: no plan to show "
						      "(journalctl -u affinityd says why)");
		return;
	}
	json = af_report_format_json(engine->snapshot, engine->hk, engine->plan);
	g_dbus_method_invocation_return_value(invocation, g_variant_new("(s)", json));
}

static void return_explanation(AfDbus *dbus, GDBusMethodInvocation *invocation, guint irq)
{
	const AfEngine *engine = dbus->daemon->engine;
	g_autofree char *text = NULL;

	if (!engine->plan) {
		g_dbus_method_invocation_return_error(invocation, AF_DBUS_ERROR,
						      AF_DBUS_ERROR_NO_PLAN,
						      "The last replan failed: no plan to explain");
		return;
	}
	text = af_explain_irq(engine->hk, engine->plan, irq);
	if (!text) {
		g_dbus_method_invocation_return_error(invocation, AF_DBUS_ERROR,
						      AF_DBUS_ERROR_NO_SUCH_IRQ,
						      "IRQ %u is not in /proc/interrupts", irq);
		return;
	}
	g_dbus_method_invocation_return_value(invocation, g_variant_new("(s)", text));
}

static void return_bans(AfDbus *dbus, GDBusMethodInvocation *invocation)
{
	g_autoptr(GPtrArray) bans = af_owner_bans_list(dbus->daemon->statedir->state->bans);
	GVariantBuilder builder;

	g_variant_builder_init(&builder, G_VARIANT_TYPE("a(ss)"));
	for (guint i = 0; i < bans->len; i++) {
		const AfOwnerBan *ban = g_ptr_array_index(bans, i);
		g_autofree char *list = af_cpuset_format_list(ban->cpus);

		g_variant_builder_add(&builder, "(ss)", ban->owner, list);
	}
	g_dbus_method_invocation_return_value(invocation, g_variant_new("(a(ss))", &builder));
}

/* ---- Changing: root only, answered after the replan ---- */

static void wait_for_replan(AfDbus *dbus, GDBusMethodInvocation *invocation)
{
	g_ptr_array_add(dbus->waiting, invocation);
}

static void ban(AfDbus *dbus, GDBusMethodInvocation *invocation, GVariant *parameters)
{
	const char *owner, *cpulist;
	gboolean persist;
	g_autoptr(AfCpuSet) cpus = NULL;
	g_autoptr(GError) error = NULL;
	int r;

	g_variant_get(parameters, "(&s&sb)", &owner, &cpulist, &persist);
	r = af_cpuset_parse_list(cpulist, &cpus);
	if (r < 0) {
		g_dbus_method_invocation_return_error(
			invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
			"\"%s\" is not a CPU list such as 4-7,12", cpulist);
		return;
	}
	r = af_daemon_ban(dbus->daemon, owner, cpus, persist, &error);
	if (r < 0)
		g_dbus_method_invocation_return_gerror(invocation, error);
	else if (r == 0) /* nothing changed: no replan to wait for */
		g_dbus_method_invocation_return_value(invocation, NULL);
	else
		wait_for_replan(dbus, invocation);
}

static void unban(AfDbus *dbus, GDBusMethodInvocation *invocation, GVariant *parameters)
{
	g_autoptr(GError) error = NULL;
	const char *owner;

	g_variant_get(parameters, "(&s)", &owner);
	if (af_daemon_unban(dbus->daemon, owner, &error) < 0)
		g_dbus_method_invocation_return_gerror(invocation, error);
	else
		wait_for_replan(dbus, invocation);
}

/* As SIGHUP: the next replan reloads; its verdict is the answer. */
static void reload(AfDbus *dbus, GDBusMethodInvocation *invocation)
{
	dbus->daemon->reload_pending = TRUE;
	af_daemon_mark(dbus->daemon, AF_EVENT_CONFIG, "reload (D-Bus)");
	wait_for_replan(dbus, invocation);
}

static void dispatch_change(AfDbus *dbus, GDBusMethodInvocation *invocation)
{
	const char *method = g_dbus_method_invocation_get_method_name(invocation);
	GVariant *parameters = g_dbus_method_invocation_get_parameters(invocation);

	if (g_str_equal(method, "Ban"))
		ban(dbus, invocation, parameters);
	else if (g_str_equal(method, "Unban"))
		unban(dbus, invocation, parameters);
	else
		reload(dbus, invocation);
}

typedef struct {
	AfDbus *dbus;
	GDBusMethodInvocation *invocation;
} CallerCheck;

static void on_caller_uid(GObject *source, GAsyncResult *result, gpointer user_data)
{
	CallerCheck *check = user_data;
	g_autoptr(GVariant) reply = NULL;
	g_autoptr(GError) error = NULL;
	guint32 uid;

	reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
		/* The API is going away (stop, lost bus): nobody to answer for. */
		g_object_unref(check->invocation);
	} else if (!reply) {
		g_dbus_method_invocation_return_error(
			check->invocation, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED,
			"Cannot tell who is calling: %s", error->message);
	} else {
		g_variant_get(reply, "(u)", &uid);
		/* Root only, whatever the bus's policy let through. */
		if (uid != 0 && uid != getuid())
			g_dbus_method_invocation_return_error(
				check->invocation, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED,
				"%s changes the placement: only root may call it (caller uid %u)",
				g_dbus_method_invocation_get_method_name(check->invocation), uid);
		else
			dispatch_change(check->dbus, check->invocation);
	}
	g_free(check);
}

static void check_caller(AfDbus *dbus, GDBusMethodInvocation *invocation)
{
	CallerCheck *check = g_new0(CallerCheck, 1);

	check->dbus = dbus;
	check->invocation = invocation;
	g_dbus_connection_call(
		dbus->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
		"org.freedesktop.DBus", "GetConnectionUnixUser",
		g_variant_new("(s)", g_dbus_method_invocation_get_sender(invocation)),
		G_VARIANT_TYPE("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, dbus->cancellable, on_caller_uid,
		check);
}

static void method_call(GDBusConnection *connection, const char *sender, const char *path,
			const char *interface, const char *method, GVariant *parameters,
			GDBusMethodInvocation *invocation, gpointer user_data)
{
	AfDbus *dbus = user_data;

	if (g_str_equal(method, "GetPlan") || g_str_equal(method, "Explain")) {
		af_daemon_mark(dbus->daemon, AF_EVENT_DRIFT, "plan asked over D-Bus");
		wait_for_replan(dbus, invocation);
	} else if (g_str_equal(method, "ListBans")) {
		return_bans(dbus, invocation);
	} else if (g_str_equal(method, "WhatIfOffline")) {
		g_dbus_method_invocation_return_error(
			invocation, G_DBUS_ERROR, G_DBUS_ERROR_NOT_SUPPORTED,
			"The offline advisor runs as affinityd --dry-run --offline CPULIST, not in the daemon");
	} else {
		check_caller(dbus, invocation);
	}
}

static const GDBusInterfaceVTable vtable = {
	.method_call = method_call,
	.get_property = get_property,
};

/* ---- After each replan ---- */

static void answer_waiting(AfDbus *dbus, int r)
{
	g_autoptr(GPtrArray) waiting = g_steal_pointer(&dbus->waiting);

	dbus->waiting = g_ptr_array_new();
	for (guint i = 0; i < waiting->len; i++) {
		GDBusMethodInvocation *invocation = g_ptr_array_index(waiting, i);
		const char *method = g_dbus_method_invocation_get_method_name(invocation);
		guint irq;

		if (r >= 0 && g_str_equal(method, "GetPlan")) {
			return_plan(dbus, invocation);
		} else if (r >= 0 && g_str_equal(method, "Explain")) {
			g_variant_get(g_dbus_method_invocation_get_parameters(invocation), "(u)",
				      &irq);
			return_explanation(dbus, invocation, irq);
		} else if (g_str_equal(method, "Reload") && dbus->daemon->reload_error)
			g_dbus_method_invocation_return_error(
				invocation, AF_DBUS_ERROR, AF_DBUS_ERROR_BAD_CONFIG,
				"Configuration refused, the running one is kept: %s",
				dbus->daemon->reload_error);
		else if (r < 0)
			g_dbus_method_invocation_return_error(
				invocation, AF_DBUS_ERROR, AF_DBUS_ERROR_FAILED,
				"The replan failed (%s): journalctl -u affinityd says why",
				g_strerror(-r));
		else
			g_dbus_method_invocation_return_value(invocation, NULL);
	}
}

static void publish_properties(AfDbus *dbus)
{
	GVariantBuilder changed;
	gboolean any = FALSE;

	g_variant_builder_init(&changed, G_VARIANT_TYPE("a{sv}"));
	for (guint i = 0; i < N_PROPERTIES; i++) {
		GVariant *value = g_variant_ref_sink(property_value(dbus, property_names[i]));

		if (dbus->published[i] && g_variant_equal(dbus->published[i], value)) {
			g_variant_unref(value);
			continue;
		}
		g_clear_pointer(&dbus->published[i], g_variant_unref);
		dbus->published[i] = value;
		g_variant_builder_add(&changed, "{sv}", property_names[i], value);
		any = TRUE;
	}
	if (!any) {
		g_variant_builder_clear(&changed);
		return;
	}
	(void)g_dbus_connection_emit_signal(
		dbus->connection, NULL, AF_DBUS_PATH, "org.freedesktop.DBus.Properties",
		"PropertiesChanged", g_variant_new("(sa{sv}as)", AF_DBUS_INTERFACE, &changed, NULL),
		NULL);
}

void af_daemon_dbus_replanned(AfDaemon *daemon, int r, guint64 writes)
{
	AfDbus *dbus = daemon->dbus;

	if (!dbus)
		return;
	answer_waiting(dbus, r);
	if (!dbus->connection)
		return;
	publish_properties(dbus);
	if (writes > 0)
		(void)g_dbus_connection_emit_signal(
			dbus->connection, NULL, AF_DBUS_PATH, AF_DBUS_INTERFACE, "PlacementChanged",
			g_variant_new("(u)", (guint32)MIN(writes, G_MAXUINT32)), NULL);
}

/* ---- The connection ---- */

static void disconnect(AfDbus *dbus)
{
	/* Calls of a closed connection cannot be answered any more. */
	for (guint i = 0; i < dbus->waiting->len; i++)
		g_object_unref(g_ptr_array_index(dbus->waiting, i));
	g_ptr_array_set_size(dbus->waiting, 0);
	if (dbus->cancellable) {
		g_cancellable_cancel(dbus->cancellable);
		g_clear_object(&dbus->cancellable);
	}
	if (!dbus->connection)
		return;
	if (dbus->object_id)
		g_dbus_connection_unregister_object(dbus->connection, dbus->object_id);
	dbus->object_id = 0;
	g_clear_signal_handler(&dbus->closed_handler, dbus->connection);
	(void)g_dbus_connection_close_sync(dbus->connection, NULL, NULL);
	g_clear_object(&dbus->connection);
	for (guint i = 0; i < N_PROPERTIES; i++)
		g_clear_pointer(&dbus->published[i], g_variant_unref);
}

static gboolean on_retry(gpointer user_data);

static void retry_later(AfDbus *dbus)
{
	if (!dbus->retry_source)
		dbus->retry_source = g_timeout_add(RETRY_MS, on_retry, dbus);
}

static void on_closed(GDBusConnection *connection, gboolean remote_peer_vanished, GError *error,
		      gpointer user_data)
{
	AfDbus *dbus = user_data;

	g_warning("Lost the D-Bus connection (%s): the API is back when the bus is",
		  error ? error->message : "closed");
	disconnect(dbus);
	dbus->warned = TRUE;
	retry_later(dbus);
}

/* RequestName without queueing: another owner means another affinityd. */
static int request_name(AfDbus *dbus, GError **error)
{
	g_autoptr(GVariant) reply = NULL;
	guint32 result;

	reply = g_dbus_connection_call_sync(
		dbus->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
		"org.freedesktop.DBus", "RequestName", g_variant_new("(su)", AF_DBUS_NAME, 4u),
		G_VARIANT_TYPE("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, error);
	if (!reply)
		return -EACCES;
	g_variant_get(reply, "(u)", &result);
	/* 1: primary owner, 4: already the owner. */
	if (result != 1 && result != 4) {
		g_set_error(error, G_DBUS_ERROR, G_DBUS_ERROR_ADDRESS_IN_USE,
			    "another program owns %s (another affinityd?)", AF_DBUS_NAME);
		return -EADDRINUSE;
	}
	return 0;
}

static int open_connection(AfDbus *dbus, GError **error)
{
	g_autofree char *address = NULL;
	GDBusInterfaceInfo *interface = introspection()->interfaces[0];

	address = dbus->address ? g_strdup(dbus->address)
				: g_dbus_address_get_for_bus_sync(G_BUS_TYPE_SYSTEM, NULL, error);
	if (!address)
		return -ENOENT;
	/* A connection of our own, not GLib's shared one: closed and opened again at will. */
	dbus->connection = g_dbus_connection_new_for_address_sync(
		address,
		G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
			G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
		NULL, NULL, error);
	if (!dbus->connection)
		return -ECONNREFUSED;
	g_dbus_connection_set_exit_on_close(dbus->connection, FALSE);
	dbus->cancellable = g_cancellable_new();
	dbus->closed_handler =
		g_signal_connect(dbus->connection, "closed", G_CALLBACK(on_closed), dbus);
	dbus->object_id = g_dbus_connection_register_object(dbus->connection, AF_DBUS_PATH,
							    interface, &vtable, dbus, NULL, error);
	if (!dbus->object_id)
		return -EIO;
	return request_name(dbus, error);
}

static void connect_bus(AfDbus *dbus)
{
	g_autoptr(GError) error = NULL;
	int r;

	r = open_connection(dbus, &error);
	if (r == 0) {
		g_message("D-Bus API %s on %s", AF_DBUS_NAME,
			  dbus->address ? dbus->address : "the system bus");
		dbus->warned = FALSE;
		publish_properties(dbus);
		return;
	}
	disconnect(dbus);
	if (r == -EADDRINUSE) {
		g_warning("No D-Bus API: %s", error->message);
		return;
	}
	if (!dbus->warned)
		g_warning("No D-Bus API for now, trying again every %u s: %s", RETRY_MS / 1000,
			  error->message);
	dbus->warned = TRUE;
	retry_later(dbus);
}

static gboolean on_retry(gpointer user_data)
{
	AfDbus *dbus = user_data;

	dbus->retry_source = 0;
	connect_bus(dbus);
	return G_SOURCE_REMOVE;
}

void af_daemon_start_dbus(AfDaemon *daemon)
{
	const char *bus = daemon->options->bus;
	AfDbus *dbus;

	if (bus && g_str_equal(bus, "none"))
		return;
	/* The system bus's name belongs to this machine's affinityd, not a tree's. */
	if (!bus && !af_sysroot_is_live(daemon->engine->sysroot)) {
		g_debug("No D-Bus API for a --sysroot tree without --bus");
		return;
	}
	(void)af_dbus_error_quark();
	dbus = g_new0(AfDbus, 1);
	dbus->daemon = daemon;
	dbus->address = g_strdup(bus);
	dbus->waiting = g_ptr_array_new();
	daemon->dbus = dbus;
	connect_bus(dbus);
}

void af_daemon_stop_dbus(AfDaemon *daemon)
{
	AfDbus *dbus = daemon->dbus;

	if (!dbus)
		return;
	/* Calls still waiting get their answer: the daemon stops. */
	for (guint i = 0; i < dbus->waiting->len; i++)
		g_dbus_method_invocation_return_error(g_ptr_array_index(dbus->waiting, i),
						      AF_DBUS_ERROR, AF_DBUS_ERROR_FAILED,
						      "affinityd is stopping");
	g_ptr_array_set_size(dbus->waiting, 0);
	g_clear_handle_id(&dbus->retry_source, g_source_remove);
	disconnect(dbus);
	g_ptr_array_unref(dbus->waiting);
	g_free(dbus->address);
	g_free(dbus);
	daemon->dbus = NULL;
}
