/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "bans.h"

struct AfBans {
	GPtrArray *list; /* AfBan*, sorted by name */
};

static void free_ban(gpointer data)
{
	AfBan *ban = data;

	g_free(ban->name);
	af_cpuset_free(ban->cpus);
	g_free(ban);
}

AfBans *af_bans_new(void)
{
	AfBans *bans = g_new0(AfBans, 1);

	bans->list = g_ptr_array_new_with_free_func(free_ban);
	return bans;
}

void af_bans_free(AfBans *bans)
{
	if (!bans)
		return;
	g_ptr_array_unref(bans->list);
	g_free(bans);
}

static AfBan *new_ban(const char *name, const AfCpuSet *cpus)
{
	AfBan *ban = g_new0(AfBan, 1);

	ban->name = g_strdup(name);
	ban->cpus = af_cpuset_copy(cpus);
	return ban;
}

AfBans *af_bans_copy(const AfBans *bans)
{
	AfBans *copy;

	if (!bans)
		return NULL;
	copy = af_bans_new();
	for (guint i = 0; i < bans->list->len; i++) {
		const AfBan *ban = bans->list->pdata[i];

		g_ptr_array_add(copy->list, new_ban(ban->name, ban->cpus));
	}
	return copy;
}

/* The index of name, or where it belongs (with *ret_found FALSE). */
static guint find(const AfBans *bans, const char *name, gboolean *ret_found)
{
	guint lo = 0, hi = bans->list->len;

	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;
		int c = strcmp(((const AfBan *)bans->list->pdata[mid])->name, name);

		if (c == 0) {
			*ret_found = TRUE;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*ret_found = FALSE;
	return lo;
}

gboolean af_bans_set(AfBans *bans, const char *name, const AfCpuSet *cpus)
{
	gboolean found;
	guint i = find(bans, name, &found);
	AfBan *ban;

	if (af_cpuset_is_empty(cpus)) {
		if (found)
			g_ptr_array_remove_index(bans->list, i);
		return found;
	}
	if (!found) {
		g_ptr_array_insert(bans->list, (gint)i, new_ban(name, cpus));
		return TRUE;
	}
	ban = bans->list->pdata[i];
	if (af_cpuset_equal(ban->cpus, cpus))
		return FALSE;
	af_cpuset_assign(ban->cpus, cpus);
	return TRUE;
}

const AfCpuSet *af_bans_get(const AfBans *bans, const char *name)
{
	gboolean found;
	guint i;

	if (!bans)
		return NULL;
	i = find(bans, name, &found);
	return found ? ((const AfBan *)bans->list->pdata[i])->cpus : NULL;
}

guint af_bans_count(const AfBans *bans)
{
	return bans ? bans->list->len : 0;
}

const AfBan *af_bans_nth(const AfBans *bans, guint n)
{
	g_assert(bans && n < bans->list->len);
	return bans->list->pdata[n];
}

AfCpuSet *af_bans_union(const AfBans *bans)
{
	AfCpuSet *all = af_cpuset_new();

	for (guint i = 0; i < af_bans_count(bans); i++)
		af_cpuset_or(all, af_bans_nth(bans, i)->cpus);
	return all;
}
