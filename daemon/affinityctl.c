/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "ctl-format.h"
#include "dbus-api.h"

/*
 * affinityctl: the running affinityd over its D-Bus API (org.affinityd1).
 * Exit status 0 on success, 1 when the daemon or the bus refused or could
 * not be reached, 2 for a command line that does not parse.
 */

#define EXIT_USAGE 2

static const char summary[] =
	"Commands:\n"
	"  status                             CPUs, isolation sources and bans of the daemon\n"
	"  plan [--json]                      the plan of the running daemon (a fresh look)\n"
	"  explain IRQ                        why an IRQ is where it is\n"
	"  ban --owner NAME [--persist] CPULIST\n"
	"                                     keep CPULIST free of IRQs, as NAME's ban\n"
	"  unban --owner NAME                 lift NAME's ban\n"
	"  bans                               the bans, by owner\n"
	"  reload                             read the configuration again\n"
	"\n"
	"ban, unban and reload need root. The bus is the system bus, or the one in\n"
	"$DBUS_SYSTEM_BUS_ADDRESS; --session or --address choose another.";

typedef struct {
	gboolean session;
	char *address;
	char *bus_name; /* for messages: "the system bus", "the bus at ADDRESS" */
	GDBusConnection *connection;
} Ctl;

static void ctl_clear(Ctl *ctl)
{
	g_clear_object(&ctl->connection);
	g_free(ctl->address);
	g_free(ctl->bus_name);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Ctl, ctl_clear)

static int usage_error(const char *format, ...) G_GNUC_PRINTF(1, 2);
static int usage_error(const char *format, ...)
{
	g_autofree char *message = NULL;
	va_list ap;

	va_start(ap, format);
	message = g_strdup_vprintf(format, ap);
	va_end(ap);
	fprintf(stderr, "affinityctl: %s\nTry 'affinityctl --help'.\n", message);
	return EXIT_USAGE;
}

static int connect_bus(Ctl *ctl)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *address = NULL;

	/* A command making several calls (status) makes them on one connection. */
	if (ctl->connection)
		return EXIT_SUCCESS;
	if (ctl->address) {
		address = g_strdup(ctl->address);
		ctl->bus_name = g_strdup_printf("the bus at %s", address);
	} else {
		GBusType type = ctl->session ? G_BUS_TYPE_SESSION : G_BUS_TYPE_SYSTEM;

		address = g_dbus_address_get_for_bus_sync(type, NULL, &error);
		ctl->bus_name =
			address ? g_strdup_printf("the %s bus (%s)",
						  ctl->session ? "session" : "system", address)
				: g_strdup(ctl->session ? "the session bus" : "the system bus");
	}
	if (address)
		ctl->connection = g_dbus_connection_new_for_address_sync(
			address,
			G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
				G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
			NULL, NULL, &error);
	if (!ctl->connection) {
		fprintf(stderr,
			"affinityctl: cannot connect to %s: %s\n"
			"Is the bus running? Check it with: systemctl status dbus\n",
			ctl->bus_name, error->message);
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

/* One line that says what went wrong and what to do about it. */
static int call_failed(Ctl *ctl, const char *command, GError *error)
{
	g_dbus_error_strip_remote_error(error);
	if (g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
	    g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER)) {
		fprintf(stderr,
			"affinityctl: affinityd is not running: nothing owns %s on %s.\n"
			"Check it with: systemctl status affinityd\n",
			AF_DBUS_NAME, ctl->bus_name);
	} else if (g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED)) {
		fprintf(stderr,
			"affinityctl: %s: permission denied: %s\n"
			"ban, unban and reload need root: run them with sudo\n",
			command, error->message);
	} else {
		fprintf(stderr, "affinityctl: %s: %s\n", command, error->message);
	}
	return EXIT_FAILURE;
}

static int call(Ctl *ctl, const char *command, const char *interface, const char *method,
		GVariant *parameters, const GVariantType *reply_type, GVariant **ret_reply)
{
	g_autoptr(GError) error = NULL;
	GVariant *reply;
	int status = connect_bus(ctl);

	if (status != EXIT_SUCCESS) {
		if (parameters)
			g_variant_unref(g_variant_ref_sink(parameters));
		return status;
	}
	reply = g_dbus_connection_call_sync(ctl->connection, AF_DBUS_NAME, AF_DBUS_PATH, interface,
					    method, parameters, reply_type,
					    G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, NULL, &error);
	if (!reply)
		return call_failed(ctl, command, error);
	if (ret_reply)
		*ret_reply = reply;
	else
		g_variant_unref(reply);
	return EXIT_SUCCESS;
}

static int call_manager(Ctl *ctl, const char *command, const char *method, GVariant *parameters,
			const GVariantType *reply_type, GVariant **ret_reply)
{
	return call(ctl, command, AF_DBUS_INTERFACE, method, parameters, reply_type, ret_reply);
}

static int print_text(const char *text)
{
	if (fputs(text, stdout) < 0 || fflush(stdout) != 0) {
		perror("affinityctl: stdout");
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

/* Parses a command's own options; only its positional arguments stay in argv. */
static gboolean parse_command(const char *command, const char *parameter, GOptionEntry *entries,
			      int *argc, char ***argv)
{
	g_autofree char *title = g_strdup_printf("%s%s%s", command, parameter ? " " : "",
						 parameter ? parameter : "");
	g_autoptr(GOptionContext) context = g_option_context_new(title);
	g_autoptr(GError) error = NULL;

	g_option_context_set_help_enabled(context, TRUE);
	if (entries)
		g_option_context_add_main_entries(context, entries, NULL);
	if (!g_option_context_parse(context, argc, argv, &error)) {
		usage_error("%s: %s", command, error->message);
		return FALSE;
	}
	return TRUE;
}

static int expect_arguments(const char *command, int argc, char **argv, int wanted)
{
	if (argc - 1 < wanted)
		return usage_error("%s: missing argument", command);
	if (argc - 1 > wanted)
		return usage_error("%s: unexpected argument '%s'", command, argv[wanted + 1]);
	return EXIT_SUCCESS;
}

static int do_status(Ctl *ctl, int argc, char **argv)
{
	g_autoptr(GVariant) properties = NULL, bans = NULL, all = NULL, list = NULL;
	g_autofree char *text = NULL;
	int status;

	if (!parse_command("status", NULL, NULL, &argc, &argv))
		return EXIT_USAGE;
	status = expect_arguments("status", argc, argv, 0);
	if (status == EXIT_SUCCESS)
		status = call(ctl, "status", "org.freedesktop.DBus.Properties", "GetAll",
			      g_variant_new("(s)", AF_DBUS_INTERFACE), G_VARIANT_TYPE("(a{sv})"),
			      &all);
	if (status == EXIT_SUCCESS)
		status = call_manager(ctl, "status", "ListBans", NULL, G_VARIANT_TYPE("(a(ss))"),
				      &list);
	if (status != EXIT_SUCCESS)
		return status;
	properties = g_variant_get_child_value(all, 0);
	bans = g_variant_get_child_value(list, 0);
	text = af_ctl_format_status(properties, bans);
	return print_text(text);
}

static int do_plan(Ctl *ctl, int argc, char **argv)
{
	gboolean json = FALSE;
	GOptionEntry entries[] = {
		{"json", 0, 0, G_OPTION_ARG_NONE, &json,
		 "Print the plan as JSON, as affinityd "
		 "--dry-run --json does",
		 NULL},
		{NULL},
	};
	g_autoptr(GVariant) reply = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *text = NULL;
	const char *plan;
	int status;

	if (!parse_command("plan", NULL, entries, &argc, &argv))
		return EXIT_USAGE;
	status = expect_arguments("plan", argc, argv, 0);
	if (status == EXIT_SUCCESS)
		status = call_manager(ctl, "plan", "GetPlan", NULL, G_VARIANT_TYPE("(s)"), &reply);
	if (status != EXIT_SUCCESS)
		return status;
	g_variant_get(reply, "(&s)", &plan);
	if (json)
		return print_text(plan);
	text = af_ctl_format_plan(plan, &error);
	if (!text) {
		fprintf(stderr, "affinityctl: plan: the daemon's answer is not a plan: %s\n",
			error->message);
		return EXIT_FAILURE;
	}
	return print_text(text);
}

static int do_explain(Ctl *ctl, int argc, char **argv)
{
	g_autoptr(GVariant) reply = NULL;
	const char *text;
	guint64 irq;
	int status;

	if (!parse_command("explain", "IRQ", NULL, &argc, &argv))
		return EXIT_USAGE;
	status = expect_arguments("explain", argc, argv, 1);
	if (status != EXIT_SUCCESS)
		return status;
	if (!g_ascii_string_to_unsigned(argv[1], 10, 0, G_MAXUINT32, &irq, NULL))
		return usage_error("explain: '%s' is not an IRQ number", argv[1]);
	status = call_manager(ctl, "explain", "Explain", g_variant_new("(u)", (guint32)irq),
			      G_VARIANT_TYPE("(s)"), &reply);
	if (status != EXIT_SUCCESS)
		return status;
	g_variant_get(reply, "(&s)", &text);
	return print_text(text);
}

static int do_ban(Ctl *ctl, int argc, char **argv)
{
	g_autofree char *owner = NULL;
	gboolean persist = FALSE;
	GOptionEntry entries[] = {
		{"owner", 0, 0, G_OPTION_ARG_STRING, &owner,
		 "Who holds the ban (required): a word such as tuned", "NAME"},
		{"persist", 0, 0, G_OPTION_ARG_NONE, &persist,
		 "Keep the ban across restarts of the daemon", NULL},
		{NULL},
	};
	int status;

	if (!parse_command("ban", "CPULIST", entries, &argc, &argv))
		return EXIT_USAGE;
	if (!owner)
		return usage_error("ban: --owner NAME is required");
	status = expect_arguments("ban", argc, argv, 1);
	if (status != EXIT_SUCCESS)
		return status;
	return call_manager(ctl, "ban", "Ban", g_variant_new("(ssb)", owner, argv[1], persist),
			    NULL, NULL);
}

static int do_unban(Ctl *ctl, int argc, char **argv)
{
	g_autofree char *owner = NULL;
	GOptionEntry entries[] = {
		{"owner", 0, 0, G_OPTION_ARG_STRING, &owner, "Whose ban to lift (required)",
		 "NAME"},
		{NULL},
	};
	int status;

	if (!parse_command("unban", NULL, entries, &argc, &argv))
		return EXIT_USAGE;
	if (!owner)
		return usage_error("unban: --owner NAME is required");
	status = expect_arguments("unban", argc, argv, 0);
	if (status != EXIT_SUCCESS)
		return status;
	return call_manager(ctl, "unban", "Unban", g_variant_new("(s)", owner), NULL, NULL);
}

static int do_bans(Ctl *ctl, int argc, char **argv)
{
	g_autoptr(GVariant) reply = NULL, bans = NULL;
	g_autofree char *text = NULL;
	int status;

	if (!parse_command("bans", NULL, NULL, &argc, &argv))
		return EXIT_USAGE;
	status = expect_arguments("bans", argc, argv, 0);
	if (status == EXIT_SUCCESS)
		status = call_manager(ctl, "bans", "ListBans", NULL, G_VARIANT_TYPE("(a(ss))"),
				      &reply);
	if (status != EXIT_SUCCESS)
		return status;
	bans = g_variant_get_child_value(reply, 0);
	text = af_ctl_format_bans(bans);
	return print_text(text);
}

static int do_reload(Ctl *ctl, int argc, char **argv)
{
	int status;

	if (!parse_command("reload", NULL, NULL, &argc, &argv))
		return EXIT_USAGE;
	status = expect_arguments("reload", argc, argv, 0);
	if (status != EXIT_SUCCESS)
		return status;
	return call_manager(ctl, "reload", "Reload", NULL, NULL, NULL);
}

static const struct {
	const char *name;
	int (*run)(Ctl *ctl, int argc, char **argv);
} commands[] = {
	{"status", do_status}, {"plan", do_plan}, {"explain", do_explain}, {"ban", do_ban},
	{"unban", do_unban},   {"bans", do_bans}, {"reload", do_reload},
};

int main(int argc, char **argv)
{
	gboolean system = FALSE, version = FALSE;
	g_auto(Ctl) ctl = {0};
	GOptionEntry entries[] = {
		{"system", 0, 0, G_OPTION_ARG_NONE, &system, "Talk over the system bus (default)",
		 NULL},
		{"session", 0, 0, G_OPTION_ARG_NONE, &ctl.session, "Talk over the session bus",
		 NULL},
		{"address", 0, 0, G_OPTION_ARG_STRING, &ctl.address,
		 "Talk over the bus at ADDRESS (unix:path=...)", "ADDRESS"},
		{"version", 'V', 0, G_OPTION_ARG_NONE, &version, "Print the version and exit",
		 NULL},
		{NULL},
	};
	g_autoptr(GOptionContext) context = g_option_context_new("COMMAND [ARGUMENTS]");
	g_autoptr(GError) error = NULL;

	setlocale(LC_ALL, "");
	g_option_context_set_summary(context, "Asks the running affinityd over D-Bus.");
	g_option_context_set_description(context, summary);
	g_option_context_add_main_entries(context, entries, NULL);
	/* Options after the command are the command's own. */
	g_option_context_set_strict_posix(context, TRUE);
	if (!g_option_context_parse(context, &argc, &argv, &error))
		return usage_error("%s", error->message);
	if (version) {
		printf("affinityctl %s\n", PACKAGE_VERSION);
		return EXIT_SUCCESS;
	}
	if ((system + ctl.session + (ctl.address != NULL)) > 1)
		return usage_error("--system, --session and --address exclude each other");
	if (argc < 2)
		return usage_error("a command is needed: status, plan, explain, ban, unban, bans "
				   "or reload");
	(void)af_dbus_error_quark();
	for (gsize i = 0; i < G_N_ELEMENTS(commands); i++)
		if (g_str_equal(argv[1], commands[i].name))
			return commands[i].run(&ctl, argc - 1, argv + 1);
	return usage_error("unknown command '%s'", argv[1]);
}
