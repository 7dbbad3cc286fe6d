/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The machine's warnings in the log: what the dry-run lists under
 * "Warnings" (the snapshot's, the kernel command line's, housekeeping's
 * and the plan's own: a configured CPU the machine does not have, a file
 * that does not parse, managed IRQs on isolated CPUs), logged by --oneshot
 * and the daemon, each once while it holds.
 */

#include <glib.h>

#include "engine.h"

/*
 * Logs every warning of the engine's last read and plan that is not in
 * warned, and leaves warned holding exactly the current ones (a set of
 * strings, g_str_hash/g_str_equal, owning them): a warning that goes away
 * and comes back is logged again. Returns how many were logged.
 */
guint af_warnings_log_new(GHashTable *warned, const AfEngine *engine);
