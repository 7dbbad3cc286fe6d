/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "ctl-format.h"
#include "fakemachine.h"
#include "report.h"
#include "testutil.h"

/*
 * What affinityctl prints, from the very text the daemon sends: the plan's
 * JSON comes from lib/report.c on a fake machine (4 CPUs, 2-3 isolated, a
 * ban on CPU 1), so a change of the schema shows here.
 */

static char *plan_json(void)
{
	const AfFakeDevice net = {"0000:00:03.0", "virtio-pci", AF_IRQ_CLASS_NETWORK, 0, "eth0"};
	g_autoptr(AfFakeMachine) m = af_fake_machine_new("pack:1 core:4 pu:1", "", "");
	g_autoptr(AfPlan) plan = af_plan_new();
	g_autoptr(AfCpuSet) banned = af_fake_cpus("1");
	AfIrq *irq;
	AfPlanEntry *entry;

	af_fake_machine_boot(m, "isolcpus=domain,2-3");
	af_housekeeping_add_source(m->hk, "owner:tuned", banned);
	irq = af_fake_add_irq(m, 1, "i8042", "0-3", "3");
	af_fake_plan_add(plan, irq, AF_ACTION_MOVE, "0", "served by isolated CPU 3");
	irq = af_fake_add_queue(m, &net, 24, "virtio0-input.0", 0, AF_QUEUE_RX, "0", "0");
	af_fake_plan_add(plan, irq, AF_ACTION_KEEP, "0", "already on CPU 0");
	irq = af_fake_add_managed(m, &net, 27, "bad\tname", 1, "2-3", "2");
	entry = af_fake_plan_add(plan, irq, AF_ACTION_SKIP, NULL, "kernel-managed");
	g_ptr_array_add(entry->warnings, g_strdup("served by isolated CPU 2"));
	g_ptr_array_add(plan->warnings, g_strdup("1 managed IRQ on an isolated CPU"));
	return af_report_format_json(m->snapshot, m->hk, plan);
}

static void test_plan_table(void)
{
	g_autofree char *json = plan_json();
	g_autoptr(GError) error = NULL;
	g_autofree char *text = af_ctl_format_plan(json, &error);

	g_assert_no_error(error);
	g_assert_cmpstr(
		text, ==,
		"IRQ  NAME             ACTION  CURRENT      PLANNED  REASON\n"
		"1    i8042            move    0-3 (eff 3)  0        served by isolated CPU 3\n"
		"24   virtio0-input.0  keep    0            0        already on CPU 0\n"
		"27   bad?name         skip    2-3 (eff 2)  -        kernel-managed\n"
		"\n"
		"CPUs:\n"
		"  online        0-3\n"
		"  isolated      1-3\n"
		"  housekeeping  0\n"
		"Isolation sources:\n"
		"  isolcpus_domain  2-3\n"
		"  owner:tuned      1\n"
		"Warnings:\n"
		"  1 managed IRQ on an isolated CPU\n"
		"  IRQ 27: served by isolated CPU 2\n"
		"\n"
		"1 move, 1 keep, 1 skip\n");
}

static void test_plan_not_a_plan(void)
{
	static const char *const bad[] = {"", "not json", "[]", "{\"version\": 1}",
					  "{\"cpus\": {}, \"irqs\": [], \"summary\": 3}"};

	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) error = NULL;
		g_autofree char *text = af_ctl_format_plan(bad[i], &error);

		g_test_message("case %u: %s", i, bad[i]);
		g_assert_null(text);
		g_assert_nonnull(error);
	}
}

static GVariant *bans(gboolean any)
{
	GVariantBuilder builder;

	g_variant_builder_init(&builder, G_VARIANT_TYPE("a(ss)"));
	if (any) {
		g_variant_builder_add(&builder, "(ss)", "crio", "2-3");
		g_variant_builder_add(&builder, "(ss)", "socket:intel_lpmd", "1");
	}
	return g_variant_ref_sink(g_variant_builder_end(&builder));
}

static void test_bans(void)
{
	g_autoptr(GVariant) some = bans(TRUE), none = bans(FALSE);
	g_autofree char *text = af_ctl_format_bans(some);
	g_autofree char *empty = af_ctl_format_bans(none);

	g_assert_cmpstr(text, ==,
			"OWNER              CPUS\n"
			"crio               2-3\n"
			"socket:intel_lpmd  1\n");
	g_assert_cmpstr(empty, ==, "(no bans)\n");
}

static void test_status(void)
{
	g_autoptr(GVariant) list = bans(TRUE);
	g_autoptr(GVariant) properties = NULL;
	g_autofree char *text = NULL;
	GVariantBuilder sources, all;

	g_variant_builder_init(&sources, G_VARIANT_TYPE("a{ss}"));
	g_variant_builder_add(&sources, "{ss}", "isolcpus_domain", "2-7");
	g_variant_builder_add(&sources, "{ss}", "owner:crio", "2-3");
	g_variant_builder_init(&all, G_VARIANT_TYPE("a{sv}"));
	g_variant_builder_add(&all, "{sv}", "Version", g_variant_new_string("0.1.0"));
	g_variant_builder_add(&all, "{sv}", "Online", g_variant_new_string("0-7"));
	g_variant_builder_add(&all, "{sv}", "Isolated", g_variant_new_string("1-7"));
	g_variant_builder_add(&all, "{sv}", "Housekeeping", g_variant_new_string("0"));
	g_variant_builder_add(&all, "{sv}", "Sources", g_variant_builder_end(&sources));
	properties = g_variant_ref_sink(g_variant_builder_end(&all));
	text = af_ctl_format_status(properties, list);
	g_assert_cmpstr(text, ==,
			"affinityd 0.1.0\n"
			"Online:        0-7\n"
			"Isolated:      1-7\n"
			"Housekeeping:  0\n"
			"Isolation sources:\n"
			"  isolcpus_domain  2-7\n"
			"  owner:crio       2-3\n"
			"Bans:\n"
			"  OWNER              CPUS\n"
			"  crio               2-3\n"
			"  socket:intel_lpmd  1\n");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/ctlformat/plan/table", test_plan_table);
	g_test_add_func("/ctlformat/plan/not-a-plan", test_plan_not_a_plan);
	g_test_add_func("/ctlformat/bans/table", test_bans);
	g_test_add_func("/ctlformat/status/text", test_status);
	return g_test_run();
}
