/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "planlimits.h"

AfLimits *af_limits_new(void)
{
	AfLimits *limits = g_new0(AfLimits, 1);

	limits->excluded = af_cpuset_new();
	limits->held = g_hash_table_new(g_direct_hash, g_direct_equal);
	limits->narrow = g_hash_table_new(g_direct_hash, g_direct_equal);
	limits->refresh = g_hash_table_new(g_direct_hash, g_direct_equal);
	return limits;
}

void af_limits_free(AfLimits *limits)
{
	if (!limits)
		return;
	af_cpuset_free(limits->excluded);
	g_hash_table_unref(limits->held);
	g_hash_table_unref(limits->narrow);
	g_hash_table_unref(limits->refresh);
	g_free(limits);
}

void af_limits_exclude(AfLimits *limits, const AfCpuSet *cpus)
{
	if (cpus)
		af_cpuset_or(limits->excluded, cpus);
}

void af_limits_hold(AfLimits *limits, guint irq, AfHold why)
{
	g_hash_table_replace(limits->held, GUINT_TO_POINTER(irq), GUINT_TO_POINTER(why + 1));
}

gboolean af_limits_is_held(const AfLimits *limits, guint irq, AfHold *ret_why)
{
	guint value;

	if (!limits)
		return FALSE;
	value = GPOINTER_TO_UINT(g_hash_table_lookup(limits->held, GUINT_TO_POINTER(irq)));
	if (value == 0)
		return FALSE;
	if (ret_why)
		*ret_why = (AfHold)(value - 1);
	return TRUE;
}

void af_limits_refresh(AfLimits *limits, guint irq)
{
	g_hash_table_add(limits->refresh, GUINT_TO_POINTER(irq));
}

gboolean af_limits_wants_refresh(const AfLimits *limits, guint irq)
{
	return limits && g_hash_table_contains(limits->refresh, GUINT_TO_POINTER(irq));
}

guint af_limits_count_held(const AfLimits *limits, AfHold why)
{
	GHashTableIter iter;
	gpointer value;
	guint n = 0;

	g_hash_table_iter_init(&iter, limits->held);
	while (g_hash_table_iter_next(&iter, NULL, &value))
		n += GPOINTER_TO_UINT(value) == why + 1;
	return n;
}

AfCpuSet *af_limits_usable_cpus(const AfLimits *limits, const AfCpuSet *housekeeping,
				const AfCpuSet *online)
{
	AfCpuSet *cpus = housekeeping ? af_cpuset_copy(housekeeping) : af_cpuset_new();

	/* Housekeeping is online by construction; a set built by hand may not be. */
	if (!af_cpuset_is_empty(online))
		af_cpuset_and(cpus, online);
	if (limits && af_cpuset_intersects(cpus, limits->excluded) &&
	    !af_cpuset_is_subset(cpus, limits->excluded))
		af_cpuset_andnot(cpus, limits->excluded);
	return cpus;
}

const char *af_limits_hold_reason(AfHold why)
{
	switch (why) {
	case AF_HOLD_INTERVAL:
		return "load move held: minimum move interval not over";
	case AF_HOLD_FIGHT:
		return "held: another writer keeps changing it";
	}
	return "held";
}

void af_limits_narrow(AfLimits *limits, guint irq, AfNarrow why)
{
	g_hash_table_replace(limits->narrow, GUINT_TO_POINTER(irq), GUINT_TO_POINTER(why + 1));
}

gboolean af_limits_is_narrow(const AfLimits *limits, guint irq, AfNarrow *ret_why)
{
	guint value;

	if (!limits)
		return FALSE;
	value = GPOINTER_TO_UINT(g_hash_table_lookup(limits->narrow, GUINT_TO_POINTER(irq)));
	if (value == 0)
		return FALSE;
	if (ret_why)
		*ret_why = (AfNarrow)(value - 1);
	return TRUE;
}

const char *af_limits_narrow_reason(AfNarrow why)
{
	switch (why) {
	case AF_NARROW_MOVED:
		return "a wider mask moved it off its CPU";
	}
	return "narrowed";
}
