/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "rmapfix.h"

/*
 * Where the built-in table comes from (stable mailing list archives):
 * - 7.0: dd9f6d30c640 was merged for v7.0 (tip irq/core, January 2026).
 * - 6.19.6: AUTOSEL proposed the backport on 2026-02-11 ("[PATCH AUTOSEL
 *   6.19-6.18] genirq/cpuhotplug: Notify about affinity changes breaking the
 *   affinity mask"); it is patch 100 of "[PATCH 6.19 000/844] 6.19.6-rc1
 *   review" (2026-02-28, <20260228173244.1509663-101-sashal@kernel.org>).
 * - 6.18.16: linux-stable's push of 2026-03-04 that tagged v6.18.16 carries
 *   it (aae391a79f2a on linux-6.18.y).
 * - Debian's 6.12.118 (6.12.y) does not carry it: checked on the kernel
 *   (KERNEL.md), and no 6.12.y backport exists.
 * A release the table does not prove fixed counts as not fixed: the cost is
 * one redundant write per affected IRQ and hotplug event.
 */

static gboolean parse_number(const char **p, guint *ret)
{
	guint64 n = 0;

	if (!g_ascii_isdigit(**p))
		return FALSE;
	while (g_ascii_isdigit(**p)) {
		n = n * 10 + (guint64)(**p - '0');
		if (n > G_MAXUINT16)
			return FALSE;
		(*p)++;
	}
	*ret = (guint)n;
	return TRUE;
}

int af_rmapfix_parse_release(const char *release, AfKernelVersion *ret_version)
{
	AfKernelVersion v = {0};
	const char *p = release;

	if (!p || !parse_number(&p, &v.major) || *p != '.')
		return -EINVAL;
	p++;
	if (!parse_number(&p, &v.minor))
		return -EINVAL;
	/* "7.0-rc1" has no patch level; "6.1.0-56" has one. */
	if (*p == '.') {
		p++;
		if (!parse_number(&p, &v.patch))
			return -EINVAL;
	}
	*ret_version = v;
	return 0;
}

static int parse_entry(const char *text, AfKernelVersion *ret)
{
	AfKernelVersion v = {0};
	const char *p = text;

	if (!parse_number(&p, &v.major) || *p++ != '.' || !parse_number(&p, &v.minor))
		return -EINVAL;
	if (*p == '\0') {
		v.mainline = TRUE;
	} else if (*p++ != '.' || !parse_number(&p, &v.patch) || *p != '\0') {
		return -EINVAL;
	}
	*ret = v;
	return 0;
}

int af_rmapfix_parse_table(const char *text, GArray **ret_table)
{
	g_autoptr(GArray) table = g_array_new(FALSE, FALSE, sizeof(AfKernelVersion));
	g_auto(GStrv) parts = g_strsplit(text ? text : "", ",", -1);

	for (guint i = 0; parts[i]; i++) {
		AfKernelVersion v;

		g_strstrip(parts[i]);
		if (parse_entry(parts[i], &v) < 0)
			return -EINVAL;
		g_array_append_val(table, v);
	}
	if (table->len == 0)
		return -EINVAL;
	*ret_table = g_steal_pointer(&table);
	return 0;
}

static int compare_series(const AfKernelVersion *a, const AfKernelVersion *b)
{
	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	return 0;
}

gboolean af_rmapfix_release_has_fix(const char *release, const char *table)
{
	g_autoptr(GArray) entries = NULL;
	AfKernelVersion v;

	if (af_rmapfix_parse_release(release, &v) < 0)
		return FALSE;
	if (af_rmapfix_parse_table(table ? table : AF_RMAPFIX_BUILTIN_TABLE, &entries) < 0)
		return FALSE;
	for (guint i = 0; i < entries->len; i++) {
		const AfKernelVersion *e = &g_array_index(entries, AfKernelVersion, i);
		int series = compare_series(&v, e);

		if (e->mainline && series >= 0)
			return TRUE;
		if (!e->mainline && series == 0 && v.patch >= e->patch)
			return TRUE;
	}
	return FALSE;
}

gboolean af_rmapfix_wanted(AfArfsRefresh mode, const char *release, const char *table)
{
	switch (mode) {
	case AF_ARFS_REFRESH_ON:
		return TRUE;
	case AF_ARFS_REFRESH_OFF:
		return FALSE;
	case AF_ARFS_REFRESH_AUTO:
		return !af_rmapfix_release_has_fix(release, table);
	}
	return TRUE;
}
