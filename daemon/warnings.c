/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "log.h"
#include "warnings.h"

guint af_warnings_log_new(GHashTable *warned, const AfEngine *engine)
{
	const GPtrArray *lists[] = {
		engine->snapshot ? engine->snapshot->warnings : NULL,
		engine->snapshot && engine->snapshot->cmdline ? engine->snapshot->cmdline->warnings
							      : NULL,
		engine->hk ? engine->hk->warnings : NULL,
		engine->plan ? engine->plan->warnings : NULL,
	};
	g_autoptr(GHashTable) now = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GHashTableIter iter;
	gpointer key;
	guint logged = 0;

	for (guint l = 0; l < G_N_ELEMENTS(lists); l++) {
		for (guint i = 0; lists[l] && i < lists[l]->len; i++) {
			const char *w = g_ptr_array_index(lists[l], i);

			/* The command line's warnings may be the snapshot's too: once. */
			if (!g_hash_table_add(now, g_strdup(w)))
				continue;
			if (!g_hash_table_contains(warned, w)) {
				af_log_warning("%s", w);
				logged++;
			}
		}
	}
	g_hash_table_remove_all(warned);
	g_hash_table_iter_init(&iter, now);
	while (g_hash_table_iter_next(&iter, &key, NULL)) {
		g_hash_table_iter_steal(&iter);
		g_hash_table_add(warned, key);
	}
	return logged;
}
