/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "learned.h"

AfLearned *af_learned_new(void)
{
	return g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
}

void af_learned_add(AfLearned *learned, guint irq, const char *name)
{
	g_hash_table_replace(learned, GUINT_TO_POINTER(irq), g_strdup(name ? name : ""));
}

gboolean af_learned_contains(const AfLearned *learned, guint irq, const char *name)
{
	const char *known;

	if (!learned)
		return FALSE;
	known = g_hash_table_lookup((GHashTable *)learned, GUINT_TO_POINTER(irq));
	return known && g_str_equal(known, name ? name : "");
}
