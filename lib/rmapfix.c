/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "rmapfix.h"

/*
 * Where the built-in table comes from:
 * - 7.0: dd9f6d30c640 was merged for v7.0 (tip irq/core, January 2026).
 * - 6.19.y and 6.18.y: the backport was proposed by AUTOSEL on
 *   2026-02-11 ("[PATCH AUTOSEL 6.19-6.18] genirq/cpuhotplug: Notify about
 *   affinity changes breaking the affinity mask", linux-kernel). The first
 *   6.19.y and 6.18.y releases that carry it could not be pinned from the
 *   stable review mails and changelogs at hand, so neither series is listed:
 *   a release that is not proven fixed counts as not fixed, and the only
 *   cost is a redundant write per affected IRQ and hotplug event. An
 *   operator who knows better sets [network] arfs_fixed_in=, e.g.
 *   "7.0,6.19.N,6.18.M".
 * - Debian's 6.12.118 (6.12.y) does not carry it: checked on the kernel
 *   (KERNEL.md), and no 6.12.y backport exists.
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

typedef struct {
	AfCpuSet *mask;
	AfCpuSet *serving; /* NULL unknown */
} Shown;

struct AfRmapLook {
	GHashTable *irqs; /* GUINT_TO_POINTER(irq) -> Shown* */
};

static void shown_free(Shown *shown)
{
	af_cpuset_free(shown->mask);
	af_cpuset_free(shown->serving);
	g_free(shown);
}

AfRmapLook *af_rmapfix_look_new(const AfSnapshot *snapshot, AfPlacement *placement)
{
	AfRmapLook *look = g_new0(AfRmapLook, 1);

	look->irqs = g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify)shown_free);
	for (guint i = 0; snapshot && i < snapshot->irqs->len; i++) {
		const AfIrq *irq = snapshot->irqs->pdata[i];
		const AfCpuSet *planned =
			placement ? g_hash_table_lookup(placement, GUINT_TO_POINTER(irq->irq))
				  : NULL;
		Shown *shown;

		if (!irq->arfs)
			continue;
		shown = g_new0(Shown, 1);
		/* After the apply the kernel shows the planned mask, and a one-CPU
		 * mask is where the IRQ goes. */
		shown->mask = af_cpuset_copy(planned ? planned : irq->affinity);
		shown->serving = af_cpuset_count(shown->mask) == 1 ? af_cpuset_copy(shown->mask)
								   : af_cpuset_copy(irq->effective);
		g_hash_table_insert(look->irqs, GUINT_TO_POINTER(irq->irq), shown);
	}
	return look;
}

void af_rmapfix_look_free(AfRmapLook *look)
{
	if (!look)
		return;
	g_hash_table_unref(look->irqs);
	g_free(look);
}

guint af_rmapfix_ask_refresh(const AfRmapLook *before, const AfSnapshot *after,
			     const AfPolicy *policy, AfLimits *limits)
{
	guint n = 0;

	for (guint i = 0; before && after && i < after->irqs->len; i++) {
		const AfIrq *irq = after->irqs->pdata[i];
		const Shown *shown = g_hash_table_lookup(before->irqs, GUINT_TO_POINTER(irq->irq));
		AfNetPolicy net;

		if (!irq->arfs || !shown)
			continue;
		if (af_cpuset_equal(shown->mask, irq->affinity) &&
		    (!irq->effective || !shown->serving ||
		     af_cpuset_equal(shown->serving, irq->effective)))
			continue;
		af_policy_network_for(policy, irq->interface, &net);
		if (!af_rmapfix_wanted(net.arfs_refresh, after->kernel_release,
				       policy->arfs_fixed_in))
			continue;
		af_limits_refresh(limits, irq->irq);
		n++;
	}
	return n;
}
