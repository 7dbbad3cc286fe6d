/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "housekeeping.h"
#include "learned.h"
#include "modes.h"
#include "planner.h"
#include "policy.h"
#include "report.h"
#include "snapshot.h"
#include "statedir.h"
#include "sysroot.h"

/* Dry-run promises to write nothing: a write that slips through fails here. */
static int refuse_write(const char *path, const char *data, gpointer user_data)
{
	return -EROFS;
}

/* The learned IRQs, or NULL when there are none to read; never fatal. */
static GHashTable *load_learned(const char *state_dir)
{
	GHashTable *learned = NULL;
	int r;

	if (!state_dir)
		return NULL;
	r = af_learned_load(state_dir, &learned);
	if (r == -ENOENT)
		return NULL;
	if (r < 0) {
		fprintf(stderr, "affinityd: Failed to read %s/%s, ignoring: %s\n", state_dir,
			AF_LEARNED_FILE, g_strerror(-r));
		return NULL;
	}
	return learned;
}

static int print_all(const char *text)
{
	if (fputs(text, stdout) < 0 || fflush(stdout) != 0) {
		fprintf(stderr, "affinityd: Failed to print the plan: %s\n", g_strerror(errno));
		return 1;
	}
	return 0;
}

int af_mode_dry_run(const AfOptions *options)
{
	g_autoptr(AfSysroot) sysroot = NULL;
	g_autoptr(AfPolicy) policy = NULL;
	g_autoptr(GHashTable) learned = NULL;
	g_autoptr(AfSnapshot) snapshot = NULL;
	g_autoptr(AfHousekeeping) hk = NULL;
	g_autoptr(AfPlan) plan = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *text = NULL, *state_dir = NULL;
	int r;

	r = af_sysroot_open(options->sysroot, &sysroot);
	if (r < 0) {
		fprintf(stderr, "affinityd: Failed to open %s: %s\n", options->sysroot,
			g_strerror(-r));
		return 1;
	}
	af_sysroot_set_write_filter(sysroot, refuse_write, NULL);

	r = af_policy_load(options->config, options->config_dropins, &policy, &error);
	if (r < 0) {
		/* The policy's message already reads "PATH:LINE: reason". */
		fprintf(stderr, "affinityd: %s\n",
			error ? error->message : g_strerror(-r));
		return 1;
	}

	/* The learned IRQs come from where the daemon keeps them (statedir.h); a
	 * --sysroot tree is another machine, about which this host learned nothing. */
	state_dir = af_statedir_choose(options->state_dir, policy->state_dir,
				       g_getenv("STATE_DIRECTORY"), af_sysroot_is_live(sysroot));
	learned = load_learned(state_dir);

	r = af_snapshot_read(sysroot, learned, &snapshot);
	if (r < 0) {
		fprintf(stderr, "affinityd: Failed to read the machine under %s: %s\n",
			options->sysroot, g_strerror(-r));
		return 1;
	}
	r = af_housekeeping_read(sysroot, snapshot->cmdline, snapshot->online, snapshot->possible,
				 policy, &hk);
	if (r < 0) {
		fprintf(stderr, "affinityd: Failed to work out the housekeeping CPUs: %s\n",
			g_strerror(-r));
		return 1;
	}
	r = af_plan_compute(snapshot, hk, policy, NULL, NULL, &plan);
	if (r < 0) {
		fprintf(stderr, "affinityd: Failed to plan: %s\n", g_strerror(-r));
		return 1;
	}

	text = options->json ? af_report_format_json(snapshot, hk, plan)
			     : af_report_format_table(snapshot, hk, plan);
	return print_all(text);
}
