/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>

#include "fakemachine.h"
#include "rmapfix.h"

static void test_parse_release(void)
{
	static const struct {
		const char *release;
		int r;
		guint major, minor, patch;
	} cases[] = {
		{"6.1.0-56-amd64", 0, 6, 1, 0},
		{"6.12.118+deb12-amd64", 0, 6, 12, 118},
		{"7.0-rc1", 0, 7, 0, 0},
		{"7.0.0-rc3", 0, 7, 0, 0},
		{"6.18.44-fc-v1272", 0, 6, 18, 44},
		{"6", -EINVAL, 0, 0, 0},
		{"6.", -EINVAL, 0, 0, 0},
		{"", -EINVAL, 0, 0, 0},
		{"v6.1", -EINVAL, 0, 0, 0},
		{"99999999.1", -EINVAL, 0, 0, 0},
		{NULL, -EINVAL, 0, 0, 0},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		AfKernelVersion v = {0};

		g_test_message("release %s", cases[i].release ? cases[i].release : "(null)");
		g_assert_cmpint(af_rmapfix_parse_release(cases[i].release, &v), ==, cases[i].r);
		if (cases[i].r < 0)
			continue;
		g_assert_cmpuint(v.major, ==, cases[i].major);
		g_assert_cmpuint(v.minor, ==, cases[i].minor);
		g_assert_cmpuint(v.patch, ==, cases[i].patch);
	}
}

static void test_parse_table(void)
{
	static const struct {
		const char *text;
		int r;
		guint n;
	} cases[] = {
		{"7.0", 0, 1},
		{"7.0, 6.19.5,6.18.16", 0, 3},
		{"", -EINVAL, 0},
		{"7", -EINVAL, 0},
		{"7.0,", -EINVAL, 0},
		{"6.18.x", -EINVAL, 0},
		{"6.18.1.2", -EINVAL, 0},
		{"6.18-rc1", -EINVAL, 0},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GArray) table = NULL;

		g_test_message("table %s", cases[i].text);
		g_assert_cmpint(af_rmapfix_parse_table(cases[i].text, &table), ==, cases[i].r);
		if (cases[i].r == 0)
			g_assert_cmpuint(table->len, ==, cases[i].n);
	}
}

static void test_has_fix(void)
{
	static const struct {
		const char *release, *table;
		gboolean fixed;
	} cases[] = {
		/* The built-in table: mainline 7.0 and later only. */
		{"7.0.0", NULL, TRUE},
		{"7.0-rc1", NULL, TRUE},
		{"7.1.3-amd64", NULL, TRUE},
		{"8.0", NULL, TRUE},
		{"6.19.9", NULL, FALSE},
		{"6.18.44-fc-v1272", NULL, FALSE},
		{"6.12.118+deb12-amd64", NULL, FALSE},
		{"6.1.0-56-amd64", NULL, FALSE},
		{"garbage", NULL, FALSE},
		{NULL, NULL, FALSE},
		/* A table with stable backports: from that release of the series on. */
		{"6.18.15", "7.0,6.19.5,6.18.16", FALSE},
		{"6.18.16", "7.0,6.19.5,6.18.16", TRUE},
		{"6.18.200", "7.0,6.19.5,6.18.16", TRUE},
		{"6.19.4", "7.0,6.19.5,6.18.16", FALSE},
		{"6.19.5-rt3", "7.0,6.19.5,6.18.16", TRUE},
		{"6.17.30", "7.0,6.19.5,6.18.16", FALSE},
		{"6.20.0", "7.0,6.19.5,6.18.16", FALSE},
		/* A table that does not parse proves nothing. */
		{"7.0", "7.x", FALSE},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_test_message("release %s, table %s", cases[i].release, cases[i].table);
		g_assert_cmpint(af_rmapfix_release_has_fix(cases[i].release, cases[i].table), ==,
				cases[i].fixed);
	}
}

static void test_wanted(void)
{
	g_assert_true(af_rmapfix_wanted(AF_ARFS_REFRESH_ON, "7.1.0", NULL));
	g_assert_false(af_rmapfix_wanted(AF_ARFS_REFRESH_OFF, "6.1.0-56-amd64", NULL));
	g_assert_true(af_rmapfix_wanted(AF_ARFS_REFRESH_AUTO, "6.12.118+deb12-amd64", NULL));
	g_assert_false(af_rmapfix_wanted(AF_ARFS_REFRESH_AUTO, "7.0.2", NULL));
	g_assert_false(af_rmapfix_wanted(AF_ARFS_REFRESH_AUTO, "6.12.118", "6.12.100,7.0"));
}

/*
 * After a hotplug event: the aRFS IRQs whose mask or serving CPU the kernel
 * changed since the last plan are asked to be refreshed, no other IRQ.
 */
static void test_ask_refresh(void)
{
	static const AfFakeDevice eth0 = {"0000:10:00.0", "ice", AF_IRQ_CLASS_NETWORK, 0, "eth0"};
	static const AfFakeDevice eth1 = {"0000:20:00.0", "e1000e", AF_IRQ_CLASS_NETWORK, 0,
					  "eth1"};
	g_autoptr(AfFakeMachine) m = af_fake_machine_new("pack:1 numa:1 l3:1 core:4 pu:1", "", "");
	g_autoptr(AfSnapshot) after = NULL;
	g_autoptr(AfRmapLook) before = NULL;
	g_autoptr(AfLimits) limits = af_limits_new();
	g_autoptr(AfPlacement) placement = af_plan_placement_new();
	g_autoptr(AfCpuSet) cpu1 = af_fake_cpus("1"), cpu2 = af_fake_cpus("2");
	AfIrq *irq;

	g_free(m->snapshot->kernel_release);
	m->snapshot->kernel_release = g_strdup("6.1.0-56-amd64");
	af_fake_add_nic(m, &eth0, 100, 3, FALSE, "0", NULL, NULL, TRUE);
	af_fake_add_nic(m, &eth1, 200, 1, FALSE, "0", NULL, NULL, FALSE);
	/* The last plan put 101 on CPU 1 and 102 on CPU 2 (the snapshot predates the writes). */
	g_hash_table_insert(placement, GUINT_TO_POINTER(101), cpu1);
	g_hash_table_insert(placement, GUINT_TO_POINTER(102), cpu2);
	before = af_rmapfix_look_new(m->snapshot, placement);
	/* CPU 2 went offline: 102's affinity broken to every online CPU, 100 and 101 as planned. */
	for (guint i = 0; i < m->snapshot->irqs->len; i++) {
		irq = m->snapshot->irqs->pdata[i];
		if (irq->irq == 101) {
			af_cpuset_assign(irq->affinity, cpu1);
		} else if (irq->irq == 102 || irq->irq == 200) {
			af_cpuset_clear(irq->affinity);
			af_cpuset_add_range(irq->affinity, 0, 3);
		}
	}
	after = m->snapshot;
	g_assert_cmpuint(af_rmapfix_ask_refresh(before, after, m->policy, limits), ==, 1);
	g_assert_true(af_limits_wants_refresh(limits, 102));
	g_assert_false(af_limits_wants_refresh(limits, 101));
	g_assert_false(af_limits_wants_refresh(limits, 100));
	g_assert_false(af_limits_wants_refresh(limits, 200)); /* not aRFS */
	/* A kernel with the fix: auto asks for nothing; on does. */
	g_free(m->snapshot->kernel_release);
	m->snapshot->kernel_release = g_strdup("7.0.1");
	g_hash_table_remove_all(limits->refresh);
	g_assert_cmpuint(af_rmapfix_ask_refresh(before, after, m->policy, limits), ==, 0);
	m->policy->network.arfs_refresh = AF_ARFS_REFRESH_ON;
	g_assert_cmpuint(af_rmapfix_ask_refresh(before, after, m->policy, limits), ==, 1);
	after = NULL; /* borrowed from the machine */
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/rmapfix/parse_release/table", test_parse_release);
	g_test_add_func("/rmapfix/parse_table/table", test_parse_table);
	g_test_add_func("/rmapfix/release_has_fix/table", test_has_fix);
	g_test_add_func("/rmapfix/wanted/modes", test_wanted);
	g_test_add_func("/rmapfix/ask_refresh/hotplug", test_ask_refresh);
	return g_test_run();
}
