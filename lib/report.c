/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "report-common.h"
#include "report-steering.h"
#include "report.h"

/* The table's columns, in order; REASON is last and never padded. */
typedef enum {
	COL_IRQ,
	COL_NAME,
	COL_DEVICE,
	COL_CLASS,
	COL_NODE,
	COL_PLACEMENT,
	COL_ACTION,
	COL_REASON,
	N_COLS,
} Column;

static const char *const column_titles[N_COLS] = {
	"IRQ", "NAME", "DEVICE/DRIVER", "CLASS", "NODE", NULL /* CURRENT -> PLANNED */, "ACTION",
	"REASON",
};

#define CURRENT_TITLE "CURRENT"
#define ARROW " -> "

/* Cells of one row; the placement cell is kept in its two halves. */
typedef struct {
	char *cells[N_COLS];
	char *current; /* "0-3 (eff 2)" */
	char *planned; /* "2", "2 (fallback 3,6)" or "-" */
} Row;

static void row_free(Row *row)
{
	for (guint i = 0; i < N_COLS; i++)
		g_free(row->cells[i]);
	g_free(row->current);
	g_free(row->planned);
	g_free(row);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Row, row_free)

static guint display_width(const char *text)
{
	return g_utf8_validate(text, -1, NULL) ? (guint)g_utf8_strlen(text, -1) : (guint)strlen(text);
}

static void append_padded(GString *out, const char *text, guint width)
{
	guint len = display_width(text);

	g_string_append(out, text);
	for (guint i = len; i < width; i++)
		g_string_append_c(out, ' ');
}

/*
 * "0-3 (eff 2)": the requested mask, and the serving CPUs when they differ.
 * A managed IRQ whose CPUs are all offline is shut down: effective is empty.
 */
static char *format_current(const AfIrq *irq)
{
	g_autofree char *affinity = irq->affinity ? af_cpuset_format_list(irq->affinity) : NULL;
	g_autofree char *effective = !irq->effective ? NULL
				     : af_cpuset_is_empty(irq->effective) ? g_strdup("none")
				     : af_cpuset_format_list(irq->effective);

	if (!affinity)
		return effective ? g_strdup_printf("? (eff %s)", effective) : g_strdup("?");
	if (effective && !af_cpuset_equal(irq->affinity, irq->effective))
		return g_strdup_printf("%s (eff %s)", affinity, effective);
	return g_steal_pointer(&affinity);
}

static char *format_device(const AfIrq *irq)
{
	GString *s = g_string_new(irq->device ? irq->device : "-");

	g_string_append_printf(s, "/%s", irq->driver ? irq->driver : "-");
	if (irq->interface)
		g_string_append_printf(s, "/%s", irq->interface);
	return g_string_free(s, FALSE);
}

static Row *make_row(const AfPlanEntry *entry)
{
	const AfIrq *irq = entry->irq;
	g_autoptr(Row) row = g_new0(Row, 1);
	g_autofree char *device = format_device(irq);

	row->cells[COL_IRQ] = g_strdup_printf("%u", irq->irq);
	row->cells[COL_NAME] = af_report_sanitize(irq->name && *irq->name ? irq->name : "-");
	row->cells[COL_DEVICE] = af_report_sanitize(device);
	row->cells[COL_CLASS] = g_strdup(af_irq_class_to_string(irq->class));
	row->cells[COL_NODE] =
		irq->numa_node >= 0 ? g_strdup_printf("%d", irq->numa_node) : g_strdup("-");
	row->current = format_current(irq);
	row->planned = entry->planned ? af_cpuset_format_list(entry->planned) : g_strdup("-");
	if (*row->planned == '\0') {
		g_free(row->planned);
		row->planned = g_strdup("(none)");
	}
	if (entry->fallback) {
		g_autofree char *planned = row->planned,
				*fallback = af_cpuset_format_list(entry->fallback);

		/* The CPU meant to serve it, then the ones the kernel may fall back on. */
		row->planned = g_strdup_printf("%s (fallback %s)", planned, fallback);
	}
	row->cells[COL_ACTION] = g_strdup(af_plan_action_to_string(entry->action));
	row->cells[COL_REASON] = af_report_sanitize(entry->reason ? entry->reason : "");
	return g_steal_pointer(&row);
}

/* The rows, aligned: widths from content, the arrows of CURRENT -> PLANNED in one column. */
static void append_rows(GString *out, GPtrArray *rows)
{
	guint width[N_COLS], current_width = strlen(CURRENT_TITLE);
	g_autoptr(GString) placement_title = g_string_new(NULL);

	for (guint i = 0; i < rows->len; i++) {
		const Row *row = g_ptr_array_index(rows, i);

		current_width = MAX(current_width, display_width(row->current));
	}
	append_padded(placement_title, CURRENT_TITLE, current_width);
	g_string_append(placement_title, ARROW "PLANNED");
	for (guint c = 0; c < N_COLS; c++)
		width[c] = c == COL_PLACEMENT ? placement_title->len : strlen(column_titles[c]);
	for (guint i = 0; i < rows->len; i++) {
		Row *row = g_ptr_array_index(rows, i);
		GString *cell = g_string_new(NULL);

		append_padded(cell, row->current, current_width);
		g_string_append_printf(cell, ARROW "%s", row->planned);
		row->cells[COL_PLACEMENT] = g_string_free(cell, FALSE);
		for (guint c = 0; c < N_COLS; c++)
			width[c] = MAX(width[c], display_width(row->cells[c]));
	}

	for (guint c = 0; c < N_COLS; c++) {
		const char *title = c == COL_PLACEMENT ? placement_title->str : column_titles[c];

		append_padded(out, title, c == COL_REASON ? 0 : width[c]);
		g_string_append(out, c == COL_REASON ? "\n" : "  ");
	}
	for (guint i = 0; i < rows->len; i++) {
		const Row *row = g_ptr_array_index(rows, i);

		for (guint c = 0; c < N_COLS; c++) {
			append_padded(out, row->cells[c], c == COL_REASON ? 0 : width[c]);
			g_string_append(out, c == COL_REASON ? "\n" : "  ");
		}
	}
}

static char *format_set(const AfCpuSet *set)
{
	return set ? af_cpuset_format_list(set) : g_strdup("");
}

static void append_cpu_sets(GString *out, const AfHousekeeping *hk)
{
	const char *labels[] = { "online", "isolated", "housekeeping" };
	const AfCpuSet *sets[] = { hk->online, hk->isolated, hk->housekeeping };
	guint width = strlen("housekeeping");

	for (guint i = 0; i < hk->sources->len; i++) {
		const AfHkSource *source = g_ptr_array_index(hk->sources, i);

		width = MAX(width, display_width(source->name));
	}
	g_string_append(out, "\nCPUs:\n");
	for (guint i = 0; i < G_N_ELEMENTS(labels); i++) {
		g_autofree char *list = format_set(sets[i]);

		g_string_append(out, "  ");
		append_padded(out, labels[i], width);
		g_string_append_printf(out, "  %s\n", *list ? list : "(none)");
	}
	g_string_append(out, "Isolation sources:\n");
	if (hk->sources->len == 0)
		g_string_append(out, "  (none)\n");
	for (guint i = 0; i < hk->sources->len; i++) {
		const AfHkSource *source = g_ptr_array_index(hk->sources, i);
		g_autofree char *list = format_set(source->cpus);

		g_string_append(out, "  ");
		append_padded(out, source->name, width);
		g_string_append_printf(out, "  %s\n", list);
	}
}

/*
 * The machine-wide warnings in the order the data flows (snapshot, kernel
 * command line, housekeeping, plan), each once: a reader may have copied the
 * command line's warnings into the snapshot's.
 */
static GPtrArray *collect_warnings(const AfSnapshot *snapshot, const AfHousekeeping *hk,
				   const AfPlan *plan)
{
	GPtrArray *lists[] = {
		snapshot->warnings,
		snapshot->cmdline ? snapshot->cmdline->warnings : NULL,
		hk->warnings,
		plan->warnings,
	};
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
	GPtrArray *warnings = g_ptr_array_new();

	for (guint l = 0; l < G_N_ELEMENTS(lists); l++) {
		for (guint i = 0; lists[l] && i < lists[l]->len; i++) {
			const char *w = g_ptr_array_index(lists[l], i);

			if (g_hash_table_add(seen, (gpointer)w))
				g_ptr_array_add(warnings, (gpointer)w);
		}
	}
	return warnings;
}

static void count_actions(const AfPlan *plan, guint counts[3])
{
	counts[AF_ACTION_MOVE] = counts[AF_ACTION_KEEP] = counts[AF_ACTION_SKIP] = 0;
	for (guint i = 0; i < plan->entries->len; i++) {
		const AfPlanEntry *entry = g_ptr_array_index(plan->entries, i);

		counts[entry->action]++;
	}
}

static void append_warnings(GString *out, const AfSnapshot *snapshot, const AfHousekeeping *hk,
			    const AfPlan *plan)
{
	g_autoptr(GPtrArray) warnings = collect_warnings(snapshot, hk, plan);
	gboolean any = warnings->len > 0;

	g_string_append(out, "Warnings:\n");
	for (guint i = 0; i < warnings->len; i++) {
		g_autofree char *w = af_report_sanitize(g_ptr_array_index(warnings, i));

		g_string_append_printf(out, "  %s\n", w);
	}
	for (guint i = 0; i < plan->entries->len; i++) {
		const AfPlanEntry *entry = g_ptr_array_index(plan->entries, i);
		g_autofree char *name = af_report_sanitize(entry->irq->name);

		for (guint j = 0; entry->warnings && j < entry->warnings->len; j++) {
			g_autofree char *w =
				af_report_sanitize(g_ptr_array_index(entry->warnings, j));

			g_string_append_printf(out, "  IRQ %u (%s): %s\n", entry->irq->irq,
					       *name ? name : "-", w);
			any = TRUE;
		}
	}
	if (!any)
		g_string_append(out, "  (none)\n");
}

/* "What if CPU 3 goes offline", "What if CPUs 2-3 go offline". */
static char *format_what_if(const AfWhatIf *what_if)
{
	g_autofree char *list = af_cpuset_format_list(what_if->offline);
	gboolean one = af_cpuset_count(what_if->offline) == 1;

	return g_strdup_printf("What if CPU%s %s go%s offline", one ? "" : "s", list,
			       one ? "es" : "");
}

/* The advisor's findings, each with whether the offline causes it. */
static void append_what_if(GString *out, const AfWhatIf *what_if)
{
	g_autofree char *offline = format_what_if(what_if);

	g_string_append_printf(out, "%s:\n", offline);
	if (what_if->findings->len == 0)
		g_string_append(out,
				"  (nothing left served only by isolated CPUs or on one CPU)\n");
	for (guint i = 0; i < what_if->findings->len; i++) {
		const AfWhatIfFinding *finding = g_ptr_array_index(what_if->findings, i);
		g_autofree char *text = af_report_sanitize(finding->text);

		g_string_append_printf(out, "  %s%s\n", text,
				       finding->caused ? ""
						       : " (so already with every CPU online)");
	}
}

static char *format_table(const AfSnapshot *snapshot, const AfHousekeeping *hk, const AfPlan *plan,
			  const AfWhatIf *what_if)
{
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)row_free);
	GString *out = g_string_new(NULL);
	guint counts[3];

	if (what_if) {
		g_autofree char *offline = format_what_if(what_if);

		g_string_append_printf(out,
				       "%s: the IRQs as the kernel would leave them (CURRENT) "
				       "and the plan for them\n\n",
				       offline);
	}
	for (guint i = 0; i < plan->entries->len; i++)
		g_ptr_array_add(rows, make_row(g_ptr_array_index(plan->entries, i)));
	append_rows(out, rows);
	af_report_append_steering(out, plan->steering);
	append_cpu_sets(out, hk);
	append_warnings(out, snapshot, hk, plan);
	if (what_if)
		append_what_if(out, what_if);
	count_actions(plan, counts);
	g_string_append_printf(out, "\n%u move, %u keep, %u skip\n", counts[AF_ACTION_MOVE],
			       counts[AF_ACTION_KEEP], counts[AF_ACTION_SKIP]);
	return g_string_free(out, FALSE);
}

char *af_report_format_table(const AfSnapshot *snapshot, const AfHousekeeping *hk,
			     const AfPlan *plan)
{
	return format_table(snapshot, hk, plan, NULL);
}

char *af_report_format_table_what_if(const AfSnapshot *snapshot, const AfHousekeeping *hk,
				     const AfPlan *plan, const AfWhatIf *what_if)
{
	return format_table(snapshot, hk, plan, what_if);
}

static void add_string_array(JsonBuilder *b, const char *member, const GPtrArray *strings)
{
	json_builder_set_member_name(b, member);
	json_builder_begin_array(b);
	for (guint i = 0; strings && i < strings->len; i++)
		json_builder_add_string_value(b, g_ptr_array_index(strings, i));
	json_builder_end_array(b);
}

static void add_cpus(JsonBuilder *b, const AfHousekeeping *hk)
{
	g_autofree char *online = format_set(hk->online);
	g_autofree char *isolated = format_set(hk->isolated);
	g_autofree char *housekeeping = format_set(hk->housekeeping);

	json_builder_set_member_name(b, "cpus");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "online");
	json_builder_add_string_value(b, online);
	json_builder_set_member_name(b, "isolated");
	json_builder_add_string_value(b, isolated);
	json_builder_set_member_name(b, "housekeeping");
	json_builder_add_string_value(b, housekeeping);
	json_builder_set_member_name(b, "sources");
	json_builder_begin_object(b);
	for (guint i = 0; i < hk->sources->len; i++) {
		const AfHkSource *source = g_ptr_array_index(hk->sources, i);
		g_autofree char *list = format_set(source->cpus);

		json_builder_set_member_name(b, source->name);
		json_builder_add_string_value(b, list);
	}
	json_builder_end_object(b);
	json_builder_end_object(b);
}

static void add_irq(JsonBuilder *b, const AfPlanEntry *entry)
{
	const AfIrq *irq = entry->irq;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "irq");
	json_builder_add_int_value(b, irq->irq);
	json_builder_set_member_name(b, "name");
	json_builder_add_string_value(b, irq->name ? irq->name : "");
	af_report_add_string_or_null(b, "device", irq->device);
	af_report_add_string_or_null(b, "driver", irq->driver);
	json_builder_set_member_name(b, "class");
	json_builder_add_string_value(b, af_irq_class_to_string(irq->class));
	af_report_add_int_or_null(b, "numa_node", irq->numa_node);
	af_report_add_string_or_null(b, "interface", irq->interface);
	af_report_add_int_or_null(b, "queue", irq->queue);
	json_builder_set_member_name(b, "managed");
	json_builder_add_boolean_value(b, irq->managed);
	af_report_add_string_or_null(b, "managed_source",
				     af_irq_managed_source_to_string(irq->managed_source));
	json_builder_set_member_name(b, "movable");
	json_builder_add_boolean_value(b, af_irq_is_movable(irq));
	af_report_add_cpuset_or_null(b, "current", irq->affinity);
	af_report_add_cpuset_or_null(b, "effective", irq->effective);
	af_report_add_cpuset_or_null(b, "planned", entry->planned);
	af_report_add_cpuset_or_null(b, "fallback", entry->fallback);
	json_builder_set_member_name(b, "action");
	json_builder_add_string_value(b, af_plan_action_to_string(entry->action));
	json_builder_set_member_name(b, "reason");
	json_builder_add_string_value(b, entry->reason ? entry->reason : "");
	add_string_array(b, "warnings", entry->warnings);
	json_builder_end_object(b);
}

/* "what_if": {"offline": "6", "findings": [{"kind": …, "caused": true, …}]}. */
static void add_what_if(JsonBuilder *b, const AfWhatIf *what_if)
{
	json_builder_set_member_name(b, "what_if");
	json_builder_begin_object(b);
	af_report_add_cpuset_or_null(b, "offline", what_if->offline);
	json_builder_set_member_name(b, "findings");
	json_builder_begin_array(b);
	for (guint i = 0; i < what_if->findings->len; i++) {
		const AfWhatIfFinding *finding = g_ptr_array_index(what_if->findings, i);

		json_builder_begin_object(b);
		json_builder_set_member_name(b, "kind");
		json_builder_add_string_value(b, af_whatif_kind_to_string(finding->kind));
		json_builder_set_member_name(b, "irq");
		json_builder_add_int_value(b, finding->irq);
		af_report_add_string_or_null(b, "device", finding->device);
		json_builder_set_member_name(b, "queues");
		json_builder_add_int_value(b, finding->n_queues);
		af_report_add_cpuset_or_null(b, "cpus", finding->cpus);
		json_builder_set_member_name(b, "caused");
		json_builder_add_boolean_value(b, finding->caused);
		json_builder_set_member_name(b, "text");
		json_builder_add_string_value(b, finding->text);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
}

static char *format_json(const AfSnapshot *snapshot, const AfHousekeeping *hk, const AfPlan *plan,
			 const AfWhatIf *what_if)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonGenerator) generator = json_generator_new();
	g_autoptr(JsonNode) root = NULL;
	g_autoptr(GPtrArray) warnings = collect_warnings(snapshot, hk, plan);
	g_autofree char *text = NULL;
	guint counts[3];

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "version");
	json_builder_add_int_value(b, 1);
	add_cpus(b, hk);
	json_builder_set_member_name(b, "irqs");
	json_builder_begin_array(b);
	for (guint i = 0; i < plan->entries->len; i++)
		add_irq(b, g_ptr_array_index(plan->entries, i));
	json_builder_end_array(b);
	af_report_add_steering_json(b, plan->steering);
	add_string_array(b, "warnings", warnings);
	count_actions(plan, counts);
	json_builder_set_member_name(b, "summary");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "move");
	json_builder_add_int_value(b, counts[AF_ACTION_MOVE]);
	json_builder_set_member_name(b, "keep");
	json_builder_add_int_value(b, counts[AF_ACTION_KEEP]);
	json_builder_set_member_name(b, "skip");
	json_builder_add_int_value(b, counts[AF_ACTION_SKIP]);
	af_report_add_steering_summary(b, plan->steering);
	json_builder_end_object(b);
	if (what_if)
		add_what_if(b, what_if);
	json_builder_end_object(b);

	root = json_builder_get_root(b);
	json_generator_set_root(generator, root);
	json_generator_set_pretty(generator, TRUE);
	json_generator_set_indent(generator, 2);
	text = json_generator_to_data(generator, NULL);
	return g_strconcat(text, "\n", NULL);
}

char *af_report_format_json(const AfSnapshot *snapshot, const AfHousekeeping *hk,
			    const AfPlan *plan)
{
	return format_json(snapshot, hk, plan, NULL);
}

char *af_report_format_json_what_if(const AfSnapshot *snapshot, const AfHousekeeping *hk,
				    const AfPlan *plan, const AfWhatIf *what_if)
{
	return format_json(snapshot, hk, plan, what_if);
}
