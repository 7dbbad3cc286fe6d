/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "modes.h"
#include "options.h"

static void options_clear(AfOptions *o)
{
	g_free(o->sysroot);
	g_free(o->config);
	g_free(o->config_dropins);
	g_free(o->state_dir);
	g_free(o->bus);
	af_cpuset_free(o->offline);
}

/* --offline: a cpulist as the kernel writes them; the advisor checks it against the machine. */
static int parse_offline(const char *list, AfOptions *o)
{
	int r = af_cpuset_parse_list(list, &o->offline);

	if (r < 0) {
		fprintf(stderr, "affinityd: --offline '%s': not a CPU list\n", list);
		return r;
	}
	if (af_cpuset_is_empty(o->offline)) {
		fprintf(stderr, "affinityd: --offline '%s' names no CPU\n", list);
		return -EINVAL;
	}
	return 0;
}

static int parse_options(int argc, char **argv, AfOptions *o)
{
	gboolean dry_run = FALSE, oneshot = FALSE, version = FALSE;
	g_autofree char *offline = NULL;
	const GOptionEntry entries[] = {
		{ "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
		  "Print the plan for this machine and exit; write nothing", NULL },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &o->json,
		  "With --dry-run: print the plan as JSON", NULL },
		{ "offline", 0, 0, G_OPTION_ARG_STRING, &offline,
		  "With --dry-run: plan as if CPULIST were offline and report what it leaves on "
		  "isolated CPUs or on one CPU",
		  "CPULIST" },
		{ "strict", 0, 0, G_OPTION_ARG_NONE, &o->strict,
		  "With --offline: exit 3 when taking the CPUs offline causes such a finding", NULL },
		{ "oneshot", 0, 0, G_OPTION_ARG_NONE, &oneshot,
		  "Plan and apply once, then exit", NULL },
		{ "sysroot", 0, 0, G_OPTION_ARG_FILENAME, &o->sysroot,
		  "Read (and write) /proc and /sys under DIR", "DIR" },
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &o->config,
		  "Configuration file (default " AF_SYSCONFDIR "/affinityd/affinityd.conf)", "FILE" },
		{ "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &o->state_dir,
		  "State directory (default: the config's state_dir, else $STATE_DIRECTORY, "
		  "else " AF_LOCALSTATEDIR "/lib/affinityd)",
		  "DIR" },
		{ "bus", 0, 0, G_OPTION_ARG_STRING, &o->bus,
		  "Serve the D-Bus API on the bus at ADDRESS, or \"none\" (default: the system "
		  "bus; none with --sysroot)",
		  "ADDRESS" },
		{ "foreground", 'f', 0, G_OPTION_ARG_NONE, &o->foreground,
		  "Log plain lines to stderr, not to the journal", NULL },
		{ "debug", 'd', 0, G_OPTION_ARG_NONE, &o->debug, "Log debug messages", NULL },
		{ "version", 'V', 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
		{ NULL },
	};
	g_autoptr(GOptionContext) context = g_option_context_new(NULL);
	g_autoptr(GError) error = NULL;

	g_option_context_set_summary(context,
		"Places hardware interrupts on housekeeping CPUs, near their devices.");
	g_option_context_add_main_entries(context, entries, NULL);
	if (!g_option_context_parse(context, &argc, &argv, &error)) {
		fprintf(stderr, "affinityd: %s (see affinityd --help)\n", error->message);
		return -1;
	}
	if (argc > 1) {
		fprintf(stderr, "affinityd: unexpected argument '%s' (see affinityd --help)\n",
			argv[1]);
		return -1;
	}
	if (version) {
		printf("affinityd %s\n", PACKAGE_VERSION);
		exit(EXIT_SUCCESS);
	}
	if (dry_run && oneshot) {
		fprintf(stderr, "affinityd: --dry-run and --oneshot exclude each other\n");
		return -1;
	}
	if (o->json && !dry_run) {
		fprintf(stderr, "affinityd: --json needs --dry-run\n");
		return -1;
	}
	if (o->bus && (dry_run || oneshot)) {
		fprintf(stderr, "affinityd: --bus is for the daemon, not --dry-run or --oneshot\n");
		return -1;
	}
	if (offline && !dry_run) {
		fprintf(stderr, "affinityd: --offline needs --dry-run\n");
		return -1;
	}
	if (o->strict && !offline) {
		fprintf(stderr, "affinityd: --strict needs --offline\n");
		return -1;
	}
	if (offline && parse_offline(offline, o) < 0)
		return -1;
	o->mode = dry_run ? AF_MODE_DRY_RUN : oneshot ? AF_MODE_ONESHOT : AF_MODE_DAEMON;
	if (!o->sysroot)
		o->sysroot = g_strdup("/");
	o->config_given = o->config != NULL;
	if (!o->config)
		o->config = g_build_filename(AF_SYSCONFDIR, "affinityd", "affinityd.conf", NULL);
	o->config_dropins = g_strconcat(o->config, ".d", NULL);
	o->engine = (AfEngineSetup){
		.root = o->sysroot,
		.config = o->config,
		.config_required = o->config_given,
		.dropins = o->config_dropins,
		.read_only = o->mode == AF_MODE_DRY_RUN,
	};
	return 0;
}

int main(int argc, char **argv)
{
	AfOptions options = { 0 };
	int status = EXIT_FAILURE;

	setlocale(LC_ALL, "");
	if (parse_options(argc, argv, &options) < 0) {
		options_clear(&options);
		return 2;
	}
	switch (options.mode) {
	case AF_MODE_DRY_RUN:
		status = af_mode_dry_run(&options);
		break;
	case AF_MODE_ONESHOT:
		status = af_mode_oneshot(&options);
		break;
	case AF_MODE_DAEMON:
		status = af_mode_daemon(&options);
		break;
	}
	options_clear(&options);
	return status;
}
