/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "policy.h"
#include "statedir.h"

static void go_in_memory(AfStateDir *statedir, const char *why)
{
	af_log_warning("State directory %s is not usable (%s): learned IRQs, original "
		       "affinities and persistent bans are kept in memory only and lost on exit",
		       statedir->path, why);
	g_clear_pointer(&statedir->path, g_free);
}

typedef int (*ParseFunc)(AfState *state, const char *text, guint *ret_line);

/*
 * Loads one file of the state; a broken one leaves its part empty and is
 * set aside (unless read-only: a look must not move files).
 */
static void load_file(AfStateDir *statedir, const char *name, ParseFunc parse)
{
	g_autofree char *file = g_build_filename(statedir->path, name, NULL);
	g_autofree char *broken = NULL, *text = NULL;
	g_autoptr(GError) error = NULL;
	const char *what;
	guint line = 0;
	int r;

	if (!g_file_get_contents(file, &text, NULL, &error)) {
		if (!g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
			af_log_warning("Failed to read %s, starting without it: %s", file,
				       error->message);
		return;
	}
	r = parse(statedir->state, text, &line);
	if (r == 0)
		return;
	what = r == -EBADMSG ? "torn or changed (its end line is missing or does not match)"
			     : "not a valid line";
	if (statedir->read_only) {
		af_log_warning("%s:%u: %s, ignoring the file", file, line, what);
		return;
	}
	/* Keep the file for a human: it may hold the only copy of the originals. */
	broken = g_strconcat(file, ".broken", NULL);
	af_log_warning("%s:%u: %s; moved the file to %s and starting without it", file, line, what,
		       broken);
	(void)g_rename(file, broken);
}

static void load_state(AfStateDir *statedir)
{
	load_file(statedir, AF_STATE_LEARNED_FILE, af_state_parse_learned);
	load_file(statedir, AF_STATE_ORIGINALS_FILE, af_state_parse_originals);
	load_file(statedir, AF_STATE_BANS_FILE, af_state_parse_bans);
	load_file(statedir, AF_STATE_PLACED_FILE, af_state_parse_placed);
}

AfStateDir *af_statedir_open(const char *path)
{
	AfStateDir *statedir = g_new0(AfStateDir, 1);

	statedir->state = af_state_new();
	if (!path)
		return statedir;
	statedir->path = g_strdup(path);
	if (g_mkdir_with_parents(path, 0755) < 0) {
		go_in_memory(statedir, g_strerror(errno));
		return statedir;
	}
	if (access(path, W_OK) < 0) {
		go_in_memory(statedir, g_strerror(errno));
		return statedir;
	}
	load_state(statedir);
	return statedir;
}

AfStateDir *af_statedir_open_readonly(const char *path)
{
	AfStateDir *statedir = g_new0(AfStateDir, 1);

	statedir->state = af_state_new();
	statedir->read_only = TRUE;
	if (!path)
		return statedir;
	statedir->path = g_strdup(path);
	load_state(statedir);
	return statedir;
}

char *af_statedir_choose(const char *option, const char *configured, const char *state_directory,
			 gboolean live)
{
	g_autofree char *first = NULL;

	if (option)
		return g_strdup(option);
	if (!live)
		return NULL;
	if (configured && !g_str_equal(configured, AF_DEFAULT_STATE_DIR))
		return g_strdup(configured);
	/* StateDirectory=affinityd: the one directory ProtectSystem=strict leaves
	 * writable, wherever configure put AF_DEFAULT_STATE_DIR. With several
	 * StateDirectory= entries systemd joins them with ':'. */
	if (state_directory) {
		first = g_strndup(state_directory, strcspn(state_directory, ":"));
		if (g_path_is_absolute(first))
			return g_steal_pointer(&first);
	}
	return g_strdup(AF_DEFAULT_STATE_DIR);
}

AfStateDir *af_statedir_open_for(const char *option, const char *configured,
				 const AfSysroot *sysroot, gboolean read_only)
{
	g_autofree char *path = af_statedir_choose(option, configured, g_getenv("STATE_DIRECTORY"),
						   af_sysroot_is_live(sysroot));
	AfStateDir *statedir;

	if (read_only) {
		af_log_debug("Learned IRQs from %s", path ? path : "nowhere (a --sysroot tree)");
		return af_statedir_open_readonly(path);
	}
	if (!path) {
		af_log_info("No --state-dir for sysroot %s: learned IRQs, original affinities "
			    "and persistent bans are kept in memory only",
			    af_sysroot_path(sysroot));
		return af_statedir_open(NULL);
	}
	statedir = af_statedir_open(path);
	if (af_statedir_is_persistent(statedir))
		af_log_info("State directory: %s", path);
	return statedir;
}

void af_statedir_free(AfStateDir *statedir)
{
	if (!statedir)
		return;
	g_free(statedir->path);
	af_state_free(statedir->state);
	g_free(statedir);
}

gboolean af_statedir_is_persistent(const AfStateDir *statedir)
{
	return statedir->path != NULL;
}

static int save_file(AfStateDir *statedir, const char *name, const char *text, gboolean durable)
{
	g_autofree char *file = g_build_filename(statedir->path, name, NULL);
	g_autoptr(GError) error = NULL;

	/* A temporary file, fsync and rename: a crash leaves the old or the new file
	 * (CONSISTENT alone skips the fsync where the file did not exist yet). */
	if (!g_file_set_contents_full(file, text, -1,
				      G_FILE_SET_CONTENTS_CONSISTENT |
					      (durable ? G_FILE_SET_CONTENTS_DURABLE : 0),
				      0644, &error)) {
		go_in_memory(statedir, error->message);
		return -EIO;
	}
	return 0;
}

int af_statedir_save(AfStateDir *statedir)
{
	g_autofree char *learned = NULL, *originals = NULL, *bans = NULL;
	int r;

	if (!statedir->path || statedir->read_only)
		return 0;
	learned = af_state_format_learned(statedir->state);
	originals = af_state_format_originals(statedir->state);
	bans = af_state_format_bans(statedir->state);
	r = save_file(statedir, AF_STATE_LEARNED_FILE, learned, TRUE);
	if (r < 0)
		return r;
	r = save_file(statedir, AF_STATE_ORIGINALS_FILE, originals, TRUE);
	if (r < 0)
		return r;
	r = save_file(statedir, AF_STATE_BANS_FILE, bans, TRUE);
	if (r < 0)
		return r;
	return af_statedir_save_placed(statedir);
}

int af_statedir_save_placed(AfStateDir *statedir)
{
	g_autofree char *placed = NULL;

	if (!statedir->path || statedir->read_only)
		return 0;
	placed = af_state_format_placed(statedir->state);
	/* A hint checked against the kernel on every use: no fsync in a hotplug's path. */
	return save_file(statedir, AF_STATE_PLACED_FILE, placed, FALSE);
}
