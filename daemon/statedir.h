/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * AfStateDir: the state directory (--state-dir, the config's state_dir, or
 * systemd's StateDirectory= through $STATE_DIRECTORY) holding the files
 * "learned", "originals", "bans" and "placed" (lib/state.h), each replaced
 * atomically on every save. Without a usable directory the state lives in memory only, and that
 * is said once.
 */

#include <glib.h>

#include "state.h"
#include "sysroot.h"

typedef struct AfStateDir {
	char *path;	    /* the directory; NULL when the state lives in memory only */
	AfState *state;	    /* never NULL */
	gboolean read_only; /* loaded for a look only (--dry-run): never written */
} AfStateDir;

/*
 * Opens (creating if needed) the directory at path and loads its state file;
 * path NULL means memory only. Never fails: an unusable directory means
 * memory only, a broken file is set aside as "FILE.broken" and the state
 * starts empty; each is logged once.
 */
AfStateDir *af_statedir_open(const char *path);
/*
 * Loads the state at path (may be NULL: empty state) for a look only: the
 * directory is not created, a broken file is skipped with a warning but not
 * set aside, and af_statedir_save() writes nothing. For --dry-run.
 */
AfStateDir *af_statedir_open_readonly(const char *path);
/*
 * The state directory a mode should use, as a new string, or NULL for
 * memory only. In order: option (--state-dir) when given; NULL for a
 * --sysroot tree (live FALSE): its IRQs are not this machine's; configured
 * (the config's state_dir) when it is set and not AF_DEFAULT_STATE_DIR; the
 * first of the colon-separated paths of state_directory (systemd's
 * $STATE_DIRECTORY, may be NULL) when it is absolute; AF_DEFAULT_STATE_DIR.
 * Pure: the caller reads the environment.
 */
char *af_statedir_choose(const char *option, const char *configured, const char *state_directory,
			 gboolean live);
/*
 * Opens the directory af_statedir_choose() picks with $STATE_DIRECTORY and
 * says which one it uses, or that a --sysroot tree keeps its state in
 * memory; read_only opens it with af_statedir_open_readonly() and says so
 * at debug level only (dry-run's stderr is the operator's).
 */
AfStateDir *af_statedir_open_for(const char *option, const char *configured,
				 const AfSysroot *sysroot, gboolean read_only);
/* Frees; accepts NULL. Does not save. */
void af_statedir_free(AfStateDir *statedir);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AfStateDir, af_statedir_free)
/*
 * Writes the state files atomically; on failure logs once and goes on in
 * memory. Writes nothing for a read-only state directory.
 */
int af_statedir_save(AfStateDir *statedir);
/* Writes the placed file alone (af_state_format_placed), atomically but without fsync. */
int af_statedir_save_placed(AfStateDir *statedir);
/* TRUE when the state is kept on disk. */
gboolean af_statedir_is_persistent(const AfStateDir *statedir);
