/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "cpuset.h"
#include "dbus-api.h"
#include "testutil.h"

/*
 * The D-Bus API of the real daemon: a private dbus-daemon started by the
 * test, affinityd on a copy of the QEMU capture (--sysroot, --bus) with the
 * command line's isolation taken out (every CPU housekeeping to begin
 * with), and a client connection of the test's own. The bus is either like
 * the system bus with our policy file (dbus/org.affinityd1.conf) included,
 * or one that lets everything through, where only the daemon's own check
 * of the caller stands. Calls as another user go through this program
 * itself, run by setpriv as nobody (--client, below).
 */

#define WAIT_MS 20000 /* a failure guard on a shared machine, not a measurement */
#define NOBODY "65534"

typedef struct {
	gboolean skip; /* a case that cannot run as this user */
	char *tmp;
	char *root;  /* the copied tree (a directory of its own) */
	char *state; /* the state directory */
	char *conf;
	char *address;
	GSubprocess *bus;
	GSubprocess *daemon;
	guint n_daemons; /* logs: daemon-N.log */
	GDBusConnection *client;
	guint subscription;
	guint n_placement_changed;
	guint32 last_moves;
	GVariant *last_changed; /* the last PropertiesChanged's a{sv} */
} Fixture;

/* ---- Programs ---- */

static char *build_path(const char *relative)
{
	const char *top = g_getenv("AF_TOP_BUILDDIR");

	return top ? g_build_filename(top, relative, NULL)
		   : g_test_build_filename(G_TEST_BUILT, "..", relative, NULL);
}

static char *source_path(const char *relative)
{
	const char *top = g_getenv("AF_TOP_SRCDIR");

	return top ? g_build_filename(top, relative, NULL)
		   : g_test_build_filename(G_TEST_DIST, "..", relative, NULL);
}

/* Runs the main context until *flag turns true or the guard runs out. */
static gboolean wait_until(gboolean (*done)(gpointer), gpointer data)
{
	gint64 end = g_get_monotonic_time() + WAIT_MS * 1000;

	while (!done(data)) {
		if (g_get_monotonic_time() > end)
			return FALSE;
		g_main_context_iteration(NULL, FALSE);
		g_usleep(10000);
	}
	return TRUE;
}

/* A test that fails takes its bus and daemon with it. */
static void die_with_parent(gpointer data)
{
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocessLauncher *new_launcher(GSubprocessFlags flags)
{
	GSubprocessLauncher *launcher = g_subprocess_launcher_new(flags);

	g_subprocess_launcher_set_child_setup(launcher, die_with_parent, NULL, NULL);
	return launcher;
}

/* A bus like the system bus: policy-less (everything allowed) or with our policy file. */
static void start_bus(Fixture *f, gboolean with_policy)
{
	g_autofree char *policy = source_path("dbus/org.affinityd1.conf");
	g_autofree char *config_path = g_build_filename(f->tmp, "bus.conf", NULL);
	g_autofree char *socket = g_build_filename(f->tmp, "bus", NULL);
	g_autofree char *config = NULL, *line = NULL, *include = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GDataInputStream) out = NULL;
	/* dbus-daemon says it cannot raise its fd limit when not started by root: noise. */
	g_autoptr(GSubprocessLauncher) launcher =
		new_launcher(G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);

	include = with_policy ? g_strdup_printf("<include>%s</include>", policy) : g_strdup("");
	config = g_strdup_printf(
		"<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration "
		"1.0//EN\"\n"
		" \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
		"<busconfig>\n"
		" <type>system</type>\n"
		" <listen>unix:path=%s</listen>\n"
		" <auth>EXTERNAL</auth>\n"
		" <policy context=\"default\">\n"
		"  <allow user=\"*\"/>\n"
		"  %s\n"
		"  <allow send_type=\"signal\"/>\n"
		"  <allow send_requested_reply=\"true\" send_type=\"method_return\"/>\n"
		"  <allow send_requested_reply=\"true\" send_type=\"error\"/>\n"
		"  <allow receive_type=\"method_call\"/>\n"
		"  <allow receive_type=\"method_return\"/>\n"
		"  <allow receive_type=\"error\"/>\n"
		"  <allow receive_type=\"signal\"/>\n"
		"  <allow send_destination=\"org.freedesktop.DBus\"/>\n"
		" </policy>\n"
		" %s\n"
		"</busconfig>\n",
		socket,
		with_policy ? "<deny own=\"*\"/><deny send_type=\"method_call\"/>"
			    : "<allow own=\"*\"/><allow send_type=\"method_call\"/>",
		include);
	g_assert_true(g_file_set_contents(config_path, config, -1, NULL));
	f->bus = g_subprocess_launcher_spawn(launcher, &error, "dbus-daemon", "--config-file",
					     config_path, "--nofork", "--print-address=1", NULL);
	g_assert_no_error(error);
	out = g_data_input_stream_new(g_subprocess_get_stdout_pipe(f->bus));
	line = g_data_input_stream_read_line(out, NULL, NULL, &error);
	g_assert_no_error(error);
	g_assert_nonnull(line);
	f->address = g_strdup(g_strstrip(line));
	f->client = g_dbus_connection_new_for_address_sync(
		f->address,
		G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
			G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
		NULL, NULL, &error);
	g_assert_no_error(error);
}

static gboolean name_has_owner(gpointer data)
{
	Fixture *f = data;
	g_autoptr(GVariant) reply = g_dbus_connection_call_sync(
		f->client, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
		"NameHasOwner", g_variant_new("(s)", AF_DBUS_NAME), G_VARIANT_TYPE("(b)"),
		G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
	gboolean owned = FALSE;

	if (reply)
		g_variant_get(reply, "(b)", &owned);
	return owned;
}

static void start_daemon(Fixture *f)
{
	g_autofree char *affinityd = build_path("daemon/affinityd");
	g_autofree char *name = g_strdup_printf("daemon-%u.log", ++f->n_daemons);
	g_autofree char *log = g_build_filename(f->tmp, name, NULL);
	g_autoptr(GSubprocessLauncher) launcher = new_launcher(G_SUBPROCESS_FLAGS_STDERR_MERGE);
	g_autoptr(GError) error = NULL;

	g_subprocess_launcher_set_stdout_file_path(launcher, log);
	f->daemon = g_subprocess_launcher_spawn(launcher, &error, affinityd, "--foreground",
						"--sysroot", f->root, "--config", f->conf,
						"--state-dir", f->state, "--bus", f->address, NULL);
	g_assert_no_error(error);
	if (!wait_until(name_has_owner, f)) {
		g_autofree char *text = NULL;

		g_file_get_contents(log, &text, NULL, NULL);
		g_error("affinityd did not take %s; its log:\n%s", AF_DBUS_NAME, text);
	}
}

static void stop_daemon(Fixture *f)
{
	g_autoptr(GError) error = NULL;

	if (!f->daemon)
		return;
	g_subprocess_send_signal(f->daemon, SIGTERM);
	g_subprocess_wait(f->daemon, NULL, &error);
	g_assert_no_error(error);
	g_clear_object(&f->daemon);
}

static void on_signal(GDBusConnection *connection, const char *sender, const char *path,
		      const char *interface, const char *name, GVariant *parameters,
		      gpointer user_data)
{
	Fixture *f = user_data;

	if (g_str_equal(name, "PlacementChanged")) {
		g_variant_get(parameters, "(u)", &f->last_moves);
		f->n_placement_changed++;
	} else if (g_str_equal(name, "PropertiesChanged")) {
		g_clear_pointer(&f->last_changed, g_variant_unref);
		f->last_changed = g_variant_get_child_value(parameters, 1);
	}
}

static void set_up(Fixture *f, gconstpointer with_policy)
{
	g_autofree char *tarball = af_test_fixture("sysroots/qemu-managed-doc-example.tar.gz");
	g_autoptr(GError) error = NULL;

	/* Only root may own the name on a bus with our policy. */
	if (GPOINTER_TO_INT(with_policy) && getuid() != 0) {
		f->skip = TRUE;
		return;
	}
	f->tmp = g_dir_make_tmp("af-test-dbus-XXXXXX", &error);
	g_assert_no_error(error);
	/* nobody reaches the bus's socket inside. */
	g_assert_cmpint(g_chmod(f->tmp, 0755), ==, 0);
	f->state = g_build_filename(f->tmp, "state", NULL);
	f->conf = g_build_filename(f->tmp, "affinityd.conf", NULL);
	af_test_extract(tarball, &f->root);
	af_test_write_file(f->root, "proc/cmdline", "console=ttyS0\n");
	af_test_write_file(f->root, "sys/devices/system/cpu/isolated", "\n");
	/* Every CPU: no other program banned any (a default_smp_affinity source). */
	af_test_write_file(f->root, "proc/irq/default_smp_affinity", "ff\n");
	g_assert_true(g_file_set_contents(f->conf, "[daemon]\ndebounce_ms=5\n", -1, NULL));
	start_bus(f, GPOINTER_TO_INT(with_policy));
	f->subscription =
		g_dbus_connection_signal_subscribe(f->client, NULL, NULL, NULL, AF_DBUS_PATH, NULL,
						   G_DBUS_SIGNAL_FLAGS_NONE, on_signal, f, NULL);
	start_daemon(f);
}

static void tear_down(Fixture *f, gconstpointer data)
{
	stop_daemon(f);
	if (f->client) {
		g_dbus_connection_signal_unsubscribe(f->client, f->subscription);
		(void)g_dbus_connection_close_sync(f->client, NULL, NULL);
		g_clear_object(&f->client);
	}
	/* Signals queued for this fixture go before it does. */
	while (g_main_context_iteration(NULL, FALSE))
		;
	if (f->bus) {
		g_subprocess_force_exit(f->bus);
		g_subprocess_wait(f->bus, NULL, NULL);
		g_clear_object(&f->bus);
	}
	g_clear_pointer(&f->last_changed, g_variant_unref);
	af_test_rm_rf(f->root);
	af_test_rm_rf(f->tmp);
	g_free(f->tmp);
	g_free(f->root);
	g_free(f->state);
	g_free(f->conf);
	g_free(f->address);
}

/* ---- Calls ---- */

static GVariant *call(Fixture *f, const char *method, GVariant *parameters, GError **error)
{
	return g_dbus_connection_call_sync(f->client, AF_DBUS_NAME, AF_DBUS_PATH, AF_DBUS_INTERFACE,
					   method, parameters, NULL, G_DBUS_CALL_FLAGS_NONE,
					   WAIT_MS, NULL, error);
}

static void call_ok(Fixture *f, const char *method, GVariant *parameters)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply = call(f, method, parameters, &error);

	g_assert_no_error(error);
}

/* The remote error name of a call that must fail, and its message in *ret_message. */
static char *call_error(Fixture *f, const char *method, GVariant *parameters, char **ret_message)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply = call(f, method, parameters, &error);
	char *name;

	g_assert_null(reply);
	g_assert_nonnull(error);
	name = g_dbus_error_get_remote_error(error);
	g_dbus_error_strip_remote_error(error);
	if (ret_message)
		*ret_message = g_strdup(error->message);
	return name;
}

static char *get_string_property(Fixture *f, const char *name)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply = g_dbus_connection_call_sync(
		f->client, AF_DBUS_NAME, AF_DBUS_PATH, "org.freedesktop.DBus.Properties", "Get",
		g_variant_new("(ss)", AF_DBUS_INTERFACE, name), G_VARIANT_TYPE("(v)"),
		G_DBUS_CALL_FLAGS_NONE, WAIT_MS, NULL, &error);
	g_autoptr(GVariant) value = NULL;

	g_assert_no_error(error);
	g_variant_get(reply, "(v)", &value);
	return g_variant_dup_string(value, NULL);
}

/* "owner=cpus owner=cpus" from ListBans. */
static char *list_bans(Fixture *f)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply = call(f, "ListBans", NULL, &error);
	g_autoptr(GVariantIter) iter = NULL;
	GString *out = g_string_new(NULL);
	const char *owner, *cpus;

	g_assert_no_error(error);
	g_variant_get(reply, "(a(ss))", &iter);
	while (g_variant_iter_next(iter, "(&s&s)", &owner, &cpus))
		g_string_append_printf(out, "%s%s=%s", out->len ? " " : "", owner, cpus);
	return g_string_free(out, FALSE);
}

static JsonObject *get_plan(Fixture *f, JsonParser *parser)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GVariant) reply = call(f, "GetPlan", NULL, &error);
	const char *json;

	g_assert_no_error(error);
	g_variant_get(reply, "(&s)", &json);
	g_assert_true(json_parser_load_from_data(parser, json, -1, &error));
	return json_node_get_object(json_parser_get_root(parser));
}

/* The IRQs the plan places (move, keep): every IRQ the daemon writes. */
static GArray *placed_irqs(Fixture *f)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonArray *irqs = json_object_get_array_member(get_plan(f, parser), "irqs");
	GArray *placed = g_array_new(FALSE, FALSE, sizeof(guint));

	for (guint i = 0; i < json_array_get_length(irqs); i++) {
		JsonObject *irq = json_array_get_object_element(irqs, i);
		guint number = (guint)json_object_get_int_member(irq, "irq");

		if (!g_str_equal(json_object_get_string_member(irq, "action"), "skip"))
			g_array_append_val(placed, number);
	}
	g_assert_cmpuint(placed->len, >, 0);
	return placed;
}

/*
 * The CPUs these IRQs are on, read from the tree (their smp_affinity_list,
 * as the fake kernel keeps it): no call to the daemon in between.
 */
static AfCpuSet *cpus_of(Fixture *f, GArray *irqs)
{
	AfCpuSet *all = af_cpuset_new();

	for (guint i = 0; i < irqs->len; i++) {
		g_autofree char *relative = NULL, *path = NULL, *text = NULL;
		g_autoptr(AfCpuSet) cpus = NULL;

		relative = g_strdup_printf("proc/irq/%u/smp_affinity_list",
					   g_array_index(irqs, guint, i));
		path = g_build_filename(f->root, relative, NULL);
		g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
		g_assert_cmpint(af_cpuset_parse_list(text, &cpus), ==, 0);
		af_cpuset_or(all, cpus);
	}
	return all;
}

static AfCpuSet *placed_cpus(Fixture *f)
{
	g_autoptr(GArray) irqs = placed_irqs(f);

	return cpus_of(f, irqs);
}

/* The IRQs are placed, and only within list. */
static void assert_within(AfCpuSet *cpus, const char *list)
{
	g_autoptr(AfCpuSet) allowed = NULL;
	g_autofree char *text = af_cpuset_format_list(cpus);

	g_assert_cmpint(af_cpuset_parse_list(list, &allowed), ==, 0);
	g_test_message("IRQs placed on %s, allowed %s", text, list);
	g_assert_false(af_cpuset_is_empty(cpus));
	g_assert_true(af_cpuset_is_subset(cpus, allowed));
}

static void assert_placed_within(Fixture *f, const char *list)
{
	g_autoptr(AfCpuSet) cpus = placed_cpus(f);

	assert_within(cpus, list);
}

static gboolean placement_changed(gpointer data)
{
	return ((Fixture *)data)->n_placement_changed > 0;
}

static gboolean properties_changed(gpointer data)
{
	return ((Fixture *)data)->last_changed != NULL;
}

/* ---- Cases ---- */

static void test_properties(Fixture *f, gconstpointer data)
{
	g_autofree char *version = get_string_property(f, "Version");
	g_autofree char *online = get_string_property(f, "Online");
	g_autofree char *isolated = get_string_property(f, "Isolated");
	g_autofree char *housekeeping = get_string_property(f, "Housekeeping");

	g_assert_cmpstr(version, ==, PACKAGE_VERSION);
	g_assert_cmpstr(online, ==, "0-7");
	g_assert_cmpstr(isolated, ==, "");
	g_assert_cmpstr(housekeeping, ==, "0-7");
}

/*
 * A ban answers once its replan applied: the IRQs are off the banned CPUs
 * when Ban returns; properties, sources and the signals say so.
 */
static void test_ban_moves(Fixture *f, gconstpointer data)
{
	g_autoptr(GArray) irqs = placed_irqs(f);
	g_autoptr(AfCpuSet) before = cpus_of(f, irqs);
	g_autoptr(AfCpuSet) after = NULL;
	g_autoptr(AfCpuSet) banned = af_cpuset_new_range(4, 7);
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autofree char *isolated = NULL, *housekeeping = NULL, *bans = NULL;
	JsonObject *sources;
	const char *changed = NULL;

	g_assert_true(af_cpuset_intersects(before, banned));
	f->n_placement_changed = 0;
	g_clear_pointer(&f->last_changed, g_variant_unref);
	call_ok(f, "Ban", g_variant_new("(ssb)", "tuned", "4-7", FALSE));
	/* Read before anything else asks the daemon: Ban itself waited for the moves. */
	after = cpus_of(f, irqs);
	assert_within(after, "0-3");
	isolated = get_string_property(f, "Isolated");
	housekeeping = get_string_property(f, "Housekeeping");
	g_assert_cmpstr(isolated, ==, "4-7");
	g_assert_cmpstr(housekeeping, ==, "0-3");
	bans = list_bans(f);
	g_assert_cmpstr(bans, ==, "tuned=4-7");
	sources = json_object_get_object_member(
		json_object_get_object_member(get_plan(f, parser), "cpus"), "sources");
	g_assert_cmpstr(json_object_get_string_member(sources, "owner:tuned"), ==, "4-7");

	g_assert_true(wait_until(placement_changed, f));
	g_assert_cmpuint(f->last_moves, >, 0);
	g_assert_true(wait_until(properties_changed, f));
	g_assert_true(g_variant_lookup(f->last_changed, "Housekeeping", "&s", &changed));
	g_assert_cmpstr(changed, ==, "0-3");
}

/* Several owners: the union holds; lifting one keeps the other's. */
static void test_ban_union(Fixture *f, gconstpointer data)
{
	g_autofree char *housekeeping = NULL, *bans = NULL;

	call_ok(f, "Ban", g_variant_new("(ssb)", "tuned", "4-7", FALSE));
	call_ok(f, "Ban", g_variant_new("(ssb)", "crio", "2-5", FALSE));
	assert_placed_within(f, "0-1");
	bans = list_bans(f);
	g_assert_cmpstr(bans, ==, "crio=2-5 tuned=4-7");
	call_ok(f, "Unban", g_variant_new("(s)", "tuned"));
	housekeeping = get_string_property(f, "Housekeeping");
	g_assert_cmpstr(housekeeping, ==, "0-1,6-7");
	g_free(bans);
	bans = list_bans(f);
	g_assert_cmpstr(bans, ==, "crio=2-5");
	/* The same ban again changes nothing and answers at once. */
	call_ok(f, "Ban", g_variant_new("(ssb)", "crio", "2-5", FALSE));
}

static void assert_error(Fixture *f, const char *method, GVariant *parameters, const char *name,
			 const char *message)
{
	g_autofree char *text = NULL;
	g_autofree char *got = call_error(f, method, parameters, &text);

	g_test_message("%s: %s: %s", method, got, text);
	g_assert_cmpstr(got, ==, name);
	g_assert_nonnull(strstr(text, message));
}

static void test_refused(Fixture *f, gconstpointer data)
{
	g_autofree char *bans = NULL;

	assert_error(f, "Ban", g_variant_new("(ssb)", "tuned", "1-x", FALSE),
		     "org.freedesktop.DBus.Error.InvalidArgs", "\"1-x\" is not a CPU list");
	assert_error(f, "Ban", g_variant_new("(ssb)", "tuned", "", FALSE),
		     "org.freedesktop.DBus.Error.InvalidArgs", "No CPU to ban");
	assert_error(f, "Ban", g_variant_new("(ssb)", "two words", "1", FALSE),
		     "org.freedesktop.DBus.Error.InvalidArgs", "Invalid owner");
	assert_error(f, "Ban", g_variant_new("(ssb)", "tuned", "6-9", FALSE),
		     "org.freedesktop.DBus.Error.InvalidArgs", "CPUs 8-9 do not exist");
	assert_error(f, "Ban", g_variant_new("(ssb)", "tuned", "0-7", FALSE),
		     "org.freedesktop.DBus.Error.InvalidArgs", "would leave no online CPU");
	assert_error(f, "Unban", g_variant_new("(s)", "tuned"),
		     "org.freedesktop.DBus.Error.InvalidArgs", "No ban is held by \"tuned\"");
	assert_error(f, "Explain", g_variant_new("(u)", 9999u), "org.affinityd1.Error.NoSuchIrq",
		     "IRQ 9999 is not in /proc/interrupts");
	assert_error(f, "WhatIfOffline", g_variant_new("(s)", "1"),
		     "org.freedesktop.DBus.Error.NotSupported", "offline advisor");
	bans = list_bans(f);
	g_assert_cmpstr(bans, ==, "");
}

/* A fresh look: what the first plan moved is in place now, and said so. */
static void test_get_plan(Fixture *f, gconstpointer data)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonObject *plan = get_plan(f, parser);
	JsonObject *summary = json_object_get_object_member(plan, "summary");
	g_autoptr(GVariant) reply = NULL;
	g_autoptr(GError) error = NULL;
	const char *text;

	g_assert_cmpint(json_object_get_int_member(plan, "version"), ==, 1);
	g_assert_cmpint(json_object_get_int_member(summary, "move"), ==, 0);
	g_assert_cmpint(json_object_get_int_member(summary, "keep"), >, 0);
	reply = call(f, "Explain", g_variant_new("(u)", 25u), &error);
	g_assert_no_error(error);
	g_variant_get(reply, "(&s)", &text);
	g_assert_true(g_str_has_prefix(text, "IRQ 25 (virtio2-control): keep on "));
}

/* Persistent bans come back after a restart; the others end with the run. */
static void test_persist(Fixture *f, gconstpointer data)
{
	g_autofree char *file = g_build_filename(f->state, "bans", NULL);
	g_autofree char *text = NULL, *bans = NULL;

	call_ok(f, "Ban", g_variant_new("(ssb)", "tuned", "6-7", TRUE));
	call_ok(f, "Ban", g_variant_new("(ssb)", "crio", "4-5", FALSE));
	g_assert_true(g_file_get_contents(file, &text, NULL, NULL));
	g_assert_nonnull(strstr(text, "\ntuned 6-7\n"));
	g_assert_null(strstr(text, "crio"));
	stop_daemon(f);
	start_daemon(f);
	bans = list_bans(f);
	g_assert_cmpstr(bans, ==, "tuned=6-7");
	assert_placed_within(f, "0-5");
	/* Lifting a persistent ban removes it from the file. */
	call_ok(f, "Unban", g_variant_new("(s)", "tuned"));
	g_free(text);
	g_assert_true(g_file_get_contents(file, &text, NULL, NULL));
	g_assert_null(strstr(text, "tuned"));
}

/* Reload answers with the verdict on the files. */
static void test_reload(Fixture *f, gconstpointer data)
{
	g_autofree char *isolated = NULL;

	g_assert_true(g_file_set_contents(f->conf, "[daemon]\nbogus=1\n", -1, NULL));
	assert_error(f, "Reload", NULL, "org.affinityd1.Error.BadConfig", "bogus");
	g_assert_true(g_file_set_contents(f->conf, "[daemon]\ndebounce_ms=5\n[cpus]\nisolated=7\n",
					  -1, NULL));
	call_ok(f, "Reload", NULL);
	isolated = get_string_property(f, "Isolated");
	g_assert_cmpstr(isolated, ==, "7");
}

/* Another user: "ERRORNAME MESSAGE" of its call, run by this program as nobody. */
static char *call_as_nobody(Fixture *f, const char *method, const char *argument)
{
	g_autofree char *self = build_path("tests/test-dbus");
	g_autoptr(GError) error = NULL;
	g_autoptr(GSubprocess) child = NULL;
	char *out = NULL;

	child = g_subprocess_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "setpriv",
				 "--reuid=" NOBODY, "--regid=" NOBODY, "--clear-groups", self,
				 "--client", f->address, method, argument, NULL);
	g_assert_no_error(error);
	g_assert_true(g_subprocess_communicate_utf8(child, NULL, NULL, &out, NULL, &error));
	g_assert_no_error(error);
	return g_strstrip(out);
}

static gboolean can_switch_user(void)
{
	g_autofree char *setpriv = NULL;

	if (getuid() != 0) {
		g_test_skip("needs root to call as another user");
		return FALSE;
	}
	setpriv = g_find_program_in_path("setpriv");
	if (!setpriv) {
		g_test_skip("needs setpriv (util-linux)");
		return FALSE;
	}
	return TRUE;
}

/* The bus policy: nobody reads, but the bus refuses its Ban before the daemon sees it. */
static void test_access_policy(Fixture *f, gconstpointer data)
{
	g_autofree char *ban = NULL, *bans = NULL, *plan = NULL;

	if (!can_switch_user())
		return;
	ban = call_as_nobody(f, "Ban", "1");
	g_test_message("nobody's Ban: %s", ban);
	g_assert_true(g_str_has_prefix(ban, "org.freedesktop.DBus.Error.AccessDenied "));
	g_assert_null(strstr(ban, "only root may call it")); /* the bus said no, not the daemon */
	bans = call_as_nobody(f, "ListBans", NULL);
	g_assert_cmpstr(bans, ==, "ok");
	plan = call_as_nobody(f, "GetPlan", NULL);
	g_assert_cmpstr(plan, ==, "ok");
}

/* A bus without the policy: the daemon's own check refuses another user's changes. */
static void test_access_daemon(Fixture *f, gconstpointer data)
{
	g_autofree char *ban = NULL, *reload = NULL, *bans = NULL;

	if (!can_switch_user())
		return;
	ban = call_as_nobody(f, "Ban", "1");
	g_test_message("nobody's Ban: %s", ban);
	g_assert_true(g_str_has_prefix(ban, "org.freedesktop.DBus.Error.AccessDenied "));
	g_assert_nonnull(strstr(ban, "only root may call it (caller uid " NOBODY ")"));
	reload = call_as_nobody(f, "Reload", NULL);
	g_assert_true(g_str_has_prefix(reload, "org.freedesktop.DBus.Error.AccessDenied "));
	bans = list_bans(f);
	g_assert_cmpstr(bans, ==, "");
}

/*
 * --client ADDRESS METHOD [CPULIST]: one call, as whoever runs it; prints
 * "ok" or "ERRORNAME MESSAGE".
 */
static int run_client(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GDBusConnection) connection = NULL;
	g_autoptr(GVariant) reply = NULL;
	GVariant *parameters = NULL;
	const char *method = argv[3];

	connection = g_dbus_connection_new_for_address_sync(
		argv[2],
		G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
			G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
		NULL, NULL, &error);
	if (connection) {
		if (g_str_equal(method, "Ban"))
			parameters =
				g_variant_new("(ssb)", "nobody", argc > 4 ? argv[4] : "1", FALSE);
		reply = g_dbus_connection_call_sync(connection, AF_DBUS_NAME, AF_DBUS_PATH,
						    AF_DBUS_INTERFACE, method, parameters, NULL,
						    G_DBUS_CALL_FLAGS_NONE, WAIT_MS, NULL, &error);
	}
	if (reply) {
		printf("ok\n");
	} else {
		g_autofree char *name = g_dbus_error_get_remote_error(error);

		g_dbus_error_strip_remote_error(error);
		printf("%s %s\n", name ? name : "local", error->message);
	}
	return 0;
}

int main(int argc, char **argv)
{
	g_autofree char *dbus_daemon = NULL;

	if (argc >= 4 && g_str_equal(argv[1], "--client"))
		return run_client(argc, argv);
	g_test_init(&argc, &argv, NULL);
	dbus_daemon = g_find_program_in_path("dbus-daemon");
	if (!dbus_daemon) {
		g_test_skip("dbus-daemon is not installed (tools/install-deps --test)");
		return g_test_run();
	}
#define ADD(path, policy, func)                                                                    \
	g_test_add(path, Fixture, GINT_TO_POINTER(policy), set_up, func, tear_down)
	ADD("/dbus/properties/get", FALSE, test_properties);
	ADD("/dbus/Ban/moves-irqs", FALSE, test_ban_moves);
	ADD("/dbus/Ban/union", FALSE, test_ban_union);
	ADD("/dbus/Ban/refused", FALSE, test_refused);
	ADD("/dbus/Ban/persist", FALSE, test_persist);
	ADD("/dbus/GetPlan/fresh-look", FALSE, test_get_plan);
	ADD("/dbus/Reload/verdict", FALSE, test_reload);
	ADD("/dbus/access/bus-policy", TRUE, test_access_policy);
	ADD("/dbus/access/daemon-check", FALSE, test_access_daemon);
#undef ADD
	return g_test_run();
}
