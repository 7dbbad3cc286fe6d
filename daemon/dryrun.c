/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "engine.h"
#include "log.h"
#include "modes.h"
#include "report.h"
#include "statedir.h"
#include "whatif.h"

/*
 * --dry-run: the engine's read and plan, printed. Nothing is written anywhere.
 * With --offline the engine reads and plans the machine twice: as it is (the
 * baseline of the advisor's findings) and as if those CPUs were offline
 * (what is printed).
 */

static int print_all(const char *text)
{
	if (fputs(text, stdout) < 0 || fflush(stdout) != 0) {
		af_log_error("Failed to print the plan: %s", g_strerror(errno));
		return 1;
	}
	return 0;
}

/* The exit status of the advisor: 3 under --strict when the offline causes a finding. */
static int advise(const AfOptions *options, AfEngine *engine, AfLearned *learned)
{
	g_autoptr(GPtrArray) baseline =
		af_whatif_assess(engine->snapshot, engine->hk, engine->plan);
	g_autoptr(AfWhatIf) what_if = g_new0(AfWhatIf, 1);
	g_autoptr(GError) error = NULL;
	g_autofree char *text = NULL;
	guint caused;
	int status;

	af_engine_what_if_offline(engine, options->offline);
	if (af_engine_read(engine, learned, FALSE, &error) < 0 ||
	    af_engine_plan(engine, NULL, NULL, &error) < 0) {
		af_log_error("%s", error->message);
		return 1;
	}
	what_if->offline = af_cpuset_copy(options->offline);
	what_if->findings = af_whatif_assess(engine->snapshot, engine->hk, engine->plan);
	caused = af_whatif_mark_caused(what_if->findings, baseline);
	text = options->json ? af_report_format_json_what_if(engine->snapshot, engine->hk,
							     engine->plan, what_if)
			     : af_report_format_table_what_if(engine->snapshot, engine->hk,
							      engine->plan, what_if);
	status = print_all(text);
	if (status == 0 && options->strict && caused > 0)
		return 3;
	return status;
}

int af_mode_dry_run(const AfOptions *options)
{
	g_autoptr(AfEngine) engine = NULL;
	g_autoptr(AfStateDir) statedir = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *text = NULL;

	/* The operator reads the plan on stdout and any complaint on stderr. */
	af_log_init(TRUE, options->debug);
	if (af_engine_open(&options->engine, &engine, &error) < 0) {
		af_log_error("%s", error->message);
		return 1;
	}
	/* The learned IRQs come from where the daemon keeps them, read only; a
	 * --sysroot tree is another machine, about which this host learned nothing. */
	statedir = af_statedir_open_for(options->state_dir, engine->policy->state_dir,
					engine->sysroot, TRUE);
	/* The persistent bans and the last placement too: the plan is the one the
	 * daemon would make at start. */
	af_engine_resume(engine, statedir->state);
	if (af_engine_read(engine, statedir->state->learned, FALSE, &error) < 0 ||
	    af_engine_plan(engine, NULL, NULL, &error) < 0) {
		af_log_error("%s", error->message);
		return 1;
	}
	if (options->offline)
		return advise(options, engine, statedir->state->learned);
	text = options->json ? af_report_format_json(engine->snapshot, engine->hk, engine->plan)
			     : af_report_format_table(engine->snapshot, engine->hk, engine->plan);
	return print_all(text);
}
