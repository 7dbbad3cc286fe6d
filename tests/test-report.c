/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "fakemachine.h"
#include "report.h"
#include "steering.h"
#include "testutil.h"

/*
 * A machine like the QEMU capture of tests/fixtures: 8 CPUs booted with
 * isolcpus=domain,2-7 isolcpus=managed_irq,1-3,5-7 irqaffinity=0,1 (CPU 0
 * alone for IRQs), a legacy IRQ the kernel left on an isolated CPU, a
 * network queue already in place, two managed virtio-scsi queues (one
 * served by isolated CPU 4) and the cascade IRQ with nothing readable.
 * The plan is written by hand: the report shows what it is given.
 */
typedef struct {
	AfFakeMachine *machine;
	AfSnapshot *snapshot; /* the machine's */
	AfHousekeeping *hk;   /* the machine's */
	AfPlan *plan;
} Fixture;

static void fixture_empty(Fixture *f)
{
	f->machine = af_fake_machine_new("pack:1 core:8 pu:1", "", "");
	f->snapshot = f->machine->snapshot;
	f->hk = f->machine->hk;
	f->plan = af_plan_new();
}

static void fixture_qemu(Fixture *f)
{
	const AfFakeDevice net = {"0000:00:03.0", "virtio-pci", AF_IRQ_CLASS_NETWORK, 0, "eth0"};
	const AfFakeDevice scsi = {"0000:00:05.0", "virtio-pci", AF_IRQ_CLASS_STORAGE, -1, NULL};
	AfFakeMachine *m;
	AfIrq *i8042, *rx, *q0, *q1, *cascade;
	AfPlanEntry *entry;

	fixture_empty(f);
	m = f->machine;
	af_fake_machine_boot(m, "isolcpus=domain,2-7 isolcpus=managed_irq,1-3,5-7 irqaffinity=0,1");
	f->hk = m->hk;

	i8042 = af_fake_add_irq(m, 1, "i8042", "0-7", "3");
	i8042->trigger = g_strdup("edge");
	rx = af_fake_add_queue(m, &net, 24, "virtio0-input.0", 0, AF_QUEUE_RX, "0", "0");
	q0 = af_fake_add_managed(m, &scsi, 27, "virtio2-request", 0, "0-3", "0");
	q1 = af_fake_add_managed(m, &scsi, 28, "virtio2-request", 1, "4-7", "4");
	cascade = af_fake_add_per_cpu(m, 2, "", NULL, NULL);

	g_ptr_array_add(f->snapshot->warnings,
			g_strdup("debugfs is not mounted: managed IRQs are guessed"));
	g_ptr_array_add(f->snapshot->cmdline->warnings,
			g_strdup("debugfs is not mounted: managed IRQs are guessed"));
	g_ptr_array_add(f->hk->warnings, g_strdup("CPU 1 is isolated for managed IRQs only"));
	g_ptr_array_add(f->plan->warnings, g_strdup("2 managed IRQs cannot be moved"));

	/* Entries in ascending IRQ order, as the planner gives them. */
	af_fake_plan_add(f->plan, i8042, AF_ACTION_MOVE, "0", "served by isolated CPU 3");
	af_fake_plan_add(f->plan, cascade, AF_ACTION_SKIP, NULL, "per-CPU interrupt");
	af_fake_plan_add(f->plan, rx, AF_ACTION_KEEP, "0", "already on housekeeping CPU 0");
	af_fake_plan_add(f->plan, q0, AF_ACTION_SKIP, NULL, "kernel-managed (heuristic)");
	entry = af_fake_plan_add(f->plan, q1, AF_ACTION_SKIP, NULL, "kernel-managed (heuristic)");
	g_ptr_array_add(entry->warnings, g_strdup("managed IRQ served by isolated CPU 4"));
	f->plan->n_move = 1;
	f->plan->n_keep = 1;
	f->plan->n_skip = 3;
}

static void fixture_clear(Fixture *f)
{
	af_plan_free(f->plan);
	af_fake_machine_free(f->machine);
}

/* ---- JSON ---- */

static JsonNode *parse_json(const char *text)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error = NULL;

	json_parser_load_from_data(parser, text, -1, &error);
	g_assert_no_error(error);
	/* The report is ours: what it prints must parse, or nothing after can run. */
	if (!json_parser_get_root(parser))
		g_error("the report is not JSON: %s", text);
	return json_node_copy(json_parser_get_root(parser));
}

/*
 * The member, when it is there and of the type (G_TYPE_INVALID: null or
 * a value, for the caller to tell); else NULL, failing the case.
 */
static JsonNode *member_of(JsonObject *o, const char *member, JsonNodeType type)
{
	JsonNode *node = o ? json_object_get_member(o, member) : NULL;

	if (!node)
		af_test_fail("no member \"%s\"", member);
	else if (JSON_NODE_TYPE(node) != type)
		af_test_fail("member \"%s\" is a %s", member, json_node_type_name(node));
	else
		return node;
	return NULL;
}

static void assert_string(JsonObject *o, const char *member, const char *expected)
{
	JsonNode *node = member_of(o, member, expected ? JSON_NODE_VALUE : JSON_NODE_NULL);

	if (!node || !expected)
		return;
	g_assert_cmpint(json_node_get_value_type(node), ==, G_TYPE_STRING);
	g_assert_cmpstr(json_node_get_string(node), ==, expected);
}

/* expected < 0 means null. */
static void assert_int(JsonObject *o, const char *member, gint64 expected)
{
	JsonNode *node = member_of(o, member, expected >= 0 ? JSON_NODE_VALUE : JSON_NODE_NULL);

	if (!node || expected < 0)
		return;
	g_assert_cmpint(json_node_get_value_type(node), ==, G_TYPE_INT64);
	g_assert_cmpint(json_node_get_int(node), ==, expected);
}

static void assert_bool(JsonObject *o, const char *member, gboolean expected)
{
	JsonNode *node = member_of(o, member, JSON_NODE_VALUE);

	if (!node)
		return;
	g_assert_cmpint(json_node_get_value_type(node), ==, G_TYPE_BOOLEAN);
	g_assert_cmpint(json_node_get_boolean(node), ==, expected);
}

/* An array of strings equal to expected (NULL-terminated). */
static void assert_strings(JsonObject *o, const char *member, const char *const *expected)
{
	JsonNode *node = member_of(o, member, JSON_NODE_ARRAY);
	JsonArray *array;

	if (!node)
		return;
	array = json_node_get_array(node);
	g_assert_cmpuint(json_array_get_length(array), ==, g_strv_length((char **)expected));
	for (guint i = 0; expected[i] && i < json_array_get_length(array); i++) {
		JsonNode *element = json_array_get_element(array, i);

		g_assert_cmpint(json_node_get_value_type(element), ==, G_TYPE_STRING);
		g_assert_cmpstr(json_node_get_string(element), ==, expected[i]);
	}
}

/* The object has exactly these members, in this order. */
static void assert_members(JsonObject *o, const char *const *expected)
{
	g_autoptr(GList) members = o ? json_object_get_members(o) : NULL;
	guint i = 0;

	g_assert_nonnull(o);

	for (GList *l = members; l && expected[i]; l = l->next, i++)
		g_assert_cmpstr(l->data, ==, expected[i]);
	g_assert_cmpuint(g_list_length(members), ==, g_strv_length((char **)expected));
}

static const char *const irq_members[] = {
	"irq", "name", "device", "driver", "class", "numa_node", "interface", "queue",
	"managed", "managed_source", "movable", "current", "effective", "planned",
	"fallback", "action", "reason", "warnings", NULL,
};

typedef struct {
	gint64 irq;
	const char *name, *device, *driver, *class;
	gint64 numa_node; /* -1: null */
	const char *interface;
	gint64 queue;     /* -1: null */
	gboolean managed;
	const char *managed_source;
	gboolean movable;
	const char *current, *effective, *planned, *action, *reason;
	const char *warnings[2];
} IrqCase;

/* What fixture_qemu() put in, field by field, in ascending IRQ order. */
static const IrqCase qemu_irqs[] = {
	{ 1, "i8042", NULL, NULL, "other", -1, NULL, -1, FALSE, NULL, TRUE,
	  "0-7", "3", "0", "move", "served by isolated CPU 3", { NULL } },
	{ 2, "", NULL, NULL, "other", -1, NULL, -1, FALSE, NULL, FALSE,
	  NULL, NULL, NULL, "skip", "per-CPU interrupt", { NULL } },
	{ 24, "virtio0-input.0", "0000:00:03.0", "virtio-pci", "network", 0, "eth0", 0, FALSE,
	  NULL, TRUE, "0", "0", "0", "keep", "already on housekeeping CPU 0", { NULL } },
	{ 27, "virtio2-request", "0000:00:05.0", "virtio-pci", "storage", -1, NULL, 0, TRUE,
	  "heuristic", FALSE, "0-3", "0", NULL, "skip", "kernel-managed (heuristic)", { NULL } },
	{ 28, "virtio2-request", "0000:00:05.0", "virtio-pci", "storage", -1, NULL, 1, TRUE,
	  "heuristic", FALSE, "4-7", "4", NULL, "skip", "kernel-managed (heuristic)",
	  { "managed IRQ served by isolated CPU 4", NULL } },
};

static void test_json_fields(void)
{
	static const char *const top[] = {
		"version",  "cpus",    "irqs", "interfaces", "rps_sock_flow_entries",
		"warnings", "summary", NULL};
	static const char *const cpus_members[] = { "online", "isolated", "housekeeping", "sources",
						    NULL };
	static const char *const source_names[] = { "isolcpus_domain", "isolcpus_managed_irq",
						    "irqaffinity", NULL };
	static const char *const warnings[] = {
		"debugfs is not mounted: managed IRQs are guessed",
		"CPU 1 is isolated for managed IRQs only",
		"2 managed IRQs cannot be moved",
		NULL,
	};
	Fixture f;
	g_autofree char *text = NULL;
	g_autoptr(JsonNode) root = NULL;
	JsonObject *o, *cpus, *sources, *summary;
	JsonArray *irqs;

	fixture_qemu(&f);
	text = af_report_format_json(f.snapshot, f.hk, f.plan);
	g_assert_true(g_str_has_suffix(text, "}\n"));
	root = parse_json(text);
	g_assert_true(JSON_NODE_HOLDS_OBJECT(root));
	o = json_node_get_object(root);
	assert_members(o, top);
	assert_int(o, "version", 1);

	cpus = json_object_get_object_member(o, "cpus");
	assert_members(cpus, cpus_members);
	assert_string(cpus, "online", "0-7");
	assert_string(cpus, "isolated", "1-7");
	assert_string(cpus, "housekeeping", "0");
	sources = json_object_get_object_member(cpus, "sources");
	assert_members(sources, source_names);
	assert_string(sources, "isolcpus_domain", "2-7");
	assert_string(sources, "isolcpus_managed_irq", "1-3,5-7");
	assert_string(sources, "irqaffinity", "2-7");

	/* Snapshot, command line, housekeeping, plan; the repeated one once. */
	assert_strings(o, "warnings", warnings);

	irqs = json_object_get_array_member(o, "irqs");
	g_assert_cmpuint(json_array_get_length(irqs), ==, G_N_ELEMENTS(qemu_irqs));
	for (guint i = 0; i < G_N_ELEMENTS(qemu_irqs); i++) {
		const IrqCase *c = &qemu_irqs[i];
		JsonObject *irq = json_array_get_object_element(irqs, i);

		g_test_message("IRQ %" G_GINT64_FORMAT, c->irq);
		assert_members(irq, irq_members);
		assert_int(irq, "irq", c->irq);
		assert_string(irq, "name", c->name);
		assert_string(irq, "device", c->device);
		assert_string(irq, "driver", c->driver);
		assert_string(irq, "class", c->class);
		assert_int(irq, "numa_node", c->numa_node);
		assert_string(irq, "interface", c->interface);
		assert_int(irq, "queue", c->queue);
		assert_bool(irq, "managed", c->managed);
		assert_string(irq, "managed_source", c->managed_source);
		assert_bool(irq, "movable", c->movable);
		assert_string(irq, "current", c->current);
		assert_string(irq, "effective", c->effective);
		assert_string(irq, "planned", c->planned);
		assert_string(irq, "fallback", NULL);
		assert_string(irq, "action", c->action);
		assert_string(irq, "reason", c->reason);
		assert_strings(irq, "warnings", c->warnings);
	}

	summary = json_object_get_object_member(o, "summary");
	assert_members(summary, (const char *const[]){"move", "keep", "skip", "steering", NULL});
	assert_int(summary, "move", 1);
	assert_int(summary, "keep", 1);
	assert_int(summary, "skip", 3);
	fixture_clear(&f);
}

static void test_json_empty(void)
{
	static const char *const none[] = { NULL };
	Fixture f;
	g_autofree char *text = NULL;
	g_autoptr(JsonNode) root = NULL;
	JsonObject *o, *cpus, *summary;

	fixture_empty(&f);
	text = af_report_format_json(f.snapshot, f.hk, f.plan);
	root = parse_json(text);
	o = json_node_get_object(root);
	cpus = json_object_get_object_member(o, "cpus");
	assert_string(cpus, "isolated", "");
	assert_string(cpus, "housekeeping", "0-7");
	assert_members(json_object_get_object_member(cpus, "sources"), none);
	g_assert_cmpuint(json_array_get_length(json_object_get_array_member(o, "irqs")), ==, 0);
	assert_strings(o, "warnings", none);
	summary = json_object_get_object_member(o, "summary");
	assert_int(summary, "move", 0);
	assert_int(summary, "keep", 0);
	assert_int(summary, "skip", 0);
	fixture_clear(&f);
}

/* Names with quotes and control characters survive the round trip. */
static void test_json_escaping(void)
{
	Fixture f;
	AfIrq *irq;
	g_autofree char *text = NULL;
	g_autoptr(JsonNode) root = NULL;
	JsonObject *entry;

	fixture_empty(&f);
	irq = af_fake_add_irq(f.machine, 9, "acpi \"x\"\t\\", "0", NULL);
	af_fake_plan_add(f.plan, irq, AF_ACTION_KEEP, "0", "line\nbreak");
	text = af_report_format_json(f.snapshot, f.hk, f.plan);
	root = parse_json(text);
	entry = json_array_get_object_element(
		json_object_get_array_member(json_node_get_object(root), "irqs"), 0);
	assert_string(entry, "name", "acpi \"x\"\t\\");
	assert_string(entry, "reason", "line\nbreak");
	assert_string(entry, "effective", NULL);
	fixture_clear(&f);
}

/* The planned CPU and its fallback CPUs apart, in JSON and in the table. */
static void test_fallback(void)
{
	Fixture f;
	AfIrq *irq;
	g_autofree char *json = NULL, *table = NULL;
	g_autoptr(JsonNode) root = NULL;
	JsonObject *entry;

	fixture_empty(&f);
	irq = af_fake_add_irq(f.machine, 9, "acpi", "0-7", "5");
	af_fake_plan_add(f.plan, irq, AF_ACTION_MOVE, "0", "spread")->fallback = af_fake_cpus("1,4");
	f.plan->n_move = 1;
	json = af_report_format_json(f.snapshot, f.hk, f.plan);
	root = parse_json(json);
	entry = json_array_get_object_element(
		json_object_get_array_member(json_node_get_object(root), "irqs"), 0);
	assert_string(entry, "planned", "0");
	assert_string(entry, "fallback", "1,4");
	table = af_report_format_table(f.snapshot, f.hk, f.plan);
	g_assert_nonnull(strstr(table, "0-7 (eff 5) -> 0 (fallback 1,4)  move"));
	fixture_clear(&f);
}

/* ---- table ---- */

/* The byte offset of needle in line, which must hold it. */
static guint column_of(const char *line, const char *needle)
{
	const char *p = strstr(line, needle);

	g_assert_nonnull(p);
	return p ? (guint)(p - line) : 0;
}

static void test_table_rows(void)
{
	/* The cell each row shows in each column; the columns must line up. */
	static const char *const rows[][8] = {
		{ "1", "i8042", "-/-", "other", "-", "0-7 (eff 3) -> 0", "move",
		  "served by isolated CPU 3" },
		{ "2", "-", "-/-", "other", "-", "?           -> -", "skip", "per-CPU interrupt" },
		{ "24", "virtio0-input.0", "0000:00:03.0/virtio-pci/eth0", "network", "0",
		  "0           -> 0", "keep", "already on housekeeping CPU 0" },
		{ "27", "virtio2-request", "0000:00:05.0/virtio-pci", "storage", "-",
		  "0-3 (eff 0) -> -", "skip", "kernel-managed (heuristic)" },
		{ "28", "virtio2-request", "0000:00:05.0/virtio-pci", "storage", "-",
		  "4-7 (eff 4) -> -", "skip", "kernel-managed (heuristic)" },
	};
	static const char *const titles[] = { "IRQ", "NAME", "DEVICE/DRIVER", "CLASS", "NODE",
					      "CURRENT     -> PLANNED", "ACTION", "REASON" };
	Fixture f;
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	guint starts[8];

	fixture_qemu(&f);
	text = af_report_format_table(f.snapshot, f.hk, f.plan);
	g_test_message("%s", text);
	lines = g_strsplit(text, "\n", -1);

	g_assert_true(g_str_has_prefix(lines[0], "IRQ  "));
	for (guint c = 0; c < 8; c++)
		starts[c] = column_of(lines[0], titles[c]);
	/* Each column starts two spaces after the widest cell of the one before. */
	g_assert_cmpuint(starts[1], ==, strlen("IRQ") + 2);
	g_assert_cmpuint(starts[2], ==, starts[1] + strlen("virtio0-input.0") + 2);
	g_assert_cmpuint(starts[3], ==, starts[2] + strlen("0000:00:03.0/virtio-pci/eth0") + 2);
	g_assert_cmpuint(starts[4], ==, starts[3] + strlen("network") + 2);
	g_assert_cmpuint(starts[5], ==, starts[4] + strlen("NODE") + 2);
	g_assert_cmpuint(starts[6], ==, starts[5] + strlen("CURRENT     -> PLANNED") + 2);
	g_assert_cmpuint(starts[7], ==, starts[6] + strlen("ACTION") + 2);

	for (guint r = 0; r < G_N_ELEMENTS(rows); r++) {
		const char *line = lines[r + 1];

		g_assert_nonnull(line);
		if (!line)
			break;
		g_test_message("row %s", line);
		for (guint c = 0; c < 8; c++) {
			guint len = strlen(rows[r][c]);

			g_assert_cmpuint(strlen(line), >=, starts[c] + len);
			if (strlen(line) < starts[c] + len)
				break;

			g_assert_cmpint(strncmp(line + starts[c], rows[r][c], len), ==, 0);
			if (c < 7)
				g_assert_cmpint(line[starts[c] + len], ==, ' ');
			else
				g_assert_cmpint(line[starts[c] + len], ==, '\0');
		}
	}
	g_assert_cmpstr(lines[G_N_ELEMENTS(rows) + 1], ==, "");
	fixture_clear(&f);
}

static void test_table_sections(void)
{
	static const char *const tail[] = {
		"",
		"CPUs:",
		"  online                0-7",
		"  isolated              1-7",
		"  housekeeping          0",
		"Isolation sources:",
		"  isolcpus_domain       2-7",
		"  isolcpus_managed_irq  1-3,5-7",
		"  irqaffinity           2-7",
		"Warnings:",
		"  debugfs is not mounted: managed IRQs are guessed",
		"  CPU 1 is isolated for managed IRQs only",
		"  2 managed IRQs cannot be moved",
		"  IRQ 28 (virtio2-request): managed IRQ served by isolated CPU 4",
		"",
		"1 move, 1 keep, 3 skip",
		"",
	};
	Fixture f;
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;

	fixture_qemu(&f);
	text = af_report_format_table(f.snapshot, f.hk, f.plan);
	lines = g_strsplit(text, "\n", -1);
	/* Header and five rows, then the sections. */
	g_assert_cmpuint(g_strv_length(lines), ==, 6 + G_N_ELEMENTS(tail));
	for (guint i = 0; i < G_N_ELEMENTS(tail); i++)
		g_assert_cmpstr(lines[6 + i], ==, tail[i]);
	fixture_clear(&f);
}

static void test_table_empty(void)
{
	static const char *const expected =
		"IRQ  NAME  DEVICE/DRIVER  CLASS  NODE  CURRENT -> PLANNED  ACTION  REASON\n"
		"\n"
		"CPUs:\n"
		"  online        0-7\n"
		"  isolated      (none)\n"
		"  housekeeping  0-7\n"
		"Isolation sources:\n"
		"  (none)\n"
		"Warnings:\n"
		"  (none)\n"
		"\n"
		"0 move, 0 keep, 0 skip\n";
	Fixture f;
	g_autofree char *text = NULL;

	fixture_empty(&f);
	text = af_report_format_table(f.snapshot, f.hk, f.plan);
	g_assert_cmpstr(text, ==, expected);
	fixture_clear(&f);
}

/* A tab or escape sequence in a name must not break the columns or the terminal. */
static void test_table_control_characters(void)
{
	Fixture f;
	AfIrq *irq;
	g_autofree char *text = NULL;

	fixture_empty(&f);
	irq = af_fake_add_irq(f.machine, 9, "bad\tname\033[2J", "0", NULL);
	g_ptr_array_add(af_fake_plan_add(f.plan, irq, AF_ACTION_KEEP, "0", "ok")->warnings,
			g_strdup("odd\nwarning"));
	text = af_report_format_table(f.snapshot, f.hk, f.plan);
	g_assert_nonnull(strstr(text, "9    bad?name?[2J  -/-"));
	g_assert_nonnull(strstr(text, "  IRQ 9 (bad?name?[2J): odd?warning\n"));
	g_assert_null(strchr(text, '\t'));
	g_assert_null(strchr(text, '\033'));
	fixture_clear(&f);
}

/* A shut-down managed IRQ serves on no CPU: said in words, not as an empty list. */
static void test_table_not_served(void)
{
	Fixture f;
	AfIrq *irq;
	g_autofree char *text = NULL;
	g_autofree char *json = NULL;
	g_autoptr(JsonNode) root = NULL;

	fixture_empty(&f);
	irq = af_fake_add_irq(f.machine, 40, "nvme0q3", "4-7", "");
	irq->managed = TRUE;
	af_fake_plan_add(f.plan, irq, AF_ACTION_SKIP, NULL, "kernel-managed");
	text = af_report_format_table(f.snapshot, f.hk, f.plan);
	g_assert_nonnull(strstr(text, "  4-7 (eff none) -> -  "));
	json = af_report_format_json(f.snapshot, f.hk, f.plan);
	root = parse_json(json);
	assert_string(json_array_get_object_element(
			      json_object_get_array_member(json_node_get_object(root), "irqs"), 0),
		      "effective", "");
	fixture_clear(&f);
}

/* ---- Steering ---- */

/* A machine with a 2-channel NIC whose rps masks hold isolated CPU 3, planned and steered. */
static AfPlan *steered_plan(AfFakeMachine **ret_machine)
{
	static const AfFakeDevice nic = {"0000:10:00.0", "ice", AF_IRQ_CLASS_NETWORK, 0, "eth0"};
	g_autoptr(AfFakeMachine) m = af_fake_machine_new("pack:1 numa:1 l3:1 core:4 pu:1", "", "3");
	g_autoptr(AfPlan) plan = NULL;

	af_fake_add_nic(m, &nic, 40, 2, FALSE, "0-3", "0-3", "", TRUE);
	g_assert_cmpint(af_fake_plan(m, NULL, &plan), ==, 0);
	plan->free_steering = (GDestroyNotify)af_steering_free;
	g_assert_cmpint(af_steering_compute(m->snapshot, m->hk, m->policy, plan, &plan->steering),
			==, 0);
	*ret_machine = g_steal_pointer(&m);
	return g_steal_pointer(&plan);
}

static void test_json_interfaces(void)
{
	static const char *const iface_members[] = {"name", "driver",	"channels", "ntuple",
						    "arfs", "threaded", "policy",   "queues",
						    "napi", NULL};
	static const char *const queue_members[] = {
		"queue", "irq", "kind", "current", "planned", "action", "reason", "flow_cnt", NULL};
	g_autoptr(AfFakeMachine) m = NULL;
	g_autoptr(AfPlan) plan = steered_plan(&m);
	g_autofree char *text = af_report_format_json(m->snapshot, m->hk, plan);
	g_autoptr(JsonNode) root = parse_json(text);
	JsonObject *o = json_node_get_object(root), *eth0, *q, *summary;
	JsonArray *interfaces, *queues;

	interfaces = json_object_get_array_member(o, "interfaces");
	g_assert_cmpuint(json_array_get_length(interfaces), ==, 1);
	eth0 = json_array_get_object_element(interfaces, 0);
	assert_members(eth0, iface_members);
	assert_string(eth0, "name", "eth0");
	assert_string(eth0, "driver", "ice");
	g_assert_true(json_object_get_boolean_member(eth0, "ntuple"));
	g_assert_true(json_object_get_boolean_member(eth0, "arfs"));
	g_assert_cmpint(json_object_get_int_member(json_object_get_object_member(eth0, "channels"),
						   "combined"),
			==, 2);
	assert_string(json_object_get_object_member(eth0, "policy"), "rps", "strip-isolated");
	queues = json_object_get_array_member(eth0, "queues");
	g_assert_cmpuint(json_array_get_length(queues), ==, 4);
	q = json_array_get_object_element(queues, 0);
	assert_members(q, queue_members);
	assert_string(q, "queue", "rx-0");
	assert_int(q, "irq", 40);
	assert_string(q, "kind", "rps");
	assert_string(q, "current", "0-3");
	assert_string(q, "planned", "0-2");
	assert_string(q, "action", "move");
	member_of(q, "flow_cnt", JSON_NODE_NULL);
	q = json_array_get_object_element(queues, 2);
	assert_string(q, "queue", "tx-0");
	assert_string(q, "kind", "xps");
	assert_string(q, "current", "");
	assert_string(json_object_get_object_member(o, "rps_sock_flow_entries"), "action", "skip");
	summary = json_object_get_object_member(o, "summary");
	assert_int(json_object_get_object_member(summary, "steering"), "move", 4);
}

static void test_table_steering(void)
{
	g_autoptr(AfFakeMachine) m = NULL;
	g_autoptr(AfPlan) plan = steered_plan(&m);
	g_autofree char *text = af_report_format_table(m->snapshot, m->hk, plan);

	g_assert_nonnull(strstr(text, "\nNetwork steering:\n  eth0 (ice, 2 combined channels, "
				      "ntuple on, aRFS)\n"));
	g_assert_nonnull(
		strstr(text, "    QUEUE  IRQ  KIND  CURRENT -> PLANNED  ACTION  REASON\n"));
	g_assert_nonnull(strstr(text, "    rx-0   40   rps   0-3 -> 0-2          move    strip "
				      "isolated CPU 3: RPS would run softirq work there\n"));
	g_assert_nonnull(strstr(text, "  rps_sock_flow_entries  ? -> -  skip  "));
	/* Before the CPU sets, after the IRQs. */
	g_assert_true(strstr(text, "Network steering:") < strstr(text, "\nCPUs:\n"));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/report/format_json/fields", test_json_fields);
	g_test_add_func("/report/format_json/empty", test_json_empty);
	g_test_add_func("/report/format_json/escaping", test_json_escaping);
	g_test_add_func("/report/format/fallback", test_fallback);
	g_test_add_func("/report/format_json/interfaces", test_json_interfaces);
	g_test_add_func("/report/format_table/rows", test_table_rows);
	g_test_add_func("/report/format_table/steering", test_table_steering);
	g_test_add_func("/report/format_table/sections", test_table_sections);
	g_test_add_func("/report/format_table/empty", test_table_empty);
	g_test_add_func("/report/format_table/control_characters", test_table_control_characters);
	g_test_add_func("/report/format_table/not_served", test_table_not_served);
	return g_test_run();
}
