/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "ownerbans.h"

struct AfOwnerBans {
	GHashTable *by_owner; /* owner (owned by the AfOwnerBan) -> AfOwnerBan* */
};

static void ban_free(AfOwnerBan *ban)
{
	if (!ban)
		return;
	g_free(ban->owner);
	af_cpuset_free(ban->cpus);
	g_free(ban);
}

AfOwnerBans *af_owner_bans_new(void)
{
	AfOwnerBans *bans = g_new0(AfOwnerBans, 1);

	bans->by_owner =
		g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)ban_free);
	return bans;
}

void af_owner_bans_free(AfOwnerBans *bans)
{
	if (!bans)
		return;
	g_hash_table_unref(bans->by_owner);
	g_free(bans);
}

gboolean af_owner_bans_owner_is_valid(const char *owner)
{
	size_t length;

	if (!owner)
		return FALSE;
	length = strlen(owner);
	if (length == 0 || length > AF_OWNER_BANS_OWNER_MAX)
		return FALSE;
	for (const char *p = owner; *p; p++)
		if (!g_ascii_isalnum(*p) && !strchr("_.:@-", *p))
			return FALSE;
	return TRUE;
}

gboolean af_owner_bans_set(AfOwnerBans *bans, const char *owner, const AfCpuSet *cpus,
			   gboolean persist)
{
	AfOwnerBan *ban = g_hash_table_lookup(bans->by_owner, owner);

	g_assert(af_owner_bans_owner_is_valid(owner) && !af_cpuset_is_empty(cpus));
	if (ban && af_cpuset_equal(ban->cpus, cpus) && ban->persist == persist)
		return FALSE;
	ban = g_new0(AfOwnerBan, 1);
	ban->owner = g_strdup(owner);
	ban->cpus = af_cpuset_copy(cpus);
	ban->persist = persist;
	/* The key lives in the value: replace both together. */
	g_hash_table_remove(bans->by_owner, owner);
	g_hash_table_insert(bans->by_owner, ban->owner, ban);
	return TRUE;
}

gboolean af_owner_bans_remove(AfOwnerBans *bans, const char *owner)
{
	return g_hash_table_remove(bans->by_owner, owner);
}

gboolean af_owner_bans_clear(AfOwnerBans *bans)
{
	gboolean any = g_hash_table_size(bans->by_owner) > 0;

	g_hash_table_remove_all(bans->by_owner);
	return any;
}

const AfOwnerBan *af_owner_bans_lookup(const AfOwnerBans *bans, const char *owner)
{
	return bans ? g_hash_table_lookup(bans->by_owner, owner) : NULL;
}

guint af_owner_bans_count(const AfOwnerBans *bans)
{
	return bans ? g_hash_table_size(bans->by_owner) : 0;
}

static gint compare_owner(gconstpointer a, gconstpointer b)
{
	const AfOwnerBan *x = *(const AfOwnerBan *const *)a, *y = *(const AfOwnerBan *const *)b;

	return strcmp(x->owner, y->owner);
}

GPtrArray *af_owner_bans_list(const AfOwnerBans *bans)
{
	GPtrArray *list = g_ptr_array_new();
	GHashTableIter iter;
	gpointer value;

	if (!bans)
		return list;
	g_hash_table_iter_init(&iter, bans->by_owner);
	while (g_hash_table_iter_next(&iter, NULL, &value))
		g_ptr_array_add(list, value);
	g_ptr_array_sort(list, compare_owner);
	return list;
}

AfCpuSet *af_owner_bans_union(const AfOwnerBans *bans)
{
	AfCpuSet *cpus = af_cpuset_new();
	GHashTableIter iter;
	gpointer value;

	if (!bans)
		return cpus;
	g_hash_table_iter_init(&iter, bans->by_owner);
	while (g_hash_table_iter_next(&iter, NULL, &value))
		af_cpuset_or(cpus, ((const AfOwnerBan *)value)->cpus);
	return cpus;
}

char *af_owner_bans_source_name(const char *owner)
{
	return g_strconcat(AF_OWNER_BANS_SOURCE_PREFIX, owner, NULL);
}
